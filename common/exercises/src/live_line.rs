//! The table's live line: while the checks run, which check each crate runs now and how many
//! of them all have finished, redrawn in place at the bottom of the terminal:
//!
//! ```text
//! checking  3/13  async: task_timeout · processpool: rayon_three_threads · threadpool: retry_once
//! ```
//!
//! Only where a person watches (stderr is a terminal, not `TERM=dumb`: `terminal::live`), on
//! stderr beside the notes said while cargo builds. It is cleared when the checks end, so
//! what stays on the screen is what is printed off a terminal, where no line is drawn at all.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use terminal::live::{LiveView, Size, Stream};

/// How far one group's checks are, read from what its `cargo test` has printed so far.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub finished: usize,
    /// The check that has started and not ended yet.
    pub running: Option<String>,
}

impl Tally {
    /// libtest running one check at a time (`--test-threads 1`) writes `test NAME ... ` as a
    /// check starts and its verdict (`ok`, `FAILED`, `ignored`) as it ends: on the same line,
    /// or on the next when libtest noted something between (`test NAME has been running for
    /// over 60 seconds`). The failures' messages after the last check are not read.
    pub fn of(printed: &str) -> Tally {
        let mut tally = Tally::default();
        for line in printed.lines().take_while(|line| *line != "failures:") {
            let started = line
                .strip_prefix("test ")
                .and_then(|rest| rest.split_once(" ... "));
            let after = match started {
                Some((name, after)) => {
                    tally.running = Some(name.to_string());
                    after
                }
                None => line,
            };
            let verdict = ["ok", "FAILED", "ignored"]
                .iter()
                .any(|word| after.starts_with(word));
            if verdict && tally.running.take().is_some() {
                tally.finished += 1;
            }
        }
        tally
    }
}

/// What the line is drawn from: each group's crate and tally, in the table's order.
struct Board {
    total: usize,
    groups: Vec<(String, Tally)>,
}

impl Board {
    /// `checking  F/T  CRATE: CHECK, CHECK · CRATE: CHECK`: a crate split in two groups runs
    /// two checks at once, named together.
    fn line(&self) -> String {
        let finished: usize = self.groups.iter().map(|(_, tally)| tally.finished).sum();
        let mut crates: Vec<(&str, Vec<&str>)> = Vec::new();
        for (package, tally) in &self.groups {
            let Some(check) = tally.running.as_deref() else {
                continue;
            };
            let name = package.strip_prefix("examples-").unwrap_or(package);
            match crates.iter_mut().find(|(crate_name, _)| *crate_name == name) {
                Some((_, checks)) => checks.push(check),
                None => crates.push((name, vec![check])),
            }
        }
        let running: Vec<String> = crates
            .iter()
            .map(|(name, checks)| format!("{name}: {}", checks.join(", ")))
            .collect();
        let (total, width) = (self.total, self.total.to_string().len());
        let line = format!("checking {finished:>width$}/{total}  {}", running.join(" · "));
        line.trim_end().to_string()
    }
}

/// The live line of one run of the table; shown from the first check that starts, until
/// dropped.
pub struct LiveLine {
    board: Arc<Mutex<Board>>,
    view: Mutex<Option<LiveView>>,
}

impl LiveLine {
    /// A live line for the checks of `groups` (`total` in all) if a person watches; `None`
    /// otherwise, and nothing is drawn. Call it before any thread starts: a signal that ends
    /// the program (Ctrl-C) then clears the line first, and ends it as it would have.
    pub fn for_groups_if_watched(groups: &[(&str, Vec<&str>)], total: usize) -> Option<LiveLine> {
        if !terminal::live::is_wanted(Stream::Stderr) {
            return None;
        }
        crate::signals::on_signal_to_end(|signal| {
            terminal::live::clear_shown_and_end(|| crate::signals::die_of(signal))
        });
        let groups = groups
            .iter()
            .map(|(package, _)| (package.to_string(), Tally::default()))
            .collect();
        Some(LiveLine {
            board: Arc::new(Mutex::new(Board { total, groups })),
            view: Mutex::new(None),
        })
    }

    /// Group number `group` (its place in the table's groups) has printed `printed` so far.
    pub fn heard(&self, group: usize, printed: &str) {
        let tally = Tally::of(printed);
        let started = tally.running.is_some();
        if let Some((_, now)) = lock(&self.board).groups.get_mut(group) {
            *now = tally;
        }
        let mut view = lock(&self.view);
        if view.is_none() && started {
            let board = Arc::clone(&self.board);
            let draw = move |out: &mut String, _: Size| out.push_str(&lock(&board).line());
            *view = Some(LiveView::show(Stream::Stderr, draw));
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while the lock was held leaves at worst a stale tally: go on with it.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_runs_from_its_name_to_its_verdict() {
        assert_eq!(Tally::of(""), Tally::default());
        let running = |finished, check: &str| Tally {
            finished,
            running: Some(check.to_string()),
        };
        assert_eq!(Tally::of("\nrunning 2 tests\ntest a ... "), running(0, "a"));
        assert_eq!(Tally::of("running 2 tests\ntest a ... o"), running(0, "a"));
        assert_eq!(
            Tally::of("running 2 tests\ntest a ... ok\ntest b ... "),
            running(1, "b")
        );
        let noted = "test a ... test a has been running for over 60 seconds\n";
        assert_eq!(Tally::of(noted), running(0, "a"));
        assert_eq!(Tally::of(&format!("{noted}ok\n")).finished, 1);
        let failed = "test a ... FAILED\ntest b ... ignored, slow\n\nfailures:\n\n---- a stdout ----\n\
                      test x ... oh no\ntest y ... ";
        assert_eq!(
            Tally::of(failed),
            Tally {
                finished: 2,
                running: None
            }
        );
    }

    #[test]
    fn the_line_names_each_crates_running_checks_and_counts_those_finished() {
        let tally = |finished, running: Option<&str>| Tally {
            finished,
            running: running.map(str::to_string),
        };
        let board = Board {
            total: 13,
            groups: vec![
                ("examples-async".into(), tally(1, Some("task_timeout"))),
                ("examples-async".into(), tally(0, Some("first_wins"))),
                ("examples-processpool".into(), tally(3, None)),
                ("examples-threadpool".into(), tally(2, Some("retry_once"))),
            ],
        };
        assert_eq!(
            board.line(),
            "checking  6/13  async: task_timeout, first_wins · threadpool: retry_once"
        );
        let idle = Board {
            total: 2,
            groups: vec![("examples-threadpool".into(), tally(2, None))],
        };
        assert_eq!(idle.line(), "checking 2/2");
    }
}
