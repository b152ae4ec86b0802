//! The child process, seen from the pool: one running worker and its connection. It starts
//! the worker and waits for it to connect back, sends it one task at a time and waits for
//! the answer, and stops it, always reaping it so that no zombie is left behind.

use super::future::TaskError;
use super::wire::{self, Request};
use super::worker::WORKER_FLAG;
use common::children::wait_or_kill;
use std::io::{self, BufWriter, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long a worker may take to exit after its connection closes before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// How long a connection may take to send its secret: the worker sends it at once.
const SECRET_GRACE: Duration = Duration::from_secs(2);

/// The threads this process runs for each worker: the pool's feeder, which also reads the
/// worker's answers.
pub(crate) const THREADS_PER_WORKER: usize = 1;

/// One running worker process and the connection to it.
pub(crate) struct WorkerProcess {
    child: Child,
    connection: TcpStream,
    /// The connection's writing side, buffered: a small request goes out in one write.
    requests: BufWriter<TcpStream>,
    /// The last answer's bytes; the buffer serves every answer.
    answer: Vec<u8>,
}

impl WorkerProcess {
    /// Start a worker and wait for it to connect; `Err(WorkerDied)` says why it could not.
    pub(crate) fn start() -> Result<Self, TaskError> {
        let cannot = |what: &str, error: io::Error| {
            let reason = common::output::strip_os_error(&error.to_string());
            TaskError::WorkerDied(format!("cannot start a worker process: {what}: {reason}"))
        };
        // A listener of its own, on the loopback address, for this one worker.
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| cannot("no port", e))?;
        let address = listener.local_addr().map_err(|e| cannot("no port", e))?;
        let secret = new_secret().map_err(|e| cannot("no secret", e))?;
        let mut child = start_worker_process().map_err(|e| cannot("spawn", e))?;
        // The address and the secret, on stdin; then stdin is closed: a task that reads it
        // gets end of file at once (Python's worker has /dev/null there).
        let told = child
            .stdin
            .take()
            .map(|mut stdin| writeln!(stdin, "{address} {secret}"));
        let connected = match told {
            Some(Ok(())) => accept_worker(&listener, &mut child, secret.as_bytes()),
            _ => Err(why_it_died(&mut child, "before it connected")),
        };
        match connected {
            Ok(connection) => match connection.try_clone() {
                Ok(writing) => Ok(WorkerProcess {
                    child,
                    connection,
                    requests: BufWriter::with_capacity(8 << 10, writing),
                    answer: Vec::new(),
                }),
                Err(e) => Err(cannot("no connection", e)),
            },
            Err(why) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(why)
            }
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Has the worker ended already (died while idle, say)? A task sent now would fail.
    pub(crate) fn has_ended(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// Send one request and wait for the answer, at most `limit`. `Err` means the worker
    /// died, or ran past the limit and was killed: either way it is of no more use.
    pub(crate) fn ask(&mut self, request: &dyn Request, limit: Option<Duration>) -> Result<&[u8], TaskError> {
        if request.write_to(&mut self.requests).is_err() {
            return Err(why_it_died(&mut self.child, "while it was sent a task"));
        }
        let _ = self.connection.set_read_timeout(limit);
        let read = wire::read_length(&mut self.connection).map(|length| {
            length.map(|length| wire::read_body(&mut self.connection, length, &mut self.answer))
        });
        match read {
            Ok(Some(Ok(()))) => Ok(&self.answer),
            Err(e) | Ok(Some(Err(e))) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                // SIGKILL (TerminateProcess on Windows) ends even a stopped worker.
                let _ = self.child.kill();
                let limit = limit.map_or(0.0, |limit| limit.as_secs_f64());
                let pid = self.child.id();
                Err(TaskError::TimeLimit(format!(
                    "no answer within the {limit} s time limit: worker process {pid} was killed"
                )))
            }
            // Closed, or reset (a killed process's connection may be), before any answer.
            Ok(None) | Err(_) => Err(why_it_died(&mut self.child, "")),
            Ok(Some(Err(_))) => Err(why_it_died(&mut self.child, "in the middle of its answer")),
        }
    }

    /// Close the connection (the worker's signal to exit), then wait, killing it if it lingers.
    pub(crate) fn stop(self) {
        let Self {
            mut child,
            connection,
            ..
        } = self;
        let _ = connection.shutdown(Shutdown::Both);
        drop(connection);
        wait_or_kill(&mut child, EXIT_GRACE);
    }
}

/// This program again, as a worker: its stdout and stderr are ours (what a task prints
/// reaches the terminal unchanged), its stdin a pipe that carries the address and secret.
/// The parent's id goes along: see `common::children::die_with_parent`.
fn start_worker_process() -> io::Result<Child> {
    Command::new(this_program()?)
        .args([WORKER_FLAG.to_string(), std::process::id().to_string()])
        .stdin(Stdio::piped())
        .spawn()
}

/// This program's file as it was when it started. On Linux that is `/proc/self/exe`, which
/// still opens it after a rebuild replaced or deleted the file (`cargo build` in another
/// terminal while the lesson runs): a worker is never a newer program than its pool, whose
/// functions could differ. Elsewhere, the file at the program's path.
fn this_program() -> io::Result<std::path::PathBuf> {
    let own_file = std::path::Path::new("/proc/self/exe");
    match cfg!(target_os = "linux") && own_file.exists() {
        true => Ok(own_file.to_path_buf()),
        false => std::env::current_exe(),
    }
}

/// A secret of 128 random bits, in hex: only the worker that was told it may answer.
fn new_secret() -> io::Result<String> {
    let mut bytes = [0_u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Wait for the worker to connect and send `secret`; a connection that does not is closed
/// and the next one awaited. If the worker ends first, say how.
fn accept_worker(listener: &TcpListener, child: &mut Child, secret: &[u8]) -> Result<TcpStream, TaskError> {
    let (started, mut pause) = (Instant::now(), Duration::from_millis(1));
    loop {
        match wait_for_connection(listener, pause) {
            Ok(Some(connection)) => {
                if let Ok(connection) = proven(connection, secret) {
                    return Ok(connection);
                }
            }
            Ok(None) => {
                if !matches!(child.try_wait(), Ok(None)) {
                    return Err(why_it_died(child, "before it connected"));
                }
                if started.elapsed() > Duration::from_millis(50) {
                    pause = (pause * 2).min(Duration::from_millis(10));
                }
            }
            Err(e) => return Err(TaskError::WorkerDied(format!("cannot accept a worker: {e}"))),
        }
    }
}

/// A connection, if one comes within `pause` (std cannot wait for a connection and a
/// process at once, so the caller looks at the worker between two waits). Linux: the wait
/// itself ends the moment one comes (the listener's receive timeout bounds `accept`).
#[cfg(target_os = "linux")]
fn wait_for_connection(listener: &TcpListener, pause: Duration) -> io::Result<Option<TcpStream>> {
    socket2::SockRef::from(listener).set_read_timeout(Some(pause))?;
    match listener.accept() {
        Ok((connection, _)) => Ok(Some(connection)),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Elsewhere (where `accept` may not heed a timeout): look, and if none has come, sleep a
/// while; every 100 µs at first, as a worker connects within a millisecond or two.
#[cfg(not(target_os = "linux"))]
fn wait_for_connection(listener: &TcpListener, pause: Duration) -> io::Result<Option<TcpStream>> {
    listener.set_nonblocking(true)?;
    match listener.accept() {
        Ok((connection, _)) => Ok(Some(connection)),
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            std::thread::sleep(pause / 10);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The connection, if the first thing on it is `secret`.
fn proven(mut connection: TcpStream, secret: &[u8]) -> io::Result<TcpStream> {
    connection.set_nonblocking(false)?;
    connection.set_read_timeout(Some(SECRET_GRACE))?;
    let mut sent = vec![0; secret.len()];
    connection.read_exact(&mut sent)?;
    if sent != secret {
        return Err(ErrorKind::PermissionDenied.into());
    }
    connection.set_nodelay(true)?;
    Ok(connection) // its read timeout is set for each answer it waits for
}

/// The worker's connection closed (or never opened): wait for it to end, then say how.
fn why_it_died(child: &mut Child, when: &str) -> TaskError {
    let pid = child.id();
    let status = wait_or_kill(child, EXIT_GRACE)
        .map_or_else(|| "killed: it would not exit".to_string(), describe_exit);
    let when = if when.is_empty() {
        String::new()
    } else {
        format!(" {when}")
    };
    TaskError::WorkerDied(format!("worker process {pid} died{when} ({status})"))
}

/// How a process ended, in the same words on every OS (std's own wording differs:
/// "exit status: 101" on Unix, "exit code: 101" on Windows).
fn describe_exit(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit code {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                6 => ", SIGABRT",
                9 => ", SIGKILL",
                11 => ", SIGSEGV",
                15 => ", SIGTERM",
                _ => "",
            };
            return format!("killed by signal {signal}{name}");
        }
    }
    status.to_string()
}
