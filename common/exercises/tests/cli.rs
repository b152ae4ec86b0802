//! The progress command end to end: the real binary, on bad input, without cargo, and in a
//! workspace that is not where it was built.
//!
//! Its normal run is not tested here: it runs `cargo test` itself, which would wait for the
//! build lock this test run holds. `bash .ci/exercises` runs every check it would run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use testkit::Ran;

const EXERCISES: &str = env!("CARGO_BIN_EXE_exercises");

fn run(command: Command) -> Ran {
    testkit::run(command, Duration::from_secs(30))
}

/// A folder of its own under the system's temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("exercises-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("a scratch folder");
        Scratch(dir)
    }

    /// A workspace of one exercise (check `only_check`), as a moved or copied one would be.
    fn with_workspace(name: &str) -> Scratch {
        let scratch = Scratch::new(name);
        fs::write(scratch.0.join("Cargo.toml"), "[workspace]\n").unwrap();
        let tutorial = "# t\n\n## 8. Exercises\n\n### 8.1 The only one (threadpool)\n\nDo it.\n\n\
                        ```sh\ncargo test -p examples-threadpool --test checks -- --ignored only_check\n```\n\n\
                        Hint: just do it.\n";
        fs::write(scratch.0.join("tutorial.md"), tutorial).unwrap();
        fs::create_dir_all(scratch.0.join("sub/folder")).unwrap();
        scratch
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `program ARGS`, run in `dir`.
fn run_in(dir: &Path, program: &str, args: &[&str]) -> Command {
    let mut command = testkit::command(program, args);
    command.current_dir(dir);
    command
}

/// Bad input is a usage error in one line, exit status 2, that lists the exercises. An
/// argument is shown with its control characters written out: an escape sequence never
/// reaches the terminal, a newline never forges a second line. One that is not UTF-8 is a
/// usage error too, not a panic.
#[test]
fn bad_input_is_a_usage_error_in_one_line_with_status_2() {
    for (args, expected) in [
        (
            &["show", "no_such_exercise"][..],
            "no exercise `no_such_exercise`",
        ),
        (&["frobnicate"][..], "unexpected `frobnicate`"),
        (&["show"][..], "`show` needs the NAME"),
        (&["show", "a", "b"][..], "`show` takes one NAME"),
        (
            &["show", "\x1b[31mX\nerror: forged"][..],
            "no exercise `\\u{1b}[31mX\\nerror: forged`",
        ),
        (&["\x1b[2J"][..], "unexpected `\\u{1b}[2J`"),
    ] {
        let ran = run(testkit::command(EXERCISES, args));
        ran.assert_usage_error(expected);
        assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
        assert!(!ran.stderr.contains('\x1b'), "{:?}", ran.stderr);
        ran.assert_said("in_input_order"); // it lists the exercises
        ran.assert_said("usage: cargo run -p exercises");
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut command = testkit::command(EXERCISES, &["show"]);
        command.arg(std::ffi::OsStr::from_bytes(b"\xff"));
        let ran = run(command);
        ran.assert_usage_error("no exercise `\u{fffd}`");
        ran.assert_no_panic_report();
    }
}

#[test]
fn help_prints_the_usage_and_succeeds() {
    for flag in ["--help", "-h"] {
        let ran = run(testkit::command(EXERCISES, &[flag]));
        assert_eq!(ran.status.code(), Some(0), "{flag}: {ran:?}");
        assert!(
            ran.stdout.starts_with("usage: cargo run -p exercises"),
            "{flag}: {ran:?}"
        );
        ran.assert_printed("show NAME");
        assert!(ran.stderr.is_empty(), "{flag}: {}", ran.stderr);
    }
}

/// Help into a full disk: one line in words, as every binary of the workspace says it (the
/// OS's error number, which differs per OS, left out), exit status 1.
#[cfg(target_os = "linux")]
#[test]
fn help_into_a_full_disk_is_one_line_in_words() {
    let ran = run(testkit::command_via_shell(
        "",
        ">/dev/full",
        EXERCISES,
        &["--help"],
    ));
    ran.assert_full_disk_said();
}

/// No cargo to run: say so and fail, never blame the learner's edit (nor suggest `git restore`).
#[test]
fn without_cargo_it_says_so_and_fails() {
    let workspace = Scratch::with_workspace("no-cargo");
    let empty_path = Scratch::new("empty-path");
    for args in [&[][..], &["show", "only_check"]] {
        let mut command = run_in(&workspace.0, EXERCISES, args);
        command.env("PATH", &empty_path.0).env_remove("CARGO");
        let ran = run(command);
        assert_eq!(ran.status.code(), Some(1), "{args:?}: {ran:?}");
        ran.assert_said("error: cannot run cargo: it is not on PATH");
        let everything = format!("{}{}", ran.stdout, ran.stderr);
        assert!(!everything.contains("git restore"), "{everything}");
        assert!(!everything.contains("does not compile"), "{everything}");
    }
}

/// A `CARGO` variable that names no cargo is named in the error (it said "not on PATH",
/// with cargo on PATH); one set to nothing is left out, and PATH's cargo runs.
#[cfg(unix)]
#[test]
fn the_cargo_variable_is_named_when_its_cargo_cannot_run() {
    let workspace = Scratch::with_workspace("cargo-variable");
    let mut command = run_in(&workspace.0, EXERCISES, &[]);
    command.env("CARGO", workspace.0.join("no-such-cargo"));
    let ran = run(command);
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    ran.assert_said("no-such-cargo, which the CARGO variable names: ");
    assert!(!ran.stderr.contains("not on PATH"), "{}", ran.stderr);
    let cargo = fake_cargo(&workspace);
    let path = cargo.parent().expect("its folder");
    fs::rename(&cargo, path.join("cargo")).unwrap();
    let mut command = run_in(&workspace.0, EXERCISES, &[]);
    command
        .env("CARGO", "")
        .env("PATH", path)
        .env("FAKE_CARGO_SAYS", "running 1 test\ntest only_check ... ok");
    let ran = run(command);
    assert_eq!(ran.status.code(), Some(0), "{ran:?}");
    assert!(ran.stdout.contains("Every exercise is done."), "{}", ran.stdout);
}

/// tutorial.md is read from the workspace the command runs in (from any folder in it), not
/// from where the binary was built.
#[test]
fn the_tutorial_is_found_where_the_command_runs() {
    let workspace = Scratch::with_workspace("moved");
    for dir in [workspace.0.clone(), workspace.0.join("sub/folder")] {
        let ran = run(run_in(&dir, EXERCISES, &["show", "no_such_exercise"]));
        ran.assert_usage_error("the exercises are: only_check (");
    }
}

/// Outside any workspace, a binary that is not inside one either: one clear line, status 1.
#[test]
fn outside_a_workspace_it_says_where_to_run_it() {
    let elsewhere = Scratch::new("elsewhere");
    let copy = elsewhere.0.join(Path::new(EXERCISES).file_name().unwrap());
    fs::copy(EXERCISES, &copy).expect("a copy of the binary");
    let ran = run(run_in(&elsewhere.0, copy.to_str().unwrap(), &[]));
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("cannot find tutorial.md: run this inside the workspace"),
        "{}",
        ran.stderr
    );
}

#[test]
fn the_readme_and_the_tutorial_show_this_command() {
    let root = testkit::workspace_root();
    for file in ["README.md", "tutorial.md"] {
        let text = fs::read_to_string(root.join(file)).unwrap();
        assert!(text.contains("cargo run -p exercises "), "{file}");
        assert!(
            !text.contains("--bin exercises"),
            "{file} shows the command's old form"
        );
    }
}

/// A stand-in for cargo (a shell script, so Unix only): it notes the variables it was given
/// in `env.txt` where it runs, then prints `$FAKE_CARGO_SAYS` as `cargo test` would.
#[cfg(unix)]
fn fake_cargo(workspace: &Scratch) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = workspace.0.join("fake-cargo");
    let text = "#!/bin/sh\nenv > \"$(pwd)/env.txt\"\nprintf '%s\\n' \"$FAKE_CARGO_SAYS\"\n";
    fs::write(&script, text).unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// The progress table from what cargo said, and the cargo it starts gets none of the
/// variables `cargo run` gave this command (they would make cargo rebuild the lessons).
#[cfg(unix)]
#[test]
fn the_table_says_what_each_check_did_and_the_child_cargo_gets_no_cargo_run_variables() {
    let workspace = Scratch::with_workspace("table");
    let cargo = fake_cargo(&workspace);
    for (output, status, next) in [
        (
            "running 1 test\ntest only_check ... ok",
            "done",
            "Every exercise is done.",
        ),
        (
            "running 1 test\ntest only_check ... FAILED",
            "not yet",
            "Next: 8.1 The only one",
        ),
        (
            "error: could not compile `examples-threadpool`",
            "does not compile",
            "`cargo run -p exercises -- show only_check` shows the compiler's message",
        ),
    ] {
        // Each case on its own: a pass would be remembered as "done earlier" (tests/companion.rs).
        let _ = fs::remove_file(workspace.0.join(".exercises-progress"));
        let mut command = run_in(&workspace.0, EXERCISES, &[]);
        command
            .env("CARGO", &cargo)
            .env("FAKE_CARGO_SAYS", output)
            .env("CARGO_PKG_NAME", "exercises")
            .env("CARGO_MANIFEST_DIR", &workspace.0)
            .env("CARGO_HOME", "/kept");
        let ran = run(command);
        assert_eq!(ran.status.code(), Some(0), "{ran:?}");
        let row = ran
            .stdout
            .lines()
            .find(|l| l.contains("only_check"))
            .unwrap_or_default();
        assert!(
            row.ends_with(status),
            "{output:?} should be {status:?}: {}",
            ran.stdout
        );
        assert!(ran.stdout.contains(next), "{}", ran.stdout);
        assert!(!ran.stdout.contains("git restore"), "{}", ran.stdout);
        let env = fs::read_to_string(workspace.0.join("env.txt")).unwrap();
        assert!(
            !env.contains("CARGO_PKG_NAME=") && !env.contains("CARGO_MANIFEST_DIR="),
            "{env}"
        );
        assert!(
            env.contains("CARGO_HOME=/kept"),
            "the user's own settings stay: {env}"
        );
    }
}

/// Cargo stopping before it builds anything is cargo's error, said as such: exit status 1.
#[cfg(unix)]
#[test]
fn cargos_own_error_is_told_from_an_edit_that_does_not_compile() {
    let workspace = Scratch::with_workspace("cargo-error");
    let mut command = run_in(&workspace.0, EXERCISES, &[]);
    command.env("CARGO", fake_cargo(&workspace)).env(
        "FAKE_CARGO_SAYS",
        "error: package ID specification `examples-threadpool` did not match any packages",
    );
    let ran = run(command);
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    ran.assert_said("error: `cargo test -p examples-threadpool` stopped: package ID specification");
    assert!(!ran.stdout.contains("does not compile"), "{}", ran.stdout);
}
