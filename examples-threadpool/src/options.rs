//! The command line of Listing 1: clap builds the parser and `--help` from these types
//! (the Rust counterpart of Python's argparse).

use clap::{Parser, ValueEnum};
use common::fetching::FetchArgs;

/// Listing 1: fetch four sites one by one, then with a thread pool
#[derive(Parser)]
#[command(after_help = "With no URLs, the four stand-in sites are served on 127.0.0.1 (no network needed).")]
pub struct Args {
    #[command(flatten)]
    pub fetch: FetchArgs,

    /// Threads in the pool [default: min(32, CPUs + 4), Python's default]
    #[arg(long, value_name = "N", value_parser = common::workers::thread_workers)]
    workers: Option<usize>,

    /// Run only one of the two runs
    #[arg(long, value_enum)]
    only: Option<Run>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
pub enum Run {
    Sequential,
    Threaded,
}

impl Args {
    /// The pool size: `--workers`, or Python's default for a `ThreadPoolExecutor`.
    pub fn workers(&self) -> usize {
        self.workers.unwrap_or_else(common::workers::thread_pool_default)
    }

    /// Whether this run is wanted: every run, unless `--only` names another.
    pub fn wants(&self, run: Run) -> bool {
        self.only.is_none_or(|only| only == run)
    }
}
