//! `cargo bench -p process-pool`: the pool's own costs, in this process. A new pool to its
//! first result; 10,000 tasks that do nothing, through `submit` + `as_completed` and through
//! `map` (the time per task, all told); 10 MiB of bytes to a worker and back, beside
//! Python's `ProcessPoolExecutor` doing the same (`benches/round_trip.py`, when python3 is
//! there); the peak memory of this process and of its workers; [2, 3, 4] as 2-second naps
//! on 2 workers; how close `result_timeout` returns to its deadline.
//!
//! Like every pool's workers, this bench's are copies of the running program, so `main`
//! serves tasks when started as a worker, exactly as the lesson's `main` does.
//! `cargo bench -p process-pool -- first` runs the measurements whose name contains `first`.

use process_pool::{self, ProcessPool, functions};
use std::time::{Duration, Instant};
use testkit::measure::{median, repeat, report_over_ideal};

/// What the bench's workers run: nap `millis`, then hand back `x`.
fn nap(millis: u64, x: i64) -> i64 {
    std::thread::sleep(Duration::from_millis(millis));
    x
}

/// Hand the bytes back: a round trip.
fn echo(bytes: Vec<u8>) -> Vec<u8> {
    bytes
}

/// This process's peak resident memory, in KiB (Linux; 0 elsewhere).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|line| line.starts_with("VmHWM:"));
    let kib = line.and_then(|line| line.split_whitespace().nth(1));
    kib.and_then(|kib| kib.parse().ok()).unwrap_or(0)
}

/// Every measurement, by name.
const MEASUREMENTS: &[(&str, fn())] = &[
    ("new_pool_to_first_result", new_pool_to_first_result),
    ("ten_thousand_no_ops_submit", ten_thousand_no_ops_submit),
    ("ten_thousand_no_ops_map", ten_thousand_no_ops_map),
    ("ten_mib_round_trip", ten_mib_round_trip),
    ("peak_memory", peak_memory),
    ("naps_on_two_workers", naps_on_two_workers),
    (
        "result_timeout_against_its_deadline",
        result_timeout_against_its_deadline,
    ),
];

fn main() {
    process_pool::serve_if_worker(functions![nap, echo, peak_kib]);
    // cargo passes `--bench`; any other word chooses measurements by name.
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    for (name, measure) in MEASUREMENTS {
        if filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())) {
            measure();
        }
    }
}

fn new_pool(workers: usize) -> ProcessPool {
    ProcessPool::new(workers).expect("a valid pool")
}

/// From `ProcessPool::new` to the first result, on 1 worker and on one per CPU.
fn new_pool_to_first_result() {
    for workers in [1, common::workers::cpus()] {
        let first_result = repeat(21, || {
            let start = Instant::now();
            let pool = new_pool(workers);
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

const NO_OPS: usize = 10_000;

/// 10,000 tasks that do nothing, on one worker per CPU, through `submit` and `as_completed`
/// (Python: `[executor.submit(f, x) for x in ...]`, then `as_completed`): the time per
/// task, all told (submit, the trip to a worker and back, and the waiting).
fn ten_thousand_no_ops_submit() {
    let pool = new_pool(common::workers::cpus());
    let per_task = repeat(7, || {
        let start = Instant::now();
        let futures: Vec<_> = (0..NO_OPS as i64).map(|x| pool.submit(nap, (0, x))).collect();
        let answers = process_pool::as_completed(&futures, None).flatten().count();
        assert_eq!(answers, NO_OPS);
        start.elapsed() / NO_OPS as u32
    });
    say_per_task("submit + as_completed", &per_task);
}

/// The same through `executor.map`.
fn ten_thousand_no_ops_map() {
    let pool = new_pool(common::workers::cpus());
    let per_task = repeat(7, || {
        let start = Instant::now();
        let all_args = (0..NO_OPS as i64).map(|x| (0, x));
        let answers = pool.map(nap, all_args, None, None).flatten().count();
        assert_eq!(answers, NO_OPS);
        start.elapsed() / NO_OPS as u32
    });
    say_per_task("map", &per_task);
}

fn say_per_task(how: &str, per_task: &[Duration]) {
    common::say!(
        "{NO_OPS} no-op tasks via {how}: median {:.1} µs per task ({} runs)",
        median(per_task).as_secs_f64() * 1e6,
        per_task.len()
    );
}

/// 10 MiB of bytes to a worker and back, on a pool already started; beside Python's
/// `ProcessPoolExecutor` doing the same, in the same run.
fn ten_mib_round_trip() {
    let pool = new_pool(1);
    let bytes: Vec<u8> = (0..10 << 20).map(|n: u32| n as u8).collect();
    let trips = repeat(11, || {
        let sent = bytes.clone(); // Python's bytes are immutable: it sends the same each time
        let start = Instant::now();
        let back = pool.submit(echo, sent).result().expect("a round trip");
        let took = start.elapsed();
        assert_eq!(back.len(), bytes.len());
        took
    });
    common::say!(
        "10 MiB round trip: median {:.4} s ({} runs)",
        median(&trips).as_secs_f64(),
        trips.len()
    );
    say_python_round_trip();
}

/// Run `benches/round_trip.py` with python3, and pass on what it says; or say why not.
fn say_python_round_trip() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/round_trip.py");
    match std::process::Command::new("python3").arg(script).output() {
        Ok(ran) if ran.status.success() => print!("{}", String::from_utf8_lossy(&ran.stdout)),
        Ok(ran) => common::say!(
            "Python's ProcessPoolExecutor: the script failed: {}",
            String::from_utf8_lossy(&ran.stderr).trim()
        ),
        Err(_) => common::say!("Python's ProcessPoolExecutor: skipped, no python3 on this machine"),
    }
}

/// The peak memory of this process and of a worker, after 10,000 no-op tasks and a 10 MiB
/// round trip (Linux: the kernel's high-water mark, VmHWM).
fn peak_memory() {
    let pool = new_pool(1);
    let futures: Vec<_> = (0..NO_OPS as i64).map(|x| pool.submit(nap, (0, x))).collect();
    assert_eq!(
        process_pool::as_completed(&futures, None).flatten().count(),
        NO_OPS
    );
    drop(futures);
    let (parent_before, worker_before) = (peak_kib(), pool.submit(peak_kib, ()).result());
    let bytes = vec![7_u8; 10 << 20];
    let back = pool.submit(echo, bytes).result().expect("a round trip");
    drop(back);
    let (parent, worker) = (peak_kib(), pool.submit(peak_kib, ()).result());
    let mib = |kib: u64| kib as f64 / 1024.0;
    common::say!(
        "peak memory after 10,000 no-op tasks: this process {:.1} MiB, its worker {:.1} MiB; after 10 MiB there and back: {:.1} MiB, {:.1} MiB",
        mib(parent_before),
        mib(worker_before.expect("the worker's peak")),
        mib(parent),
        mib(worker.expect("the worker's peak"))
    );
}

/// The article's run: [2, 3, 4], 2 s each, on 2 workers: two rounds, 4 s.
fn naps_on_two_workers() {
    let runs = repeat(5, || {
        let start = Instant::now();
        let pool = new_pool(2);
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
    let pool = new_pool(1);
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
