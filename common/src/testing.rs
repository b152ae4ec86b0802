//! For the examples' end-to-end tests: run a binary with a deadline, so a hang fails the
//! test with what the program printed so far, instead of stalling the whole test run.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// What a finished run printed, and how it ended.
#[derive(Debug)]
pub struct Ran {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// The stdout lines that start with `prefix`.
    pub fn lines_starting(&self, prefix: &str) -> Vec<&str> {
        self.stdout.lines().filter(|l| l.starts_with(prefix)).collect()
    }

    /// The seconds `name()` took, as its `timeit!` line printed them.
    pub fn seconds_of(&self, name: &str) -> f64 {
        crate::timing::find_timing(&self.stdout, name)
            .unwrap_or_else(|| panic!("no timing line for {name}() in:\n{}", self.stdout))
            .as_secs_f64()
    }

    /// Fail if stderr shows Rust's default panic report: a failure must be one line.
    pub fn assert_no_panic_report(&self) {
        for noise in ["panicked at", "stack backtrace", "RUST_BACKTRACE"] {
            assert!(!self.stderr.contains(noise), "stderr:\n{}", self.stderr);
        }
    }
}

/// A command for `program` with `args`, with no colours and no proxy settings from the environment,
/// so tests see plain text and reach 127.0.0.1 directly.
pub fn command(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args);
    command.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE");
    for proxy in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(proxy);
    }
    command
}

/// Run `command` to the end, or kill it and panic once `deadline` has passed.
pub fn run(mut command: Command, deadline: Duration) -> Ran {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    let stdout = read_in_background(child.stdout.take());
    let stderr = read_in_background(child.stderr.take());
    let status = wait_until(&mut child, Instant::now() + deadline);
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    match status {
        Some(status) => Ran {
            status,
            stdout,
            stderr,
        },
        None => panic!("no exit within {deadline:?}; it printed:\n{stdout}\n--- stderr:\n{stderr}"),
    }
}

/// Wait for `child` to exit; past `deadline`, kill it (and reap it) and return None.
pub fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn read_in_background(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}
