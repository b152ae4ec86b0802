//! `cargo bench -p examples-async --bench async_scale`: the lesson's release binary against
//! its stand-in sites, reading the times its own `timeit` lines print (so the process start
//! is not counted): the four sites at once, time over the ideal (the slowest site, 0.8 s).
//! How far one thread goes is the scale crate's bench: `cargo bench -p scale --bench scale`.

use common::say;
use std::time::Duration;
use testkit::Ran;
use testkit::measure::{median, repeat, report_over_ideal};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-async");

fn lesson(args: &[&str]) -> Ran {
    testkit::measure::run_to_success(BINARY, args)
}

fn main() {
    let four = repeat(11, || {
        let ran = lesson(&["--only", "fetch", "--no-timeline"]);
        Duration::from_secs_f64(ran.seconds_of("fetch_concurrently"))
    });
    let ideal = Duration::from_millis(800);
    report_over_ideal("four sites at once", &four, ideal, Some(Duration::from_millis(3)));
    say!(
        "(median of the four-site runs: {:.4} s)",
        median(&four).as_secs_f64()
    );
}
