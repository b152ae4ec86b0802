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
use terminal::output::escape_controls;

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
    /// over 60 seconds`). This is one line of it (or the start of one).
    fn count(&mut self, line: &str) {
        let started = line
            .strip_prefix("test ")
            .and_then(|rest| rest.split_once(" ... "));
        let after = match started {
            Some((name, after)) => {
                self.running = Some(name.to_string());
                after
            }
            None => line,
        };
        let verdict = ["ok", "FAILED", "ignored"]
            .iter()
            .any(|word| after.starts_with(word));
        if verdict && self.running.take().is_some() {
            self.finished += 1;
        }
    }
}

/// One group's `cargo test` output, read a piece at a time as it comes: each piece is read
/// once, so a check that prints megabytes costs no more than reading them.
#[derive(Debug, Default)]
struct Reading {
    /// The tally of the lines that have ended.
    ended: Tally,
    /// The start of the line not ended yet: enough of it for `test NAME ... VERDICT`.
    unended: String,
    /// The failures' messages after the last check have begun: they are not read.
    failures: bool,
}

/// How much of a line is kept to be read: its start is all that says a check's name and
/// verdict; the rest of a long line (a check's own output) is passed over.
const LINE_KEPT: usize = 1024;

impl Reading {
    /// Read the next piece of output.
    fn read(&mut self, piece: &str) {
        for part in piece.split_inclusive('\n') {
            if self.failures {
                return;
            }
            let (text, ended) = match part.strip_suffix('\n') {
                Some(text) => (text, true),
                None => (part, false),
            };
            let room = LINE_KEPT.saturating_sub(self.unended.len());
            let mut kept = room.min(text.len());
            while !text.is_char_boundary(kept) {
                kept -= 1;
            }
            self.unended.push_str(&text[..kept]);
            if ended {
                let line = std::mem::take(&mut self.unended);
                let line = line.strip_suffix('\r').unwrap_or(&line);
                match line == "failures:" {
                    true => self.failures = true,
                    false => self.ended.count(line),
                }
            }
        }
    }

    /// How far the checks are, the line not ended yet counted as it stands.
    fn tally(&self) -> Tally {
        let mut tally = self.ended.clone();
        if !self.failures && !self.unended.is_empty() {
            tally.count(&self.unended);
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
        let mut crates: Vec<(&str, Vec<String>)> = Vec::new();
        for (package, tally) in &self.groups {
            let Some(check) = tally.running.as_deref() else {
                continue;
            };
            // The name as the check's output spelled it: a control character there (an
            // escape sequence a check printed) is shown, not obeyed by the terminal.
            let check = escape_controls(check);
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
    readings: Mutex<Vec<Reading>>,
    view: Mutex<Option<LiveView>>,
}

impl LiveLine {
    /// A live line for the checks of `groups` (`total` in all) if a person watches; `None`
    /// otherwise, and nothing is drawn. A signal that ends the program (Ctrl-C) clears the
    /// line first, and ends it as it would have.
    pub fn for_groups_if_watched(groups: &[(&str, Vec<&str>)], total: usize) -> Option<LiveLine> {
        if !terminal::live::is_wanted(Stream::Stderr) {
            return None;
        }
        crate::signals::on_signal_to_end(|signal| {
            terminal::live::clear_shown_and_end(|| crate::signals::die_of(signal))
        });
        let readings = groups.iter().map(|_| Reading::default()).collect();
        let groups = groups
            .iter()
            .map(|(package, _)| (package.to_string(), Tally::default()))
            .collect();
        Some(LiveLine {
            board: Arc::new(Mutex::new(Board { total, groups })),
            readings: Mutex::new(readings),
            view: Mutex::new(None),
        })
    }

    /// Group number `group` (its place in the table's groups) has printed `piece`.
    pub fn heard(&self, group: usize, piece: &str) {
        let Some(tally) = lock(&self.readings).get_mut(group).map(|reading| {
            reading.read(piece);
            reading.tally()
        }) else {
            return;
        };
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

    /// The tally of `printed`, read whole, and read a character at a time (as a pipe may
    /// give it): the same.
    fn tally_of(printed: &str) -> Tally {
        let mut whole = Reading::default();
        whole.read(printed);
        let mut by_character = Reading::default();
        for (at, c) in printed.char_indices() {
            by_character.read(&printed[at..at + c.len_utf8()]);
        }
        assert_eq!(whole.tally(), by_character.tally(), "{printed:?}");
        whole.tally()
    }

    #[test]
    fn a_check_runs_from_its_name_to_its_verdict() {
        assert_eq!(tally_of(""), Tally::default());
        let running = |finished, check: &str| Tally {
            finished,
            running: Some(check.to_string()),
        };
        assert_eq!(tally_of("\nrunning 2 tests\ntest a ... "), running(0, "a"));
        assert_eq!(tally_of("running 2 tests\ntest a ... o"), running(0, "a"));
        assert_eq!(
            tally_of("running 2 tests\ntest a ... ok\r\ntest b ... "),
            running(1, "b")
        );
        let noted = "test a ... test a has been running for over 60 seconds\n";
        assert_eq!(tally_of(noted), running(0, "a"));
        assert_eq!(tally_of(&format!("{noted}ok\n")).finished, 1);
        let failed = "test a ... FAILED\ntest b ... ignored, slow\n\nfailures:\n\n---- a stdout ----\n\
                      test x ... oh no\ntest y ... ";
        assert_eq!(
            tally_of(failed),
            Tally {
                finished: 2,
                running: None
            }
        );
    }

    #[test]
    fn a_long_line_is_read_by_its_start() {
        let output = "x".repeat(3 * LINE_KEPT);
        let long = format!("test a ... {output}");
        assert_eq!(tally_of(&long).running.as_deref(), Some("a"));
        assert_eq!(tally_of(&format!("{long}\nok\n")).finished, 1);
        assert_eq!(tally_of(&format!("test a ... ok{output}é\n")).finished, 1);
        let name = "é".repeat(LINE_KEPT);
        assert_eq!(
            tally_of(&format!("test {name} ... ok\n")).finished,
            0,
            "cut: no verdict"
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
        let odd = Board {
            total: 1,
            groups: vec![("examples-async".into(), tally(0, Some("\x1b[2J\x1b]0;t\x07a\tb")))],
        };
        assert_eq!(odd.line(), r"checking 0/1  async: \u{1b}[2J\u{1b}]0;t\u{7}a\tb");
    }
}
