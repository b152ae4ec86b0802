//! The wire: how a task and its answer travel between the pool and a worker process.
//!
//! Each worker has a channel of its own to the pool, apart from its stdout and stderr (which
//! it inherits, so what a task prints reaches the terminal unchanged, as a Python worker's
//! `print` does): a TCP connection on the loopback address, which the worker opens when it
//! starts and proves with a secret the pool handed it on its stdin (then closed). Nothing a
//! task prints can be read as an answer.
//!
//! On that connection a message is a *frame*: its length (4 bytes, little-endian), then its
//! bytes. Values are serde's (Rust's pickle), encoded with postcard, a compact binary format:
//!
//! ```text
//! to the worker:    [length] "my_function" (2, Sleep(2 s))       (the function's name, its arguments)
//! from the worker:  [length] Value((2, 4))                       (what it returned)
//!                   [length] Panicked("x * x does not fit...")   (the panic it was caught in)
//! ```

use super::future::TaskError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

/// A worker's answer to one task, as it travels.
#[derive(Serialize, Deserialize)]
pub(crate) enum Answer<T> {
    /// What the function returned.
    Value(T),
    /// The message of the panic the call ended in.
    Panicked(String),
    /// The worker serves no function of that name.
    NotServed(String),
    /// The arguments could not be read, or the value could not be written.
    Unsendable(String),
}

/// The most bytes one frame holds (the length is 4 bytes).
const MOST: usize = u32::MAX as usize;

/// A frame this long or shorter is copied to go out in one write.
const SMALL: usize = 64 << 10;

/// Write one frame: the length of `body`, then `body`.
pub(crate) fn write_frame(to: &mut impl Write, body: &[u8]) -> io::Result<()> {
    let length = u32::try_from(body.len()).map_err(|_| io::Error::other("too long for a frame"))?;
    if body.len() <= SMALL {
        // One write, so one packet on the connection rather than two.
        let mut frame = Vec::with_capacity(4 + body.len());
        frame.extend_from_slice(&length.to_le_bytes());
        frame.extend_from_slice(body);
        to.write_all(&frame)?;
    } else {
        to.write_all(&length.to_le_bytes())?;
        to.write_all(body)?;
    }
    to.flush()
}

/// Read one frame. `Ok(None)`: the other side closed the connection between frames.
pub(crate) fn read_frame(from: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut length = [0; 4];
    match from.read(&mut length)? {
        0 => return Ok(None),
        got => from.read_exact(&mut length[got..])?,
    }
    let length = u32::from_le_bytes(length) as usize;
    // Grow as the bytes come, so that a length that lies does not allocate gigabytes up front.
    let mut body = Vec::with_capacity(length.min(64 << 20));
    from.take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(Some(body))
}

/// The request for one call: the function's name, then its arguments.
pub(crate) fn request(function: &str, args: &impl Serialize) -> Result<Vec<u8>, TaskError> {
    let request = postcard::to_stdvec(&(function, args))
        .map_err(|e| TaskError::Unsendable(format!("the arguments could not be serialized: {e}")))?;
    if request.len() > MOST {
        let size = common::output::count(request.len(), "byte");
        return Err(TaskError::Unsendable(format!(
            "the arguments are {size}: more than the 4 GiB one task can carry"
        )));
    }
    Ok(request)
}

/// A request, split into the function's name and its arguments' bytes.
pub(crate) fn split_request(request: &[u8]) -> Option<(&str, &[u8])> {
    postcard::take_from_bytes::<&str>(request).ok()
}

/// The arguments of a request, read as the function's type.
pub(crate) fn read_args<Args: DeserializeOwned>(args: &[u8]) -> Result<Args, String> {
    postcard::from_bytes(args).map_err(|e| format!("the arguments could not be read: {e}"))
}

/// A worker's answer as bytes: a value that cannot be written, or that is too long to
/// travel, becomes an `Unsendable` answer saying so.
pub(crate) fn answer<T: Serialize>(answer: &Answer<T>) -> Vec<u8> {
    let why = match postcard::to_stdvec(answer) {
        Ok(bytes) if bytes.len() <= MOST => return bytes,
        Ok(bytes) => {
            let size = common::output::count(bytes.len(), "byte");
            format!("the value is {size}: more than the 4 GiB one answer can carry")
        }
        Err(e) => format!("the value could not be serialized: {e}"),
    };
    postcard::to_stdvec(&Answer::<()>::Unsendable(why)).unwrap_or_default()
}

/// The pool's reading of an answer.
pub(crate) fn read_answer<R: DeserializeOwned>(bytes: &[u8]) -> Result<R, TaskError> {
    match postcard::from_bytes(bytes) {
        Ok(Answer::Value(value)) => Ok(value),
        Ok(Answer::Panicked(why)) => Err(TaskError::Panicked(why)),
        Ok(Answer::NotServed(why)) => Err(TaskError::NotServed(why)),
        Ok(Answer::Unsendable(why)) => Err(TaskError::Unsendable(why)),
        Err(e) => Err(TaskError::Unsendable(format!(
            "the worker's answer could not be read: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_comes_back_whole_and_a_cut_one_is_an_error() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"hello").unwrap();
        write_frame(&mut wire, b"").unwrap();
        let mut reading = wire.as_slice();
        assert_eq!(read_frame(&mut reading).unwrap().as_deref(), Some(&b"hello"[..]));
        assert_eq!(read_frame(&mut reading).unwrap().as_deref(), Some(&b""[..]));
        assert_eq!(read_frame(&mut reading).unwrap(), None, "closed between frames");
        let cut = &wire[..7];
        assert!(read_frame(&mut &cut[..]).is_err(), "half a frame");
        let lying = [0xFF, 0xFF, 0xFF, 0xFF, 1, 2];
        assert!(read_frame(&mut &lying[..]).is_err(), "a length that lies");
    }

    // CPython test_deadlock.py :: test_error_during_func_exec_on_worker: the error comes
    // back as the task's result; here as an answer.
    #[test]
    fn an_answer_carries_a_value_a_panic_or_why_it_has_none() {
        assert_eq!(
            read_answer::<(i64, String)>(&answer(&Answer::Value((9, "x")))),
            Ok((9, "x".into()))
        );
        let panicked = answer(&Answer::<()>::Panicked("boom".into()));
        assert_eq!(
            read_answer::<i64>(&panicked),
            Err(TaskError::Panicked("boom".into()))
        );
        let garbage = read_answer::<i64>(&[0x1E, b'{', b'}']);
        assert!(
            matches!(garbage, Err(TaskError::Unsendable(why)) if why.starts_with("the worker's answer could not be read"))
        );
    }

    #[test]
    fn a_request_names_its_function_then_its_arguments() {
        let bytes = request("square", &(3_i64, vec![1_u8, 2])).unwrap();
        let (name, args) = split_request(&bytes).unwrap();
        assert_eq!(name, "square");
        assert_eq!(read_args::<(i64, Vec<u8>)>(args), Ok((3, vec![1, 2])));
        assert!(read_args::<String>(args).is_err());
    }
}
