//! How many workers a pool gets: Python's defaults when the lesson is not told, the one rule
//! for `--workers` when it is, and whether the OS will start the threads a pool needs
//! (`terminal::threads`).

use std::thread;

pub use terminal::threads::check_threads;

/// The CPUs this program may use: `os.process_cpu_count()` in Python 3.13. Rust's answer
/// also follows a container's CPU quota, which Python's does not.
///
/// The exercise checks set `EXERCISE_CHECK_CPUS=N` to run a lesson as on a machine of N
/// CPUs, so that a check means the same on 2 CPUs and on 64.
pub fn cpus() -> usize {
    let told = std::env::var(CHECK_CPUS).ok().and_then(|n| n.parse().ok());
    told.filter(|&n| n > 0)
        .unwrap_or_else(|| thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The variable that tells [`cpus`] a CPU count (see there).
pub const CHECK_CPUS: &str = "EXERCISE_CHECK_CPUS";

// ANCHOR: default_workers
/// `ThreadPoolExecutor`'s default: `min(32, os.cpu_count() + 4)`. (`ProcessPoolExecutor`'s
/// is `os.cpu_count()`: [`cpus`].)
pub fn thread_pool_default() -> usize {
    (cpus() + 4).min(32)
}
// ANCHOR_END: default_workers

/// The most threads `--workers` gives a thread pool. A waiting thread costs little (its stack
/// is reserved, not used), but each is one of the OS's threads for this user (`ulimit -u`),
/// and past a few thousand more only queue up for the same CPUs and sockets.
pub const MAX_THREADS: usize = 10_000;

/// The most processes `--workers` gives a process pool: fewer than threads, since each is a
/// whole copy of this program (its own memory, its own start), and costs the pool a thread
/// and a connection besides (`process_pool::threads_needed`).
pub const MAX_PROCESSES: usize = 256;

/// `--workers` for a thread pool: see [`workers_up_to`].
pub fn thread_workers(text: &str) -> Result<usize, String> {
    workers_up_to(text, MAX_THREADS)
}

/// `--workers` for a process pool: see [`workers_up_to`].
pub fn process_workers(text: &str) -> Result<usize, String> {
    workers_up_to(text, MAX_PROCESSES)
}

/// The one rule for `--workers`, in every binary: a whole number from 1 (a pool of none would
/// run nothing, and Python refuses it too) to `max`. Zero, a negative number or one of any
/// length past `max` is refused with the range; a value that is no number, with what it takes.
fn workers_up_to(text: &str, max: usize) -> Result<usize, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "expected a whole number of workers, 1 to {max}, not `{text}`"
        ));
    }
    match text.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("{text} is not in 1..={max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_are_one_to_the_most_a_pool_takes() {
        assert_eq!(thread_workers("1"), Ok(1));
        assert_eq!(thread_workers("10000"), Ok(MAX_THREADS));
        assert_eq!(process_workers("256"), Ok(MAX_PROCESSES));
        assert_eq!(thread_workers("0"), Err("0 is not in 1..=10000".into()));
        assert_eq!(process_workers("257"), Err("257 is not in 1..=256".into()));
        assert_eq!(thread_workers("-3"), Err("-3 is not in 1..=10000".into()));
        let huge = "9".repeat(40);
        assert_eq!(thread_workers(&huge), Err(format!("{huge} is not in 1..=10000")));
        for bad in ["", "x", "1.5", "+2", "- 1"] {
            assert!(
                thread_workers(bad)
                    .unwrap_err()
                    .starts_with("expected a whole number"),
                "{bad}"
            );
        }
    }
}
