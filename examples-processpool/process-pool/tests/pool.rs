//! The process pool's behaviours, each beside the CPython test it mirrors
//! (`Lib/test/test_concurrent_futures/`, file :: test name).
//!
//! A pool's workers are copies of the running program, so this test is a program of its
//! own (`harness = false` in Cargo.toml): `main` serves [`task`] when started as a worker,
//! and otherwise runs the tests one after another, each checking at its end that no worker
//! process is left, not even a zombie. `cargo test -p process-pool --test pool -- map`
//! runs the tests whose name contains `map`.
//!
//! Times are multiples of [`TICK`], and only their order matters, never their length.

use process_pool::{self, PoolError, PoolFuture, ProcessPool, ReturnWhen, TaskError, TimeoutError};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// The unit of every nap in these tests, in milliseconds.
const TICK: i64 = 40;

/// What [`task`] does: its first argument.
const NAP: i64 = 0; // nap `arg` ticks, then return `arg`
const FAIL: i64 = 1; // return an Err
const PANIC: i64 = 2; // panic
const DIE: i64 = 3; // end the worker process
const PID: i64 = 4; // return the worker's process id
const INITS: i64 = 5; // return how often the initializer ran in this worker
const PRINT: i64 = 6; // print a line and a part of one to stdout, then return `arg`

/// How often [`init`] ran in this process (a worker).
static INIT_RUNS: AtomicI64 = AtomicI64::new(0);

/// The one function this program's workers serve.
fn task(kind: i64, arg: i64) -> Result<i64, String> {
    match kind {
        NAP => nap(arg),
        FAIL => return Err(format!("no good: {arg}")),
        PANIC => panic!("boom {arg}"),
        DIE => std::process::exit(3),
        PID => return Ok(std::process::id().into()),
        INITS => return Ok(INIT_RUNS.load(Ordering::SeqCst)),
        PRINT => {
            println!("(printed by task {arg}, as Python's print in a worker)");
            print!("(a part of a line) ");
        }
        _ => {}
    }
    Ok(arg)
}

/// The initializer: 0 succeeds, 1 returns an Err, 2 panics, 3 never returns.
fn init(how: i64, _unused: i64) -> Result<(), String> {
    INIT_RUNS.fetch_add(1, Ordering::SeqCst);
    match how {
        1 => Err("no database".to_string()),
        2 => panic!("the initializer panicked"),
        3 => loop {
            nap(1000);
        },
        _ => Ok(()),
    }
}

fn nap(ticks: i64) {
    std::thread::sleep(Duration::from_millis((ticks * TICK).unsigned_abs()));
}

fn ticks(n: u32) -> Duration {
    Duration::from_millis(TICK.unsigned_abs() * u64::from(n))
}

type Pool = ProcessPool<(i64, i64), i64>;
type Future = PoolFuture<(i64, i64), i64>;

/// `(name, test)` for each test function named.
macro_rules! by_name {
    ($($test:ident),* $(,)?) => {
        &[$((stringify!($test), $test as fn())),*]
    };
}

/// A test: its name and its function.
type Test = (&'static str, fn());

/// Every test, in the order they run.
const TESTS: &[Test] = by_name![
    submit_returns_a_future_of_the_value,
    an_err_and_a_panic_come_back_and_the_worker_goes_on,
    what_a_task_prints_is_not_taken_for_its_answer,
    a_dead_worker_fails_its_own_task_and_is_replaced,
    a_worker_that_died_idle_is_replaced_before_the_next_task,
    result_timeout_gives_up_and_the_task_goes_on,
    cancel_works_only_while_pending_and_a_cancelled_task_never_runs,
    exception_and_done_callbacks,
    as_completed_yields_each_future_once,
    as_completed_times_out_naming_the_unfinished,
    wait_returns_when_asked,
    polling_with_wait_leaves_nothing_behind,
    map_yields_in_input_order_as_results_arrive,
    map_times_out_and_cancels_the_rest,
    map_cancels_the_rest_at_the_timeout_and_counts_only_the_unfinished,
    map_with_a_buffersize_takes_its_input_lazily,
    shutdown_runs_the_queue_or_cancels_it,
    futures_of_two_pools_and_of_a_dropped_pool_never_hang,
    the_initializer_runs_once_in_each_worker,
    a_failing_initializer_fails_every_task_in_one_line,
    max_tasks_per_child_replaces_the_worker,
    bad_settings_are_refused,
    a_task_past_its_time_limit_is_killed_and_replaced,
    a_timeout_too_long_for_the_clock_means_no_deadline,
    a_function_the_workers_do_not_serve_fails_in_one_line,
];

fn main() {
    process_pool::serve_if_worker_with_initializer(init, task);
    common::panics::install_quiet_hook();
    let (chosen, list) = chosen_tests(std::env::args().skip(1).collect());
    for (name, test) in &chosen {
        if list {
            println!("{name}: test");
            continue;
        }
        println!("test {name} ...");
        test();
        assert_no_worker_left(name);
    }
    if !list {
        println!("test result: ok. {} passed", chosen.len());
    }
}

/// The tests the command line asks for, as libtest reads it: words filter by name (all
/// with none; `--exact`: whole names), `--ignored` runs none (none is ignored), `--list`
/// lists them; the values of `--test-threads N` and the like are not filters.
fn chosen_tests(args: Vec<String>) -> (Vec<Test>, bool) {
    let flag = |name: &str| args.iter().any(|arg| arg == name);
    let mut filters = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--test-threads" | "--skip" | "--color" | "--format" | "--logfile" | "-Z" => drop(words.next()),
            word if word.starts_with('-') => {}
            filter => filters.push(filter),
        }
    }
    let wanted = |name: &str| {
        filters.is_empty()
            || filters.iter().any(|f| {
                if flag("--exact") {
                    name == *f
                } else {
                    name.contains(f)
                }
            })
    };
    let chosen = TESTS
        .iter()
        .copied()
        .filter(|(name, _)| !flag("--ignored") && wanted(name));
    (chosen.collect(), flag("--list"))
}

/// No child process of this program is left, running or a zombie.
fn assert_no_worker_left(test: &str) {
    #[cfg(target_os = "linux")]
    {
        let children = testkit::faults::processes::children_of(std::process::id());
        assert!(children.is_empty(), "{test} left worker processes {children:?}");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = test;
}

fn value(future: &Future) -> i64 {
    future
        .result()
        .unwrap_or_else(|error| panic!("{:?} failed: {error}", future.args()))
}

// executor.py :: test_submit
fn submit_returns_a_future_of_the_value() {
    let pool = Pool::new(2);
    let future = pool.submit(task, (NAP, 1));
    assert_eq!(future.args(), &(NAP, 1));
    assert_eq!(future.result(), Ok(1));
    assert_eq!(future.result(), Ok(1), "asking twice gives the same");
}

// test_deadlock.py :: test_error_during_func_exec_on_worker; executor.py :: test_map_exception
fn an_err_and_a_panic_come_back_and_the_worker_goes_on() {
    let pool = Pool::new(1);
    let before = value(&pool.submit(task, (PID, 0)));
    let failed = pool.submit(task, (FAIL, 7)).result();
    assert_eq!(failed, Err(TaskError::Failed("no good: 7".into())));
    let panicked = pool.submit(task, (PANIC, 8)).result();
    let Err(TaskError::Panicked(message)) = panicked else {
        panic!("{panicked:?}")
    };
    assert!(message.starts_with("boom 8"), "{message}");
    assert_eq!(
        value(&pool.submit(task, (PID, 0))),
        before,
        "the same worker served on"
    );
}

// No CPython test: Python's worker prints to the terminal it inherited, apart from the
// pickled results. Here a worker's stdout carries the answers, and a `println!` in a task
// was read as its answer, and every answer after it went to the task after its own.
fn what_a_task_prints_is_not_taken_for_its_answer() {
    let pool = Pool::new(1);
    let futures: Vec<Future> = [(PRINT, 1), (PRINT, 2), (NAP, 3)]
        .map(|args| pool.submit(task, args))
        .into();
    let answers: Vec<_> = futures.iter().map(Future::result).collect();
    assert_eq!(answers, [Ok(1), Ok(2), Ok(3)]);
}

// test_process_pool.py :: test_traceback_when_child_process_terminates_abruptly, and the
// deliberate difference from test_killed_child: only the dead worker's task fails.
fn a_dead_worker_fails_its_own_task_and_is_replaced() {
    let pool = Pool::new(1);
    let before = value(&pool.submit(task, (PID, 0)));
    let died = pool.submit(task, (DIE, 0));
    let after = pool.submit(task, (PID, 0));
    let Err(TaskError::WorkerDied(why)) = died.result() else {
        panic!("{:?}", died.result())
    };
    assert!(
        why.contains(&format!("worker process {before} died (exit code 3)")),
        "{why}"
    );
    assert_ne!(value(&after), before, "a fresh worker took its place");
}

// The same deliberate difference from test_process_pool.py :: test_killed_child, for a
// worker killed while idle (from outside, say): it held no task, so no task fails; the
// next one goes to a fresh worker. (Linux: `/proc` tells when the kill has landed.)
fn a_worker_that_died_idle_is_replaced_before_the_next_task() {
    #[cfg(target_os = "linux")]
    {
        let pool = Pool::new(1);
        let idle = value(&pool.submit(task, (PID, 0)));
        let kill = std::process::Command::new("kill")
            .args(["-9", &idle.to_string()])
            .status();
        assert!(kill.is_ok_and(|status| status.success()), "kill -9 {idle}");
        while !every_thread_ended(idle) {
            nap(0);
        }
        let next = pool.submit(task, (PID, 0));
        assert!(next.result().is_ok_and(|pid| pid != idle), "{:?}", next.result());
    }
}

/// Has every thread of process `pid` ended (its leader a zombie, or gone)? The leader can be
/// a zombie while another thread still runs, and the process has not ended until that ends.
#[cfg(target_os = "linux")]
fn every_thread_ended(pid: i64) -> bool {
    let Ok(threads) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return true;
    };
    threads.flatten().all(|thread| {
        let stat = std::fs::read_to_string(thread.path().join("stat")).unwrap_or_default();
        stat.rsplit(')')
            .next()
            .is_none_or(|rest| rest.trim_start().starts_with(['Z', 'X']))
    })
}

// test_future.py :: test_result_with_timeout
fn result_timeout_gives_up_and_the_task_goes_on() {
    let pool = Pool::new(1);
    let future = pool.submit(task, (NAP, 5));
    assert_eq!(
        future.result_timeout(Duration::ZERO),
        Err(TaskError::WaitTimedOut(Duration::ZERO))
    );
    let short = ticks(1);
    assert_eq!(future.result_timeout(short), Err(TaskError::WaitTimedOut(short)));
    assert!(!future.done() && !future.cancelled());
    assert_eq!(future.result(), Ok(5), "the task went on");
    assert_eq!(future.result_timeout(Duration::ZERO), Ok(5));
}

// test_future.py :: test_cancel, test_done, test_running, test_cancelled
fn cancel_works_only_while_pending_and_a_cancelled_task_never_runs() {
    let pool = Pool::new(1);
    let worker = value(&pool.submit(task, (PID, 0)));
    let running = pool.submit(task, (NAP, 4));
    let pending = pool.submit(task, (DIE, 0)); // if it ever ran, the worker would change
    let last = pool.submit(task, (PID, 0));
    while !running.running() {
        nap(0);
    }
    assert!(!pending.running() && !pending.done());
    assert!(pending.cancel(), "pending: cancelled");
    assert!(pending.cancelled() && pending.done() && !pending.running());
    assert_eq!(pending.result(), Err(TaskError::Cancelled));
    assert!(
        pending.cancel(),
        "cancelled already: true again (test_cancel's f3)"
    );
    assert!(!running.cancel(), "running: not cancelled");
    assert!(!running.cancelled());
    assert_eq!(value(&last), worker, "the cancelled task never ran");
    assert!(running.done() && !running.cancel(), "finished: not cancelled");
}

// test_future.py :: test_exception_with_success, test_done_callback_with_result,
// test_done_callback_already_successful, test_done_callback_raises
fn exception_and_done_callbacks() {
    let pool = Pool::new(1);
    let (told, heard) = std::sync::mpsc::channel();
    let failing = pool.submit(task, (FAIL, 1));
    let told_too = told.clone();
    failing.add_done_callback(|_| panic!("a callback that panics")); // reported, no harm
    failing.add_done_callback(move |outcome| drop(told_too.send(outcome.clone())));
    assert_eq!(heard.recv(), Ok(Err(TaskError::Failed("no good: 1".into()))));
    assert_eq!(failing.exception(), Some(TaskError::Failed("no good: 1".into())));
    let fine = pool.submit(task, (NAP, 0));
    assert_eq!(fine.exception(), None);
    fine.add_done_callback(move |outcome| drop(told.send(outcome.clone())));
    assert_eq!(heard.try_recv(), Ok(Ok(0)), "already done: called at once");
    assert_eq!(value(&pool.submit(task, (NAP, 2))), 2, "the pool goes on");
}

// test_as_completed.py :: test_no_timeout, test_duplicate_futures
fn as_completed_yields_each_future_once() {
    let pool = Pool::new(2);
    let done_already = pool.submit(task, (NAP, 0));
    done_already.result().expect("done");
    let slow = pool.submit(task, (NAP, 6));
    let fast = pool.submit(task, (NAP, 1));
    let given = [&slow, &fast, &done_already, &slow, &fast];
    let order: Vec<i64> = process_pool::as_completed(given, None)
        .map(|future| value(future.expect("no timeout")))
        .collect();
    assert_eq!(order, [0, 1, 6], "done first, then as they finish, each once");
}

// test_as_completed.py :: test_future_times_out, test_correct_timeout_exception_msg
fn as_completed_times_out_naming_the_unfinished() {
    let pool = Pool::new(2);
    let futures = vec![
        pool.submit(task, (NAP, 0)),
        pool.submit(task, (NAP, 20)),
        pool.submit(task, (NAP, 20)),
    ];
    futures[0].result().expect("done");
    let mut completed = process_pool::as_completed(&futures, Some(ticks(2)));
    assert!(completed.next().is_some_and(|first| first.is_ok()));
    let timeout = completed.next().expect("a timeout").map(|_| ()).unwrap_err();
    assert_eq!(
        timeout,
        TimeoutError {
            unfinished: 2,
            total: 3
        }
    );
    assert_eq!(timeout.to_string(), "2 (of 3) futures unfinished");
    assert!(completed.next().is_none(), "nothing after the timeout");
    drop(completed);
    pool.shutdown(false, true);
    wait_for_no_worker();
}

// test_wait.py :: test_first_completed, test_first_exception, test_all_completed, test_timeout
fn wait_returns_when_asked() {
    let pool = Pool::new(3);
    let quick = pool.submit(task, (NAP, 1));
    let failing = pool.submit(task, (FAIL, 0));
    let slow = pool.submit(task, (NAP, 8));
    let all = [&quick, &failing, &slow];
    let (done, not_done) = process_pool::wait(all, None, ReturnWhen::FirstCompleted);
    assert!(!done.is_empty() && not_done.iter().any(|f| f.args() == slow.args()));
    let (done, _) = process_pool::wait(all, None, ReturnWhen::FirstException);
    assert!(done.iter().any(|f| f.args() == failing.args()) && !slow.done());
    quick.result().expect("quick is done");
    let (done, not_done) = process_pool::wait(all, Some(ticks(1)), ReturnWhen::AllCompleted);
    assert_eq!((done.len(), not_done.len()), (2, 1), "the timeout came first");
    let (done, not_done) = process_pool::wait([&quick, &slow, &quick], None, ReturnWhen::AllCompleted);
    assert_eq!((done.len(), not_done.len()), (2, 0), "all of them, each once");
}

// No CPython test: CPython's as_completed and wait take their waiter off each future in a
// `finally` (`_base.py`), so polling a future (`while not wait(fs, timeout=0).done`) costs
// nothing that stays. Here each poll left a channel on the future until it finished: some
// 700 bytes a poll, a gigabyte in seconds of a busy loop. (Linux: the memory is in /proc.)
fn polling_with_wait_leaves_nothing_behind() {
    #[cfg(target_os = "linux")]
    {
        const POLLS: usize = 50_000; // some 35 MB if each one stays
        let pool = Pool::new(1);
        let running = pool.submit(task, (NAP, 50));
        let pending = pool.submit(task, (NAP, 0));
        let before = resident_kib();
        for _ in 0..POLLS {
            let (_, not_done) =
                process_pool::wait([&pending], Some(Duration::ZERO), ReturnWhen::FirstCompleted);
            assert_eq!(not_done.len(), 1, "still pending: the test would prove nothing");
        }
        let grew = resident_kib().saturating_sub(before);
        assert!(grew < 4096, "{POLLS} polls kept {grew} KiB");
        assert!(!running.done(), "the polls all came while it ran");
    }
}

/// This process's resident memory, in KiB (Linux).
#[cfg(target_os = "linux")]
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|line| line.starts_with("VmRSS:"));
    let kib = line.and_then(|line| line.split_whitespace().nth(1));
    kib.and_then(|kib| kib.parse().ok()).expect("VmRSS: N kB")
}

// executor.py :: test_map
fn map_yields_in_input_order_as_results_arrive() {
    let pool = Pool::new(3);
    let start = std::time::Instant::now();
    let mut map = pool.map(task, [3, 1, 12].map(|n| (NAP, n)), None, None);
    let mut next = || value(&map.next().expect("three").expect("no timeout"));
    assert_eq!(next(), 3);
    let first_came = start.elapsed();
    assert_eq!(next(), 1);
    assert_eq!(next(), 12);
    let last_came = start.elapsed();
    assert!(
        first_came < last_came / 2,
        "the first came back before the last was done: {first_came:?} of {last_came:?}"
    );
    assert!(map.next().is_none());
}

// executor.py :: test_map_timeout; test_thread_pool.py :: test_executor_map_current_future_cancel
fn map_times_out_and_cancels_the_rest() {
    let pool = Pool::new(1);
    let all_args = [1, 30, 30, 30].map(|n| (NAP, n));
    let outcomes: Vec<_> = pool.map(task, all_args, Some(ticks(6)), None).collect();
    assert_eq!(outcomes.len(), 2, "one result, then the timeout, then nothing");
    assert_eq!(value(outcomes[0].as_ref().expect("in time")), 1);
    let timeout = outcomes[1].as_ref().map(|_| ()).unwrap_err();
    assert_eq!(timeout.to_string(), "3 (of 4) futures unfinished");
    // The running task is not cancelled; the two behind it are, so the pool is free soon.
    let start = std::time::Instant::now();
    pool.shutdown(true, false);
    assert!(start.elapsed() < ticks(40), "the cancelled naps did not run");
}

// executor.py :: test_map_timeout: the TimeoutError comes, and the rest are cancelled then,
// not later (Python's map cancels them as the error leaves it, even if the caller keeps the
// iterator); the message counts the futures still unfinished, not the ones not yet yielded.
fn map_cancels_the_rest_at_the_timeout_and_counts_only_the_unfinished() {
    let pool = Pool::new(1);
    let worker = value(&pool.submit(task, (PID, 0)));
    let mut map = pool.map(task, [(NAP, 10), (DIE, 0)], Some(ticks(2)), None);
    let timeout = map.next().expect("a timeout").map(|_| ()).unwrap_err();
    assert_eq!(timeout.to_string(), "2 (of 2) futures unfinished");
    let after = value(&pool.submit(task, (PID, 0))); // the map is still alive
    assert_eq!(after, worker, "the task behind the timeout never ran");
    drop(map);

    let pool = Pool::new(2);
    let mut map = pool.map(task, [(NAP, 20), (NAP, 1)], Some(ticks(6)), None);
    let timeout = map.next().expect("a timeout").map(|_| ()).unwrap_err();
    assert_eq!(
        timeout.to_string(),
        "1 (of 2) futures unfinished",
        "the second was done"
    );
}

// test_pool.py :: test_map_buffersize (3.14): an endless input, taken as needed
fn map_with_a_buffersize_takes_its_input_lazily() {
    let pool = Pool::new(2);
    let endless = (0..).map(|n| (NAP, n % 2));
    let first: Vec<i64> = pool
        .map(task, endless, None, Some(2))
        .take(5)
        .map(|future| value(&future.expect("no timeout")))
        .collect();
    assert_eq!(first, [0, 1, 0, 1, 0]);
}

// test_shutdown.py :: test_hang_issue12364 (shutdown waits for the queue), test_cancel_futures
fn shutdown_runs_the_queue_or_cancels_it() {
    let pool = Pool::new(1);
    let queued: Vec<Future> = (0..3).map(|n| pool.submit(task, (NAP, n))).collect();
    pool.shutdown(true, false);
    assert!(queued.iter().all(|future| future.result().is_ok()), "all ran");

    let pool = Pool::new(1);
    let running = pool.submit(task, (NAP, 3));
    let pending: Vec<Future> = (0..3).map(|n| pool.submit(task, (NAP, n))).collect();
    while !running.running() {
        nap(0);
    }
    pool.shutdown(true, true);
    assert_eq!(running.result(), Ok(3), "the running task finished");
    assert!(
        pending.iter().all(Future::cancelled),
        "the pending ones were cancelled"
    );
}

// No CPython test: Python's futures may mix pools in as_completed too; and a future whose
// pool is gone has its outcome (run, or cancelled by shutdown), so waiting cannot hang.
fn futures_of_two_pools_and_of_a_dropped_pool_never_hang() {
    let (one, two) = (Pool::new(1), Pool::new(1));
    let futures = [one.submit(task, (NAP, 2)), two.submit(task, (NAP, 1))];
    let answers: Vec<i64> = process_pool::as_completed(&futures, None)
        .map(|future| value(future.expect("no timeout")))
        .collect();
    assert_eq!(answers, [1, 2]);

    let (running, pending) = (one.submit(task, (NAP, 2)), one.submit(task, (NAP, 2)));
    while !running.running() {
        nap(0);
    }
    one.shutdown(false, true);
    assert_eq!(pending.result(), Err(TaskError::Cancelled));
    assert_eq!(running.result(), Ok(2));
    drop(two);
    wait_for_no_worker(); // `one` stops its worker in the background
}

/// Wait (a while at most) until the workers stopped in the background are gone.
fn wait_for_no_worker() {
    #[cfg(target_os = "linux")]
    for _ in 0..1000 {
        if testkit::faults::processes::children_of(std::process::id()).is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

// test_init.py :: InitializerMixin (the initializer runs in every worker)
fn the_initializer_runs_once_in_each_worker() {
    let pool = Pool::builder(2)
        .initializer_with_args(init, (0, 0))
        .build()
        .expect("valid");
    let futures: Vec<Future> = (0..6).map(|_| pool.submit(task, (INITS, 0))).collect();
    assert!(
        futures.iter().all(|future| value(future) == 1),
        "once, in each worker"
    );
}

// test_init.py :: FailingInitializerMixin: a failing initializer breaks the pool, for the
// tasks pending and those submitted later. An initializer that never returns is stopped
// by the time limit. Each: one line, and no worker left (checked after every test).
fn a_failing_initializer_fails_every_task_in_one_line() {
    for (how, says) in [
        (1, "no database"),
        (2, "panicked: the initializer panicked"),
        (3, "no answer within the 0.2 s time limit"),
    ] {
        let pool = Pool::builder(2)
            .initializer_with_args(init, (how, 0))
            .task_time_limit(Some(Duration::from_millis(200)))
            .build()
            .expect("valid");
        let pending: Vec<Future> = (0..3).map(|n| pool.submit(task, (NAP, n))).collect();
        pending[0].result().expect_err("broken");
        let later = pool.submit(task, (NAP, 0));
        for future in pending.iter().chain([&later]) {
            let Err(TaskError::BrokenPool(why)) = future.result() else {
                panic!("{how}: {:?}", future.result())
            };
            assert!(
                why.starts_with("the initializer failed in worker process "),
                "{why}"
            );
            assert!(why.contains(says) && !why.contains('\n'), "{why}");
        }
    }
}

// test_process_pool.py :: test_max_tasks_per_child
fn max_tasks_per_child_replaces_the_worker() {
    let pool = Pool::builder(1).max_tasks_per_child(2).build().expect("valid");
    let pids: Vec<i64> = (0..5).map(|_| value(&pool.submit(task, (PID, 0)))).collect();
    assert_eq!(pids[0], pids[1]);
    assert_ne!(pids[1], pids[2]);
    assert_eq!(pids[2], pids[3]);
    assert_ne!(pids[3], pids[4]);
}

// executor.py :: test_max_workers_negative; test_process_pool.py :: test_max_tasks_per_child
// (a count of 0 is a ValueError)
fn bad_settings_are_refused() {
    let no_workers = Pool::builder(0).build().map(|_| ()).unwrap_err();
    assert_eq!(no_workers, PoolError::NoWorkers);
    let no_tasks = Pool::builder(1)
        .max_tasks_per_child(0)
        .build()
        .map(|_| ())
        .unwrap_err();
    assert_eq!(no_tasks.to_string(), "max_tasks_per_child must be at least 1");
}

// No CPython test: Python's time limits only stop the waiting (result(timeout)); this
// pool's task_time_limit (the example's --task-timeout) also stops the task.
fn a_task_past_its_time_limit_is_killed_and_replaced() {
    let pool = Pool::builder(1)
        .task_time_limit(Some(ticks(3)))
        .build()
        .expect("valid");
    let before = value(&pool.submit(task, (PID, 0)));
    let stuck = pool.submit(task, (NAP, 100));
    let Err(TaskError::TimeLimit(why)) = stuck.result() else {
        panic!("{:?}", stuck.result())
    };
    assert!(
        why.contains(&format!("worker process {before} was killed")),
        "{why}"
    );
    assert_ne!(value(&pool.submit(task, (PID, 0))), before, "a fresh worker");
}

// No CPython test: Python's timeout is a float, and `monotonic() + 1e300` cannot overflow.
// An `Instant` can: a timeout past the clock's end (`Duration::MAX`, say) waits with no
// deadline, as `result_timeout` already did, instead of panicking.
fn a_timeout_too_long_for_the_clock_means_no_deadline() {
    let pool = Pool::new(1);
    let future = pool.submit(task, (NAP, 1));
    let forever = Some(Duration::MAX);
    let completed: Vec<_> = process_pool::as_completed([&future], forever).collect();
    assert_eq!(completed.len(), 1);
    assert!(completed[0].is_ok(), "no timeout");
    let (done, not_done) = process_pool::wait([&future], forever, ReturnWhen::AllCompleted);
    assert_eq!((done.len(), not_done.len()), (1, 0));
    let mapped: Vec<_> = pool.map(task, [(NAP, 2)], forever, None).collect();
    assert_eq!(value(mapped[0].as_ref().expect("no timeout")), 2);
}

/// A function this program's workers do not serve (they serve [`task`] and [`init`]).
fn not_served(a: i64, b: i64) -> i64 {
    a + b
}

// No CPython test: Python's worker imports any module-level function it is sent. Here a
// worker program serves one function and one initializer, and a pool that asks for another
// gets one line saying which (the house rule for bad input), and the worker goes on.
fn a_function_the_workers_do_not_serve_fails_in_one_line() {
    let pool = Pool::new(1);
    let Err(TaskError::Panicked(why)) = pool.submit(not_served, (1, 2)).result() else {
        panic!("not_served ran")
    };
    assert!(
        why.contains("pool::task") && why.contains("pool::not_served"),
        "{why}"
    );
    assert!(!why.contains('\n'), "one line: {why}");
    assert_eq!(value(&pool.submit(task, (NAP, 0))), 0, "the worker goes on");

    fn not_served_init() {}
    let pool = Pool::builder(1)
        .initializer(not_served_init)
        .build()
        .expect("valid");
    let Err(TaskError::BrokenPool(why)) = pool.submit(task, (NAP, 0)).result() else {
        panic!("the initializer ran")
    };
    assert!(
        why.contains("not_served_init") && !why.contains('\n'),
        "one line: {why}"
    );
}
