//! `cargo bench -p examples-processpool`:
//!
//! * a new process pool to its first result, in this process. Like every pool's workers,
//!   this bench's are copies of the running program, so `main` serves tasks when started
//!   as a worker, exactly as the example's `main` does;
//! * [2, 3, 4] as CPU work (`--cpu`, 2 s each) in the release binary: threads, rayon and
//!   the process pool against their ideal, read from the binary's own `timeit!` lines.

use examples_processpool::process_pool::{self, ProcessPool};
use std::time::{Duration, Instant};
use testkit::find_timing;
use testkit::measure::{repeat, report_over_ideal};
use testkit::{Ran, command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-processpool");

fn lesson(args: &[&str]) -> Ran {
    let ran = run(command(BINARY, args), Duration::from_secs(300));
    assert!(ran.status.success(), "{ran:?}");
    ran
}

/// What the bench's workers run: the smallest task there is.
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {
    process_pool::serve_if_worker(add);
    let cpus = common::workers::cpus();
    for workers in [1, cpus] {
        let first_result = repeat(21, || {
            let start = Instant::now();
            let mut pool = ProcessPool::new(workers);
            pool.submit(add, (2, 3));
            let done = pool.as_completed().next().expect("one result");
            let took = start.elapsed();
            assert_eq!(done.result, Ok(5));
            took // the pool's shutdown, as it is dropped here, is not counted
        });
        let name = format!("process pool of {workers}: new pool to first result");
        report_over_ideal(
            &name,
            &first_result,
            Duration::ZERO,
            Some(Duration::from_millis(5)),
        );
    }

    // The calibrated work lasts about 2 s, not exactly: each run's own one-by-one time
    // says how long its tasks really took, and its times are rescaled to 2-second tasks.
    let task = Duration::from_secs(2);
    let runs: Vec<Ran> = (0..5).map(|_| lesson(&["--cpu", "--no-timeline"])).collect();
    let rescaled = |name: &str| -> Vec<Duration> {
        runs.iter()
            .map(|ran| {
                let one_by_one = find_timing(&ran.stdout, "without_executor").unwrap();
                let took = find_timing(&ran.stdout, name).unwrap();
                took.mul_f64(3.0 * task.as_secs_f64() / one_by_one.as_secs_f64())
            })
            .collect()
    };
    let rounds = task * 3_usize.div_ceil(cpus) as u32;
    // The target: within 3% of ceil(3 / CPUs) rounds of 2 s, as a pool of one worker per
    // CPU does it. A thread per task can even beat that: three threads time-slice two CPUs
    // and all finish at 3 / CPUs task-lengths, which is shown without a target.
    for name in ["with_rayon", "with_executor"] {
        let target = Some(rounds.mul_f64(0.03));
        report_over_ideal(
            &format!("[2, 3, 4] computing, {name}"),
            &rescaled(name),
            rounds,
            target,
        );
    }
    let time_sliced = task.mul_f64((3.0 / cpus as f64).max(1.0));
    let threads = rescaled("with_threads");
    report_over_ideal(
        "[2, 3, 4] computing, with_threads (time-sliced)",
        &threads,
        time_sliced,
        None,
    );
    report_over_ideal(
        "[2, 3, 4] computing, with_threads (in rounds)",
        &threads,
        rounds,
        Some(rounds.mul_f64(0.03)),
    );
}
