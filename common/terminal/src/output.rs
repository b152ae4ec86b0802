//! Printing: the Rust side of the article's `from rich import print as rprint`.
//!
//! * [`rprint!`](crate::rprint) prints a line and colours it the way rich's default
//!   highlighter does: numbers bold cyan, URLs underlined blue, brackets bold, `name()` calls
//!   bold magenta.
//! * [`say!`](crate::say) prints a plain line, like Python's `print`.
//!
//! Both differ from `println!` in what happens when output cannot be written: `println!`
//! panics ("failed printing to stdout: Broken pipe"). These macros stop printing quietly
//! when the reader goes away (`cargo run ... | head -3`); when the output is lost for
//! another reason (a full disk) they stop too, and `main` ends the program with a one-line
//! error ([`check_written`], [`exit_status`](crate::exit_status)).
//!
//! And the small helpers of a message in words: [`count`] (`1 URL`, `4 URLs`) and
//! [`strip_os_error`] (an OS error without its number, which differs per OS).

use crate::Error;
use colored::Colorize;
use std::io::{self, Write};
use std::sync::OnceLock;

/// Print one line, highlighted like rich's `print`.
#[macro_export]
macro_rules! rprint {
    ($($arg:tt)*) => {
        $crate::output::write_line(&$crate::output::highlight(&format!($($arg)*)))
    };
}

/// Print one plain line, like Python's `print` (and pipe-safe, unlike `println!`).
#[macro_export]
macro_rules! say {
    () => {
        $crate::output::write_line("")
    };
    ($($arg:tt)*) => {
        $crate::output::write_line(&format!($($arg)*))
    };
}

/// Colour only when a person is watching. The `colored` crate decides that from the
/// environment on first use: `CLICOLOR_FORCE=1` forces colour; otherwise `NO_COLOR`,
/// `CLICOLOR=0`, or stdout not being a terminal turn it off. We add rich's one further rule:
/// `TERM=dumb` names a terminal that cannot show colour, so none is sent to it, forced or not.
pub fn choose_colours() {
    // Old Windows 10 consoles (cmd, PowerShell 5.1) show colour codes as text unless asked
    // to read them ("virtual terminal processing"); newer consoles already do.
    #[cfg(windows)]
    let _ = colored::control::set_virtual_terminal(true);
    if is_dumb_terminal_here() {
        colored::control::set_override(false);
    }
}

/// Is this program's terminal a dumb one (`TERM=dumb`)? Then nothing it prints is coloured.
pub fn is_dumb_terminal_here() -> bool {
    is_dumb_terminal(std::env::var_os("TERM").as_deref())
}

/// `TERM=dumb` (or `unknown`, as rich also reads it): a terminal without colour or cursor codes.
fn is_dumb_terminal(term: Option<&std::ffi::OsStr>) -> bool {
    term.is_some_and(|term| term.eq_ignore_ascii_case("dumb") || term.eq_ignore_ascii_case("unknown"))
}

/// Why output was lost, if it was: the first write that failed for a reason other than a
/// reader who went away. Kept so that `main` can say it ([`check_written`]).
static LOST: OnceLock<String> = OnceLock::new();

/// Write `text` and a newline to stdout.
///
/// * The reader went away (`| head -3`): print nothing more, but keep running, so the
///   exit status still says whether every task succeeded. Every later line meets the same
///   closed pipe, and is dropped the same way.
/// * Any other failure (a full disk, `> /dev/full`): remember why, and write nothing more,
///   since everything printed from here on would be lost. The program runs on to `main`,
///   whose [`exit_status`](crate::exit_status) says so in one line, with status 1.
pub fn write_line(text: &str) {
    if LOST.get().is_some() {
        return;
    }
    // Above the live view, if one is drawn (a no-op off a terminal).
    let written = crate::live::above(|| {
        let mut out = io::stdout().lock();
        writeln!(out, "{text}").and_then(|()| out.flush())
    });
    match written {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {}
        Err(error) => {
            let _ = LOST.set(strip_os_error(&error.to_string()));
        }
    }
}

/// `Err(OutputLost)` if a line could not be written (a full disk): for a program that should
/// stop early rather than go on printing to nowhere. [`exit_status`](crate::exit_status)
/// asks too, at the end.
pub fn check_written() -> Result<(), Error> {
    match LOST.get() {
        Some(reason) => Err(Error::OutputLost(reason.clone())),
        None => Ok(()),
    }
}

/// Write one line to stderr, and carry on if even that fails (`2> /dev/full`):
/// unlike `eprintln!`, which panics then, and a panic while reporting a panic aborts.
pub fn write_error_line(text: &str) {
    crate::live::above(|| {
        let _ = writeln!(io::stderr(), "{text}");
    });
}

/// "Connection refused (os error 111)" -> "Connection refused": the number differs per OS.
pub fn strip_os_error(message: &str) -> String {
    match message.rfind(" (os error ") {
        Some(at) if message.ends_with(')') => message[..at].to_string(),
        _ => message.to_string(),
    }
}

/// Text from elsewhere (a server's answer, a URL) as it is safe to print: control characters
/// shown escaped (`\u{1b}`, `\n`), so an escape sequence never reaches the terminal and
/// one line stays one line; so are the controls of text direction (`\u{202e}`, which would
/// show the rest of the line right to left).
///
/// ```
/// assert_eq!(terminal::output::escape_controls("a\x1b[2Jb\n"), "a\\u{1b}[2Jb\\n");
/// assert_eq!(terminal::output::escape_controls("a\u{202e}b"), "a\\u{202e}b");
/// ```
pub fn escape_controls(text: &str) -> String {
    let mut printable = String::with_capacity(text.len());
    for c in text.chars() {
        match c.is_control() || is_direction_control(c) {
            true => printable.extend(c.escape_default()),
            false => printable.push(c),
        }
    }
    printable
}

/// Unicode's bidirectional controls (marks, embeddings, overrides, isolates).
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `1 URL`, `4 URLs`: a count and its noun, in the singular or the plural.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Colour `text` the way rich's `ReprHighlighter` would. Only the four kinds of token this
/// project prints are recognised; everything else passes through unchanged.
pub fn highlight(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut rest = text;
    // The character before the current token, in the plain text (not the coloured output).
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let token_len = if starts_url(rest) {
            let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push_str(&rest[..len].bright_blue().underline().to_string());
            len
        } else if c.is_ascii_digit() && !previous.is_some_and(is_word_char) {
            let len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let number = rest[..len].trim_end_matches('.');
            out.push_str(&number.cyan().bold().to_string());
            number.len()
        } else if c.is_alphabetic() || c == '_' {
            let len = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
            let word = &rest[..len];
            if rest[len..].starts_with('(') {
                out.push_str(&word.magenta().bold().to_string());
            } else {
                out.push_str(word);
            }
            len
        } else if "[]()".contains(c) {
            out.push_str(&c.to_string().bold().to_string());
            1
        } else {
            out.push(c);
            c.len_utf8()
        };
        previous = rest[..token_len].chars().next_back();
        rest = &rest[token_len..];
    }
    out
}

fn starts_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

/// A digit glued to a word (`h2`, `x86`) is part of that word, not a number.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(count(1, "CPU"), "1 CPU");
        assert_eq!(count(2, "URL"), "2 URLs");
        assert_eq!(count(0, "number"), "0 numbers");
    }

    #[test]
    fn os_error_numbers_are_dropped() {
        assert_eq!(
            strip_os_error("Connection refused (os error 111)"),
            "Connection refused"
        );
        assert_eq!(strip_os_error("plain"), "plain");
    }

    #[test]
    fn highlighting_changes_colours_only_never_the_text() {
        colored::control::set_override(true);
        let line = " [*] multithread(): completed within [0.8123 sec].";
        let coloured = highlight(line);
        assert_ne!(coloured, line, "something should be coloured");
        assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), line);
        let url_line = "URL: http://127.0.0.1:8080/bing [ 200 / 0.3012 ]";
        assert_eq!(
            anstream::adapter::strip_str(&highlight(url_line)).to_string(),
            url_line
        );
    }

    #[test]
    fn a_dumb_terminal_gets_no_colour() {
        use std::ffi::OsStr;
        assert!(is_dumb_terminal(Some(OsStr::new("dumb"))));
        assert!(is_dumb_terminal(Some(OsStr::new("unknown"))));
        assert!(!is_dumb_terminal(Some(OsStr::new("xterm-256color"))));
        assert!(!is_dumb_terminal(None));
    }

    #[test]
    fn numbers_urls_and_calls_get_their_own_colours() {
        colored::control::set_override(true);
        let coloured = highlight("f() [42] http://x/y");
        assert!(coloured.contains(&"f".magenta().bold().to_string()));
        assert!(coloured.contains(&"42".cyan().bold().to_string()));
        assert!(coloured.contains(&"http://x/y".bright_blue().underline().to_string()));
    }
}
