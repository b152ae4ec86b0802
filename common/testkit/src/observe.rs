//! What an exercise's check sees of a lesson, from outside it: each line it printed and when
//! (on the same clock as the stand-in sites' record of each request, so a check can ask
//! whether a line came before a site answered), how it ended, and the panics it really had.
//!
//! A run that goes wrong in a way no exercise asks for fails the check with one line that
//! says which: it did not end in time (a hang), it printed nothing, it crashed with Rust's
//! panic report.

use crate::{Ran, start_piped, wait_until};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// A finished run, with the moment each stdout line arrived.
#[derive(Debug)]
pub struct Observed {
    pub ran: Ran,
    pub lines: Vec<(Instant, String)>,
    /// The most threads it had at once, main thread included, as sampled every few ms while
    /// it ran (Linux's `/proc`; None elsewhere).
    pub most_threads: Option<usize>,
}

impl Observed {
    /// When the first line satisfying `wanted` arrived.
    pub fn when_printed(&self, wanted: impl Fn(&str) -> bool) -> Option<Instant> {
        self.lines
            .iter()
            .find(|(_, line)| wanted(line))
            .map(|(at, _)| *at)
    }

    /// Fail with one line if the run ended with Rust's own panic report (a crash).
    pub fn assert_no_crash(&self, what: &str) {
        if let Some(line) = self.ran.stderr.lines().find(|l| l.contains("panicked at")) {
            panic!("{what} crashed with a panic: {line}");
        }
    }
}

/// Run `command` (`what` names it in a failure: "the lesson", "fix_the_job") to its end, noting
/// when each stdout line arrives. Fails with one line if it has not ended after `limit` (it
/// hangs: it is killed) or printed nothing at all.
pub fn observe(command: Command, what: &str, limit: Duration) -> Observed {
    let started = Instant::now();
    let (mut child, stdout, stderr) = start_piped(command);
    let ended = Arc::new(AtomicBool::new(false));
    let threads = count_threads_while_running(child.id(), Arc::clone(&ended));
    let lines = thread::spawn(move || {
        let Some(stdout) = stdout else { return Vec::new() };
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .map(|line| (Instant::now(), line))
            .collect::<Vec<_>>()
    });
    let status = wait_until(&mut child, started + limit);
    ended.store(true, Ordering::Relaxed);
    let most_threads = threads.join().unwrap_or_default();
    let (lines, stderr) = (
        lines.join().unwrap_or_default(),
        stderr.join().unwrap_or_default(),
    );
    let Some(status) = status else {
        let printed = match lines.last() {
            Some((_, last)) => format!("its last line: {last}"),
            None => "it printed nothing".to_string(),
        };
        panic!(
            "{what} did not end within {} s, so it was stopped: it hangs ({printed})",
            limit.as_secs()
        );
    };
    if lines.is_empty() {
        let ended = status.code().map_or("killed by a signal".to_string(), |code| {
            format!("exit status {code}")
        });
        let said = match stderr.lines().next() {
            Some(said) => format!("; it said: {said}"),
            None => String::new(),
        };
        panic!("{what} printed nothing ({ended}){said}");
    }
    let stdout: String = lines.iter().map(|(_, line)| format!("{line}\n")).collect();
    Observed {
        ran: Ran {
            status,
            stdout,
            stderr,
        },
        lines,
        most_threads,
    }
}

/// The most threads process `pid` is seen with, counted every 2 ms until `ended` (Linux: the
/// entries of `/proc/PID/task`; None elsewhere).
fn count_threads_while_running(pid: u32, ended: Arc<AtomicBool>) -> thread::JoinHandle<Option<usize>> {
    thread::spawn(move || {
        let tasks = std::path::Path::new("/proc").join(pid.to_string()).join("task");
        let mut most = None;
        while !ended.load(Ordering::Relaxed) {
            if let Ok(entries) = std::fs::read_dir(&tasks) {
                let now = entries.count();
                most = Some(most.map_or(now, |most: usize| most.max(now)));
            }
            thread::sleep(Duration::from_millis(2));
        }
        most
    })
}

/// A file where the lesson's panic hook notes every panic it has, caught or not (see
/// `common::panics`): a real panic, not the words `panicked` printed by hand.
pub struct PanicRecord {
    path: PathBuf,
}

impl PanicRecord {
    /// A record of its own for `command`, empty.
    pub fn for_command(command: &mut Command) -> PanicRecord {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "panic-record-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&path);
        command.env(common::panics::RECORD_VARIABLE, &path);
        PanicRecord { path }
    }

    /// Each panic noted so far: the name of the thread it happened on, and its description.
    pub fn panics(&self) -> Vec<(String, String)> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        text.lines()
            .filter_map(|line| line.split_once('\t'))
            .filter(|(thread, _)| *thread != common::panics::UNWOUND)
            .map(|(thread, described)| (thread.to_string(), described.to_string()))
            .collect()
    }

    /// The threads a panic unwound out of the lesson on, uncaught (a panic caught and followed
    /// by `process::exit` is not among them).
    pub fn unwound(&self) -> Vec<String> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        text.lines()
            .filter_map(|line| line.strip_prefix(common::panics::UNWOUND)?.strip_prefix('\t'))
            .map(str::to_string)
            .collect()
    }
}

impl Drop for PanicRecord {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// How long a check lets a lesson run before it calls it a hang: far longer than any lesson
/// takes at the checks' time scales, and short enough that a hang is named quickly.
pub const CHECK_LIMIT: Duration = Duration::from_secs(20);
