//! The command line, read by clap with the promises every other line of output keeps.

use crate::Error;
use clap::{ColorChoice, Parser};

/// Read the command line into `T`, as clap's `T::parse()` does, with the two promises every
/// other line of output keeps: `TERM=dumb` gets no colour, even when `CLICOLOR_FORCE` asks
/// for it (clap alone would colour its usage errors and `--help` then), and `--help` that
/// cannot be written (`> /dev/full`) is a one-line error with exit status 1, not silence.
///
/// A usage error, and `--help` too, comes back as [`Error::CommandLine`]: `main` prints it
/// and exits with clap's status ([`exit_status`](crate::exit_status)).
pub fn parse<T: Parser>() -> Result<T, Error> {
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
    Ok(matches.and_then(|matches| T::from_arg_matches(&matches))?)
}
