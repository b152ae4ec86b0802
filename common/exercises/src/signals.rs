//! The signals that end a program (SIGINT from Ctrl-C or `kill`, SIGTERM, SIGHUP when the
//! terminal closes), taken on a thread of their own, so that the program can tidy the terminal
//! before it ends: `watch` puts it out of raw mode, the table clears its live line.
//! Windows has none of these signals; there Ctrl-C is taken by the ctrlc crate instead.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

/// Set as a signal to end arrives, by its handler itself: before any thread of the program
/// can see what the signal did to the programs it started (the checks ended by the same Ctrl-C).
static ENDING: LazyLock<Arc<AtomicBool>> = LazyLock::new(Arc::default);

/// On Unix, a handler takes SIGINT, SIGTERM and SIGHUP, and the first that comes is handed
/// to `handle`, by its number, on a thread that waits for them. No signal is blocked: the
/// programs started from here (cargo, the checks and the lessons they run) get Ctrl-C as
/// they would without it. (Blocked signals are inherited: taken with `sigwait`, as they once
/// were, Ctrl-C left the checks running on, unseen, after the table had ended.)
pub fn on_signal_to_end(handle: impl FnOnce(i32) + Send + 'static) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let signals = [SIGINT, SIGTERM, SIGHUP];
        for signal in signals {
            let _ = signal_hook::flag::register(signal, Arc::clone(&ENDING));
        }
        if let Ok(mut signals) = signal_hook::iterator::Signals::new(signals) {
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    handle(signal);
                }
            });
        }
    }
    // Windows: Ctrl-C (and Ctrl-Break) reach a handler of ctrlc's, on a thread of its own;
    // it is handed on as SIGINT, so the table's line is cleared and the status is 130 there too.
    #[cfg(not(unix))]
    {
        const SIGINT: i32 = 2;
        let handle = std::sync::Mutex::new(Some(handle));
        let _ = ctrlc::set_handler(move || {
            ENDING.store(true, Ordering::SeqCst);
            if let Some(handle) = handle.lock().ok().and_then(|mut taken| taken.take()) {
                handle(SIGINT);
            }
        });
    }
}

/// If a signal to end has come, wait for its thread to end the program (it may be clearing
/// the terminal just now), rather than go on to print what the signal cut short; else return
/// at once.
pub fn wait_if_ending() {
    while ENDING.load(Ordering::SeqCst) {
        std::thread::park();
    }
}

/// End the program by `signal` itself, as it would have ended had the signal not been taken:
/// the shell that started it then sees the same status (130 for Ctrl-C) and, for Ctrl-C,
/// stops a script that ran it, as it would have.
pub fn die_of(signal: i32) -> std::convert::Infallible {
    // The signal's own action back, and the signal raised again: the program ends here.
    #[cfg(unix)]
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    // Only if the signal did not end it.
    std::process::exit(128 + signal)
}
