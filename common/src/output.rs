//! Printing: the Rust side of the article's `from rich import print as rprint`.
//!
//! * [`rprint!`](crate::rprint) prints a line and colours it the way rich's default
//!   highlighter does: numbers bold cyan, URLs underlined blue, brackets bold, `name()` calls
//!   bold magenta.
//! * [`say!`](crate::say) prints a plain line, like Python's `print`.
//!
//! Both differ from `println!` in one way that matters for a command-line tool: when the
//! reader of our output goes away (`cargo run ... | head -3`), `println!` panics with
//! "failed printing to stdout: Broken pipe". These macros end the program quietly instead.

use colored::Colorize;
use std::io::{self, IsTerminal, Write};

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

/// Colour only when a person is watching: not when output goes to a file or a pipe, and
/// not when `NO_COLOR` is set (the `colored` crate reads `NO_COLOR` and `CLICOLOR_FORCE`).
pub fn choose_colours() {
    let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0");
    if !io::stdout().is_terminal() && !forced {
        colored::control::set_override(false);
    }
}

/// Write `text` and a newline to stdout. If stdout is a closed pipe, stop the program
/// quietly: nobody is left to read the rest.
pub fn write_line(text: &str) {
    let mut out = io::stdout().lock();
    if let Err(error) = writeln!(out, "{text}").and_then(|()| out.flush())
        && error.kind() == io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
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

/// Remove colour codes: what a reader sees once the colours are gone (handy in tests).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighting_changes_colours_only_never_the_text() {
        colored::control::set_override(true);
        let line = " [*] multithread(): completed within [0.8123 sec].";
        let coloured = highlight(line);
        assert_ne!(coloured, line, "something should be coloured");
        assert_eq!(strip_ansi(&coloured), line);
        let url_line = "URL: http://127.0.0.1:8080/bing [ 200 / 0.3012 ]";
        assert_eq!(strip_ansi(&highlight(url_line)), url_line);
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
