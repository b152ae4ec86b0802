//! Running an exercise's check: `cargo test` exactly as tutorial.md prints it, so that a check
//! run here and the same check typed by hand share one build.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

/// What running an exercise's check said.
#[derive(Clone, Copy, PartialEq)]
pub enum State {
    Done,
    NotYet,
    /// The lesson (or its checks) did not compile: an edit is half done.
    DoesNotBuild,
}

/// What one `cargo test` of a crate's checks printed, stdout and stderr.
pub struct Report(pub String);

impl Report {
    /// Whether the test binary ran at all (it did not when the lesson does not compile).
    pub fn built(&self) -> bool {
        self.0.contains("running ") && !self.0.contains("error: could not compile")
    }

    pub fn passed(&self, check: &str) -> bool {
        self.0.contains(&format!("test {check} ... ok"))
    }

    pub fn state_of(&self, check: &str) -> State {
        match (self.built(), self.passed(check)) {
            (false, _) => State::DoesNotBuild,
            (true, true) => State::Done,
            (true, false) => State::NotYet,
        }
    }

    /// The compiler's first error, whole (its message, where, and the code it points at):
    /// the one to fix first, since the others often follow from it.
    pub fn first_compiler_error(&self) -> Option<String> {
        let lines: Vec<&str> = self.0.lines().collect();
        let start = lines
            .iter()
            .position(|line| line.starts_with("error") && !line.starts_with("error: could not compile"))?;
        let length = lines[start..]
            .iter()
            .position(|line| line.trim().is_empty())
            .unwrap_or(lines.len() - start);
        Some(lines[start..start + length].join("\n"))
    }

    /// What a failed check said: its message, without libtest's frame around it (the
    /// `---- NAME stdout ----` header, where it panicked, the backtrace note).
    pub fn failure_of(&self, check: &str) -> Option<String> {
        let header = format!("---- {check} stdout ----");
        let after = &self.0[self.0.find(&header)? + header.len()..];
        let message: Vec<&str> = after
            .lines()
            .skip_while(|line| line.trim().is_empty())
            .filter(|line| !(line.starts_with("thread '") && line.contains("panicked at")))
            .take_while(|line| !line.starts_with("note: run with") && !line.starts_with("failures:"))
            .collect();
        Some(message.join("\n").trim_end().to_string())
    }

    /// Cargo's own error, when it stopped before building anything (a package the tutorial
    /// names that does not exist, a broken Cargo.toml): not the learner's edit.
    pub fn cargo_error(&self) -> Option<&str> {
        if self.0.contains("running ") || self.0.contains("error: could not compile") {
            return None;
        }
        let mut lines = self.0.lines().filter(|line| !line.trim().is_empty());
        Some(
            lines
                .find(|line| line.starts_with("error"))
                .unwrap_or("cargo test said nothing"),
        )
    }
}

/// `cargo test` on some of a crate's exercise checks (all of them when `checks` is empty),
/// run in `workspace`.
/// One at a time (`--test-threads 1`): the timing checks of one crate must not share the CPUs.
/// `before` is told, once each, if cargo compiles anything first (it says `Compiling`) or
/// waits for another cargo's lock, so that a wait of minutes is announced only when there
/// is one. `more` is told each piece the checks print (stdout), as it comes.
/// An error means cargo itself could not be started.
pub fn run_checks(
    workspace: &Path,
    package: &str,
    checks: &[&str],
    before: &(dyn Fn(Before) + Sync),
    more: &(dyn Fn(&str) + Sync),
) -> std::io::Result<Report> {
    let child = spawn_piped(check_command(workspace, package, checks))?;
    collect(child, before, more)
}

/// What cargo does before the checks run, when that takes a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    /// It compiles (`Compiling …`).
    Building,
    /// Another cargo holds the build directory, an editor's perhaps: this one waits for it
    /// (`Blocking waiting for file lock …`).
    WaitingForLock,
}

impl Before {
    /// What cargo says when it starts doing this, if `line` is that.
    fn said_in(line: &str) -> Option<Before> {
        let line = line.trim_start();
        if line.starts_with("Compiling ") {
            Some(Before::Building)
        } else if line.starts_with("Blocking waiting for file lock") {
            Some(Before::WaitingForLock)
        } else {
            None
        }
    }
}

/// Start `command` with its output to be read by [`collect`], and no input.
pub fn spawn_piped(mut command: Command) -> std::io::Result<Child> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
}

/// Everything a check run started by [`spawn_piped`] says, once it ends; `before` is told,
/// once each, if cargo compiles or waits for a lock first, and `more` each piece the checks
/// print (stdout), as it comes.
pub fn collect(
    mut child: Child,
    before: &(dyn Fn(Before) + Sync),
    more: &(dyn Fn(&str) + Sync),
) -> std::io::Result<Report> {
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    // Both pipes read at once, each on its own thread: a child blocked writing a full pipe
    // that nobody reads would never finish.
    let (said, printed) = std::thread::scope(|scope| {
        let printed = scope.spawn(|| stdout.map(|stdout| read_as_it_comes(stdout, more)));
        let mut said = String::new();
        let mut announced = Vec::new();
        for line in stderr
            .map(BufReader::new)
            .into_iter()
            .flat_map(|r| r.split(b'\n'))
        {
            let Ok(line) = line else { break };
            let line = String::from_utf8_lossy(&line);
            if let Some(step) = Before::said_in(&line).filter(|step| !announced.contains(step)) {
                announced.push(step);
                before(step);
            }
            said.push_str(&line);
            said.push('\n');
        }
        (said, printed.join().ok().flatten().unwrap_or_default())
    });
    child.wait()?;
    Ok(Report(format!("{said}{printed}")))
}

/// All that `stdout` says, read as it comes rather than at its end: libtest writes `test NAME
/// ... ` when a check starts and its verdict when it ends, and `more` is told each piece as
/// it is read. Each piece only, never all the text again: a check that prints megabytes (a
/// failure quoting a lesson's whole output) would otherwise take minutes to read.
fn read_as_it_comes(mut stdout: ChildStdout, more: &(dyn Fn(&str) + Sync)) -> String {
    let mut bytes = Vec::new();
    let mut told = 0;
    let mut piece = [0; 8192];
    loop {
        match stdout.read(&mut piece) {
            Ok(0) => break,
            Ok(length) => {
                bytes.extend_from_slice(&piece[..length]);
                let whole = told + whole_characters(&bytes[told..]);
                more(&String::from_utf8_lossy(&bytes[told..whole]));
                told = whole;
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// How many of `bytes` end before a character that a read cut in two (its first bytes came,
/// the rest has not yet): all of them when none was cut.
fn whole_characters(bytes: &[u8]) -> usize {
    // A UTF-8 character is at most 4 bytes long: a cut one starts among the last 3.
    (bytes.len().saturating_sub(3)..bytes.len())
        .find(|&start| {
            std::str::from_utf8(&bytes[start..])
                .is_err_and(|error| error.valid_up_to() == 0 && error.error_len().is_none())
        })
        .unwrap_or(bytes.len())
}

/// Several groups of checks at once, a `cargo test` each (a group: a crate, and some of its
/// checks): the table then takes as long as the slowest group instead of the sum. Each
/// group's checks run one at a time. `more` is told a group's number (its place in
/// `groups`) and each piece its checks print, as it comes. Reports in the
/// order of `groups`.
pub fn run_check_groups(
    workspace: &Path,
    groups: &[(&str, Vec<&str>)],
    before: &(dyn Fn(Before) + Sync),
    more: &(dyn Fn(usize, &str) + Sync),
) -> Vec<std::io::Result<Report>> {
    std::thread::scope(|scope| {
        let runs: Vec<_> = groups
            .iter()
            .enumerate()
            .map(|(group, (package, checks))| {
                let more = move |piece: &str| more(group, piece);
                scope.spawn(move || run_checks(workspace, package, checks, before, &more))
            })
            .collect();
        runs.into_iter()
            .map(|run| {
                run.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("a check runner panicked")))
            })
            .collect()
    })
}

/// The `cargo test` command of a crate's checks, exactly as tutorial.md prints it (with
/// more than one name after `--exact` when several checks run).
pub fn check_command(workspace: &Path, package: &str, checks: &[&str]) -> Command {
    let cargo = cargo_named_by_the_environment().unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args(["test", "-p", package, "--test", "checks", "--", "--ignored"])
        .args(["--test-threads", "1"])
        .env("RUST_BACKTRACE", "0")
        .env("CARGO_TERM_COLOR", "never");
    if !checks.is_empty() {
        command.arg("--exact").args(checks);
    }
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_run) {
            command.env_remove(name);
        }
    }
    command
}

/// The cargo that ran us (`cargo +nightly run` sets `CARGO` to that toolchain's); None when
/// `CARGO` is not set, or set to nothing: then PATH's cargo runs.
pub fn cargo_named_by_the_environment() -> Option<std::ffi::OsString> {
    std::env::var_os("CARGO").filter(|cargo| !cargo.is_empty())
}

/// The variables `cargo run` sets for the program it runs (this one): `CARGO_PKG_NAME=exercises`,
/// `CARGO_MANIFEST_DIR`, ... Passed on to the `cargo test` started here they would reach every
/// crate it builds; crates that read them (ring, rustls, reqwest, the lessons) would see them
/// changed since the check was last built by hand, and cargo would rebuild them all, on every
/// switch between this command and a check. `CARGO` itself (which cargo) and the user's own
/// settings (`CARGO_HOME`, `CARGO_TARGET_DIR`, ...) stay.
fn set_by_cargo_run(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || ["CARGO_CRATE_NAME", "CARGO_BIN_NAME", "CARGO_PRIMARY_PACKAGE"].contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variables_cargo_run_sets_are_told_from_the_users_own() {
        for set in [
            "CARGO_PKG_NAME",
            "CARGO_PKG_VERSION_MAJOR",
            "CARGO_MANIFEST_DIR",
            "CARGO_CRATE_NAME",
        ] {
            assert!(set_by_cargo_run(set), "{set}");
        }
        for own in [
            "CARGO",
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "CARGO_TERM_COLOR",
            "RUSTFLAGS",
        ] {
            assert!(!set_by_cargo_run(own), "{own}");
        }
    }

    #[test]
    fn a_character_cut_between_two_reads_waits_for_its_rest() {
        assert_eq!(whole_characters(b""), 0);
        assert_eq!(whole_characters("test é ... ".as_bytes()), 12);
        assert_eq!(whole_characters(b"a\xc3"), 1); // é's first byte
        assert_eq!(whole_characters(b"\xf0\x9f\x98"), 0); // 😀's first three
        assert_eq!(whole_characters(b"a\xe2A"), 3); // not a character at all: told as it is
        assert_eq!(whole_characters(b"\xff"), 1);
    }

    #[test]
    fn a_crate_that_did_not_compile_is_told_from_a_check_that_failed() {
        let failed = Report("running 1 test\ntest a ... FAILED\ntest b ... ok\n".into());
        assert!(failed.state_of("a") == State::NotYet);
        assert!(failed.state_of("b") == State::Done);
        let broken = Report("error: could not compile `examples-async`\n".into());
        assert!(broken.state_of("b") == State::DoesNotBuild);
        assert_eq!(broken.cargo_error(), None);
        assert_eq!(broken.first_compiler_error(), None);
        let no_package = Report("\nerror: package ID specification `x` did not match\n".into());
        assert_eq!(
            no_package.cargo_error(),
            Some("error: package ID specification `x` did not match")
        );
    }

    #[test]
    fn the_first_compiler_error_and_a_checks_message_are_read_from_cargos_output() {
        let broken = Report(
            "   Compiling examples-async v0.1.0\nerror[E0425]: cannot find value `x`\n  --> src/main.rs:3:5\n   |\n\nerror[E0308]: mismatched types\n\nerror: could not compile `examples-async`\n".into(),
        );
        assert_eq!(
            broken.first_compiler_error().as_deref(),
            Some("error[E0425]: cannot find value `x`\n  --> src/main.rs:3:5\n   |")
        );
        let failed = Report(
            "running 1 test\ntest a ... FAILED\n\nfailures:\n\n---- a stdout ----\n\nthread 'a' panicked at tests/checks.rs:1:2:\nthe results are in completion order\nwant: x\nnote: run with `RUST_BACKTRACE=1`\n\nfailures:\n    a\n".into(),
        );
        assert_eq!(
            failed.failure_of("a").as_deref(),
            Some("the results are in completion order\nwant: x")
        );
        assert_eq!(failed.failure_of("b"), None);
    }
}
