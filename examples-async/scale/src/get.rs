//! What the three client layers share: the [`Get`] each of them implements, [`within`],
//! the timeout the two lower layers (hyper, raw) have no setting for, and [`plain`], their
//! errors in plain words.

use futures_util::FutureExt;
use std::future::Future;
use std::time::Duration;

/// What each layer's client does: send the same GET again and again, each time to the end.
/// A trait, not an enum of the three: each layer's task is then only as large as its own
/// future (reqwest's is the largest by far, and an enum's future is the size of its largest).
pub trait Get: Clone + Send + Sync + 'static {
    fn get(&self) -> impl Future<Output = Result<(), String>> + Send;
}

/// `attempt`, given up after `timeout`: the lower layers have no timeout of their own.
/// A plain function returning the timeout's own future, not an `async fn`: an `async fn`
/// would keep `attempt` twice in its state (as the argument and inside the timeout), and
/// with 10,000 requests in flight that is 10,000 times a layer's whole future.
pub fn within(
    timeout: Duration,
    attempt: impl Future<Output = Result<(), String>>,
) -> impl Future<Output = Result<(), String>> {
    // In the words the reqwest layer's body timeout uses: "after 0.5 s", not Rust's "500ms".
    let gave_up = move |_| Err(format!("timed out after {:.1} s", timeout.as_secs_f64()));
    tokio::time::timeout(timeout, attempt).map(move |outcome| outcome.unwrap_or_else(gave_up))
}

/// An error as a failure's reason: its message without the OS's error number, which
/// differs per OS ("Connection refused", not "Connection refused (os error 111)").
pub fn plain(error: impl std::fmt::Display) -> String {
    common::output::strip_os_error(&error.to_string())
}
