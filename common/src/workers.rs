//! How many workers a pool gets when the lesson is not told (Python's defaults), and
//! whether the OS will start the threads a pool needs (`terminal::threads`).

use std::thread;

pub use terminal::threads::exit_if_threads_refused;

/// The CPUs this program may use: `os.process_cpu_count()` in Python 3.13. Rust's answer
/// also follows a container's CPU quota, which Python's does not.
pub fn cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

// ANCHOR: default_workers
/// `ThreadPoolExecutor`'s default: `min(32, os.cpu_count() + 4)`. (`ProcessPoolExecutor`'s
/// is `os.cpu_count()`: [`cpus`].)
pub fn thread_pool_default() -> usize {
    (cpus() + 4).min(32)
}
// ANCHOR_END: default_workers
