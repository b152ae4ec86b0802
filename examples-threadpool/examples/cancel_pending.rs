//! `future.cancel()` and `shutdown(cancel_futures=True)`, which the threadpool crate lacks:
//! each job has a state that `cancel` and the worker race to change; the winner decides.
//!
//! ```python
//! futures = [executor.submit(work, n) for n in range(8)]  # 2 workers: the rest are queued
//! next(as_completed(futures))                             # one has finished
//! executor.shutdown(wait=True, cancel_futures=True)       # queued: never run; running: finish
//! futures[0].cancel()                                     # False: it ran
//! ```
//!
//! `cargo run -p examples-threadpool --example cancel_pending`

use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering::SeqCst};
use std::sync::{Arc, mpsc};
use std::time::Duration;
use threadpool::ThreadPool;

const PENDING: u8 = 0;
const RUNNING: u8 = 1;
const CANCELLED: u8 = 2;

/// The part of Python's `Future` that cancelling needs: pending, running (or done), cancelled.
#[derive(Clone, Default)]
struct JobState(Arc<AtomicU8>);

impl JobState {
    /// `future.cancel()`: true only while the job is still pending.
    fn cancel(&self) -> bool {
        self.0
            .compare_exchange(PENDING, CANCELLED, SeqCst, SeqCst)
            .is_ok()
    }
    /// The worker's side: false if the job was cancelled before a worker took it.
    fn start(&self) -> bool {
        self.0.compare_exchange(PENDING, RUNNING, SeqCst, SeqCst).is_ok()
    }
}

fn main() -> ExitCode {
    let pool = ThreadPool::new(2);
    let (sender, results) = mpsc::channel();
    let states: Vec<JobState> = (0..8).map(|_| JobState::default()).collect();
    for (n, state) in states.iter().enumerate() {
        let (state, sender) = (state.clone(), sender.clone());
        pool.execute(move || {
            if state.start() {
                std::thread::sleep(Duration::from_millis(30)); // the work
                sender.send(n).expect("main receives");
            }
        });
    }
    let first = results.recv().expect("job 0 or 1 finishes"); // by now jobs 2.. are queued

    // `shutdown(wait=True, cancel_futures=True)`: cancel every pending job, then wait for the
    // running ones. (Dropping a threadpool `ThreadPool` neither waits nor cancels: queued jobs still run.)
    let cancelled = states.iter().filter(|state| state.cancel()).count();
    pool.join(); // every job has now run or been skipped: `try_iter` gets all that was sent
    let ran: Vec<usize> = std::iter::once(first).chain(results.try_iter()).collect();
    common::say!("ran {ran:?}; {cancelled} cancelled before they started");

    assert_eq!(ran.len() + cancelled, 8); // each job either ran to its end or never started
    assert!(cancelled >= 4 && !states[0].cancel()); // a job that ran cannot be cancelled
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
