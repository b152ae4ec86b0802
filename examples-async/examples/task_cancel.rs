//! `Task.cancel()` and `CancelledError`: `JoinHandle::abort`, and a `JoinError` whose
//! `is_cancelled()` is true. A task's `finally:` is a value's `Drop`, which still runs.
//!
//! ```python
//! task = asyncio.create_task(download())   # download has `finally: clean_up()`
//! task.cancel()                            # True
//! try: await task
//! except asyncio.CancelledError: ...       # clean_up() has run; task.cancelled() is True
//! ```
//!
//! `cargo run -p examples-async --example task_cancel`

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::oneshot;

/// Python's `finally:` block: `Drop` runs however the task ends, aborted included.
struct CleanUp(Arc<AtomicBool>);

impl Drop for CleanUp {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

async fn download(started: oneshot::Sender<()>, cleaned_up: Arc<AtomicBool>) -> &'static str {
    let _clean_up = CleanUp(cleaned_up);
    let _ = started.send(()); // (aborted before its first step, a task runs no code at all)
    tokio::time::sleep(Duration::from_secs(10)).await; // a long wait: it is aborted here
    "downloaded"
}

#[tokio::main]
async fn main() -> ExitCode {
    let cleaned_up = Arc::new(AtomicBool::new(false));
    let (started, has_started) = oneshot::channel();
    let task = tokio::spawn(download(started, Arc::clone(&cleaned_up)));
    has_started.await.expect("download starts");

    // `task.cancel()`: takes effect at the task's next `.await`. Unlike Python, the task
    // cannot catch it and go on: its future is dropped, so only `Drop` code runs.
    task.abort();
    let error = task.await.expect_err("an aborted task gives an error"); // `CancelledError`
    common::say!("await task: Err({error}); cleaned up: {cleaned_up:?}");

    // `cancel()` on a finished task does nothing (Python returns False): the result stays.
    let quick = tokio::spawn(async { 7 });
    while !quick.is_finished() {
        tokio::task::yield_now().await; // `task.done()` is `is_finished()`
    }
    quick.abort();
    let result = quick.await.expect("it finished before the abort");
    common::say!("await finished task after abort(): {result}");

    // Careful: dropping a `JoinHandle` does not cancel its task (dropping a `JoinSet` does),
    // and a `spawn_blocking` task cannot be aborted at all: it has no `.await` to stop at.
    assert!(error.is_cancelled()); // `task.cancelled()`; a panic would be `is_panic()`
    assert!(cleaned_up.load(Ordering::SeqCst));
    assert_eq!(result, 7);
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
