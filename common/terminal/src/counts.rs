//! How a run of many requests is going, while it goes, where a person watches: one line,
//! redrawn at most ten times a second, however many requests. The scale binary counts its
//! requests in it, and so does the scale sweep's blocking way.
//!
//! ```text
//!  4210 done · 100 in flight · 0 failed · 98.7 a second · 42.6 s
//! ```
//!
//! The line is drawn on stderr ([`Stream::Stderr`]), as tqdm's is: stdout stays byte for
//! byte what the program prints, and where stderr is not a terminal nothing is drawn. A
//! program that runs this one as a step of its own (the sweep runs 20) names the step in
//! [`HEADING`]; it is shown on a line above the counts.
//!
//! The counting is three atomic counters, updated as requests start and end; the line is
//! drawn by one thread of its own ([`crate::live`]).

use crate::live::{LiveView, Size, Stream};
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The variable that names the step this run is, shown above its counts.
pub const HEADING: &str = "PROGRESS_HEADING";

/// The run's counts so far: cloned, they count the same run (one clone per thread).
#[derive(Clone)]
pub struct Counts(Arc<Tally>);

struct Tally {
    start: Instant,
    started: AtomicUsize,
    done: AtomicUsize,
    failed: AtomicUsize,
}

impl Counts {
    /// Counts from now on.
    pub fn start() -> Counts {
        Counts(Arc::new(Tally {
            start: Instant::now(),
            started: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        }))
    }

    /// A line that shows the counts, if `wanted` and a person watches stderr, until dropped.
    pub fn show_if_watched(&self, wanted: bool) -> Option<LiveView> {
        if !wanted || !crate::live::is_wanted(Stream::Stderr) {
            return None;
        }
        // Said by whoever started this program: a control character in it (a newline, an
        // escape sequence) is shown escaped, on the one line, not obeyed by the terminal.
        let heading = std::env::var_os(HEADING)
            .map(|heading| crate::output::escape_controls(&heading.to_string_lossy()))
            .filter(|heading| !heading.is_empty());
        let counts = self.clone();
        Some(LiveView::show(
            Stream::Stderr,
            move |out: &mut String, _: Size| {
                if let Some(heading) = &heading {
                    let _ = writeln!(out, "{heading}");
                }
                counts.draw(out);
            },
        ))
    }

    /// A request was sent.
    pub fn started(&self) {
        self.0.started.fetch_add(1, Ordering::Relaxed);
    }

    /// A request ended: answered, or failed.
    pub fn ended(&self, failed: bool) {
        let count = if failed { &self.0.failed } else { &self.0.done };
        count.fetch_add(1, Ordering::Relaxed);
    }

    /// ` 4210 done · 100 in flight · 0 failed · 98.7 a second · 42.6 s`
    fn draw(&self, out: &mut String) {
        let tally = &self.0;
        let [started, done, failed] =
            [&tally.started, &tally.done, &tally.failed].map(|n| n.load(Ordering::Relaxed));
        let elapsed = tally.start.elapsed().as_secs_f64();
        let rate = (done + failed) as f64 / elapsed.max(1e-3);
        let in_flight = started.saturating_sub(done + failed);
        let _ = write!(
            out,
            " {done} done · {in_flight} in flight · {failed} failed · {rate:.1} a second · {elapsed:.1} s"
        );
    }
}
