//! What fetching a URL gives back, and how it is printed; how a failure is put in one line
//! is in [`describe`](describe()), how a URL is shown in [`printable_url`] and [`short_name`].
//!
//! As in the article, an HTTP status is a *result*: a 404 is printed just like a 200. Only
//! a failure to get any answer at all (bad URL, nobody listening, unknown host, too slow)
//! is an error, and it takes the place of that URL's result without stopping the others.

use crate::timeline::{Outcome, TaskKind};
use colored::Colorize;
use std::io;
use std::time::{Duration, Instant};

mod describe;
mod urls;

pub use describe::{describe, describe_request, redirect_policy};
pub use urls::{printable_url, short_name};

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
    const KIND: TaskKind = TaskKind {
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

    fn value(&self) -> Option<i64> {
        self.as_ref().ok().map(|fetched| i64::from(fetched.status))
    }
}

impl FetchError {
    /// The one-line reason for a reqwest failure (blocking or async: same error type),
    /// naming the URL a redirect led to when that is the one that failed.
    pub fn new(url: &str, error: &reqwest::Error) -> Self {
        Self {
            url: url.to_string(),
            reason: describe_request(url, error),
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

/// A response body thrown away as it arrives, with a count of its bytes, and the one-line
/// error for a body that stopped early. The lesson needs the status and the time, not the
/// bytes, so memory stays flat however long the body is (even one that never ends:
/// `--timeout` stops it). As an `io::Write` it is a counting `io::sink()`, for
/// `response.copy_to(&mut body)`; async code calls [`add`](Self::add).
pub struct DiscardedBody {
    start: Instant,
    received: u64,
}

impl DiscardedBody {
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

impl io::Write for DiscardedBody {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(size(0), "0 bytes");
        assert_eq!(size(999), "999 bytes");
        assert_eq!(size(1_500), "1.5 KB");
        assert_eq!(size(2_300_000_000), "2.3 GB");
        assert_eq!(size(u64::MAX), "18446744.1 TB");
    }
}
