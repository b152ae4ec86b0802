//! The process pool's futures, call by call beside Python's `concurrent.futures`: wait
//! with a timeout, cancel what has not started, an error that comes back as a value, the
//! first of several to finish, and `map` in input order.
//!
//! ```text
//! cargo run -p examples-processpool --example futures
//! ```
//!
//! What to look for: `result_timeout` gives up waiting but the task goes on (its value
//! comes later); `cancel` works only on a task still in the queue; the `Err` the function
//! returns comes back as its value, and its panic as the future's error, while the worker
//! goes on; `wait` returns as soon as the first task is done.

use common::say;
use process_pool::{self, ProcessPool, ReturnWhen, TaskError, functions};
use std::process::ExitCode;
use std::time::Duration;

/// The task: nap `tenths` of a second, then square `x`; a negative `x` is an error, and
/// a huge one panics (its square does not fit).
fn slow_square(x: i64, tenths: i64) -> Result<i64, String> {
    std::thread::sleep(Duration::from_millis(100 * tenths.unsigned_abs()));
    if x < 0 {
        return Err(format!("{x} is negative"));
    }
    Ok(x.checked_mul(x).expect("the square fits in an i64"))
}

fn main() -> ExitCode {
    // In a worker process (this program, started again by the pool): serve, never return.
    process_pool::serve_if_worker(functions![slow_square]);
    // `with ProcessPoolExecutor(max_workers=2) as executor:`
    let pool = ProcessPool::new(2).expect("2 workers");
    waiting_and_cancelling(&pool);
    errors_come_back(&pool);
    first_to_finish(&pool);
    // `executor.map(slow_square, [4, 5, 6], [3, 1, 1])`: in input order, each as it arrives.
    let squares: Vec<i64> = pool
        .map(slow_square, [(4, 3), (5, 1), (6, 1)], None, None)
        .map(|future| {
            future
                .expect("no timeout")
                .result()
                .expect("ran")
                .expect("a square")
        })
        .collect();
    say!("map: {squares:?}");
    assert_eq!(squares, [16, 25, 36]);
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}

/// `future.result(timeout=…)`, `future.cancel()`, `running()`, `done()`.
fn waiting_and_cancelling(pool: &ProcessPool) {
    let slow = pool.submit(slow_square, (3, 5));
    let also_slow = pool.submit(slow_square, (4, 5));
    let queued = pool.submit(slow_square, (5, 1)); // both workers are busy: it waits
    let early = slow.result_timeout(Duration::from_millis(100));
    say!("after 0.1 s: {}", early.unwrap_err()); // the task goes on
    say!("cancel a running task: {}", slow.cancel());
    // Python's process pool says False here: it has already sent this task ahead to a
    // worker's queue (one task more than it has workers) and calls it running.
    say!("cancel a queued task: {}", queued.cancel());
    say!("then: {}", queued.result().unwrap_err());
    say!(
        "the running one: {:?}, and {:?}",
        slow.result(),
        also_slow.result()
    );
    assert!(slow.done() && !slow.running() && queued.cancelled());
}

/// An `Err` comes back as the function's value, a panic as the future's error (Python's
/// exception from `result()`); the workers go on.
fn errors_come_back(pool: &ProcessPool) {
    let negative = pool.submit(slow_square, (-2, 0));
    let huge = pool.submit(slow_square, (i64::MAX, 0));
    say!("-2: {:?}", negative.result());
    say!("i64::MAX: {}", huge.result().unwrap_err());
    assert_eq!(negative.result(), Ok(Err("-2 is negative".into())));
    assert!(matches!(huge.result(), Err(TaskError::Panicked(_))));
}

/// `wait(futures, return_when=FIRST_COMPLETED)`: take the first, cancel the rest.
fn first_to_finish(pool: &ProcessPool) {
    // Two workers: 8 is done first; 10 (and 9, unless its worker took it already) wait.
    let futures: Vec<_> = [(7, 8), (8, 2), (9, 8), (10, 8)]
        .map(|args| pool.submit(slow_square, args))
        .into();
    let (done, not_done) = process_pool::wait(&futures, None, ReturnWhen::FirstCompleted);
    say!("first done: {:?} squared", done[0].args().0);
    let cancelled = not_done.iter().filter(|future| future.cancel()).count();
    say!("cancelled {cancelled} still queued; the running ones finish on their own");
    assert_eq!(done[0].result(), Ok(Ok(64)));
    assert!((1..=2).contains(&cancelled), "10 at least was still queued");
}
