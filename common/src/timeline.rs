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
//!
//! On a terminal the same picture grows while the run goes on ([`live`]): a row appears when
//! its task starts, and its bar grows until the task ends.

pub mod live;

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
        let started = Span::begin(label, Worker::this_thread());
        let value = work();
        (value, started.end_on(Worker::this_thread()))
    }

    /// The async form of [`Span::measure`]: await `work` and return its value with its span.
    /// The worker is the thread the task was on when it finished.
    pub async fn measure_async<T>(label: impl Into<String>, work: impl Future<Output = T>) -> (T, Span) {
        let started = Span::begin(label, Worker::this_thread());
        let value = work.await;
        (value, started.end_on(Worker::this_thread()))
    }

    /// A span from `start` until now, on this thread: for a task that never handed back a
    /// span of its own, such as one cancelled before it ended.
    pub fn since(label: impl Into<String>, start: Instant) -> Span {
        Span {
            label: label.into(),
            worker: Worker::this_thread(),
            start,
            end: Instant::now(),
        }
    }

    /// A task starts now on `worker`: its row appears on the live timeline, if one is shown.
    /// [`Started::end`] gives its span. (`measure` does both around a call.)
    pub fn begin(label: impl Into<String>, worker: Worker) -> Started {
        let label = label.into();
        let start = Instant::now();
        let live_row = live::task_started(&label, worker, start);
        Started {
            label,
            worker,
            start,
            live_row,
        }
    }

    /// How long the task took.
    pub fn duration(&self) -> Duration {
        self.end - self.start
    }
}

impl Worker {
    fn this_thread() -> Worker {
        Worker::Thread(thread::current().id())
    }
}

/// A task that has started and not yet ended (from [`Span::begin`]).
#[derive(Debug)]
#[must_use = "a task's span is what `end` gives back"]
pub struct Started {
    label: String,
    worker: Worker,
    start: Instant,
    live_row: Option<live::RowId>,
}

impl Started {
    /// The task ends now, on the worker it started on.
    pub fn end(self) -> Span {
        let worker = self.worker;
        self.end_on(worker)
    }

    /// The task ends now, on `worker` (an async task may move between threads).
    fn end_on(self, worker: Worker) -> Span {
        let end = Instant::now();
        live::task_ended(self.live_row, worker, end);
        Span {
            label: self.label,
            worker,
            start: self.start,
            end,
        }
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
            live::task_named(&span);
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
        let axis = Axis::new(origin, finish);

        let mut rows: Vec<&Row> = self.rows.iter().collect();
        rows.sort_by_key(|row| row.span.start);
        let workers = number_workers(rows.iter().map(|row| row.span.worker));
        let columns = Columns::fitting(rows.iter().map(|row| row.span.label.as_str()), &workers);

        let mut out = header("timeline:", rows.len(), workers.len(), axis.total, "");
        for Row { span, value, .. } in rows {
            let bar = match value {
                Some(_) => Bar::Succeeded,
                None => Bar::Failed,
            };
            let worker = workers[&span.worker];
            columns.write_row(&mut out, &span.label, worker, &axis, (span.start, span.end), bar);
        }
        out
    }
}

/// ` timeline: 4 tasks on 1 worker; full width = 1.82 s` (`title` first, `note` last).
fn header(title: &str, tasks: usize, workers: usize, width: Duration, note: &str) -> String {
    format!(
        " {title} {} on {}; full width = {:.2} s{note}\n",
        crate::output::count(tasks, "task"),
        crate::output::count(workers, "worker"),
        width.as_secs_f64(),
    )
}

/// The shared time axis: `origin` at the left edge, `origin + total` at the right.
struct Axis {
    origin: Instant,
    total: Duration,
}

impl Axis {
    fn new(origin: Instant, finish: Instant) -> Axis {
        let total = (finish - origin).max(Duration::from_micros(1));
        Axis { origin, total }
    }

    /// The bar's column for the moment `at`.
    fn column(&self, at: Instant) -> usize {
        let fraction = (at - self.origin).as_secs_f64() / self.total.as_secs_f64();
        ((fraction * BAR_WIDTH as f64).round() as usize).min(BAR_WIDTH)
    }
}

/// How a task's bar is drawn: by how it ended, or that it has not yet.
#[derive(Clone, Copy)]
enum Bar {
    Succeeded,
    Failed,
    /// Ended, how is not known yet (the live timeline only).
    Ended,
    /// Still running (the live timeline only).
    Running,
}

/// How wide the label and worker columns are, so that the bars line up.
struct Columns {
    label: usize,
    worker: usize,
}

impl Columns {
    fn fitting<'a>(labels: impl Iterator<Item = &'a str>, workers: &HashMap<Worker, usize>) -> Columns {
        Columns {
            // Columns on a terminal, not bytes or chars: `é` takes one column, `東` two.
            label: labels.map(UnicodeWidthStr::width).max().unwrap_or(0),
            worker: workers.values().max().map_or(1, |n| n.to_string().len()) + 1,
        }
    }

    /// One row: ` bing       w1 |████████········| 0.31 s`.
    fn write_row(
        &self,
        out: &mut String,
        label: &str,
        worker: usize,
        axis: &Axis,
        (start, end): (Instant, Instant),
        bar: Bar,
    ) {
        let (from, to) = (axis.column(start), axis.column(end));
        // Every task gets at least one block, so even a quick one is visible.
        let to = to.max(from + 1).min(BAR_WIDTH);
        let from = from.min(to - 1);
        let blocks = "█".repeat(to - from);
        let (blocks, after) = match bar {
            Bar::Succeeded => (blocks.green(), ""),
            Bar::Failed => (blocks.red(), " (failed)"),
            Bar::Ended => (blocks.normal(), ""),
            Bar::Running => (blocks.yellow(), " …"),
        };
        let worker_width = self.worker;
        let _ = writeln!(
            out,
            " {label}{} {:>worker_width$} |{}{blocks}{}| {:.2} s{after}",
            " ".repeat(self.label.saturating_sub(label.width())),
            format!("w{worker}"),
            "·".repeat(from),
            "·".repeat(BAR_WIDTH - to),
            (end - start).as_secs_f64(),
        );
    }
}

/// Name workers w1, w2, ... in the order they first started a task (`workers` in start order).
fn number_workers(workers: impl Iterator<Item = Worker>) -> HashMap<Worker, usize> {
    let mut numbers = HashMap::new();
    for worker in workers {
        let next = numbers.len() + 1;
        numbers.entry(worker).or_insert(next);
    }
    numbers
}
