//! Your progress through the exercises of tutorial.md, and a companion while you do them
//! (like rustlings):
//!
//! ```text
//! cargo run -p exercises                       # every check: a table, then what is next
//! cargo run -p exercises -- watch              # the next exercise's check, again on every save
//! cargo run -p exercises -- show NAME          # one exercise: its task, hint, and its check's
//!                                              # whole output (compiler errors too)
//! cargo run -p exercises -- hint NAME          # its hint
//! cargo run -p exercises -- solution NAME      # its reference solution, once its check passed
//! cargo run -p exercises -- reset NAME         # its files back as shipped (asks first)
//! cargo run -p exercises -- reset-progress     # forget which checks have passed
//! ```
//!
//! The exercises are read from tutorial.md itself (each `### 8.N` heading, its text, its
//! `Hint:` and its check command), so this list can't drift from the text. Each check is a
//! `#[ignore]`d test in `examples-*/tests/checks.rs`, run here with `cargo test`, exactly
//! as the tutorial prints it. What to look for: switching between this command and a check
//! typed by hand rebuilds nothing (see `checks::run_checks`), and a check that passed once
//! stays done (`progress.rs`), even after a later exercise changes the same function.

mod checks;
mod keys;
mod lesson_files;
mod live_line;
mod progress;
mod signals;
mod tutorial;
mod watch;

use checks::{Before, State, run_check_groups, run_checks};
use lesson_files::{files_of, fingerprint, shipped_content, shipped_ids, solution_patch};
use live_line::LiveLine;
use progress::Progress;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use terminal::output::{escape_controls, strip_os_error, write_error_line};
use terminal::say;
use tutorial::{Exercise, find_workspace, read_exercises};

const USAGE: &str = "usage: cargo run -p exercises [-- COMMAND]
  (no command)    run every exercise's check: a table of what is done, then the next task
  watch           run the next exercise's check, and again on every save of its files
                  (h: its hint, q: quit)
  show NAME       one exercise (NAME is its check, or its number such as 8.2): its task,
                  hint, and everything its check printed
  hint NAME       its hint
  solution NAME   its reference solution (a patch), once its check has passed
  reset NAME      its files back as shipped (asks first; --force: without asking)
  reset-progress  forget which checks have passed";

/// What is said when cargo waits for another cargo: a wait that would otherwise look like a hang.
const WAITING_FOR_LOCK: &str =
    "cargo is waiting for another cargo to finish with the build directory (your editor's?)...";

/// What a usage error exits with, as clap's do: 2 (1 is for a program that ran and failed).
const USAGE_ERROR: u8 = 2;

fn main() -> ExitCode {
    // Its own status, or 1 and one line if what it printed was lost (a full disk).
    terminal::exit_status(Ok(run()))
}

/// Read the command line and do what it asks; a failure is said here, in one line, and
/// returned as its exit status.
fn run() -> ExitCode {
    // Read as the OS gave them: `std::env::args` panics on an argument that is not UTF-8.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if matches!(args[..], ["--help" | "-h" | "help"]) {
        say!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let Some(workspace) = find_workspace() else {
        return fail(
            "cannot find tutorial.md: run this inside the workspace (the folder that holds \
             tutorial.md and Cargo.toml, or any folder in it)",
        );
    };
    let exercises = match read_exercises(&workspace.join("tutorial.md")) {
        Ok(exercises) if !exercises.is_empty() => exercises,
        Ok(_) => return fail("tutorial.md has no exercises (no `### 8.N` headings under `## 8.`)"),
        Err(error) => {
            return fail(&format!(
                "cannot read {}: {error}",
                workspace.join("tutorial.md").display()
            ));
        }
    };
    let find = |name: &str| exercises.iter().find(|e| e.check == name || e.number == name);
    let unknown = |name: &str| usage_error(&format!("no exercise `{}`", escape_controls(name)), &exercises);
    let outcome = match args[..] {
        [] | ["list"] => list(&workspace, &exercises),
        ["watch"] => watch::watch(&workspace, &exercises),
        ["reset-progress"] => Ok(reset_progress(&workspace)),
        ["show" | "hint" | "solution" | "reset", name]
        | ["reset", name, "--force"]
        | ["reset", "--force", name]
            if name != "--force" =>
        {
            let Some(exercise) = find(name) else {
                return unknown(name);
            };
            match args[0] {
                "show" => show(&workspace, exercise),
                "hint" => Ok(hint(exercise)),
                "solution" => Ok(solution(&workspace, exercise)),
                _ => Ok(reset(&workspace, exercise, &exercises, args.len() == 3)),
            }
        }
        [command @ ("show" | "hint" | "solution" | "reset"), ..]
            if !args[1..].iter().any(|a| *a != "--force") =>
        {
            return usage_error(&format!("`{command}` needs the NAME of an exercise"), &exercises);
        }
        [command @ ("show" | "hint" | "solution" | "reset"), ..] => {
            return usage_error(&format!("`{command}` takes one NAME"), &exercises);
        }
        _ => {
            let unexpected = escape_controls(&args.join(" "));
            return usage_error(&format!("unexpected `{unexpected}`"), &exercises);
        }
    };
    outcome.unwrap_or_else(|error| fail(&format!("cannot run cargo: {}", why_not(&error))))
}

/// Why cargo could not be started, in words (the OS's error numbers differ per OS), naming
/// the `CARGO` variable when that is where the cargo that failed came from.
fn why_not(error: &std::io::Error) -> String {
    let reason = strip_os_error(&error.to_string());
    match (error.kind(), checks::cargo_named_by_the_environment()) {
        (_, Some(named)) => {
            let named = escape_controls(&named.to_string_lossy());
            format!("{named}, which the CARGO variable names: {reason}")
        }
        (std::io::ErrorKind::NotFound, None) => {
            "it is not on PATH (is Rust installed? see rustup.rs)".to_string()
        }
        (_, None) => reason,
    }
}

/// Run every check and print the table, then the first exercise not done yet. A check that
/// passes is remembered; one that passed before and fails today shows as `done earlier`.
/// Meanwhile, on a terminal, a live line says which checks run.
fn list(workspace: &Path, exercises: &[Exercise]) -> std::io::Result<ExitCode> {
    let mut states: BTreeMap<&str, State> = BTreeMap::new();
    let groups = check_groups(exercises);
    let live_line = LiveLine::for_groups_if_watched(&groups, exercises.len());
    let (building, waiting) = (std::sync::Once::new(), std::sync::Once::new());
    let announce = |step| match step {
        Before::Building => building.call_once(|| {
            write_error_line("building the checks (a few minutes the first time)...");
        }),
        Before::WaitingForLock => waiting.call_once(|| write_error_line(WAITING_FOR_LOCK)),
    };
    write_error_line(&format!(
        "running the {} checks, {} at a time...",
        exercises.len(),
        groups.len()
    ));
    let heard = |group, printed: &str| {
        if let Some(live_line) = &live_line {
            live_line.heard(group, printed);
        }
    };
    let reports = run_check_groups(workspace, &groups, &announce, &heard);
    // Checks ended by a Ctrl-C that is ending this program too: no table of them.
    signals::wait_if_ending();
    drop(live_line);
    for ((package, checks), report) in groups.iter().zip(reports) {
        let report = report?;
        if let Some(error) = report.cargo_error() {
            return Ok(fail(&format!(
                "`cargo test -p {package}` stopped: {}",
                error.trim_start_matches("error: ")
            )));
        }
        for check in checks {
            states.insert(check, report.state_of(check));
        }
    }
    let mut progress = Progress::load(workspace);
    for exercise in exercises
        .iter()
        .filter(|e| states[e.check.as_str()] == State::Done)
    {
        remember_passed(workspace, exercise, &mut progress);
    }
    progress.save();
    print_table(workspace, exercises, &states, &progress);
    if let Some(broken) = exercises
        .iter()
        .find(|e| states[e.check.as_str()] == State::DoesNotBuild)
    {
        say!(
            "\n{} does not compile (an edit half done?): `cargo run -p exercises -- show {}` \
             shows the compiler's message.",
            broken.package,
            broken.check,
        );
    }
    match exercises.iter().find(|e| progress.passed(&e.check).is_none()) {
        Some(next) => {
            say!("\nNext: {} {} ({})\n", next.number, next.title, next.package);
            describe(next);
        }
        None => say!("\nEvery exercise is done. Well done!"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The checks to run side by side for the table: each crate's, and those of a crate with more
/// than three split in two, alternately (8.7, 8.11 | 8.8, 8.12), so that no crate's checks
/// take much longer than another's (examples-async's four took 8 s one after another).
/// Within a group they run one at a time.
fn check_groups(exercises: &[Exercise]) -> Vec<(&str, Vec<&str>)> {
    let mut packages: Vec<&str> = exercises.iter().map(|e| e.package.as_str()).collect();
    packages.sort();
    packages.dedup();
    let mut groups = Vec::new();
    for package in packages {
        let checks: Vec<&str> = exercises
            .iter()
            .filter(|e| e.package == package)
            .map(|e| e.check.as_str())
            .collect();
        match checks.len() > 3 {
            true => {
                let half = |first: usize| checks.iter().skip(first).step_by(2).copied().collect();
                groups.push((package, half(0)));
                groups.push((package, half(1)));
            }
            false => groups.push((package, checks)),
        }
    }
    groups
}

/// Note in `progress` that the exercise's check passed, with its files as they are now.
fn remember_passed(workspace: &Path, exercise: &Exercise, progress: &mut Progress) {
    let files = files_of(workspace, exercise).unwrap_or_default();
    progress.record(&exercise.check, fingerprint(workspace, &files));
}

/// One line per exercise, then how many are done: `done`, `not yet`, `does not compile`, or,
/// for a check that passed before and fails on today's code, `done earlier` (with `, code
/// changed since` when its files are no longer what passed).
fn print_table(
    workspace: &Path,
    exercises: &[Exercise],
    states: &BTreeMap<&str, State>,
    progress: &Progress,
) {
    say!();
    say!("  {:<5} {:<20} {:<22} status", "", "check", "crate");
    for exercise in exercises {
        let earlier = progress.passed(&exercise.check);
        let status = match (states[exercise.check.as_str()], earlier) {
            (State::Done, _) => "done",
            (_, Some(then)) => {
                let files = files_of(workspace, exercise).unwrap_or_default();
                match fingerprint(workspace, &files) == then {
                    true => "done earlier",
                    false => "done earlier, code changed since",
                }
            }
            (State::NotYet, None) => "not yet",
            (State::DoesNotBuild, None) => "does not compile",
        };
        say!(
            "  {:<5} {:<20} {:<22} {status}",
            exercise.number,
            exercise.check,
            exercise.package
        );
    }
    let done = exercises
        .iter()
        .filter(|e| progress.passed(&e.check).is_some())
        .count();
    say!("\n  {done} of {} done.", exercises.len());
}

/// One exercise in full, and its check's whole output. A pass is remembered.
fn show(workspace: &Path, exercise: &Exercise) -> std::io::Result<ExitCode> {
    say!("{} {} ({})\n", exercise.number, exercise.title, exercise.package);
    describe(exercise);
    say!("\n--- running the check: {}\n", exercise.command);
    let report = run_checks(workspace, &exercise.package, &[&exercise.check], &|_| {}, &|_| {})?;
    say!("{}", report.0);
    Ok(if report.passed(&exercise.check) {
        let mut progress = Progress::load(workspace);
        remember_passed(workspace, exercise, &mut progress);
        progress.save();
        say!(
            "Done: the check passes. Compare with the reference solution: \
             `cargo run -p exercises -- solution {}`",
            exercise.check
        );
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn describe(exercise: &Exercise) {
    say!("{}\n", exercise.task);
    if !exercise.hint.is_empty() {
        say!("{}\n", exercise.hint);
    }
    say!("Check: {}", exercise.command);
}

fn hint(exercise: &Exercise) -> ExitCode {
    match exercise.hint.is_empty() {
        true => say!("{} has no hint in tutorial.md.", exercise.number),
        false => say!("{} {}\n\n{}", exercise.number, exercise.title, exercise.hint),
    }
    ExitCode::SUCCESS
}

/// The reference solution, only once the exercise's check has passed (as rustlings shows its
/// solutions only then): before, seeing it would spoil the exercise.
fn solution(workspace: &Path, exercise: &Exercise) -> ExitCode {
    if Progress::load(workspace).passed(&exercise.check).is_none() {
        return fail(&format!(
            "the solution of {} is shown once its check has passed (`cargo run -p exercises -- \
             show {}` runs it; `hint {}` gives the hint)",
            exercise.number, exercise.check, exercise.check
        ));
    }
    let patch = solution_patch(workspace, exercise);
    match std::fs::read_to_string(&patch) {
        Ok(text) => {
            say!(
                "{} {}: the reference solution, as a patch (lines with - are the lesson as \
                 shipped, + the change):\n",
                exercise.number,
                exercise.title
            );
            say!("{}", text.trim_end());
            ExitCode::SUCCESS
        }
        Err(error) => fail(&format!(
            "cannot read {}: {}",
            patch.display(),
            strip_os_error(&error.to_string())
        )),
    }
}

fn reset_progress(workspace: &Path) -> ExitCode {
    match progress::forget(workspace) {
        Ok(true) => say!("Forgotten: no check counts as passed until it passes again."),
        Ok(false) => say!("Nothing to forget: no check has passed yet."),
        Err(error) => {
            return fail(&format!(
                "cannot remove {}: {}",
                progress::PROGRESS_FILE,
                strip_os_error(&error.to_string())
            ));
        }
    }
    ExitCode::SUCCESS
}

/// The exercise's files back as shipped, and nothing else: each file its reference solution
/// changes, read back from git by the id [`lesson_files::SHIPPED`] records. Asks first, in a
/// terminal; elsewhere it needs `--force`.
fn reset(workspace: &Path, exercise: &Exercise, exercises: &[Exercise], force: bool) -> ExitCode {
    let files = match files_of(workspace, exercise) {
        Ok(files) => files,
        Err(error) => {
            return fail(&format!(
                "cannot read {}: {}",
                solution_patch(workspace, exercise).display(),
                strip_os_error(&error.to_string())
            ));
        }
    };
    let ids = match shipped_ids(workspace) {
        Ok(ids) => ids,
        Err(error) => {
            return fail(&format!(
                "cannot read {}: {}",
                lesson_files::SHIPPED,
                strip_os_error(&error.to_string())
            ));
        }
    };
    let mut changed = Vec::new();
    for file in &files {
        let Some(id) = ids.get(file) else {
            return fail(&format!(
                "{} names no shipped version of {file}",
                lesson_files::SHIPPED
            ));
        };
        let shipped = match shipped_content(workspace, id) {
            Ok(shipped) => shipped,
            Err(why) => return fail(&format!("cannot find {file} as shipped: {why}")),
        };
        let now = std::fs::read(workspace.join(file)).ok();
        let same = |now: &Vec<u8>| {
            lesson_files::without_carriage_returns(now) == lesson_files::without_carriage_returns(&shipped)
        };
        if !now.as_ref().is_some_and(same) {
            changed.push((file, shipped, now.is_none()));
        }
    }
    if changed.is_empty() {
        say!(
            "{}'s files are as shipped already ({}): nothing to reset.",
            exercise.number,
            files.join(", ")
        );
        return ExitCode::SUCCESS;
    }
    say!(
        "reset {} ({}) puts back as shipped:",
        exercise.number,
        exercise.check
    );
    for (file, _, missing) in &changed {
        let shared: Vec<&str> = exercises
            .iter()
            .filter(|e| e.check != exercise.check)
            .filter(|e| files_of(workspace, e).is_ok_and(|f| f.contains(file)))
            .map(|e| e.number.as_str())
            .collect();
        let what = match (missing, shared.is_empty()) {
            (true, _) => "it is missing".to_string(),
            (false, true) => "your edits to it are lost".to_string(),
            (false, false) => format!(
                "your edits to it are lost, those of {} too if you did them",
                shared.join(", ")
            ),
        };
        say!("  {file} ({what})");
    }
    if !force {
        if !std::io::stdin().is_terminal() {
            write_error_line(
                "error: reset would undo edits, and there is no terminal to ask: run it in one, \
                 or add --force",
            );
            return ExitCode::from(USAGE_ERROR);
        }
        if !confirmed("Reset these files? [y/N] ") {
            say!("Nothing changed.");
            return ExitCode::SUCCESS;
        }
    }
    for (file, shipped, _) in &changed {
        if let Err(error) = std::fs::write(workspace.join(file), shipped) {
            return fail(&format!(
                "cannot write {file}: {}",
                strip_os_error(&error.to_string())
            ));
        }
    }
    say!("Done: {} is as shipped.", exercise.number);
    ExitCode::SUCCESS
}

/// Ask `question` and read one line: true for `y` or `yes`.
fn confirmed(question: &str) -> bool {
    let mut out = std::io::stdout();
    let _ = write!(out, "{question}").and_then(|()| out.flush());
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

/// A usage error in one line: what was wrong, the exercises' names, the usage; exit status 2.
fn usage_error(problem: &str, exercises: &[Exercise]) -> ExitCode {
    let names: Vec<&str> = exercises.iter().map(|e| e.check.as_str()).collect();
    let usage = USAGE.lines().next().unwrap_or_default();
    write_error_line(&format!(
        "error: {problem}; the exercises are: {} ({usage})",
        names.join(", ")
    ));
    ExitCode::from(USAGE_ERROR)
}

fn fail(message: &str) -> ExitCode {
    write_error_line(&format!("error: {message}"));
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_with_more_than_three_checks_runs_them_in_two_groups_alternately() {
        let exercise = |number: &str, package: &str| Exercise {
            number: number.to_string(),
            title: String::new(),
            package: package.to_string(),
            check: format!("check_{number}"),
            task: String::new(),
            hint: String::new(),
            command: String::new(),
        };
        let exercises = [
            exercise("1", "a"),
            exercise("2", "b"),
            exercise("3", "b"),
            exercise("4", "b"),
            exercise("5", "b"),
            exercise("6", "a"),
        ];
        assert_eq!(
            check_groups(&exercises),
            [
                ("a", vec!["check_1", "check_6"]),
                ("b", vec!["check_2", "check_4"]),
                ("b", vec!["check_3", "check_5"]),
            ]
        );
    }
}
