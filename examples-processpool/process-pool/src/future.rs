//! The future: what `submit` hands back at once, and later the task's result.
//!
//! A [`PoolFuture`] and the pool's queued task share one [`Slot`]: the pool's thread that
//! runs the task fills it in, the future reads it. Waiting is a `Condvar` (sleep until the
//! slot changes); waiting for *any* of several futures ([`as_completed`], [`wait`]) gives
//! each one a channel to report on when it finishes, as Python gives each future a waiter.

use super::wire::read_answer;
use common::timeline::{Span, Worker};
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use std::fmt;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

/// Why a task has no value: Python's exceptions from `future.result()`, as one enum. (What
/// the function returns comes back as it is, a `Result` included: a function that fails by
/// returning `Err(e)` gives `Ok(Err(e))`, and `TaskError` says why there is no return at all.)
#[derive(Debug, Clone, PartialEq)]
pub enum TaskError {
    /// The function panicked; the worker caught it, sent its message, and goes on serving
    /// (Python: the exception the function raised).
    Panicked(String),
    /// The worker process died (abort, kill, out of memory) or could not start; the message
    /// says how it ended. Only this task fails, and a fresh worker takes its place: unlike
    /// Python, whose pool is then broken (`BrokenProcessPool`) for every task.
    WorkerDied(String),
    /// The task ran past the pool's time limit; its worker was killed and replaced.
    TimeLimit(String),
    /// The initializer failed in a worker, so no task runs (Python: `BrokenProcessPool`).
    BrokenPool(String),
    /// The function is not one the workers serve (not listed in `functions![…]`, or a
    /// closure): nothing ran (Python: `PicklingError` for a lambda).
    NotServed(String),
    /// The arguments or the value could not be serialized or deserialized, or are over
    /// 4 GiB (Python: `PicklingError`).
    Unsendable(String),
    /// Cancelled before it started (`future.cancel()`, or `shutdown(cancel_futures)`).
    Cancelled,
    /// `result_timeout` gave up waiting; the task goes on (Python: `TimeoutError`).
    WaitTimedOut(Duration),
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A panic's message alone: a caller prints "failed: {error}" as for any error.
            TaskError::Panicked(why)
            | TaskError::WorkerDied(why)
            | TaskError::TimeLimit(why)
            | TaskError::NotServed(why)
            | TaskError::Unsendable(why) => f.write_str(why),
            TaskError::BrokenPool(why) => write!(f, "the pool is broken: {why}"),
            TaskError::Cancelled => f.write_str("cancelled before it started"),
            TaskError::WaitTimedOut(waited) => {
                write!(
                    f,
                    "no result within {} s (the task goes on)",
                    waited.as_secs_f64()
                )
            }
        }
    }
}

impl std::error::Error for TaskError {}

/// `as_completed` or `map` gave up, with how many futures were unfinished: Python's
/// `as_completed` raises `TimeoutError("N (of M) futures unfinished")`, its `map` a bare
/// `TimeoutError()`.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeoutError {
    pub unfinished: usize,
    pub total: usize,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (of {}) futures unfinished", self.unfinished, self.total)
    }
}

impl std::error::Error for TimeoutError {}

/// Where a task is: waiting in the queue, on a worker, or done (cancelled is done too).
enum Stage<R> {
    Pending,
    Running,
    /// In an `Arc`, so that done-callbacks can have it after the lock is released.
    Finished(Arc<Result<R, TaskError>>, Span),
}

struct State<R> {
    stage: Stage<R>,
    /// Who waits for this task among others: a channel and this future's place in their list.
    /// Held weakly: a wait that has ended (returned, timed out, dropped) owns its channel,
    /// and the next waiter to come sweeps it out, as Python's `finally` removes its waiter.
    waiters: Vec<(Weak<Sender<usize>>, usize)>,
    /// What to call with the outcome once there is one (`add_done_callback`).
    callbacks: Vec<Callback<R>>,
    /// How many threads sleep on `changed` for the outcome: waking none is a system call saved.
    sleepers: usize,
}

type Callback<R> = Box<dyn FnOnce(&Result<R, TaskError>) + Send>;

/// What a future and its queued task share.
pub(crate) struct Slot<R> {
    state: Mutex<State<R>>,
    changed: Condvar,
}

/// A queued task's slot, whatever its value's type: what the pool's threads see of it.
pub(crate) trait Pending: Send + Sync {
    /// The pool takes the task to run: true if it was pending (not cancelled, not done).
    fn start(&self) -> bool;
    /// Give the task the worker's answer (or why there is none), read as the value's type.
    fn answer(&self, answer: Result<&[u8], TaskError>, span: Span);
    /// Fail the task without running it (unless it has an outcome already).
    fn finish_unrun(&self, why: TaskError);
    /// Cancel the task if it is still pending.
    fn cancel(&self) -> bool;
}

impl<R: DeserializeOwned + Send + Sync + 'static> Pending for Slot<R> {
    fn start(&self) -> bool {
        Slot::start(self)
    }
    fn answer(&self, answer: Result<&[u8], TaskError>, span: Span) {
        self.finish(answer.and_then(read_answer), span);
    }
    fn finish_unrun(&self, why: TaskError) {
        Slot::finish_unrun(self, why);
    }
    fn cancel(&self) -> bool {
        Slot::cancel(self)
    }
}

impl<R> Slot<R> {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Slot {
            state: Mutex::new(State {
                stage: Stage::Pending,
                waiters: Vec::new(),
                callbacks: Vec::new(),
                sleepers: 0,
            }),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State<R>> {
        // A panic while holding this lock can't leave the state half-changed: recover it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The pool takes the task to run: true if it was pending (not cancelled, not done).
    pub(crate) fn start(&self) -> bool {
        let mut state = self.lock();
        let pending = matches!(state.stage, Stage::Pending);
        if pending {
            state.stage = Stage::Running; // no one sleeps until this: no one to wake
        }
        pending
    }

    /// Give the task its outcome, unless it has one already; wake whoever waits for it.
    pub(crate) fn finish(&self, outcome: Result<R, TaskError>, span: Span) -> bool {
        self.settle(self.lock(), outcome, span)
    }

    /// `finish`, with the lock already held (so that what it saw cannot change meanwhile).
    fn settle(&self, mut state: MutexGuard<'_, State<R>>, outcome: Result<R, TaskError>, span: Span) -> bool {
        if matches!(state.stage, Stage::Finished(..)) {
            return false;
        }
        let outcome = Arc::new(outcome);
        state.stage = Stage::Finished(Arc::clone(&outcome), span);
        for (waiter, place) in state.waiters.drain(..) {
            if let Some(waiter) = waiter.upgrade() {
                let _ = waiter.send(place);
            }
        }
        if state.sleepers > 0 {
            self.changed.notify_all();
        }
        let callbacks = std::mem::take(&mut state.callbacks);
        // Called with the lock released: a callback may look at this future again.
        drop(state);
        for callback in callbacks {
            call_back(callback, &outcome);
        }
        true
    }

    /// Call `callback` with the outcome now if there is one, or else once there is.
    fn on_finish(&self, callback: Callback<R>) {
        let mut state = self.lock();
        let done = match &state.stage {
            Stage::Finished(outcome, _) => Some(Arc::clone(outcome)),
            _ => None,
        };
        match done {
            Some(outcome) => {
                drop(state);
                call_back(callback, &outcome);
            }
            None => state.callbacks.push(callback),
        }
    }

    /// Cancel the task if it is still pending: true if it is cancelled now, or was already
    /// (as Python's `cancel()`). One lock for the look and the change, so the pool cannot
    /// start the task in between.
    pub(crate) fn cancel(&self) -> bool {
        let state = self.lock();
        match &state.stage {
            Stage::Pending => self.settle(state, Err(TaskError::Cancelled), self.no_time()),
            Stage::Running => false,
            Stage::Finished(outcome, _) => matches!(outcome.as_ref(), Err(TaskError::Cancelled)),
        }
    }

    /// Fail the task without running it (unless it has an outcome already).
    pub(crate) fn finish_unrun(&self, why: TaskError) -> bool {
        self.finish(Err(why), self.no_time())
    }

    /// The span of a task that has not run: no time, on no worker.
    fn no_time(&self) -> Span {
        let now = Instant::now();
        Span {
            label: String::new(),
            worker: Worker::Process(0),
            start: now,
            end: now,
        }
    }

    /// Send `place` on `waiter` when this task finishes (at once if it has).
    fn notify(&self, waiter: &Arc<Sender<usize>>, place: usize) {
        let mut state = self.lock();
        if let Stage::Finished(..) = state.stage {
            let _ = waiter.send(place);
            return;
        }
        state.waiters.retain(|(earlier, _)| earlier.strong_count() > 0);
        state.waiters.push((Arc::downgrade(waiter), place));
    }
}

/// Run one done-callback. One that panics is reported in a line on stderr and the others
/// still run, as Python logs a callback that raises and goes on.
fn call_back<R>(callback: Callback<R>, outcome: &Result<R, TaskError>) {
    if let Err(panic) = common::panics::catch_panic(|| callback(outcome)) {
        common::output::write_error_line(&format!("error: a done-callback panicked: {panic}"));
    }
}

/// A task submitted to a [`ProcessPool`](super::ProcessPool): Python's `Future`. It keeps
/// the task's arguments, so a failed task can still say which one it was.
pub struct PoolFuture<Args, R> {
    slot: Arc<Slot<R>>,
    /// Shared with the task, which is sent from them.
    args: Arc<Args>,
}

impl<Args, R> Clone for PoolFuture<Args, R> {
    fn clone(&self) -> Self {
        PoolFuture {
            slot: Arc::clone(&self.slot),
            args: Arc::clone(&self.args),
        }
    }
}

impl<Args, R: Clone> PoolFuture<Args, R> {
    /// Wait for the task, then its value or why there is none (`future.result()`).
    pub fn result(&self) -> Result<R, TaskError> {
        self.outcome(None).0
    }

    /// Wait at most `limit` (`future.result(timeout)`): past it, `Err(WaitTimedOut)`, and
    /// the task goes on; ask again later. A limit of zero only looks.
    pub fn result_timeout(&self, limit: Duration) -> Result<R, TaskError> {
        self.outcome(Some(limit)).0
    }

    /// Wait for the task; its error, or `None` if it has a value (`future.exception()`).
    pub fn exception(&self) -> Option<TaskError> {
        self.result().err()
    }

    /// Wait at most `limit` (`future.exception(timeout)`): the task's error, `None` if it has
    /// a value, or `Some(WaitTimedOut)` past the limit (where Python raises `TimeoutError`).
    pub fn exception_timeout(&self, limit: Duration) -> Option<TaskError> {
        self.result_timeout(limit).err()
    }

    /// Call `callback` with the outcome once the task is done, on the pool's thread that
    /// finished it; at once, on this thread, if it is done already (`add_done_callback`).
    /// One that panics does not stop the others: the pool adds a line on stderr, after
    /// Rust's own panic message (with a backtrace if `RUST_BACKTRACE` is set) unless the
    /// program installed a quieter panic hook, as the lesson does. Python logs a callback's
    /// exception with its traceback, likewise. A callback runs on the thread that feeds
    /// its worker, so one that waits for another task of the same pool (or submits one and
    /// waits) may wait forever, as it can in Python: hand the work to another thread instead.
    pub fn add_done_callback(&self, callback: impl FnOnce(&Result<R, TaskError>) + Send + 'static) {
        self.slot.on_finish(Box::new(callback));
    }

    /// When and on which worker the task ran (waits for it, like `result`). A task that
    /// never ran (cancelled, say) has an empty span on worker 0. Its label is empty: a
    /// timeline labels it by the task's outcome.
    pub fn span(&self) -> Span {
        self.outcome(None).1
    }

    fn outcome(&self, limit: Option<Duration>) -> (Result<R, TaskError>, Span) {
        let mut state = self.slot.lock();
        let unfinished = |state: &mut State<R>| !matches!(state.stage, Stage::Finished(..));
        if unfinished(&mut state) {
            let changed = &self.slot.changed;
            state.sleepers += 1;
            state = match limit {
                None => changed
                    .wait_while(state, unfinished)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(limit) => {
                    let waited = changed.wait_timeout_while(state, limit, unfinished);
                    waited.unwrap_or_else(PoisonError::into_inner).0
                }
            };
            state.sleepers -= 1;
        }
        match &state.stage {
            Stage::Finished(outcome, span) => (Result::clone(outcome), span.clone()),
            _ => {
                let waited = limit.unwrap_or_default();
                (Err(TaskError::WaitTimedOut(waited)), self.slot.no_time())
            }
        }
    }
}

impl<Args, R> PoolFuture<Args, R> {
    pub(crate) fn new(slot: Arc<Slot<R>>, args: Arc<Args>) -> Self {
        PoolFuture { slot, args }
    }

    /// The arguments it was submitted with.
    pub fn args(&self) -> &Args {
        &self.args
    }

    /// Finished, with a value or an error, or cancelled (`future.done()`).
    pub fn done(&self) -> bool {
        matches!(self.slot.lock().stage, Stage::Finished(..))
    }

    /// On a worker right now (`future.running()`).
    pub fn running(&self) -> bool {
        matches!(self.slot.lock().stage, Stage::Running)
    }

    /// Cancel the task if it has not started: true if it will never run (cancelled now, or
    /// before). A running or finished task can't be cancelled (`future.cancel()`).
    pub fn cancel(&self) -> bool {
        self.slot.cancel()
    }

    /// Cancelled before it ran (`future.cancelled()`).
    pub fn cancelled(&self) -> bool {
        let state = self.slot.lock();
        matches!(&state.stage, Stage::Finished(outcome, _) if matches!(outcome.as_ref(), Err(TaskError::Cancelled)))
    }

    /// Finished with an error other than being cancelled (Python: `exception()` is set).
    fn failed(&self) -> bool {
        let state = self.slot.lock();
        let outcome = match &state.stage {
            Stage::Finished(outcome, _) => outcome.as_ref(),
            _ => return false,
        };
        matches!(outcome, Err(error) if *error != TaskError::Cancelled)
    }
}

/// Each future once, duplicates left out, in the order given.
fn distinct<'a, Args, R>(
    futures: impl IntoIterator<Item = &'a PoolFuture<Args, R>>,
) -> Vec<&'a PoolFuture<Args, R>> {
    let mut seen = HashSet::new();
    let futures = futures.into_iter();
    futures
        .filter(|future| seen.insert(Arc::as_ptr(&future.slot)))
        .collect()
}

/// When a wait of `timeout` from now ends. A timeout past the end of the clock (say
/// `Duration::MAX`) has no deadline: `Instant + Duration` would panic there, where Python's
/// float `monotonic() + timeout` just grows.
pub(crate) fn deadline_after(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|timeout| Instant::now().checked_add(timeout))
}

/// Python's `as_completed(futures, timeout)`: each future as soon as it is done (those done
/// already first), each once even if given twice, from any pool. With a `timeout`, an
/// `Err(TimeoutError)` once it has passed with futures unfinished, and then no more.
pub fn as_completed<'a, Args, R: Clone + 'a>(
    futures: impl IntoIterator<Item = &'a PoolFuture<Args, R>>,
    timeout: Option<Duration>,
) -> impl Iterator<Item = Result<&'a PoolFuture<Args, R>, TimeoutError>>
where
    Args: 'a,
{
    let futures = distinct(futures);
    let deadline = deadline_after(timeout);
    let (waiter, finished) = mpsc::channel();
    let waiter = Arc::new(waiter); // the futures hold it weakly: it lives as long as this wait
    for (place, future) in futures.iter().enumerate() {
        future.slot.notify(&waiter, place);
    }
    let mut yielded = 0;
    std::iter::from_fn(move || {
        let _waiting = &waiter;
        if yielded == futures.len() {
            return None;
        }
        let place = match deadline {
            None => finished.recv().map_err(RecvTimeoutError::from),
            Some(deadline) => finished.recv_timeout(deadline.saturating_duration_since(Instant::now())),
        };
        let Ok(place) = place else {
            let unfinished = futures.len() - yielded;
            let total = futures.len();
            yielded = futures.len(); // no more after the timeout
            return Some(Err(TimeoutError { unfinished, total }));
        };
        yielded += 1;
        Some(Ok(futures[place]))
    })
}

/// When [`wait`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as any future is done.
    FirstCompleted,
    /// As soon as any future fails (cancelled does not count), or all are done.
    FirstException,
    /// When all are done.
    AllCompleted,
}

/// Some futures, by reference: what [`wait`] returns, twice.
pub type Futures<'a, Args, R> = Vec<&'a PoolFuture<Args, R>>;

/// Python's `wait(futures, timeout, return_when)`: block until `return_when` holds or the
/// `timeout` passes, then `(done, not_done)`, each in the order given, duplicates once.
pub fn wait<'a, Args, R: Clone + 'a>(
    futures: impl IntoIterator<Item = &'a PoolFuture<Args, R>>,
    timeout: Option<Duration>,
    return_when: ReturnWhen,
) -> (Futures<'a, Args, R>, Futures<'a, Args, R>)
where
    Args: 'a,
{
    let futures = distinct(futures);
    for finished in as_completed(futures.iter().copied(), timeout) {
        let Ok(finished) = finished else { break };
        match return_when {
            ReturnWhen::FirstCompleted => break,
            ReturnWhen::FirstException if finished.failed() => break,
            _ => {}
        }
    }
    futures.into_iter().partition(|future| future.done())
}
