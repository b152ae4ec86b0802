//! Exercise solution: a CPU-bound `my_function`, as in the Python docs' `is_prime` example.
//!
//! `cargo run --release -p examples-processpool --example cpu_bound`

use std::time::Instant;

// ANCHOR: cpu_bound
/// Real work instead of a sleep: count the primes below `limit`, one trial division at a
/// time. Nothing here waits, so a thread running it keeps one CPU busy until it is done.
fn primes_below(limit: u64) -> u64 {
    let is_prime = |n: u64| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| !n.is_multiple_of(d));
    (0..limit).filter(|&n| is_prime(n)).count() as u64
}

/// `my_function`, CPU-bound: the square comes after the work, as before.
fn my_function(x: i64, limit: u64) -> (i64, i64) {
    std::hint::black_box(primes_below(limit)); // black_box: the optimiser may not skip it
    (x, x * x)
}
// ANCHOR_END: cpu_bound

fn main() {
    let start = Instant::now();
    let (x, square) = my_function(3, 2_000_000);
    common::say!(
        "{x} squared = {square}, after {:.2} s of work",
        start.elapsed().as_secs_f64()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_counts_primes_and_still_squares() {
        assert_eq!(primes_below(100), 25);
        assert_eq!(my_function(7, 1_000), (7, 49));
    }
}
