//! `--panic-on TEXT`: make the concurrent task of every URL containing TEXT panic, to show
//! what becomes of a panicking task. The lesson runner arms it once; the listings never
//! mention it.
//!
//! [`Span::measure`](crate::timeline::Span::measure) names the task it times, and
//! [`catch_panic`](crate::panics::catch_panic) panics on the spot for a chosen name. So only
//! tasks that catch their panics (the concurrent ones) take part: the one-by-one runs,
//! which catch nothing, are never asked to panic.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;

static PANIC_ON: OnceLock<String> = OnceLock::new();

thread_local! {
    /// The name of the task this thread is running inside `Span::measure`, if any.
    static TASK: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Arm the experiment: tasks whose name contains `text` will panic.
pub fn panic_on(text: &str) {
    let _ = PANIC_ON.set(text.to_string());
}

/// Run `work` as the task called `name`.
pub(crate) fn as_task<T>(name: &str, work: impl FnOnce() -> T) -> T {
    /// Puts the outer name back when dropped, even when `work` panics.
    struct Restore(Option<String>);
    impl Drop for Restore {
        fn drop(&mut self) {
            TASK.set(self.0.take());
        }
    }
    let _restore = Restore(TASK.replace(Some(name.to_string())));
    work()
}

/// Await `work` as the task called `name`: the name is set around every poll, since other
/// tasks run on this thread in between.
pub(crate) async fn as_task_async<T>(name: &str, work: impl Future<Output = T>) -> T {
    let mut work = pin!(work);
    std::future::poll_fn(|context| as_task(name, || work.as_mut().poll(context))).await
}

/// Panic if the experiment asks the current task to. Called inside `catch_panic`.
pub(crate) fn panic_if_asked() {
    let asked = PANIC_ON.get().is_some_and(|text| {
        TASK.with_borrow(|task| task.as_deref().is_some_and(|name| name.contains(text.as_str())))
    });
    if asked {
        panic!("--panic-on asked this task to panic");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_task_is_asked_to_panic() {
        panic_on("yahoo");
        assert!(std::panic::catch_unwind(|| as_task("yahoo", panic_if_asked)).is_err());
        as_task("google", panic_if_asked);
        panic_if_asked(); // outside any task
    }
}
