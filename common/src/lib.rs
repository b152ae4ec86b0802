//! What the lessons link: the types and helpers their listings read, and the lesson runner
//! around the listings. (The stand-in sites are the crate `demo-sites`, in `common/demo-sites`;
//! how every binary prints and fails in one line is the crate `terminal`, in
//! `common/terminal`, re-exported here as [`output`], [`say!`] and [`rprint!`]; what only tests
//! and benchmarks use is the dev-only crate `common/testkit`.)
//!
//! What the listings call, and a learner reads beside them:
//!
//! * [`timing`]: the article's `@timeit` decorator ([`timeit!`]),
//! * [`timeline`]: [`Span::measure`](timeline::Span::measure) times one task; a
//!   [`Timeline`](timeline::Timeline) draws which task ran when, on which worker (and, on
//!   a terminal, [`timeline::live`] draws it while it grows),
//! * [`fetch`]: what fetching a URL gives back, printed as the article prints it,
//! * [`squares`]: what squaring a number gives back (Listing 2), printed likewise,
//! * [`panics`]: a panicking task becomes that task's one-line error,
//! * [`output`]: rich-like printing that survives `| head` ([`rprint!`], [`say!`]; from `terminal`),
//! * [`workers`]: Python's default pool sizes, the one rule for `--workers`, and threads
//!   checked before a pool needs them (from `terminal`),
//! * [`interrupt`]: Ctrl-C ends the async lesson at once, with a message.
//!
//! What runs the lessons around the listings, one click away from each `main`:
//!
//! * [`lesson`]: the runner: records each run, sums them up, checks they agree, exit status,
//! * [`Error`] and [`exit_status`]: why a lesson cannot go on, returned up to its `main`, which
//!   alone prints it in one line and picks the exit status (from `terminal`),
//! * [`fetching`]: which URLs a lesson fetches (stand-in, given or live), and the client,
//! * [`cli`]: the options every example has (`--time-scale`, `--no-timeline`,
//!   `--no-live-view`), and `parse`
//!   (from `terminal`): clap's, with no colour for `TERM=dumb` and `--help` into a full disk
//!   an error,
//! * [`tls`]: the TLS provider behind `--live`, installed once.
//!
//! What the hand-written process pool (Listing 2) and the scale binary start their workers
//! with: [`children`], this program started again as a child process, always reaped, and
//! ended with its parent.

pub mod children;
pub mod cli;
pub mod fetch;
pub mod fetching;
pub mod interrupt;
pub mod lesson;
pub mod panics;
pub mod squares;
pub mod timeline;
pub mod timing;
pub mod tls;
pub mod workers;

// Printing that survives `| head` and a full disk, and why a program cannot go on, returned
// up to `main`: shared with every binary of the workspace.
pub use terminal::{Error, exit_status, output, rprint, say};

/// Colours only where a person is watching, panics as one line, TLS ready for `--live`,
/// and as many open files as the OS allows (every connection holds one; macOS starts at
/// 256). The lesson runner calls it first thing; so does the scale binary.
pub fn init() {
    output::choose_colours();
    panics::install_quiet_hook();
    tls::install_crypto_provider();
    // Where the OS has no such limit, or will not raise it, the default stays: fine.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
}
