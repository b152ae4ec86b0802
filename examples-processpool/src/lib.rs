//! The mechanisms behind Listing 2, kept out of `main.rs` so it reads like the listing:
//!
//! * [`process_pool`]: a process pool written out by hand (Rust's std has none),
//! * [`work`]: what each task spends its time on: sleep, or calibrated CPU work.

pub mod process_pool;
pub mod work;

use common::squares::Squared;
use common::timeline::Span;
use process_pool::Done;
use work::Work;

/// A task the process pool finished, as the other runs of Listing 2 report theirs.
pub fn squared(done: Done<(i64, Work), (i64, i64)>) -> (Squared, Span) {
    let (x, _work) = done.args;
    let square = done
        .result
        .map(|(_, square)| square)
        .map_err(|broken| broken.to_string());
    (Squared { x, square }, done.span)
}
