//! Ctrl-C: stop at once, with a message.
//!
//! The default (the OS ends the process silently) is fine for the blocking lessons. The
//! async lesson would normally await `tokio::signal::ctrl_c()` on its own runtime, but a
//! runtime whose only thread is blocked (the pitfall it shows on purpose) never gets to it.
//! The `ctrlc` crate runs the handler on a thread of its own instead.

/// Exit code for "stopped by Ctrl-C" (128 + SIGINT), as shells report it.
pub const INTERRUPTED: i32 = 130;

/// On Ctrl-C, print `message` to stderr and exit with [`INTERRUPTED`].
pub fn exit_on_ctrl_c(message: &'static str) {
    set_handler(Some(message));
}

/// On Ctrl-C, exit with [`INTERRUPTED`], as without a handler, but take the live view off the
/// screen first, so that the terminal is left with no half-drawn line. (If a handler is set
/// already, as the async lesson's, it does the same.)
pub fn clear_live_view_on_ctrl_c() {
    set_handler(None);
}

fn set_handler(message: Option<&'static str>) {
    // Fails only if a handler is set already; without one Ctrl-C still ends the program.
    let _ = ctrlc::set_handler(move || {
        terminal::live::clear_shown();
        if let Some(message) = message {
            crate::output::write_error_line(message);
        }
        std::process::exit(INTERRUPTED);
    });
}
