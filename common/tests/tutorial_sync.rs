//! tutorial.md, README.md and the crates' READMEs must not drift from the code they quote.
//!
//! Every code excerpt in them is tagged with the file and the named region it comes
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
//! then those regions, a blank line between them, so `use` lines can come along. A tag that
//! names a `.patch` file and no region (an exercise's reference solution) quotes it whole.
//!
//! An excerpt is found by its region's name, never by line number, so code may move. But a
//! learner doing an exercise edits the lesson's code inside the regions the tutorial quotes
//! (8.4 rewrites `multithread`), so the exact text of the lessons' excerpts
//! (`examples-*/`, not the reference patches) is compared by an ignored test, which
//! `.ci/run` runs by name on the code as shipped. Every run still checks that each excerpt's
//! file and regions exist, and compares the rest (`common/`, the patches) exactly.
//!
//! This test fails when an excerpt differs from its region, or names a file or region
//! that does not exist.

use std::collections::HashSet;
use std::fs;
use std::path::Path;
use testkit::{region, workspace_root};

const TAG: &str = "<!-- excerpt: ";
/// A code block of single lines, each of which must stand (indented as shown) in the file.
const LINE_TAG: &str = "<!-- line: ";

/// Which quoted files must match their quotes to the letter.
#[derive(Clone, Copy, PartialEq)]
enum Compare {
    /// Every file: the code as shipped.
    All,
    /// All but the lessons a learner edits (`examples-*/`, its `.patch` files excepted).
    AllButLessons,
}

impl Compare {
    fn text_of(self, path: &str) -> bool {
        let lesson = path.starts_with("examples-") && !path.ends_with(".patch");
        self == Compare::All || !lesson
    }
}

/// Every problem with the excerpts of `markdown` (the page `page`), one line each.
fn problems(markdown: &str, page: &str, root: &Path, compare: Compare) -> Vec<String> {
    let mut problems = line_problems(markdown, page, root, compare);
    let mut lines = markdown.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let Some(tag) = line.strip_prefix(TAG).and_then(|rest| rest.strip_suffix(" -->")) else {
            continue;
        };
        let at = format!("{page}:{}", number + 1);
        // A patch (an exercise's reference solution) is quoted whole: `FILE.patch`.
        let whole_patch = tag.ends_with(".patch") && !tag.contains('#');
        let Some((path, name)) = tag.split_once('#').or(whole_patch.then_some((tag, ""))) else {
            problems.push(format!(
                "{at}: the tag needs FILE#REGION (or a whole FILE.patch), not `{tag}`"
            ));
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
        let regions: Option<Vec<String>> = if whole_patch {
            Some(vec![source.trim_end().to_string()])
        } else {
            name.split('+').map(|name| region(&source, name)).collect()
        };
        match regions.map(|regions| regions.join("\n\n")) {
            None => problems.push(format!("{at}: {path} has no region `{name}`")),
            Some(code) if code != excerpt && compare.text_of(path) => {
                let differs = code.lines().zip(excerpt.lines()).position(|(a, b)| a != b);
                let line = differs.map_or("at the end".to_string(), |n| format!("from its line {}", n + 1));
                problems.push(format!("{at}: the excerpt differs from {path}#{name} {line}"));
            }
            Some(_) => {}
        }
    }
    problems
}

/// Every quoted line (`<!-- line: FILE -->` above a code block) that its file lacks.
fn line_problems(markdown: &str, page: &str, root: &Path, compare: Compare) -> Vec<String> {
    let mut problems = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let Some(path) = line
            .strip_prefix(LINE_TAG)
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        let at = format!("{page}:{}", number + 1);
        let Ok(source) = fs::read_to_string(root.join(path)) else {
            problems.push(format!("{at}: no file {path}"));
            continue;
        };
        lines.next(); // the opening fence
        for (_, quoted) in lines.by_ref().take_while(|(_, l)| !l.starts_with("```")) {
            if compare.text_of(path) && !source.lines().any(|l| l == quoted) {
                problems.push(format!("{at}: {path} has no line `{}`", quoted.trim()));
            }
        }
    }
    problems
}

fn tutorial() -> String {
    fs::read_to_string(workspace_root().join("tutorial.md")).expect("tutorial.md at the workspace root")
}

/// Each page a reader is shown (`testkit::documents`), as its path from the workspace's root
/// and its text.
fn documents() -> Vec<(String, String)> {
    let root = workspace_root();
    testkit::documents()
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("a readable page");
            let page = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
            (page.replace('\\', "/"), text)
        })
        .collect()
}

fn assert_in_sync(compare: Compare) {
    let documents = documents();
    assert!(
        tutorial().matches(TAG).count() >= 10,
        "the tutorial quotes its code through tags"
    );
    let readmes_quoting = documents
        .iter()
        .filter(|(page, text)| page.ends_with("/README.md") && text.contains(TAG))
        .count();
    assert!(
        readmes_quoting >= 2,
        "the crates' READMEs quote their code through tags too"
    );
    let problems: Vec<String> = documents
        .iter()
        .flat_map(|(page, text)| problems(text, page, &workspace_root(), compare))
        .collect();
    assert!(
        problems.is_empty(),
        "the pages have drifted:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_excerpt_names_a_real_region_and_matches_it_outside_the_lessons() {
    assert_in_sync(Compare::AllButLessons);
}

#[test]
#[ignore = "the lessons as shipped: a learner's exercise edits the code the tutorial quotes \
            (8.4 rewrites `multithread`); .ci/run runs this on the shipped code"]
fn every_excerpt_matches_its_source_as_shipped() {
    assert_in_sync(Compare::All);
}

#[test]
fn every_exercise_check_command_names_a_real_check() {
    let tutorial = tutorial();
    let checks: Vec<&str> = tutorial
        .lines()
        .filter(|l| l.contains("--test checks -- --ignored "))
        .collect();
    assert!(checks.len() >= 10, "at least ten exercises, each with a check");
    for command in checks {
        let words: Vec<&str> = command.split_whitespace().collect();
        let package = words
            .windows(2)
            .find(|w| w[0] == "-p")
            .map(|w| w[1])
            .expect("-p PACKAGE");
        let name = words.last().expect("a check name");
        let checks = fs::read_to_string(workspace_root().join(package).join("tests/checks.rs")).unwrap();
        assert!(
            checks.contains(&format!("fn {name}()")),
            "{package} has no check {name}: `{command}`"
        );
    }
}

/// A file of testkit's with a region, which no exercise touches.
const QUOTED: &str = "common/testkit/src/compiler_errors/no_move.rs";

#[test]
fn an_edited_excerpt_a_missing_region_and_a_missing_file_are_all_caught() {
    let root = workspace_root();
    let source = fs::read_to_string(root.join(QUOTED)).unwrap();
    let code = region(&source, "no_move").expect("the region no_move");
    let tutorial = format!("{TAG}{QUOTED}#no_move -->\n```rust\n{code}\n```\n");
    assert_eq!(
        problems(&tutorial, "tutorial.md", &root, Compare::All),
        Vec::<String>::new()
    );

    let code_line = code.lines().next().expect("a code line");
    let edited = tutorial.replacen(code_line, &format!("{code_line} // edited"), 1);
    let found = problems(&edited, "tutorial.md", &root, Compare::All);
    assert!(found.len() == 1 && found[0].contains("differs"), "{found:?}");

    let no_region = tutorial.replacen("#no_move", "#no_such_region", 1);
    assert!(problems(&no_region, "tutorial.md", &root, Compare::AllButLessons)[0].contains("has no region"));

    let no_file = tutorial.replacen(QUOTED, "no/such/file.rs", 1);
    assert!(problems(&no_file, "tutorial.md", &root, Compare::AllButLessons)[0].contains("no file"));

    // A lesson's excerpt is compared only in the run on the code as shipped.
    let lesson = "examples-threadpool/src/main.rs";
    let lesson_source = fs::read_to_string(root.join(lesson)).unwrap();
    let lesson_excerpt = tutorial
        .replacen(QUOTED, lesson, 1)
        .replacen("#no_move", "#fetch_url", 1);
    assert!(region(&lesson_source, "fetch_url").is_some());
    assert!(problems(&lesson_excerpt, "tutorial.md", &root, Compare::AllButLessons).is_empty());
    assert!(problems(&lesson_excerpt, "tutorial.md", &root, Compare::All)[0].contains("differs"));
}

#[test]
fn a_quoted_line_that_is_not_in_its_file_is_caught() {
    let root = workspace_root();
    let source = fs::read_to_string(root.join(QUOTED)).unwrap();
    let line = source.lines().nth(2).expect("a third line");
    let good = format!("{LINE_TAG}{QUOTED} -->\n```rust\n{line}\n```\n");
    assert!(line_problems(&good, "tutorial.md", &root, Compare::All).is_empty());
    let bad = good.replace(line, &format!("{line} // edited"));
    assert!(line_problems(&bad, "tutorial.md", &root, Compare::All)[0].contains("has no line"));
}

/// Every check has its exercise in the tutorial and its reference solution as a patch, and
/// no page shows that patch: the progress command shows it once the check passes.
#[test]
#[ignore = "the lessons as shipped: once a learner has done an exercise, its patch adds no \
            line the workspace lacks; .ci/run runs this on the shipped code"]
fn every_check_has_a_patch_and_the_tutorial_does_not_show_it() {
    let tutorial = tutorial();
    let documents = documents();
    let mut shipped = HashSet::new();
    for dir in testkit::workspace_members() {
        rust_lines(&dir, &mut shipped);
    }
    let root = workspace_root();
    for package in ["examples-threadpool", "examples-processpool", "examples-async"] {
        let checks = fs::read_to_string(root.join(package).join("tests/checks.rs")).unwrap();
        let names: Vec<&str> = checks
            .split("#[ignore = \"exercise: ")
            .skip(1)
            .filter_map(|rest| rest.split("fn ").nth(1)?.split("()").next())
            .collect();
        assert!(!names.is_empty(), "{package} has no exercise checks");
        for name in names {
            let patch = format!("{package}/solutions/{name}.patch");
            assert!(
                root.join(&patch).exists(),
                "{name}: no reference solution {patch}"
            );
            let solution = solution_lines(&fs::read_to_string(root.join(&patch)).unwrap(), &shipped);
            assert!(!solution.is_empty(), "{patch} adds no line of its own");
            for (page, text) in &documents {
                assert!(!text.contains(&format!("{TAG}{patch}")), "{page} shows {patch}");
                // A line as code, or as a diff shows it added.
                let code = |line: &str| line.strip_prefix('+').unwrap_or(line).trim().to_string();
                let shown = text.lines().find(|line| solution.contains(&code(line)));
                assert!(
                    shown.is_none(),
                    "{page} shows the solution {patch}: `{}`",
                    shown.unwrap_or_default()
                );
            }
            assert!(
                tutorial.contains(&format!("--test checks -- --ignored {name}\n")),
                "tutorial.md has no exercise whose check is {name}"
            );
        }
    }
}

/// The lines a patch adds (trimmed, long enough to be code rather than a brace) that no Rust
/// file of the workspace has as shipped: what only its solution says.
fn solution_lines(patch: &str, shipped: &HashSet<String>) -> Vec<String> {
    patch
        .lines()
        .filter(|line| !line.starts_with("+++"))
        .filter_map(|line| line.strip_prefix('+'))
        .map(str::trim)
        .filter(|added| added.len() > 12 && !shipped.contains(*added))
        .map(str::to_string)
        .collect()
}

/// Every line (trimmed) of every `.rs` file under `dir`, the build's `target` left out.
fn rust_lines(dir: &Path, lines: &mut HashSet<String>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() && path.file_name().is_some_and(|name| name != "target") {
            rust_lines(&path, lines);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = fs::read_to_string(&path).unwrap_or_default();
            lines.extend(text.lines().map(|line| line.trim().to_string()));
        }
    }
}

/// The commands a reader is shown: README.md, tutorial.md, the crates' READMEs, and every `//!`
/// header of a binary or of a Cargo example.
fn shown_commands(root: &Path) -> Vec<(String, String)> {
    let mut texts = testkit::documents();
    for (_, dir) in workspace_packages() {
        let src = dir.join("src");
        texts.push(src.join("main.rs"));
        let bins = fs::read_dir(src.join("bin")).into_iter().flatten().flatten();
        texts.extend(bins.map(|entry| entry.path()).map(|path| match path.is_dir() {
            true => path.join("main.rs"),
            false => path,
        }));
        let examples = fs::read_dir(dir.join("examples")).into_iter().flatten().flatten();
        texts.extend(examples.map(|entry| entry.path()));
    }
    let mut commands = Vec::new();
    for path in texts.iter().filter(|path| path.exists()) {
        let text = fs::read_to_string(path).expect("readable");
        for (at, _) in text.match_indices("cargo run ") {
            let rest = &text[at..];
            let end = rest.find(['`', '\n', '#', ')']).unwrap_or(rest.len());
            let file = path.strip_prefix(root).unwrap_or(path).display().to_string();
            commands.push((file, rest[..end].trim().to_string()));
        }
    }
    commands
}

/// Every package of the workspace (the root manifest's `members`): its name and its folder.
fn workspace_packages() -> Vec<(String, std::path::PathBuf)> {
    let folders = testkit::workspace_members().into_iter();
    let named = |dir: std::path::PathBuf| {
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        let name = manifest.lines().find_map(|line| line.strip_prefix("name = "))?;
        Some((name.trim_matches('"').to_string(), dir))
    };
    folders.filter_map(named).collect()
}

/// How many binaries cargo finds in `package` (src/main.rs, src/bin/*.rs, src/bin/*/main.rs),
/// and whether its manifest names the one `cargo run` picks without `--bin`.
fn binaries_and_default(package: &str) -> (usize, bool) {
    let packages = workspace_packages();
    let Some((_, dir)) = packages.iter().find(|(name, _)| name == package) else {
        panic!("no package {package} in the workspace");
    };
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("each package has a manifest");
    let in_bin = fs::read_dir(dir.join("src/bin")).into_iter().flatten().flatten();
    let bins = in_bin
        .filter(|entry| {
            entry.path().extension().is_some_and(|ext| ext == "rs") || entry.path().join("main.rs").exists()
        })
        .count();
    let main = usize::from(dir.join("src/main.rs").exists());
    (
        main + bins,
        manifest.lines().any(|line| line.starts_with("default-run")),
    )
}

/// `cargo run -p PACKAGE` without `--bin` works only where the package has one binary or
/// names a `default-run`; otherwise cargo stops with "could not determine which binary to run".
#[test]
fn every_cargo_run_shown_knows_which_binary_to_run() {
    let root = workspace_root();
    let commands = shown_commands(&root);
    assert!(commands.len() > 10, "found too few commands: {commands:?}");
    let mut problems = Vec::new();
    for (file, command) in commands {
        let words: Vec<&str> = command.split_whitespace().take_while(|w| *w != "--").collect();
        let Some(package) = words.windows(2).find(|pair| pair[0] == "-p").map(|pair| pair[1]) else {
            continue;
        };
        if words.contains(&"--bin") || words.contains(&"--example") {
            continue;
        }
        let (binaries, has_default) = binaries_and_default(package);
        if binaries != 1 && !has_default {
            problems.push(format!(
                "{file}: `{command}`: {package} has {binaries} binaries and no default-run"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `cargo run -p PACKAGE --example NAME`, wherever a reader is shown it (the examples' own
/// headers included), names a file PACKAGE/examples/NAME.rs that exists.
#[test]
fn every_example_shown_exists() {
    let root = workspace_root();
    let packages = workspace_packages();
    let commands = shown_commands(&root);
    let mut shown = 0;
    let mut problems = Vec::new();
    for (file, command) in commands {
        let words: Vec<&str> = command.split_whitespace().take_while(|w| *w != "--").collect();
        let after = |flag: &str| words.windows(2).find(|pair| pair[0] == flag).map(|pair| pair[1]);
        let (Some(package), Some(example)) = (after("-p"), after("--example")) else {
            continue;
        };
        shown += 1;
        let dir = packages
            .iter()
            .find(|(name, _)| name == package)
            .map(|(_, dir)| dir);
        if !dir.is_some_and(|dir| dir.join("examples").join(format!("{example}.rs")).exists()) {
            problems.push(format!("{file}: `{command}`: no {package}/examples/{example}.rs"));
        }
    }
    assert!(shown >= 12, "found only {shown} `--example` commands");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
