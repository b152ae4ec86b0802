//! The wire format: how a task's arguments and its answer travel between the pool and a
//! worker process. Python pickles them; here each value is written as words without
//! spaces, and one task (or one answer) is one line of them. An answer starts with the
//! mark [`ANSWER`] (shown as `␞`), so that what the task prints itself on the same stdout
//! is told apart from it, and passed on.
//!
//! ```text
//! to the worker:    examples_processpool::my_function 3 sleep:2     (the function, its arguments)
//! from the worker:  ␞ok 3 9                                          (its value)
//!                   ␞err "not%20a%20square                          (the Err it returned)
//!                   ␞panic "x%20*%20x%20does%20not%20fit...           (the panic it was caught in)
//! ```

use super::future::TaskError;
use std::fmt::Display;

/// A value that can travel to a worker and back: written as words without spaces.
pub trait Wire: Sized {
    /// Add this value's words to `words`.
    fn write(&self, words: &mut Vec<String>);
    /// Take this value's words from the front of `words`; `None` if they don't fit.
    fn read<'a>(words: &mut impl Iterator<Item = &'a str>) -> Option<Self>;
}

impl Wire for i64 {
    fn write(&self, words: &mut Vec<String>) {
        words.push(self.to_string());
    }
    fn read<'a>(words: &mut impl Iterator<Item = &'a str>) -> Option<Self> {
        words.next()?.parse().ok()
    }
}

/// Nothing at all: what an initializer (or a task run for its effect) gives back.
impl Wire for () {
    fn write(&self, _words: &mut Vec<String>) {}
    fn read<'a>(_words: &mut impl Iterator<Item = &'a str>) -> Option<Self> {
        Some(())
    }
}

/// Text, as one word: `"` and then the text with `%`, spaces and control characters
/// written as `%XX` (so `"` alone is the empty string).
impl Wire for String {
    fn write(&self, words: &mut Vec<String>) {
        let mut word = String::from("\"");
        for c in self.chars() {
            if c == '%' || c.is_whitespace() || c.is_control() {
                let mut bytes = [0; 4];
                for byte in c.encode_utf8(&mut bytes).bytes() {
                    word.push_str(&format!("%{byte:02X}"));
                }
            } else {
                word.push(c);
            }
        }
        words.push(word);
    }
    fn read<'a>(words: &mut impl Iterator<Item = &'a str>) -> Option<Self> {
        let escaped = words.next()?.strip_prefix('"')?;
        let mut bytes = Vec::with_capacity(escaped.len());
        let mut rest = escaped.as_bytes();
        while let Some((&byte, after)) = rest.split_first() {
            if byte == b'%' {
                let hex = std::str::from_utf8(after.get(..2)?).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                rest = &after[2..];
            } else {
                bytes.push(byte);
                rest = after;
            }
        }
        String::from_utf8(bytes).ok()
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn write(&self, words: &mut Vec<String>) {
        self.0.write(words);
        self.1.write(words);
    }
    fn read<'a>(words: &mut impl Iterator<Item = &'a str>) -> Option<Self> {
        Some((A::read(words)?, B::read(words)?))
    }
}

/// What a task function may return: a value that travels as it is, or a `Result` whose
/// `Err` comes back as the task's error ([`TaskError::Failed`], with the error's message),
/// the way Python's `future.result()` raises the exception the function raised.
pub trait TaskOutput {
    /// What the future gives when the task succeeds.
    type Value: Wire;
    /// The value, or the error's message.
    fn into_value(self) -> Result<Self::Value, String>;
}

impl<T: Wire> TaskOutput for T {
    type Value = T;
    fn into_value(self) -> Result<T, String> {
        Ok(self)
    }
}

impl<T: Wire, E: Display> TaskOutput for Result<T, E> {
    type Value = T;
    fn into_value(self) -> Result<T, String> {
        self.map_err(|error| error.to_string())
    }
}

/// What starts every answer line: the ASCII record separator, a control character that
/// printed text does not hold. Python's worker prints to the terminal, apart from the
/// results it pickles; here a `println!` in a task goes down the same pipe as the answers.
pub(crate) const ANSWER: char = '\u{1e}';

/// A line from a worker's stdout: what the task printed itself (all of the line, or what
/// comes before the mark), and the answer line, mark and all, if it holds one.
pub(crate) fn split_answer(line: &str) -> (&str, Option<&str>) {
    match line.find(ANSWER) {
        Some(at) => (&line[..at], Some(&line[at..])),
        None => (line, None),
    }
}

/// A value as one line, and back.
pub(crate) fn to_line(value: &impl Wire) -> String {
    let mut words = Vec::new();
    value.write(&mut words);
    words.join(" ")
}

pub(crate) fn from_line<T: Wire>(line: &str) -> Option<T> {
    let mut words = line.split_whitespace();
    let value = T::read(&mut words)?;
    words.next().is_none().then_some(value)
}

/// The worker's answer line for one call: `returned` is the call's outcome (the value or
/// the `Err`'s message), or the message of the panic it ended in.
pub(crate) fn answer_line<T: Wire>(returned: Result<Result<T, String>, String>) -> String {
    match returned {
        Ok(Ok(value)) => format!("{ANSWER}ok {}", to_line(&value)),
        Ok(Err(message)) => format!("{ANSWER}err {}", to_line(&message)),
        Err(panic) => format!("{ANSWER}panic {}", to_line(&panic)),
    }
}

/// The pool's reading of an answer line.
pub(crate) fn read_answer<T: Wire>(line: &str) -> Result<T, TaskError> {
    let unmarked = line.strip_prefix(ANSWER).unwrap_or_default();
    let (tag, rest) = unmarked.split_once(' ').unwrap_or((unmarked, ""));
    let answer = match tag {
        "ok" => from_line(rest).map(Ok),
        "err" => from_line(rest).map(|message| Err(TaskError::Failed(message))),
        "panic" => from_line(rest).map(|message| Err(TaskError::Panicked(message))),
        _ => None,
    };
    answer.unwrap_or_else(|| {
        Err(TaskError::Failed(format!(
            "the worker answered nonsense: {line:?}"
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_survives_the_trip_as_one_word() {
        for text in [
            "",
            "plain",
            "two words",
            "100% sure",
            "tab\there",
            "line\nbreak",
            "ünï cödé",
        ] {
            let line = to_line(&text.to_string());
            assert!(!line.contains(char::is_whitespace), "{line:?}");
            assert_eq!(from_line::<String>(&line).as_deref(), Some(text));
        }
        for bad in ["no-quote", "\"%4", "\"%zz", "\"%FF"] {
            assert_eq!(from_line::<String>(bad), None, "{bad}");
        }
    }

    // CPython test_deadlock.py :: test_error_during_func_exec_on_worker: the error comes
    // back as the task's result; here as a value on the answer line.
    #[test]
    fn an_answer_carries_a_value_an_err_or_a_panic() {
        let value: Result<i64, TaskError> = read_answer(&answer_line(Ok(Ok(9_i64))));
        assert_eq!(value, Ok(9));
        let err = read_answer::<i64>(&answer_line::<i64>(Ok(Err("no square".into()))));
        assert_eq!(err, Err(TaskError::Failed("no square".into())));
        let panic = read_answer::<i64>(&answer_line::<i64>(Err("boom at x".into())));
        assert_eq!(panic, Err(TaskError::Panicked("boom at x".into())));
        assert!(matches!(read_answer::<i64>("ok 1 2"), Err(TaskError::Failed(_))));
        assert!(matches!(read_answer::<i64>("what"), Err(TaskError::Failed(_))));
    }

    #[test]
    fn a_result_puts_its_err_in_the_error_and_a_plain_value_is_ok() {
        assert_eq!((2_i64, 4_i64).into_value(), Ok((2, 4)));
        let failed: Result<i64, String> = Err("bad".into());
        assert_eq!(failed.into_value(), Err("bad".to_string()));
    }
}
