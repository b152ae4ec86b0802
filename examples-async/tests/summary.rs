//! The closing summary of examples-async claims no speed-up when a fetch failed: a fetch that
//! fails at once would otherwise pass for concurrency's gain. The real binary, offline.

use std::time::Duration;
use testkit::{command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-async");

#[test]
fn a_failed_fetch_makes_no_speed_up() {
    // The four stand-in sites and a flaky URL, whose first request is hung up on: it fails
    // one by one and succeeds concurrently.
    let sites = demo_sites::StandInSites::start(0.1).expect("the stand-in sites start");
    let mut urls: Vec<String> = sites.sites().into_iter().map(|(url, _)| url).collect();
    urls.push(sites.url("/flaky/summary"));
    let mut args: Vec<&str> = urls.iter().map(String::as_str).collect();
    args.extend(["--only", "fetch", "--no-timeline"]);
    let ran = run(command(BINARY, &args), Duration::from_secs(60));
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    let summary = ran.lines_starting("Summary: ");
    assert!(
        summary[0].contains("no speed-up claimed, as 1 of 10 fetches failed"),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("x faster"), "{}", ran.stdout);
    assert!(
        ran.lines_starting("Check: ")[0]
            .contains("/flaky/summary failed in fetch_one_by_one(), succeeded in fetch_concurrently()."),
        "{}",
        ran.stdout
    );
}
