//! The command line of the async lesson: clap builds the parser and `--help` from these
//! types (the Rust counterpart of Python's argparse).

use clap::{Parser, ValueEnum};
use common::fetching::FetchArgs;
use std::time::Duration;

/// The async variant: tokio and async reqwest on one thread, and its pitfall
#[derive(Parser)]
// The shared help speaks of a pool's workers; here there are none.
#[command(mut_arg("repeat", |arg| arg.help(
    "Fetch the whole list N times over (N times as many tasks, all started at once on the one thread)"
)))]
pub struct Args {
    #[command(flatten)]
    pub fetch: FetchArgs,

    /// Run only one section
    #[arg(long, value_enum)]
    only: Option<Section>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
pub enum Section {
    Fetch,
    Squaring,
    Pitfall,
}

impl Args {
    /// Whether this section is wanted: every section, unless `--only` names another.
    pub fn wants(&self, section: Section) -> bool {
        self.only.is_none_or(|only| only == section)
    }

    /// `my_function`'s 2-second sleep, times `--time-scale`.
    pub fn delay(&self) -> Duration {
        Duration::from_secs(2).mul_f64(self.fetch.lesson.time_scale)
    }
}
