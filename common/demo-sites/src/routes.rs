//! What each path of the stand-in sites answers (the table in `lib.rs`), and after how long.

use super::record::{End, Record};
use super::{SITES, alarm};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The longest wait `/delay/<ms>` honours: a longer one is cut to this.
pub const MAX_DELAY: Duration = Duration::from_secs(600);

/// The longest `/flaky/<key>` key, and how many keys the server remembers at most: when
/// it has seen that many it forgets them all and starts over, so its memory stays small
/// however many keys are asked for.
const MAX_FLAKY_KEY_LEN: usize = 100;
const MAX_FLAKY_KEYS: usize = 1000;

/// The `/flaky/<key>` keys asked for so far.
pub(super) type Seen = Arc<Mutex<HashSet<String>>>;

/// What a path asks for.
#[derive(Debug, PartialEq)]
enum Route {
    Index,
    Site(&'static str, Duration),
    Delay(Duration),
    /// `/delay/` followed by something that is not a whole number of milliseconds.
    BadDelay(String),
    Status(StatusCode),
    Flaky(String),
    NotFound,
}

impl Route {
    fn parse(path: &str) -> Route {
        let path = path.split('?').next().unwrap_or_default();
        if path == "/" {
            return Route::Index;
        }
        if let Some(&(name, latency)) = SITES.iter().find(|(name, _)| path == format!("/{name}")) {
            return Route::Site(name, latency);
        }
        if let Some(ms) = path.strip_prefix("/delay/") {
            return delay(ms);
        }
        if let Some(key) = path
            .strip_prefix("/flaky/")
            .filter(|key| !key.is_empty() && key.len() <= MAX_FLAKY_KEY_LEN)
        {
            return Route::Flaky(key.to_string());
        }
        let status = path.strip_prefix("/status/").and_then(|n| n.parse::<u16>().ok());
        match status {
            Some(code @ 200..=599) => StatusCode::from_u16(code).map_or(Route::NotFound, Route::Status),
            _ => Route::NotFound,
        }
    }

    /// How long to wait before answering, already scaled.
    fn wait(&self, time_scale: f64) -> Option<Duration> {
        match self {
            Route::Site(_, latency) | Route::Delay(latency) => Some(latency.mul_f64(time_scale)),
            Route::Index | Route::BadDelay(_) | Route::Status(_) | Route::Flaky(_) | Route::NotFound => None,
        }
    }
}

/// Why a connection was dropped without an answer (only `/flaky` does that, on purpose).
#[derive(Debug)]
pub(super) struct HungUp;

impl std::fmt::Display for HungUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("hung up on purpose (/flaky)")
    }
}

impl std::error::Error for HungUp {}

pub(super) async fn respond(
    request: Request<Incoming>,
    time_scale: f64,
    seen: Seen,
    record: Record,
) -> Result<Response<Full<Bytes>>, HungUp> {
    let route = Route::parse(request.uri().path());
    // Dropped with this future: hyper drops it when the client hangs up before the answer.
    let mut ending = record.arrived(request.uri().path());
    // An error here makes hyper close the connection without answering.
    if let Route::Flaky(key) = &route
        && first_time(&seen, key)
    {
        ending.set(End::HungUpOn);
        return Err(HungUp);
    }
    if let Some(wait) = route.wait(time_scale) {
        alarm::sleep(wait).await;
    }
    ending.set(End::Answered);
    let (status, body) = match route {
        Route::Index => (StatusCode::OK, index_page()),
        Route::Site(name, _) => (
            StatusCode::OK,
            format!("<h1>{name}</h1><p>A stand-in site.</p>\n"),
        ),
        Route::Delay(wait) => (StatusCode::OK, format!("waited {} ms\n", wait.as_millis())),
        Route::BadDelay(why) => (StatusCode::BAD_REQUEST, why),
        Route::Status(code) => (code, format!("status {}\n", code.as_u16())),
        Route::Flaky(key) => (StatusCode::OK, format!("{key}: fine the second time\n")),
        Route::NotFound => (StatusCode::NOT_FOUND, "no such page; see /\n".to_string()),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    Ok(response)
}

/// `/delay/<ms>`: any run of digits is a wait, cut to [`MAX_DELAY`] however many digits it
/// has (`u64` alone would refuse twenty); anything else is a bad request that says why.
fn delay(ms: &str) -> Route {
    if !ms.is_empty() && ms.bytes().all(|b| b.is_ascii_digit()) {
        let wait = ms.parse::<u64>().map_or(MAX_DELAY, Duration::from_millis);
        return Route::Delay(wait.min(MAX_DELAY));
    }
    // What was asked for, cut short: the path comes from the client and may be long.
    let asked: String = ms.chars().take(40).collect();
    let cut = if asked.len() < ms.len() { "…" } else { "" };
    Route::BadDelay(format!(
        "/delay/<ms> takes a whole number of milliseconds, 0 or more (a longer wait than {} ms \
         is cut to that), not `{asked}{cut}`\n",
        MAX_DELAY.as_millis()
    ))
}

/// Remember `key`; true if it is new (or was forgotten when the memory was full).
fn first_time(seen: &Seen, key: &str) -> bool {
    let mut seen = seen.lock().expect("never poisoned");
    if seen.contains(key) {
        return false;
    }
    if seen.len() >= MAX_FLAKY_KEYS {
        seen.clear();
    }
    seen.insert(key.to_string())
}

fn index_page() -> String {
    let mut page = String::from("Stand-in sites:\n");
    for (name, latency) in SITES {
        page.push_str(&format!("  /{name}  answers after {} ms\n", latency.as_millis()));
    }
    page.push_str(&format!(
        "  /delay/<ms>  answers after <ms> ms (at most {} ms)\n  /status/<code>  answers with that status\n",
        MAX_DELAY.as_millis()
    ));
    page.push_str(&format!(
        "  /flaky/<key>  hangs up the first time, answers after that \
         (keys up to {MAX_FLAKY_KEY_LEN} characters; after {MAX_FLAKY_KEYS} keys it starts over)\n"
    ));
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_routes() {
        assert_eq!(Route::parse("/"), Route::Index);
        assert_eq!(
            Route::parse("/google"),
            Route::Site("google", Duration::from_millis(200))
        );
        assert_eq!(
            Route::parse("/delay/1500?x=1"),
            Route::Delay(Duration::from_millis(1500))
        );
        assert_eq!(Route::parse("/delay/99999999999"), Route::Delay(MAX_DELAY));
        let digits = format!("/delay/{}", "9".repeat(300));
        assert_eq!(Route::parse(&digits), Route::Delay(MAX_DELAY));
        for bad in [
            "/delay/-1",
            "/delay/x",
            "/delay/",
            "/delay/1.5",
            "/delay/+5",
            "/delay/5/6",
        ] {
            assert!(matches!(Route::parse(bad), Route::BadDelay(_)), "{bad}");
        }
        assert_eq!(
            Route::parse("/status/418"),
            Route::Status(StatusCode::IM_A_TEAPOT)
        );
        for bad in [
            "/status/42",
            "/status/600",
            "/status/x",
            "/googles",
            "/nope",
            "/flaky/",
        ] {
            assert_eq!(Route::parse(bad), Route::NotFound, "{bad}");
        }
    }

    #[test]
    fn flaky_keys_are_short_and_their_memory_is_bounded() {
        assert_eq!(Route::parse("/flaky/abc"), Route::Flaky("abc".into()));
        let too_long = format!("/flaky/{}", "k".repeat(MAX_FLAKY_KEY_LEN + 1));
        assert_eq!(Route::parse(&too_long), Route::NotFound);

        let seen = Seen::default();
        assert!(first_time(&seen, "a") && !first_time(&seen, "a"));
        for n in 0..MAX_FLAKY_KEYS * 3 {
            first_time(&seen, &n.to_string());
        }
        assert!(seen.lock().unwrap().len() <= MAX_FLAKY_KEYS);
    }

    #[test]
    fn waits_are_scaled_and_only_sites_and_delays_wait() {
        assert_eq!(Route::parse("/yahoo").wait(0.5), Some(Duration::from_millis(400)));
        assert_eq!(
            Route::parse("/delay/100").wait(0.5),
            Some(Duration::from_millis(50))
        );
        assert_eq!(Route::parse("/status/500").wait(0.5), None);
    }
}
