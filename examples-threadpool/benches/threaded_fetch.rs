//! `cargo bench -p examples-threadpool`: how close does the thread pool get to the ideal?
//!
//! Runs the real (release) binary against its stand-in sites with enough workers for every
//! URL, so the ideal is the slowest site's latency (yahoo, 0.8 s), and reads the time that
//! `multithread()` itself reports. The process start is therefore not counted, just as
//! Python's `@timeit` doesn't count the interpreter's start.

use std::time::Duration;
use testkit::find_timing;
use testkit::measure::{repeat, report_over_ideal};
use testkit::{command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-threadpool");
/// yahoo, the slowest stand-in site.
const IDEAL: Duration = Duration::from_millis(800);

/// One threaded run of `urls` URLs on `urls` workers: the time `multithread()` printed.
fn threaded_run(urls: usize) -> Duration {
    let (repeat, workers) = ((urls / 4).to_string(), urls.to_string());
    let args = [
        "--only",
        "threaded",
        "--no-timeline",
        "--repeat",
        &repeat,
        "--workers",
        &workers,
    ];
    let lesson = command(BINARY, &args);
    let ran = run(lesson, Duration::from_secs(120));
    assert!(ran.status.success(), "{ran:?}");
    find_timing(&ran.stdout, "multithread").expect("a timing line for multithread()")
}

fn main() {
    // Python's ThreadPoolExecutor measured +11 ms over the ideal on this shape, on this kind of machine.
    let cases = [
        (4, 11, Some(Duration::from_millis(4))),
        (100, 7, None),
        (1000, 5, None),
    ];
    for (urls, runs, target) in cases {
        let samples = repeat(runs, || threaded_run(urls));
        report_over_ideal(
            &format!("threaded fetch, {urls:>4} URLs"),
            &samples,
            IDEAL,
            target,
        );
    }
}
