//! `cargo bench -p examples-async`: the release binary against its stand-in sites, reading
//! the times its own `timeit` lines print (so the process start is not counted).
//!
//! * the four sites at once: time over the ideal (the slowest site, 0.8 s);
//! * 1,000 requests of 200 ms, all at once: wall time;
//! * 10,000 requests of 1 s, all at once: wall time and peak memory (client and server
//!   share the process, as they do in the lesson).

use common::say;
use std::time::Duration;
use testkit::measure::{median, repeat, report_over_ideal};
use testkit::{Ran, command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-async");

fn lesson(args: &[&str]) -> Ran {
    let ran = run(command(BINARY, args), Duration::from_secs(300));
    assert!(ran.status.success(), "{ran:?}");
    ran
}

/// The "Peak memory (...): X MiB." line of a scale run, where the OS reports it.
fn peak_mib(ran: &Ran) -> Option<f64> {
    let line = ran.lines_starting("Peak memory").into_iter().next()?;
    line.rsplit(": ").next()?.trim_end_matches(" MiB.").parse().ok()
}

fn scale(tasks: &str, latency_ms: &str, runs: usize, target: Duration) {
    let mut peaks = Vec::new();
    let samples = repeat(runs, || {
        let ran = lesson(&["--tasks", tasks, "--latency-ms", latency_ms]);
        assert!(ran.stdout.contains(" 0 failed"), "{}", ran.stdout);
        peaks.extend(peak_mib(&ran));
        Duration::from_secs_f64(ran.seconds_of("fetch_many"))
    });
    let latency = Duration::from_millis(latency_ms.parse().unwrap());
    let name = format!("{tasks} x {latency_ms} ms at once");
    report_over_ideal(&name, &samples, latency, Some(target.saturating_sub(latency)));
    if !peaks.is_empty() {
        peaks.sort_by(f64::total_cmp);
        say!("{name}: peak memory median {:.1} MiB", peaks[peaks.len() / 2]);
    }
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

    // Targets: the whole run within 0.26 s and 1.5 s (Python aiohttp: 0.65 s and 7.2 s).
    scale("1000", "200", 7, Duration::from_millis(260));
    scale("10000", "1000", 3, Duration::from_millis(1500));
}
