//! The closing summary of examples-threadpool says only what holds: its ideal is for as many
//! at a time as the pool ran, no speed-up is claimed when a fetch failed, and the check line
//! claims the same status for each URL only where that is so. The real binary, offline;
//! times are compared as ratios with slack.

use std::time::Duration;
use testkit::{Ran, command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-threadpool");

fn run_lesson(args: &[&str]) -> Ran {
    run(command(BINARY, args), Duration::from_secs(60))
}

/// The first number before `x` on the line that starts with `prefix`: `2.25x` gives 2.25.
fn times_on(ran: &Ran, prefix: &str) -> f64 {
    let line = ran.lines_starting(prefix);
    let line = line
        .first()
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{}", ran.stdout));
    let before_x = line.rsplit_once('x').map_or("", |(before, _)| before);
    before_x
        .rsplit(' ')
        .next()
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no speed-up on: {line}"))
}

#[test]
#[ignore = "the lesson as shipped: the answers to exercises 8.4 and 8.13 change this run; \
            .ci/ignored runs it"]
fn the_ideal_is_for_as_many_at_a_time_as_the_pool_ran() {
    // Three rounds of the four sites on two workers: 5.4 s of latencies; in list order, each to
    // the first free worker, 3.1 s (1.74x), never the slowest site's 0.8 s (6.75x).
    let ran = run_lesson(&[
        "--repeat",
        "3",
        "--workers",
        "2",
        "--time-scale",
        "0.1",
        "--no-timeline",
    ]);
    assert!(ran.status.success(), "{ran:?}");
    assert!(
        ran.stdout
            .contains("0.5400 sec one by one (the sum), 0.3100 sec 2 at a time"),
        "{}",
        ran.stdout
    );
    let (ideal, measured) = (times_on(&ran, "Ideal "), times_on(&ran, "Summary: "));
    assert!((ideal - 1.74).abs() < 0.01, "{}", ran.stdout);
    assert!(
        (0.75..1.1).contains(&(measured / ideal)),
        "the run should come close to its ideal, never far beyond it:\n{}",
        ran.stdout
    );

    let ran = run_lesson(&["--workers", "1", "--time-scale", "0.1", "--no-timeline"]);
    assert!(ran.status.success(), "{ran:?}");
    assert!(
        ran.stdout
            .contains("0.1800 sec one at a time, as this run went: 1.00x."),
        "{}",
        ran.stdout
    );
}

#[test]
#[ignore = "the lesson as shipped: the answers to exercises 8.3 and 8.13 change this run; \
            .ci/ignored runs it"]
fn a_failed_fetch_makes_no_speed_up_and_the_check_names_it() {
    // A flaky URL beside the four sites: it fails one by one and succeeds on the pool.
    let (_sites, urls) = testkit::sites_and_a_flaky_url(0.1, "summary");
    let ran = run_lesson(&testkit::urls_then(&urls, &["--no-timeline"]));
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    ran.assert_printed("sec: no speed-up claimed, as 1 of 10 fetches failed"); // the summary line
    assert!(ran.lines_starting("Ideal").is_empty(), "{}", ran.stdout);
    let check = ran.lines_starting("Check: ");
    assert!(
        check[0].contains("the same status for each of the 4 that never failed")
            && check[0].contains("/flaky/summary failed in singlethread(), succeeded in multithread()."),
        "{}",
        ran.stdout
    );

    // Two URLs where nobody listens: every fetch fails, in both runs.
    let closed: Vec<String> = (0..2)
        .map(|_| format!("http://127.0.0.1:{}/", testkit::closed_port()))
        .collect();
    let ran = run_lesson(&testkit::urls_then(&closed, &["--no-timeline"]));
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    assert!(ran.lines_starting("Summary: ").is_empty(), "{}", ran.stdout);
    let check = ran.lines_starting("Check: ");
    assert!(
        check[0].contains(", but every one of the ")
            && check[0].ends_with("fetches failed: no status to compare."),
        "{}",
        ran.stdout
    );
}
