//! Exercise solution: print the pool's results in input order (like `executor.map`),
//! each as soon as every result before it has arrived.
//!
//! `cargo run -p examples-threadpool --example in_input_order`

use std::sync::mpsc;
use threadpool::ThreadPool;

// ANCHOR: in_input_order
/// Run `task` on every item in a pool of `workers` threads; call `report` with each
/// result in input order, as soon as all the results before it have come in.
fn in_input_order<T, R>(items: Vec<T>, workers: usize, task: fn(T) -> R, mut report: impl FnMut(usize, &R))
where
    T: Send + 'static,
    R: Send + 'static,
{
    let pool = ThreadPool::new(workers);
    let (results, completed) = mpsc::channel();
    for (index, item) in items.into_iter().enumerate() {
        let results = results.clone();
        // Each result travels with its index, so it can be put back in its place.
        pool.execute(move || {
            let _ = results.send((index, task(item)));
        });
    }
    drop(results);
    let mut waiting: Vec<Option<R>> = Vec::new();
    let mut next = 0;
    for (index, result) in completed {
        if waiting.len() <= index {
            waiting.resize_with(index + 1, || None);
        }
        waiting[index] = Some(result);
        // Print every result that is now next in line.
        while let Some(Some(result)) = waiting.get(next) {
            report(next, result);
            next += 1;
        }
    }
}
// ANCHOR_END: in_input_order

/// A stand-in for fetch_url: the later in the list, the sooner it finishes.
fn slow_for_early_items(index: usize) -> usize {
    std::thread::sleep(std::time::Duration::from_millis(40 - 10 * index as u64));
    index * 10
}

fn main() {
    in_input_order((0..4).collect(), 4, slow_for_early_items, |index, result| {
        common::say!("item {index}: {result}");
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_out_in_input_order_even_when_they_finish_in_reverse() {
        let mut seen = Vec::new();
        in_input_order((0..4).collect(), 4, slow_for_early_items, |index, result| {
            seen.push((index, *result))
        });
        assert_eq!(seen, [(0, 0), (1, 10), (2, 20), (3, 30)]);
    }
}
