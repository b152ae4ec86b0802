//! The closing summary of examples-processpool claims no ideal time for a run in which a task
//! failed (a failed task may end early), and its check line names the number that failed
//! instead of claiming the same square for each. The real binary, offline.

use std::time::Duration;
use testkit::{command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-processpool");

#[test]
fn a_failed_task_makes_no_ideal_and_the_check_names_it() {
    // 3037000500 squared does not fit in an i64: it fails, in every run.
    let args = ["--time-scale", "0.05", "--no-timeline", "2", "3037000500"];
    let ran = run(command(BINARY, &args), Duration::from_secs(60));
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    let rows: Vec<&str> = ran.stdout.lines().filter(|l| l.starts_with("  with")).collect();
    assert_eq!(rows.len(), 4, "without_executor and three with_*: {}", ran.stdout);
    for row in rows {
        assert!(row.ends_with("no ideal: 1 of 2 tasks failed"), "{}", ran.stdout);
    }
    assert!(
        ran.lines_starting("Check: ")[0].ends_with(
            "; the same square for each of the 1 that never failed; 3037000500 failed in every run."
        ),
        "{}",
        ran.stdout
    );
}
