//! Why a program cannot go on, as a value: library code returns an [`Error`] and passes it
//! up with `?`; only `main` turns it into one line and an exit status, with [`exit_status`].
//! (Python raises an exception and lets it climb to the top; Rust returns it, and `?` is
//! the climb.) Nothing below `main` ends the process, so a caller (a test, an exercise) can
//! still recover, and every destructor runs: child processes stopped, servers closed.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

/// Why a program cannot go on. Each prints as its one line, after `error: `.
#[derive(Debug)]
pub enum Error {
    /// The command line is not understood (clap's usage error, exit status 2), or asks for
    /// `--help` or `--version` (printed to stdout, exit status 0).
    CommandLine(clap::Error),
    /// Output cannot be written (a full disk, `> /dev/full`), so whatever follows would be
    /// lost. A reader who went away (`| head -3`) is not this: that is no error.
    OutputLost(String),
    /// The OS will not start the threads the program needs (`ulimit -u`, or no memory for
    /// their stacks); `hint` says what to ask for instead.
    ThreadsRefused {
        threads: usize,
        reason: String,
        hint: String,
    },
    /// Anything else the program cannot go on without, said in words: `cannot start the
    /// stand-in sites: …`.
    Cannot(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // clap's message starts with its own `error: `; this is the rest.
            Error::CommandLine(error) => {
                let message = error.to_string();
                f.write_str(message.trim_start_matches("error: ").trim_end())
            }
            Error::OutputLost(reason) => write!(f, "cannot write output: {reason}"),
            Error::ThreadsRefused {
                threads,
                reason,
                hint,
            } => {
                let threads = crate::output::count(*threads, "thread");
                write!(f, "cannot start {threads}: {reason}; {hint}")
            }
            Error::Cannot(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

impl From<clap::Error> for Error {
    fn from(error: clap::Error) -> Self {
        Error::CommandLine(error)
    }
}

/// The exit status of a program that ended with `outcome`, called by `main` and only there:
/// `fn main() -> ExitCode { terminal::exit_status(run()) }`.
///
/// * `Ok(status)`: that status, unless some output was lost on the way (a full disk): then
///   that one line, and 1, since what the program printed is not all there.
/// * `Err(error)`: its one line on stderr, and 1; clap's usage error keeps its own words and
///   its 2, and `--help` is printed to stdout with 0, as clap alone would.
pub fn exit_status(outcome: Result<ExitCode, Error>) -> ExitCode {
    let error = match outcome {
        Ok(status) => match crate::output::check_written() {
            Ok(()) => return status,
            Err(lost) => lost,
        },
        Err(Error::CommandLine(error)) => return command_line_status(&error),
        Err(error) => error,
    };
    crate::output::write_error_line(&format!("error: {error}"));
    ExitCode::FAILURE
}

/// Print clap's usage error (stderr, exit status 2) or its help (stdout, exit status 0).
/// Help that cannot be written (`> /dev/full`) is one line and exit status 1, not silence;
/// help for a reader who went away (`--help | head -1`) is no error.
fn command_line_status(error: &clap::Error) -> ExitCode {
    let printed = error.print().and_then(|()| match error.use_stderr() {
        true => Ok(()),
        false => io::stdout().flush(),
    });
    match printed {
        Err(lost) if !error.use_stderr() && lost.kind() != io::ErrorKind::BrokenPipe => {
            let lost = Error::OutputLost(crate::output::strip_os_error(&lost.to_string()));
            crate::output::write_error_line(&format!("error: {lost}"));
            ExitCode::FAILURE
        }
        // clap's statuses are 0 (help) and 2 (usage), both in a u8.
        _ => ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_is_one_line_in_words() {
        let refused = Error::ThreadsRefused {
            threads: 3,
            reason: "Resource temporarily unavailable".into(),
            hint: "try fewer --workers".into(),
        };
        assert_eq!(
            refused.to_string(),
            "cannot start 3 threads: Resource temporarily unavailable; try fewer --workers"
        );
        let lost = Error::OutputLost("No space left on device".into());
        assert_eq!(lost.to_string(), "cannot write output: No space left on device");
        let usage = clap::Error::raw(
            clap::error::ErrorKind::ValueValidation,
            "--repeat 9 is too many\n",
        );
        assert_eq!(Error::from(usage).to_string(), "--repeat 9 is too many");
    }
}
