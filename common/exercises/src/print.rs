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
            write_error_line(&format!("error: cannot write output: {error}"));
            std::process::exit(1);
        }
    }
}

/// Write one line to stderr, and carry on if even that fails.
pub fn write_error_line(text: &str) {
    let _ = writeln!(io::stderr(), "{text}");
}
