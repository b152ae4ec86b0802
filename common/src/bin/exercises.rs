//! Your progress through the exercises of tutorial.md, at a glance (like `rustlings list`):
//!
//! ```text
//! cargo run -p common --bin exercises                  # run every check: a table, then what is next
//! cargo run -p common --bin exercises -- show NAME     # one exercise: its task, hint, and the
//!                                                      # check's whole output (compiler errors too)
//! ```
//!
//! The exercises are read from tutorial.md itself (each `### 8.N` heading, its text, its
//! `Hint:` and its check command), so this list can't drift from the text. Each check is a
//! `#[ignore]`d test in `examples-*/tests/exercises.rs`, run here with `cargo test`.

use common::say;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// One exercise, as tutorial.md describes it.
struct Exercise {
    number: String,
    title: String,
    package: String,
    check: String,
    task: String,
    hint: String,
    command: String,
}

/// What running an exercise's check said.
#[derive(Clone, PartialEq)]
enum State {
    Done,
    NotYet,
    /// The lesson (or its checks) did not compile: an edit is half done.
    DoesNotBuild,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let exercises = match read_exercises(&workspace().join("tutorial.md")) {
        Ok(exercises) if !exercises.is_empty() => exercises,
        Ok(_) => return fail("tutorial.md has no exercises (no `### 8.N` headings under `## 8.`)"),
        Err(error) => return fail(&format!("cannot read tutorial.md at the workspace root: {error}")),
    };
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] | ["list"] => list(&exercises),
        ["show", name] => match exercises.iter().find(|e| e.check == name || e.number == name) {
            Some(exercise) => show(exercise),
            None => fail(&format!(
                "no exercise `{name}`; the exercises are: {}",
                names(&exercises)
            )),
        },
        _ => fail(&format!(
            "usage: cargo run -p common --bin exercises [-- show NAME]; NAME is one of: {}",
            names(&exercises)
        )),
    }
}

/// Run every check and print the table, then the first exercise not done yet.
fn list(exercises: &[Exercise]) -> ExitCode {
    let mut states: BTreeMap<&str, State> = BTreeMap::new();
    let mut packages: Vec<&str> = exercises.iter().map(|e| e.package.as_str()).collect();
    packages.sort();
    packages.dedup();
    for package in packages {
        common::output::write_error_line(&format!(
            "running the checks of {package} (the first time, building them takes a few minutes)..."
        ));
        let output = run_checks(package, None);
        let built = output.contains("running ") && !output.contains("error: could not compile");
        for exercise in exercises.iter().filter(|e| e.package == package) {
            let passed = output.contains(&format!("test {} ... ok", exercise.check));
            let state = match (built, passed) {
                (false, _) => State::DoesNotBuild,
                (true, true) => State::Done,
                (true, false) => State::NotYet,
            };
            states.insert(&exercise.check, state);
        }
    }
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
    if let Some(broken) = exercises
        .iter()
        .find(|e| states[e.check.as_str()] == State::DoesNotBuild)
    {
        say!(
            "\n{} does not compile (an edit half done?): `cargo run -p common --bin exercises -- show {}` \
             shows the compiler's message; `git restore {}` starts that crate over.",
            broken.package,
            broken.check,
            broken.package
        );
    }
    match exercises.iter().find(|e| states[e.check.as_str()] != State::Done) {
        Some(next) => {
            say!("\nNext: {} {} ({})\n", next.number, next.title, next.package);
            describe(next);
        }
        None => say!("\nEvery exercise is done. Well done!"),
    }
    ExitCode::SUCCESS
}

/// One exercise in full, and its check's whole output.
fn show(exercise: &Exercise) -> ExitCode {
    say!("{} {} ({})\n", exercise.number, exercise.title, exercise.package);
    describe(exercise);
    say!("\n--- running the check: {}\n", exercise.command);
    let output = run_checks(&exercise.package, Some(&exercise.check));
    say!("{output}");
    if output.contains(&format!("test {} ... ok", exercise.check)) {
        say!("Done: the check passes.");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn describe(exercise: &Exercise) {
    say!("{}\n", exercise.task);
    if !exercise.hint.is_empty() {
        say!("{}\n", exercise.hint);
    }
    say!("Check: {}", exercise.command);
}

/// `cargo test` on a crate's exercise checks (all of them, or one), stdout and stderr.
/// One at a time: the timing checks must not share the CPUs.
fn run_checks(package: &str, check: Option<&str>) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace())
        .args([
            "test",
            "-p",
            package,
            "--test",
            "exercises",
            "--",
            "--ignored",
            "--test-threads",
            "1",
        ])
        .env("RUST_BACKTRACE", "0")
        .env("CARGO_TERM_COLOR", "never");
    if let Some(check) = check {
        command.args(["--exact", check]);
    }
    match command.output() {
        Ok(output) => format!(
            "{}{}",
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        ),
        Err(error) => format!("error: could not compile: cannot run cargo: {error}"),
    }
}

/// Every `### 8.N Title (crate)` of tutorial.md's exercises, with its text, hint and check.
fn read_exercises(tutorial: &Path) -> std::io::Result<Vec<Exercise>> {
    let text = std::fs::read_to_string(tutorial)?;
    let mut exercises = Vec::new();
    let sections = text.split("\n### ").skip(1);
    for section in sections.filter(|s| s.starts_with("8.")) {
        let (heading, body) = section.split_once('\n').unwrap_or((section, ""));
        let body = body.split("\n## ").next().unwrap_or_default();
        let Some(command) = body
            .lines()
            .find(|l| l.starts_with("cargo test ") && l.contains("--test exercises"))
        else {
            continue;
        };
        let words: Vec<&str> = command.split_whitespace().collect();
        let package = words.windows(2).find(|w| w[0] == "-p").map_or("", |w| w[1]);
        let (number, title) = heading.split_once(' ').unwrap_or((heading, ""));
        let title = title.rsplit_once(" (").map_or(title, |(title, _)| title);
        let before_details = body.split("<details>").next().unwrap_or_default();
        let paragraphs: Vec<String> = before_details
            .split("\n\n")
            .map(|p| p.trim().replace('\n', " "))
            .filter(|p| !p.is_empty() && !p.starts_with("```"))
            .collect();
        let hint = paragraphs
            .iter()
            .find(|p| p.starts_with("Hint"))
            .cloned()
            .unwrap_or_default();
        let task = paragraphs
            .iter()
            .filter(|p| !p.starts_with("Hint"))
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n");
        exercises.push(Exercise {
            number: number.to_string(),
            title: title.to_string(),
            package: package.to_string(),
            check: words.last().copied().unwrap_or_default().to_string(),
            task,
            hint,
            command: command.to_string(),
        });
    }
    Ok(exercises)
}

fn names(exercises: &[Exercise]) -> String {
    let names: Vec<&str> = exercises.iter().map(|e| e.check.as_str()).collect();
    names.join(", ")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("common sits in the workspace")
        .to_path_buf()
}

fn fail(message: &str) -> ExitCode {
    common::output::write_error_line(&format!("error: {message}"));
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exercise_of_the_tutorial_is_read_with_its_task_hint_and_check() {
        let exercises = read_exercises(&workspace().join("tutorial.md")).unwrap();
        assert!(exercises.len() >= 10, "{}", names(&exercises));
        for exercise in &exercises {
            assert!(exercise.number.starts_with("8."), "{}", exercise.number);
            assert!(exercise.package.starts_with("examples-"), "{}", exercise.command);
            assert!(
                !exercise.title.is_empty() && !exercise.task.is_empty(),
                "{}",
                exercise.check
            );
            assert!(
                exercise.hint.starts_with("Hint:"),
                "{}: {}",
                exercise.check,
                exercise.hint
            );
            assert!(
                !exercise.task.contains("```") && !exercise.task.contains("<details>"),
                "{}",
                exercise.task
            );
        }
    }
}
