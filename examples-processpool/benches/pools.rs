//! `cargo bench -p examples-processpool`: [2, 3, 4] as CPU work (`--cpu`, 2 s each) in the
//! release binary: threads, rayon and the process pool against their ideal, read from the
//! binary's own `timeit!` lines. (The pool's own costs: `cargo bench -p process-pool`.)

use std::time::Duration;
use testkit::Ran;
use testkit::find_timing;
use testkit::measure::report_over_ideal;

const BINARY: &str = env!("CARGO_BIN_EXE_examples-processpool");

fn main() {
    computing_in_the_release_binary();
}

fn lesson(args: &[&str]) -> Ran {
    testkit::measure::run_to_success(BINARY, args)
}

/// [2, 3, 4] as 2 s of CPU work each, in the release binary, against the ideal.
fn computing_in_the_release_binary() {
    let cpus = common::workers::cpus();
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
        let samples = rescaled(name);
        report_over_ideal(&format!("[2, 3, 4] computing, {name}"), &samples, rounds, target);
    }
    let time_sliced = task.mul_f64((3.0 / cpus as f64).max(1.0));
    let threads = rescaled("with_threads");
    let name = "[2, 3, 4] computing, with_threads";
    report_over_ideal(&format!("{name} (time-sliced)"), &threads, time_sliced, None);
    let target = Some(rounds.mul_f64(0.03));
    report_over_ideal(&format!("{name} (in rounds)"), &threads, rounds, target);
}
