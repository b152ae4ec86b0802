//! Shared by every example in this workspace:
//!
//! * [`timing`]: the article's `@timeit` decorator ([`timeit!`]),
//! * [`sites`]: the stand-in sites, a local HTTP server with site-like latencies,
//! * [`timeline`]: the picture of which task ran when, on which worker,
//! * [`fetch`]: fetch results, one-line errors and the closing summary,
//! * [`targets`]: which URLs a lesson fetches (stand-in, given or live), and its outcome,
//! * [`output`]: rich-like printing that survives `| head` ([`rprint!`], [`say!`]),
//! * [`panics`]: panics turned into one-line errors,
//! * [`interrupt`]: Ctrl-C ends a program at once, with a message,
//! * [`cli`]: the options every example has (`--time-scale`, `--no-timeline`),
//! * [`tls`]: the TLS provider behind `--live`, installed once.
//!
//! What only tests and benchmarks use lives in the dev-only crate `common/testkit`.

pub mod cli;
pub mod fetch;
pub mod interrupt;
pub mod output;
pub mod panics;
pub mod sites;
pub mod targets;
pub mod timeline;
pub mod timing;
pub mod tls;

/// Call first in every example's `main`: colours only on a terminal, panics as one line,
/// and TLS ready for `--live`.
pub fn init() {
    output::choose_colours();
    panics::install_quiet_hook();
    tls::install_crypto_provider();
}
