//! A program run in a pseudo-terminal, as a person runs it in a terminal window: for the
//! tests of what only happens there (keys read one at a time, the terminal's settings put
//! back at the end). Unix only: Windows has no pseudo-terminals of this kind.

use nix::pty::openpty;
use nix::sys::termios::{LocalFlags, tcgetattr};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A program running with a pseudo-terminal as its stdin, stdout and stderr.
pub struct Terminal {
    child: Child,
    keyboard: File,
    /// Our own end of the terminal the program uses, to read its settings.
    its_end: OwnedFd,
    screen: Arc<Mutex<String>>,
}

impl Terminal {
    /// Start `command` in a terminal of its own (80 columns).
    pub fn run(mut command: Command) -> Terminal {
        let size = nix::pty::Winsize {
            ws_row: 50,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let pty = openpty(&size, None).expect("a pseudo-terminal");
        let program_end = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("a copy of the terminal"));
        command
            .stdin(program_end(&pty.slave))
            .stdout(program_end(&pty.slave))
            .stderr(program_end(&pty.slave));
        let child = command.spawn().expect("the program starts");
        let screen = Arc::new(Mutex::new(String::new()));
        let mut output = File::from(pty.master.try_clone().expect("a copy of the terminal"));
        let written = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut bytes = [0u8; 4096];
            while let Ok(n @ 1..) = output.read(&mut bytes) {
                if let Ok(mut screen) = written.lock() {
                    screen.push_str(&String::from_utf8_lossy(&bytes[..n]));
                }
            }
        });
        Terminal {
            child,
            keyboard: File::from(pty.master),
            its_end: pty.slave,
            screen,
        }
    }

    /// The program's process id (to send it a signal, as `kill` does).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Type `keys`.
    pub fn press(&mut self, keys: &str) {
        self.keyboard
            .write_all(keys.as_bytes())
            .expect("keys reach the terminal");
    }

    /// Everything shown so far.
    pub fn screen(&self) -> String {
        self.screen
            .lock()
            .map(|screen| screen.clone())
            .unwrap_or_default()
    }

    /// How many times `text` has been shown so far.
    pub fn times_shown(&self, text: &str) -> usize {
        self.screen().matches(text).count()
    }

    /// Wait until `text` has been shown `times` times in all; fail the test, with the screen,
    /// after `patience`.
    pub fn wait_for(&self, text: &str, times: usize, patience: Duration) {
        let start = Instant::now();
        while self.times_shown(text) < times {
            assert!(
                start.elapsed() < patience,
                "{text:?} was not shown {times} times within {patience:?}; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Wait until one of `texts` is shown, and return the screen then; fail the test, with
    /// the screen, after `patience`.
    pub fn wait_for_any(&self, texts: &[&str], patience: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if texts.iter().any(|text| screen.contains(text)) {
                return screen;
            }
            assert!(
                start.elapsed() < patience,
                "none of {texts:?} was shown within {patience:?}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Wait for the program to end (failing the test after `patience`).
    pub fn wait_for_exit(&mut self, patience: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the program's status") {
                return status;
            }
            if start.elapsed() > patience {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "the program did not end within {patience:?}; the screen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the terminal reads lines and echoes keys, as a shell expects it to: true
    /// unless a program left it in raw mode.
    pub fn is_usable(&self) -> bool {
        let settings = tcgetattr(&self.its_end).expect("the terminal's settings");
        settings
            .local_flags
            .contains(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG)
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
