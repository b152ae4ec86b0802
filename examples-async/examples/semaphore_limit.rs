//! Exercise solution: at most `limit` tasks fetching at once, with a semaphore.
//!
//! `cargo run -p examples-async --example semaphore_limit`

use std::future::Future;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

// ANCHOR: semaphore_limit
/// Spawn `task(item)` for every item, but let at most `limit` run at once: each task
/// waits for one of `limit` permits before it starts and gives it back when it ends.
async fn at_most<T, F, Fut>(limit: usize, items: Vec<T>, task: F) -> Vec<Fut::Output>
where
    F: Fn(T) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    for item in items {
        let (permits, work) = (Arc::clone(&permits), task(item));
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("never closed");
            work.await // the permit is released when `_permit` goes out of scope
        });
    }
    tasks.join_all().await
}
// ANCHOR_END: semaphore_limit

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let slept = at_most(2, vec![30, 10, 20, 40], |ms| async move {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        ms
    })
    .await;
    common::say!("done: {slept:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "current_thread")]
    async fn never_more_than_the_limit_at_once() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let results = at_most(2, (0..8).collect::<Vec<u64>>(), |n| {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                n
            }
        })
        .await;
        assert_eq!(results.len(), 8);
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }
}
