//! Exercise solution: Listing 1's pool without the threadpool crate, on scoped threads.
//!
//! `cargo run -p examples-threadpool --example scoped_threads`

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// ANCHOR: scoped_threads
/// A thread per item, all inside one `thread::scope`: the threads may *borrow* `items`
/// and `task` (no clones, no `'static`), and the scope waits for every one of them before
/// it returns, like Python's `with ThreadPoolExecutor() as executor:` block.
fn on_scoped_threads<T: Sync, R: Send>(
    items: &[T],
    task: impl Fn(&T) -> R + Sync,
    mut report: impl FnMut(R),
) {
    let (results, completed) = mpsc::channel();
    thread::scope(|scope| {
        for item in items {
            let (results, task) = (results.clone(), &task);
            scope.spawn(move || {
                let _ = results.send(task(item));
            });
        }
        drop(results);
        // As completed: whichever thread sends first is reported first.
        for result in completed {
            report(result);
        }
    });
}
// ANCHOR_END: scoped_threads

fn nap(ms: &u64) -> u64 {
    thread::sleep(Duration::from_millis(*ms));
    *ms
}

fn main() {
    on_scoped_threads(&[30, 10, 20], nap, |ms| common::say!("slept {ms} ms"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_arrive_in_completion_order_and_the_threads_overlap() {
        let started = std::time::Instant::now();
        let mut order = Vec::new();
        on_scoped_threads(&[60, 20, 40], nap, |ms| order.push(ms));
        assert_eq!(order, [20, 40, 60]);
        // Together about 60 ms, not 120: generous slack for a busy machine.
        assert!(
            started.elapsed() < Duration::from_millis(110),
            "{:?}",
            started.elapsed()
        );
    }
}
