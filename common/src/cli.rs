//! The options every example shares, so `--time-scale` means the same thing everywhere.

use clap::{Args, ColorChoice, Parser};
use std::io::{self, Write};
use std::time::Duration;

/// Read the command line into `T`, as clap's `T::parse()` does, with the two promises every
/// other line of output keeps: `TERM=dumb` gets no colour, even when `CLICOLOR_FORCE` asks
/// for it (clap alone would colour its usage errors and `--help` then), and `--help` that
/// cannot be written (`> /dev/full`) is a one-line error with exit status 1, not silence.
pub fn parse<T: Parser>() -> T {
    let colour = match crate::output::is_dumb_terminal_here() {
        true => ColorChoice::Never,
        false => ColorChoice::Auto,
    };
    // A negative number given to an option is its value parser's to refuse (`--timeout -1`:
    // "expected a number of seconds > 0 …, not `-1`"); clap alone calls it an unexpected
    // argument and suggests `-- -1`, which does not help.
    let command = T::command().color(colour).mut_args(|arg| {
        match arg.get_action().takes_values() && !arg.is_positional() {
            true => arg.allow_negative_numbers(true),
            false => arg,
        }
    });
    let matches = command.try_get_matches();
    match matches.and_then(|matches| T::from_arg_matches(&matches)) {
        Ok(args) => args,
        Err(error) => exit_with(&error),
    }
}

/// Print clap's usage error (stderr, exit 2) or its help (stdout, exit 0), and exit.
fn exit_with(error: &clap::Error) -> ! {
    let printed = error.print().and_then(|()| match error.use_stderr() {
        true => Ok(()),
        false => io::stdout().flush(),
    });
    match printed {
        // Help for a reader who went away (`--help | head -1`) is not an error.
        Err(lost) if !error.use_stderr() && lost.kind() != io::ErrorKind::BrokenPipe => {
            let reason = crate::output::strip_os_error(&lost.to_string());
            crate::output::write_error_line(&format!("error: cannot write output: {reason}"));
            std::process::exit(1);
        }
        _ => std::process::exit(error.exit_code()),
    }
}

/// Shared by every example: flatten into a binary's own options with `#[command(flatten)]`.
#[derive(Debug, Clone, Args)]
pub struct LessonArgs {
    /// Multiply every simulated wait (site latencies, sleeps) by F; 0.1 runs the lesson 10x faster.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = demo_sites::parse_time_scale)]
    pub time_scale: f64,

    /// Don't draw the timeline picture after each run.
    #[arg(long)]
    pub no_timeline: bool,
}

/// The shortest `--timeout`: a millisecond. Anything shorter would round to no time at all,
/// which is refused like `--timeout 0`.
const MIN_TIMEOUT: Duration = Duration::from_millis(1);

/// A number of seconds from a millisecond to about 30 years (for `--timeout`).
pub fn positive_seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 && value < 1e9 => {
            let seconds = Duration::from_secs_f64(value);
            if seconds >= MIN_TIMEOUT {
                return Ok(seconds);
            }
        }
        _ => {}
    }
    Err(format!(
        "expected a number of seconds > 0 (at least 0.001, less than 1e9), like 2.5, not `{text}`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_checked() {
        assert_eq!(positive_seconds("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(positive_seconds("0.001"), Ok(MIN_TIMEOUT));
        for bad in ["0", "1e-300", "0.0009", "-2", "NaN", "soon", "1e9"] {
            assert!(positive_seconds(bad).is_err(), "{bad}");
        }
    }
}
