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
use postcard::ser_flavors::Size;
use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::any::{Any, TypeId};
use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;

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
pub(crate) fn write_frame(to: &mut (impl Write + ?Sized), body: &[u8]) -> io::Result<()> {
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

/// Read a frame's length: `None` if the other side closed the connection first. Then
/// [`read_body`] reads its bytes into a buffer that serves frame after frame (a big one
/// costs no fresh memory the next time).
pub(crate) fn read_length(from: &mut impl Read) -> io::Result<Option<usize>> {
    let mut length = [0; 4];
    match from.read(&mut length)? {
        0 => Ok(None),
        got => {
            from.read_exact(&mut length[got..])?;
            Ok(Some(u32::from_le_bytes(length) as usize))
        }
    }
}

/// Read a frame's `length` bytes into `body`.
pub(crate) fn read_body(from: &mut impl Read, length: usize, body: &mut Vec<u8>) -> io::Result<()> {
    body.clear();
    // Grow as the bytes come, so that a length that lies does not allocate gigabytes up front.
    body.reserve(length.min(64 << 20));
    from.take(length as u64).read_to_end(body)?;
    if body.len() < length {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// A request to run a function, ready to be written as one frame.
pub(crate) trait Request: Send + Sync {
    fn write_to(&self, to: &mut dyn Write) -> io::Result<()>;
}

/// A call of a function on its arguments: its name, then its arguments, written from where
/// they are when the call is sent (a big argument is not copied into a request first).
pub(crate) struct Call<Args> {
    function: &'static str,
    args: Arc<Args>,
    /// The frame's length, measured when the call was made.
    length: u32,
}

impl<Args: Serialize + Send + Sync + 'static> Call<Args> {
    /// The call, or why its arguments cannot travel: serde refuses them, or they are too long.
    pub(crate) fn new(function: &'static str, args: Arc<Args>) -> Result<Self, TaskError> {
        let length = postcard::serialize_with_flavor(&(function, AsBytes(&*args)), Size::default())
            .map_err(|e| TaskError::Unsendable(format!("the arguments could not be serialized: {e}")))?;
        let length = u32::try_from(length).map_err(|_| {
            let size = common::output::count(length, "byte");
            TaskError::Unsendable(format!(
                "the arguments are {size}: more than the 4 GiB one task can carry"
            ))
        })?;
        Ok(Call {
            function,
            args,
            length,
        })
    }
}

impl<Args: Serialize + Send + Sync + 'static> Request for Call<Args> {
    fn write_to(&self, to: &mut dyn Write) -> io::Result<()> {
        to.write_all(&self.length.to_le_bytes())?;
        postcard::to_io(&(self.function, AsBytes(&*self.args)), &mut *to).map_err(io::Error::other)?;
        to.flush()
    }
}

/// A request already written out (the initializer's, sent to every worker): the frame's bytes.
impl Request for Vec<u8> {
    fn write_to(&self, to: &mut dyn Write) -> io::Result<()> {
        write_frame(to, self)
    }
}

/// The bytes of a request for one call, to send again and again.
pub(crate) fn request<Args: Serialize + 'static>(function: &str, args: &Args) -> Result<Vec<u8>, TaskError> {
    let request = postcard::to_stdvec(&(function, AsBytes(args)))
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
pub(crate) fn read_args<Args: DeserializeOwned + 'static>(args: &[u8]) -> Result<Args, String> {
    let args = postcard::from_bytes(args).map_err(|e| format!("the arguments could not be read: {e}"));
    args.map(|FromBytes(args)| args)
}

/// A worker's answer as bytes, in `into` (emptied first; kept from answer to answer): a
/// value that cannot be written, or that is too long to travel, becomes an `Unsendable`
/// answer saying so.
pub(crate) fn answer<T: Serialize>(answer: &Answer<T>, into: &mut Vec<u8>) {
    let mut buffer = std::mem::take(into);
    buffer.clear();
    let why = match postcard::to_extend(answer, buffer) {
        Ok(bytes) if bytes.len() <= MOST => return *into = bytes,
        Ok(bytes) => {
            let size = common::output::count(bytes.len(), "byte");
            format!("the value is {size}: more than the 4 GiB one answer can carry")
        }
        Err(e) => format!("the value could not be serialized: {e}"),
    };
    *into = postcard::to_stdvec(&Answer::<()>::Unsendable(why)).unwrap_or_default();
}

/// The pool's reading of an answer.
pub(crate) fn read_answer<R: DeserializeOwned + 'static>(bytes: &[u8]) -> Result<R, TaskError> {
    match postcard::from_bytes(bytes) {
        Ok(Answer::Value(FromBytes(value))) => Ok(value),
        Ok(Answer::Panicked(why)) => Err(TaskError::Panicked(why)),
        Ok(Answer::NotServed(why)) => Err(TaskError::NotServed(why)),
        Ok(Answer::Unsendable(why)) => Err(TaskError::Unsendable(why)),
        Err(e) => Err(TaskError::Unsendable(format!(
            "the worker's answer could not be read: {e}"
        ))),
    }
}

/// A value as it travels. A `Vec<u8>` goes as one block of bytes, as pickle sends `bytes`:
/// serde writes a `Vec<u8>` as a sequence, one call per byte (20 ms each way for 10 MiB,
/// where a copy takes one), and postcard writes bytes and a sequence of bytes alike (the
/// length, then the bytes), so either side reads what the other wrote. Other types go
/// through serde as they are.
pub(crate) struct AsBytes<'a, T>(pub(crate) &'a T);

impl<T: Serialize + 'static> Serialize for AsBytes<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.0 as &dyn Any).downcast_ref::<Vec<u8>>() {
            Some(bytes) => serializer.serialize_bytes(bytes),
            None => self.0.serialize(serializer),
        }
    }
}

/// A value read as [`AsBytes`] wrote it.
pub(crate) struct FromBytes<T>(T);

impl<'de, T: DeserializeOwned + 'static> Deserialize<'de> for FromBytes<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if TypeId::of::<T>() != TypeId::of::<Vec<u8>>() {
            return T::deserialize(deserializer).map(FromBytes);
        }
        let bytes: Box<dyn Any> = Box::new(deserializer.deserialize_byte_buf(BytesVisitor)?);
        let bytes = bytes
            .downcast::<T>()
            .map_err(|_| de::Error::custom("not bytes"))?;
        Ok(FromBytes(*bytes))
    }
}

/// Reads bytes, however the format hands them over.
struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bytes")
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<u8>, E> {
        Ok(bytes.to_vec())
    }

    fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Vec<u8>, E> {
        Ok(bytes)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut bytes = Vec::new();
        while let Some(byte) = seq.next_element()? {
            bytes.push(byte);
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One frame into `body`, as the pool and a worker read them; false at a clean end.
    fn read_frame(from: &mut impl Read, body: &mut Vec<u8>) -> io::Result<bool> {
        match read_length(from)? {
            Some(length) => read_body(from, length, body).map(|()| true),
            None => Ok(false),
        }
    }

    #[test]
    fn a_frame_comes_back_whole_and_a_cut_one_is_an_error() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"hello").unwrap();
        write_frame(&mut wire, b"").unwrap();
        let mut reading = wire.as_slice();
        let mut body = Vec::new();
        assert!(read_frame(&mut reading, &mut body).unwrap());
        assert_eq!(body, b"hello");
        assert!(read_frame(&mut reading, &mut body).unwrap());
        assert_eq!(body, b"");
        assert!(
            !read_frame(&mut reading, &mut body).unwrap(),
            "closed between frames"
        );
        let cut = &wire[..7];
        assert!(read_frame(&mut &cut[..], &mut body).is_err(), "half a frame");
        let lying = [0xFF, 0xFF, 0xFF, 0xFF, 1, 2];
        assert!(
            read_frame(&mut &lying[..], &mut body).is_err(),
            "a length that lies"
        );
    }

    // CPython test_deadlock.py :: test_error_during_func_exec_on_worker: the error comes
    // back as the task's result; here as an answer.
    #[test]
    fn an_answer_carries_a_value_a_panic_or_why_it_has_none() {
        let mut bytes = Vec::new();
        answer(&Answer::Value((9, "x")), &mut bytes);
        assert_eq!(read_answer::<(i64, String)>(&bytes), Ok((9, "x".into())));
        let mut panicked = Vec::new();
        answer(&Answer::<()>::Panicked("boom".into()), &mut panicked);
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
    fn bytes_travel_as_one_block_and_read_as_serde_writes_them() {
        let bytes = vec![0_u8, 1, 255];
        let fast = postcard::to_stdvec(&AsBytes(&bytes)).unwrap();
        assert_eq!(fast, postcard::to_stdvec(&bytes).unwrap(), "the same on the wire");
        let FromBytes(back) = postcard::from_bytes::<FromBytes<Vec<u8>>>(&fast).unwrap();
        assert_eq!(back, bytes);
        let FromBytes(other) = postcard::from_bytes::<FromBytes<Vec<i8>>>(&fast).unwrap();
        assert_eq!(other, [0, 1, -1], "other types as serde reads them");
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
