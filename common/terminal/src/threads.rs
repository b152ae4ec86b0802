//! Threads the OS may refuse (`ulimit -u`, or no memory left for their stacks): asked for
//! before a pool needs them, since the threadpool crate, rayon, tokio and `thread::spawn`
//! all panic when the OS says no.

use crate::Error;
use std::sync::{Arc, PoisonError, RwLock};
use std::thread;

/// Make sure the OS will let this program run `n` more threads at once, before a pool asks
/// for them: the pools start their threads as they are built, and the threadpool crate,
/// rayon and `thread::spawn` all panic when the OS says no (`ulimit -u`, or no memory left
/// for the threads' stacks). If it won't, the error says so in one line, with `hint` (what
/// to ask for instead).
///
/// It starts the `n` threads for real, holds them until the last one is running, and ends
/// them all, so the answer is the OS's own.
pub fn check_threads(n: usize, hint: &str) -> Result<(), Error> {
    let gate = Arc::new(RwLock::new(()));
    let closed = gate.write().unwrap_or_else(PoisonError::into_inner);
    let mut started = Vec::with_capacity(n);
    let mut refused = None;
    for _ in 0..n {
        let gate = Arc::clone(&gate);
        // Each thread waits at the gate until every other one has started too.
        match thread::Builder::new().spawn(move || drop(gate.read())) {
            Ok(handle) => started.push(handle),
            Err(error) => {
                refused = Some(error);
                break;
            }
        }
    }
    drop(closed);
    for handle in started {
        let _ = handle.join();
    }
    match refused {
        Some(error) => Err(Error::ThreadsRefused {
            threads: n,
            reason: crate::output::strip_os_error(&error.to_string()),
            hint: hint.to_string(),
        }),
        None => Ok(()),
    }
}
