//! Printing a line, pipe-safe: the same promise as `common::output`'s `say!` (quiet after
//! `| head`, one error line and exit 1 when the output is lost, e.g. `> /dev/full`), kept here
//! in its smallest form because this crate links nothing: `common` would bring reqwest, rustls
//! and tokio into a command that only reads a file and starts `cargo`.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Print one plain line (and stop quietly once nobody reads stdout).
macro_rules! say {
    () => {
        $crate::print::write_line("")
    };
    ($($arg:tt)*) => {
        $crate::print::write_line(&format!($($arg)*))
    };
}

/// Set once stdout turns out to be a closed pipe.
static READER_GONE: AtomicBool = AtomicBool::new(false);

/// Write `text` and a newline to stdout; see the module's text for what happens on failure.
pub fn write_line(text: &str) {
    if READER_GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut out = io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
            READER_GONE.store(true, Ordering::Relaxed);
        }
        Err(error) => {
            let reason = without_os_error_number(&error.to_string());
            write_error_line(&format!("error: cannot write output: {reason}"));
            std::process::exit(1);
        }
    }
}

/// Write one line to stderr, and carry on if even that fails.
pub fn write_error_line(text: &str) {
    let _ = writeln!(io::stderr(), "{text}");
}

/// An argument as it may be shown on a terminal: control characters (an escape sequence, a
/// newline that would forge a second line) written out as `\u{1b}`, `\n`.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c.is_control() {
            true => c.escape_default().to_string(),
            false => c.to_string(),
        })
        .collect()
}

/// An OS error in words only: `No space left on device`, without ` (os error 28)`, a number
/// that differs per OS (common's `strip_os_error`, which this crate cannot link).
pub fn without_os_error_number(message: &str) -> String {
    match message.rfind(" (os error ") {
        Some(at) if message.ends_with(')') => message[..at].to_string(),
        _ => message.to_string(),
    }
}
