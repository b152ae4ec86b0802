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
//! * Square 3037000500 to see a worker process crash: that one task fails, the rest finish.
//!
//! The process pool is in `src/process_pool.rs`, the options in `src/options.rs`; the
//! timelines, the summary and the exit status are in `common::lesson`.

mod options; // src/options.rs, compiled into this program (the pool is in the library, src/lib.rs)

use clap::Parser;
use common::timeline::{Span, Timeline};
use common::{lesson::Lesson, panics::catch_panic, squares::Squared, timeit};
use examples_processpool::process_pool::{self, ProcessPool};
use examples_processpool::work::Work;
use options::Args;
use std::process::ExitCode;
use std::time::Instant;

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

// ANCHOR: with_executor
/// On a pool of worker processes; results are printed as they complete.
fn with_executor(numbers: &[i64], workers: usize, work: Work) -> Timeline {
    // `with ProcessPoolExecutor(max_workers) as executor:`
    let mut executor = ProcessPool::new(workers);
    for &num in numbers {
        // `executor.submit(my_function, num)`: the function's name and its arguments travel
        // to a free worker process, which runs it there.
        executor.submit(my_function, (num, work));
    }
    let mut timeline = Timeline::new();
    // `as_completed(results)`: each result as soon as its worker is done.
    for done in executor.as_completed() {
        // `x, y = future.result()`: a finished task brings back its own arguments too.
        let (num, _work) = done.args;
        Squared::of(num, done.result).report("With_executor", done.span, &mut timeline);
    }
    timeline
    // The pool is dropped here, like leaving Python's `with` block: its workers are stopped.
}
// ANCHOR_END: with_executor

// ANCHOR: with_executor_map
/// The same pool, results in the order of `numbers`, like `executor.map(my_function, numbers)`.
/// (This `map` hands them all back once the last is done; Python's yields each one as soon as
/// every one before it is done.)
fn with_executor_map(numbers: &[i64], workers: usize, work: Work) -> Timeline {
    let mut executor = ProcessPool::new(workers);
    let mut timeline = Timeline::new();
    for done in executor.map(my_function, numbers.iter().map(|&num| (num, work))) {
        let (num, _work) = done.args;
        Squared::of(num, done.result).report("With_executor", done.span, &mut timeline);
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
    process_pool::serve_if_worker(my_function);
    let args = Args::parse();
    process_pool::limit_each_task(args.task_timeout);
    let mut lesson = Lesson::squaring(&args.lesson, args.cpu);
    // --workers or one per CPU (Python's default); a 2 s sleep, or CPU work with --cpu.
    let (numbers, workers, work) = (&args.numbers, args.workers(), args.work());
    // The threads of with_threads (one per number) and rayon (one per CPU), or a one-line error.
    common::workers::exit_if_threads_refused(numbers.len().max(common::workers::cpus()), "try fewer numbers");

    lesson.record(timeit!(without_executor(numbers, work)));
    if args.ordered {
        lesson.record(timeit!(with_executor_map(numbers, workers, work)));
    } else {
        lesson.record(timeit!(with_executor(numbers, workers, work)));
    }
    lesson.record(timeit!(with_threads(numbers, work)));
    lesson.record(timeit!(with_rayon(numbers, work)));
    lesson.finish()
}
// ANCHOR_END: main
