//! The timeline picture: staircases, overlaps, and what a run remembers of its tasks.

use common::timeline::{BAR_WIDTH, Outcome, Span, TaskKind, Timeline, Worker};
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthStr;

/// What a reader sees once the colours are gone.
fn strip_ansi(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}

fn span(label: &str, worker: u32, start_ms: u64, end_ms: u64, origin: Instant) -> Span {
    Span {
        label: label.to_string(),
        worker: Worker::Process(worker),
        start: origin + Duration::from_millis(start_ms),
        end: origin + Duration::from_millis(end_ms),
    }
}

/// A task's outcome for these tests: just whether it succeeded.
struct Done(bool);

impl Outcome for Done {
    const KIND: TaskKind = TaskKind {
        tasks: "tasks",
        task: "task",
        value: "result",
    };
    fn task(&self) -> String {
        "a task".to_string()
    }
    fn value(&self) -> Option<i64> {
        self.0.then_some(1)
    }
}

fn bar_of(line: &str) -> &str {
    line.split('|').nth(1).expect("a bar between pipes")
}

#[test]
fn sequential_tasks_draw_a_staircase_and_parallel_ones_overlap() {
    let t0 = Instant::now();
    let mut staircase = Timeline::new();
    staircase.add(span("a", 1, 0, 100, t0), &Done(true));
    staircase.add(span("b", 1, 100, 200, t0), &Done(true));
    let picture = strip_ansi(&staircase.render());
    let lines: Vec<&str> = picture.lines().collect();
    assert!(lines[0].contains("2 tasks on 1 worker;"), "{picture}");
    let (a, b) = (bar_of(lines[1]), bar_of(lines[2]));
    assert_eq!(a.chars().count(), BAR_WIDTH);
    assert!(a.starts_with('█') && a.ends_with('·'), "{picture}");
    assert!(b.starts_with('·') && b.ends_with('█'), "{picture}");

    let mut overlap = Timeline::new();
    overlap.add(span("a", 1, 0, 200, t0), &Done(true));
    overlap.add(span("b", 2, 0, 200, t0), &Done(false));
    let picture = strip_ansi(&overlap.render());
    assert!(picture.contains("2 tasks on 2 workers"), "{picture}");
    assert!(picture.contains("(failed)"), "{picture}");
    assert_eq!(overlap.failures(), 1);
    assert_eq!(overlap.most_at_once(), (2, true));
    assert_eq!(staircase.most_at_once(), (1, true));
    for line in picture.lines().skip(1) {
        assert!(!bar_of(line).contains('·'), "{picture}");
    }
}

#[test]
fn a_very_short_task_still_shows_one_block() {
    let t0 = Instant::now();
    let mut timeline = Timeline::new();
    timeline.add(span("long", 1, 0, 1000, t0), &Done(true));
    timeline.add(span("blink", 2, 1000, 1000, t0), &Done(true));
    let picture = strip_ansi(&timeline.render());
    let blink = picture.lines().find(|l| l.contains("blink")).unwrap();
    assert_eq!(bar_of(blink).matches('█').count(), 1, "{picture}");
}

#[test]
fn labels_of_any_script_keep_the_bars_aligned() {
    let t0 = Instant::now();
    let mut timeline = Timeline::new();
    for label in ["google", "café", "東京の天気", "x"] {
        timeline.add(span(label, 1, 0, 100, t0), &Done(true));
    }
    let picture = strip_ansi(&timeline.render());
    let bar_columns: Vec<usize> = picture
        .lines()
        .skip(1)
        .map(|line| line[..line.find('|').unwrap()].width())
        .collect();
    assert!(bar_columns.windows(2).all(|pair| pair[0] == pair[1]), "{picture}");
}

#[test]
fn one_task_on_one_worker_reads_as_english() {
    let t0 = Instant::now();
    let mut timeline = Timeline::new();
    timeline.add(span("only", 1, 0, 100, t0), &Done(true));
    assert!(timeline.render().contains("timeline: 1 task on 1 worker;"));
}

#[test]
fn an_empty_timeline_says_so() {
    assert!(Timeline::new().render().contains("no tasks"));
}
