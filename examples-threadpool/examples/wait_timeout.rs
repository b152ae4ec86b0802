//! Waiting with a timeout: `recv_timeout` gives up waiting, and the task keeps running.
//!
//! ```python
//! future = executor.submit(slow_square, 7)
//! future.result(timeout=0.05)   # TimeoutError; slow_square goes on
//! future.result()               # 49, later
//! for f in as_completed(futures, timeout=0.15): ...  # TimeoutError: "1 (of 3) futures unfinished"
//! ```
//!
//! `cargo run -p examples-threadpool --example wait_timeout`

use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};
use threadpool::ThreadPool;

fn slow_square(x: u64) -> u64 {
    thread::sleep(Duration::from_millis(x * 20));
    x * x
}

fn main() -> ExitCode {
    let pool = ThreadPool::new(3);

    // `future.result(timeout=0.05)`: the channel's receiver is this job's future.
    let (sender, future) = mpsc::channel();
    pool.execute(move || sender.send(slow_square(7)).expect("main waits")); // 140 ms
    let first_wait = future.recv_timeout(Duration::from_millis(50));
    common::say!("result(timeout=0.05): {first_wait:?}");
    // Nothing was cancelled: waiting again, without a limit, gets the result.
    let second_wait = future.recv();
    common::say!("result(): {second_wait:?}");

    // `as_completed(futures, timeout=0.15)`: one deadline for the whole loop, counted from
    // the call, so each wait gets what is left of it.
    let (sender, completed) = mpsc::channel();
    for x in [1, 2, 15] {
        let sender = sender.clone();
        pool.execute(move || sender.send(slow_square(x)).expect("main keeps the receiver")); // 20, 40, 300 ms
    }
    let deadline = Instant::now() + Duration::from_millis(150);
    let mut arrived = Vec::new();
    while arrived.len() < 3 {
        match completed.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(square) => arrived.push(square),
            Err(_) => break, // a timeout (main holds a sender): Python raises TimeoutError here
        }
    }
    common::say!("{} (of 3) futures unfinished; got {arrived:?}", 3 - arrived.len());

    // Python's `with` block waits for the pool; `join` does it here: the slow task ran to its end.
    pool.join();
    let late = completed.try_recv();
    common::say!("after pool.join(): {late:?}");

    assert_eq!(first_wait, Err(RecvTimeoutError::Timeout));
    assert_eq!(second_wait, Ok(49));
    // The two quick ones came, in either order: 20 ms apart promises no order on a busy machine.
    arrived.sort_unstable();
    assert_eq!(arrived, [1, 4]);
    assert_eq!(late, Ok(225));
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
