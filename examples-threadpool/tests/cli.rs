//! examples-threadpool end to end: the real binary, offline, at a small time scale.
//! The tests assert what the runs did (which sites answered, in which order, how many tasks
//! at once), never how long they took: the speed-ups are `cargo bench -p examples-threadpool`'s.

use demo_sites::StandInSites;
use testkit::{DEADLINE, command, run, run_program, site_of, unfetchable_urls};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-threadpool");

#[test]
#[ignore = "the lesson as shipped: the answers to exercises 8.2 and 8.13 change this run; \
            .ci/ignored runs it"]
fn default_run_fetches_the_four_sites_twice_and_threads_win() {
    let ran = run_program(BINARY, &["--time-scale", "0.2"]);
    assert!(ran.status.success(), "{ran:?}");
    ran.assert_no_panic_report();

    let sites_of = |run| -> Vec<&str> { ran.url_lines_of(run).into_iter().map(site_of).collect() };
    // One by one: the list's order. Threaded: completion order, fastest site first.
    assert_eq!(
        sites_of("singlethread"),
        ["bing", "duckduckgo", "google", "yahoo"]
    );
    assert_eq!(sites_of("multithread"), ["google", "bing", "duckduckgo", "yahoo"]);
    let urls = ran.lines_starting("URL: ");
    assert!(
        urls.len() == 8 && urls.iter().all(|line| line.contains("[ 200 / ")),
        "{}",
        ran.stdout
    );

    // The pool ran the four fetches at once, one by one ran them one at a time.
    assert_eq!(ran.most_at_once_in_timeline("singlethread"), 1, "{}", ran.stdout);
    assert_eq!(ran.most_at_once_in_timeline("multithread"), 4, "{}", ran.stdout);

    ran.assert_printed("timeline: 4 tasks on 1 worker;");
    ran.assert_printed("timeline: 4 tasks on 4 workers;");
    assert_eq!(
        ran.stdout.matches("scaled x0.2").count(),
        1,
        "said once: {}",
        ran.stdout
    );
    ran.assert_printed("Check: all 2 runs got the same 4 URLs, and the same status for each.");
    assert_eq!(ran.lines_starting("Summary: ").len(), 1, "{}", ran.stdout);
    ran.assert_printed("Ideal (the stand-in sites' latencies): 0.3600 sec");
}

#[test]
#[ignore = "the lesson as shipped: the answers to exercises 8.4 and 8.13 change this run; \
            .ci/ignored runs it"]
fn one_worker_makes_the_pool_run_one_by_one() {
    let ran = run_program(BINARY, &["--time-scale", "0.1", "--workers", "1"]);
    assert!(ran.status.success(), "{ran:?}");
    // One task at a time, in the order submitted, as one by one does.
    assert_eq!(ran.most_at_once_in_timeline("multithread"), 1, "{}", ran.stdout);
    let sites: Vec<&str> = ran.url_lines_of("multithread").into_iter().map(site_of).collect();
    assert_eq!(sites, ["bing", "duckduckgo", "google", "yahoo"]);
    ran.assert_printed("timeline: 4 tasks on 1 worker;");
}

#[test]
#[ignore = "the lesson as shipped: the answer to exercise 8.13 changes this run; \
            .ci/ignored runs it"]
fn repeat_and_only_shape_the_run() {
    let ran = run_program(
        BINARY,
        &["--time-scale", "0.05", "--repeat", "3", "--only", "threaded"],
    );
    assert!(ran.status.success(), "{ran:?}");
    assert_eq!(ran.lines_starting("URL: ").len(), 12);
    assert!(!ran.stdout.contains("singlethread()"), "{}", ran.stdout);
    ran.assert_printed("timeline: 12 tasks on");
}

#[test]
#[ignore = "the lesson as shipped: the answer to exercise 8.13 changes this run; \
            .ci/ignored runs it"]
fn a_status_code_is_a_result_not_an_error() {
    let sites = StandInSites::start(0.1).unwrap();
    let ran = run_program(
        BINARY,
        &[
            &sites.url("/status/404"),
            &sites.url("/status/503"),
            &sites.url("/google"),
        ],
    );
    assert!(ran.status.success(), "{ran:?}");
    assert_eq!(ran.lines_starting("URL: ").len(), 6);
    ran.assert_printed("/status/404 [ 404 / ");
    ran.assert_printed("/status/503 [ 503 / ");
}

#[test]
fn each_bad_url_gets_its_own_one_line_error_and_the_rest_finish() {
    let sites = StandInSites::start(0.1).unwrap();
    // The slow one answers long after the 0.5 s timeout below.
    let mut bad = unfetchable_urls(&sites);
    bad.insert(1, ("ftp://127.0.0.1/file".to_string(), &["invalid URL"]));
    let args = ["--timeout", "0.5", "--no-timeline"];
    testkit::assert_bad_urls_fail_alone(BINARY, &bad, &sites.url("/bing"), 200, &args);
}

#[test]
#[ignore = "the lesson as shipped: the answer to exercise 8.3 changes this run; \
            .ci/ignored runs it"]
fn a_server_that_hangs_up_is_one_clear_error() {
    // /flaky hangs up the first time: in the one-by-one run, then answers the threaded one.
    let sites = StandInSites::start(0.1).unwrap();
    let flaky = sites.url("/flaky/hang-up");
    let ran = run_program(BINARY, &[&flaky, "--no-timeline"]);
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    let lines = ran.lines_starting(&format!("URL: {flaky} ["));
    assert_eq!(lines.len(), 2, "{}", ran.stdout);
    assert_eq!(
        lines[0],
        format!("URL: {flaky} [ error: no answer: the server hung up ]")
    );
    assert!(
        lines[1].contains("[ 200 / "),
        "the second time it answers: {}",
        lines[1]
    );
    assert!(!ran.stdout.contains("timeline:"), "--no-timeline: {}", ran.stdout);
}

#[test]
fn live_without_a_network_fails_fast_with_a_hint() {
    // A proxy that refuses to pass anything on (the stand-in sites answer its requests with
    // a 404 at once): every live URL fails at once, as with no network at all, on every OS,
    // and this test never touches the real internet.
    let proxy = StandInSites::start(0.0).unwrap();
    let mut offline = command(BINARY, &["--live", "--no-timeline"]);
    offline
        .env("HTTPS_PROXY", proxy.url(""))
        .env("HTTP_PROXY", proxy.url(""));
    let ran = run(offline, DEADLINE);
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    assert_eq!(ran.lines_starting("URL: https://www.").len(), 8, "{}", ran.stdout);
    assert_eq!(ran.lines_starting("hint: ").len(), 1, "{}", ran.stdout);
    assert!(
        !ran.stdout.contains("Summary:"),
        "no speed-up to brag about: {}",
        ran.stdout
    );
    // Fast, because nothing waits for a timeout: each URL fails with the proxy's refusal.
    assert!(!ran.stdout.contains("timed out"), "{}", ran.stdout);
}

/// Options clap refuses, each with what it says.
const BAD_OPTIONS: &[(&[&str], &str)] = &[
    (&["--workers", "0"], "0 is not in 1..=10000"),
    (&["--time-scale=-1"], "expected a number >= 0"),
    (&["--timeout", "0"], "expected a number of seconds > 0"),
    // A negative number is the option's value, refused as such (clap alone said
    // "unexpected argument '-1' found" and suggested `-- -1`).
    (&["--timeout", "-1"], "not `-1`"),
    (&["--repeat", "-3"], "-3 is not in 1..=100000"),
    (&["--live", "http://example.com"], "cannot be used with"),
];

#[test]
fn usage_errors_are_reported_by_clap() {
    testkit::assert_usage_errors(BINARY, BAD_OPTIONS);
    let help = run_program(BINARY, &["--help"]);
    assert!(
        help.status.success() && help.stdout.contains("--time-scale"),
        "{help:?}"
    );
}

#[test]
#[ignore = "the lesson as shipped: the answer to exercise 8.13 changes this run; \
            .ci/ignored runs it"]
fn output_piped_into_head_ends_quietly() {
    testkit::assert_quiet_when_piped_into_head(BINARY, &["--time-scale", "0.05"]);
}

#[test]
#[ignore = "the lesson as shipped: the answer to exercise 8.13 changes this run; \
            .ci/ignored runs it"]
fn the_tutorials_commands_still_run() {
    testkit::run_tutorial_commands("examples-threadpool", BINARY);
}
