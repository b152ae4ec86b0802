//! scale's counts while it runs, in a real terminal (tmux): one line however many requests,
//! under the heading the program that ran it gave (as the scale sweep names its points; on
//! one line, control characters escaped), gone at the end, where the closing lines are what
//! scale prints off a terminal. Passes with a line saying it was skipped where tmux is not
//! installed (fails, where CI requires tmux: `testkit::tmux::REQUIRE_TMUX`).

use terminal::counts::HEADING;
use testkit::tmux::{Terminal, line_shapes};

const BINARY: &str = env!("CARGO_BIN_EXE_scale");

/// 2,000 requests of 100 ms, 200 at a time: ten rounds, about a second.
const RUN: &[&str] = &["--tasks", "2000", "--limit", "200", "--latency-ms", "100"];

#[test]
fn the_counts_grow_on_one_line_and_leave_the_closing_lines_as_off_a_terminal() {
    // A heading is shown as it is said, escape sequences and newlines too: on one line, and
    // not obeyed (a screen cleared, the cursor hidden).
    let said = "point 3 of 20:\x1b[2J\x1b[?25l a\ntest";
    let heading = r"point 3 of 20:\u{1b}[2J\u{1b}[?25l a\ntest";
    let Some(terminal) = Terminal::start_with_env(100, 20, BINARY, RUN, &[(HEADING, said)]) else {
        return;
    };
    let counts = |screen: &str| -> Vec<usize> {
        let line = screen
            .lines()
            .find(|line| line.contains(" in flight · "))
            .unwrap_or_default();
        line.split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect()
    };
    let first = terminal.wait_for(|screen| counts(screen).first().is_some_and(|&done| done > 0));
    let second = terminal.wait_for(|screen| counts(screen).first() > counts(&first).first());
    for frame in [&first, &second] {
        assert_eq!(
            frame.matches(" in flight · ").count(),
            1,
            "one line of counts:\n{frame}"
        );
        let lines: Vec<&str> = frame.lines().collect();
        let counts_line = lines.iter().position(|line| line.contains(" in flight · "));
        let above = counts_line.and_then(|at| lines.get(at.checked_sub(1)?));
        assert_eq!(above.map(|line| line.trim_end()), Some(heading), "{frame}");
    }
    assert_eq!(terminal.wait_for_exit(), 0, "{}", terminal.everything());
    let last = terminal.everything();
    assert!(
        !last.contains("in flight") && !last.contains(heading),
        "the counts were left on the screen:\n{last}"
    );
    let off_a_terminal = testkit::run_program(BINARY, RUN);
    assert!(off_a_terminal.status.success(), "{off_a_terminal:?}");
    assert_eq!(line_shapes(&last), line_shapes(&off_a_terminal.stdout), "{last}");
}
