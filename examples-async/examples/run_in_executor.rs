//! `loop.run_in_executor` / `asyncio.to_thread`: run a blocking call on another thread and
//! await its result, so the event loop's one thread goes on serving the other tasks.
//!
//! ```python
//! await asyncio.to_thread(blocking_square, 3)                 # run_in_executor(None, ...)
//! with ThreadPoolExecutor(2) as pool:
//!     await loop.run_in_executor(pool, blocking_square, 4)    # on a pool of your own
//! ```
//!
//! `cargo run -p examples-async --example run_in_executor`

use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use threadpool::ThreadPool;
use tokio::sync::oneshot;

static TICKS: AtomicU32 = AtomicU32::new(0); // counted by a task on the event loop's thread

fn blocking_square(x: u64) -> u64 {
    std::thread::sleep(Duration::from_millis(100)); // blocks whatever thread runs it
    x * x
}

// One thread, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_millis(10)).await;
            TICKS.fetch_add(1, Ordering::SeqCst);
        }
    });

    // The pitfall, for contrast: called directly, it blocks the only thread: no tick.
    let before = TICKS.load(Ordering::SeqCst);
    let direct = blocking_square(2);
    let ticks_while_blocked = TICKS.load(Ordering::SeqCst) - before;

    // `asyncio.to_thread`: tokio's own pool for blocking calls.
    let before = TICKS.load(Ordering::SeqCst);
    let on_blocking_pool = tokio::task::spawn_blocking(|| blocking_square(3))
        .await
        .expect("no panic");
    // `run_in_executor(pool, ...)`: a job on a pool of our own sends its result back over a
    // oneshot channel, whose receiver is a future: awaiting it lets the thread serve others.
    let pool = ThreadPool::new(2);
    let (sender, result) = oneshot::channel();
    pool.execute(move || sender.send(blocking_square(4)).expect("main awaits the result"));
    let on_own_pool = result.await.expect("the job sends before it ends");
    let ticks_while_awaiting = TICKS.load(Ordering::SeqCst) - before;

    common::say!("direct call: {direct}, ticks meanwhile: {ticks_while_blocked}");
    common::say!("spawn_blocking: {on_blocking_pool}, pool + oneshot: {on_own_pool}");
    common::say!("ticks while awaiting both: {ticks_while_awaiting}");
    assert_eq!((direct, on_blocking_pool, on_own_pool), (4, 9, 16));
    assert_eq!(ticks_while_blocked, 0);
    assert!(ticks_while_awaiting >= 5); // about 20: one every 10 ms for 200 ms
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
