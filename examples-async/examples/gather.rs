//! `asyncio.gather`: run several awaitables at once, get their results in the order given.
//!
//! ```python
//! await asyncio.gather(square(3, 0.1), square(4, 0.02), square(5, 0.06))  # [9, 16, 25]
//! await asyncio.gather(check(1), check(-2), check(3), return_exceptions=True)  # [1, ValueError(), 3]
//! await asyncio.gather(check(1), check(-2), check(3))                          # raises ValueError
//! ```
//!
//! `cargo run -p examples-async --example gather`

use futures_util::future::{join_all, try_join_all};
use std::process::ExitCode;
use std::time::Duration;
use tokio::task::JoinSet;

async fn square(x: i64, delay_ms: u64) -> i64 {
    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    x * x
}

/// Python's `check` raises ValueError for a negative `x`; Rust's returns an `Err`.
async fn check(x: i64) -> Result<i64, String> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    if x < 0 {
        Err(format!("{x} is negative"))
    } else {
        Ok(x)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // `gather(...)`: `join_all` awaits them all at once, on this one task (concurrently,
    // not in parallel), and lists the results in the order given, not the order finished.
    let ordered = join_all([square(3, 100), square(4, 20), square(5, 60)]).await;
    common::say!("gather:                     {ordered:?}");

    // `return_exceptions=True`: an error is already a value, so it simply takes its place.
    let each = join_all([check(1), check(-2), check(3)]).await;
    common::say!("gather(return_exceptions):  {each:?}");

    // `return_exceptions=False`: `try_join_all` gives the first `Err`. Unlike Python, where
    // the others go on running, they are dropped, which cancels them.
    let first_error = try_join_all([check(1), check(-2), check(3)]).await;
    common::say!("gather, raising:            {first_error:?}");
    // In parallel, on the runtime's threads: spawn tasks in a `JoinSet`. Its `join_all` lists
    // results in the order they FINISHED, so each task carries its index to restore the order.
    let mut tasks = JoinSet::new();
    for (index, (x, delay_ms)) in [(3, 100), (4, 20), (5, 60)].into_iter().enumerate() {
        tasks.spawn(async move { (index, square(x, delay_ms).await) });
    }
    let mut finished = tasks.join_all().await; // a panic in a task would resume here
    common::say!("JoinSet::join_all:          {finished:?}");
    let finish_order: Vec<usize> = finished.iter().map(|(index, _)| *index).collect();
    finished.sort(); // back in the order given

    assert_eq!(ordered, [9, 16, 25]);
    assert_eq!(each, [Ok(1), Err("-2 is negative".into()), Ok(3)]);
    assert_eq!(first_error, Err("-2 is negative".into()));
    assert_eq!(finish_order, [1, 2, 0]);
    assert_eq!(finished, [(0, 9), (1, 16), (2, 25)]);
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
