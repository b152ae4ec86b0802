//! What fetching a URL gives back, how it is printed, and how a failure is put in one line.
//!
//! As in the article, an HTTP status is a *result*: a 404 is printed just like a 200. Only
//! a failure to get any answer at all (bad URL, nobody listening, unknown host, too slow)
//! is an error, and it takes the place of that URL's result without stopping the others.

use crate::timeline::{Outcome, What};
use colored::Colorize;
use std::error::Error as _;
use std::io;
use std::time::{Duration, Instant};

/// A URL that answered.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub url: String,
    pub status: u16,
    /// From sending the request until the response headers arrived, like `requests`' `elapsed`.
    pub elapsed: Duration,
}

impl Fetched {
    /// `url` answered with `status` after `elapsed`.
    pub fn new(url: &str, status: u16, elapsed: Duration) -> Self {
        Self {
            url: url.to_string(),
            status,
            elapsed,
        }
    }
}

/// A URL that did not answer, and why, in one line.
#[derive(Debug, Clone)]
pub struct FetchError {
    pub url: String,
    pub reason: String,
}

pub type FetchResult = Result<Fetched, FetchError>;

/// Every way of fetching the same URLs must get the same status for each.
impl Outcome for FetchResult {
    const WHAT: What = What {
        tasks: "fetches",
        task: "URL",
        value: "status",
    };

    fn task(&self) -> String {
        match self {
            Ok(fetched) => fetched.url.clone(),
            Err(failed) => failed.url.clone(),
        }
    }

    fn value(&self) -> Option<String> {
        self.as_ref().ok().map(|fetched| fetched.status.to_string())
    }
}

impl FetchError {
    /// The one-line reason for a reqwest failure (blocking or async: same error type).
    pub fn new(url: &str, error: &reqwest::Error) -> Self {
        Self {
            url: url.to_string(),
            reason: describe(error),
        }
    }

    /// A task that panicked instead of returning.
    pub fn panicked(url: &str, message: &str) -> Self {
        Self {
            url: url.to_string(),
            reason: format!("the task panicked: {message}"),
        }
    }
}

/// A response body read and thrown away as it arrives, counting its bytes. The lesson needs
/// the status and the time, not the bytes, so memory stays flat however long the body is
/// (even one that never ends: `--timeout` stops it). As an `io::Write` it is a counting
/// `io::sink()`, for `response.copy_to(&mut body)`; async code calls [`add`](Self::add).
pub struct Discard {
    start: Instant,
    received: u64,
}

impl Discard {
    /// A body of the request that started at `start` (its error says how long it took).
    pub fn since(start: Instant) -> Self {
        Self { start, received: 0 }
    }

    /// Count one chunk of the body, and drop it.
    pub fn add(&mut self, chunk: &[u8]) {
        self.received += chunk.len() as u64;
    }

    /// The one-line error for a body that could not be read to its end: what stopped it,
    /// after how long, and how much had arrived.
    pub fn error(&self, url: &str, error: &reqwest::Error) -> FetchError {
        let received = size(self.received);
        let reason = if error.is_timeout() {
            let seconds = self.start.elapsed().as_secs_f64();
            format!("timed out after {seconds:.1} s while reading the body, {received} received")
        } else {
            format!("{} while reading the body, {received} received", describe(error))
        };
        FetchError {
            url: url.to_string(),
            reason,
        }
    }
}

impl io::Write for Discard {
    fn write(&mut self, chunk: &[u8]) -> io::Result<usize> {
        self.add(chunk);
        Ok(chunk.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A byte count for people: `512 bytes`, `3.4 MB`, `2.3 GB`.
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Print `URL: <url> [ <status> / <elapsed> ]`, or `URL: <url> [ error: <reason> ]`.
pub fn print_result(result: &FetchResult) {
    match result {
        Ok(fetched) => crate::rprint!(
            "URL: {} [ {} / {:.4} ]",
            printable_url(&fetched.url),
            fetched.status,
            fetched.elapsed.as_secs_f64()
        ),
        Err(failed) => crate::say!(
            "URL: {} [ {} ]",
            printable_url(&failed.url),
            format!("error: {}", failed.reason).red()
        ),
    }
}

/// A URL as it is safe to print: a password becomes `***` (so does a user name standing
/// alone, often a token), control characters such as a newline are shown escaped (one
/// result stays one line), and a URL longer than a screenful is cut short.
///
/// ```
/// use common::fetch::printable_url;
///
/// assert_eq!(printable_url("http://ann:secret@host/a"), "http://ann:***@host/a");
/// assert_eq!(printable_url("http://host/a\nb"), "http://host/a\\nb");
/// ```
pub fn printable_url(url: &str) -> String {
    // Work on the text as given rather than a parsed `Url`: parsing would also rewrite it
    // (a trailing `/`, a lower-case host), and an invalid URL must be printed too.
    let masked = match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            match authority.rsplit_once('@') {
                Some((credentials, host)) => {
                    let user = match credentials.split_once(':') {
                        Some((user, _password)) => format!("{user}:***"),
                        None => "***".to_string(),
                    };
                    format!("{scheme}://{user}@{host}{path}")
                }
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    };
    const MAX_CHARS: usize = 200;
    let mut printable = String::new();
    for c in masked.chars().take(MAX_CHARS) {
        if c.is_control() {
            printable.extend(c.escape_default());
        } else {
            printable.push(c);
        }
    }
    if masked.chars().nth(MAX_CHARS).is_some() {
        printable.push('…');
    }
    printable
}

/// A short label for a URL (for the timeline): its path, or its host when the path is empty.
///
/// ```
/// use common::fetch::short_name;
///
/// assert_eq!(short_name("http://127.0.0.1:8080/bing"), "bing");
/// assert_eq!(short_name("https://www.bing.com"), "www.bing.com");
/// ```
pub fn short_name(url: &str) -> String {
    const MAX: usize = 24;
    let parsed = reqwest::Url::parse(url).ok();
    let path = parsed.as_ref().map_or("", |url| url.path().trim_matches('/'));
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let unparsed;
    let name = match parsed.as_ref().and_then(|url| url.host_str()) {
        Some(host) if path.is_empty() => host,
        Some(_) => &path,
        None => {
            unparsed = printable_url(url);
            &unparsed
        }
    };
    match name.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}~", &name[..cut]),
        None => name.to_string(),
    }
}

/// Turn reqwest's chain of nested errors into one short line a learner can act on.
pub fn describe(error: &reqwest::Error) -> String {
    // reqwest's own message repeats the URL, which we print anyway; its causes say what happened.
    let causes: Vec<String> = std::iter::successors(error.source(), |&e| e.source())
        .map(|e| strip_os_error(&e.to_string()))
        .collect();
    let innermost = causes.last().cloned().unwrap_or_else(|| without_url(error));
    if let Some(problem) = tls_problem(error) {
        problem
    } else if error.is_timeout() {
        "timed out (no answer within --timeout)".to_string()
    } else if let Some(too_long) = error.url().filter(|url| url.as_str().len() > MAX_URL_LEN) {
        format!("URL too long ({} KB)", too_long.as_str().len() / 1000)
    } else if error.is_builder() {
        format!("invalid URL: {innermost}")
    } else if causes.iter().any(|c| c == "dns error") {
        format!("unknown host: {innermost}")
    } else if error.is_connect() {
        format!("cannot connect: {innermost}")
    } else if innermost == "connection closed before message completed" {
        "no answer: the server hung up".to_string()
    } else if causes.is_empty() {
        innermost
    } else {
        causes.join(": ")
    }
}

/// The longest URL an HTTP request can carry here (the `http` crate's limit on a URI).
const MAX_URL_LEN: usize = u16::MAX as usize - 1;

/// reqwest's message without its ` for url (...)` part, which could hold a password.
fn without_url(error: &reqwest::Error) -> String {
    let message = error.to_string();
    match message.find(" for url (") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// What went wrong in TLS, said plainly, if that is what failed.
fn tls_problem(error: &reqwest::Error) -> Option<String> {
    let tls_error = std::iter::successors(error.source(), |&e| e.source()).find_map(rustls_error_in)?;
    Some(match tls_error {
        // The first bytes back were not TLS at all: most likely a plain-HTTP server.
        rustls::Error::InvalidMessage(_) => "the server does not speak HTTPS".to_string(),
        rustls::Error::InvalidCertificate(why) => {
            format!("certificate not trusted: {}", certificate_problem(why))
        }
        other => format!("TLS failed: {other}"),
    })
}

/// rustls reports through an `io::Error` that wraps its own error, sometimes in a further
/// `io::Error`; `source()` skips over those wrappers, so look inside them.
fn rustls_error_in<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current = cause;
    loop {
        if let Some(tls_error) = current.downcast_ref::<rustls::Error>() {
            return Some(tls_error);
        }
        current = current.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
}

fn certificate_problem(why: &rustls::CertificateError) -> String {
    use rustls::CertificateError as Why;
    match why {
        // A self-signed certificate is either its own unknown issuer or, when marked as an
        // authority, a CA certificate used as the server's own.
        Why::UnknownIssuer => "self-signed, or from an authority this computer does not know".to_string(),
        Why::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
            "self-signed, or from an authority this computer does not know".to_string()
        }
        Why::Expired | Why::ExpiredContext { .. } => "it has expired".to_string(),
        Why::NotValidYet | Why::NotValidYetContext { .. } => "it is not valid yet".to_string(),
        Why::NotValidForName | Why::NotValidForNameContext { .. } => {
            "it was issued for another host name".to_string()
        }
        Why::Revoked => "it has been revoked".to_string(),
        other => format!("{other:?}"),
    }
}

/// "Connection refused (os error 111)" -> "Connection refused": the number differs per OS.
pub fn strip_os_error(message: &str) -> String {
    match message.rfind(" (os error ") {
        Some(at) if message.ends_with(')') => message[..at].to_string(),
        _ => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_the_path_or_the_host() {
        assert_eq!(short_name("http://127.0.0.1:8080/bing"), "bing");
        assert_eq!(short_name("http://127.0.0.1:8080/status/404?x"), "status/404");
        assert_eq!(short_name("https://www.bing.com"), "www.bing.com");
        assert_eq!(short_name("https://www.bing.com/"), "www.bing.com");
        assert_eq!(short_name("not a url"), "not a url");
        assert_eq!(
            short_name(&format!("http://h/{}", "x".repeat(40)))
                .chars()
                .count(),
            25
        );
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(size(0), "0 bytes");
        assert_eq!(size(999), "999 bytes");
        assert_eq!(size(1_500), "1.5 KB");
        assert_eq!(size(2_300_000_000), "2.3 GB");
        assert_eq!(size(u64::MAX), "18446744.1 TB");
    }

    #[test]
    fn os_error_numbers_are_dropped() {
        assert_eq!(
            strip_os_error("Connection refused (os error 111)"),
            "Connection refused"
        );
        assert_eq!(strip_os_error("plain"), "plain");
    }
}
