//! `asyncio.wait_for` (and `async with asyncio.timeout(...)`): `tokio::time::timeout`.
//! On time out the awaited work is cancelled: its future is dropped, mid-way.
//!
//! ```python
//! await asyncio.wait_for(slow_square(7, 0.3), timeout=0.1)        # TimeoutError; cancelled
//! await asyncio.wait_for(slow_square(3, 0.01), timeout=0.1)       # 9
//! await asyncio.wait_for(asyncio.shield(task), timeout=0.05)      # TimeoutError; task goes on
//! ```
//!
//! `cargo run -p examples-async --example wait_for`

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::time::{Instant, sleep, sleep_until, timeout};

static FINISHED: AtomicUsize = AtomicUsize::new(0); // how many calls ran to their end

async fn slow_square(x: u64, delay_ms: u64) -> u64 {
    sleep(Duration::from_millis(delay_ms)).await;
    FINISHED.fetch_add(1, Ordering::SeqCst);
    x * x
}

#[tokio::main]
async fn main() -> ExitCode {
    let start = Instant::now();
    let ms = Duration::from_millis;

    // Too slow: `Err(Elapsed)` after 100 ms, and `slow_square(7, 300)` is dropped there.
    let too_slow = timeout(ms(100), slow_square(7, 300)).await;
    common::say!("wait_for(slow_square(7, 0.3), 0.1): {too_slow:?}");
    let in_time = timeout(ms(100), slow_square(3, 10)).await;
    common::say!("wait_for(slow_square(3, 0.01), 0.1): {in_time:?}");

    // `shield`: wait on a spawned task's handle (`&mut`, so we keep it). Timing out drops
    // only the borrow; the task runs on, and a later `.await` gets its result.
    let mut task = tokio::spawn(slow_square(5, 150));
    let gave_up = timeout(ms(50), &mut task).await;
    let later = task.await.expect("slow_square does not panic");
    common::say!("wait_for(shield(task), 0.05): {gave_up:?}; later: {later}");

    // Wait past the moment `slow_square(7, 300)` would have finished: it never will.
    sleep_until(start + ms(400)).await;
    let finished = FINISHED.load(Ordering::SeqCst);
    common::say!("calls that ran to their end: {finished} of 3");

    assert!(too_slow.is_err() && gave_up.is_err());
    assert_eq!((in_time, later), (Ok(9), 25));
    assert_eq!(finished, 2); // slow_square(3, 10) and the shielded task; not (7, 300)
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
