//! Exercise solution: give each task a deadline with `tokio::time::timeout`.
//!
//! `cargo run -p examples-async --example task_timeout`

use std::future::Future;
use std::time::Duration;

// ANCHOR: task_timeout
/// Await `work`, but give up after `limit`: dropping the future cancels it, wherever it
/// was waiting (Python: `asyncio.timeout`, or `wait_for`).
async fn within<T>(limit: Duration, work: impl Future<Output = T>) -> Result<T, String> {
    tokio::time::timeout(limit, work)
        .await
        .map_err(|_elapsed| format!("timed out after {:.2} sec", limit.as_secs_f64()))
}
// ANCHOR_END: task_timeout

async fn nap(ms: u64) -> u64 {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    ms
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    for ms in [10, 500] {
        common::say!(
            "{ms} ms nap: {:?}",
            within(Duration::from_millis(100), nap(ms)).await
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn quick_work_finishes_slow_work_times_out() {
        assert_eq!(within(Duration::from_millis(200), nap(5)).await, Ok(5));
        let late = within(Duration::from_millis(20), nap(2_000)).await;
        assert_eq!(late, Err("timed out after 0.02 sec".to_string()));
    }
}
