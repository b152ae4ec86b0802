//! Panics become one-line errors, for closures and for futures.

use common::panics::{catch_panic, catch_panic_async, install_quiet_hook};

#[test]
fn a_panic_becomes_an_error_with_its_message_and_place() {
    install_quiet_hook();
    let error = catch_panic(|| -> u32 { panic!("boom {}", 42) }).unwrap_err();
    assert!(error.starts_with("boom 42 (at "), "{error}");
    assert!(error.contains("tests/panics.rs"), "{error}");
    assert_eq!(catch_panic(|| 7), Ok(7));
}

#[test]
fn a_panic_of_several_lines_becomes_one() {
    install_quiet_hook();
    let error = catch_panic(|| assert_ne!("google", "google", "a bug on purpose")).unwrap_err();
    assert!(!error.contains('\n'), "{error:?}");
    assert!(
        error.starts_with(
            "assertion `left != right` failed: a bug on purpose; left: \"google\"; right: \"google\" (at "
        ),
        "{error}"
    );
}

#[test]
fn an_async_panic_becomes_an_error_too() {
    install_quiet_hook();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let late = async {
        tokio::task::yield_now().await;
        panic!("late boom")
    };
    let error = runtime.block_on(catch_panic_async::<()>(late)).unwrap_err();
    assert!(error.starts_with("late boom (at "), "{error}");
    assert_eq!(runtime.block_on(catch_panic_async(async { 7 })), Ok(7));
}
