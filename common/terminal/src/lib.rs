//! What every program of this workspace says to a person, and how it fails: in one line.
//!
//! The lessons, the stand-in sites (`demo-sites`), the scale binary and the progress command
//! all keep the same promises, so they share this small crate (which links no HTTP, TLS or
//! async runtime, so that each of them can):
//!
//! * [`output`]: [`say!`] and [`rprint!`] print lines that survive `| head` and end the
//!   program with one line on a full disk; colour only where a person is watching,
//! * [`parse`]: clap's command-line parsing, with the same promises for its help and its
//!   usage errors,
//! * [`live`]: a view redrawn in place at the bottom of a terminal while a program runs,
//!   with every printed line going above it; nothing at all off a terminal,
//! * [`counts`]: requests done, in flight and failed, and the rate, on one such line,
//! * [`threads`]: the OS asked for the threads a program needs before it needs them, and a
//!   refusal said in one line,
//! * [`Error`]: why a program cannot go on, returned up to `main`, which alone turns it into
//!   one line and an exit status ([`exit_status`]).

pub mod counts;
pub mod live;
pub mod output;
pub mod threads;

mod command_line;
mod error;
pub use command_line::parse;
pub use error::{Error, exit_status};
