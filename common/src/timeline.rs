//! A picture of who waited when: one row per task, bars on a shared time axis.
//!
//! ```text
//!  timeline: 4 tasks on 1 worker; full width = 1.82 s
//!  bing       w1 |████████··········································| 0.31 s
//!  duckduckgo w1 |········██████████████····························| 0.50 s
//!  google     w1 |······················██████······················| 0.20 s
//!  yahoo      w1 |····························██████████████████████| 0.81 s
//! ```
//!
//! Run one after another the bars form a staircase; run at once they overlap.

use colored::Colorize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::Future;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthStr;

/// How wide the bar area is, in characters.
const BAR_WIDTH: usize = 50;

/// One task's stretch of time: what it was, which thread ran it, when it started and ended.
#[derive(Debug, Clone)]
pub struct Span {
    pub label: String,
    pub worker: Worker,
    pub start: Instant,
    pub end: Instant,
}

/// Who ran a task: a thread, or (for async code) a task on some thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Worker {
    Thread(ThreadId),
    Process(u32),
}

impl Span {
    /// Run `work` on this thread and return its value with the span it took.
    pub fn measure<T>(label: impl Into<String>, work: impl FnOnce() -> T) -> (T, Span) {
        let start = Instant::now();
        let value = work();
        (value, Span::ending_now(label, start))
    }

    /// The async form of [`Span::measure`]: await `work` and return its value with its span.
    /// The worker is the thread the task was on when it finished.
    pub async fn measure_async<T>(label: impl Into<String>, work: impl Future<Output = T>) -> (T, Span) {
        let start = Instant::now();
        let value = work.await;
        (value, Span::ending_now(label, start))
    }

    /// For a task that left no span of its own (it panicked): a moment, now, on this thread.
    pub fn now(label: impl Into<String>) -> Span {
        Span::ending_now(label, Instant::now())
    }

    /// A span from `start` until now, run by this thread.
    fn ending_now(label: impl Into<String>, start: Instant) -> Span {
        Span {
            label: label.into(),
            worker: Worker::Thread(thread::current().id()),
            start,
            end: Instant::now(),
        }
    }
}

/// The spans of one run, drawn after it ends.
#[derive(Debug, Default)]
pub struct Timeline {
    spans: Vec<(Span, bool)>,
}

impl Timeline {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a finished task; `ok` is false for a task that failed (drawn in red).
    pub fn add(&mut self, span: Span, ok: bool) {
        self.spans.push((span, ok));
    }

    /// How many tasks failed.
    pub fn failures(&self) -> usize {
        self.spans.iter().filter(|(_, ok)| !ok).count()
    }

    /// How long each task took, in the order they were added.
    pub fn durations(&self) -> impl Iterator<Item = Duration> + '_ {
        self.spans.iter().map(|(span, _)| span.end - span.start)
    }

    /// How many tasks were added.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Print the picture and a blank line. `time_scale` is printed when it is not 1 so
    /// nobody mistakes a scaled-down run for real latencies.
    pub fn print(&self, time_scale: f64) {
        for line in self.render(time_scale).lines() {
            crate::say!("{line}");
        }
        crate::say!();
    }

    /// The picture as text, one row per task in start order, then nothing else.
    pub fn render(&self, time_scale: f64) -> String {
        let Some(origin) = self.spans.iter().map(|(s, _)| s.start).min() else {
            return " timeline: no tasks\n".to_string();
        };
        let finish = self.spans.iter().map(|(s, _)| s.end).max().unwrap_or(origin);
        let total = (finish - origin).max(Duration::from_micros(1));
        let column = |at: Instant| {
            let fraction = (at - origin).as_secs_f64() / total.as_secs_f64();
            ((fraction * BAR_WIDTH as f64).round() as usize).min(BAR_WIDTH)
        };

        let mut rows: Vec<&(Span, bool)> = self.spans.iter().collect();
        rows.sort_by_key(|(span, _)| span.start);
        let workers = number_workers(&rows);
        // Columns on a terminal, not bytes or chars: `é` takes one column, `東` two.
        let label_width = rows.iter().map(|(s, _)| s.label.width()).max().unwrap_or(0);
        let worker_width = workers.values().max().map_or(1, |n| n.to_string().len()) + 1;

        let scale_note = if time_scale == 1.0 {
            String::new()
        } else {
            format!(", waits scaled x{time_scale}")
        };
        let mut out = format!(
            " timeline: {} tasks on {} worker{}; full width = {:.2} s{scale_note}\n",
            rows.len(),
            workers.len(),
            if workers.len() == 1 { "" } else { "s" },
            total.as_secs_f64(),
        );
        for (span, ok) in rows {
            let (from, to) = (column(span.start), column(span.end));
            // Every task gets at least one block, so even a quick one is visible.
            let to = to.max(from + 1).min(BAR_WIDTH);
            let from = from.min(to - 1);
            let bar = "█".repeat(to - from);
            let bar = if *ok { bar.green() } else { bar.red() };
            let _ = writeln!(
                out,
                " {}{} {:>worker_width$} |{}{}{}| {:.2} s{}",
                span.label,
                " ".repeat(label_width - span.label.width()),
                format!("w{}", workers[&span.worker]),
                "·".repeat(from),
                bar,
                "·".repeat(BAR_WIDTH - to),
                (span.end - span.start).as_secs_f64(),
                if *ok { "" } else { " (failed)" },
            );
        }
        out
    }
}

/// Name workers w1, w2, ... in the order they first started a task.
fn number_workers(rows: &[&(Span, bool)]) -> HashMap<Worker, usize> {
    let mut numbers = HashMap::new();
    for (span, _) in rows {
        let next = numbers.len() + 1;
        numbers.entry(span.worker).or_insert(next);
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::strip_ansi;

    fn span(label: &str, worker: u32, start_ms: u64, end_ms: u64, origin: Instant) -> Span {
        Span {
            label: label.to_string(),
            worker: Worker::Process(worker),
            start: origin + Duration::from_millis(start_ms),
            end: origin + Duration::from_millis(end_ms),
        }
    }

    fn bar_of(line: &str) -> &str {
        line.split('|').nth(1).expect("a bar between pipes")
    }

    #[test]
    fn sequential_tasks_draw_a_staircase_and_parallel_ones_overlap() {
        let t0 = Instant::now();
        let mut staircase = Timeline::new();
        staircase.add(span("a", 1, 0, 100, t0), true);
        staircase.add(span("b", 1, 100, 200, t0), true);
        let picture = strip_ansi(&staircase.render(1.0));
        let lines: Vec<&str> = picture.lines().collect();
        assert!(lines[0].contains("2 tasks on 1 worker;"), "{picture}");
        let (a, b) = (bar_of(lines[1]), bar_of(lines[2]));
        assert_eq!(a.chars().count(), BAR_WIDTH);
        assert!(a.starts_with('█') && a.ends_with('·'), "{picture}");
        assert!(b.starts_with('·') && b.ends_with('█'), "{picture}");

        let mut overlap = Timeline::new();
        overlap.add(span("a", 1, 0, 200, t0), true);
        overlap.add(span("b", 2, 0, 200, t0), false);
        let picture = strip_ansi(&overlap.render(0.5));
        assert!(picture.contains("2 tasks on 2 workers"), "{picture}");
        assert!(picture.contains("waits scaled x0.5"), "{picture}");
        assert!(picture.contains("(failed)"), "{picture}");
        assert_eq!(overlap.failures(), 1);
        for line in picture.lines().skip(1) {
            assert!(!bar_of(line).contains('·'), "{picture}");
        }
    }

    #[test]
    fn a_very_short_task_still_shows_one_block() {
        let t0 = Instant::now();
        let mut timeline = Timeline::new();
        timeline.add(span("long", 1, 0, 1000, t0), true);
        timeline.add(span("blink", 2, 1000, 1000, t0), true);
        let picture = strip_ansi(&timeline.render(1.0));
        let blink = picture.lines().find(|l| l.contains("blink")).unwrap();
        assert_eq!(bar_of(blink).matches('█').count(), 1, "{picture}");
    }

    #[test]
    fn labels_of_any_script_keep_the_bars_aligned() {
        let t0 = Instant::now();
        let mut timeline = Timeline::new();
        for label in ["google", "café", "東京の天気", "x"] {
            timeline.add(span(label, 1, 0, 100, t0), true);
        }
        let picture = strip_ansi(&timeline.render(1.0));
        let bar_columns: Vec<usize> = picture
            .lines()
            .skip(1)
            .map(|line| line[..line.find('|').unwrap()].width())
            .collect();
        assert!(bar_columns.windows(2).all(|pair| pair[0] == pair[1]), "{picture}");
    }

    #[test]
    fn an_empty_timeline_says_so() {
        assert!(Timeline::new().render(1.0).contains("no tasks"));
    }
}
