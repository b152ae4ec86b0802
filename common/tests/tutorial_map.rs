//! The map at the top of tutorial.md must name real code.
//!
//! Each row of the map names a Rust construct and the file it is in, with no line number
//! (lines move whenever anyone edits the file, a learner doing an exercise included):
//!
//! ```text
//! | `ThreadPoolExecutor(max_workers)` | `ThreadPool::new(workers)` | [`examples-threadpool/src/main.rs`](examples-threadpool/src/main.rs) | 8.1 |
//! ```
//!
//! The first code span of the second column is the construct, as a reader searches for it:
//! the call itself (`spawn_blocking(`), not the function around it. The third column is
//! the file, a link so that a reader on GitHub lands in it. The last column names the
//! exercises that make a learner change that code.
//!
//! Two tests, because an exercise's correct answer may well remove the construct its row
//! names (8.4 replaces `pool.execute(` by scoped threads):
//! * every run: each row names a file that exists, and each row that no exercise changes has
//!   its construct in that file, in code (a comment that quotes it does not count); each
//!   exercise (`### 8.N`) is named by some row, and the map names no other;
//! * ignored, run by name in `.ci/run` on the lessons as shipped: every row's construct is
//!   in its file, the exercise rows' too.

use std::fs;
use std::path::Path;
use testkit::{code_lines, workspace_root};

const BEGIN: &str = "<!-- map: begin -->";
const END: &str = "<!-- map: end -->";

/// One row of the map, as written.
#[derive(Debug)]
struct Row {
    /// Its line in tutorial.md, counted from 1, for the messages.
    at: usize,
    construct: String,
    path: String,
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
        let path = code_spans(cells[2]).first().map(|p| p.to_string());
        match (construct, path) {
            (Some(_), Some(path)) if path.contains(':') => problems.push(format!(
                "tutorial.md:{at}: name the file only, `{path}` has a line number (code moves)"
            )),
            (Some(construct), Some(path)) => rows.push(Row {
                at,
                construct,
                path,
                exercises: exercise_numbers(cells[3]),
            }),
            _ => problems.push(format!(
                "tutorial.md:{at}: a map row needs a `construct` and a `file`: {text}"
            )),
        }
    }
    problems.push(format!("tutorial.md has no `{END}` after `{BEGIN}`"));
    (rows, problems)
}

/// `8.2, 8.4` → ["8.2", "8.4"]; a dash names none.
fn exercise_numbers(cell: &str) -> Vec<String> {
    cell.split([',', ' '])
        .filter(|word| word.starts_with("8."))
        .map(|word| word.trim_end_matches('.').to_string())
        .collect()
}

/// What is wrong with one row: no such file, or (when `construct_required`) its construct
/// is not in the file's code.
fn row_problem(row: &Row, root: &Path, construct_required: bool) -> Option<String> {
    let Ok(source) = fs::read_to_string(root.join(&row.path)) else {
        return Some(format!("tutorial.md:{}: no file {}", row.at, row.path));
    };
    let found = code_lines(&source).contains(&row.construct);
    (construct_required && !found).then(|| {
        format!(
            "tutorial.md:{}: {} has no `{}` in its code: reword the row",
            row.at, row.path, row.construct
        )
    })
}

/// Which rows must have their construct in their file: all of them, or only those that no
/// exercise changes.
#[derive(Clone, Copy)]
enum Constructs {
    All,
    OfRowsNoExerciseChanges,
}

/// Every problem of the map in `tutorial`.
fn map_problems(tutorial: &str, root: &Path, constructs: Constructs) -> Vec<String> {
    let (rows, mut problems) = map_rows(tutorial);
    for row in &rows {
        let required = match constructs {
            Constructs::All => true,
            Constructs::OfRowsNoExerciseChanges => row.exercises.is_empty(),
        };
        problems.extend(row_problem(row, root, required));
    }
    problems.extend(exercise_problems(tutorial, &rows));
    problems
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
        .map(|n| format!("the map names no row for exercise 8.{n}"));
    let unknown = named
        .iter()
        .filter(|n| !exercises.contains(n))
        .map(|n| format!("the map names exercise 8.{n}, which the tutorial does not have"));
    missing.chain(unknown).collect()
}

fn tutorial() -> String {
    fs::read_to_string(workspace_root().join("tutorial.md")).expect("tutorial.md at the workspace root")
}

fn assert_no_problems(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "the map at the top of tutorial.md has drifted:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_row_of_the_map_names_a_file_and_the_rows_no_exercise_changes_name_its_code() {
    let tutorial = tutorial();
    let (rows, _) = map_rows(&tutorial);
    assert!(rows.len() >= 12, "the map has {} rows", rows.len());
    assert_no_problems(map_problems(
        &tutorial,
        &workspace_root(),
        Constructs::OfRowsNoExerciseChanges,
    ));
}

#[test]
#[ignore = "the lessons as shipped: an exercise's answer may remove the construct its row \
            names (8.4 removes `pool.execute(`); .ci/run runs this on the shipped code"]
fn every_construct_of_the_map_is_in_its_file_as_shipped() {
    assert_no_problems(map_problems(&tutorial(), &workspace_root(), Constructs::All));
}

/// A map made here, of rows about this very file (which no exercise touches).
#[test]
fn a_missing_construct_a_missing_file_a_line_number_and_an_unknown_exercise_are_caught() {
    let root = workspace_root();
    let map = |construct: &str, file: &str, exercise: &str| {
        format!(
            "### 8.1 x\n{BEGIN}\n| Python | Rust | where | exercise |\n|---|---|---|---|\n\
             | `x` | `{construct}` | [`{file}`]({file}) | {exercise} |\n{END}\n"
        )
    };
    let here = "common/tests/tutorial_map.rs";
    let problems = |map: &str, constructs| map_problems(map, &root, constructs);
    assert_eq!(
        problems(&map("fn map_rows(", here, "8.1"), Constructs::All),
        Vec::<String>::new()
    );

    let absent = map(&["fn no_such", "_function("].concat(), here, "8.1");
    assert!(problems(&absent, Constructs::OfRowsNoExerciseChanges).is_empty());
    assert!(problems(&absent, Constructs::All)[0].contains("reword the row"));
    let no_exercise = absent.replace("| 8.1 |", "| 8.1 |\n| `y` | `fn map_rows(` | [`x`](x) | - |");
    let found = problems(&no_exercise, Constructs::OfRowsNoExerciseChanges);
    assert!(found[0].contains("no file x"), "{found:?}");

    // A construct quoted in a comment only is not code.
    let in_a_comment = map(
        &["the map at the top", " of tutorial.md must"].concat(),
        here,
        "-",
    );
    let found = problems(&in_a_comment, Constructs::OfRowsNoExerciseChanges);
    assert!(found.iter().any(|p| p.contains("reword the row")), "{found:?}");

    let with_line = map("fn map_rows(", &format!("{here}:40"), "8.1");
    assert!(problems(&with_line, Constructs::All)[0].contains("line number"));
    let unknown = map("fn map_rows(", here, "8.1, 8.99");
    assert!(problems(&unknown, Constructs::All)[0].contains("8.99"));
}
