//! A small process pool: what Python's `ProcessPoolExecutor` does, written out by hand.
//!
//! What you use (the Rust for each of Python's calls):
//!
//! | Python                                       | here                                      |
//! |----------------------------------------------|-------------------------------------------|
//! | `ProcessPoolExecutor(max_workers=n)`         | [`ProcessPool::new(n)`](ProcessPool::new) |
//! | `…(initializer=f, max_tasks_per_child=k)`    | [`ProcessPool::builder(n)`](ProcessPool::builder)`.initializer(f).max_tasks_per_child(k).build()` |
//! | `if __name__ == "__main__":`                 | [`serve_if_worker(functions![f, g])`](serve_if_worker), first thing in `main` |
//! | `future = executor.submit(fn, a)`, `(fn, a, b)` | [`let future = pool.submit(fn, a)`](ProcessPool::submit), `(fn, (a, b))` |
//! | `future.result()`, `result(timeout)`         | [`future.result()`](PoolFuture::result), [`result_timeout(d)`](PoolFuture::result_timeout) |
//! | `exception()`, `exception(timeout)`          | [`exception()`](PoolFuture::exception), [`exception_timeout(d)`](PoolFuture::exception_timeout) |
//! | `done()`, `running()`, `cancel()`, `cancelled()`, `add_done_callback(f)` | the same names on [`PoolFuture`] |
//! | `as_completed(futures, timeout)`             | [`as_completed(&futures, timeout)`](as_completed) |
//! | `wait(futures, timeout, FIRST_COMPLETED)`    | [`wait(&futures, timeout, ReturnWhen::FirstCompleted)`](wait) |
//! | `executor.map(fn, args, timeout, buffersize)` | [`pool.map(fn, args, timeout, buffersize)`](ProcessPool::map) |
//! | `shutdown(wait, cancel_futures)`; leaving `with` | [`pool.shutdown(wait, cancel_futures)`](ProcessPool::shutdown); dropping the pool |
//! | the exception `result()` raises              | [`TaskError`]; a function's own `Err(e)` comes back as `Ok(Err(e))` |
//! | pickle                                       | serde: any `Serialize + DeserializeOwned` argument and value |
//!
//! A whole program (`cargo test -p process-pool --doc` runs it, workers and all):
//!
//! ```rust,standalone_crate
//! use process_pool::{ProcessPool, TaskError, functions};
//!
//! /// Runs in a worker process.
//! fn square(x: i64) -> i64 {
//!     x * x
//! }
//!
//! /// Any serde values travel, both ways.
//! fn describe(name: String, bytes: Vec<u8>) -> Option<String> {
//!     (!bytes.is_empty()).then(|| format!("{name}: {} bytes", bytes.len()))
//! }
//!
//! fn main() {
//!     // First thing: in a worker, serve these two and never return; elsewhere go on.
//!     process_pool::serve_if_worker(functions![square, describe]);
//!     let pool = ProcessPool::new(2).expect("2 workers");
//!     assert_eq!(pool.submit(square, 7).result(), Ok(49));
//!     let bytes = pool.submit(describe, ("x".to_string(), vec![0; 3]));
//!     assert_eq!(bytes.result(), Ok(Some("x: 3 bytes".to_string())));
//!     let squares: Vec<i64> = pool
//!         .map(square, 1..=4, None, Some(2))
//!         .map(|future| future.expect("no timeout").result().expect("it ran"))
//!         .collect();
//!     assert_eq!(squares, [1, 4, 9, 16]);
//!     // A closure cannot travel: refused, never run as something else.
//!     let closure = pool.submit(|x: i64| x + 1, 1).result();
//!     assert!(matches!(closure, Err(TaskError::NotServed(_))));
//! }
//! ```
//!
//! How it works inside (one file each):
//!
//! * `worker.rs`, the worker side. Each worker is *this same program*, started again with
//!   the hidden flag [`WORKER_FLAG`]. `main` first calls [`serve_if_worker`] with the
//!   functions it serves ([`functions!`]), which in a worker serves tasks and never returns
//!   (Python re-imports the main module in each worker; its `if __name__ == "__main__":`
//!   keeps the program from running there). A function travels by the name it is listed
//!   with, as in Python; the pool finds that name by the function's type, so a closure or
//!   a function not listed is refused ([`TaskError::NotServed`]), never run as another.
//! * `wire.rs`, the wire. Each worker connects back to the pool on a loopback TCP
//!   connection of its own, proven by a secret; on it a task is the function's name and its
//!   arguments, and its answer the value, each serialized with serde (postcard's compact
//!   format; Python pickles both). The worker's stdout and stderr are the program's own, so
//!   what a task prints reaches the terminal unchanged and is never read as an answer.
//! * This file, the pool. For each worker it keeps one thread (a *feeder*) in this
//!   process, which takes the next task from a shared queue, hands it to its worker, and
//!   puts the answer in the task's future. A worker runs one task at a time, so when one
//!   dies we know which task it took down: that task fails ([`TaskError::WorkerDied`]), a
//!   fresh worker takes its place, and the other tasks carry on (one that dies between
//!   tasks fails none: the next task goes to its replacement). (Python's pool is broken
//!   for good by a dead worker: `BrokenProcessPool`. A panic is caught in the worker, which
//!   goes on serving, as Python's does with an exception.)
//! * `future.rs`, the future: the slot the feeder fills in and the caller waits on.
//! * `child.rs`, the child process: starting a worker, one question and answer with it, a
//!   time limit on the answer, and stopping it, always reaped (no zombie).
//!
//! No worker outlives its pool: dropping the pool closes every worker's connection (a worker
//! exits the moment it closes), waits briefly, kills a straggler and reaps it; on Linux the
//! kernel also kills a worker when the pool's thread that started it ends.

mod child;
mod future;
mod wire;
mod worker;

pub use future::{Futures, PoolFuture, ReturnWhen, TaskError, TimeoutError, as_completed, wait};
pub use worker::{Function, Functions, Served, WORKER_FLAG, serve_if_worker};

use child::{THREADS_PER_WORKER, WorkerProcess};
use common::output::count;
use common::timeline::{Span, Worker};
use future::{Pending, Slot, deadline_after};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::any::Any;
use std::collections::VecDeque;
use std::fmt;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, Weak};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use wire::{Call, Request};
use worker::{NOT_SERVING, name_of, refuse_a_pool_in_a_worker, serving};

/// How a pool is set up: Python's `ProcessPoolExecutor(...)` keyword arguments.
#[must_use = "a builder does nothing until `build()`"]
pub struct Builder {
    workers: usize,
    settings: Settings,
    /// The first setting found wrong, for `build` to say.
    refused: Option<PoolError>,
}

/// What every feeder thread of a pool needs to know, shared by them all.
#[derive(Default)]
struct Settings {
    initializer: Option<Initializer>,
    max_tasks_per_child: Option<usize>,
    /// How long one task (or the initializer) may take on a worker.
    time_limit: Option<Duration>,
    /// Set when an initializer failed: every task from then on fails with this.
    broken: Mutex<Option<TaskError>>,
    /// What names a task on the timeline, from its arguments ([`Builder::label_tasks`]).
    label: Option<Label>,
}

/// A task's name from its arguments; `None` for arguments of another type.
type Label = Box<dyn Fn(&dyn Any) -> Option<String> + Send + Sync>;

/// The initializer's request, and how to read its answer: `Ok` if it succeeded.
struct Initializer {
    request: Vec<u8>,
    succeeded: fn(&[u8]) -> Result<(), TaskError>,
}

impl Settings {
    fn broken(&self) -> Option<TaskError> {
        self.broken.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn break_pool(&self, why: &TaskError) {
        let mut broken = self.broken.lock().unwrap_or_else(|p| p.into_inner());
        broken.get_or_insert_with(|| why.clone());
    }

    /// The name of a task with these arguments: empty if the pool names none.
    fn label_of(&self, args: &dyn Any) -> String {
        self.label
            .as_ref()
            .and_then(|label| label(args))
            .unwrap_or_default()
    }
}

/// The threads a pool of `workers` needs in this process, besides the workers' own: a
/// program can ask the OS for them before it builds one (`common::workers::check_threads`).
pub fn threads_needed(workers: usize) -> usize {
    workers * THREADS_PER_WORKER
}

/// A setting a pool refuses (Python: `ValueError`), or the threads the OS will not give.
#[derive(Debug, Clone, PartialEq)]
pub enum PoolError {
    NoWorkers,
    NoTasksPerChild,
    NoTime,
    /// `serve_if_worker` was not called, or the initializer is not one it serves.
    NotServed(String),
    /// The OS will not start the threads the pool needs (see [`threads_needed`]): why, in words.
    ThreadsRefused(String),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PoolError::NoWorkers => "a pool needs at least 1 worker",
            PoolError::NoTasksPerChild => "max_tasks_per_child must be at least 1",
            PoolError::NoTime => "a task time limit must be more than 0",
            PoolError::NotServed(why) | PoolError::ThreadsRefused(why) => why,
        })
    }
}

impl std::error::Error for PoolError {}

/// What an initializer may return: nothing, or a `Result` whose `Err` breaks the pool.
pub trait InitOutcome: Serialize + DeserializeOwned + 'static {
    /// `Err` with the message if the initializer failed.
    fn succeeded(self) -> Result<(), String>;
}

impl InitOutcome for () {
    fn succeeded(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: fmt::Display + Serialize + DeserializeOwned + 'static> InitOutcome for Result<(), E> {
    fn succeeded(self) -> Result<(), String> {
        self.map_err(|error| error.to_string())
    }
}

impl Builder {
    /// Run `initializer` once in each worker before its first task; the workers must serve
    /// it too (list it in [`functions!`]). If it fails (an `Err`, a panic, or past the time
    /// limit), every pending and later task fails with [`TaskError::BrokenPool`]. One that
    /// never returns holds up `build` (each worker starts before it returns) unless
    /// [`task_time_limit`](Self::task_time_limit) is set.
    pub fn initializer<Init, Kind>(self, initializer: Init) -> Self
    where
        Init: Function<(), Kind>,
        Init::Output: InitOutcome,
    {
        self.initializer_with_args(initializer, ())
    }

    /// The same, with arguments for it (Python's `initargs`).
    pub fn initializer_with_args<InitArgs, Init, Kind>(
        mut self,
        initializer: Init,
        initargs: InitArgs,
    ) -> Self
    where
        InitArgs: Serialize + 'static,
        Init: Function<InitArgs, Kind>,
        Init::Output: InitOutcome,
    {
        let request = name_of(&initializer).and_then(|name| wire::request(name, &initargs));
        match request {
            Ok(request) => {
                let succeeded = |answer: &[u8]| {
                    let outcome = wire::read_answer::<Init::Output>(answer)?;
                    outcome.succeeded().map_err(TaskError::BrokenPool)
                };
                self.settings.initializer = Some(Initializer { request, succeeded });
            }
            Err(why) => self.refuse(PoolError::NotServed(format!("the initializer: {why}"))),
        }
        self
    }

    /// Replace each worker with a fresh one after it has run `tasks` tasks (at least 1).
    pub fn max_tasks_per_child(mut self, tasks: usize) -> Self {
        if tasks == 0 {
            self.refuse(PoolError::NoTasksPerChild);
        }
        self.settings.max_tasks_per_child = Some(tasks);
        self
    }

    /// Give each task (and the initializer) about `limit` on its worker (`None`: no
    /// limit; zero is refused). Past it the task fails with [`TaskError::TimeLimit`], and
    /// its worker is killed and replaced. "About": the limit is the connection's read
    /// timeout, which the system rounds up to its clock tick (1–10 ms), so with a limit of
    /// a few milliseconds a task a little longer may still come back, and the cut may come
    /// a few milliseconds late. (Python's `result(timeout)` only stops *waiting*:
    /// that is [`PoolFuture::result_timeout`].)
    pub fn task_time_limit(mut self, limit: Option<Duration>) -> Self {
        if limit == Some(Duration::ZERO) {
            self.refuse(PoolError::NoTime);
        }
        self.settings.time_limit = limit;
        self
    }

    /// Name each task on the timeline by `label` of its arguments, from the moment it
    /// starts: a live timeline shows the name on the task's row while it runs. The pool does
    /// not know what arguments mean; without this a task's row is named only when its
    /// outcome is, once it is done. Tasks whose arguments are not `Args` stay unnamed.
    /// `label` runs inside [`ProcessPool::submit`], on the caller's thread: keep it quick
    /// (`submit` waits for it), and a panic in it comes out of `submit`.
    pub fn label_tasks<Args: 'static>(
        mut self,
        label: impl Fn(&Args) -> String + Send + Sync + 'static,
    ) -> Self {
        self.settings.label = Some(Box::new(move |args: &dyn Any| args.downcast_ref().map(&label)));
        self
    }

    fn refuse(&mut self, why: PoolError) {
        self.refused.get_or_insert(why);
    }

    /// Start the pool's workers, or say which setting is wrong.
    pub fn build(self) -> Result<ProcessPool, PoolError> {
        if let Some(why) = self.refused {
            return Err(why);
        }
        if self.workers == 0 {
            return Err(PoolError::NoWorkers);
        }
        if !serving() {
            return Err(PoolError::NotServed(NOT_SERVING.to_string()));
        }
        ProcessPool::start(self.workers, self.settings)
    }
}

/// One task on its way to a worker: its future's slot, its request, and its name on the
/// timeline (empty: none).
struct Task {
    slot: Arc<dyn Pending>,
    request: Box<dyn Request>,
    label: String,
}

impl Drop for Task {
    /// A task that leaves the queue unrun (the pool's threads are gone) still gets an
    /// outcome, so no one waits for it forever.
    fn drop(&mut self) {
        let why = "the pool stopped before this task ran".to_string();
        self.slot.finish_unrun(TaskError::BrokenPool(why));
    }
}

/// A pool of worker processes, each running any function the program serves.
/// See the module documentation.
pub struct ProcessPool {
    tasks: Option<Sender<Task>>,
    feeders: Vec<JoinHandle<()>>,
    settings: Arc<Settings>,
    /// The submitted tasks that may still be pending, for `shutdown(cancel_futures)`.
    queued: Mutex<Vec<Weak<dyn Pending>>>,
}

impl ProcessPool {
    /// Start `workers` worker processes: Python's `ProcessPoolExecutor(max_workers)`, and
    /// `builder(workers).build()` with no other setting. Zero workers, a program that did
    /// not call [`serve_if_worker`], or threads the OS will not give (see
    /// [`threads_needed`]) are refused. If some workers cannot start, say so in one warning
    /// and run the tasks on the others.
    pub fn new(workers: usize) -> Result<Self, PoolError> {
        Self::builder(workers).build()
    }

    /// A pool with more settings: `ProcessPool::builder(2).max_tasks_per_child(10).build()`.
    pub fn builder(workers: usize) -> Builder {
        Builder {
            workers,
            settings: Settings::default(),
            refused: None,
        }
    }

    fn start(workers: usize, settings: Settings) -> Result<Self, PoolError> {
        refuse_a_pool_in_a_worker();
        common::workers::check_threads(threads_needed(workers), "try fewer --workers")
            .map_err(|refused| PoolError::ThreadsRefused(refused.to_string()))?;
        let (tasks, queue) = mpsc::channel::<Task>();
        // All feeder threads take tasks from one queue: whoever is free takes the next.
        let queue = Arc::new(Mutex::new(queue));
        let settings = Arc::new(settings);
        let (started, starts) = mpsc::channel();
        let start_feeder = |spare| {
            let (queue, settings, started) = (Arc::clone(&queue), Arc::clone(&settings), started.clone());
            thread::spawn(move || feed_one_worker(&queue, &settings, &started, spare))
        };
        // Every worker starts at once; a feeder whose worker cannot start just leaves.
        let mut feeders: Vec<_> = (0..workers).map(|_| start_feeder(true)).collect();
        let failed: Vec<TaskError> = starts.iter().take(workers).filter_map(Result::err).collect();
        if failed.len() == workers {
            // None started: one feeder stays and tries again per task, so each says why.
            feeders.push(start_feeder(false));
        } else if let Some(why @ TaskError::WorkerDied(_)) = failed.first() {
            common::output::write_error_line(&format!(
                "warning: {} of {workers} worker processes did not start ({why}); the tasks run on the {} that did.",
                failed.len(),
                count(workers - failed.len(), "worker")
            ));
        }
        Ok(Self {
            tasks: Some(tasks),
            feeders,
            settings,
            queued: Mutex::new(Vec::new()),
        })
    }

    /// Queue `function(args)` and return its future at once (`executor.submit(fn, *args)`):
    /// the function's name and the arguments go to the next free worker. A function of one
    /// argument takes it as it is, of two a pair `(a, b)`, of three a triple. The function
    /// must be one the workers serve ([`serve_if_worker`]); arguments and value travel with
    /// serde. A function not served, or arguments that cannot be serialized, fail the
    /// future at once.
    ///
    /// A closure that captures values, or a fn pointer, is refused when the program is built
    /// (`cargo build`, `run` or `test`; `cargo check` and the editor do not see it), since
    /// what it holds means nothing in another process:
    ///
    /// ```compile_fail,E0080
    /// # use process_pool::{ProcessPool, functions};
    /// fn add(x: i64, y: i64) -> i64 {
    ///     x + y
    /// }
    /// # fn main() {
    /// # process_pool::serve_if_worker(functions![add]);
    /// # let pool = ProcessPool::new(1).expect("1 worker");
    /// let base = 40;
    /// pool.submit(move |x: i64| add(x, base), 2); // error: … not a closure that captures values
    /// # }
    /// ```
    ///
    /// ```compile_fail,E0080
    /// # use process_pool::{ProcessPool, functions};
    /// # fn add(x: i64, y: i64) -> i64 {
    /// #     x + y
    /// # }
    /// # fn main() {
    /// # process_pool::serve_if_worker(functions![add]);
    /// # let pool = ProcessPool::new(1).expect("1 worker");
    /// let pointer: fn(i64, i64) -> i64 = add;
    /// pool.submit(pointer, (2, 40)); // error: … nor a fn pointer
    /// # }
    /// ```
    pub fn submit<F, Args, Kind>(&self, function: F, args: Args) -> PoolFuture<Args, F::Output>
    where
        F: Function<Args, Kind>,
        Args: Serialize + Send + Sync + 'static,
        F::Output: DeserializeOwned + Send + Sync + 'static,
    {
        let slot = Slot::<F::Output>::new();
        let args = Arc::new(args); // the future keeps them, and the call is sent from them
        let request = name_of(&function).and_then(|name| Call::new(name, Arc::clone(&args)));
        match (request, self.settings.broken()) {
            (Err(why), _) | (Ok(_), Some(why)) => {
                slot.finish_unrun(why);
            }
            (Ok(request), None) => {
                let pending: Arc<dyn Pending> = slot.clone();
                self.remember(&pending);
                let task = Task {
                    slot: pending,
                    request: Box::new(request),
                    label: self.settings.label_of(&*args),
                };
                // If the feeders are gone, the task comes back and is dropped: its future fails.
                let _ = self.tasks.as_ref().map(|tasks| tasks.send(task));
            }
        }
        PoolFuture::new(slot, args)
    }

    /// Keep a weak handle on a queued task, forgetting the ones that are done.
    fn remember(&self, slot: &Arc<dyn Pending>) {
        let mut queued = self.queued.lock().unwrap_or_else(|p| p.into_inner());
        if queued.len() == queued.capacity() {
            queued.retain(|slot| slot.strong_count() > 0);
        }
        queued.push(Arc::downgrade(slot));
    }

    /// Python's `executor.map(fn, args, timeout=…, buffersize=…)`: each task's future, in
    /// the order of `all_args`, each as soon as it and every one before it are done. It
    /// submits every task at once, or with `buffersize = n` the first n, then one more as
    /// each is taken, so that n are in flight while you look at a result (as Python 3.14
    /// does; 0 counts as 1, where Python raises `ValueError`). Past `timeout` it yields a
    /// `TimeoutError`, cancels the tasks not started, and ends; dropping it early cancels
    /// them too. Python's yields values and ends at the first task that raised; here a
    /// failed task is one future among the others, and the rest still come.
    pub fn map<'pool, F, Args, Kind, I>(
        &'pool self,
        function: F,
        all_args: I,
        timeout: Option<Duration>,
        buffersize: Option<usize>,
    ) -> Map<'pool, Args, F::Output, I::IntoIter>
    where
        F: Function<Args, Kind>,
        Args: Serialize + Send + Sync + 'static,
        F::Output: DeserializeOwned + Send + Sync + 'static,
        I: IntoIterator<Item = Args>,
    {
        let mut map = Map {
            submit: Box::new(move |args| self.submit(function, args)),
            all_args: all_args.into_iter(),
            in_flight: VecDeque::new(),
            deadline: deadline_after(timeout),
            buffersize: buffersize.map(|size| size.max(1)),
            submitted: 0,
            timed_out: false,
        };
        map.submit_more();
        map
    }

    /// Python's `executor.shutdown(wait, cancel_futures)`. It takes the pool, so nothing
    /// can be submitted after it (Python raises `RuntimeError`). With `cancel_futures`
    /// the tasks not started are cancelled; the others run. With `wait` it returns once
    /// they are done and the workers have exited; without, at once (the workers stop in
    /// the background once the queue is done). But a Rust program ends when `main`
    /// returns, and its workers with it, tasks and all: Python's, whatever `wait` said,
    /// first waits at exit for every pending future.
    pub fn shutdown(mut self, wait: bool, cancel_futures: bool) {
        if cancel_futures {
            let queued = self.queued.lock().unwrap_or_else(|p| p.into_inner());
            for slot in queued.iter().filter_map(Weak::upgrade) {
                slot.cancel();
            }
        }
        drop(self.tasks.take());
        if !wait {
            self.feeders.clear(); // they run on, detached
        }
    }
}

impl Drop for ProcessPool {
    /// Like leaving Python's `with` block: `shutdown(wait = true)`. Dropped on one of the
    /// pool's own threads (the last handle, in a done-callback), it cannot wait for that
    /// thread: it waits for the others, and that one ends on its own once it returns.
    fn drop(&mut self) {
        // Closing the queue tells each feeder to finish the queue, then stop its worker.
        drop(self.tasks.take());
        let here = thread::current().id();
        for feeder in self.feeders.drain(..) {
            if feeder.thread().id() != here {
                let _ = feeder.join();
            }
        }
    }
}

/// The iterator [`ProcessPool::map`] returns.
#[must_use = "a Map yields its results only as you iterate it, and dropping it cancels the tasks not started"]
pub struct Map<'pool, Args, R, I> {
    /// `pool.submit(function, args)`, for the function given to `map`.
    submit: Box<dyn Fn(Args) -> PoolFuture<Args, R> + 'pool>,
    all_args: I,
    in_flight: VecDeque<PoolFuture<Args, R>>,
    deadline: Option<Instant>,
    buffersize: Option<usize>,
    submitted: usize,
    timed_out: bool,
}

impl<Args, R, I: Iterator<Item = Args>> Map<'_, Args, R, I> {
    /// Submit tasks until `buffersize` are in flight, or all of them without one.
    fn submit_more(&mut self) {
        while self.buffersize.is_none_or(|most| self.in_flight.len() < most) {
            let Some(args) = self.all_args.next() else { break };
            self.in_flight.push_back((self.submit)(args));
            self.submitted += 1;
        }
    }
}

impl<Args, R: Clone, I: Iterator<Item = Args>> Iterator for Map<'_, Args, R, I> {
    type Item = Result<PoolFuture<Args, R>, TimeoutError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.timed_out {
            return None;
        }
        let next = self.in_flight.pop_front()?;
        // The next task goes in before this one is waited for: n in flight while the
        // caller looks at this one (Python 3.14 submits before it yields, likewise).
        self.submit_more();
        let left = self
            .deadline
            .map(|end| end.saturating_duration_since(Instant::now()));
        let waited = match left {
            None => next.result(),
            Some(left) => next.result_timeout(left),
        };
        if !matches!(waited, Err(TaskError::WaitTimedOut(_))) {
            return Some(Ok(next));
        }
        // Past the timeout: the tasks not started never will (the running ones finish).
        self.timed_out = true;
        self.in_flight.push_front(next);
        let unfinished = self.in_flight.iter().filter(|future| !future.done()).count();
        self.cancel_in_flight();
        Some(Err(TimeoutError {
            unfinished,
            total: self.submitted,
        }))
    }
}

impl<Args, R, I> Map<'_, Args, R, I> {
    /// Cancel the tasks submitted and not yet started; the running ones finish.
    fn cancel_in_flight(&mut self) {
        for future in self.in_flight.drain(..) {
            future.cancel();
        }
    }
}

impl<Args, R, I> Drop for Map<'_, Args, R, I> {
    /// Dropped before the end: cancel what has not started.
    fn drop(&mut self) {
        self.cancel_in_flight();
    }
}

// ANCHOR: feed_one_worker
/// The thread that owns one worker process for the life of the pool. It reports once on
/// `started` whether its worker started; a `spare` whose worker did not start leaves.
fn feed_one_worker(
    queue: &Mutex<Receiver<Task>>,
    settings: &Settings,
    started: &Sender<Result<(), TaskError>>,
    spare: bool,
) {
    let mut worker = start_worker(settings);
    let _ = started.send(worker.as_ref().map(|_| ()).map_err(TaskError::clone));
    if spare && worker.is_err() {
        return;
    }
    let mut served = 0;
    loop {
        // Holding the lock while waiting is fine: only an idle feeder wants it.
        let Ok(task) = queue.lock().unwrap_or_else(|p| p.into_inner()).recv() else {
            break; // the pool is shut down and its queue is empty
        };
        if let Some(broken) = settings.broken() {
            task.slot.finish_unrun(broken);
            continue;
        }
        if !task.slot.start() {
            continue; // cancelled while it waited
        }
        if worker.as_mut().map_or(true, WorkerProcess::has_ended) {
            // The last one could not be replaced, or it died while idle (killed from
            // outside, say): the task never reached it, so a fresh one takes it.
            if let Ok(dead) = worker {
                dead.stop();
            }
            worker = start_worker(settings);
        }
        let (answer, span) = run_task(&mut worker, &task, settings.time_limit);
        let worker_is_gone = answer.is_err();
        task.slot.answer(answer, span);
        served += 1;
        if worker_is_gone || settings.max_tasks_per_child.is_some_and(|most| served >= most) {
            // Reap this worker (dead, killed, or done its share) and start a fresh one.
            if let Ok(old) = worker {
                old.stop();
            }
            worker = start_worker(settings);
            served = 0;
        }
    }
    if let Ok(process) = worker {
        process.stop();
    }
}
// ANCHOR_END: feed_one_worker

/// Run one task on `worker`: its answer, and its span. `Err` means the worker is of no
/// more use (it died, or ran past the time limit and was killed).
fn run_task<'worker>(
    worker: &'worker mut Result<WorkerProcess, TaskError>,
    task: &Task,
    limit: Option<Duration>,
) -> (Result<&'worker [u8], TaskError>, Span) {
    let pid = worker.as_ref().map_or(0, WorkerProcess::pid);
    // With no label (see `label_tasks`) the timeline names the task by its outcome.
    let started = Span::begin(task.label.clone(), Worker::Process(pid));
    let answer = match worker {
        Ok(process) => process.ask(task.request.as_ref(), limit),
        Err(error) => Err(error.clone()),
    };
    (answer, started.end())
}

/// Start a worker and run the initializer in it, if the pool has one. An initializer that
/// fails breaks the pool: from then on every task fails with the reason.
fn start_worker(settings: &Settings) -> Result<WorkerProcess, TaskError> {
    let mut worker = WorkerProcess::start()?;
    let Some(initializer) = &settings.initializer else {
        return Ok(worker);
    };
    let asked = worker.ask(&initializer.request, settings.time_limit);
    match asked.and_then(initializer.succeeded) {
        Ok(()) => Ok(worker),
        Err(why) => {
            let pid = worker.pid();
            worker.stop();
            let why = match why {
                TaskError::BrokenPool(why) => why,
                other => other.to_string(),
            };
            let broken =
                TaskError::BrokenPool(format!("the initializer failed in worker process {pid}: {why}"));
            settings.break_pool(&broken);
            Err(broken)
        }
    }
}
