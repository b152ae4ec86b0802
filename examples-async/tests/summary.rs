//! The closing summary of examples-async claims no speed-up when a fetch failed: a task that
//! panics at once would otherwise pass for concurrency's gain. The real binary, offline.

use std::time::Duration;
use testkit::{command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-async");

#[test]
fn a_failed_fetch_makes_no_speed_up() {
    let args = [
        "--only",
        "fetch",
        "--panic-on",
        "yahoo",
        "--time-scale",
        "0.1",
        "--no-timeline",
    ];
    let ran = run(command(BINARY, &args), Duration::from_secs(60));
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    let summary = ran.lines_starting("Summary: ");
    assert!(
        summary[0].contains("no speed-up claimed, as 1 of 8 fetches failed"),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("x faster"), "{}", ran.stdout);
    assert!(
        ran.lines_starting("Check: ")[0]
            .contains("/yahoo failed in fetch_concurrently(), succeeded in fetch_one_by_one()."),
        "{}",
        ran.stdout
    );
}
