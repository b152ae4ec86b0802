//! A small process pool: what Python's `ProcessPoolExecutor` does, written out by hand.
//!
//! Rust's standard library has no process pool, so here is the mechanism in one file:
//!
//! * Each worker is *this same program*, started again (`std::env::current_exe()`) with
//!   the hidden flag [`WORKER_FLAG`]. In that mode `main` calls [`serve`] and does nothing else.
//! * A task is one line of text on the worker's stdin; its answer is one line on stdout.
//!   (Python pickles the function and its arguments; we send text.)
//! * For each worker the pool keeps one thread in *this* process. It takes the next task
//!   from a shared queue, hands it to its worker, waits for the answer and passes it on.
//!   A worker runs one task at a time, so when one dies we know exactly which task it took
//!   down: that task fails with [`BrokenWorker`] (Python: `BrokenProcessPool`), a fresh
//!   worker takes its place, and the other tasks carry on.
//! * Dropping the pool closes every worker's stdin, waits briefly, kills a straggler, and
//!   always reaps it (`wait`), so no zombie is left behind. A worker also exits on its own
//!   the moment its stdin closes, so not even a crash of *this* process leaves one behind.
//!
//! | Python                                  | here                               |
//! |-----------------------------------------|------------------------------------|
//! | `ProcessPoolExecutor(max_workers=n)`    | [`ProcessPool::new(n)`](ProcessPool::new) |
//! | `executor.submit(fn, arg)`              | [`pool.submit(line)`](ProcessPool::submit) |
//! | `as_completed(futures)`                 | [`pool.as_completed()`](ProcessPool::as_completed) |
//! | `executor.map(fn, args)`                | [`pool.map(lines)`](ProcessPool::map) |
//! | leaving the `with` block                | dropping the pool                  |

use common::timeline::{Span, Worker};
use std::fmt;
use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The hidden command-line flag that turns this program into a pool worker.
pub const WORKER_FLAG: &str = "--process-pool-worker";

/// How long a worker may take to exit after its stdin closes before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// Which task a result belongs to: `submit` returns it, `as_completed` hands it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskId(usize);

/// A task whose worker process died before answering (Python: `BrokenProcessPool`).
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenWorker(pub String);

impl fmt::Display for BrokenWorker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One finished task: its answer line (or why there is none) and when and where it ran.
#[derive(Debug)]
pub struct Done {
    pub id: TaskId,
    pub answer: Result<String, BrokenWorker>,
    pub span: Span,
}

struct Task {
    id: TaskId,
    line: String,
}

/// A pool of worker processes. See the module documentation.
pub struct ProcessPool {
    tasks: Option<Sender<Task>>,
    done: Receiver<Done>,
    feeders: Vec<JoinHandle<()>>,
    submitted: usize,
    received: usize,
}

impl ProcessPool {
    /// Start `workers` worker processes (at least one).
    pub fn new(workers: usize) -> Self {
        let (tasks, queue) = mpsc::channel::<Task>();
        // All feeder threads take tasks from one queue: whoever is free takes the next.
        let queue = Arc::new(Mutex::new(queue));
        let (done_sender, done) = mpsc::channel();
        let feeders = (0..workers.max(1))
            .map(|_| {
                let (queue, done) = (Arc::clone(&queue), done_sender.clone());
                thread::spawn(move || feed_one_worker(&queue, &done))
            })
            .collect();
        Self {
            tasks: Some(tasks),
            done,
            feeders,
            submitted: 0,
            received: 0,
        }
    }

    /// Queue one task (a line of text, without a newline) and return its id.
    pub fn submit(&mut self, line: impl Into<String>) -> TaskId {
        let id = TaskId(self.submitted);
        self.submitted += 1;
        let line = line.into().replace('\n', " ");
        let queue = self.tasks.as_ref().expect("tasks are open until drop");
        queue
            .send(Task { id, line })
            .expect("feeder threads live as long as the pool");
        id
    }

    /// Every submitted task's result, in the order they finish.
    pub fn as_completed(&mut self) -> impl Iterator<Item = Done> + '_ {
        std::iter::from_fn(move || {
            if self.received == self.submitted {
                return None;
            }
            // Every task gets exactly one Done, even when its worker dies, so this can't hang.
            let done = self.done.recv().expect("feeder threads live as long as the pool");
            self.received += 1;
            Some(done)
        })
    }

    /// Run every line as a task; the results come back in the order of the input
    /// (Python's `executor.map`), once all of them are done. Collect the results of any
    /// earlier `submit` first: `map` waits for its own tasks only.
    pub fn map(&mut self, lines: impl IntoIterator<Item = String>) -> Vec<Done> {
        assert_eq!(
            self.received, self.submitted,
            "map: collect the results of earlier submits (as_completed) first"
        );
        let first = self.submitted;
        let count = lines.into_iter().map(|line| self.submit(line)).count();
        let mut in_order: Vec<Option<Done>> = (0..count).map(|_| None).collect();
        for done in self.as_completed() {
            let slot = done.id.0 - first;
            in_order[slot] = Some(done);
        }
        in_order
            .into_iter()
            .map(|done| done.expect("one result per task"))
            .collect()
    }
}

impl Drop for ProcessPool {
    fn drop(&mut self) {
        // Closing the queue tells each feeder to stop its worker; then wait for them all.
        drop(self.tasks.take());
        for feeder in self.feeders.drain(..) {
            let _ = feeder.join();
        }
    }
}

// ANCHOR: feed_one_worker
/// The thread that owns one worker process for the life of the pool.
fn feed_one_worker(queue: &Mutex<Receiver<Task>>, done: &Sender<Done>) {
    let mut worker = WorkerProcess::start();
    loop {
        // Holding the lock while waiting is fine: only an idle feeder wants it.
        let Ok(task) = queue.lock().expect("no feeder panics holding it").recv() else {
            break; // the pool was dropped
        };
        let start = Instant::now();
        let (answer, pid) = match &mut worker {
            Ok(process) => (process.ask(&task.line), process.child.id()),
            Err(error) => (Err(error.clone()), 0),
        };
        let span = Span {
            label: task.line,
            worker: Worker::Process(pid),
            start,
            end: Instant::now(),
        };
        if answer.is_err() {
            // This worker is gone (or never started): reap it and start a fresh one.
            if let Ok(dead) = worker {
                dead.stop();
            }
            worker = WorkerProcess::start();
        }
        if done
            .send(Done {
                id: task.id,
                answer,
                span,
            })
            .is_err()
        {
            break;
        }
    }
    if let Ok(process) = worker {
        process.stop();
    }
}
// ANCHOR_END: feed_one_worker

/// One running worker process and the pipes to it.
struct WorkerProcess {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Collects what the worker writes to stderr; yields its last line once the worker ends.
    stderr: Option<JoinHandle<String>>,
}

impl WorkerProcess {
    fn start() -> Result<Self, BrokenWorker> {
        let started = std::env::current_exe().and_then(|program| {
            Command::new(program)
                .arg(WORKER_FLAG)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
        });
        let mut child = started.map_err(|e| BrokenWorker(format!("cannot start a worker process: {e}")))?;
        let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(stdin), Some(stdout), Some(stderr)) = (stdin, stdout, stderr) else {
            unreachable!("all three pipes were requested");
        };
        let stderr = Some(thread::spawn(move || {
            BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
                .filter(|line| !line.trim().is_empty())
                .last()
                .unwrap_or_default()
        }));
        Ok(Self {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            stderr,
        })
    }

    /// Send one task line and wait for the answer line. `Err` means the worker died.
    fn ask(&mut self, line: &str) -> Result<String, BrokenWorker> {
        let mut answer = String::new();
        let asked = writeln!(self.stdin, "{line}").and_then(|()| self.stdin.flush());
        match asked.and_then(|()| self.stdout.read_line(&mut answer)) {
            Ok(read) if read > 0 => Ok(answer.trim_end().to_string()),
            _ => Err(self.why_it_died()),
        }
    }

    /// The worker's stdout closed: wait for it to end, then say how it ended.
    fn why_it_died(&mut self) -> BrokenWorker {
        let pid = self.child.id();
        let status = wait_or_kill(&mut self.child, EXIT_GRACE)
            .map_or_else(|| "killed: it would not exit".to_string(), |s| s.to_string());
        let last_words = self.stderr.take().and_then(|t| t.join().ok()).unwrap_or_default();
        let last_words = last_words.strip_prefix("error: ").unwrap_or(&last_words);
        if last_words.is_empty() {
            BrokenWorker(format!("worker process {pid} died ({status})"))
        } else {
            BrokenWorker(format!("worker process {pid} died ({status}): {last_words}"))
        }
    }

    /// Close stdin (the worker's signal to exit), then wait, killing it if it lingers.
    fn stop(self) {
        let Self { mut child, stdin, .. } = self;
        drop(stdin);
        wait_or_kill(&mut child, EXIT_GRACE);
    }
}

/// Wait up to `grace` for `child` to exit; then kill it. Either way it is reaped.
/// Returns the exit status if it exited by itself.
fn wait_or_kill(child: &mut Child, grace: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + grace;
    // std can't wait with a timeout, so look again and again, soon at first, then less often.
    let mut pause = Duration::from_micros(50);
    while Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => thread::sleep(pause),
            Err(_) => break,
        }
        pause = (pause * 2).min(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Was this process started by a pool as one of its workers? Ask first thing in `main`:
/// a worker must do nothing but [`serve`].
pub fn is_worker() -> bool {
    std::env::args().nth(1).as_deref() == Some(WORKER_FLAG)
}

// ANCHOR: serve
/// Worker mode: answer task lines from stdin with `task` until stdin closes, then exit.
pub fn serve(task: impl Fn(&str) -> String) -> ! {
    // Read stdin on its own thread, so that the moment it closes (the pool is done, or the
    // parent died) this process exits, even in the middle of a task.
    let (lines, incoming) = mpsc::channel();
    thread::spawn(move || {
        for line in io::stdin().lock().lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
        std::process::exit(0);
    });
    let mut stdout = io::stdout().lock();
    for line in incoming {
        // A panic in `task` ends this process; the pool reports its message (one line on
        // stderr, thanks to common's quiet panic hook) as this task's BrokenWorker.
        let answer = task(&line);
        if writeln!(stdout, "{answer}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            break;
        }
    }
    std::process::exit(0)
}
// ANCHOR_END: serve
