//! Panics as one-line errors.
//!
//! Python's `future.result()` re-raises the task's exception in the caller. A Rust panic
//! stays on the thread it happened on, and what becomes of it depends on the pool: the
//! `threadpool` crate silently replaces the dead worker, so a caller waiting for that
//! task's result would wait forever. [`catch_panic`] turns the panic back into a value
//! the caller can report, like an exception stored in a future.
//!
//! By default Rust also prints every panic to stderr (with a backtrace when
//! `RUST_BACKTRACE` is set). [`install_quiet_hook`] replaces that with a single line, and
//! with nothing at all for a panic that [`catch_panic`] is about to report anyway.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    /// True while this thread runs inside `catch_panic`.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// The message of the panic `catch_panic` caught last, with where it happened.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

tokio::task_local! {
    /// Set around a task whose panic its `JoinHandle` will report (as a `JoinError`).
    static REPORTED_BY_JOIN_HANDLE: ();
}

/// Wrap a future to be spawned as a task whose panic the caller reports from the task's
/// `JoinError`: the panic hook then stays quiet, so the panic is told once, not twice.
pub fn reported_by_join_handle<F: Future>(task: F) -> impl Future<Output = F::Output> {
    REPORTED_BY_JOIN_HANDLE.scope((), task)
}

/// A panic's message, from the payload `catch_unwind` or a tokio `JoinError` hands back.
pub fn message_of(payload: &(dyn Any + Send)) -> String {
    payload_text(payload).to_string()
}

/// Replace Rust's panic printout with one line: `error: panicked at FILE:LINE: MESSAGE`.
pub fn install_quiet_hook() {
    panic::set_hook(Box::new(|info| {
        let message = payload_text(info.payload());
        let described = match info.location() {
            Some(at) => format!("{message} (at {}:{})", at.file(), at.line()),
            None => message.to_string(),
        };
        if CATCHING.get() {
            LAST_PANIC.set(Some(described));
        } else if REPORTED_BY_JOIN_HANDLE.try_with(|()| ()).is_ok() {
            // The task's JoinError will carry the message to whoever awaits it.
        } else {
            eprintln!("error: panicked: {described}");
        }
    }));
}

/// Run `work`; if it panics, return the panic's one-line description as an error.
pub fn catch_panic<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    let was_catching = CATCHING.replace(true);
    // AssertUnwindSafe: after a panic we only read the message; nothing `work` touched is reused.
    let outcome = panic::catch_unwind(AssertUnwindSafe(work));
    CATCHING.set(was_catching);
    outcome.map_err(|payload| {
        LAST_PANIC
            .take()
            .unwrap_or_else(|| payload_text(&*payload).to_string())
    })
}

/// A panic's message: `panic!` makes it a `&str` or a `String`.
fn payload_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message_and_place() {
        install_quiet_hook();
        let error = catch_panic(|| -> u32 { panic!("boom {}", 42) }).unwrap_err();
        assert!(error.starts_with("boom 42 (at "), "{error}");
        assert!(error.contains("panics.rs"), "{error}");
        assert_eq!(catch_panic(|| 7), Ok(7));
    }
}
