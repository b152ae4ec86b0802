//! Shared by every example in this workspace.
//!
//! What the listings use, and a learner reads beside them:
//!
//! * [`timing`]: the article's `@timeit` decorator ([`timeit!`]),
//! * [`timeline`]: [`Span::measure`](timeline::Span::measure) times one task; a
//!   [`Timeline`](timeline::Timeline) draws which task ran when, on which worker,
//! * [`fetch`]: what fetching a URL gives back, printed as the article prints it,
//! * [`squares`]: what squaring a number gives back (Listing 2), printed likewise,
//! * [`panics`]: a panicking task becomes that task's one-line error,
//! * [`output`]: rich-like printing that survives `| head` ([`rprint!`], [`say!`]),
//! * [`workers`]: Python's default pool sizes.
//!
//! What runs the lessons around the listings, one click away:
//!
//! * [`lesson`]: the runner: records each run, sums them up, checks they agree, exit status,
//! * [`targets`]: which URLs a lesson fetches (stand-in, given or live), and the client,
//! * [`cli`]: the options every example has (`--time-scale`, `--no-timeline`),
//! * [`children`]: this program started again as a child process, and always reaped,
//! * [`experiments`]: `--panic-on`, a task made to panic on purpose,
//! * [`interrupt`]: Ctrl-C ends a program at once, with a message,
//! * [`tls`]: the TLS provider behind `--live`, installed once.
//!
//! What only tests and benchmarks use lives in the dev-only crate `common/testkit`.

pub mod children;
pub mod cli;
pub mod experiments;
pub mod fetch;
pub mod interrupt;
pub mod lesson;
pub mod output;
pub mod panics;
pub mod squares;
pub mod targets;
pub mod timeline;
pub mod timing;
pub mod tls;
pub mod workers;

/// Colours only where a person is watching, panics as one line, TLS ready for `--live`,
/// and as many open files as the OS allows (every connection holds one; macOS starts at
/// 256). The lesson runner calls it first thing.
pub fn init() {
    output::choose_colours();
    panics::install_quiet_hook();
    tls::install_crypto_provider();
    // Where the OS has no such limit, or will not raise it, the default stays: fine.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
}
