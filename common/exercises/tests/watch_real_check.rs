//! `watch` on the real workspace, with the real cargo: it builds and runs the check of the
//! first exercise not done (8.1 in a checkout with no progress), says what the check found,
//! and quits on `q`. One real run: the other tests of `watch` use a stand-in for cargo
//! (tests/companion.rs).
#![cfg(unix)]

use std::time::Duration;
use testkit::pty::Terminal;

#[test]
#[ignore = "slow: the real cargo builds and runs 8.1's check (seconds warm, minutes cold); .ci/run runs it"]
fn watch_runs_a_real_check_and_says_what_it_found() {
    let mut command = testkit::command(env!("CARGO_BIN_EXE_exercises"), &["watch"]);
    command.current_dir(testkit::workspace_root());
    let mut terminal = Terminal::run(command);
    // Minutes if the checks are not built yet (a first `cargo test -p exercises`).
    let patience = Duration::from_secs(300);
    let screen = terminal.wait_for_any(&["waiting for your next save", "Every exercise"], patience);
    if screen.contains("Every exercise") {
        return; // this checkout's progress says all are done: watch has nothing to run
    }
    assert!(
        screen.contains("\nnot yet: ") || screen.contains("\ndone: "),
        "a verdict of the check: {screen}"
    );
    assert!(!screen.contains("cannot run cargo"), "{screen}");
    terminal.press("q");
    assert!(terminal.wait_for_exit(Duration::from_secs(20)).success());
    assert!(terminal.is_usable());
}
