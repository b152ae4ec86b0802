//! First to finish wins, the rest are told to stop: a shared `AtomicBool` is the stop sign
//! each running task checks (cooperative cancel: no thread can be killed from outside).
//!
//! ```python
//! stop = threading.Event()
//! futures = [executor.submit(search, steps, stop) for steps in (40, 2, 80, 160)]
//! done, not_done = wait(futures, return_when=FIRST_COMPLETED)
//! stop.set()   # the running ones see it at their next check; cancel() would not stop them
//! ```
//!
//! `cargo run -p examples-threadpool --example first_wins`

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;
use threadpool::ThreadPool;

/// Work in `steps` small steps, checking `stop` before each: `Ok` when done, `Err` with
/// how far it got when told to stop. (A closed channel can be the stop sign too.)
fn search(steps: u32, stop: &AtomicBool) -> Result<u32, u32> {
    for done in 0..steps {
        if stop.load(Ordering::Relaxed) {
            return Err(done);
        }
        thread::sleep(Duration::from_millis(5)); // one step of the real work
    }
    Ok(steps)
}

fn main() -> ExitCode {
    let pool = ThreadPool::new(4);
    let stop = Arc::new(AtomicBool::new(false));
    let (sender, finished) = mpsc::channel();
    for (task, steps) in [40, 2, 80, 160].into_iter().enumerate() {
        let (stop, sender) = (Arc::clone(&stop), sender.clone());
        pool.execute(move || {
            sender
                .send((task, steps, search(steps, &stop)))
                .expect("main waits")
        });
    }
    drop(sender); // only the jobs hold senders now: the loop below ends after the last one

    // `wait(..., return_when=FIRST_COMPLETED)`: the first message is the winner.
    let (winner, _, result) = finished.recv().expect("four tasks were started");
    common::say!("task {winner} finished first: {result:?}");
    stop.store(true, Ordering::Relaxed); // `stop.set()`

    assert_eq!((winner, result), (1, Ok(2)));

    // The others stop at their next check and report how far they got: never to the end.
    for (task, steps, result) in finished.iter() {
        common::say!("task {task} ({steps} steps): {result:?}");
        assert!(matches!(result, Err(done) if done < steps));
    }
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
