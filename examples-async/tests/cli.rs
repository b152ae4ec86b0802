//! examples-async end to end: the real binary, offline, at a small time scale.
//! The tests assert what the runs did (which sites answered, in which order, how many tasks
//! at once), never how long they took: the speed-ups are `cargo bench -p examples-async`'s.

use demo_sites::StandInSites;
use testkit::{command, run_program, unfetchable_urls};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-async");

#[test]
#[ignore = "the lesson as shipped: the answers to exercises 8.7, 8.8 and 8.11 change this run; \
            .ci/ignored runs it"]
fn fetch_runs_on_one_thread_and_concurrency_wins() {
    let ran = run_program(BINARY, &["--only", "fetch", "--time-scale", "0.2"]);
    assert!(ran.status.success(), "{ran:?}");
    ran.assert_no_panic_report();
    assert_eq!(ran.lines_starting("URL: ").len(), 8, "{}", ran.stdout);
    // Completion order: the fastest stand-in site first.
    assert_eq!(
        ran.url_lines_after("fetch_one_by_one")
            .into_iter()
            .map(testkit::site_of)
            .collect::<Vec<_>>(),
        ["google", "bing", "duckduckgo", "yahoo"]
    );
    // Both timelines: every task on the same one worker.
    let one_worker = ran.stdout.matches("timeline: 4 tasks on 1 worker;").count();
    assert_eq!(one_worker, 2, "{}", ran.stdout);
    // ... yet the four fetches overlapped there, where one by one did one at a time.
    assert_eq!(
        ran.most_at_once_in_timeline("fetch_one_by_one"),
        1,
        "{}",
        ran.stdout
    );
    assert_eq!(
        ran.most_at_once_in_timeline("fetch_concurrently"),
        4,
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("squared"), "--only fetch: {}", ran.stdout);
}

#[test]
fn async_sleeps_overlap_blocking_sleeps_do_not_and_spawn_blocking_cures_it() {
    let ran = run_program(BINARY, &["--time-scale", "0.1", "--only", "squaring"]);
    assert!(ran.status.success(), "{ran:?}");
    for (x, square) in [(2, 4), (3, 9), (4, 16)] {
        assert_eq!(
            ran.lines_starting(&format!("Concurrently: {x} squared = {square}"))
                .len(),
            1
        );
    }
    // On one thread, the three sleeps overlap.
    ran.assert_printed("timeline: 3 tasks on 1 worker;");
    assert_eq!(
        ran.most_at_once_in_timeline("squares_concurrently"),
        3,
        "{}",
        ran.stdout
    );

    let ran = run_program(BINARY, &["--time-scale", "0.1", "--only", "pitfall"]);
    assert!(ran.status.success(), "{ran:?}");
    // A blocking sleep holds the only thread: one task at a time ...
    assert_eq!(
        ran.most_at_once_in_timeline("squares_blocking"),
        1,
        "{}",
        ran.stdout
    );
    // ... and spawn_blocking moves each to a thread of its own, where they overlap again.
    assert_eq!(
        ran.most_at_once_in_timeline("squares_spawn_blocking"),
        3,
        "{}",
        ran.stdout
    );
    ran.assert_printed("timeline: 3 tasks on 3 workers;");
}

#[test]
#[ignore = "the lesson as shipped: the answers to exercises 8.11 and 8.12 change this run; \
            .ci/ignored runs it"]
fn each_bad_url_gets_its_own_one_line_error_and_the_rest_finish() {
    let sites = StandInSites::start(0.1).unwrap();
    let bad = unfetchable_urls(&sites);
    let args = ["--timeout", "0.5", "--no-timeline", "--only", "fetch"];
    testkit::assert_bad_urls_fail_alone(BINARY, &bad, &sites.url("/status/404"), 404, &args);
}

/// Options clap refuses, each with what it says.
const BAD_OPTIONS: &[(&[&str], &str)] = &[
    (&["--only", "nothing"], "invalid value 'nothing'"),
    (&["--repeat", "0"], "0 is not in"),
    (&["--tasks", "5"], "unexpected argument '--tasks'"),
];

#[test]
fn usage_errors_are_reported_by_clap() {
    testkit::assert_usage_errors(BINARY, BAD_OPTIONS);
}

#[test]
#[ignore = "the lesson as shipped: the answers to exercises 8.8 and 8.11 change this run; \
            .ci/ignored runs it"]
fn output_piped_into_head_ends_quietly() {
    testkit::assert_quiet_when_piped_into_head(BINARY, &["--time-scale", "0.05"]);
}

/// Ctrl-C is SIGINT, a Unix signal; Windows has its own console event, not tested here.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_promptly_with_a_message_even_while_the_thread_is_blocked() {
    use std::io::BufRead;
    use std::process::Stdio;

    // The pitfall section blocks the event loop's only thread for 6 s at this scale.
    let mut child = command(BINARY, &["--only", "pitfall"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    // The section has begun (the Ctrl-C handler is in place before anything is printed).
    let begun = (&mut stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.starts_with("== pitfall"));
    assert!(begun, "no pitfall section");
    let status = testkit::interrupt(&mut child);
    let rest = std::io::read_to_string(stdout).unwrap();
    let stderr = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
    assert_eq!(status.code(), Some(common::interrupt::INTERRUPTED), "{stderr}");
    assert!(stderr.contains("interrupted (Ctrl-C)"), "{stderr}");
    // Promptly: in the middle of the blocked section, not once it was over.
    assert!(!rest.contains("squares_blocking()"), "{rest}");
}

#[test]
fn the_tutorials_commands_still_run() {
    testkit::run_tutorial_commands("examples-async", BINARY);
}
