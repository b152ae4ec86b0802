//! The stand-in sites: a small HTTP/1.1 server on 127.0.0.1 that answers like the article's
//! four sites, only slower or faster on purpose, so every run of the lesson is the same on
//! every machine, with or without a network.
//!
//! | path          | answers                   | after (times `--time-scale`) |
//! |---------------|---------------------------|------------------------------|
//! | `/bing`       | 200 and a small page      | 300 ms                       |
//! | `/duckduckgo` | 200                       | 500 ms                       |
//! | `/google`     | 200                       | 200 ms                       |
//! | `/yahoo`      | 200                       | 800 ms                       |
//! | `/delay/<ms>` | 200                       | `<ms>` ms (at most 10 min)   |
//! | `/status/<n>` | status `<n>` (200 to 599) | at once                      |
//! | `/flaky/<key>`| first time: hangs up without an answer; then 200 (keys of at most 100 characters; after 1000 keys it starts over) | at once |
//! | `/`           | this list                 | at once                      |
//!
//! The server runs on its own small tokio runtime, so blocking code (Listing 1) and async
//! code can both use it. It is built on hyper, the HTTP library under reqwest: we only
//! decide what each path answers, never parse HTTP ourselves.

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use socket2::{Domain, Protocol, Socket, Type};
use std::collections::HashSet;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

mod alarm;

/// The article's four sites and how long each stand-in takes to answer.
pub const SITES: [(&str, Duration); 4] = [
    ("bing", Duration::from_millis(300)),
    ("duckduckgo", Duration::from_millis(500)),
    ("google", Duration::from_millis(200)),
    ("yahoo", Duration::from_millis(800)),
];

/// The longest wait `/delay/<ms>` honours.
const MAX_DELAY: Duration = Duration::from_secs(600);

/// How many not-yet-accepted connections to ask the OS to queue for us: as many as it
/// allows, since thousands may arrive at once. Linux and macOS cap the number silently at
/// their own maximum (`somaxconn`: 4096 on Linux, 128 on macOS). Windows caps a plain
/// number at about 200, unless asked with its hint `SOMAXCONN_HINT(n)`, written `-n`,
/// which allows up to 65535.
#[cfg(not(windows))]
const LISTEN_BACKLOG: i32 = i32::MAX;
#[cfg(windows)]
const LISTEN_BACKLOG: i32 = -65_535;

/// The longest `/flaky/<key>` key, and how many keys the server remembers at most: when
/// it has seen that many it forgets them all and starts over, so its memory stays small
/// however many keys are asked for.
const MAX_FLAKY_KEY_LEN: usize = 100;
const MAX_FLAKY_KEYS: usize = 1000;

/// A running set of stand-in sites. Dropping it stops the server.
pub struct StandInSites {
    addr: SocketAddr,
    runtime: Option<Runtime>,
}

impl StandInSites {
    /// Serve on a port the OS picks. Every wait is multiplied by `time_scale`.
    pub fn start(time_scale: f64) -> io::Result<Self> {
        Self::start_on(0, time_scale)
    }

    /// Serve on `port` (0: any free port).
    pub fn start_on(port: u16, time_scale: f64) -> io::Result<Self> {
        assert!(
            time_scale.is_finite() && time_scale >= 0.0,
            "time scale must be a finite number >= 0, got {time_scale}"
        );
        // Each connection is an open file. macOS starts programs with a soft limit of 256,
        // too few for a thousand URLs at once: raise it as far as the OS allows (rlimit
        // also respects macOS's `kern.maxfilesperproc`; Windows has no such limit).
        let _ = rlimit::increase_nofile_limit(u64::MAX);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("stand-in-sites")
            .build()?;
        // Bind here, before returning, so the port is known and connections queue up at once.
        let listener = {
            let _context = runtime.enter();
            bind(port)?
        };
        let addr = listener.local_addr()?;
        runtime.spawn(serve(listener, time_scale, Arc::default()));
        Ok(Self {
            addr,
            runtime: Some(runtime),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The full URL of `path` on this server, e.g. `url("/status/404")`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The four sites' URLs, in the article's order.
    pub fn site_urls(&self) -> Vec<String> {
        SITES
            .iter()
            .map(|(name, _)| self.url(&format!("/{name}")))
            .collect()
    }
}

impl Drop for StandInSites {
    fn drop(&mut self) {
        // Don't wait for connections still being served; this also works inside async code.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn bind(port: u16) -> io::Result<TcpListener> {
    // socket2 builds the socket step by step, so we can choose the backlog; tokio serves it.
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    // Lets `demo-sites --port N` restart at once on Unix. (On Windows the same option
    // would let another program share the port, so it stays off there.)
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, port)).into())?;
    socket.listen(LISTEN_BACKLOG)?;
    socket.set_nonblocking(true)?;
    TcpListener::from_std(socket.into())
}

/// The `/flaky/<key>` keys asked for so far.
type Seen = Arc<Mutex<HashSet<String>>>;

async fn serve(listener: TcpListener, time_scale: f64, seen: Seen) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            // Out of file descriptors, or a connection reset before we took it:
            // pause briefly and keep serving the others rather than give up.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let seen = Arc::clone(&seen);
        tokio::spawn(async move {
            let answer = service_fn(move |request| respond(request, time_scale, Arc::clone(&seen)));
            // A client that hangs up early is its own business; nothing to report.
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), answer)
                .await;
        });
    }
}

/// What a path asks for.
#[derive(Debug, PartialEq)]
enum Route {
    Index,
    Site(&'static str, Duration),
    Delay(Duration),
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
        if let Some(ms) = path.strip_prefix("/delay/").and_then(|n| n.parse::<u64>().ok()) {
            return Route::Delay(Duration::from_millis(ms).min(MAX_DELAY));
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
            Route::Index | Route::Status(_) | Route::Flaky(_) | Route::NotFound => None,
        }
    }
}

/// Why a connection was dropped without an answer (only `/flaky` does that, on purpose).
#[derive(Debug)]
struct HungUp;

impl std::fmt::Display for HungUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("hung up on purpose (/flaky)")
    }
}

impl std::error::Error for HungUp {}

async fn respond(
    request: Request<Incoming>,
    time_scale: f64,
    seen: Seen,
) -> Result<Response<Full<Bytes>>, HungUp> {
    let route = Route::parse(request.uri().path());
    // An error here makes hyper close the connection without answering.
    if let Route::Flaky(key) = &route
        && first_time(&seen, key)
    {
        return Err(HungUp);
    }
    if let Some(wait) = route.wait(time_scale) {
        alarm::sleep(wait).await;
    }
    let (status, body) = match route {
        Route::Index => (StatusCode::OK, index_page()),
        Route::Site(name, _) => (
            StatusCode::OK,
            format!("<h1>{name}</h1><p>A stand-in site.</p>\n"),
        ),
        Route::Delay(wait) => (StatusCode::OK, format!("waited {} ms\n", wait.as_millis())),
        Route::Status(code) => (code, format!("status {}\n", code.as_u16())),
        Route::Flaky(key) => (StatusCode::OK, format!("{key}: fine the second time\n")),
        Route::NotFound => (StatusCode::NOT_FOUND, "no such page; see /\n".to_string()),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    Ok(response)
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
    page.push_str("  /delay/<ms>  answers after <ms> ms\n  /status/<code>  answers with that status\n");
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
        assert_eq!(
            Route::parse("/status/418"),
            Route::Status(StatusCode::IM_A_TEAPOT)
        );
        for bad in [
            "/status/42",
            "/status/600",
            "/status/x",
            "/delay/-1",
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
        let sites = StandInSites::start(0.5).unwrap();
        assert_eq!(sites.site_urls().len(), 4);
    }
}
