//! `asyncio.TaskGroup`: a `JoinSet` that, on the first `Err`, aborts the other tasks and
//! waits until they have stopped, then returns that `Err`.
//!
//! ```python
//! async with asyncio.TaskGroup() as group:   # leaves when every task has ended
//!     for x, delay in [(1, 0.02), (-2, 0.04), (3, 2.0)]:
//!         group.create_task(job(x, delay))
//! # job(-2) raises: job(3) is cancelled, and the block raises ExceptionGroup([ValueError])
//! ```
//!
//! `cargo run -p examples-async --example task_group`

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::task::JoinSet;

static COMPLETED: AtomicUsize = AtomicUsize::new(0); // how many jobs ran to their end

async fn job(x: i64, delay_ms: u64) -> Result<i64, String> {
    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    COMPLETED.fetch_add(1, Ordering::SeqCst);
    if x < 0 {
        Err(format!("{x} is negative"))
    } else {
        Ok(x * x)
    }
}

/// Run every job; all the results (in the order they finished), or the first error.
async fn task_group(jobs: &[(i64, u64)]) -> Result<Vec<i64>, String> {
    let mut group = JoinSet::new();
    for &(x, delay_ms) in jobs {
        group.spawn(job(x, delay_ms));
    }
    let mut results = Vec::new();
    while let Some(joined) = group.join_next().await {
        match joined.expect("no job panics, and none is aborted before an error") {
            Ok(square) => results.push(square),
            Err(error) => {
                // Abort the rest and wait until they have stopped, as `async with` does
                // (dropping the set would abort them without waiting).
                group.shutdown().await;
                return Err(error);
            }
        }
    }
    Ok(results)
}

#[tokio::main]
async fn main() -> ExitCode {
    let all_fine = task_group(&[(1, 20), (2, 40), (3, 60)]).await;
    common::say!("every job succeeds: {all_fine:?}");

    COMPLETED.store(0, Ordering::SeqCst);
    let failed = task_group(&[(1, 20), (-2, 40), (3, 2_000)]).await;
    // Python collects every error raised before the cancel lands in an ExceptionGroup;
    // here the first error is the answer. The 2-second job never reached its end.
    common::say!("one job fails: {failed:?}; jobs that ran to their end: {COMPLETED:?}");

    assert_eq!(all_fine.map(|squares| squares.len()), Ok(3));
    assert_eq!(failed, Err("-2 is negative".into()));
    assert_eq!(COMPLETED.load(Ordering::SeqCst), 2); // job(1) and job(-2): job(3) was aborted
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
