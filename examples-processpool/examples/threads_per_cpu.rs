//! Exercise solution: square many numbers on one thread per CPU, not one thread per number.
//!
//! `cargo run -p examples-processpool --example threads_per_cpu`

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

// ANCHOR: threads_per_cpu
/// A fixed crew of `threads` scoped threads; each takes the next unclaimed number until
/// none is left. A thousand numbers cost `threads` threads, not a thousand.
fn on_fixed_threads<R: Send>(
    threads: usize,
    numbers: &[i64],
    task: impl Fn(i64) -> R + Sync,
) -> Vec<(i64, R)> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(numbers.len()));
    thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                // fetch_add hands every index to exactly one thread.
                while let Some(&x) = numbers.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = task(x);
                    results
                        .lock()
                        .expect("no thread panics holding it")
                        .push((x, result));
                }
            });
        }
    });
    results.into_inner().expect("no thread panicked holding it")
}
// ANCHOR_END: threads_per_cpu

fn main() {
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    let numbers: Vec<i64> = (1..=40).collect();
    let squares = on_fixed_threads(cpus, &numbers, |x| x * x);
    common::say!("{} squares on {cpus} threads", squares.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_number_once_on_no_more_threads_than_asked() {
        let numbers: Vec<i64> = (1..=40).collect();
        let mut results = on_fixed_threads(3, &numbers, |x| (x * x, thread::current().id()));
        results.sort_by_key(|(x, _)| *x);
        assert_eq!(results.len(), 40);
        assert!(results.iter().all(|(x, (square, _))| *square == x * x));
        let threads: HashSet<_> = results.iter().map(|(_, (_, thread))| *thread).collect();
        assert!(threads.len() <= 3, "{} threads", threads.len());
    }
}
