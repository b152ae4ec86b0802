//! The command line, read by clap with the promises every other line of output keeps.

use clap::{ColorChoice, Parser};
use std::io::{self, Write};

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
