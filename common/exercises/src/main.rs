//! Your progress through the exercises of tutorial.md, at a glance (like `rustlings list`):
//!
//! ```text
//! cargo run -p exercises                  # run every check: a table, then what is next
//! cargo run -p exercises -- show NAME     # one exercise: its task, hint, and the check's
//!                                         # whole output (compiler errors too)
//! ```
//!
//! The exercises are read from tutorial.md itself (each `### 8.N` heading, its text, its
//! `Hint:` and its check command), so this list can't drift from the text. Each check is a
//! `#[ignore]`d test in `examples-*/tests/checks.rs`, run here with `cargo test`, exactly
//! as the tutorial prints it. What to look for: switching between this command and a check
//! typed by hand rebuilds nothing (see `checks::run_checks`).

mod checks;
mod tutorial;

use checks::{State, run_checks, run_checks_of_crates};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use terminal::output::{escape_controls, strip_os_error, write_error_line};
use terminal::say;
use tutorial::{Exercise, find_workspace, read_exercises};

const USAGE: &str = "usage: cargo run -p exercises [-- show NAME]
  (no arguments)  run every exercise's check: a table of what is done, then the next task
  show NAME       one exercise (NAME is its check, or its number such as 8.2): its task,
                  hint, and everything its check printed";

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
    let outcome = match args[..] {
        [] | ["list"] => list(&workspace, &exercises),
        ["show", name] => match exercises.iter().find(|e| e.check == name || e.number == name) {
            Some(exercise) => show(&workspace, exercise),
            None => return usage_error(&format!("no exercise `{}`", escape_controls(name)), &exercises),
        },
        ["show"] => return usage_error("`show` needs the NAME of an exercise", &exercises),
        ["show", ..] => return usage_error("`show` takes one NAME", &exercises),
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

/// Run every check and print the table, then the first exercise not done yet.
fn list(workspace: &Path, exercises: &[Exercise]) -> std::io::Result<ExitCode> {
    let mut states: BTreeMap<&str, State> = BTreeMap::new();
    let mut packages: Vec<&str> = exercises.iter().map(|e| e.package.as_str()).collect();
    packages.sort();
    packages.dedup();
    let building = std::sync::Once::new();
    let announce = || {
        building.call_once(|| {
            write_error_line("building the checks (the first time, this takes a few minutes)...");
        });
    };
    write_error_line(&format!(
        "running the checks of {}, each crate's at once...",
        packages.join(", ")
    ));
    let reports = run_checks_of_crates(workspace, &packages, &announce);
    for (package, report) in packages.iter().zip(reports) {
        let report = report?;
        if let Some(error) = report.cargo_error() {
            return Ok(fail(&format!(
                "`cargo test -p {package}` stopped: {}",
                error.trim_start_matches("error: ")
            )));
        }
        for exercise in exercises.iter().filter(|e| e.package == *package) {
            states.insert(&exercise.check, report.state_of(&exercise.check));
        }
    }
    print_table(exercises, &states);
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
    match exercises.iter().find(|e| states[e.check.as_str()] != State::Done) {
        Some(next) => {
            say!("\nNext: {} {} ({})\n", next.number, next.title, next.package);
            describe(next);
        }
        None => say!("\nEvery exercise is done. Well done!"),
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per exercise (`done`, `not yet`, `does not compile`), then how many are done.
fn print_table(exercises: &[Exercise], states: &BTreeMap<&str, State>) {
    say!();
    say!("  {:<5} {:<20} {:<22} status", "", "check", "crate");
    for exercise in exercises {
        let status = match states[exercise.check.as_str()] {
            State::Done => "done",
            State::NotYet => "not yet",
            State::DoesNotBuild => "does not compile",
        };
        say!(
            "  {:<5} {:<20} {:<22} {status}",
            exercise.number,
            exercise.check,
            exercise.package
        );
    }
    let done = states.values().filter(|s| **s == State::Done).count();
    say!("\n  {done} of {} done.", exercises.len());
}

/// One exercise in full, and its check's whole output.
fn show(workspace: &Path, exercise: &Exercise) -> std::io::Result<ExitCode> {
    say!("{} {} ({})\n", exercise.number, exercise.title, exercise.package);
    describe(exercise);
    say!("\n--- running the check: {}\n", exercise.command);
    let report = run_checks(workspace, &exercise.package, Some(&exercise.check), &|| {})?;
    say!("{}", report.0);
    Ok(if report.passed(&exercise.check) {
        say!("Done: the check passes.");
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
