//! Ctrl-C: stop at once, with a message.
//!
//! The default (the OS ends the process silently) is fine for blocking programs. An async
//! program would normally await `tokio::signal::ctrl_c()` on its own runtime, but a runtime
//! whose thread is blocked (the pitfall the async lesson shows on purpose) never gets to it.
//! So the watcher gets a thread and a tiny runtime of its own.

use std::thread;

/// Exit code for "stopped by Ctrl-C" (128 + SIGINT), as shells report it.
pub const INTERRUPTED: i32 = 130;

/// On Ctrl-C, print `message` to stderr and exit with [`INTERRUPTED`].
pub fn exit_on_ctrl_c(message: &'static str) {
    let _ = thread::Builder::new().name("ctrl-c".into()).spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return; // without a watcher Ctrl-C still ends the program, just silently
        };
        if runtime.block_on(tokio::signal::ctrl_c()).is_ok() {
            eprintln!("{message}");
            std::process::exit(INTERRUPTED);
        }
    });
}
