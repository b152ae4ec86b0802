//! examples-async against bad input: the real binary, offline.

use std::time::Duration;
use testkit::{command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-async");

#[test]
fn a_huge_time_scale_is_a_usage_error() {
    for args in [&["--time-scale", "1e19"][..], &["--time-scale", "1e300"][..]] {
        let ran = run(command(BINARY, args), Duration::from_secs(60));
        ran.assert_usage_error("at most 1000");
        ran.assert_no_panic_report();
    }
}

/// clap's own output (usage errors, `--help`) keeps the promises: `TERM=dumb`, a full disk.
#[test]
fn clap_keeps_the_output_promises() {
    testkit::probes::assert_clap_keeps_the_output_promises(BINARY, &["--only", "nope"]);
}
