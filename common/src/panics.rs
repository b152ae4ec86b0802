//! Panics as one-line errors.
//!
//! Python's `future.result()` re-raises the task's exception in the caller. A Rust panic
//! stays on the thread it happened on, and what becomes of it depends on the pool: the
//! `threadpool` crate silently replaces the dead worker, so a caller waiting for that
//! task's result would wait forever. [`catch_panic`] (and [`catch_panic_async`] for a
//! future) turns the panic back into a value the caller can report, like an exception
//! stored in a future.
//!
//! By default Rust also prints every panic to stderr (with a backtrace when
//! `RUST_BACKTRACE` is set). [`install_quiet_hook`] replaces that with a single line, and
//! with nothing at all for a panic that [`catch_panic`] is about to report anyway.
//!
//! For the tests only: with [`RECORD_VARIABLE`] naming a file, the hook also adds a line
//! there for every panic, caught or not (the thread's name, then the one-line description),
//! so a test sees that a program really panicked, not just that it printed the words; and
//! an [`UnwindWitness`] adds an `UNWOUND` line when a panic unwinds past it uncaught, so a
//! test sees a panic end the program, not a `process::exit(101)` after catching it.

use futures_util::FutureExt;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};

// The hook's bookkeeping, the only state in this file: Rust calls the panic hook before it
// unwinds, and tells the hook nothing about who will catch the panic. So `catch_panic` marks
// its thread as CATCHING, and the hook then keeps the one-line message in LAST_PANIC (for
// `catch_panic` to return) instead of printing it. Per thread: each thread catches its own.
thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The environment variable a test sets to a file's path to have every panic noted there.
pub const RECORD_VARIABLE: &str = "LESSON_PANIC_RECORD";

/// The first field of a record's line that notes an uncaught unwinding, not a panic.
pub const UNWOUND: &str = "(unwound)";

/// Dropped by a panic that unwinds past its owner (nothing caught it on the way), it notes
/// that in the record file of [`RECORD_VARIABLE`], if there is one; otherwise it does nothing.
pub struct UnwindWitness;

impl Drop for UnwindWitness {
    fn drop(&mut self) {
        if std::thread::panicking()
            && let Some(path) = std::env::var_os(RECORD_VARIABLE)
        {
            let thread = std::thread::current();
            append_to_record(
                &path,
                &format!("{UNWOUND}\t{}\n", thread.name().unwrap_or("unnamed")),
            );
        }
    }
}

/// Replace Rust's panic printout with one line: `error: panicked at FILE:LINE: MESSAGE`.
pub fn install_quiet_hook() {
    let record = std::env::var_os(RECORD_VARIABLE);
    panic::set_hook(Box::new(move |info| {
        let message = one_line(payload_text(info.payload()));
        let described = match info.location() {
            Some(at) => format!("{message} (at {}:{})", at.file(), at.line()),
            None => message.to_string(),
        };
        if let Some(path) = &record {
            note_in_record(path, &described);
        }
        if CATCHING.get() {
            LAST_PANIC.set(Some(described));
        } else {
            crate::output::write_error_line(&format!("error: panicked: {described}"));
        }
    }));
}

/// Add `thread-name<TAB>described` to the file at `path` (a test reads it; a failure to
/// write it is the test's to notice).
fn note_in_record(path: &std::ffi::OsStr, described: &str) {
    let thread = std::thread::current();
    append_to_record(
        path,
        &format!("{}\t{described}\n", thread.name().unwrap_or("unnamed")),
    );
}

/// Add `line` to the record file at `path`.
fn append_to_record(path: &std::ffi::OsStr, line: &str) {
    use std::io::Write;
    let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
    if let Ok(mut file) = file {
        let _ = file.write_all(line.as_bytes());
    }
}

/// Run `work`; if it panics, return the panic's one-line description as an error.
pub fn catch_panic<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    // AssertUnwindSafe: after a panic we only read the message; nothing `work` touched is reused.
    let work = AssertUnwindSafe(work);
    while_catching(|| panic::catch_unwind(work)).map_err(describe_caught)
}

/// The async form: await `work`; if it panics, return the panic's description as an error.
/// Inside a spawned task this keeps the panic in the task, as its result.
pub async fn catch_panic_async<T>(work: impl Future<Output = T>) -> Result<T, String> {
    let mut caught = std::pin::pin!(AssertUnwindSafe(work).catch_unwind());
    // Each poll is a call that may panic: tell the hook that this one is caught.
    let outcome = std::future::poll_fn(|context| while_catching(|| caught.as_mut().poll(context))).await;
    outcome.map_err(describe_caught)
}

/// Run `attempt` with the panic hook told that a panic in it will be caught and reported.
fn while_catching<T>(attempt: impl FnOnce() -> T) -> T {
    let was_catching = CATCHING.replace(true);
    let outcome = attempt();
    CATCHING.set(was_catching);
    outcome
}

/// The one-line description of a caught panic: the hook's, with its place, if it ran.
fn describe_caught(payload: Box<dyn Any + Send>) -> String {
    LAST_PANIC
        .take()
        .unwrap_or_else(|| one_line(payload_text(&*payload)))
}

/// A message of several lines on one: `assert_eq!` and `assert_ne!` put the two values on
/// lines of their own, and an error line, or a URL's line, must stay one line.
fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines.join("; ")
}

/// A panic's message: `panic!` makes it a `&str` or a `String`.
fn payload_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}
