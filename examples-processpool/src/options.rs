//! The command line of Listing 2: clap builds the parser and `--help` from these types
//! (the Rust counterpart of Python's argparse).

use clap::Parser;
use common::cli::{LessonArgs, positive_seconds};
use examples_processpool::work::Work;
use std::time::Duration;

/// Listing 2: square numbers one by one, on a process pool, on threads and with rayon
#[derive(Parser)]
// The shared help speaks of site latencies; here there are no sites.
#[command(mut_arg("time_scale", |arg| arg.help(
    "Multiply my_function's 2 s (slept, or computed with --cpu) by F; 0.1 runs the lesson 10x faster"
)))]
pub struct Args {
    /// The numbers to square
    #[arg(default_values_t = [2, 3, 4], allow_negative_numbers = true)]
    pub numbers: Vec<i64>,

    /// Worker processes in the pool [default: the number of CPUs, Python's default]
    #[arg(long, value_name = "N", value_parser = common::workers::process_workers)]
    workers: Option<usize>,

    /// Replace the 2-second sleep with 2 seconds of real CPU work
    #[arg(long)]
    pub cpu: bool,

    /// Print the process pool's results in input order (executor.map), not as they complete
    #[arg(long)]
    pub ordered: bool,

    /// Fail a process-pool task that runs longer than SECS: its worker is killed and replaced
    /// (Python's `future.result(timeout=SECS)` only stops waiting; the task runs on)
    #[arg(long, value_name = "SECS", value_parser = positive_seconds)]
    pub task_timeout: Option<Duration>,

    #[command(flatten)]
    pub lesson: LessonArgs,
}

impl Args {
    /// The pool size: `--workers`, or Python's default for a `ProcessPoolExecutor`.
    pub fn workers(&self) -> usize {
        self.workers.unwrap_or_else(common::workers::cpus)
    }

    /// What each call of `my_function` spends its time on: a sleep, or CPU work with `--cpu`.
    pub fn work(&self) -> Work {
        Work::for_lesson(self.cpu, self.lesson.time_scale)
    }
}
