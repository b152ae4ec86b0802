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
    // Fails only if a handler is set already; without one Ctrl-C still ends the program.
    let _ = ctrlc::set_handler(move || {
        crate::output::write_error_line(message);
        std::process::exit(INTERRUPTED);
    });
}
