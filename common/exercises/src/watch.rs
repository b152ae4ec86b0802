//! `cargo run -p exercises -- watch`: the next exercise not done yet, its check run now and
//! again on every save of the files it changes, until it passes; then the next one.
//!
//! One loop reads one channel of events: keys (`h` the hint, `q` or Ctrl-C quit), saves
//! (from the OS's file notifications, through the `notify` crate), and a check's verdict
//! (each check runs as a child process, read on a thread of its own, so that a key or a save
//! is answered while it runs: a save stops it and starts it again).

use crate::checks::{Before, Report, State, check_command, collect, spawn_piped};
use crate::keys::{CTRL_C, CTRL_D, RawMode, send_keys};
use crate::lesson_files::files_of;
use crate::progress::Progress;
use crate::tutorial::Exercise;
use crate::{USAGE_ERROR, WAITING_FOR_LOCK, remember_passed};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};
use terminal::output::{strip_os_error, write_error_line};
use terminal::say;

/// Saves this close together are one save (an editor that writes a file in two steps, or
/// a "save all"): the check runs once, this long after the last.
const SAVES_SETTLE: Duration = Duration::from_millis(50);

/// While a file of the exercise is gone, how often to look for it: its folder may have gone
/// with it, and a folder made anew is not the one the OS was asked to watch.
const LOOK_AGAIN: Duration = Duration::from_millis(500);

enum Event {
    Key(u8),
    /// Something happened to a file in a folder being watched.
    Changed(Vec<PathBuf>),
    /// The OS's file notifications failed.
    WatchFailed(String),
    /// Run number `.0` started compiling, or waiting for another cargo.
    Before(u64, Before),
    /// Run number `.0` ended: what it said, or why it could not start.
    Verdict(u64, std::io::Result<Report>),
    /// A signal to end (SIGTERM, SIGHUP when the terminal closes, SIGINT from `kill`): its number.
    /// (Windows has none of these: there it never comes.)
    #[cfg_attr(not(unix), allow(dead_code))]
    Signal(i32),
}

/// A check running as a child process.
struct Run {
    number: u64,
    pid: u32,
    reader: std::thread::JoinHandle<()>,
}

pub fn watch(workspace: &Path, exercises: &[Exercise]) -> std::io::Result<ExitCode> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        write_error_line(
            "error: watch reads keys from a terminal (h: hint, q: quit), and this is not one: \
             run it in a terminal, or run a check with `cargo run -p exercises -- show NAME`",
        );
        return Ok(ExitCode::from(USAGE_ERROR));
    }
    let (events, received) = mpsc::channel();
    // A signal to end (`kill`, the terminal window closed) as an event: without it `watch`
    // would end at once, leaving the terminal in raw mode and the running check (a process
    // group of its own) running on with nobody to read it; with it, `watch` ends as `q` does.
    let signals = events.clone();
    crate::signals::on_signal_to_end(move |number| {
        let _ = signals.send(Event::Signal(number));
    });
    let mut progress = Progress::load(workspace);
    let Some(mut exercise) = exercises.iter().find(|e| progress.passed(&e.check).is_none()) else {
        say!("Every exercise's check has passed. `cargo run -p exercises` shows the table.");
        return Ok(ExitCode::SUCCESS);
    };
    let notices = events.clone();
    let mut watcher = match notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        let _ = notices.send(match result {
            Ok(event) if matches!(event.kind, EventKind::Access(_)) => return, // reads, ours and cargo's
            Ok(event) => Event::Changed(event.paths),
            Err(error) => Event::WatchFailed(error.to_string()),
        });
    }) {
        Ok(watcher) => watcher,
        Err(error) => {
            write_error_line(&format!(
                "error: cannot watch files: {}",
                strip_os_error(&error.to_string())
            ));
            return Ok(ExitCode::FAILURE);
        }
    };
    let _raw_mode = RawMode::enable();
    send_keys(events.clone(), Event::Key);
    let mut watching = Watching::default();
    let mut run_number = 0;
    let mut status = ExitCode::SUCCESS;
    'exercises: loop {
        let files = files_of(workspace, exercise).unwrap_or_default();
        watching.change_to(&mut watcher, workspace, &files);
        say!(
            "\n=== {} {} ({})\n",
            exercise.number,
            exercise.title,
            exercise.package
        );
        say!("{}\n\nCheck: {}", exercise.task, exercise.command);
        say!("\nwatching {} (h: hint, q: quit)", files.join(", "));
        let mut running = start_if_files_are_there(workspace, exercise, &files, &events, &mut run_number);
        let mut settle_until: Option<Instant> = None;
        loop {
            let event = match settle_until {
                Some(at) => received.recv_timeout(at.saturating_duration_since(Instant::now())),
                None if running.is_none() && any_gone(workspace, &files) => received.recv_timeout(LOOK_AGAIN),
                None => received.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match event {
                Err(RecvTimeoutError::Timeout) => {
                    if settle_until.take().is_none() {
                        // Looking for a file that was gone: run once it is back, watching
                        // its folder anew (it may be a new folder of the same name).
                        if any_gone(workspace, &files) {
                            continue;
                        }
                        watching.watch_again(&mut watcher);
                    }
                    stop(running.take());
                    running = start_if_files_are_there(workspace, exercise, &files, &events, &mut run_number);
                }
                Err(RecvTimeoutError::Disconnected) | Ok(Event::Key(b'q' | b'Q' | CTRL_C | CTRL_D)) => {
                    stop(running.take());
                    say!("Bye. `cargo run -p exercises -- watch` picks up where you are.");
                    break 'exercises;
                }
                Ok(Event::Key(b'h' | b'H')) => match exercise.hint.is_empty() {
                    true => say!("\n{} has no hint.", exercise.number),
                    false => say!("\n{}", exercise.hint),
                },
                Ok(Event::Key(_)) => {}
                Ok(Event::Signal(number)) => {
                    stop(running.take());
                    status = ExitCode::from(128 + number as u8);
                    break 'exercises;
                }
                Ok(Event::Changed(paths)) => {
                    if paths.iter().any(|path| watching.concerns(path)) {
                        settle_until = Some(Instant::now() + SAVES_SETTLE);
                    }
                }
                Ok(Event::WatchFailed(why)) => say!("cannot watch the files any more: {why}"),
                Ok(Event::Before(number, step)) if Some(number) == running.as_ref().map(|r| r.number) => {
                    match step {
                        Before::Building => say!("building..."),
                        Before::WaitingForLock => say!("{WAITING_FOR_LOCK}"),
                    }
                }
                Ok(Event::Before(..)) => {}
                Ok(Event::Verdict(number, report)) => {
                    if Some(number) != running.as_ref().map(|r| r.number) {
                        continue; // a run stopped by a later save
                    }
                    stop(running.take());
                    if verdict(exercise, report) {
                        remember_passed(workspace, exercise, &mut progress);
                        progress.save();
                        say!(
                            "`cargo run -p exercises -- solution {}` shows the reference solution.",
                            exercise.check
                        );
                        match exercises.iter().find(|e| progress.passed(&e.check).is_none()) {
                            Some(next) => {
                                exercise = next;
                                continue 'exercises;
                            }
                            None => {
                                say!("\nEvery exercise is done. Well done!");
                                break 'exercises;
                            }
                        }
                    }
                    say!("waiting for your next save (h: hint, q: quit)");
                }
            }
        }
    }
    Ok(status)
}

/// Say what a run of the check found; true when it passed.
fn verdict(exercise: &Exercise, report: std::io::Result<Report>) -> bool {
    let report = match report {
        Ok(report) => report,
        Err(error) => {
            say!("cannot run cargo: {}", strip_os_error(&error.to_string()));
            return false;
        }
    };
    match report.state_of(&exercise.check) {
        State::Done => {
            say!("\ndone: {} passes its check.", exercise.number);
            true
        }
        State::DoesNotBuild => {
            let error = report.first_compiler_error();
            let error = error
                .as_deref()
                .or(report.cargo_error())
                .unwrap_or("cargo said nothing");
            say!("\ndoes not compile; the compiler's first error:\n\n{error}\n");
            false
        }
        State::NotYet => {
            let message = report.failure_of(&exercise.check).unwrap_or_default();
            say!("\nnot yet: {}\n", message.trim());
            false
        }
    }
}

/// Whether any of the exercise's files is gone.
fn any_gone(workspace: &Path, files: &[String]) -> bool {
    files.iter().any(|file| !workspace.join(file).exists())
}

/// Start the exercise's check, unless one of its files is gone: then say so, and wait for it.
fn start_if_files_are_there(
    workspace: &Path,
    exercise: &Exercise,
    files: &[String],
    events: &Sender<Event>,
    run_number: &mut u64,
) -> Option<Run> {
    let missing: Vec<&str> = files
        .iter()
        .filter(|file| !workspace.join(file).exists())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        say!(
            "\n{} is gone (deleted or renamed?): waiting for it to be back. \
             `cargo run -p exercises -- reset {}` brings back the one shipped.",
            missing.join(", "),
            exercise.check
        );
        return None;
    }
    *run_number += 1;
    let number = *run_number;
    say!("\nrunning the check...");
    let mut command = check_command(workspace, &exercise.package, &[&exercise.check]);
    // A group of its own, so that stopping it stops cargo and the test it runs with it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = match spawn_piped(command) {
        Ok(child) => child,
        Err(error) => {
            let _ = events.send(Event::Verdict(number, Err(error)));
            return None;
        }
    };
    let pid = child.id();
    let events = events.clone();
    let reader = std::thread::spawn(move || {
        let before = std::sync::Mutex::new(events.clone());
        let before = move |step| {
            if let Ok(events) = before.lock() {
                let _ = events.send(Event::Before(number, step));
            }
        };
        let report = collect(child, &before, &|_| {});
        let _ = events.send(Event::Verdict(number, report));
    });
    Some(Run { number, pid, reader })
}

/// Stop a check that is still running (and everything it started), and wait for it to end,
/// so that it leaves no zombie behind. A run that has ended already is only waited for.
fn stop(run: Option<Run>) {
    let Some(run) = run else { return };
    if !run.reader.is_finished() {
        #[cfg(unix)]
        {
            use nix::sys::signal::{Signal, killpg};
            use nix::unistd::Pid;
            let _ = killpg(Pid::from_raw(run.pid as i32), Signal::SIGKILL);
        }
        // Windows has no process groups to signal: taskkill stops cargo's tree.
        #[cfg(windows)]
        let _ = std::process::Command::new("taskkill")
            .args(["/T", "/F", "/PID", &run.pid.to_string()])
            .output();
    }
    let _ = run.reader.join();
}

/// The folders watched (each file's, since editors often save by writing a new file and
/// renaming it over the old one), and the files in them that count.
#[derive(Default)]
struct Watching {
    folders: BTreeSet<PathBuf>,
    files: BTreeSet<PathBuf>,
}

impl Watching {
    fn change_to(&mut self, watcher: &mut impl Watcher, workspace: &Path, files: &[String]) {
        self.files = files.iter().map(|file| workspace.join(file)).collect();
        self.watch_folders(watcher);
    }

    /// Ask the OS again to watch every folder: one deleted and made anew is a new folder.
    fn watch_again(&mut self, watcher: &mut impl Watcher) {
        for folder in std::mem::take(&mut self.folders) {
            let _ = watcher.unwatch(&folder);
        }
        self.watch_folders(watcher);
    }

    /// Watch the folders of the files, and no other.
    fn watch_folders(&mut self, watcher: &mut impl Watcher) {
        let folders: BTreeSet<PathBuf> = self
            .files
            .iter()
            .filter_map(|file| file.parent().map(Path::to_path_buf))
            .collect();
        for gone in self.folders.difference(&folders) {
            let _ = watcher.unwatch(gone);
        }
        for new in folders.difference(&self.folders) {
            if let Err(error) = watcher.watch(new, RecursiveMode::NonRecursive) {
                say!(
                    "cannot watch {}: {}",
                    new.display(),
                    strip_os_error(&error.to_string())
                );
            }
        }
        self.folders = folders;
    }

    /// Whether an event at `path` can change the exercise's files: one of them, or one of
    /// their folders itself (moved or deleted, and the files with it).
    fn concerns(&self, path: &Path) -> bool {
        self.files.contains(path) || self.folders.contains(path)
    }
}
