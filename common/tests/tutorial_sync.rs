//! tutorial.md must not drift from the code it quotes.
//!
//! Every code excerpt in the tutorial is tagged with the file and the named region it comes
//! from, mdBook style:
//!
//! ```text
//! <!-- excerpt: examples-threadpool/src/main.rs#fetch_url -->
//! ```rust
//! ...the lines between `// ANCHOR: fetch_url` and `// ANCHOR_END: fetch_url`...
//! ```
//! ```
//!
//! A tag may join regions of one file with `+` (`main.rs#uses+multithread`): the excerpt is
//! then those regions, a blank line between them, so `use` lines can come along.
//!
//! This test fails when an excerpt differs from its region, or names a file or region
//! that does not exist.

use std::fs;
use std::path::{Path, PathBuf};

const TAG: &str = "<!-- excerpt: ";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("common sits in the workspace")
        .to_path_buf()
}

/// The lines between `// ANCHOR: name` and `// ANCHOR_END: name`, without any other
/// anchor lines nested inside.
fn region(source: &str, name: &str) -> Option<String> {
    let start = format!("// ANCHOR: {name}");
    let end = format!("// ANCHOR_END: {name}");
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

/// Every problem with the excerpts of `markdown`, one line each.
fn problems(markdown: &str, root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let Some(tag) = line.strip_prefix(TAG).and_then(|rest| rest.strip_suffix(" -->")) else {
            continue;
        };
        let at = format!("tutorial.md:{}", number + 1);
        let Some((path, name)) = tag.split_once('#') else {
            problems.push(format!("{at}: the tag needs FILE#REGION, not `{tag}`"));
            continue;
        };
        if !lines.next().is_some_and(|(_, fence)| fence.starts_with("```")) {
            problems.push(format!("{at}: the tag must sit right above a code block"));
            continue;
        }
        let excerpt: Vec<&str> = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| !l.starts_with("```"))
            .collect();
        let excerpt = excerpt.join("\n");
        let Ok(source) = fs::read_to_string(root.join(path)) else {
            problems.push(format!("{at}: no file {path}"));
            continue;
        };
        let regions: Option<Vec<String>> = name.split('+').map(|name| region(&source, name)).collect();
        match regions.map(|regions| regions.join("\n\n")) {
            None => problems.push(format!("{at}: {path} has no region `{name}`")),
            Some(code) if code != excerpt => {
                let differs = code.lines().zip(excerpt.lines()).position(|(a, b)| a != b);
                let line = differs.map_or("at the end".to_string(), |n| format!("from its line {}", n + 1));
                problems.push(format!("{at}: the excerpt differs from {path}#{name} {line}"));
            }
            Some(_) => {}
        }
    }
    problems
}

fn tutorial() -> String {
    fs::read_to_string(workspace_root().join("tutorial.md")).expect("tutorial.md at the workspace root")
}

#[test]
fn every_excerpt_matches_its_source() {
    let tutorial = tutorial();
    assert!(
        tutorial.matches(TAG).count() >= 10,
        "the tutorial quotes its code through tags"
    );
    let problems = problems(&tutorial, &workspace_root());
    assert!(
        problems.is_empty(),
        "tutorial.md has drifted:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_exercise_check_command_names_a_real_check() {
    let tutorial = tutorial();
    let checks: Vec<&str> = tutorial
        .lines()
        .filter(|l| l.contains("--test exercises -- --ignored "))
        .collect();
    assert!(checks.len() >= 8, "at least eight exercises, each with a check");
    for command in checks {
        let words: Vec<&str> = command.split_whitespace().collect();
        let package = words
            .windows(2)
            .find(|w| w[0] == "-p")
            .map(|w| w[1])
            .expect("-p PACKAGE");
        let name = words.last().expect("a check name");
        let checks = fs::read_to_string(workspace_root().join(package).join("tests/exercises.rs")).unwrap();
        assert!(
            checks.contains(&format!("fn {name}()")),
            "{package} has no check {name}: `{command}`"
        );
    }
}

#[test]
fn an_edited_excerpt_a_missing_region_and_a_missing_file_are_all_caught() {
    let tutorial = tutorial();
    let first = tutorial.find(TAG).expect("an excerpt");
    let code_line = tutorial[first..].lines().nth(2).expect("a code line").to_string();

    let edited = tutorial.replacen(&code_line, &format!("{code_line} // edited"), 1);
    assert_eq!(problems(&edited, &workspace_root()).len(), 1);

    let tag_line = tutorial[first..].lines().next().unwrap().to_string();
    let (file, _) = tag_line.split_once('#').unwrap();
    let no_region = tutorial.replacen(&tag_line, &format!("{file}#no_such_region -->"), 1);
    assert!(problems(&no_region, &workspace_root())[0].contains("has no region"));

    let no_file = tutorial.replacen(&tag_line, "<!-- excerpt: no/such/file.rs#x -->", 1);
    assert!(problems(&no_file, &workspace_root())[0].contains("no file"));
}
