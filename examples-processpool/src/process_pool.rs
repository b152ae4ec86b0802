//! A small process pool: what Python's `ProcessPoolExecutor` does, written out by hand.
//!
//! Rust's standard library has no process pool, so here is the mechanism in one file:
//!
//! * Each worker is *this same program*, started again (`std::env::current_exe()`) with
//!   the hidden flag [`WORKER_FLAG`]. `main` first calls [`serve_if_worker`], which in a
//!   worker serves tasks and never returns (Python re-imports the main module in each
//!   worker; its `if __name__ == "__main__":` keeps the lesson from running there).
//! * A task is one line of text on the worker's stdin: the function's name and its
//!   arguments; its answer is one line on stdout. Python pickles both, and a function
//!   travels by its name there too. Here the values travel through [`Wire`].
//! * For each worker the pool keeps one thread in *this* process. It takes the next task
//!   from a shared queue, hands it to its worker, waits for the answer and passes it on.
//!   A worker runs one task at a time, so when one dies we know exactly which task it took
//!   down: that task fails with [`BrokenWorker`] (Python: `BrokenProcessPool`), a fresh
//!   worker takes its place, and the other tasks carry on.
//! * Dropping the pool closes every worker's stdin, waits briefly, kills a straggler, and
//!   always reaps it (`wait`), so no zombie is left behind. A worker also exits on its own
//!   the moment its stdin closes, so not even a crash of *this* process leaves one behind;
//!   on Linux the kernel kills it too when its pool's thread ends, even a worker that is
//!   stopped (`kill -STOP`) and so can read nothing.
//! * A task may get a time limit ([`limit_each_task`], `future.result(timeout=…)`): past
//!   it the task fails, and its worker is killed and replaced.
//! * Workers that cannot start (too many open files, say) are left out with one warning;
//!   the tasks run on the workers that did start.
//!
//! | Python                                  | here                               |
//! |-----------------------------------------|------------------------------------|
//! | `ProcessPoolExecutor(max_workers=n)`    | [`ProcessPool::new(n)`](ProcessPool::new) |
//! | `executor.submit(fn, a, b)`             | [`pool.submit(fn, (a, b))`](ProcessPool::submit) |
//! | `as_completed(futures)`                 | [`pool.as_completed()`](ProcessPool::as_completed) |
//! | `future.result()`                       | [`done.result`](Done)              |
//! | `executor.map(fn, args)`                | [`pool.map(fn, args)`](ProcessPool::map) |
//! | leaving the `with` block                | dropping the pool                  |

use common::children::{start_this_program_again, wait_or_kill};
use common::output::count;
use common::timeline::{Span, Worker};
use std::any::type_name;
use std::fmt;
use std::io::{self, BufRead, BufReader, Write};
use std::marker::PhantomData;
use std::process::{Child, ChildStdin, ExitStatus};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The hidden command-line flag that turns this program into a pool worker.
pub const WORKER_FLAG: &str = "--process-pool-worker";

/// How long a worker may take to exit after its stdin closes before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// The threads this process runs for each worker: its feeder, and a reader for each of
/// the worker's stdout and stderr.
const THREADS_PER_WORKER: usize = 3;

/// How long any task may take, if limited: see [`limit_each_task`].
static TASK_TIME_LIMIT: OnceLock<Duration> = OnceLock::new();

/// Give every task of every pool at most `limit` (`None`: no limit), like calling
/// `future.result(timeout=limit)` on each future. Python only stops *waiting* and leaves
/// the worker busy; here a worker past the limit is killed and replaced, and the task
/// fails with a [`BrokenWorker`] that says so. Call it before starting a pool.
pub fn limit_each_task(limit: Option<Duration>) {
    if let Some(limit) = limit {
        let _ = TASK_TIME_LIMIT.set(limit);
    }
}

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

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn write(&self, words: &mut Vec<String>) {
        self.0.write(words);
        self.1.write(words);
    }
    fn read<'a>(words: &mut impl Iterator<Item = &'a str>) -> Option<Self> {
        Some((A::read(words)?, B::read(words)?))
    }
}

/// A value as one line, and back: the pool's only encoding.
fn to_line(value: &impl Wire) -> String {
    let mut words = Vec::new();
    value.write(&mut words);
    words.join(" ")
}

fn from_line<T: Wire>(line: &str) -> Option<T> {
    let mut words = line.split_whitespace();
    let value = T::read(&mut words)?;
    words.next().is_none().then_some(value)
}

/// A function a worker can run on the arguments of one task: any `fn(A, B) -> R`.
pub trait Function<Args> {
    type Output;
    fn call(&self, args: Args) -> Self::Output;
}

impl<F: Fn(A, B) -> R, A, B, R> Function<(A, B)> for F {
    type Output = R;
    fn call(&self, (a, b): (A, B)) -> R {
        self(a, b)
    }
}

/// A function's name, as it travels with each task: `examples_processpool::my_function`.
fn name_of<F>(_function: &F) -> &'static str {
    type_name::<F>()
}

/// A task whose worker process died before answering (Python: `BrokenProcessPool`).
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenWorker(pub String);

impl fmt::Display for BrokenWorker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One finished task: its arguments, its result (or why there is none), and when and
/// where it ran (the span is labelled with the task's first argument).
#[derive(Debug)]
pub struct Done<Args, R> {
    pub args: Args,
    pub result: Result<R, BrokenWorker>,
    pub span: Span,
}

/// One task on its way to a worker: its place in the order of submission and its line.
struct Task {
    index: usize,
    line: String,
    /// The timeline's label: the task's first argument.
    label: String,
}

/// What a feeder thread hands back: the task's place and the worker's answer line.
struct Answer {
    index: usize,
    line: Result<String, BrokenWorker>,
    span: Span,
}

/// A pool of worker processes running tasks with arguments `Args` and results `R`.
/// See the module documentation.
pub struct ProcessPool<Args, R> {
    tasks: Option<Sender<Task>>,
    answers: Receiver<Answer>,
    feeders: Vec<JoinHandle<()>>,
    /// The arguments of every task not yet answered, by its place in the order of submission.
    waiting: Vec<Option<Args>>,
    received: usize,
    result: PhantomData<R>,
}

impl<Args: Wire, R: Wire> ProcessPool<Args, R> {
    /// Start `workers` worker processes (at least one). If some cannot start, say so in
    /// one warning and run the tasks on the others; if the OS won't give this process the
    /// threads the pool needs, say so in one line and exit (see `exit_if_threads_refused`).
    pub fn new(workers: usize) -> Self {
        let workers = workers.max(1);
        common::workers::exit_if_threads_refused(workers * THREADS_PER_WORKER, "try fewer --workers");
        let (tasks, queue) = mpsc::channel::<Task>();
        // All feeder threads take tasks from one queue: whoever is free takes the next.
        let queue = Arc::new(Mutex::new(queue));
        let (answer, answers) = mpsc::channel();
        let (started, starts) = mpsc::channel();
        let start_feeder = |spare| {
            let (queue, answer, started) = (Arc::clone(&queue), answer.clone(), started.clone());
            thread::spawn(move || feed_one_worker(&queue, &answer, &started, spare))
        };
        // Every worker starts at once; a feeder whose worker cannot start just leaves.
        let mut feeders: Vec<_> = (0..workers).map(|_| start_feeder(true)).collect();
        let failed: Vec<BrokenWorker> = starts.iter().take(workers).filter_map(Result::err).collect();
        if failed.len() == workers {
            // None started: one feeder stays and tries again per task, so each says why.
            feeders.push(start_feeder(false));
        } else if let Some(why) = failed.first() {
            common::output::write_error_line(&format!(
                "warning: {} of {workers} worker processes did not start ({why}); the tasks run on the {} that did.",
                failed.len(),
                count(workers - failed.len(), "worker")
            ));
        }
        Self {
            tasks: Some(tasks),
            answers,
            feeders,
            waiting: Vec::new(),
            received: 0,
            result: PhantomData,
        }
    }

    /// Queue `function(args)`: the function's name and the arguments go to the next free
    /// worker, which must be serving that function (see [`serve_if_worker`]).
    pub fn submit<F: Function<Args, Output = R>>(&mut self, function: F, args: Args) {
        let line = to_line(&args);
        let label = line.split(' ').next().unwrap_or_default().to_string();
        let task = Task {
            index: self.waiting.len(),
            line: format!("{} {line}", name_of(&function)),
            label,
        };
        self.waiting.push(Some(args));
        let queue = self.tasks.as_ref().expect("tasks are open until drop");
        queue.send(task).expect("feeder threads live as long as the pool");
    }

    /// Every submitted task's result, in the order they finish.
    pub fn as_completed(&mut self) -> impl Iterator<Item = Done<Args, R>> + '_ {
        std::iter::from_fn(move || self.next_done().map(|(_, done)| done))
    }

    /// The next task to finish, with its place in the order of submission.
    fn next_done(&mut self) -> Option<(usize, Done<Args, R>)> {
        if self.received == self.waiting.len() {
            return None;
        }
        // Every task gets exactly one answer, even when its worker dies or cannot be
        // replaced, so this can't hang (unless a task runs forever with no time limit).
        let answer = self
            .answers
            .recv()
            .expect("feeder threads live as long as the pool");
        self.received += 1;
        let args = self.waiting[answer.index].take().expect("one answer per task");
        let result = answer.line.and_then(|line| {
            from_line(&line).ok_or_else(|| BrokenWorker(format!("the worker answered nonsense: {line:?}")))
        });
        let done = Done {
            args,
            result,
            span: answer.span,
        };
        Some((answer.index, done))
    }

    /// Run `function` on every item of `all_args`; the results come back in the order of
    /// the input (Python's `executor.map`), once all of them are done. Collect the results
    /// of any earlier `submit` first: `map` waits for its own tasks only.
    pub fn map<F>(&mut self, function: F, all_args: impl IntoIterator<Item = Args>) -> Vec<Done<Args, R>>
    where
        F: Function<Args, Output = R> + Copy,
    {
        assert_eq!(
            self.received,
            self.waiting.len(),
            "map: collect the results of earlier submits (as_completed) first"
        );
        for args in all_args {
            self.submit(function, args);
        }
        let mut finished: Vec<(usize, Done<Args, R>)> = std::iter::from_fn(|| self.next_done()).collect();
        finished.sort_by_key(|(index, _)| *index);
        finished.into_iter().map(|(_, done)| done).collect()
    }
}

impl<Args, R> Drop for ProcessPool<Args, R> {
    fn drop(&mut self) {
        // Closing the queue tells each feeder to stop its worker; then wait for them all.
        drop(self.tasks.take());
        for feeder in self.feeders.drain(..) {
            let _ = feeder.join();
        }
    }
}

// ANCHOR: feed_one_worker
/// The thread that owns one worker process for the life of the pool. It reports once on
/// `started` whether its worker started; a `spare` whose worker did not start leaves.
fn feed_one_worker(
    queue: &Mutex<Receiver<Task>>,
    answers: &Sender<Answer>,
    started: &Sender<Result<(), BrokenWorker>>,
    spare: bool,
) {
    let mut worker = WorkerProcess::start();
    let _ = started.send(worker.as_ref().map(|_| ()).map_err(BrokenWorker::clone));
    if spare && worker.is_err() {
        return;
    }
    loop {
        // Holding the lock while waiting is fine: only an idle feeder wants it.
        let Ok(task) = queue.lock().expect("no feeder panics holding it").recv() else {
            break; // the pool was dropped
        };
        if worker.is_err() {
            worker = WorkerProcess::start(); // the last one died and could not be replaced
        }
        let start = Instant::now();
        let (line, pid) = match &mut worker {
            Ok(process) => (process.ask(&task.line), process.child.id()),
            Err(error) => (Err(error.clone()), 0),
        };
        let span = Span {
            label: task.label,
            worker: Worker::Process(pid),
            start,
            end: Instant::now(),
        };
        let failed = line.is_err();
        let answer = Answer {
            index: task.index,
            line,
            span,
        };
        // The answer goes first: whatever happens while replacing the worker, the task
        // has its result and `as_completed` does not wait for it forever.
        if answers.send(answer).is_err() {
            break;
        }
        if failed {
            // This worker is gone (or never started): reap it and start a fresh one.
            if let Ok(dead) = worker {
                dead.stop();
            }
            worker = WorkerProcess::start();
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
    /// The worker's answer lines, read from its stdout by a thread of their own, so that
    /// waiting for one can have a time limit (std cannot wait on a pipe with a timeout).
    answers: Receiver<String>,
    /// Collects what the worker writes to stderr; yields its last line once the worker ends.
    stderr: Option<JoinHandle<String>>,
}

impl WorkerProcess {
    fn start() -> Result<Self, BrokenWorker> {
        // The parent's id goes along: see `die_with_parent`.
        let started = start_this_program_again(&[WORKER_FLAG.to_string(), std::process::id().to_string()]);
        let mut child = started.map_err(|e| {
            let reason = common::output::strip_os_error(&e.to_string());
            BrokenWorker(format!("cannot start a worker process: {reason}"))
        })?;
        let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(stdin), Some(stdout), Some(stderr)) = (stdin, stdout, stderr) else {
            unreachable!("all three pipes were requested");
        };
        let (answer, answers) = mpsc::channel();
        let readers = read_lines(stdout, move |line| answer.send(line).is_ok()).and_then(|_| {
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
                Err(BrokenWorker(format!(
                    "cannot start a thread for a worker process: {reason}"
                )))
            }
        }
    }

    /// Send one task line and wait for the answer line. `Err` means the worker died, or
    /// took longer than the time limit and was killed.
    fn ask(&mut self, line: &str) -> Result<String, BrokenWorker> {
        if writeln!(self.stdin, "{line}")
            .and_then(|()| self.stdin.flush())
            .is_err()
        {
            return Err(self.why_it_died());
        }
        let limit = TASK_TIME_LIMIT.get().copied();
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
                Err(BrokenWorker(format!(
                    "no answer within the {limit} s time limit: worker process {pid} was killed"
                )))
            }
            Err(RecvTimeoutError::Disconnected) => Err(self.why_it_died()),
        }
    }

    /// The worker's stdout closed: wait for it to end, then say how it ended.
    fn why_it_died(&mut self) -> BrokenWorker {
        let pid = self.child.id();
        let status = wait_or_kill(&mut self.child, EXIT_GRACE)
            .map_or_else(|| "killed: it would not exit".to_string(), describe_exit);
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

/// Was this process started by a pool as one of its workers?
fn is_worker() -> bool {
    std::env::args().nth(1).as_deref() == Some(WORKER_FLAG)
}

// ANCHOR: serve
/// Call first thing in `main`. In a worker process, serve `function` until the pool is
/// done, then exit: the rest of `main` never runs there. Elsewhere, return at once.
pub fn serve_if_worker<Args: Wire, R: Wire>(function: impl Function<Args, Output = R>) {
    if !is_worker() {
        return;
    }
    die_with_parent();
    // A panic in a task: one line on stderr, which the pool reports as the task's error.
    common::panics::install_quiet_hook();
    let name = name_of(&function);
    serve(|line| {
        let (asked, args) = line.split_once(' ').unwrap_or((line, ""));
        // A panic ends this worker; the pool reports the message as this task's BrokenWorker.
        assert_eq!(asked, name, "this worker runs {name}, not {asked}");
        let args = from_line(args).unwrap_or_else(|| panic!("arguments {args:?} do not fit {name}"));
        to_line(&function.call(args))
    })
}

/// Linux: have the kernel kill this worker (SIGKILL, which even a stopped process cannot
/// ignore) when the pool's thread that started it ends, however it ends, the whole
/// program being killed included. nix is the safe wrapper for `prctl`.
#[cfg(target_os = "linux")]
fn die_with_parent() {
    use nix::sys::{prctl, signal::Signal};
    let _ = prctl::set_pdeathsig(Signal::SIGKILL);
    // If the parent died before that call, we were handed to another parent already.
    let parent: Option<u32> = std::env::args().nth(2).and_then(|pid| pid.parse().ok());
    if parent.is_some_and(|pid| pid != std::os::unix::process::parent_id()) {
        std::process::exit(0);
    }
}

/// Elsewhere there is no such signal: the worker exits as soon as its stdin closes (see
/// `serve`), which happens when the pool's process ends, however it ends.
#[cfg(not(target_os = "linux"))]
fn die_with_parent() {}

/// Answer task lines from stdin with `task` until stdin closes, then exit.
fn serve(task: impl Fn(&str) -> String) -> ! {
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
