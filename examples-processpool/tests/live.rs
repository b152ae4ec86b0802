//! The live timeline, in a real terminal (tmux): rows appear and bars grow while the lesson
//! runs, and what stays on the screen is what the lesson prints off a terminal. Each test
//! passes with a line saying it was skipped where tmux is not installed (fails, where CI
//! requires tmux: `testkit::tmux::REQUIRE_TMUX`).

use testkit::tmux::{Terminal, line_shapes, live_rows};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-processpool");

/// Listing 2 at a fifth of its speed: 0.4 s a task, two worker processes, about 3 s in all.
const LESSON: &[&str] = &["--time-scale", "0.2", "--workers", "2"];

/// What the lesson prints off a terminal, as line shapes (numbers and bars aside).
fn printed_off_a_terminal(args: &[&str]) -> Vec<String> {
    let ran = testkit::run_program(BINARY, args);
    assert!(ran.status.success(), "{ran:?}");
    line_shapes(&ran.stdout)
}

#[test]
#[ignore = "slow: the lesson in a terminal and off one, at a fifth of its speed, 6 s"]
fn bars_grow_while_the_lesson_runs_and_the_static_timeline_stays() {
    let Some(terminal) = Terminal::start(100, 50, BINARY, LESSON) else {
        return;
    };
    // One by one: the second number's row appears when the first is done, then the third's.
    let first = terminal.wait_for(|screen| screen.contains("timeline so far: 2 tasks on 1 worker"));
    let second = terminal.wait_for(|screen| screen.contains("timeline so far: 3 tasks on 1 worker"));
    let (first_rows, second_rows) = (live_rows(&first), live_rows(&second));
    assert_eq!(first_rows.len(), 2, "{first}");
    assert_eq!(second_rows.len(), 3, "{second}");
    for ((label, before), (same_label, after)) in first_rows.iter().zip(&second_rows) {
        assert_eq!(label, same_label, "rows keep their places:\n{first}\n{second}");
        assert!(after >= before, "{label}'s bar shrank:\n{first}\n{second}");
    }
    // The row that was running grew: it was under its 0.4 s, it is a full one now.
    assert!(second_rows[1].1 > first_rows[1].1, "{first}\n{second}");
    // On the process pool, two at once: each running row shows its number, not `?`.
    let pool = terminal.wait_for(|screen| {
        screen.contains("[*] without_executor()")
            && !screen.contains("[*] with_executor()")
            && screen.contains("timeline so far: 2 tasks on 2 workers")
    });
    let pool_rows = live_rows(&pool);
    assert_eq!(pool_rows.len(), 2, "{pool}");
    for (label, _) in &pool_rows {
        assert!(["2", "3", "4"].contains(&label.as_str()), "{pool}");
    }

    assert_eq!(terminal.wait_for_exit(), 0, "{}", terminal.everything());
    let last = terminal.everything();
    assert!(
        !last.contains("so far"),
        "live rows were left on the screen:\n{last}"
    );
    assert_eq!(line_shapes(&last), printed_off_a_terminal(LESSON), "{last}");
}

#[test]
#[ignore = "slow: the lesson in a terminal and off one, at a fifth of its speed, 6 s"]
fn a_terminal_of_forty_columns_ends_with_the_same_lines() {
    let Some(terminal) = Terminal::start(40, 30, BINARY, LESSON) else {
        return;
    };
    let frame = terminal.wait_for(|screen| screen.contains("timeline so far"));
    // Each live line is cut to fit, so none wraps.
    let live = &frame[frame.find(" timeline so far").expect("awaited")..];
    assert!(live.lines().all(|line| line.chars().count() < 40), "{frame}");
    assert_eq!(terminal.wait_for_exit(), 0, "{}", terminal.everything());
    let last = terminal.everything();
    assert_eq!(line_shapes(&last), printed_off_a_terminal(LESSON), "{last}");
}

#[test]
#[ignore = "slow: two runs of the lesson at half speed, 13 s"]
fn a_resize_during_the_run_keeps_the_exit_status_and_the_last_picture() {
    let half_speed = &["--time-scale", "0.5", "--workers", "2"];
    let Some(terminal) = Terminal::start(100, 40, BINARY, half_speed) else {
        return;
    };
    terminal.wait_for(|screen| screen.contains("timeline so far: 2 tasks"));
    terminal.resize(40, 40);
    terminal.wait_for(|screen| screen.contains("With_executor"));
    terminal.resize(90, 40);
    assert_eq!(terminal.wait_for_exit(), 0, "{}", terminal.everything());
    // The runs drawn after the last resize end as they do off a terminal. (Lines drawn
    // before a narrowing are rewrapped by the terminal, and a frame of them may stay.)
    let last = terminal.everything();
    let rayon = &last[last.rfind("With_rayon: ").expect("the last run printed")..];
    let expected = testkit::run_program(BINARY, half_speed);
    let expected = &expected.stdout[expected.stdout.rfind("With_rayon: ").expect("printed")..];
    assert_eq!(line_shapes(rayon), line_shapes(expected), "{last}");
}

#[test]
#[ignore = "slow: five runs of the lesson at a fifth of its speed, 16 s"]
fn with_term_dumb_or_no_live_view_nothing_is_drawn_and_no_color_keeps_the_view() {
    let no_live = &["--time-scale", "0.2", "--workers", "2", "--no-live-view"];
    for (args, env) in [(LESSON, &[("TERM", "dumb")][..]), (&no_live[..], &[][..])] {
        let Some(terminal) = Terminal::start_with_env(100, 50, BINARY, args, env) else {
            return;
        };
        let mut frames = Vec::new();
        while frames.len() < 500 && !terminal.screen().contains("Summary") {
            frames.push(terminal.screen());
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(terminal.wait_for_exit(), 0);
        assert!(
            !frames.iter().any(|frame| frame.contains("so far")),
            "{env:?} {args:?}"
        );
        assert_eq!(line_shapes(&terminal.everything()), printed_off_a_terminal(args));
    }
    let Some(terminal) = Terminal::start_with_env(100, 50, BINARY, LESSON, &[("NO_COLOR", "1")]) else {
        return;
    };
    terminal.wait_for(|screen| screen.contains("timeline so far"));
    assert_eq!(terminal.wait_for_exit(), 0);
}

#[test]
fn ctrl_c_during_a_live_view_leaves_no_live_line() {
    let Some(terminal) = Terminal::start(100, 40, BINARY, LESSON) else {
        return;
    };
    terminal.wait_for(|screen| screen.contains("timeline so far: 2 tasks"));
    terminal.press_ctrl_c();
    assert_eq!(terminal.wait_for_exit(), 130, "{}", terminal.everything());
    let last = terminal.everything();
    assert!(
        !last.contains("so far"),
        "live rows were left on the screen:\n{last}"
    );
}

// With 8.9's CPU work, scaled by --time-scale like the sleep it replaces, the pool's run
// ends before the test can close the terminal in its middle.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "the lesson as shipped: the answer to exercise 8.9 makes the pool's run too short \
            to close the terminal in; .ci/ignored runs it"]
fn closing_the_terminal_mid_run_leaves_nothing_running() {
    use testkit::faults::processes;
    let Some(terminal) = Terminal::start(100, 40, BINARY, LESSON) else {
        return;
    };
    // In the pool's run, with its two worker processes busy.
    terminal
        .wait_for(|screen| screen.contains("timeline so far") && screen.contains("[*] without_executor()"));
    let lesson = terminal.pid();
    let mut everyone = processes::workers_of(lesson, 2);
    everyone.push(lesson);
    terminal.close(); // SIGHUP, as when the window is closed
    let left = processes::left_behind(&everyone, std::time::Duration::from_secs(10));
    assert!(
        left.is_empty(),
        "still running after SIGHUP: {left:?} of {everyone:?}"
    );
}
