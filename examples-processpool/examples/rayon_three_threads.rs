//! Exercise solution: run `with_rayon` on a pool of exactly three threads.
//!
//! `cargo run -p examples-processpool --example rayon_three_threads`

use rayon::prelude::*;
use std::time::{Duration, Instant};

// ANCHOR: rayon_three_threads
/// rayon's global pool has one thread per CPU. A pool of your own, of any size, runs the
/// same `par_iter` code when you `install` it.
fn on_rayon_pool<R: Send>(threads: usize, numbers: &[i64], task: impl Fn(i64) -> R + Sync) -> Vec<R> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| numbers.par_iter().map(|&x| task(x)).collect())
}
// ANCHOR_END: rayon_three_threads

fn nap_then_square(x: i64) -> (i64, std::thread::ThreadId) {
    std::thread::sleep(Duration::from_millis(50));
    (x * x, std::thread::current().id())
}

fn main() {
    let start = Instant::now();
    let squares = on_rayon_pool(3, &[2, 3, 4], nap_then_square);
    let squares: Vec<i64> = squares.into_iter().map(|(square, _)| square).collect();
    common::say!("{squares:?} in {:.2} s", start.elapsed().as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn three_threads_take_all_three_at_once() {
        let results = on_rayon_pool(3, &[2, 3, 4], nap_then_square);
        assert_eq!(
            results.iter().map(|(square, _)| *square).collect::<Vec<_>>(),
            [4, 9, 16]
        );
        let threads: HashSet<_> = results.iter().map(|(_, thread)| *thread).collect();
        assert_eq!(threads.len(), 3, "one thread each");
    }
}
