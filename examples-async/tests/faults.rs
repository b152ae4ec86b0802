//! examples-async against faults: servers that misbehave. Each fault ends in one line, a
//! bounded run and an honest exit status, never a hang or a panic report.

use testkit::faults;

const BINARY: &str = env!("CARGO_BIN_EXE_examples-async");

/// A body that never ends is read and thrown away chunk by chunk until --timeout: memory
/// stays flat, and the error says what happened. One by one, then concurrently: 8 fetches.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "slow: eight 0.5 s timeouts, four one by one; .ci/run runs it"]
fn an_endless_body_stops_at_the_timeout_in_flat_memory() {
    faults::assert_endless_bodies_stop_in_flat_memory(BINARY, &["--only", "fetch"], 8);
}

/// Headers just inside --timeout, then a stalled body: the deadline covers the whole request.
#[test]
#[ignore = "slow: two 1 s timeouts, one after the other; .ci/run runs it"]
fn a_stalled_body_ends_at_the_timeout() {
    faults::assert_a_stalled_body_stops_at_the_timeout(BINARY, &["--only", "fetch"], 2);
}

/// A redirect to a scheme no client follows is blamed on where it led, not on the URL given.
#[test]
fn a_refused_redirect_names_where_it_led() {
    faults::assert_a_refused_redirect_names_where_it_led(BINARY, &["--only", "fetch", "--no-timeline"]);
}
