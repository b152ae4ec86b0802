//! Listing 2 of "About Concurrent.futures()": square a few numbers with a slow function,
//! one by one and then on a pool of processes; then the ways Rust does it instead:
//! a thread per task, and rayon.
//!
//! ```text
//! cargo run -p examples-processpool                 # sleep 2 s per number, like the article
//! cargo run -p examples-processpool -- --cpu        # real CPU work of the same length
//! cargo run -p examples-processpool -- 5 6 7 8      # other numbers
//! ```
//!
//! What to look for:
//! * One by one takes 3 x 2 s. The process pool has one worker per CPU, so on 2 CPUs it
//!   takes 4 s: two numbers at once, then the third.
//! * Threads finish the *sleeps* in 2 s, whatever the CPU count: sleeping uses no CPU.
//!   The article's demo would be just as fast with Python threads (sleep releases the GIL).
//! * With `--cpu` the work is real: processes and rayon (one per CPU) take about
//!   ceil(3 / CPUs) x 2 s, and three threads share the CPUs, about 3 x 2 s / CPUs. In Rust
//!   threads run CPU work in parallel; there is no GIL.
//! * Square 3037000500 to see a task fail: `my_function` panics in its worker process, the
//!   panic comes back as that task's error, and the worker goes on with the next task.
//! * `--task-timeout 1` gives each pool task at most 1 s: past it the task fails and its
//!   worker process is killed and replaced (try it with `--time-scale 1`: 2 s tasks).
//!
//! The process pool is the package beside this one (`process-pool/src/lib.rs`), the
//! options in `src/options.rs`; the timelines, the summary and the exit status are in
//! `common::lesson`. `cargo run -p examples-processpool --example futures` shows the rest
//! of the pool's futures: timeouts, cancel, wait.

mod options; // src/options.rs, compiled into this program (the pool is the process-pool package)

use common::timeline::{Span, Timeline};
use common::{lesson::Lesson, panics::catch_panic, squares::Squared, timeit};
use examples_processpool::work::Work;
use options::Args;
use process_pool::{self, ProcessPool, functions};
use std::process::ExitCode;
use std::time::{Duration, Instant};

// ANCHOR: thread_uses
use std::sync::mpsc;
use std::thread;
// ANCHOR_END: thread_uses

// ANCHOR: rayon_uses
use rayon::prelude::*;
// ANCHOR_END: rayon_uses

// ANCHOR: my_function
/// The article's `my_function`: take a while (it sleeps 2 s), then return `x` and its square.
fn my_function(x: i64, work: Work) -> (i64, i64) {
    work.run();
    // Python's integers never overflow; an i64 does. checked_mul turns that into a clear
    // panic, in release builds too (where a plain `x * x` would quietly wrap around).
    (x, x.checked_mul(x).expect("x * x does not fit in an i64"))
}
// ANCHOR_END: my_function

// ANCHOR: call_my_function
/// `my_function(num, work)` on this thread, timed for the timeline; a panic becomes this
/// number's error instead of ending the program.
fn call_my_function(num: i64, work: Work) -> (Squared, Span) {
    let (outcome, span) = Span::measure(num.to_string(), || catch_panic(|| my_function(num, work)));
    (Squared::of(num, outcome), span)
}
// ANCHOR_END: call_my_function

// ANCHOR: without_executor
/// One by one, each call timed.
fn without_executor(numbers: &[i64], work: Work) -> Timeline {
    let mut timeline = Timeline::new();
    for &num in numbers {
        let start_time = Instant::now();
        let (squared, span) = call_my_function(num, work);
        let took = format!(" [ {:.2} sec ]", start_time.elapsed().as_secs_f64());
        squared.print("Without_executor", &took);
        timeline.add(span, &squared);
    }
    timeline
}
// ANCHOR_END: without_executor

// ANCHOR: pool
/// The process pool: `workers` processes. With `--task-timeout SECS` a task may run at most
/// SECS on its worker: past that it fails, and the worker is killed and replaced.
fn pool(workers: usize, task_timeout: Option<Duration>) -> ProcessPool {
    ProcessPool::builder(workers)
        .task_time_limit(task_timeout)
        // The pool does not know what its arguments mean: name each task's row on the live
        // timeline by its number, from the moment the task starts.
        .label_tasks(|&(num, _work): &(i64, Work)| num.to_string())
        .build()
        .expect("--workers >= 1, --task-timeout > 0; run checked the threads")
}
// ANCHOR_END: pool

// ANCHOR: with_executor
/// On a pool of worker processes; results are printed as they complete.
fn with_executor(numbers: &[i64], workers: usize, work: Work, task_timeout: Option<Duration>) -> Timeline {
    // `with ProcessPoolExecutor(max_workers) as executor:` (and `--task-timeout`, if given)
    let executor = pool(workers, task_timeout);
    // `results = [executor.submit(my_function, num) for num in numbers]`: the function's
    // name and its arguments travel to a free worker process; a future comes back at once.
    let results: Vec<_> = numbers
        .iter()
        .map(|&num| executor.submit(my_function, (num, work)))
        .collect();
    let mut timeline = Timeline::new();
    // `for f in as_completed(results):` each future as soon as its task is done. (With no
    // timeout there is no TimeoutError: `flatten` takes the futures out of their `Ok`.)
    for future in process_pool::as_completed(&results, None).flatten() {
        // `x, y = f.result()`: its value, or the reason it has none. A future also keeps
        // its arguments, and when and where it ran.
        let (num, _work) = *future.args();
        Squared::of(num, future.result()).report("With_executor", future.span(), &mut timeline);
    }
    timeline
    // The pool is dropped here, like leaving Python's `with` block: its workers are stopped.
}
// ANCHOR_END: with_executor

// ANCHOR: with_executor_map
/// The same pool, results in the order of `numbers`, like `executor.map(my_function, numbers)`:
/// each one as soon as it and every one before it are done.
fn with_executor_map(
    numbers: &[i64],
    workers: usize,
    work: Work,
    task_timeout: Option<Duration>,
) -> Timeline {
    let executor = pool(workers, task_timeout);
    let mut timeline = Timeline::new();
    let all_args = numbers.iter().map(|&num| (num, work));
    // No timeout, no buffersize: every task is submitted at once, as in Python.
    for future in executor.map(my_function, all_args, None, None).flatten() {
        let (num, _work) = *future.args();
        Squared::of(num, future.result()).report("With_executor", future.span(), &mut timeline);
    }
    timeline
}
// ANCHOR_END: with_executor_map

// ANCHOR: with_threads
/// The Rust way for a handful of tasks: one thread each. Scoped threads may borrow
/// `numbers`, and the scope joins every thread before it returns (like a `with` block).
fn with_threads(numbers: &[i64], work: Work) -> Timeline {
    let mut timeline = Timeline::new();
    let (results, completed) = mpsc::channel();
    thread::scope(|scope| {
        for &num in numbers {
            let results = results.clone();
            scope.spawn(move || results.send(call_my_function(num, work)));
        }
        drop(results);
        for (squared, span) in completed {
            squared.report("With_threads", span, &mut timeline);
        }
    });
    timeline
}
// ANCHOR_END: with_threads

// ANCHOR: with_rayon
/// The Rust way for data: rayon spreads the items over one thread per CPU and, like
/// `executor.map`, keeps the results in input order.
fn with_rayon(numbers: &[i64], work: Work) -> Timeline {
    let results: Vec<(Squared, Span)> = numbers
        .par_iter()
        .map(|&num| call_my_function(num, work))
        .collect();
    let mut timeline = Timeline::new();
    for (squared, span) in results {
        squared.report("With_rayon", span, &mut timeline);
    }
    timeline
}
// ANCHOR_END: with_rayon

// ANCHOR: main
fn main() -> ExitCode {
    // In a worker process started by the pool, serve `my_function` and nothing else.
    process_pool::serve_if_worker(functions![my_function]);
    common::exit_status(run()) // run's exit status, or its error in one line (1; a usage error 2)
}

/// The lesson. A step that cannot go on returns its error, and `?` passes it up to `main`
/// (Python would raise); nothing here ends the program itself.
fn run() -> Result<ExitCode, common::Error> {
    let args: Args = common::cli::parse()?; // clap's Args::parse(), honouring TERM=dumb and a full disk
    let mut lesson = Lesson::squaring(&args.lesson, args.cpu);
    // --workers or one per CPU (Python's default); a 2 s sleep, or CPU work with --cpu.
    let (numbers, workers, work) = (&args.numbers, args.workers(), args.work());
    // The threads the runs need, asked for before they start: the pool's (one per worker),
    // with_threads' (one per number) and rayon's (one per CPU).
    let (pool_threads, cpus) = (process_pool::threads_needed(workers), common::workers::cpus());
    common::workers::check_threads(pool_threads, "try fewer --workers")?;
    common::workers::check_threads(numbers.len().max(cpus), "try fewer numbers")?;

    lesson.record(timeit!(without_executor(numbers, work)));
    let task_timeout = args.task_timeout;
    if args.ordered {
        lesson.record(timeit!(with_executor_map(numbers, workers, work, task_timeout)));
    } else {
        lesson.record(timeit!(with_executor(numbers, workers, work, task_timeout)));
    }
    lesson.record(timeit!(with_threads(numbers, work)));
    lesson.record(timeit!(with_rayon(numbers, work)));
    Ok(lesson.finish())
}
// ANCHOR_END: main
