//! The map at the top of tutorial.md must point at real lines.
//!
//! Each row of the map names a Rust construct and where it appears, as `path:line`:
//!
//! ```text
//! | `ThreadPoolExecutor(max_workers)` | `ThreadPool::new(workers)` | [`examples-threadpool/src/main.rs:68`](examples-threadpool/src/main.rs#L68) | 8.1 |
//! ```
//!
//! The first code span of the second column is the construct, the third column the place
//! (a link to that line, so that a reader on GitHub lands on it).
//! This test fails when that line of that file does not contain the construct, and says at
//! which lines of the file it does stand now. Code moves, so the numbers go stale; to
//! re-point every stale row at the nearest line that has its construct, run
//!
//! ```text
//! TUTORIAL_MAP_REPOINT=1 cargo test -p common --test tutorial_map
//! ```
//!
//! which rewrites those numbers in tutorial.md, then checks again. It also checks that each
//! exercise (`### 8.N`) is named in the map's last column, and that the map names no other.

use std::fs;
use std::path::Path;
use testkit::workspace_root;

const BEGIN: &str = "<!-- map: begin -->";
const END: &str = "<!-- map: end -->";

/// One row of the map, as written.
#[derive(Debug)]
struct Row {
    /// Its line in tutorial.md, counted from 1.
    at: usize,
    construct: String,
    path: String,
    line: usize,
    /// The line the cell's link goes to (`#L68`), if it has one.
    link: Option<usize>,
    exercises: Vec<String>,
}

/// The code spans of a table cell: `a` and `b` in "`a` with `b`".
fn code_spans(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// The rows between the map's markers; a row that does not parse is a problem.
fn map_rows(tutorial: &str) -> (Vec<Row>, Vec<String>) {
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    let start = tutorial.lines().position(|l| l.trim() == BEGIN);
    let Some(start) = start else {
        return (rows, vec![format!("tutorial.md has no `{BEGIN}`")]);
    };
    for (index, text) in tutorial.lines().enumerate().skip(start + 1) {
        if text.trim() == END {
            return (rows, problems);
        }
        let cells: Vec<&str> = text
            .trim()
            .trim_matches('|')
            .split(" | ")
            .map(str::trim)
            .collect();
        if !text.starts_with('|') || cells.len() != 4 || cells[0].starts_with("---") || cells[0] == "Python" {
            continue;
        }
        let at = index + 1;
        let construct = code_spans(cells[1]).first().map(|c| c.to_string());
        let place = code_spans(cells[2]).first().and_then(|p| p.rsplit_once(':'));
        let line = place.and_then(|(_, number)| number.parse().ok());
        match (construct, place, line) {
            (Some(construct), Some((path, _)), Some(line)) => rows.push(Row {
                at,
                construct,
                path: path.to_string(),
                line,
                link: link_line(cells[2]),
                exercises: exercise_numbers(cells[3]),
            }),
            _ => problems.push(format!(
                "tutorial.md:{at}: a map row needs a `construct` and a `path:line`: {text}"
            )),
        }
    }
    problems.push(format!("tutorial.md has no `{END}` after `{BEGIN}`"));
    (rows, problems)
}

/// The line a cell's link points at: `68` in `(path#L68)`.
fn link_line(cell: &str) -> Option<usize> {
    let (_, after) = cell.split_once("#L")?;
    after.split(')').next()?.parse().ok()
}

/// `8.2, 8.4` → ["8.2", "8.4"]; a dash names none.
fn exercise_numbers(cell: &str) -> Vec<String> {
    cell.split([',', ' '])
        .filter(|word| word.starts_with("8."))
        .map(|word| word.trim_end_matches('.').to_string())
        .collect()
}

/// The lines (counted from 1) of `source` that contain `construct` in code: a comment that
/// quotes the Python (`// executor.submit(...)`) does not count.
fn lines_with(source: &str, construct: &str) -> Vec<usize> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.trim_start_matches(['+', '-', ' ']);
            !code.starts_with("//") && line.contains(construct)
        })
        .map(|(index, _)| index + 1)
        .collect()
}

/// What is wrong with one row, and the line it should point at, if its construct is in the file.
fn check_row(row: &Row, root: &Path) -> Option<(String, Option<usize>)> {
    let Ok(source) = fs::read_to_string(root.join(&row.path)) else {
        return Some((format!("tutorial.md:{}: no file {}", row.at, row.path), None));
    };
    let found = lines_with(&source, &row.construct);
    if found.contains(&row.line) {
        let link = row.link.filter(|link| *link != row.line)?;
        let problem = format!(
            "tutorial.md:{}: the link goes to line {link}, the text says {}",
            row.at, row.line
        );
        return Some((problem, Some(row.line)));
    }
    let nearest = found.iter().copied().min_by_key(|line| line.abs_diff(row.line));
    let now = match &found[..] {
        [] => "nowhere in the file: reword the row".to_string(),
        lines => format!("at line(s) {lines:?}"),
    };
    let problem = format!(
        "tutorial.md:{}: {}:{} does not contain `{}`; it is {now}",
        row.at, row.path, row.line, row.construct
    );
    Some((problem, nearest))
}

/// Point `row` at `line` instead, in the text of tutorial.md.
fn repoint(tutorial: &str, row: &Row, line: usize) -> String {
    let (old, new) = (
        format!("`{}:{}`", row.path, row.line),
        format!("`{}:{line}`", row.path),
    );
    let old_link = format!("({}#L{})", row.path, row.link.unwrap_or(row.line));
    let new_link = format!("({}#L{line})", row.path);
    let lines: Vec<String> = tutorial
        .lines()
        .enumerate()
        .map(|(index, text)| match index + 1 == row.at {
            true => text.replacen(&old, &new, 1).replacen(&old_link, &new_link, 1),
            false => text.to_string(),
        })
        .collect();
    lines.join("\n") + if tutorial.ends_with('\n') { "\n" } else { "" }
}

/// Every problem of the map in `tutorial`; with `fix`, the stale numbers re-pointed first
/// (the fixed text is returned with what is left).
fn map_problems(tutorial: &str, root: &Path, fix: bool) -> (String, Vec<String>) {
    let (rows, mut problems) = map_rows(tutorial);
    let mut fixed = tutorial.to_string();
    for row in &rows {
        match check_row(row, root) {
            Some((_, Some(line))) if fix => fixed = repoint(&fixed, row, line),
            Some((problem, _)) => problems.push(problem),
            None => {}
        }
    }
    problems.extend(exercise_problems(tutorial, &rows));
    (fixed, problems)
}

/// Each exercise of the tutorial is practised by some row, and each row names real exercises.
fn exercise_problems(tutorial: &str, rows: &[Row]) -> Vec<String> {
    let exercises: Vec<&str> = tutorial
        .lines()
        .filter_map(|line| line.strip_prefix("### 8."))
        .filter_map(|rest| rest.split(' ').next())
        .collect();
    let named: Vec<&str> = rows
        .iter()
        .flat_map(|row| &row.exercises)
        .map(|number| number.trim_start_matches("8."))
        .collect();
    let missing = exercises
        .iter()
        .filter(|n| !named.contains(n))
        .map(|n| format!("8.{n}"));
    let unknown = named
        .iter()
        .filter(|n| !exercises.contains(n))
        .map(|n| format!("8.{n}"));
    let missing = missing.map(|n| format!("the map names no row for exercise {n}"));
    missing
        .chain(unknown.map(|n| format!("the map names exercise {n}, which the tutorial does not have")))
        .collect()
}

fn tutorial_path() -> std::path::PathBuf {
    workspace_root().join("tutorial.md")
}

#[test]
fn every_row_of_the_map_points_at_a_line_with_its_construct() {
    let tutorial = fs::read_to_string(tutorial_path()).expect("tutorial.md at the workspace root");
    let (rows, _) = map_rows(&tutorial);
    assert!(rows.len() >= 12, "the map has {} rows", rows.len());
    let fix = std::env::var_os("TUTORIAL_MAP_REPOINT").is_some();
    let (fixed, problems) = map_problems(&tutorial, &workspace_root(), fix);
    if fix && fixed != tutorial {
        fs::write(tutorial_path(), &fixed).expect("tutorial.md is writable");
        eprintln!("re-pointed the map's stale rows in tutorial.md; review with `git diff tutorial.md`");
    }
    assert!(
        problems.is_empty(),
        "the map at the top of tutorial.md has drifted (TUTORIAL_MAP_REPOINT=1 re-points the \
         rows whose construct is still in its file):\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_stale_line_is_caught_and_repointed_and_a_missing_construct_is_caught() {
    let root = workspace_root();
    let source = fs::read_to_string(root.join("examples-threadpool/src/main.rs")).unwrap();
    let line = lines_with(&source, "drop(results);")[0];
    let map = |line: usize, construct: &str| {
        format!(
            "### 8.1 x\n{BEGIN}\n| Python | Rust | where | exercise |\n|---|---|---|---|\n\
             | `del` | `{construct}` | [`examples-threadpool/src/main.rs:{line}`](examples-threadpool/src/main.rs#L{line}) | 8.1 |\n{END}\n"
        )
    };
    assert!(
        map_problems(&map(line, "drop(results);"), &root, false)
            .1
            .is_empty()
    );

    let stale = map(line + 3, "drop(results);");
    let (_, problems) = map_problems(&stale, &root, false);
    assert!(
        problems[0].contains(&format!("at line(s) [{line}]")),
        "{problems:?}"
    );
    let (fixed, problems) = map_problems(&stale, &root, true);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(fixed, map(line, "drop(results);"));

    let wrong_link = map(line, "drop(results);").replace(&format!("#L{line})"), "#L1)");
    let (fixed, problems) = map_problems(&wrong_link, &root, true);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(fixed, map(line, "drop(results);"));

    let (_, problems) = map_problems(&map(line, "drop(senders);"), &root, true);
    assert!(problems[0].contains("nowhere in the file"), "{problems:?}");
    let unknown = map(line, "drop(results);").replace("| 8.1 |", "| 8.1, 8.99 |");
    let (_, problems) = map_problems(&unknown, &root, false);
    assert!(problems[0].contains("8.99"), "{problems:?}");
}
