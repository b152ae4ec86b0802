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
//!
//! The tests in [`SLOW`] wait seconds each: `cargo test --workspace` leaves them out, and
//! `-- --ignored` runs them alone, as libtest does with `#[ignore]` (`.ci/run` does).

use process_pool::{
    self, PoolError, PoolFuture, ProcessPool, ReturnWhen, TaskError, TimeoutError, WORKER_FLAG, functions,
};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// The unit of every nap in these tests, in milliseconds.
const TICK: i64 = 40;

/// What [`task`] does: its first argument.
const NAP: i64 = 0; // nap `arg` ticks, then return `arg`
const COUNT: i64 = 1; // return how many tasks this worker has run, this one included
const PANIC: i64 = 2; // panic
const DIE: i64 = 3; // end the worker process
const PID: i64 = 4; // return the worker's process id
const INITS: i64 = 5; // return how often the initializer ran in this worker
const PRINT: i64 = 6; // print a line and a part of one to stdout, then return `arg`
const ABORT: i64 = 7; // abort the worker process
const ALLOCATE: i64 = 8; // ask for more memory than any machine has

/// How often [`init`] ran in this process (a worker).
static INIT_RUNS: AtomicI64 = AtomicI64::new(0);

/// How many tasks this process (a worker) has run.
static TASKS_RUN: AtomicI64 = AtomicI64::new(0);

/// The function most tests submit.
fn task(kind: i64, arg: i64) -> i64 {
    let run = TASKS_RUN.fetch_add(1, Ordering::SeqCst) + 1;
    match kind {
        NAP => nap(arg),
        COUNT => return run,
        PANIC => panic!("boom {arg}"),
        DIE => std::process::exit(3),
        ABORT => std::process::abort(),
        ALLOCATE => drop(std::hint::black_box(Vec::<u8>::with_capacity(
            isize::MAX.unsigned_abs(),
        ))),
        PID => return std::process::id().into(),
        INITS => return INIT_RUNS.load(Ordering::SeqCst),
        PRINT => {
            println!("(printed by task {arg}, as Python's print in a worker)");
            print!("(a part of a line) ");
        }
        _ => {}
    }
    arg
}

/// A function that fails by returning an `Err`: it comes back as the future's value.
fn fallible(arg: i64) -> Result<i64, String> {
    Err(format!("no good: {arg}"))
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

type Future = PoolFuture<(i64, i64), i64>;

/// A pool of `workers`, as every test here has.
fn new_pool(workers: usize) -> ProcessPool {
    ProcessPool::new(workers).expect("a valid pool")
}

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
    what_a_task_prints_reaches_the_terminal_byte_for_byte_and_is_never_an_answer,
    a_task_reading_stdin_gets_end_of_file,
    any_serde_value_travels,
    a_value_that_cannot_travel_fails_its_task_alone,
    a_worker_answering_garbage_then_half_an_answer_fails_those_tasks_alone,
    a_worker_that_aborts_is_described_by_its_signal,
    a_failed_allocation_ends_its_worker_alone,
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
    map_with_a_buffersize_of_n_keeps_n_in_flight,
    shutdown_runs_the_queue_or_cancels_it,
    futures_of_two_pools_and_of_a_dropped_pool_never_hang,
    the_last_handle_dropped_on_a_pool_thread_does_not_wait_for_itself,
    the_initializer_runs_once_in_each_worker,
    a_failing_initializer_fails_every_task_in_one_line,
    max_tasks_per_child_replaces_the_worker,
    bad_settings_are_refused,
    a_task_past_its_time_limit_is_killed_and_replaced,
    a_timeout_too_long_for_the_clock_means_no_deadline,
    a_function_the_workers_do_not_serve_fails_in_one_line,
    one_argument_is_taken_as_it_is,
    label_tasks_names_the_tasks_whose_arguments_it_reads,
    a_value_of_a_gibibyte_comes_back_whole,
];

/// The tests that take a second or more, each for a reason of its own: ignored.
const SLOW: &[&str] = &[
    "polling_with_wait_leaves_nothing_behind", // a 2 s nap, polled
    "map_times_out_and_cancels_the_rest",      // waits out the task that runs on
    "map_cancels_the_rest_at_the_timeout_and_counts_only_the_unfinished", // two maps' timeouts
    "a_value_of_a_gibibyte_comes_back_whole",  // 1 GiB made, sent and read: seconds, and 3 GiB of memory
];

fn main() {
    pretend_to_be_a_broken_worker();
    process_pool::serve_if_worker(functions![
        task,
        init,
        fallible,
        print_everything,
        read_stdin,
        echo,
        refuses,
        describe,
        gibibytes,
    ]);
    common::panics::install_quiet_hook();
    if let Some(scenario) = std::env::args()
        .nth(1)
        .and_then(|first| first.strip_prefix(SCENARIO).map(String::from))
    {
        run_scenario(&scenario);
        return;
    }
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
/// with none; `--exact`: whole names), `--ignored` runs the [`SLOW`] ones only,
/// `--include-ignored` all, `--list` lists them; the values of `--test-threads N` and the
/// like are not filters.
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
    let ignored = |name: &str| SLOW.contains(&name);
    let chosen = TESTS.iter().copied().filter(|(name, _)| {
        let kept = flag("--include-ignored") || flag("--ignored") == ignored(name);
        kept && wanted(name)
    });
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
    let pool = new_pool(2);
    let future = pool.submit(task, (NAP, 1));
    assert_eq!(future.args(), &(NAP, 1));
    assert_eq!(future.result(), Ok(1));
    assert_eq!(future.result(), Ok(1), "asking twice gives the same");
}

// test_deadlock.py :: test_error_during_func_exec_on_worker; executor.py :: test_map_exception
fn an_err_and_a_panic_come_back_and_the_worker_goes_on() {
    let pool = new_pool(1);
    let before = value(&pool.submit(task, (PID, 0)));
    // A function's own Err is its value: the task ran, and said no.
    let failed = pool.submit(fallible, 7).result();
    assert_eq!(failed, Ok(Err("no good: 7".to_string())));
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

// No CPython test: a `println!` in a task was read as its answer, when answers shared the
// worker's stdout, and every answer after it went to the task after its own.
fn what_a_task_prints_is_not_taken_for_its_answer() {
    let pool = new_pool(1);
    let futures: Vec<Future> = [(PRINT, 1), (PRINT, 2), (NAP, 3)]
        .map(|args| pool.submit(task, args))
        .into();
    let answers: Vec<_> = futures.iter().map(Future::result).collect();
    assert_eq!(answers, [Ok(1), Ok(2), Ok(3)]);
}

// test_process_pool.py :: test_traceback_when_child_process_terminates_abruptly, and the
// deliberate difference from test_killed_child: only the dead worker's task fails.
fn a_dead_worker_fails_its_own_task_and_is_replaced() {
    let pool = new_pool(1);
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
        let pool = new_pool(1);
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
    let pool = new_pool(1);
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
    let pool = new_pool(1);
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
    let pool = new_pool(1);
    let (told, heard) = std::sync::mpsc::channel();
    let failing = pool.submit(task, (PANIC, 1));
    let told_too = told.clone();
    failing.add_done_callback(|_| panic!("a callback that panics")); // reported, no harm
    failing.add_done_callback(move |outcome| drop(told_too.send(outcome.clone())));
    let heard_first = heard.recv().expect("called");
    assert!(
        matches!(&heard_first, Err(TaskError::Panicked(why)) if why.starts_with("boom 1")),
        "{heard_first:?}"
    );
    assert_eq!(failing.exception(), heard_first.err());
    let slow = pool.submit(task, (NAP, 3));
    let zero = Duration::ZERO;
    assert_eq!(
        slow.exception_timeout(zero),
        Some(TaskError::WaitTimedOut(zero)),
        "not done yet"
    );
    assert_eq!(
        slow.exception_timeout(ticks(100)),
        None,
        "done in time, with a value"
    );
    let fine = pool.submit(task, (NAP, 0));
    assert_eq!(fine.exception(), None);
    fine.add_done_callback(move |outcome| drop(told.send(outcome.clone())));
    assert_eq!(heard.try_recv(), Ok(Ok(0)), "already done: called at once");
    assert_eq!(value(&pool.submit(task, (NAP, 2))), 2, "the pool goes on");
}

// test_as_completed.py :: test_no_timeout, test_duplicate_futures
fn as_completed_yields_each_future_once() {
    let pool = new_pool(2);
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
    let pool = new_pool(2);
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
    let pool = new_pool(3);
    let quick = pool.submit(task, (NAP, 1));
    let failing = pool.submit(task, (PANIC, 0));
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
        let pool = new_pool(1);
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
    let pool = new_pool(3);
    let mut map = pool.map(task, [3, 1, 12].map(|n| (NAP, n)), None, None);
    let mut next = || value(&map.next().expect("three").expect("no timeout"));
    assert_eq!(next(), 3);
    let first_came = std::time::Instant::now();
    assert_eq!(next(), 1);
    assert_eq!(next(), 12);
    // The last came some 9 ticks after the first: the first was not held back until all
    // were done (then they would come together). A bound from below, of one tick: a busy
    // machine makes gaps longer, not shorter.
    let gap = first_came.elapsed();
    assert!(
        gap >= ticks(1),
        "the first came with the last: {gap:?} between them"
    );
    assert!(map.next().is_none());
}

// executor.py :: test_map_timeout; test_thread_pool.py :: test_executor_map_current_future_cancel
fn map_times_out_and_cancels_the_rest() {
    let pool = new_pool(1);
    let worker = value(&pool.submit(task, (PID, 0)));
    let all_args = [(NAP, 1), (NAP, 30), (DIE, 0), (DIE, 0)];
    let outcomes: Vec<_> = pool.map(task, all_args, Some(ticks(6)), None).collect();
    assert_eq!(outcomes.len(), 2, "one result, then the timeout, then nothing");
    assert_eq!(value(outcomes[0].as_ref().expect("in time")), 1);
    let timeout = outcomes[1].as_ref().map(|_| ()).unwrap_err();
    assert_eq!(timeout.to_string(), "3 (of 4) futures unfinished");
    // The running task is not cancelled; the two behind it are: had they run, they would
    // have ended the worker, and this task would meet its replacement.
    let after = value(&pool.submit(task, (PID, 0)));
    assert_eq!(after, worker, "the tasks behind the timeout never ran");
    pool.shutdown(true, false);
}

// executor.py :: test_map_timeout: the TimeoutError comes, and the rest are cancelled then,
// not later (Python's map cancels them as the error leaves it, even if the caller keeps the
// iterator); the message counts the futures still unfinished, not the ones not yet yielded.
fn map_cancels_the_rest_at_the_timeout_and_counts_only_the_unfinished() {
    let pool = new_pool(1);
    let worker = value(&pool.submit(task, (PID, 0)));
    let mut map = pool.map(task, [(NAP, 10), (DIE, 0)], Some(ticks(2)), None);
    let timeout = map.next().expect("a timeout").map(|_| ()).unwrap_err();
    assert_eq!(timeout.to_string(), "2 (of 2) futures unfinished");
    let after = value(&pool.submit(task, (PID, 0))); // the map is still alive
    assert_eq!(after, worker, "the task behind the timeout never ran");
    drop(map);

    let pool = new_pool(2);
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
    let pool = new_pool(2);
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
    let pool = new_pool(1);
    let queued: Vec<Future> = (0..3).map(|n| pool.submit(task, (NAP, n))).collect();
    pool.shutdown(true, false);
    assert!(queued.iter().all(|future| future.result().is_ok()), "all ran");

    let pool = new_pool(1);
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
    let (one, two) = (new_pool(1), new_pool(1));
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
    let pool = ProcessPool::builder(2)
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
        (2, "the initializer panicked"),
        (3, "no answer within the 0.2 s time limit"),
    ] {
        let pool = ProcessPool::builder(2)
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
    let pool = ProcessPool::builder(1)
        .max_tasks_per_child(2)
        .build()
        .expect("valid");
    let pids: Vec<i64> = (0..5).map(|_| value(&pool.submit(task, (PID, 0)))).collect();
    assert_eq!(pids[0], pids[1]);
    assert_ne!(pids[1], pids[2]);
    assert_eq!(pids[2], pids[3]);
    assert_ne!(pids[3], pids[4]);
}

// executor.py :: test_max_workers_negative; test_process_pool.py :: test_max_tasks_per_child
// (a count of 0 is a ValueError); a time limit of 0 would fail every task, and is refused too
fn bad_settings_are_refused() {
    let no_workers = ProcessPool::builder(0).build().map(|_| ()).unwrap_err();
    assert_eq!(no_workers, PoolError::NoWorkers);
    let also_none = ProcessPool::new(0).map(|_| ()).unwrap_err();
    assert_eq!(also_none.to_string(), "a pool needs at least 1 worker");
    let no_time = ProcessPool::builder(1)
        .task_time_limit(Some(Duration::ZERO))
        .build();
    assert_eq!(
        no_time.map(|_| ()).unwrap_err().to_string(),
        "a task time limit must be more than 0"
    );
    let no_tasks = ProcessPool::builder(1)
        .max_tasks_per_child(0)
        .build()
        .map(|_| ())
        .unwrap_err();
    assert_eq!(no_tasks.to_string(), "max_tasks_per_child must be at least 1");
}

// No CPython test: Python's time limits only stop the waiting (result(timeout)); this
// pool's task_time_limit (the example's --task-timeout) also stops the task.
fn a_task_past_its_time_limit_is_killed_and_replaced() {
    let pool = ProcessPool::builder(1)
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
    let pool = new_pool(1);
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

/// A function this program's workers do not serve: it is not in `functions![…]` in `main`.
fn not_served(a: i64, b: i64) -> i64 {
    a + b
}

// No CPython test: Python's worker imports a module-level function by its qualified name,
// and refuses a lambda (PicklingError). Here a function travels by the name it is listed
// with in `functions![…]`; one not listed, or a closure, fails its future at once with one
// line saying what the workers serve, and nothing runs; the pool goes on.
fn a_function_the_workers_do_not_serve_fails_in_one_line() {
    let pool = new_pool(1);
    let Err(TaskError::NotServed(why)) = pool.submit(not_served, (1, 2)).result() else {
        panic!("not_served ran")
    };
    assert!(
        why.contains("task, init, fallible"),
        "names what is served: {why}"
    );
    assert!(!why.contains('\n'), "one line: {why}");
    // A closure that captures nothing gets this far (one that captures does not compile).
    let closure = pool.submit(|x: i64| x + 40, 2).result();
    assert!(
        matches!(&closure, Err(TaskError::NotServed(why)) if why.contains("closure")),
        "{closure:?}"
    );
    assert_eq!(value(&pool.submit(task, (NAP, 0))), 0, "the pool goes on");

    fn not_served_init() {}
    let refused = ProcessPool::builder(1).initializer(not_served_init).build();
    let Err(PoolError::NotServed(why)) = refused.map(|_| ()) else {
        panic!("the initializer was taken")
    };
    assert!(
        why.starts_with("the initializer: ") && !why.contains('\n'),
        "one line: {why}"
    );
}

// executor.py :: test_submit (`submit(pow, 2, 8)`: any number of arguments): a function of
// one argument takes it as it is, not in a tuple (one of none takes `()`, as `read_stdin`).
fn one_argument_is_taken_as_it_is() {
    let pool = new_pool(1);
    assert_eq!(
        pool.submit(fallible, 3).result(),
        Ok(Err("no good: 3".to_string()))
    );
    assert_eq!(pool.submit(describe, None).result(), Ok("None".to_string()));
}

// No CPython test: Python's pool draws no timeline. `label_tasks` names the span of each task
// whose arguments are of its type (a live timeline shows it from the task's start); a task
// with arguments of another type stays unnamed, for the timeline to name by its outcome.
fn label_tasks_names_the_tasks_whose_arguments_it_reads() {
    let pool = ProcessPool::builder(1)
        .label_tasks(|&(kind, arg): &(i64, i64)| format!("kind {kind}, arg {arg}"))
        .build()
        .expect("valid");
    assert_eq!(pool.submit(task, (NAP, 1)).span().label, "kind 0, arg 1");
    assert_eq!(pool.submit(fallible, 3).span().label, "");
}

// ---- What travels, and what a task may do to its worker's stdin, stdout and stderr ----

/// What [`print_everything`] writes to stdout: every kind of text that once was, or might
/// be, taken for an answer (the 0x1E record separator that marked answers, an RFC 7464
/// JSON text sequence, a fake answer), bytes that are not UTF-8, and no newline at the end.
const PRINTED_OUT: &[u8] =
    b"\x1eok 1 2\n\x1e{\"Value\":5}\n\x1e[\"ok\",9]\n\x1e{\"json\": \"seq\"}\nbad \xff\xfe bytes\n\x00\x05\x01no newline";

/// And what it writes to stderr, before an `eprintln!`.
const PRINTED_ERR: &[u8] = b"bad \xff\xfe on stderr\n";

/// Write [`PRINTED_OUT`] and [`PRINTED_ERR`], and `mib` MiB of `x`s after them; return `x`.
fn print_everything(x: i64, mib: usize) -> i64 {
    let mut out = std::io::stdout().lock();
    out.write_all(PRINTED_OUT).expect("stdout");
    out.write_all(&vec![b'x'; mib << 20]).expect("stdout");
    out.flush().expect("stdout");
    std::io::stderr().write_all(PRINTED_ERR).expect("stderr");
    eprintln!("then eprintln!");
    x
}

/// Read all of stdin: how many bytes came.
fn read_stdin() -> usize {
    let mut all = Vec::new();
    std::io::stdin()
        .read_to_end(&mut all)
        .map_or(usize::MAX, |_| all.len())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Shape {
    Circle { radius: f64 },
    Named(String),
    Nothing,
}

/// Some of everything serde can carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Everything {
    bytes: Vec<u8>,
    float: f64,
    maybe: Option<i32>,
    shapes: Vec<Shape>,
    text: String,
}

fn echo(value: Everything) -> Everything {
    value
}

/// A value serde refuses to write or read (Python: an object that pickle refuses).
#[derive(Debug, Clone, PartialEq)]
struct Refusing;

impl Serialize for Refusing {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("Refusing refuses"))
    }
}

impl<'de> Deserialize<'de> for Refusing {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom("Refusing refuses"))
    }
}

/// `Some(Refusing)` to send back, if asked; or take one (that never arrives).
fn refuses(make_one: bool, _taken: Option<Refusing>) -> Option<Refusing> {
    make_one.then_some(Refusing)
}

/// A task's value comes back as the function's return type says; a `u8` read as what
/// another function returns does not fit (a worker that answers with the wrong shape).
fn describe(value: Option<u8>) -> String {
    format!("{value:?}")
}

// test_process_pool.py :: test_ressources_gced_in_workers (values pickled both ways): any
// serde value travels, 10 MiB of bytes included, and comes back equal.
fn any_serde_value_travels() {
    let pool = new_pool(1);
    let everything = Everything {
        bytes: (0..10 << 20).map(|n: u32| n as u8).collect(),
        float: -0.1,
        maybe: None,
        shapes: vec![
            Shape::Circle { radius: 2.5 },
            Shape::Named("ünï".into()),
            Shape::Nothing,
        ],
        text: "\u{1e}ok 1 2\n".into(),
    };
    assert_eq!(
        pool.submit(echo, everything.clone()).result().as_ref(),
        Ok(&everything)
    );
    assert_eq!(pool.submit(describe, Some(7)).result(), Ok("Some(7)".to_string()));
}

// test_process_pool.py :: test_pickling_error (3.14's; a PicklingError in the future):
// arguments that cannot be written fail at submit, a value that cannot be written fails in
// the worker, and either way only that task fails; the worker goes on.
fn a_value_that_cannot_travel_fails_its_task_alone() {
    let pool = new_pool(1);
    let worker = value(&pool.submit(task, (PID, 0)));
    let not_sent = pool.submit(refuses, (false, Some(Refusing))).result();
    let Err(TaskError::Unsendable(why)) = not_sent else {
        panic!("{not_sent:?}")
    };
    assert!(why.starts_with("the arguments could not be serialized"), "{why}");
    let not_back = pool.submit(refuses, (true, None)).result();
    let Err(TaskError::Unsendable(why)) = not_back else {
        panic!("{not_back:?}")
    };
    assert!(why.starts_with("the value could not be serialized"), "{why}");
    assert_eq!(pool.submit(refuses, (false, None)).result(), Ok(None));
    assert_eq!(
        value(&pool.submit(task, (PID, 0))),
        worker,
        "the same worker went on"
    );
}

// No CPython test: Python's worker prints to the terminal it inherited, apart from the
// pickled results. Here it does too: answers travel on a connection of their own, and what
// a task writes to stdout and stderr reaches them unchanged (0x1E, JSON text sequences,
// fake answers, bytes that are not UTF-8, 50 MiB, no newline at the end), and no future's
// value changes. (A run of this program of its own, whose output the test reads.)
fn what_a_task_prints_reaches_the_terminal_byte_for_byte_and_is_never_an_answer() {
    let ran = scenario("print", None);
    assert!(ran.status.success(), "{ran:?}");
    let stdout = &ran.stdout;
    let printed = find(stdout, PRINTED_OUT).expect("the task's bytes, unchanged");
    let xs = &stdout[printed + PRINTED_OUT.len()..];
    let answers = b"\nanswers: Ok(5) Ok(6)\n";
    assert_eq!(xs.len(), (50 << 20) + answers.len(), "50 MiB, then the answers");
    assert!(
        xs.ends_with(answers),
        "{:?}",
        String::from_utf8_lossy(&xs[xs.len() - 40..])
    );
    let stderr = &ran.stderr;
    assert!(
        find(stderr, PRINTED_ERR).is_some(),
        "{:?}",
        String::from_utf8_lossy(stderr)
    );
    assert!(
        find(stderr, b"then eprintln!\n").is_some(),
        "{:?}",
        String::from_utf8_lossy(stderr)
    );
}

// No CPython test: Python's workers have /dev/null for stdin, so a task that reads it gets
// end of file. Here stdin carried the pool's address and is closed: the same.
fn a_task_reading_stdin_gets_end_of_file() {
    let pool = new_pool(1);
    assert_eq!(pool.submit(read_stdin, ()).result(), Ok(0));
    assert_eq!(value(&pool.submit(task, (NAP, 0))), 0, "the pool goes on");
}

// test_deadlock.py :: test_crash_during_result_pickle_on_worker, test_error_during_result_
// unpickle_in_result_handler: a worker that answers garbage, then half an answer and dies.
// Those two tasks fail, each in one line (the garbage: it cannot be read; the half answer:
// how the worker ended); the next task goes to a fresh worker. (The broken worker is this
// program pretending, in a run of its own; see `pretend_to_be_a_broken_worker`.)
fn a_worker_answering_garbage_then_half_an_answer_fails_those_tasks_alone() {
    let mark = std::env::temp_dir().join(format!("process-pool-test-broken-{}", std::process::id()));
    let _ = std::fs::remove_file(&mark);
    let ran = scenario("broken-worker", Some(mark.as_os_str()));
    let _ = std::fs::remove_file(&mark);
    let stdout = String::from_utf8_lossy(&ran.stdout);
    assert!(ran.status.success(), "{ran:?}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with("1: Err(Unsendable(\"the worker's answer could not be read"),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("2: Err(WorkerDied(\"worker process "),
        "{stdout}"
    );
    assert!(
        lines[1].ends_with(" died in the middle of its answer (exit code 7)\"))"),
        "{stdout}"
    );
    assert_eq!(lines[2], "3: Ok(3)", "{stdout}");
}

// test_process_pool.py :: test_traceback_when_child_process_terminates_abruptly: a worker
// that dies is described by how it ended, here the signal of an abort.
fn a_worker_that_aborts_is_described_by_its_signal() {
    #[cfg(unix)]
    {
        let pool = new_pool(1);
        let aborted = pool.submit(task, (ABORT, 0)).result();
        let Err(TaskError::WorkerDied(why)) = aborted else {
            panic!("{aborted:?}")
        };
        assert!(why.ends_with("died (killed by signal 6, SIGABRT)"), "{why}");
        assert_eq!(value(&pool.submit(task, (NAP, 1))), 1, "a fresh worker");
    }
}

// No CPython test: Python raises MemoryError in the task, and its worker goes on. A Rust
// process whose allocation fails aborts (its stderr says `memory allocation of … bytes
// failed`), so only that task fails, as with any dead worker.
fn a_failed_allocation_ends_its_worker_alone() {
    let pool = new_pool(1);
    let greedy = pool.submit(task, (ALLOCATE, 0));
    let behind = pool.submit(task, (NAP, 1));
    let Err(TaskError::WorkerDied(why)) = greedy.result() else {
        panic!("{:?}", greedy.result())
    };
    #[cfg(unix)]
    assert!(why.ends_with("died (killed by signal 6, SIGABRT)"), "{why}");
    assert_eq!(value(&behind), 1, "the next task, on a fresh worker");
}

// test_pool.py :: test_map_buffersize (3.14): `map` submits the next task before it yields
// a result, so `buffersize` tasks are in flight while the caller looks at one. On one
// worker that counts its tasks: the task behind the first result was queued before a task
// submitted while the caller held that result, so it ran first.
fn map_with_a_buffersize_of_n_keeps_n_in_flight() {
    let pool = new_pool(1);
    let mut map = pool.map(task, [(COUNT, 0), (COUNT, 0)], None, Some(1));
    let first = value(&map.next().expect("two").expect("no timeout"));
    let submitted_meanwhile = pool.submit(task, (COUNT, 0));
    let second = value(&map.next().expect("two").expect("no timeout"));
    assert_eq!((first, second), (1, 2), "the map's second task ran next");
    assert_eq!(value(&submitted_meanwhile), 3);
}

// No CPython test (Python's pool is not joined by its own threads): the last handle on a
// pool, dropped in a done-callback, runs the pool's drop on the pool's own thread, which
// must not wait for itself ("Resource deadlock avoided", a panic).
fn the_last_handle_dropped_on_a_pool_thread_does_not_wait_for_itself() {
    let pool = Arc::new(new_pool(1));
    let future = pool.submit(task, (NAP, 2));
    let (dropped, heard) = std::sync::mpsc::channel();
    let last = Arc::clone(&pool);
    future.add_done_callback(move |_| {
        drop(last);
        let _ = dropped.send(());
    });
    drop(pool);
    assert_eq!(heard.recv(), Ok(()), "the callback dropped the pool and went on");
    assert_eq!(future.result(), Ok(2));
    wait_for_no_worker(); // the pool's thread stops its worker once the callback returns
}

/// `n` GiB of bytes, made in the worker.
fn gibibytes(n: usize) -> Vec<u8> {
    vec![7; n << 30]
}

// The bad input "a task returning a 1 GiB value" (Python pickles it): it comes back
// whole, as one block of bytes, and the pool goes on. (A value over 4 GiB, more than one
// answer carries, fails its task alone with `Unsendable`, saying its size.)
fn a_value_of_a_gibibyte_comes_back_whole() {
    let pool = new_pool(1);
    let big = pool.submit(gibibytes, 1).result().expect("1 GiB");
    assert!(big.len() == 1 << 30 && big.iter().all(|&byte| byte == 7));
    drop(big);
    assert_eq!(value(&pool.submit(task, (NAP, 0))), 0, "the pool goes on");
}

// ---- Runs of this program of their own ----

/// The first argument that makes this program run a scenario instead of the tests: a
/// pool's parent in a process of its own, whose output the test reads.
const SCENARIO: &str = "--scenario=";

/// The environment variable that makes this program's first worker a broken one: it names
/// the file the broken worker leaves, so that its replacement serves as it should.
const BROKEN: &str = "PROCESS_POOL_TEST_BROKEN_WORKER";

/// This program, run again with `--scenario=NAME` (and `BROKEN` set to `broken`, if given).
fn scenario(name: &str, broken: Option<&std::ffi::OsStr>) -> std::process::Output {
    let mut command = std::process::Command::new(std::env::current_exe().expect("this program"));
    command
        .arg(format!("{SCENARIO}{name}"))
        .stdin(std::process::Stdio::null());
    if let Some(mark) = broken {
        command.env(BROKEN, mark);
    }
    command.output().expect("this program runs")
}

fn run_scenario(name: &str) {
    let pool = new_pool(1);
    match name {
        "print" => {
            let printed = pool.submit(print_everything, (5, 50));
            let after = pool.submit(task, (NAP, 6));
            println!("\nanswers: {:?} {:?}", printed.result(), after.result());
        }
        "broken-worker" => {
            for n in 1..=3 {
                println!("{n}: {:?}", pool.submit(task, (NAP, n)).result());
            }
        }
        _ => panic!("no scenario {name}"),
    }
}

/// Where `part` starts in `bytes`, if it is there.
fn find(bytes: &[u8], part: &[u8]) -> Option<usize> {
    bytes.windows(part.len()).position(|window| window == part)
}

/// In a run with [`BROKEN`] set, the first worker (the one that leaves the mark) connects
/// as a worker does, then answers its first task with garbage (a whole frame that is no
/// answer), and its second with half a frame, and dies.
fn pretend_to_be_a_broken_worker() {
    let is_worker = std::env::args_os()
        .nth(1)
        .is_some_and(|first| first == WORKER_FLAG);
    let Some(mark) = std::env::var_os(BROKEN).filter(|_| is_worker) else {
        return;
    };
    if std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&mark)
        .is_err()
    {
        return; // a replacement: it serves as it should
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).expect("the pool's address");
    let (address, secret) = line.trim_end().split_once(' ').expect("an address and a secret");
    let mut pool = std::net::TcpStream::connect(address).expect("the pool listens");
    pool.write_all(secret.as_bytes()).expect("the secret");
    let take_request = |pool: &mut std::net::TcpStream| {
        let mut length = [0; 4];
        pool.read_exact(&mut length).expect("a request");
        let mut request = vec![0; u32::from_le_bytes(length) as usize];
        pool.read_exact(&mut request).expect("a request");
    };
    take_request(&mut pool);
    pool.write_all(&[3, 0, 0, 0, 0xFF, 0xFF, 0xFF]).expect("garbage");
    take_request(&mut pool);
    pool.write_all(&[100, 0, 0, 0, b'h', b'a', b'l', b'f'])
        .expect("half an answer");
    std::process::exit(7);
}
