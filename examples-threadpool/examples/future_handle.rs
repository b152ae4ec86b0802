//! Where is my future? A thread's `JoinHandle` is one: `join()` is `result()`,
//! `is_finished()` is `done()`.
//!
//! ```python
//! future = executor.submit(square, 7)
//! future.done()     # False: still running
//! future.result()   # 49 (waits); an exception in square is raised here
//! ```
//!
//! `cargo run -p examples-threadpool --example future_handle`
//!
//! The threadpool crate's `execute` returns nothing: there, the future is the receiving end
//! of a channel (see `wait_timeout.rs`). `std::thread::spawn` gives you the handle itself.

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;

fn square(x: i64) -> Result<i64, String> {
    x.checked_mul(x)
        .ok_or_else(|| format!("{x} * {x} does not fit in an i64"))
}

fn main() -> ExitCode {
    common::panics::install_quiet_hook(); // a panic prints one line, without a backtrace
    let (go, wait_for_go) = mpsc::channel::<()>();
    // `executor.submit(square, 7)`: the thread starts at once; we keep its handle.
    let future = thread::spawn(move || {
        wait_for_go.recv().expect("main sends go"); // held back, so `done()` is surely False
        square(7)
    });
    let done_before = future.is_finished(); // `future.done()`
    go.send(()).expect("the task is waiting for it");

    // `future.result()`: `join` waits for the thread and gives back what it returned. Python's
    // exception is Rust's `Err`: it comes back as a value, and nothing else stops.
    let result = future.join().expect("square does not panic");
    common::say!("done() before: {done_before}, result(): {result:?}");

    // An error is a value too: no try/except, a `match` (or `?`) where the result is used.
    let too_big = thread::spawn(|| square(i64::MAX)).join().expect("no panic");
    common::say!("result() of square(i64::MAX): {too_big:?}");

    // A panic is Rust's uncaught exception: it ends only its own thread, and `join` returns
    // it as an `Err` holding the panic's message (your terminal shows the message once).
    let panicked = thread::spawn(|| -> i64 { panic!("boom, on purpose") }).join();
    let message = panicked
        .as_ref()
        .err()
        .and_then(|p| p.downcast_ref::<&str>())
        .copied();
    common::say!("result() of a task that panicked: Err({message:?})");

    assert!(!done_before);
    assert_eq!(result, Ok(49));
    assert!(too_big.is_err());
    assert_eq!(message, Some("boom, on purpose"));
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
