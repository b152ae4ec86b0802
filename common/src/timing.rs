//! The article's `@timeit` decorator, in Rust.
//!
//! Python wraps a function at definition time and reads its name from `func.__name__`.
//! Rust has no decorators and no function names at run time, so we wrap the *call*
//! instead: `timeit!(singlethread(&client, &urls))` runs the call, prints
//!
//! ```text
//!  [*] singlethread(): completed within [1.8042 sec].
//! ```
//!
//! and hands back a [`Timed`]: the call's value, how long it took, and the function's name.

use std::future::Future;
use std::time::{Duration, Instant};

/// Time a function call and print the article's timing line, using the function's own name.
///
/// `timeit!(singlethread(&client, &urls))` is `timeit("singlethread", || singlethread(&client, &urls))`.
///
/// ```
/// use common::timeit;
///
/// fn square(x: u64) -> u64 {
///     x * x
/// }
///
/// // Prints " [*] square(): completed within [0.0000 sec]."
/// let timed = timeit!(square(3));
/// assert_eq!((timed.name, timed.value), ("square", 9));
/// assert!(timed.took.as_secs() < 1);
/// ```
#[macro_export]
macro_rules! timeit {
    ($function:ident ( $($arg:expr),* $(,)? )) => {
        $crate::timing::timeit(stringify!($function), || $function($($arg),*))
    };
}

/// The async form: `timeit_async!(fetch_concurrently(&client, &urls))` awaits the call.
#[macro_export]
macro_rules! timeit_async {
    ($function:ident ( $($arg:expr),* $(,)? )) => {
        $crate::timing::timeit_async(stringify!($function), $function($($arg),*)).await
    };
}

/// A timed call: what the function returned, how long it took, and the function's name.
#[derive(Debug)]
pub struct Timed<T> {
    pub name: &'static str,
    pub value: T,
    pub took: Duration,
}

// ANCHOR: timeit
/// Run `work`, print ` [*] NAME(): completed within [S.SSSS sec].`, return its value and time.
pub fn timeit<T>(name: &'static str, work: impl FnOnce() -> T) -> Timed<T> {
    let start = Instant::now();
    let value = work();
    let took = start.elapsed();
    print_timing(name, took);
    Timed { name, value, took }
}
// ANCHOR_END: timeit

/// The async form: `timeit_async("fetch_all", fetch_all(&urls)).await`.
pub async fn timeit_async<T>(name: &'static str, work: impl Future<Output = T>) -> Timed<T> {
    let start = Instant::now();
    let value = work.await;
    let took = start.elapsed();
    print_timing(name, took);
    Timed { name, value, took }
}

/// The timing line without colour, exactly as the article prints it.
pub fn timing_line(name: &str, took: Duration) -> String {
    format!(" [*] {name}(): completed within [{:.4} sec].", took.as_secs_f64())
}

fn print_timing(name: &str, took: Duration) {
    // The article surrounds the line with blank lines; so do we.
    crate::say!();
    crate::rprint!("{}", timing_line(name, took));
    crate::say!();
}
