//! The signals that end a program (SIGINT from Ctrl-C or `kill`, SIGTERM, SIGHUP when the
//! terminal closes), taken on a thread of their own, so that the program can tidy the terminal
//! before it ends: `watch` puts it out of raw mode, the table clears its live line.
//! Windows has none of these signals; there Ctrl-C is taken by the ctrlc crate instead.

/// On Unix, SIGINT, SIGTERM and SIGHUP are blocked in this thread (and so in every thread started after
/// it: call this before any starts), and the first that comes is handed to `handle`, by its
/// number, on a thread that waits for them. Children start with no signal blocked (Rust's
/// `Command` clears the mask), so Ctrl-C still ends the checks they run.
pub fn on_signal_to_end(handle: impl FnOnce(i32) + Send + 'static) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{SigSet, Signal};
        let mut signals = SigSet::empty();
        for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
            signals.add(signal);
        }
        if signals.thread_block().is_ok() {
            std::thread::spawn(move || {
                if let Ok(signal) = signals.wait() {
                    handle(signal as i32);
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
            if let Some(handle) = handle.lock().ok().and_then(|mut taken| taken.take()) {
                handle(SIGINT);
            }
        });
    }
}

/// End the program by `signal` itself, as it would have ended had the signal not been taken:
/// the shell that started it then sees the same status (130 for Ctrl-C) and, for Ctrl-C,
/// stops a script that ran it, as it would have.
pub fn die_of(signal: i32) -> std::convert::Infallible {
    #[cfg(unix)]
    if let Ok(signal) = nix::sys::signal::Signal::try_from(signal) {
        let mut only = nix::sys::signal::SigSet::empty();
        only.add(signal);
        // Unblocked in this thread alone, with its default action: the program ends here.
        let _ = only.thread_unblock();
        let _ = nix::sys::signal::raise(signal);
    }
    // Only if the signal did not end it (the program was started with it ignored).
    std::process::exit(128 + signal)
}
