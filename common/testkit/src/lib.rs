//! What only the tests and benchmarks use, kept out of the library the lessons link:
//!
//! * running an example under a deadline, so a hang fails the test with what the program
//!   printed so far instead of stalling the whole test run ([`run`], [`Ran`]),
//! * reading a program's timing lines back ([`find_timing`]),
//! * the commands of the tutorial and the READMEs, run the way a reader runs them
//!   ([`run_tutorial_commands`]),
//! * the named regions of code that the tutorial and the READMEs quote ([`region`]),
//! * a lesson's code as a check reads it, without comments ([`code_lines`], [`function_source`],
//!   and [`crate_code`] for every file of its `src/`),
//! * [`faults`]: misbehaving servers, a child's peak memory, processes left behind,
//! * [`probes`]: peak memory, silent and closed ports, refused threads, output promises,
//! * [`measure`]: medians and ideal-vs-actual lines for the `cargo bench` targets,
//! * [`pty`]: a program run in a pseudo-terminal, keys typed to it (Unix),
//! * [`cpus`], [`meeting`], [`cpu_time`]: what the exercise checks see of a lesson from
//!   outside: run as on N CPUs, how its calls run at once, the CPU time it spends.

pub mod compiler_errors;
pub mod cpu_time;
pub mod cpus;
pub mod faults;
pub mod measure;
pub mod meeting;
pub mod observe;
pub mod probes;
#[cfg(unix)]
pub mod pty;
pub mod tmux;
pub use probes::closed_port;

use std::io::{BufRead, Read};
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
        lines_starting(&self.stdout, prefix)
    }

    /// The seconds `name()` took, as its `timeit!` line printed them.
    pub fn seconds_of(&self, name: &str) -> f64 {
        find_timing(&self.stdout, name)
            .unwrap_or_else(|| panic!("no timing line for {name}() in:\n{}", self.stdout))
            .as_secs_f64()
    }

    /// Stdout from `name`'s timing line on.
    pub fn after(&self, name: &str) -> &str {
        let start = self
            .stdout
            .find(&format!(" [*] {name}()"))
            .unwrap_or_else(|| panic!("no timing line for {name}() in:\n{}", self.stdout));
        &self.stdout[start..]
    }

    /// The most tasks running at once in the timeline that follows `name`'s timing line:
    /// the most bars of the picture that share a column. The picture is the program's own
    /// record of when each task ran, read as an order of events, not as lengths: tasks one
    /// after another draw a staircase (1 at once), overlapping ones share columns, however
    /// busy the machine was.
    pub fn most_at_once_in_timeline(&self, name: &str) -> usize {
        let rows = self
            .after(name)
            .lines()
            .skip_while(|line| !line.starts_with(" timeline: "))
            .skip(1)
            .take_while(|line| line.contains('|'));
        let mut at_column: Vec<usize> = Vec::new();
        for bar in rows.filter_map(|row| row.split('|').nth(1)) {
            at_column.resize(at_column.len().max(bar.chars().count()), 0);
            for (column, mark) in bar.chars().enumerate() {
                at_column[column] += usize::from(mark == '█');
            }
        }
        at_column.into_iter().max().unwrap_or(0)
    }

    /// The `URL: ...` lines that the run `name()` printed: those before its timing line, after
    /// the timing line of the run before it.
    pub fn url_lines_of(&self, name: &str) -> Vec<&str> {
        let before = &self.stdout[..self.stdout.len() - self.after(name).len()];
        let start = before.rfind(" [*] ").unwrap_or(0);
        before[start..]
            .lines()
            .filter(|l| l.starts_with("URL: "))
            .collect()
    }

    /// The `URL: ...` lines after `name`'s timing line, up to the next timing line: the
    /// results of the run that comes after `name()`.
    pub fn url_lines_after(&self, name: &str) -> Vec<&str> {
        let section = &self.after(name)[1..];
        let end = section.find(" [*] ").unwrap_or(section.len());
        section[..end]
            .lines()
            .filter(|l| l.starts_with("URL: "))
            .collect()
    }

    /// The timeline header (` timeline: N tasks on M workers; ...`) printed after `name`'s
    /// timing line.
    pub fn timeline_after(&self, name: &str) -> &str {
        self.after(name)
            .lines()
            .find(|l| l.contains("timeline:"))
            .unwrap_or_else(|| panic!("no timeline after {name}() in:\n{}", self.stdout))
    }

    /// The CPU seconds and peak MiB of the first `PREFIX: CPU 1.23 s, peak memory 45.6 MiB.`
    /// line (as the scale binary prints them).
    pub fn usage(&self, prefix: &str) -> Option<(f64, f64)> {
        let line = self.lines_starting(prefix).into_iter().next()?;
        let words: Vec<&str> = line.split_whitespace().collect();
        let cpu = words.iter().position(|w| *w == "CPU")?;
        let peak = words.iter().position(|w| *w == "memory")?;
        Some((
            words.get(cpu + 1)?.parse().ok()?,
            words.get(peak + 1)?.parse().ok()?,
        ))
    }

    /// A usage error: exit status 2, and `complaint` in what stderr says (clap's words, or ours).
    pub fn assert_usage_error(&self, complaint: &str) {
        assert_eq!(
            self.status.code(),
            Some(2),
            "expected a usage error about {complaint:?}: {self:?}"
        );
        let stderr = &self.stderr;
        assert!(stderr.contains(complaint), "expected {complaint:?} in:\n{stderr}");
    }

    /// Fail unless each of `bad` (a URL, and the starts of the reasons it may fail with, as
    /// [`unfetchable_urls`] gives them) has an error line with one of its reasons in each of
    /// the lesson's two runs.
    pub fn assert_each_failed_in_both_runs(&self, bad: &[(String, &[&str])]) {
        for (url, reasons) in bad {
            let lines = self.lines_starting(&format!("URL: {url} ["));
            let gives_a_reason = |line: &&str| {
                reasons
                    .iter()
                    .any(|reason| line.contains(&format!("[ error: {reason}")))
            };
            assert!(
                lines.len() == 2 && lines.iter().all(gives_a_reason),
                "{url}, once per run, with one of {reasons:?}:\n{}",
                self.stdout
            );
        }
    }

    /// Fail unless stdout contains `text`, and show stdout if it does not.
    pub fn assert_printed(&self, text: &str) {
        let stdout = &self.stdout;
        assert!(stdout.contains(text), "expected {text:?} in:\n{stdout}");
    }

    /// Fail unless stderr contains `text`, and show stderr if it does not.
    pub fn assert_said(&self, text: &str) {
        let stderr = &self.stderr;
        assert!(stderr.contains(text), "expected {text:?} in:\n{stderr}");
    }

    /// The run ended as a program must when its output is lost to a full disk
    /// (`> /dev/full`): exit status 1 and this one line, not a panic or silence.
    pub fn assert_full_disk_said(&self) {
        assert_eq!(self.status.code(), Some(1), "{self:?}");
        let said = self.stderr.trim();
        assert_eq!(
            said, "error: cannot write output: No space left on device",
            "{self:?}"
        );
    }

    /// Fail if stderr shows Rust's default panic report: a failure must be one line.
    pub fn assert_no_panic_report(&self) {
        for noise in ["panicked at", "stack backtrace", "RUST_BACKTRACE"] {
            assert!(!self.stderr.contains(noise), "stderr:\n{}", self.stderr);
        }
    }

    /// The run ended as a program must when the OS refuses it `threads` threads: exit
    /// status 1 and one line, `error: … cannot start THREADS threads: …`, not a panic.
    pub fn assert_threads_refused(&self, threads: usize) {
        assert_eq!(self.status.code(), Some(1), "{self:?}");
        self.assert_no_panic_report();
        assert_eq!(self.stderr.lines().count(), 1, "{}", self.stderr);
        let refused = format!("cannot start {threads} threads: ");
        assert!(
            self.stderr.starts_with("error: ") && self.stderr.contains(&refused),
            "{}",
            self.stderr
        );
    }
}

/// The lines of `text` that start with `prefix`.
pub fn lines_starting<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.starts_with(prefix)).collect()
}

/// Read back the time of `name()` from a program's output: its ` [*] name(): ...` line.
pub fn find_timing(output: &str, name: &str) -> Option<Duration> {
    let prefix = format!(" [*] {name}(): completed within [");
    let line = output.lines().find_map(|line| line.strip_prefix(&prefix))?;
    let seconds: f64 = line.strip_suffix(" sec].")?.parse().ok()?;
    Some(Duration::from_secs_f64(seconds))
}

/// The site a `URL: http://HOST/SITE [ ... ]` line names: the first part of its path.
pub fn site_of(url_line: &str) -> &str {
    let path = url_line.split('/').nth(3).unwrap_or_default();
    path.split(' ').next().unwrap_or_default()
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

/// The open files a test may count on: its own soft limit, raised as far as the system allows
/// (`ulimit -Hn`), as every lesson raises its own. A test that needs many connections sizes
/// itself by this rather than assume more can be had: the programs it starts inherit the
/// same ceiling, so where it is low (`ulimit -n 256`) they cannot go past it either, and the
/// test checks what they promise then. `u64::MAX` where the OS has no such limit.
pub fn open_files_limit() -> u64 {
    // It fails only if the limit cannot be read: count on no more than macOS gives.
    rlimit::increase_nofile_limit(u64::MAX).unwrap_or(MACOS_OPEN_FILES)
}

/// The soft open-files limit macOS's Terminal starts every program with.
pub const MACOS_OPEN_FILES: u64 = 256;

/// The soft open-files limit to start a program with, to see it raise its own
/// ([`command_with_open_files`]): macOS's 256, or half of what the system allows where that
/// is less (`ulimit -n 256`), so that raising it is still both needed and possible.
pub fn open_files_to_start_with(allowed: u64) -> u64 {
    MACOS_OPEN_FILES.min(allowed / 2)
}

/// Like [`command`], but the program starts with a soft open-files limit of `files`, as on
/// macOS, where Terminal starts every program with 256. The hard limit is left alone, so
/// the program may raise its own soft limit, as it should.
#[cfg(unix)]
pub fn command_with_open_files(files: u64, program: &str, args: &[&str]) -> Command {
    command_via_shell(&format!("ulimit -Sn {files} &&"), "", program, args)
}

/// Like [`command`], but run by `sh` as `BEFORE exec PROGRAM ARGS AFTER`: e.g. `AFTER` =
/// `>/dev/full` sends the program's stdout to a full device while its stderr stays readable.
#[cfg(unix)]
pub fn command_via_shell(before: &str, after: &str, program: &str, args: &[&str]) -> Command {
    let script = format!("{before} exec \"$0\" \"$@\" {after}");
    let mut shell_args = vec!["-c", script.as_str(), program];
    shell_args.extend(args);
    command("sh", &shell_args)
}

/// How long one end-to-end run may take before its test fails: far longer than any lesson
/// takes at the time scales the tests use, so only a hang reaches it.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Run `program` with each of `cases`' arguments, and expect a usage error (exit status 2)
/// with that case's complaint on stderr, and no panic report.
pub fn assert_usage_errors(program: &str, cases: &[(&[&str], &str)]) {
    for (args, complaint) in cases {
        let ran = run_program(program, args);
        ran.assert_usage_error(complaint);
        ran.assert_no_panic_report();
    }
}

/// `program` with an argument that is not UTF-8 (on Unix an argument is any bytes): a usage
/// error, exit status 2, never a panic (`std::env::args` panics on one).
#[cfg(unix)]
pub fn assert_non_utf8_argument_is_a_usage_error(program: &str) {
    use std::os::unix::ffi::OsStrExt;
    let mut odd = command(program, &[]);
    odd.arg(std::ffi::OsStr::from_bytes(b"\xff"));
    let ran = run(odd, DEADLINE);
    assert_eq!(ran.status.code(), Some(2), "{ran:?}");
    assert!(ran.stderr.starts_with("error: "), "{ran:?}");
    ran.assert_no_panic_report();
}

/// Run the fetching lesson `program` on every URL of `bad` (each with the starts of the
/// reasons it may fail with, as [`unfetchable_urls`] gives them), then `good`, then `args`:
/// each bad URL gets its own one-line error in both runs, `good` answers `status` in both,
/// and the exit status is 1.
pub fn assert_bad_urls_fail_alone(
    program: &str,
    bad: &[(String, &[&str])],
    good: &str,
    status: u16,
    args: &[&str],
) {
    let mut all: Vec<&str> = bad.iter().map(|(url, _)| url.as_str()).collect();
    all.push(good);
    all.extend(args);
    let ran = run_program(program, &all);
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    ran.assert_no_panic_report();
    ran.assert_each_failed_in_both_runs(bad);
    let good_lines = ran.lines_starting(&format!("URL: {good} [ {status} / "));
    assert_eq!(good_lines.len(), 2, "{}", ran.stdout);
    let (failed, fetched) = (2 * bad.len(), 2 * all.len() - 2 * args.len());
    ran.assert_printed(&format!("{failed} of {fetched} fetches failed."));
}

/// Run `program ARGS` to the end (see [`command`]), under [`DEADLINE`].
pub fn run_program(program: &str, args: &[&str]) -> Ran {
    run(command(program, args), DEADLINE)
}

/// Unix: send `signal` (`-INT`, `-KILL`, `-STOP`, ...) to process `pid` with the `kill`
/// command; fail if it cannot be sent.
#[cfg(unix)]
pub fn send_signal(pid: u32, signal: &str) {
    let sent = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill {signal} {pid}");
}

/// Unix: Ctrl-C as a terminal sends it (SIGINT), then wait for `child` to end, under [`DEADLINE`].
#[cfg(unix)]
pub fn interrupt(child: &mut Child) -> ExitStatus {
    send_signal(child.id(), "-INT");
    wait_until(child, Instant::now() + DEADLINE).expect("it ends after Ctrl-C")
}

/// Run `command` to the end, or kill it and panic once `deadline` has passed.
pub fn run(command: Command, deadline: Duration) -> Ran {
    let (mut child, stdout, stderr) = start(command);
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

/// Like [`run`], but the program's stderr is this process's own, not read: where that is a
/// terminal, what the program draws there (its live counts) is seen by whoever watches this
/// process. `Ran::stderr` is empty.
pub fn run_with_our_stderr(mut command: Command, deadline: Duration) -> Ran {
    command.stderr(Stdio::inherit());
    let mut child = spawn(command);
    let stdout = read_in_background(child.stdout.take());
    let status = wait_until(&mut child, Instant::now() + deadline);
    let stdout = stdout.join().unwrap();
    let Some(status) = status else {
        panic!("no exit within {deadline:?}; it printed:\n{stdout}");
    };
    Ran {
        status,
        stdout,
        stderr: String::new(),
    }
}

/// Start `command` with no input, reading its stdout and stderr in the background.
pub(crate) fn start(command: Command) -> (Child, thread::JoinHandle<String>, thread::JoinHandle<String>) {
    let (child, stdout, stderr) = start_piped(command);
    (child, read_in_background(stdout), stderr)
}

/// Start `command` with no input: its stdout to read, its stderr read in the background.
pub(crate) fn start_piped(
    command: Command,
) -> (
    Child,
    Option<std::process::ChildStdout>,
    thread::JoinHandle<String>,
) {
    let mut child = spawn_piped(command);
    let stdout = child.stdout.take();
    let stderr = read_in_background(child.stderr.take());
    (child, stdout, stderr)
}

/// Start `command` with no stdin, and its stdout and stderr piped to us.
fn spawn_piped(mut command: Command) -> Child {
    command.stderr(Stdio::piped());
    spawn(command)
}

/// Start `command` with no stdin, and its stdout piped to us. A program a test has just
/// written (a copy of a binary) can be busy for a moment: another test's child, between its
/// fork and its exec, still holds the handle it was written through (ETXTBSY). That is tried
/// again, for up to a second.
fn spawn(mut command: Command) -> Child {
    command.stdin(Stdio::null()).stdout(Stdio::piped());
    let mut tries = 0;
    loop {
        match command.spawn() {
            Err(error) if error.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 100 => {
                tries += 1;
                thread::sleep(Duration::from_millis(10));
            }
            started => return started.expect("the program starts"),
        }
    }
}

/// Wait for `child` to exit; past `deadline`, kill it (and reap it) and return None.
pub fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    common::children::wait_or_kill(child, deadline.saturating_duration_since(Instant::now()))
}

/// A finished run, with the moment each stdout line arrived (from the program's start).
#[derive(Debug)]
pub struct TimedRun {
    pub ran: Ran,
    pub lines: Vec<(Duration, String)>,
}

impl TimedRun {
    /// When the first stdout line containing `text` arrived.
    pub fn arrival_of(&self, text: &str) -> Option<Duration> {
        self.lines
            .iter()
            .find(|(_, line)| line.contains(text))
            .map(|(at, _)| *at)
    }
}

/// Like [`run`], but note when each stdout line arrives, to tell a program that prints each
/// result as it comes from one that prints them all at the end.
pub fn run_timed(command: Command, deadline: Duration) -> TimedRun {
    let started = Instant::now();
    let mut child = spawn_piped(command);
    let stdout = child.stdout.take().expect("piped");
    let lines = thread::spawn(move || {
        std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .map(|line| (started.elapsed(), line))
            .collect::<Vec<_>>()
    });
    let stderr = read_in_background(child.stderr.take());
    let status = wait_until(&mut child, started + deadline);
    let (lines, stderr) = (lines.join().unwrap(), stderr.join().unwrap());
    let stdout: String = lines.iter().map(|(_, line)| format!("{line}\n")).collect();
    let Some(status) = status else {
        panic!("no exit within {deadline:?}; it printed:\n{stdout}\n--- stderr:\n{stderr}");
    };
    TimedRun {
        ran: Ran {
            status,
            stdout,
            stderr,
        },
        lines,
    }
}

pub(crate) fn read_in_background(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// The named region `name` of `source`: the lines between `// ANCHOR: name` and
/// `// ANCHOR_END: name` (mdBook's markers), without the marker lines of other regions
/// nested inside; None when `source` has no such region. What tutorial.md quotes, found
/// by name wherever the lines have moved.
pub fn region(source: &str, name: &str) -> Option<String> {
    let (start, end) = (format!("// ANCHOR: {name}"), format!("// ANCHOR_END: {name}"));
    let mut lines = source.lines().skip_while(|line| line.trim() != start);
    lines.next()?;
    let mut found = Vec::new();
    for line in lines {
        if line.trim() == end {
            return Some(found.join("\n"));
        }
        if !line.trim_start().starts_with("// ANCHOR") {
            found.push(line);
        }
    }
    None
}

/// The code of `fn NAME` in the source file at `path`, from its `fn` line to the first line
/// that is only `}`, without its comments (whole lines, the end of a line, `/* .. */`):
/// what an exercise's check reads of the function the exercise is about (a comment that
/// names a call does not count as the call).
pub fn function_source(path: &std::path::Path, name: &str) -> String {
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let start = format!("fn {name}(");
    let function: Vec<&str> = source
        .lines()
        .skip_while(|line| !line.contains(&start))
        .take_while(|line| *line != "}")
        .collect();
    code_lines(&function.join("\n"))
}

/// Rust source as a check reads it: without comments, and without the lines left empty.
pub fn code_lines(source: &str) -> String {
    without_comments(source)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The code of every `.rs` file under `src` (a lesson's `src/`, its folders included), without
/// comments or the text of string literals: what a check reads where the code it looks for may
/// stand in any file of the lesson; a word in a message (`.expect("cannot spawn")`) is no code.
pub fn crate_code(src: &std::path::Path) -> String {
    let mut files = Vec::new();
    let mut folders = vec![src.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for path in std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .flatten()
            .map(|e| e.path())
        {
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut code = String::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        code.push_str(&without_strings(&code_lines(&source)));
        code.push('\n');
    }
    code
}

/// `code` with each string literal emptied (`"..."` becomes `""`).
fn without_strings(code: &str) -> String {
    let (mut kept, mut chars) = (String::new(), code.chars().peekable());
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (_, '"') => {
                in_string = !in_string;
                kept.push(c);
            }
            // A quote as a char literal (`'"'`) opens no string.
            (false, '\'') if chars.peek() == Some(&'"') => {
                kept.push(c);
                kept.extend(chars.next());
            }
            (true, _) => {}
            (false, _) => kept.push(c),
        }
    }
    kept
}

/// Rust code without its `//` and `/* */` comments; string literals are kept as they are
/// (`"http://..."` is no comment).
fn without_comments(code: &str) -> String {
    let (mut kept, mut chars) = (String::new(), code.chars().peekable());
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match (in_string, c, chars.peek()) {
            (true, '\\', Some(_)) => {
                kept.push(c);
                kept.extend(chars.next());
            }
            (_, '"', _) => {
                in_string = !in_string;
                kept.push(c);
            }
            (false, '/', Some('/')) => while chars.next_if(|&next| next != '\n').is_some() {},
            (false, '/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for inside in chars.by_ref() {
                    if (last, inside) == ('*', '/') {
                        break;
                    }
                    last = inside;
                }
            }
            _ => kept.push(c),
        }
    }
    kept
}

/// The workspace's root folder (where tutorial.md and README.md are): the nearest folder, from
/// the one the test runs in up, that holds tutorial.md and a Cargo.toml. Cargo runs each test
/// and bench in its package's folder, so this finds the workspace where it is now, not where
/// it was when the tests were built (a workspace moved or copied since).
pub fn workspace_root() -> std::path::PathBuf {
    let here = std::env::current_dir().expect("the folder the tests run in");
    let root = here
        .ancestors()
        .find(|dir| dir.join("tutorial.md").is_file() && dir.join("Cargo.toml").is_file());
    root.unwrap_or_else(|| {
        panic!(
            "no tutorial.md in {} or a folder above it: run the tests with cargo, inside the workspace",
            here.display()
        )
    })
    .to_path_buf()
}

/// The folders of the workspace's packages, as the root manifest's one-line `members = [...]`
/// lists them.
pub fn workspace_members() -> Vec<std::path::PathBuf> {
    let root = workspace_root();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("the workspace's manifest");
    let members = manifest
        .lines()
        .find_map(|line| line.strip_prefix("members = "))
        .expect("a one-line `members = [...]`");
    members
        .split('"')
        .skip(1)
        .step_by(2)
        .map(|member| root.join(member))
        .collect()
}

/// The pages a reader is shown, each as its path: tutorial.md, README.md, and the README.md of
/// every package that has one (reference material lives beside the code it describes).
pub fn documents() -> Vec<std::path::PathBuf> {
    let root = workspace_root();
    let readmes = workspace_members().into_iter().map(|dir| dir.join("README.md"));
    [root.join("tutorial.md"), root.join("README.md")]
        .into_iter()
        .chain(readmes.filter(|path| path.is_file()))
        .collect()
}

/// The `cargo run -p PACKAGE [--bin BINARY] ...` commands that the [`documents`] show, in `sh`
/// blocks or inline in backticks, each as its arguments after `--`, each once. A command
/// without `--bin` runs the package's own binary, which cargo names after the package; one
/// with `--example` runs an example, not a binary, and is left out.
pub fn tutorial_commands(package: &str, binary: &str) -> Vec<Vec<String>> {
    let mut commands: Vec<Vec<String>> = Vec::new();
    for path in documents() {
        // Read at run time, not with include_str!: editing the prose then rebuilds nothing.
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for args in commands_in(&text, package, binary) {
            if !commands.contains(&args) {
                commands.push(args);
            }
        }
    }
    commands
}

/// The commands for `package` and `binary` that one page shows (see [`tutorial_commands`]).
fn commands_in(text: &str, package: &str, binary: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut in_shell_block = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_shell_block = line == "```sh";
            continue;
        }
        let candidates: Vec<&str> = if in_shell_block {
            vec![line.split(" #").next().unwrap_or_default()]
        } else {
            line.split('`').skip(1).step_by(2).collect()
        };
        for text in candidates.into_iter().filter(|t| t.starts_with("cargo run ")) {
            let words: Vec<&str> = text.split_whitespace().collect();
            let names_package = words.windows(2).any(|pair| pair == ["-p", package]);
            let named_binary = words
                .windows(2)
                .find(|pair| pair[0] == "--bin")
                .map(|pair| pair[1]);
            let names_example = words.contains(&"--example");
            if names_package && !names_example && named_binary.unwrap_or(package) == binary {
                let args = words.iter().skip_while(|w| **w != "--").skip(1);
                commands.push(args.map(|w| w.to_string()).collect());
            }
        }
    }
    commands
}

/// Run every command the tutorial and the READMEs show for `package` and the binary `program`
/// (a path such as `env!("CARGO_BIN_EXE_scale")`: its file name says which `--bin` it is), at
/// a small time scale and with a proxy nobody listens on (so `--live` never leaves this
/// machine): each must end as a lesson does, with status 0 or 1 and no panic report.
pub fn run_tutorial_commands(package: &str, program: &str) {
    let binary = std::path::Path::new(program)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .expect("a program path ending in the binary's name");
    let commands = tutorial_commands(package, binary);
    assert!(!commands.is_empty(), "no page shows a command for {package}");
    for args in commands {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        if !args.iter().any(|arg| arg.starts_with("--time-scale")) {
            args.extend(["--time-scale", "0.05"]);
        }
        let mut lesson = command(program, &args);
        lesson
            .env("HTTP_PROXY", "http://127.0.0.1:9")
            .env("HTTPS_PROXY", "http://127.0.0.1:9");
        let ran = run(lesson, Duration::from_secs(120));
        assert!(
            matches!(ran.status.code(), Some(0 | 1)),
            "{package} {args:?}: {ran:?}"
        );
        ran.assert_no_panic_report();
    }
}

/// Like `program ARGS | head -1`: read one line, close the pipe, and expect the program to
/// end by itself, successfully, with no panic report.
pub fn assert_quiet_when_piped_into_head(program: &str, args: &[&str]) {
    assert_piped_into_head_ends_with(program, args, 0);
}

/// The same, for a run that ends with exit status `code` (1: some task failed): the
/// program stops printing, but still says how the run went.
pub fn assert_piped_into_head_ends_with(program: &str, args: &[&str], code: i32) {
    let mut child = command(program, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    let mut first = String::new();
    let _ = std::io::BufReader::new(child.stdout.take().expect("piped")).read_line(&mut first);
    // The reader is gone now: the next line the program prints meets a closed pipe.
    let status = wait_until(&mut child, Instant::now() + Duration::from_secs(60)).expect("it must not hang");
    let stderr = std::io::read_to_string(child.stderr.take().expect("piped")).unwrap_or_default();
    assert_eq!(status.code(), Some(code), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
}

/// An HTTP client for servers on this machine: never through a proxy, and a new connection
/// for every request, so a request never meets a connection the server has just hung up on
/// (nor is retried on another).
pub fn loopback_client() -> reqwest::blocking::Client {
    common::tls::install_crypto_provider();
    reqwest::blocking::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client for 127.0.0.1")
}

/// URLs that cannot be fetched, each with the starts of the reasons a lesson may print for
/// it (any one of them): a malformed URL, a port nobody listens on, an unknown host, and
/// one of `sites` that answers only after 10 minutes: run with a short `--timeout`.
pub fn unfetchable_urls(sites: &demo_sites::StandInSites) -> Vec<(String, &'static [&'static str])> {
    let closed_port = probes::closed_port();
    vec![
        ("not a url".to_string(), &["invalid URL"]),
        (format!("http://127.0.0.1:{closed_port}/"), REFUSED),
        ("http://no-such-host.invalid/".to_string(), &["unknown host"]),
        (sites.url("/delay/600000"), &["timed out"]),
    ]
}

/// Linux and macOS refuse a connection to a closed port at once. Windows retries for about
/// 2 s first (libuv PR #2896), so a short `--timeout` may end the wait before the refusal.
#[cfg(not(windows))]
const REFUSED: &[&str] = &["cannot connect"];
#[cfg(windows)]
const REFUSED: &[&str] = &["cannot connect", "timed out"];

/// Stand-in sites at `time_scale`, with the four sites' URLs and `/flaky/KEY`, whose first
/// request is hung up on: that URL fails in the first run that asks for it and succeeds in
/// the next. Keep the sites for as long as the URLs are fetched.
pub fn sites_and_a_flaky_url(time_scale: f64, key: &str) -> (demo_sites::StandInSites, Vec<String>) {
    let sites = demo_sites::StandInSites::start(time_scale).expect("the stand-in sites start");
    let mut urls: Vec<String> = sites.sites().into_iter().map(|(url, _)| url).collect();
    urls.push(sites.url(&format!("/flaky/{key}")));
    (sites, urls)
}

/// `urls` then `options`, as one argument list for a lesson.
pub fn urls_then<'a>(urls: &'a [String], options: &[&'a str]) -> Vec<&'a str> {
    urls.iter()
        .map(String::as_str)
        .chain(options.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run from a copy of the workspace (here a folder with its two marker files), the tests
    /// read that copy: this test runs its own binary again there, as cargo would.
    #[test]
    fn the_workspace_is_the_one_the_tests_run_in() {
        const NAME: &str = "tests::the_workspace_is_the_one_the_tests_run_in";
        if let Some(expected) = std::env::var_os("TESTKIT_EXPECTED_ROOT") {
            let found = workspace_root().canonicalize().unwrap();
            assert_eq!(found, std::path::PathBuf::from(expected).canonicalize().unwrap());
            return;
        }
        let copy = std::env::temp_dir().join(format!("testkit-workspace-{}", std::process::id()));
        std::fs::create_dir_all(copy.join("common/testkit")).unwrap();
        std::fs::write(copy.join("Cargo.toml"), "[workspace]\n").unwrap();
        std::fs::write(copy.join("tutorial.md"), "# a copy\n").unwrap();
        let mut again = Command::new(std::env::current_exe().unwrap());
        again
            .args(["--exact", NAME, "--nocapture"])
            .current_dir(copy.join("common/testkit"))
            .env("TESTKIT_EXPECTED_ROOT", &copy);
        let ran = run(again, Duration::from_secs(30));
        let _ = std::fs::remove_dir_all(&copy);
        assert!(ran.status.success(), "{ran:?}");
        assert!(ran.stdout.contains("1 passed"), "{}", ran.stdout);
    }

    #[test]
    fn a_printed_time_can_be_read_back() {
        let output = format!(
            "noise\n{}\nmore",
            common::timing::timing_line("multithread", Duration::from_millis(812))
        );
        assert_eq!(
            find_timing(&output, "multithread"),
            Some(Duration::from_millis(812))
        );
        assert_eq!(find_timing(&output, "singlethread"), None);
    }

    #[test]
    fn the_most_tasks_at_once_are_read_from_the_picture() {
        let ran = |picture: &str| Ran {
            status: ExitStatus::default(),
            stdout: format!(" [*] run(): completed within [0.3 sec].\n\n{picture}\nSummary: x\n"),
            stderr: String::new(),
        };
        let staircase = " timeline: 3 tasks on 1 worker; full width = 0.30 s\n \
                         a w1 |██····| 0.10 s\n \
                         b w1 |··██··| 0.10 s\n \
                         c w1 |····██| 0.10 s";
        assert_eq!(ran(staircase).most_at_once_in_timeline("run"), 1);
        let overlap = staircase.replace("|··██··|", "|·███··|");
        assert_eq!(ran(&overlap).most_at_once_in_timeline("run"), 2);
    }

    /// A check reads code, not comments: one at a line's end or between `/* */` names no call.
    #[test]
    fn comments_are_not_code() {
        let code = "let a = b(); // c()\nlet s = \"http://x\"; /* d()\n e() */ f();\n// g()";
        assert_eq!(
            without_comments(code),
            "let a = b(); \nlet s = \"http://x\";  f();\n"
        );
    }
}
