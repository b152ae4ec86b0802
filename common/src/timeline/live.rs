//! The timeline of the run going on, drawn while it grows, where a person watches: a row
//! appears when its task starts (from [`Span::begin`](super::Span::begin), which
//! `Span::measure` calls), its bar grows until the task ends, and the rows are grouped by
//! worker. When the run ends the rows leave the screen and the lesson prints the picture
//! of [`Timeline::render`](super::Timeline::render) in their place.
//!
//! A task only notes when it starts and ends, under a lock held for a push; the drawing is
//! done by one thread for all tasks, at most ten times a second (`terminal::live`). With no
//! live timeline shown, a task pays one atomic read.

use super::{Axis, Bar, Columns, Span, Worker, header, number_workers};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;
use terminal::live::{LiveView, Size, Stream};

/// The label of a task not yet named (see [`task_named`]).
const UNNAMED: &str = "?";

/// Is a live timeline shown? Read by every task that starts.
static SHOWN: AtomicBool = AtomicBool::new(false);

/// The tasks of the run going on.
static BOARD: Mutex<Board> = Mutex::new(Board {
    run: 0,
    rows: Vec::new(),
});

struct Board {
    /// Which run this is, so that a row of an earlier run is never mistaken for one of this.
    run: u64,
    rows: Vec<LiveRow>,
}

struct LiveRow {
    label: String,
    worker: Worker,
    start: Instant,
    end: Option<Instant>,
}

/// Where a task's row is on the board.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowId {
    run: u64,
    index: usize,
}

/// The timeline of each run, drawn as it grows, until dropped.
pub struct LiveTimeline {
    view: LiveView,
}

impl LiveTimeline {
    /// Draw each run's timeline as it grows, if `wanted` and a person watches (stdout is a
    /// terminal, and not `TERM=dumb`); otherwise `None`, and nothing is drawn.
    pub fn show_if_watched(wanted: bool) -> Option<LiveTimeline> {
        if !wanted || !terminal::live::is_wanted(Stream::Stdout) {
            return None;
        }
        board().next_run();
        SHOWN.store(true, Ordering::Relaxed);
        // Ctrl-C takes the rows off the screen before the program ends.
        crate::interrupt::clear_live_view_on_ctrl_c();
        Some(LiveTimeline {
            view: LiveView::show(Stream::Stdout, draw),
        })
    }

    /// The run has ended: its rows leave the screen (for its picture to take their place).
    pub fn end_run(&self) {
        board().next_run();
        self.view.changed();
    }
}

impl Drop for LiveTimeline {
    fn drop(&mut self) {
        SHOWN.store(false, Ordering::Relaxed);
        board().next_run();
    }
}

impl Board {
    fn next_run(&mut self) {
        self.run += 1;
        self.rows.clear();
    }
}

/// A task started: add its row, if a live timeline is shown.
pub(crate) fn task_started(label: &str, worker: Worker, start: Instant) -> Option<RowId> {
    if !SHOWN.load(Ordering::Relaxed) {
        return None;
    }
    let mut board = board();
    board.rows.push(LiveRow {
        label: label.to_string(),
        worker,
        start,
        end: None,
    });
    Some(RowId {
        run: board.run,
        index: board.rows.len() - 1,
    })
}

/// A task ended, on `worker`: its bar stops growing.
pub(crate) fn task_ended(row: Option<RowId>, worker: Worker, end: Instant) {
    let Some(RowId { run, index }) = row else {
        return;
    };
    let mut board = board();
    if board.run == run {
        let row = &mut board.rows[index];
        (row.worker, row.end) = (worker, Some(end));
    }
}

/// A task that started with no label (a process pool's, unless the pool was told how to name
/// its tasks: it does not know what its arguments mean) is named by its outcome: its row takes
/// the span's label.
pub(crate) fn task_named(span: &Span) {
    if !SHOWN.load(Ordering::Relaxed) {
        return;
    }
    let mut board = board();
    let same_task = |row: &&mut LiveRow| row.start == span.start && row.label.is_empty();
    if let Some(row) = board.rows.iter_mut().rev().find(same_task) {
        row.label.clone_from(&span.label);
    }
}

/// The rows so far, grouped by worker, on an axis that ends now; as many as fit the
/// terminal, and one line for the rest.
fn draw(out: &mut String, size: Size) {
    let board = board();
    let Some(origin) = board.rows.first().map(|row| row.start) else {
        return;
    };
    let now = Instant::now();
    let axis = Axis::new(origin, now);
    // Rows are added in start order: workers are numbered as in the finished picture.
    let workers = number_workers(board.rows.iter().map(|row| row.worker));
    let mut rows: Vec<&LiveRow> = board.rows.iter().collect();
    rows.sort_by_cached_key(|row| (workers[&row.worker], row.start));
    let columns = Columns::fitting(rows.iter().map(|row| label(row)), &workers);

    let total = rows.len();
    out.push_str(&header("timeline so far:", total, workers.len(), axis.total, ""));
    // The header, the rows, and a line to spare for the cursor.
    let room = size.rows.saturating_sub(2).max(2);
    let shown = if total > room { room - 1 } else { total };
    for row in &rows[..shown] {
        let (end, bar) = match row.end {
            Some(end) => (end, Bar::Ended),
            None => (now, Bar::Running),
        };
        columns.write_row(
            out,
            label(row),
            workers[&row.worker],
            &axis,
            (row.start, end),
            bar,
        );
    }
    if shown < total {
        let (more, running) = (
            total - shown,
            rows[shown..].iter().filter(|row| row.end.is_none()).count(),
        );
        let tasks = if more == 1 { "task" } else { "tasks" };
        let _ = writeln!(
            out,
            " … and {more} more {tasks}: {running} running, {} done",
            more - running
        );
    }
}

/// A row's label, or [`UNNAMED`] until it has one.
fn label(row: &LiveRow) -> &str {
    match row.label.as_str() {
        "" => UNNAMED,
        label => label,
    }
}

fn board() -> MutexGuard<'static, Board> {
    // A panic while holding this lock can't leave the board half-changed: recover it.
    BOARD.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Draw `rows` (label, worker, started after ms, ended after ms) in a terminal this tall.
    fn drawn(rows: &[(&str, u32, u64, Option<u64>)], terminal_rows: usize) -> Vec<String> {
        // One board for the whole program: one test at a time draws on it.
        static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
        let origin = Instant::now() - Duration::from_secs(1);
        let at = |ms: u64| origin + Duration::from_millis(ms);
        {
            let mut board = board();
            board.next_run();
            for &(label, worker, start, end) in rows {
                board.rows.push(LiveRow {
                    label: label.to_string(),
                    worker: Worker::Process(worker),
                    start: at(start),
                    end: end.map(at),
                });
            }
        }
        let mut out = String::new();
        draw(
            &mut out,
            Size {
                columns: 100,
                rows: terminal_rows,
            },
        );
        board().next_run();
        out.lines().map(str::to_string).collect()
    }

    /// The first two words of each line: label and worker.
    fn labels_and_workers(lines: &[String]) -> Vec<String> {
        let words = |line: &String| line.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
        lines.iter().skip(1).map(words).collect()
    }

    #[test]
    fn rows_are_grouped_by_worker_and_a_task_not_yet_named_shows_a_question_mark() {
        let lines = drawn(
            &[("2", 7, 0, Some(500)), ("", 8, 0, None), ("4", 7, 500, None)],
            40,
        );
        assert!(
            lines[0].starts_with(" timeline so far: 3 tasks on 2 workers;"),
            "{lines:?}"
        );
        assert_eq!(labels_and_workers(&lines), ["2 w1", "4 w1", "? w2"]);
        assert!(
            lines[2].ends_with(" s …"),
            "a running task's row says so: {lines:?}"
        );
        assert!(
            lines[1].ends_with("| 0.50 s"),
            "an ended one shows its time: {lines:?}"
        );
    }

    #[test]
    fn more_rows_than_fit_end_in_one_line_for_the_rest() {
        let rows: Vec<_> = (0..10)
            .map(|n| ("t", n, 0, (n % 2 == 0).then_some(100)))
            .collect();
        // A terminal of 5 rows: the header, 2 rows, the line for the rest, one to spare.
        let lines = drawn(&rows, 5);
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(lines[3], " … and 8 more tasks: 4 running, 4 done");
    }
}
