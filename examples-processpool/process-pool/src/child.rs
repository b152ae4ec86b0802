//! The child process, seen from the pool: one running worker and the pipes to it. It
//! starts the worker (and runs the pool's initializer in it), sends it one task line at a
//! time and waits for the answer line, and stops it, always reaping it so that no zombie
//! is left behind.

use super::future::TaskError;
use super::wire::split_answer;
use super::worker::WORKER_FLAG;
use common::children::{start_this_program_again, wait_or_kill};
use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ExitStatus};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long a worker may take to exit after its stdin closes before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// The threads this process runs for each worker: the pool's feeder, and a reader for each
/// of the worker's stdout and stderr.
pub(crate) const THREADS_PER_WORKER: usize = 3;

/// One running worker process and the pipes to it.
pub(crate) struct WorkerProcess {
    child: Child,
    stdin: ChildStdin,
    /// The worker's answer lines, read from its stdout by a thread of their own, so that
    /// waiting for one can have a time limit (std cannot wait on a pipe with a timeout).
    answers: Receiver<String>,
    /// Collects what the worker writes to stderr; yields its last line once the worker ends.
    stderr: Option<JoinHandle<String>>,
}

impl WorkerProcess {
    /// Start a worker; `Err(WorkerDied)` says why it could not start.
    pub(crate) fn start() -> Result<Self, TaskError> {
        // The parent's id goes along: see `die_with_parent`.
        let started = start_this_program_again(&[WORKER_FLAG.to_string(), std::process::id().to_string()]);
        let mut child = started.map_err(|e| {
            let reason = common::output::strip_os_error(&e.to_string());
            TaskError::WorkerDied(format!("cannot start a worker process: {reason}"))
        })?;
        let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(stdin), Some(stdout), Some(stderr)) = (stdin, stdout, stderr) else {
            unreachable!("all three pipes were requested");
        };
        let (answer, answers) = mpsc::channel();
        let readers = read_lines(stdout, move |line| take_answer(&line, &answer)).and_then(|_| {
            read_lines(stderr, |_| true) // the last line is the worker's last words
        });
        match readers {
            Ok(stderr) => Ok(Self {
                child,
                stdin,
                answers,
                stderr: Some(stderr),
            }),
            Err(error) => {
                let _ = child.kill();
                let _ = child.wait();
                let reason = common::output::strip_os_error(&error.to_string());
                Err(TaskError::WorkerDied(format!(
                    "cannot start a thread for a worker process: {reason}"
                )))
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

    /// Send one line and wait for the answer line, at most `limit`. `Err` means the worker
    /// died, or ran past the limit and was killed: either way it is of no more use.
    pub(crate) fn ask(&mut self, line: &str, limit: Option<Duration>) -> Result<String, TaskError> {
        if writeln!(self.stdin, "{line}")
            .and_then(|()| self.stdin.flush())
            .is_err()
        {
            return Err(self.why_it_died());
        }
        let answer = match limit {
            Some(limit) => self.answers.recv_timeout(limit),
            None => self.answers.recv().map_err(RecvTimeoutError::from),
        };
        match answer {
            Ok(answer) => Ok(answer),
            Err(RecvTimeoutError::Timeout) => {
                // SIGKILL (TerminateProcess on Windows) ends even a stopped worker.
                let _ = self.child.kill();
                let limit = limit.map_or(0.0, |limit| limit.as_secs_f64());
                let pid = self.child.id();
                Err(TaskError::TimeLimit(format!(
                    "no answer within the {limit} s time limit: worker process {pid} was killed"
                )))
            }
            Err(RecvTimeoutError::Disconnected) => Err(self.why_it_died()),
        }
    }

    /// The worker's stdout closed: wait for it to end, then say how it ended.
    fn why_it_died(&mut self) -> TaskError {
        let pid = self.child.id();
        let status = wait_or_kill(&mut self.child, EXIT_GRACE)
            .map_or_else(|| "killed: it would not exit".to_string(), describe_exit);
        let last_words = self.stderr.take().and_then(|t| t.join().ok()).unwrap_or_default();
        let last_words = last_words.strip_prefix("error: ").unwrap_or(&last_words);
        if last_words.is_empty() {
            TaskError::WorkerDied(format!("worker process {pid} died ({status})"))
        } else {
            TaskError::WorkerDied(format!("worker process {pid} died ({status}): {last_words}"))
        }
    }

    /// Close stdin (the worker's signal to exit), then wait, killing it if it lingers.
    pub(crate) fn stop(self) {
        let Self { mut child, stdin, .. } = self;
        drop(stdin);
        wait_or_kill(&mut child, EXIT_GRACE);
    }
}

/// One line from the worker's stdout: pass on what the task printed itself to our stdout
/// (where Python's worker prints too), and send the answer, if the line holds one, to
/// whoever waits for it; false once no one will.
fn take_answer(line: &str, answers: &mpsc::Sender<String>) -> bool {
    let (printed, answer) = split_answer(line);
    if !printed.is_empty() || answer.is_none() {
        common::output::write_line(printed);
    }
    answer.is_none_or(|answer| answers.send(answer.to_string()).is_ok())
}

/// Read `pipe` line by line on a thread of its own, handing each line to `take` until it
/// says stop; the thread's result is the last line that was not blank.
fn read_lines(
    pipe: impl io::Read + Send + 'static,
    mut take: impl FnMut(String) -> bool + Send + 'static,
) -> io::Result<JoinHandle<String>> {
    thread::Builder::new().spawn(move || {
        let mut last = String::new();
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if !line.trim().is_empty() {
                last.clone_from(&line);
            }
            if !take(line) {
                break;
            }
        }
        last
    })
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
            return format!("killed by signal {signal}");
        }
    }
    status.to_string()
}
