//! `cargo bench -p examples-processpool`: runs the release binary and reads the times its
//! own `timeit!` lines print, so the process start is not counted.
//!
//! * a new process pool to its first result: one number, no sleep (`--time-scale 0`);
//! * [2, 3, 4] as CPU work (`--cpu`, 2 s each): threads and rayon against their ideal.

use common::measure::{repeat, report_over_ideal};
use common::testing::{Ran, command, run};
use common::timing::find_timing;
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_examples-processpool");

fn lesson(args: &[&str]) -> Ran {
    let ran = run(command(BINARY, args), Duration::from_secs(300));
    assert!(ran.status.success(), "{ran:?}");
    ran
}

fn main() {
    let first_result = repeat(11, || {
        let ran = lesson(&["--time-scale", "0", "--no-timeline", "--workers", "1", "2"]);
        find_timing(&ran.stdout, "with_executor").expect("with_executor timing")
    });
    report_over_ideal(
        "process pool: new pool to first result",
        &first_result,
        Duration::ZERO,
        Some(Duration::from_millis(5)),
    );

    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let task = Duration::from_secs(2);
    let rounds = task * 3_usize.div_ceil(cpus) as u32;
    let runs: Vec<Ran> = (0..3).map(|_| lesson(&["--cpu", "--no-timeline"])).collect();
    for name in ["with_threads", "with_rayon", "with_executor"] {
        let samples: Vec<Duration> = runs
            .iter()
            .map(|ran| find_timing(&ran.stdout, name).unwrap())
            .collect();
        // 3% of the ideal, as the issue asks.
        let target = Some(rounds.mul_f64(0.03));
        report_over_ideal(&format!("[2, 3, 4] computing, {name}"), &samples, rounds, target);
    }
}
