//! The companion commands end to end, on a workspace of two made-up exercises whose "cargo"
//! is a stand-in script (so Unix only): a check passes when its file says DONE, and the
//! lesson stops compiling when a file says BROKEN. So `watch` is tested in a real
//! pseudo-terminal, saves and keys and all, in well under a second a run.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use testkit::pty::Terminal;

const EXERCISES: &str = env!("CARGO_BIN_EXE_exercises");
const PATIENCE: Duration = Duration::from_secs(20);
const FIRST: &str = "examples-threadpool/first.txt";
const SECOND: &str = "examples-threadpool/second.txt";
/// A file of the lesson that no exercise changes.
const OTHER: &str = "examples-threadpool/other.rs";

const TUTORIAL: &str = "# t\n\n## 8. Exercises\n\n\
    ### 8.1 The first one (threadpool)\n\nWrite DONE in first.txt.\n\n\
    ```sh\ncargo test -p examples-threadpool --test checks -- --ignored only_check\n```\n\n\
    Hint: write DONE.\n\n\
    ### 8.2 The second one (threadpool)\n\nWrite DONE in second.txt.\n\n\
    ```sh\ncargo test -p examples-threadpool --test checks -- --ignored second_check\n```\n\n\
    Hint: the same again.\n";

/// The stand-in for cargo: refuses a test target that is not `checks`, notes each run in
/// runs.log, and says what `cargo test` would of each check (or of the one after `--exact`):
/// its name as it starts, its verdict as it ends, the failures' messages after the last.
/// With `FAKE_CARGO_HOLDS` set, each check runs until the test writes a file `go-CHECK`; with
/// `FAKE_CARGO_PRINTS` set, each failure's message has that many more bytes. In bash, which
/// keeps the signals blocked that it was started with, as cargo does (dash unblocks them).
/// It ends on SIGINT as cargo does, by a trap: bash itself goes on after a Ctrl-C that came
/// while a `sleep` it waited for ended on its own (it takes the signal as the child's to
/// handle), which on a busy machine left it running. A blocked signal never reaches the trap.
const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
trap 'exit 130' INT
case "$*" in
  *"test -p examples-threadpool --test checks -- --ignored"*) ;;
  *) echo "error: no test target named in: $*" >&2; exit 101 ;;
esac
echo "$*" >> runs.log
echo $$ > cargo.pid
if [ -n "$FAKE_CARGO_LOCKED" ]; then echo "    Blocking waiting for file lock on build directory" >&2; fi
sleep "${FAKE_CARGO_SLEEPS:-0}"
if cat examples-threadpool/*.txt 2>/dev/null | grep -q BROKEN; then
  printf 'error[E0308]: mismatched types\n  --> examples-threadpool/first.txt:1:1\n\nerror: could not compile `examples-threadpool`\n' >&2
  exit 101
fi
echo "running 2 tests"
failed=""
for pair in only_check:first second_check:second; do
  name=${pair%%:*}; file=examples-threadpool/${pair#*:}.txt
  case "$*" in *--exact*) case " $* " in *" $name "*) ;; *) continue ;; esac ;; esac
  printf 'test %s ... ' "$name"
  if [ -n "$FAKE_CARGO_HOLDS" ]; then while [ ! -e "go-$name" ]; do sleep 0.02; done; fi
  if grep -q DONE "$file" 2>/dev/null; then echo "ok"; else echo "FAILED"; failed="$failed $pair"; fi
done
if [ -n "$failed" ]; then printf '\nfailures:\n'; fi
for pair in $failed; do
  name=${pair%%:*}; file=examples-threadpool/${pair#*:}.txt
  printf '\n---- %s stdout ----\n\nthread '"'"'%s'"'"' panicked at tests/checks.rs:1:1:\nwrite DONE in %s\n' "$name" "$name" "$file"
  if [ -n "$FAKE_CARGO_PRINTS" ]; then head -c "$FAKE_CARGO_PRINTS" /dev/zero | tr '\0' x; echo; fi
  printf 'note: run with `RUST_BACKTRACE=1`\n'
done
"#;

/// A workspace of the two exercises, in a git repository that holds their files as shipped.
struct Workspace(PathBuf);

impl Workspace {
    fn new(name: &str) -> Workspace {
        let dir = std::env::temp_dir().join(format!("companion-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let workspace = Workspace(dir);
        workspace.write("Cargo.toml", "[workspace]\n");
        workspace.write("tutorial.md", TUTORIAL);
        workspace.write("fake-cargo", FAKE_CARGO);
        let executable = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        fs::set_permissions(workspace.0.join("fake-cargo"), executable).unwrap();
        git(&workspace.0, &["init", "-q"]);
        let mut shipped = String::from("# as shipped\n");
        for (check, file) in [("only_check", FIRST), ("second_check", SECOND)] {
            workspace.write(file, &format!("{file} as shipped\n"));
            let id = git(&workspace.0, &["hash-object", "-w", file]);
            shipped.push_str(&format!("{} {file}\n", id.trim()));
            let patch = format!("--- a/{file}\n+++ b/{file}\n@@ -1 +1 @@\n-{file} as shipped\n+DONE\n");
            workspace.write(&format!("examples-threadpool/solutions/{check}.patch"), &patch);
        }
        workspace.write("common/exercises/shipped.txt", &shipped);
        workspace.write(OTHER, "fn main() {}\n");
        workspace
    }

    fn write(&self, file: &str, text: &str) {
        let path = self.0.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn read(&self, file: &str) -> String {
        fs::read_to_string(self.0.join(file)).unwrap_or_default()
    }

    /// How many times the stand-in cargo has run.
    fn runs(&self) -> usize {
        self.read("runs.log").lines().count()
    }

    /// The progress command with `args`, run here with the stand-in cargo.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = testkit::command(EXERCISES, args);
        command
            .current_dir(&self.0)
            .env("CARGO", self.0.join("fake-cargo"));
        command
    }

    fn run(&self, args: &[&str]) -> testkit::Ran {
        testkit::run(self.command(args), PATIENCE)
    }

    /// The table's row of a check, its status last.
    fn row_of(&self, check: &str) -> String {
        let ran = self.run(&[]);
        assert_eq!(ran.status.code(), Some(0), "{ran:?}");
        let row = ran.stdout.lines().find(|line| line.contains(check));
        row.unwrap_or_default().trim().to_string()
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The whole loop, as a learner meets it: the check runs at once; `h` shows the hint; a save
/// that breaks the build shows the compiler's first error; two saves close together run the
/// check once; a deleted file is waited for; a pass is remembered and the next exercise
/// starts; `q` quits with the terminal as it was.
#[test]
fn watch_reruns_the_check_on_each_save_and_moves_on_when_it_passes() {
    let workspace = Workspace::new("watch");
    let mut terminal = Terminal::run(workspace.command(&["watch"]));
    terminal.wait_for(
        "not yet: write DONE in examples-threadpool/first.txt",
        1,
        PATIENCE,
    );
    terminal.wait_for("waiting for your next save", 1, PATIENCE);
    assert!(!terminal.screen().contains("Hint:"), "the hint waits for `h`");
    terminal.press("h");
    terminal.wait_for("Hint: write DONE.", 1, PATIENCE);

    workspace.write(FIRST, "BROKEN\n");
    terminal.wait_for("does not compile; the compiler's first error:", 1, PATIENCE);
    terminal.wait_for("error[E0308]: mismatched types", 1, PATIENCE);
    terminal.wait_for("waiting for your next save", 2, PATIENCE);

    let runs = workspace.runs();
    workspace.write(FIRST, "not yet\n");
    workspace.write(FIRST, "still not\n");
    terminal.wait_for("waiting for your next save", 3, PATIENCE);
    workspace.write(OTHER, "fn main() { }\n"); // not the exercise's: no run
    workspace.write(FIRST, "nor now\n");
    terminal.wait_for("waiting for your next save", 4, PATIENCE);
    assert_eq!(workspace.runs(), runs + 2, "{}", terminal.screen());

    fs::remove_file(workspace.0.join(FIRST)).unwrap();
    terminal.wait_for(
        "examples-threadpool/first.txt is gone (deleted or renamed?)",
        1,
        PATIENCE,
    );
    workspace.write("examples-threadpool/first.new", "DONE\n");
    fs::rename(
        workspace.0.join("examples-threadpool/first.new"),
        workspace.0.join(FIRST),
    )
    .unwrap();
    terminal.wait_for("done: 8.1 passes its check.", 1, PATIENCE);
    terminal.wait_for("=== 8.2 The second one", 1, PATIENCE);
    terminal.wait_for(
        "not yet: write DONE in examples-threadpool/second.txt",
        1,
        PATIENCE,
    );

    terminal.press("q");
    let status = terminal.wait_for_exit(PATIENCE);
    assert!(status.success(), "{status:?}: {}", terminal.screen());
    assert!(terminal.is_usable(), "the terminal is left in raw mode");
    assert!(workspace.read(".exercises-progress").contains("only_check "));
}

/// The exercise's folder deleted and made anew (a new folder, which the OS was never asked
/// to watch) with the file in it: `watch` finds the file back and runs the check.
#[test]
fn watch_finds_a_file_back_in_a_folder_made_anew() {
    let workspace = Workspace::new("folder-anew");
    let mut terminal = Terminal::run(workspace.command(&["watch"]));
    terminal.wait_for("waiting for your next save", 1, PATIENCE);
    let folder = workspace.0.join("examples-threadpool");
    fs::rename(&folder, workspace.0.join("moved-away")).unwrap();
    terminal.wait_for("examples-threadpool/first.txt is gone", 1, PATIENCE);
    workspace.write(FIRST, "DONE\n");
    terminal.wait_for("done: 8.1 passes its check.", 1, PATIENCE);
    terminal.press("q");
    assert!(
        terminal.wait_for_exit(PATIENCE).success(),
        "{}",
        terminal.screen()
    );
}

/// Ctrl-C quits too, while a check is running or not, and puts the terminal back.
#[test]
fn ctrl_c_quits_watch_and_leaves_the_terminal_usable() {
    let workspace = Workspace::new("ctrl-c");
    let mut terminal = Terminal::run(workspace.command(&["watch"]));
    terminal.wait_for("waiting for your next save", 1, PATIENCE);
    terminal.press("\x03");
    let status = terminal.wait_for_exit(PATIENCE);
    assert!(status.success(), "{status:?}: {}", terminal.screen());
    assert!(terminal.is_usable(), "the terminal is left in raw mode");
}

/// `kill` (SIGTERM), or the terminal window closed (SIGHUP), while a check runs: `watch`
/// stops the check with it, puts the terminal back, and says which signal in its status.
#[test]
fn a_signal_to_end_watch_stops_its_check_and_leaves_the_terminal_usable() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    for signal in [Signal::SIGTERM, Signal::SIGHUP] {
        let workspace = Workspace::new(&format!("signal-{signal}"));
        let mut command = workspace.command(&["watch"]);
        command.env("FAKE_CARGO_SLEEPS", "60");
        let mut terminal = Terminal::run(command);
        let started = std::time::Instant::now();
        while workspace.read("cargo.pid").trim().is_empty() {
            assert!(started.elapsed() < PATIENCE, "{}", terminal.screen());
            std::thread::sleep(Duration::from_millis(10));
        }
        kill(Pid::from_raw(terminal.id() as i32), signal).unwrap();
        let status = terminal.wait_for_exit(PATIENCE);
        assert_eq!(status.code(), Some(128 + signal as i32), "{}", terminal.screen());
        assert!(terminal.is_usable(), "{signal}: the terminal is left in raw mode");
        let check = workspace.read("cargo.pid").trim().to_string();
        let still_running = || {
            let ps = Command::new("ps")
                .args(["-o", "stat=", "-p", &check])
                .output()
                .unwrap();
            let state = String::from_utf8_lossy(&ps.stdout).trim().to_string();
            !state.is_empty() && !state.starts_with('Z')
        };
        while still_running() {
            assert!(
                started.elapsed() < PATIENCE,
                "{signal}: the check {check} runs on"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Another cargo holds the build directory (an editor's, say): the wait is said, once,
/// rather than looking like a hang.
#[test]
fn a_check_waiting_for_another_cargos_lock_says_so() {
    let workspace = Workspace::new("locked");
    let mut command = workspace.command(&[]);
    command.env("FAKE_CARGO_LOCKED", "1");
    let ran = testkit::run(command, PATIENCE);
    assert_eq!(ran.status.code(), Some(0), "{ran:?}");
    let waiting = "cargo is waiting for another cargo to finish with the build directory";
    assert_eq!(ran.stderr.matches(waiting).count(), 1, "{}", ran.stderr);
}

#[test]
fn watch_without_a_terminal_says_so_in_one_line_with_status_2() {
    let workspace = Workspace::new("no-terminal");
    let ran = workspace.run(&["watch"]);
    assert_eq!(ran.status.code(), Some(2), "{ran:?}");
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    ran.assert_said("watch reads keys from a terminal");
    assert_eq!(workspace.runs(), 0);
}

/// A check that passed stays done: `done earlier` once today's code fails it, until
/// `reset-progress` forgets.
#[test]
fn a_passed_check_stays_done_until_progress_is_reset() {
    let workspace = Workspace::new("progress");
    assert!(workspace.row_of("only_check").ends_with("not yet"));
    workspace.write(FIRST, "DONE\n");
    assert!(workspace.row_of("only_check").ends_with(" done"));
    workspace.write(FIRST, "a later exercise changed this\n");
    let ran = workspace.run(&[]);
    assert!(
        ran.stdout.contains("done earlier, code changed since"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("1 of 2 done."), "{}", ran.stdout);
    assert!(ran.stdout.contains("Next: 8.2 The second one"), "{}", ran.stdout);
    assert!(
        !ran.stderr.contains("building"),
        "nothing was built: {}",
        ran.stderr
    );

    let forgot = workspace.run(&["reset-progress"]);
    assert_eq!(forgot.status.code(), Some(0), "{forgot:?}");
    forgot.assert_printed("Forgotten");
    assert!(workspace.row_of("only_check").ends_with("not yet"));
}

#[test]
fn the_progress_file_is_one_git_ignores() {
    let gitignore = fs::read_to_string(testkit::workspace_root().join(".gitignore")).unwrap();
    assert!(
        gitignore.lines().any(|line| line == "/.exercises-progress"),
        "{gitignore}"
    );
}

/// The reference solution is shown once the check has passed, never before.
#[test]
fn the_solution_is_shown_only_after_its_check_has_passed() {
    let workspace = Workspace::new("solution");
    let refused = workspace.run(&["solution", "only_check"]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    refused.assert_said("is shown once its check has passed");
    assert!(!refused.stdout.contains("+DONE") && !refused.stderr.contains("+DONE"));
    let failed = workspace.run(&["show", "only_check"]);
    assert!(!failed.stdout.contains("+DONE"), "{}", failed.stdout);

    workspace.write(FIRST, "DONE\n");
    let passed = workspace.run(&["show", "only_check"]);
    assert_eq!(passed.status.code(), Some(0), "{passed:?}");
    let shown = workspace.run(&["solution", "8.1"]);
    assert_eq!(shown.status.code(), Some(0), "{shown:?}");
    shown.assert_printed("+++ b/examples-threadpool/first.txt\n");
}

/// Progress is a convenience: a damaged line in its file costs only that line, and a
/// record that cannot be read (here a named pipe, which would never end) is one warning,
/// left as it is, never a hang.
#[test]
fn a_damaged_or_unreadable_progress_file_costs_one_line_and_never_hangs() {
    let workspace = Workspace::new("damaged-progress");
    let record = workspace.0.join(".exercises-progress");
    fs::write(&record, b"only_check 0\n\xff\xfe not text\n").unwrap();
    let shown = workspace.run(&["solution", "only_check"]);
    assert_eq!(shown.status.code(), Some(0), "{shown:?}");
    shown.assert_printed("+DONE");

    fs::remove_file(&record).unwrap();
    let made = Command::new("mkfifo").arg(&record).status().expect("mkfifo runs");
    assert!(made.success());
    let refused = workspace.run(&["solution", "only_check"]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    refused.assert_said("warning: cannot read your progress in .exercises-progress");
    assert_eq!(refused.stderr.lines().count(), 2, "{}", refused.stderr);
    let table = workspace.run(&[]);
    assert_eq!(table.status.code(), Some(0), "{table:?}");
    assert!(record.metadata().unwrap().file_type().is_fifo(), "left as it is");
}

/// `reset` puts back the exercise's own files and nothing else, after asking; without a
/// terminal to ask in, only with `--force`.
#[test]
fn reset_puts_back_only_the_exercises_files_after_asking() {
    let workspace = Workspace::new("reset");
    let as_shipped = workspace.read(FIRST);
    for (file, edit) in [
        (FIRST, "my try\n"),
        (SECOND, "DONE\n"),
        (OTHER, "fn main() { todo!() }\n"),
    ] {
        workspace.write(file, edit);
    }
    let refused = workspace.run(&["reset", "only_check"]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    refused.assert_said("add --force");
    assert_eq!(workspace.read(FIRST), "my try\n");

    let mut terminal = Terminal::run(workspace.command(&["reset", "8.1"]));
    terminal.wait_for("Reset these files? [y/N]", 1, PATIENCE);
    terminal.press("n\n");
    assert!(terminal.wait_for_exit(PATIENCE).success());
    assert_eq!(workspace.read(FIRST), "my try\n", "{}", terminal.screen());

    let mut terminal = Terminal::run(workspace.command(&["reset", "only_check"]));
    terminal.wait_for(
        "examples-threadpool/first.txt (your edits to it are lost)",
        1,
        PATIENCE,
    );
    terminal.press("y\n");
    assert!(terminal.wait_for_exit(PATIENCE).success());
    assert_eq!(workspace.read(FIRST), as_shipped, "{}", terminal.screen());
    assert_eq!(
        workspace.read(SECOND),
        "DONE\n",
        "another exercise's file is left alone"
    );
    assert_eq!(
        workspace.read(OTHER),
        "fn main() { todo!() }\n",
        "a file of no exercise is left alone"
    );

    let again = workspace.run(&["reset", "only_check", "--force"]);
    again.assert_printed("as shipped already");
    fs::remove_file(workspace.0.join(FIRST)).unwrap();
    let forced = workspace.run(&["reset", "--force", "only_check"]);
    assert_eq!(forced.status.code(), Some(0), "{forced:?}");
    assert_eq!(workspace.read(FIRST), as_shipped);
}

#[test]
fn an_unknown_exercise_or_a_missing_name_is_a_usage_error() {
    let workspace = Workspace::new("unknown");
    for command in ["reset", "hint", "solution"] {
        workspace
            .run(&[command, "no_such"])
            .assert_usage_error("no exercise `no_such`");
        workspace
            .run(&[command])
            .assert_usage_error(&format!("`{command}` needs the NAME"));
    }
    workspace
        .run(&["reset", "--force"])
        .assert_usage_error("`reset` needs the NAME");
    let hint = workspace.run(&["hint", "8.2"]);
    assert_eq!(hint.status.code(), Some(0), "{hint:?}");
    hint.assert_printed("Hint: the same again.");
}

/// The table run in a real terminal (tmux, 100 columns) in `workspace`, each check held until
/// the test writes its `go-CHECK` file, with `env` set too. `None` where tmux is not installed.
fn table_in_tmux(workspace: &Workspace, env: &[(&str, &str)]) -> Option<testkit::tmux::Terminal> {
    // tmux starts the program where the test runs: the shell goes to the workspace first.
    let in_workspace = format!("cd '{}' && exec '{EXERCISES}'", workspace.0.display());
    let cargo = workspace.0.join("fake-cargo");
    let mut env = env.to_vec();
    env.extend([
        ("CARGO", cargo.to_str().expect("a temporary path in UTF-8")),
        ("FAKE_CARGO_HOLDS", "1"),
    ]);
    testkit::tmux::Terminal::start_with_env(100, 20, "/bin/sh", &["-c", &in_workspace], &env)
}

/// Each line without the spaces that end it, as a terminal's screen shows it.
fn trimmed_lines(text: &str) -> Vec<&str> {
    text.trim_end().lines().map(str::trim_end).collect()
}

/// On a terminal, while the checks run, a live line at the bottom names the check running and
/// counts those finished; once they end it is gone, and the screen holds exactly what the
/// table prints off a terminal.
#[test]
fn the_table_names_the_check_running_in_a_live_line_that_leaves_no_trace() {
    let workspace = Workspace::new("live-line");
    let Some(terminal) = table_in_tmux(&workspace, &[]) else {
        return;
    };
    terminal.wait_for(|screen| screen.ends_with("\nchecking 0/2  threadpool: only_check"));
    workspace.write("go-only_check", "");
    terminal.wait_for(|screen| screen.ends_with("\nchecking 1/2  threadpool: second_check"));
    workspace.write("go-second_check", "");
    assert_eq!(terminal.wait_for_exit(), 0, "{}", terminal.screen());
    let on_the_terminal = terminal.everything();
    assert!(!on_the_terminal.contains("checking"), "{on_the_terminal}");
    let off_a_terminal = workspace.run(&[]);
    let printed = format!("{}{}", off_a_terminal.stderr, off_a_terminal.stdout);
    assert!(printed.contains("  8.2   second_check"), "{printed}");
    assert_eq!(trimmed_lines(&on_the_terminal), trimmed_lines(&printed));
}

/// A check whose failure prints megabytes (a lesson's whole output, quoted) is read once, a
/// piece at a time as it comes: the table follows at once. (Reading all of it again after
/// each piece took minutes for 32 MB: here that is a hang, past the test's patience.)
#[test]
fn checks_that_print_megabytes_are_read_once() {
    let workspace = Workspace::new("megabytes");
    let mut command = workspace.command(&[]);
    command.env("FAKE_CARGO_PRINTS", (16 << 20).to_string());
    let ran = testkit::run(command, PATIENCE);
    assert_eq!(ran.status.code(), Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains("\n  0 of 2 done.\n"), "{}", ran.stdout);
}

/// Off a terminal (here pipes) no line is drawn: stderr says what it always said, no more.
#[test]
fn off_a_terminal_the_table_draws_no_live_line() {
    let workspace = Workspace::new("no-live-line");
    let ran = workspace.run(&[]);
    assert_eq!(ran.status.code(), Some(0), "{ran:?}");
    assert_eq!(ran.stderr, "running the 2 checks, 1 at a time...\n");
    assert!(
        !ran.stdout.contains("checking") && !ran.stdout.contains('\x1b'),
        "{ran:?}"
    );
}

/// Ctrl-C while a check runs ends the table as it ends with no live line drawn (`TERM=dumb`):
/// by SIGINT, status 130, no table, and the check ended by the same Ctrl-C. The live line is
/// cleared first, not left half drawn.
#[test]
fn ctrl_c_during_the_live_line_clears_it_and_ends_as_without_it() {
    for dumb in [false, true] {
        let workspace = Workspace::new(&format!("live-line-ctrl-c-{dumb}"));
        let env: &[(&str, &str)] = if dumb { &[("TERM", "dumb")] } else { &[] };
        let Some(terminal) = table_in_tmux(&workspace, env) else {
            return;
        };
        // The first check has started: its name is all the stand-in has printed.
        let started = |screen: &str| dumb || screen.contains("checking 0/2");
        terminal.wait_for(|screen| started(screen) && !workspace.read("cargo.pid").is_empty());
        terminal.press_ctrl_c();
        assert_eq!(
            terminal.wait_for_exit(),
            130,
            "TERM=dumb: {dumb}\n{}",
            terminal.screen()
        );
        // The line said before the checks ran, and no more: no live line (`^C` is echoed
        // over its first letters, were it left there), no table.
        let last = terminal.everything();
        let first_line = last.lines().next().map(str::trim_end);
        assert_eq!(first_line, Some("running the 2 checks, 1 at a time..."), "{last}");
        assert!(
            !last.contains("0/2") && !last.contains("only_check"),
            "TERM=dumb: {dumb}\n{last}"
        );
        // The check (here the stand-in cargo, held until it is let go) got the Ctrl-C too. It
        // once ran on, unseen: it inherited the signals blocked for the line's sake.
        #[cfg(target_os = "linux")]
        {
            let cargo: u32 = workspace.read("cargo.pid").trim().parse().expect("its pid");
            let left = testkit::faults::processes::left_behind(&[cargo], PATIENCE);
            assert_eq!(left, [], "TERM=dumb: {dumb}: the check ran on after Ctrl-C");
        }
    }
}
