//! The `@timeit` analogue: the article's line, the value and the time.

use common::timeit;
use common::timing::{timeit_async, timing_line};
use std::time::Duration;

#[test]
fn timing_line_has_the_articles_shape() {
    assert_eq!(
        timing_line("singlethread", Duration::from_micros(1_804_217)),
        " [*] singlethread(): completed within [1.8042 sec]."
    );
    assert_eq!(
        timing_line("multithread", Duration::ZERO),
        " [*] multithread(): completed within [0.0000 sec]."
    );
}

#[test]
fn the_async_form_times_the_awaited_future() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let timed = runtime.block_on(timeit_async("nap", async {
        tokio::time::sleep(Duration::from_millis(5)).await;
        "done"
    }));
    assert_eq!((timed.name, timed.value), ("nap", "done"));
    assert!(timed.took >= Duration::from_millis(5));
}

#[test]
fn timeit_returns_the_value_and_a_plausible_duration() {
    fn add(a: u32, b: u32) -> u32 {
        std::thread::sleep(Duration::from_millis(5));
        a + b
    }
    let timed = timeit!(add(2, 3));
    assert_eq!(timed.value, 5);
    assert!(timed.took >= Duration::from_millis(5));
}
