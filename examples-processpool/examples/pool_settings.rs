//! `ProcessPoolExecutor(2, initializer=connect, initargs=(100,), max_tasks_per_child=2)`,
//! then `as_completed(fs, timeout=0.5)` and `shutdown(cancel_futures=True)`, in Rust.
//!
//! ```text
//! cargo run -p examples-processpool --example pool_settings
//! ```
//!
//! What to look for: each answer has the offset the initializer set in its worker, fresh
//! workers included (more process ids than workers, as each serves two tasks); the timeout
//! comes while tasks run on; `shutdown` cancels the queued task and waits for the others.

use common::say;
use process_pool::{self, ProcessPool, functions};
use std::process::ExitCode;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Per-worker state: Python's global that the initializer fills in.
static OFFSET: AtomicI64 = AtomicI64::new(0);

/// The initializer, run once in each worker; `initargs` arrive as its argument.
fn connect(offset: i64) {
    OFFSET.store(offset, Ordering::SeqCst);
}

/// Nap `tenths` of a second; then `x` plus this worker's offset, and the worker's id.
fn add_offset(x: i64, tenths: i64) -> (i64, i64) {
    std::thread::sleep(Duration::from_millis(100 * tenths.unsigned_abs()));
    (x + OFFSET.load(Ordering::SeqCst), i64::from(std::process::id()))
}

fn main() -> ExitCode {
    // The workers serve the initializer and the task function, each by its name.
    process_pool::serve_if_worker(functions![connect, add_offset]);
    let pool = ProcessPool::builder(2).initializer_with_args(connect, 100);
    let pool = pool.max_tasks_per_child(2).build().expect("valid settings");
    let futures: Vec<_> = (1..=6).map(|x| pool.submit(add_offset, (x, 1))).collect();
    let answers: Vec<(i64, i64)> = futures.iter().map(|f| f.result().expect("a sum")).collect();
    let mut workers: Vec<i64> = answers.iter().map(|&(_, pid)| pid).collect();
    workers.sort_unstable();
    workers.dedup();
    say!("6 answers from {} worker processes: {answers:?}", workers.len());
    // Two quick tasks and two of a second, on two workers: the last one waits in the queue.
    let slow: Vec<_> = [(1, 1), (2, 10), (3, 10), (4, 1)]
        .map(|args| pool.submit(add_offset, args))
        .into();
    for finished in process_pool::as_completed(&slow, Some(Duration::from_millis(500))) {
        match finished {
            Ok(future) => say!("{:?} done: {:?}", future.args(), future.result()),
            Err(timeout) => say!("TimeoutError: {timeout}"),
        }
    }
    pool.shutdown(true, true);
    let cancelled: Vec<bool> = slow.iter().map(|future| future.cancelled()).collect();
    say!("after shutdown(wait, cancel_futures), cancelled: {cancelled:?}");
    assert!(
        answers
            .iter()
            .zip(101..)
            .all(|(&(sum, _), expected)| sum == expected)
    );
    assert!(
        workers.len() >= 3 && cancelled[3],
        "2 tasks per worker; the 4th was queued"
    );
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
