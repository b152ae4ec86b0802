//! How the run is going, while it goes, where a person watches (a terminal, not `TERM=dumb`,
//! no `--no-live-view`): one line, redrawn at most ten times a second, however many requests.
//!
//! ```text
//!  4210 done · 100 in flight · 0 failed · 98.7 a second · 42.6 s
//! ```
//!
//! Off a terminal nothing is drawn, and what the run prints is as it was. The counting is
//! three atomic counters, updated as requests start and are joined; the line is drawn by
//! one thread of its own (`terminal::live`).

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use terminal::live::{LiveView, Size};

/// The run's counts so far, and its line on the screen if one is drawn.
pub struct Progress {
    counts: Arc<Counts>,
    _view: Option<LiveView>,
}

struct Counts {
    start: Instant,
    started: AtomicUsize,
    done: AtomicUsize,
    failed: AtomicUsize,
}

impl Progress {
    /// Counts from now on, and a line that shows them if `wanted` and a person watches.
    pub fn show_if_watched(wanted: bool) -> Progress {
        let counts = Arc::new(Counts {
            start: Instant::now(),
            started: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        });
        let view = (wanted && terminal::live::is_wanted()).then(|| {
            let counts = Arc::clone(&counts);
            LiveView::show(move |out: &mut String, _: Size| counts.draw(out))
        });
        Progress { counts, _view: view }
    }

    /// A request was sent.
    pub fn started(&self) {
        self.counts.started.fetch_add(1, Ordering::Relaxed);
    }

    /// A request ended: answered, or failed.
    pub fn ended(&self, failed: bool) {
        let count = if failed {
            &self.counts.failed
        } else {
            &self.counts.done
        };
        count.fetch_add(1, Ordering::Relaxed);
    }
}

impl Counts {
    /// ` 4210 done · 100 in flight · 0 failed · 98.7 a second · 42.6 s`
    fn draw(&self, out: &mut String) {
        let [started, done, failed] =
            [&self.started, &self.done, &self.failed].map(|n| n.load(Ordering::Relaxed));
        let elapsed = self.start.elapsed().as_secs_f64();
        let rate = (done + failed) as f64 / elapsed.max(1e-3);
        let in_flight = started.saturating_sub(done + failed);
        let _ = write!(
            out,
            " {done} done · {in_flight} in flight · {failed} failed · {rate:.1} a second · {elapsed:.1} s"
        );
    }
}
