//! Keys as they are pressed, for `watch`: the terminal in raw mode (no line editing, no echo,
//! Ctrl-C a key like any other), and back as it was when the [`RawMode`] guard is dropped,
//! however `watch` ends.

use std::io::Read;
use std::sync::mpsc::Sender;

/// Ctrl-C and Ctrl-D, as raw mode reads them.
pub const CTRL_C: u8 = 3;
pub const CTRL_D: u8 = 4;

/// The terminal's settings before raw mode; put back on drop.
pub struct RawMode {
    #[cfg(unix)]
    saved: Option<nix::sys::termios::Termios>,
}

impl RawMode {
    /// Keys one at a time, unechoed; Ctrl-C arrives as [`CTRL_C`] instead of stopping the
    /// program, so that `watch` can stop its check and restore the terminal itself. Output
    /// is left as it was (a `\n` still starts a new line). On Windows the console stays as
    /// it is: a key is read once Enter is pressed, and Ctrl-C ends the program as always.
    pub fn enable() -> RawMode {
        #[cfg(unix)]
        {
            use nix::sys::termios::{LocalFlags, SetArg, SpecialCharacterIndices, tcgetattr, tcsetattr};
            let stdin = std::io::stdin();
            let saved = tcgetattr(&stdin).ok();
            if let Some(saved) = &saved {
                let mut raw = saved.clone();
                raw.local_flags
                    .remove(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG | LocalFlags::IEXTEN);
                raw.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
                raw.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
                let _ = tcsetattr(&stdin, SetArg::TCSANOW, &raw);
            }
            RawMode { saved }
        }
        #[cfg(not(unix))]
        RawMode {}
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = &self.saved {
            use nix::sys::termios::{SetArg, tcsetattr};
            let _ = tcsetattr(std::io::stdin(), SetArg::TCSANOW, saved);
        }
    }
}

/// Send each byte read from stdin, as `to_event(byte)`, on a thread of its own; at the end of
/// the input, a Ctrl-D. The thread ends with the program (it waits in `read`).
pub fn send_keys<E: Send + 'static>(events: Sender<E>, to_event: fn(u8) -> E) {
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin();
        let mut byte = [0u8; 1];
        loop {
            let key = match stdin.read(&mut byte) {
                Ok(1) => byte[0],
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                _ => CTRL_D,
            };
            if events.send(to_event(key)).is_err() || key == CTRL_D {
                return;
            }
        }
    });
}
