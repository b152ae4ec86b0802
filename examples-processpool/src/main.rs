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
//! * With `--cpu` the work is real, and threads, rayon and processes all hit the same wall:
//!   about ceil(3 / CPUs) x 2 s. In Rust threads run CPU work in parallel; there is no GIL.
//! * Square 3037000500 to see a worker process crash: that one task fails, the rest finish.

use clap::Parser;
use common::cli::LessonArgs;
use common::panics::catch_panic;
use common::timeline::{Span, Timeline};
use common::{rprint, say, timeit};
use examples_processpool::process_pool::{self, Done, ProcessPool, TaskId};
use examples_processpool::work::Work;
use std::collections::HashMap;
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

// ANCHOR: without_executor
/// One by one, each call timed.
fn without_executor(numbers: &[i64], work: Work) -> Squares {
    let mut squares = Squares::default();
    for &num in numbers {
        let start = Instant::now();
        let (outcome, span) = Span::measure(num.to_string(), || catch_panic(|| my_function(num, work)));
        let took = format!(" [ {:.2} sec ]", start.elapsed().as_secs_f64());
        squares.add(
            "Without_executor",
            num,
            outcome.map(|(_, square)| square),
            span,
            &took,
        );
    }
    squares
}
// ANCHOR_END: without_executor

// ANCHOR: with_executor
/// On a pool of worker processes; results are printed as they complete
/// (or, with `ordered`, in the order of `numbers`, like `executor.map`).
fn with_executor(numbers: &[i64], work: Work, workers: usize, ordered: bool) -> Squares {
    let mut squares = Squares::default();
    let mut pool = ProcessPool::new(workers);
    // `executor.submit(my_function, num)`: the task travels to a worker as a line of text.
    let task = |num: &i64| format!("{num} {}", work.to_word());
    if ordered {
        let results = pool.map(numbers.iter().map(task));
        for (&num, done) in numbers.iter().zip(results) {
            squares.add_done("With_executor", num, done);
        }
    } else {
        let submitted: HashMap<TaskId, i64> =
            numbers.iter().map(|num| (pool.submit(task(num)), *num)).collect();
        // `as_completed(results)`
        for done in pool.as_completed() {
            squares.add_done("With_executor", submitted[&done.id], done);
        }
    }
    squares
    // The pool is dropped here, like leaving Python's `with` block: its workers are stopped.
}
// ANCHOR_END: with_executor

/// What a worker process does with one task line, `"<number> <work>"`.
fn worker_task(line: &str) -> String {
    let mut words = line.split_whitespace();
    let num: i64 = words.next().and_then(|w| w.parse().ok()).expect("a number");
    let work = words.next().and_then(Work::from_word).expect("a kind of work");
    let (x, square) = my_function(num, work);
    format!("{x} {square}")
}

// ANCHOR: with_threads
/// The Rust way for a handful of tasks: one thread each. Scoped threads may borrow
/// `numbers`, and the scope joins every thread before it returns (like a `with` block).
fn with_threads(numbers: &[i64], work: Work) -> Squares {
    let mut squares = Squares::default();
    let (results, completed) = mpsc::channel();
    thread::scope(|scope| {
        for &num in numbers {
            let results = results.clone();
            scope.spawn(move || {
                let (outcome, span) =
                    Span::measure(num.to_string(), || catch_panic(|| my_function(num, work)));
                let _ = results.send((num, outcome.map(|(_, square)| square), span));
            });
        }
        drop(results);
        for (num, outcome, span) in completed {
            squares.add("With_threads", num, outcome, span, "");
        }
    });
    squares
}
// ANCHOR_END: with_threads

// ANCHOR: with_rayon
/// The Rust way for data: rayon spreads the items over one thread per CPU and, like
/// `executor.map`, keeps the results in input order.
fn with_rayon(numbers: &[i64], work: Work) -> Squares {
    let results: Vec<_> = numbers
        .par_iter()
        .map(|&num| Span::measure(num.to_string(), || catch_panic(|| my_function(num, work))))
        .collect();
    let mut squares = Squares::default();
    for (&num, (outcome, span)) in numbers.iter().zip(results) {
        squares.add("With_rayon", num, outcome.map(|(_, square)| square), span, "");
    }
    squares
}
// ANCHOR_END: with_rayon

/// What a run hands back: the squares it got, and the picture of when each task ran.
#[derive(Default)]
struct Squares {
    values: Vec<i64>,
    timeline: Timeline,
}

impl Squares {
    /// Keep the result of one process-pool task: the worker answered `"x square"`.
    fn add_done(&mut self, label: &str, num: i64, done: Done) {
        let outcome = done.answer.map_err(|broken| broken.to_string()).and_then(|line| {
            let square = line.split_whitespace().nth(1).and_then(|s| s.parse().ok());
            square.ok_or(format!("the worker answered nonsense: {line:?}"))
        });
        let span = Span {
            label: num.to_string(),
            ..done.span
        };
        self.add(label, num, outcome, span, "");
    }

    /// Print one result (`Label: 3 squared = 9`, or why it failed) and keep it.
    fn add(&mut self, label: &str, num: i64, outcome: Result<i64, String>, span: Span, suffix: &str) {
        match &outcome {
            Ok(square) => {
                say!("{label}: {num} squared = {square}{suffix}");
                self.values.push(*square);
            }
            Err(why) => say!("{label}: {num} failed: {why}"),
        }
        self.timeline.add(span, outcome.is_ok());
    }
}

#[derive(Parser)]
#[command(about = "Listing 2: square numbers one by one, on a process pool, on threads and with rayon")]
struct Args {
    /// The numbers to square
    #[arg(default_values_t = [2, 3, 4], allow_negative_numbers = true)]
    numbers: Vec<i64>,

    /// Worker processes in the pool [default: the number of CPUs, Python's default]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    workers: Option<u32>,

    /// Replace the 2-second sleep with 2 seconds of real CPU work
    #[arg(long)]
    cpu: bool,

    /// Print the process pool's results in input order (executor.map), not as they complete
    #[arg(long)]
    ordered: bool,

    #[command(flatten)]
    lesson: LessonArgs,
}

fn main() -> ExitCode {
    common::init();
    // A copy of this program started by the process pool: serve tasks, do nothing else.
    if process_pool::is_worker() {
        process_pool::serve(worker_task);
    }
    let args = Args::parse();
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers.map_or(cpus, |n| n as usize);
    let task_time = Duration::from_secs(2).mul_f64(args.lesson.time_scale);
    let work = if args.cpu {
        Work::calibrate(task_time)
    } else {
        Work::Sleep(task_time)
    };
    let numbers = &args.numbers;

    let tasks = numbers.len();
    // A pool running `lanes` tasks at a time needs ceil(tasks / lanes) rounds of one task each.
    let rounds = |lanes: usize| task_time * tasks.div_ceil(lanes) as u32;
    // Sleeping threads all wait at once. Computing threads share the CPUs: the OS gives
    // each a slice in turn, so all of them finish together, at tasks / CPUs task-lengths.
    let threads_ideal = if args.cpu {
        task_time.mul_f64((tasks as f64 / cpus as f64).max(1.0))
    } else {
        task_time
    };
    let rayon_threads = rayon::current_num_threads();

    say!();
    let mut runs = Runs::new(&args.lesson);
    let run = timeit!(without_executor(numbers, work));
    runs.record("without_executor", run, rounds(1), "one at a time");
    let run = timeit!(with_executor(numbers, work, workers, args.ordered));
    runs.record(
        "with_executor",
        run,
        rounds(workers),
        &format!("{workers} processes"),
    );
    let run = timeit!(with_threads(numbers, work));
    runs.record("with_threads", run, threads_ideal, &format!("{tasks} threads"));
    let run = timeit!(with_rayon(numbers, work));
    runs.record(
        "with_rayon",
        run,
        rounds(rayon_threads),
        &format!("{rayon_threads} threads"),
    );

    let kind = if args.cpu { "computing" } else { "sleeping" };
    rprint!(
        "Summary: {tasks} tasks of {:.2} sec each ({kind}) on {cpus} CPUs:",
        task_time.as_secs_f64()
    );
    runs.print_summary();
    runs.exit_code()
}

/// Each run's timeline, shown as it ends, and its line in the closing summary.
struct Runs<'a> {
    lesson: &'a LessonArgs,
    /// The run's name, its time, its ideal, and what that ideal assumes.
    rows: Vec<(&'static str, Duration, Duration, String)>,
    failures: usize,
}

impl<'a> Runs<'a> {
    fn new(lesson: &'a LessonArgs) -> Self {
        Self {
            lesson,
            rows: Vec::new(),
            failures: 0,
        }
    }

    /// Draw the run's timeline and keep its time next to the best it could have done.
    fn record(
        &mut self,
        name: &'static str,
        (squares, took): (Squares, Duration),
        ideal: Duration,
        how: &str,
    ) {
        if !self.lesson.no_timeline {
            squares.timeline.print(self.lesson.time_scale);
        }
        self.failures += squares.timeline.failures();
        self.rows.push((name, took, ideal, how.to_string()));
    }

    fn print_summary(&self) {
        for (name, took, ideal, how) in &self.rows {
            rprint!(
                "  {name:<17} {:.4} sec   ideal {:.4} sec ({how})",
                took.as_secs_f64(),
                ideal.as_secs_f64()
            );
        }
    }

    fn exit_code(&self) -> ExitCode {
        if self.failures == 0 {
            return ExitCode::SUCCESS;
        }
        say!("{} task(s) failed.", self.failures);
        ExitCode::FAILURE
    }
}
