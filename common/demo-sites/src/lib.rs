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
//! | `/delay/<ms>` | 200; 400 saying why if `<ms>` is not a whole number | `<ms>` ms (at most 10 min, however many digits) |
//! | `/status/<n>` | status `<n>` (200 to 599) | at once                      |
//! | `/flaky/<key>`| first time: hangs up without an answer; then 200 (keys of at most 100 characters; after 1000 keys it starts over) | at once |
//! | `/`           | this list                 | at once                      |
//!
//! The server runs on its own small tokio runtime, so blocking code (Listing 1) and async
//! code can both use it. It is built on hyper, the HTTP library under reqwest: we only
//! decide what each path answers (`routes.rs`) and when (`alarm.rs`), never
//! parse HTTP ourselves.

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

mod alarm;
mod record;
mod routes;

pub use record::{End, Seen as SeenRequest, most_held_at_once};
pub use routes::MAX_DELAY;

use record::Record;

use routes::{Seen, respond};

/// The article's four sites and how long each stand-in takes to answer.
pub const SITES: [(&str, Duration); 4] = [
    ("bing", Duration::from_millis(300)),
    ("duckduckgo", Duration::from_millis(500)),
    ("google", Duration::from_millis(200)),
    ("yahoo", Duration::from_millis(800)),
];

/// The largest time scale: waits up to 1000x the real ones (the longest stand-in wait,
/// 10 minutes, becomes a week). Beyond that a wait overflows what a `Duration` can hold.
pub const MAX_TIME_SCALE: f64 = 1000.0;

/// Read a time scale (`--time-scale F`, for the lessons and `demo-sites`): a number from 0
/// to [`MAX_TIME_SCALE`].
pub fn parse_time_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=MAX_TIME_SCALE).contains(&value) => Ok(value),
        _ => Err(format!(
            "expected a number >= 0 and at most {MAX_TIME_SCALE}, like 0.1, not `{text}`"
        )),
    }
}

/// How many not-yet-accepted connections to ask the OS to queue for us: as many as it
/// allows, since thousands may arrive at once. Linux and macOS cap the number silently at
/// their own maximum (`somaxconn`: 4096 on Linux, 128 on macOS). Windows caps a plain
/// number at about 200, unless asked with its hint `SOMAXCONN_HINT(n)`, written `-n`,
/// which allows up to 65535.
#[cfg(not(windows))]
const LISTEN_BACKLOG: i32 = i32::MAX;
#[cfg(windows)]
const LISTEN_BACKLOG: i32 = -65_535;

/// A running set of stand-in sites. Dropping it stops the server.
pub struct StandInSites {
    addr: SocketAddr,
    time_scale: f64,
    runtime: Option<Runtime>,
    record: Record,
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
        let record = Record::default();
        runtime.spawn(serve(listener, time_scale, Arc::default(), record.clone()));
        Ok(Self {
            addr,
            time_scale,
            runtime: Some(runtime),
            record,
        })
    }

    /// How many threads running sites hold: their runtime's workers (tokio starts one per
    /// CPU) and the alarm thread. A program may check the OS allows them before it starts.
    pub fn threads_needed() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get()) + 1
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The full URL of `path` on this server, e.g. `url("/status/404")`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every request served so far, in the order they arrived, each with how it ended: what
    /// a test reads to see what a program did (see `record.rs`).
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.record.requests()
    }

    /// The four sites, in the article's order: each one's URL, and how long it takes to
    /// answer (its latency times the time scale).
    pub fn sites(&self) -> Vec<(String, Duration)> {
        SITES
            .iter()
            .map(|(name, latency)| (self.url(&format!("/{name}")), latency.mul_f64(self.time_scale)))
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

async fn serve(listener: TcpListener, time_scale: f64, seen: Seen, record: Record) {
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
        let (seen, record) = (Arc::clone(&seen), record.clone());
        tokio::spawn(async move {
            let answer =
                service_fn(move |request| respond(request, time_scale, Arc::clone(&seen), record.clone()));
            // A client that hangs up early is its own business; nothing to report.
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), answer)
                .await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_scales_are_checked() {
        assert_eq!(parse_time_scale("0.25"), Ok(0.25));
        assert_eq!(parse_time_scale("0"), Ok(0.0));
        assert_eq!(parse_time_scale("1000"), Ok(1000.0));
        for bad in ["-1", "NaN", "inf", "fast", "1e19", "1000.5"] {
            assert!(parse_time_scale(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_four_sites_are_served_in_the_articles_order() {
        let sites = StandInSites::start(0.5).unwrap();
        let urls: Vec<String> = sites.sites().into_iter().map(|(url, _)| url).collect();
        assert_eq!(urls.len(), 4);
        assert!(urls[0].starts_with("http://127.0.0.1:") && urls[0].ends_with("/bing"));
        assert!(urls[3].ends_with("/yahoo"));
    }
}
