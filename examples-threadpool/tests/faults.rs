//! examples-threadpool against faults: servers that misbehave, options at their limits,
//! an OS that refuses threads. Each fault ends in one line, a bounded run and an honest
//! exit status, never a hang, an abort or a panic report.

use testkit::faults;

const BINARY: &str = env!("CARGO_BIN_EXE_examples-threadpool");

/// A body that never ends is read and thrown away until --timeout: memory stays flat, and
/// the error says what happened.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_body_stops_at_the_timeout_in_flat_memory() {
    faults::assert_endless_bodies_stop_in_flat_memory(BINARY, &["--only", "threaded"], 4);
}

/// Headers just inside --timeout, then a stalled body: --timeout is a deadline for the
/// whole request (reqwest's blocking client alone waits up to --timeout per read).
#[test]
fn a_stalled_body_ends_at_the_timeout_not_twice_it() {
    faults::assert_a_stalled_body_stops_at_the_timeout(BINARY, &["--only", "threaded"], 1);
}
