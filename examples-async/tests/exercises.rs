//! The checks of the exercises in tutorial.md. Each fails until its exercise is done, so
//! they are ignored in the normal test run. Run one with, for example:
//!
//! ```text
//! cargo test -p examples-async --test exercises -- --ignored semaphore_limit
//! ```

use std::time::Duration;
use testkit::{Ran, command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-async");

fn run_fetch(time_scale: &str) -> Ran {
    let args = ["--only", "fetch", "--no-timeline", "--time-scale", time_scale];
    run(command(BINARY, &args), Duration::from_secs(60))
}

#[test]
#[ignore = "exercise: passes once fetch_concurrently lets at most 2 requests run at once"]
fn semaphore_limit() {
    let ran = run_fetch("0.2");
    assert!(ran.status.success(), "{ran:?}");
    // Two at a time: bing and duckduckgo first, google after bing, yahoo after duckduckgo:
    // 1.3 of the 1.8 one by one (0.72); all four at once would be 0.8 (0.44).
    let ratio = ran.seconds_of("fetch_concurrently") / ran.seconds_of("fetch_one_by_one");
    assert!(
        (0.6..0.9).contains(&ratio),
        "concurrently / one by one = {ratio:.2}, expected about 0.72"
    );
}

#[test]
#[ignore = "exercise: passes once each concurrent fetch gets at most 0.6 s (times --time-scale)"]
fn task_timeout() {
    let ran = run_fetch("0.2");
    let start = ran
        .stdout
        .find(" [*] fetch_one_by_one()")
        .expect("the one-by-one run");
    let concurrent: Vec<&str> = ran.stdout[start..]
        .lines()
        .filter(|l| l.starts_with("URL: "))
        .collect();
    assert_eq!(concurrent.len(), 4, "{}", ran.stdout);
    for line in concurrent {
        if line.contains("/yahoo ") {
            assert!(
                line.contains("timed out"),
                "yahoo (0.8 s) should time out: {line}"
            );
        } else {
            assert!(
                line.contains("[ 200 / "),
                "the faster sites finish in time: {line}"
            );
        }
    }
}
