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
pub const BAR_WIDTH: usize = 50;

/// One task's stretch of time: what it was, which thread ran it, when it started and ended.
#[derive(Debug, Clone)]
pub struct Span {
    pub label: String,
    pub worker: Worker,
    pub start: Instant,
    pub end: Instant,
}

/// Who ran a task: a thread (for an async task, the thread it finished on), or a worker process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Worker {
    Thread(ThreadId),
    Process(u32),
}

impl Span {
    /// Run `work` on this thread and return its value with the span it took.
    pub fn measure<T>(label: impl Into<String>, work: impl FnOnce() -> T) -> (T, Span) {
        let label = label.into();
        let start = Instant::now();
        let value = work();
        (value, Span::ending_now(label, start))
    }

    /// The async form of [`Span::measure`]: await `work` and return its value with its span.
    /// The worker is the thread the task was on when it finished.
    pub async fn measure_async<T>(label: impl Into<String>, work: impl Future<Output = T>) -> (T, Span) {
        let label = label.into();
        let start = Instant::now();
        let value = work.await;
        (value, Span::ending_now(label, start))
    }

    /// A span from `start` until now, on this thread: for a task that never handed back a
    /// span of its own, such as one cancelled before it ended.
    pub fn since(label: impl Into<String>, start: Instant) -> Span {
        Span::ending_now(label.into(), start)
    }

    /// A span from `start` until now, run by this thread.
    fn ending_now(label: String, start: Instant) -> Span {
        Span {
            label,
            worker: Worker::Thread(thread::current().id()),
            start,
            end: Instant::now(),
        }
    }

    /// How long the task took.
    pub fn duration(&self) -> Duration {
        self.end - self.start
    }
}

/// What a finished task hands its timeline, for the picture and the lesson's closing check.
pub trait Outcome {
    /// Which kind of task this is, with the words the closing lines use for it.
    const KIND: TaskKind;
    /// Which task this was: the URL, the number.
    fn task(&self) -> String;
    /// Its result, the same whichever way it ran (a status code, a square); `None` if it failed.
    fn value(&self) -> Option<i64>;
}

/// A kind of task, by the words the closing lines use for it: `3 of 8 fetches failed`,
/// `the same status for each URL`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskKind {
    pub tasks: &'static str,
    pub task: &'static str,
    pub value: &'static str,
}

/// One finished task on the timeline.
#[derive(Debug, Clone)]
struct Row {
    span: Span,
    task: String,
    value: Option<i64>,
}

/// The spans of one run, drawn after it ends, with what each task produced.
#[derive(Debug, Default)]
pub struct Timeline {
    rows: Vec<Row>,
    kind: Option<TaskKind>,
}

impl Timeline {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a finished task and what it produced. A span without a label (a process pool's
    /// task, say, which knows nothing of its arguments' meaning) is labelled by its task.
    pub fn add<T: Outcome>(&mut self, mut span: Span, outcome: &T) {
        self.kind = Some(T::KIND);
        if span.label.is_empty() {
            span.label = outcome.task();
        }
        self.rows.push(Row {
            span,
            task: outcome.task(),
            value: outcome.value(),
        });
    }

    /// The kind of its tasks, once one was added.
    pub fn kind(&self) -> Option<TaskKind> {
        self.kind
    }

    /// How many tasks failed.
    pub fn failures(&self) -> usize {
        self.rows.iter().filter(|row| row.value.is_none()).count()
    }

    /// How many tasks were added.
    pub fn task_count(&self) -> usize {
        self.rows.len()
    }

    /// Each task and its result (`None`: it failed), sorted, so runs can be compared.
    pub fn results(&self) -> Vec<(&str, Option<i64>)> {
        let mut results: Vec<_> = self
            .rows
            .iter()
            .map(|row| (row.task.as_str(), row.value))
            .collect();
        results.sort_unstable();
        results
    }

    /// How long each task took, in the order they were added.
    pub fn durations(&self) -> impl Iterator<Item = Duration> + '_ {
        self.rows.iter().map(|row| row.span.duration())
    }

    /// The most tasks that were running at the same moment, and whether processes ran them.
    pub fn most_at_once(&self) -> (usize, bool) {
        let mut edges: Vec<(Instant, i32)> = Vec::new();
        for row in &self.rows {
            edges.extend([(row.span.start, 1), (row.span.end, -1)]);
        }
        // At equal instants an end comes first: back-to-back tasks do not overlap.
        edges.sort();
        let (mut running, mut most) = (0, 0);
        for (_, change) in edges {
            running += change;
            most = most.max(running);
        }
        let processes = self
            .rows
            .iter()
            .any(|row| matches!(row.span.worker, Worker::Process(_)));
        (most.max(0) as usize, processes)
    }

    /// Print the picture and a blank line.
    pub fn print(&self) {
        for line in self.render().lines() {
            crate::say!("{line}");
        }
        crate::say!();
    }

    /// The picture as text, one row per task in start order, then nothing else.
    pub fn render(&self) -> String {
        let Some(origin) = self.rows.iter().map(|row| row.span.start).min() else {
            return " timeline: no tasks\n".to_string();
        };
        let finish = self.rows.iter().map(|row| row.span.end).max().unwrap_or(origin);
        let total = (finish - origin).max(Duration::from_micros(1));
        let column = |at: Instant| {
            let fraction = (at - origin).as_secs_f64() / total.as_secs_f64();
            ((fraction * BAR_WIDTH as f64).round() as usize).min(BAR_WIDTH)
        };

        let mut rows: Vec<&Row> = self.rows.iter().collect();
        rows.sort_by_key(|row| row.span.start);
        let workers = number_workers(&rows);
        // Columns on a terminal, not bytes or chars: `é` takes one column, `東` two.
        let label_width = rows.iter().map(|row| row.span.label.width()).max().unwrap_or(0);
        let worker_width = workers.values().max().map_or(1, |n| n.to_string().len()) + 1;

        let mut out = format!(
            " timeline: {} on {}; full width = {:.2} s\n",
            crate::output::count(rows.len(), "task"),
            crate::output::count(workers.len(), "worker"),
            total.as_secs_f64(),
        );
        for Row { span, value, .. } in rows {
            let ok = value.is_some();
            let (from, to) = (column(span.start), column(span.end));
            // Every task gets at least one block, so even a quick one is visible.
            let to = to.max(from + 1).min(BAR_WIDTH);
            let from = from.min(to - 1);
            let bar = "█".repeat(to - from);
            let bar = if ok { bar.green() } else { bar.red() };
            let _ = writeln!(
                out,
                " {}{} {:>worker_width$} |{}{}{}| {:.2} s{}",
                span.label,
                " ".repeat(label_width - span.label.width()),
                format!("w{}", workers[&span.worker]),
                "·".repeat(from),
                bar,
                "·".repeat(BAR_WIDTH - to),
                span.duration().as_secs_f64(),
                if ok { "" } else { " (failed)" },
            );
        }
        out
    }
}

/// Name workers w1, w2, ... in the order they first started a task.
fn number_workers(rows: &[&Row]) -> HashMap<Worker, usize> {
    let mut numbers = HashMap::new();
    for row in rows {
        let next = numbers.len() + 1;
        numbers.entry(row.span.worker).or_insert(next);
    }
    numbers
}
