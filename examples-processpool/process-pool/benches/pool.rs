//! `cargo bench -p process-pool`: the pool's own costs, in this process: a new pool to its
//! first result; [2, 3, 4] as 2-second naps on 2 workers; how close `result_timeout`
//! returns to its deadline; and what `as_completed` adds per task over 1,000 tasks that do
//! nothing. Like every pool's workers, this bench's are copies of the running program, so
//! `main` serves tasks when started as a worker, exactly as the lesson's `main` does.

use process_pool::{self, ProcessPool};
use std::time::{Duration, Instant};
use testkit::measure::{median, repeat, report_over_ideal};

/// What the bench's workers run: nap `millis`, then hand back `x`.
fn nap(millis: i64, x: i64) -> i64 {
    std::thread::sleep(Duration::from_millis(millis.unsigned_abs()));
    x
}

type Pool = ProcessPool<(i64, i64), i64>;

/// Every measurement, by name: `cargo bench -p process-pool -- first` runs the
/// ones whose name contains `first`.
const MEASUREMENTS: &[(&str, fn())] = &[
    ("new_pool_to_first_result", new_pool_to_first_result),
    ("naps_on_two_workers", naps_on_two_workers),
    (
        "result_timeout_against_its_deadline",
        result_timeout_against_its_deadline,
    ),
    (
        "as_completed_over_a_thousand_tasks",
        as_completed_over_a_thousand_tasks,
    ),
];

fn main() {
    process_pool::serve_if_worker(nap);
    // cargo passes `--bench`; any other word chooses measurements by name.
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    for (name, measure) in MEASUREMENTS {
        if filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())) {
            measure();
        }
    }
}

/// From `ProcessPool::new` to the first result, on 1 worker and on one per CPU.
fn new_pool_to_first_result() {
    for workers in [1, common::workers::cpus()] {
        let first_result = repeat(21, || {
            let start = Instant::now();
            let pool = Pool::new(workers);
            let answer = pool.submit(nap, (0, 5)).result();
            let took = start.elapsed();
            assert_eq!(answer, Ok(5));
            took // the pool's shutdown, as it is dropped here, is not counted
        });
        let name = format!("process pool of {workers}: new pool to first result");
        report_over_ideal(
            &name,
            &first_result,
            Duration::ZERO,
            Some(Duration::from_millis(2)),
        );
    }
}

/// The article's run: [2, 3, 4], 2 s each, on 2 workers: two rounds, 4 s.
fn naps_on_two_workers() {
    let runs = repeat(5, || {
        let start = Instant::now();
        let pool = Pool::new(2);
        let futures: Vec<_> = [2, 3, 4].map(|x| pool.submit(nap, (2000, x))).into();
        let answers: Vec<_> = process_pool::as_completed(&futures, None).flatten().collect();
        assert_eq!(answers.len(), 3);
        start.elapsed()
    });
    let ideal = Duration::from_secs(4);
    let name = "process pool of 2: [2, 3, 4] napping 2 s each";
    report_over_ideal(name, &runs, ideal, Some(Duration::from_millis(120)));
}

/// `result_timeout(50 ms)` on a task of a second: how long after 50 ms it returns.
fn result_timeout_against_its_deadline() {
    let pool = Pool::new(1);
    let limit = Duration::from_millis(50);
    let waits = repeat(20, || {
        let future = pool.submit(nap, (1000, 1));
        let start = Instant::now();
        let answer = future.result_timeout(limit);
        let waited = start.elapsed();
        assert!(answer.is_err() && !future.done());
        waited
    });
    let name = "result_timeout(50 ms) on a task of 1 s: returns after";
    report_over_ideal(name, &waits, limit, Some(Duration::from_millis(5)));
    pool.shutdown(false, true); // the last nap runs on; nothing waits for it
}

/// 1,000 tasks that do nothing, on one worker per CPU, through `as_completed`: the time
/// per task, all told (submit, the trip to a worker and back, and the waiting).
fn as_completed_over_a_thousand_tasks() {
    let pool = Pool::new(common::workers::cpus());
    let per_task = repeat(21, || {
        let start = Instant::now();
        let futures: Vec<_> = (0..1000).map(|x| pool.submit(nap, (0, x))).collect();
        let answers = process_pool::as_completed(&futures, None).flatten().count();
        assert_eq!(answers, 1000);
        start.elapsed() / 1000
    });
    let median = median(&per_task);
    common::say!(
        "as_completed over 1,000 no-op tasks: median {:.1} µs per task ({} runs)",
        median.as_secs_f64() * 1e6,
        per_task.len()
    );
}
