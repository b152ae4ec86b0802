//! The exercises, as tutorial.md describes them, and where to find tutorial.md.

use std::path::{Path, PathBuf};

/// One exercise, as tutorial.md describes it.
pub struct Exercise {
    pub number: String,
    pub title: String,
    pub package: String,
    pub check: String,
    pub task: String,
    pub hint: String,
    pub command: String,
}

/// The workspace this program is run in: the nearest folder, from the current one up, that
/// holds tutorial.md and a Cargo.toml (where `cargo run` is typed, wherever the workspace has
/// been moved or copied since it was built); failing that, the one this program was built into
/// (`target/debug/exercises` run from elsewhere). None when neither is in a workspace.
pub fn find_workspace() -> Option<PathBuf> {
    let current = std::env::current_dir().ok();
    let executable = std::env::current_exe().ok();
    [current, executable].into_iter().flatten().find_map(|start| {
        start
            .ancestors()
            .find(|dir| is_workspace(dir))
            .map(Path::to_path_buf)
    })
}

fn is_workspace(dir: &Path) -> bool {
    dir.join("tutorial.md").is_file() && dir.join("Cargo.toml").is_file()
}

/// Every `### 8.N Title (crate)` of tutorial.md's exercises, with its text, hint and check.
pub fn read_exercises(tutorial: &Path) -> std::io::Result<Vec<Exercise>> {
    // A checkout with Windows line endings reads the same: paragraphs end at a blank line.
    let text = std::fs::read_to_string(tutorial)?.replace("\r\n", "\n");
    let sections = text.split("\n### ").skip(1);
    Ok(sections
        .filter(|s| s.starts_with("8."))
        .filter_map(exercise_of)
        .collect())
}

/// The exercise one `### 8.N` section describes: None when it shows no check command.
fn exercise_of(section: &str) -> Option<Exercise> {
    let (heading, body) = section.split_once('\n').unwrap_or((section, ""));
    let body = body.split("\n## ").next().unwrap_or_default();
    let command = body
        .lines()
        .find(|l| l.starts_with("cargo test ") && l.contains("--test checks"))?;
    let words: Vec<&str> = command.split_whitespace().collect();
    let package = words.windows(2).find(|w| w[0] == "-p").map_or("", |w| w[1]);
    let (number, title) = heading.split_once(' ').unwrap_or((heading, ""));
    let title = title.rsplit_once(" (").map_or(title, |(title, _)| title);
    let before_details = body.split("<details>").next().unwrap_or_default();
    let paragraphs: Vec<String> = before_details
        .split("\n\n")
        .filter_map(|p| as_text(p.trim(), command))
        .collect();
    let (hints, task): (Vec<String>, Vec<String>) =
        paragraphs.into_iter().partition(|p| p.starts_with("Hint"));
    Some(Exercise {
        number: number.to_string(),
        title: title.to_string(),
        package: package.to_string(),
        check: words.last().copied().unwrap_or_default().to_string(),
        task: task.join("\n\n"),
        hint: hints.into_iter().next().unwrap_or_default(),
        command: command.to_string(),
    })
}

/// A paragraph of the task as one line of text. A `sh` block that shows more than the check
/// (8.1: run the lesson, then check) becomes its commands, indented; other code is left out.
fn as_text(paragraph: &str, check: &str) -> Option<String> {
    if paragraph.is_empty() {
        return None;
    }
    let Some(block) = paragraph.strip_prefix("```") else {
        return Some(plain_links(&paragraph.replace('\n', " ")));
    };
    let commands: Vec<&str> = block.lines().skip(1).filter(|l| !l.starts_with("```")).collect();
    let shows_more = block.starts_with("sh\n") && commands.iter().any(|l| l.trim() != check);
    shows_more.then(|| {
        commands
            .iter()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Markdown's links as a terminal shows them: `[text](target)` becomes `text (target)`, and a
/// link to a heading of tutorial.md, `[text](#heading)`, becomes `text (in tutorial.md)`.
fn plain_links(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let link = rest[open + 1..].split_once("](").and_then(|(label, after)| {
            let (target, after) = after.split_once(')')?;
            let one_link = !label.contains('[') && !target.contains(char::is_whitespace);
            one_link.then_some((label, target, after))
        });
        plain.push_str(&rest[..open]);
        match link {
            Some((label, target, after)) => {
                let target = if target.starts_with('#') {
                    "in tutorial.md"
                } else {
                    target
                };
                plain.push_str(&format!("{label} ({target})"));
                rest = after;
            }
            None => {
                plain.push('[');
                rest = &rest[open + 1..];
            }
        }
    }
    plain.push_str(rest);
    plain
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_read_as_text_in_a_terminal() {
        assert_eq!(
            super::plain_links("see the [example](https://x.org/a#b) and [below](#beyond)."),
            "see the example (https://x.org/a#b) and below (in tutorial.md)."
        );
        assert_eq!(super::plain_links("v[0] and [a] (b)"), "v[0] and [a] (b)");
    }

    use super::*;

    #[test]
    fn every_exercise_of_the_tutorial_is_read_with_its_task_hint_and_check() {
        let root = find_workspace().expect("the tests run inside the workspace");
        let exercises = read_exercises(&root.join("tutorial.md")).unwrap();
        assert!(exercises.len() >= 10, "only {} exercises", exercises.len());
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

    #[test]
    fn windows_line_endings_read_the_same() {
        let root = find_workspace().expect("the tests run inside the workspace");
        let text = std::fs::read_to_string(root.join("tutorial.md")).unwrap();
        let copy = std::env::temp_dir().join(format!("tutorial-crlf-{}.md", std::process::id()));
        std::fs::write(&copy, text.replace('\n', "\r\n")).unwrap();
        let read = read_exercises(&copy);
        let _ = std::fs::remove_file(&copy);
        let (crlf, lf) = (read.unwrap(), read_exercises(&root.join("tutorial.md")).unwrap());
        assert_eq!(crlf.len(), lf.len());
        for (crlf, lf) in crlf.iter().zip(&lf) {
            assert_eq!(
                (&crlf.task, &crlf.hint, &crlf.command),
                (&lf.task, &lf.hint, &lf.command)
            );
        }
    }

    #[test]
    fn a_task_that_says_run_then_check_shows_the_commands() {
        let root = find_workspace().expect("the tests run inside the workspace");
        let exercises = read_exercises(&root.join("tutorial.md")).unwrap();
        let predict = exercises.iter().find(|e| e.check == "predict_workers").unwrap();
        assert!(
            predict
                .task
                .contains("\n    cargo run -p examples-threadpool -- --workers 1\n"),
            "{}",
            predict.task
        );
        let in_order = exercises.iter().find(|e| e.check == "in_input_order").unwrap();
        assert!(!in_order.task.contains("cargo test"), "{}", in_order.task);
    }
}
