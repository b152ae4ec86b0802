//! `reset NAME` reads each lesson file back from git by the id common/exercises/shipped.txt
//! records for it: that record must name the files as they are in this checkout, and every
//! file a reference solution changes.

use std::collections::BTreeSet;
use std::process::Command;

#[test]
#[ignore = "the lessons as shipped: a learner's done exercise changes a recorded file; \
            .ci/run runs this on the shipped code"]
fn the_shipped_record_names_every_file_the_exercises_change_as_it_is() {
    let root = testkit::workspace_root();
    let record = std::fs::read_to_string(root.join("common/exercises/shipped.txt")).unwrap();
    let recorded: Vec<(&str, &str)> = record
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once(' '))
        .collect();
    let mut changed = BTreeSet::new();
    for patch in std::fs::read_dir(root).unwrap().flatten() {
        let solutions = patch.path().join("solutions");
        for patch in std::fs::read_dir(&solutions).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(patch.path()).unwrap();
            changed.extend(
                text.lines()
                    .filter_map(|l| l.strip_prefix("+++ b/"))
                    .map(str::to_string),
            );
        }
    }
    let named: BTreeSet<String> = recorded.iter().map(|(_, path)| path.to_string()).collect();
    assert_eq!(
        named, changed,
        "shipped.txt should name exactly the files the solutions change"
    );
    let mut stale = Vec::new();
    let mut now_lines = Vec::new();
    for (id, path) in recorded {
        let output = Command::new("git")
            .current_dir(testkit::workspace_root())
            .args(["hash-object", path])
            .output()
            .expect("git runs");
        let now = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if now != id {
            stale.push(path);
        }
        now_lines.push(format!("{now} {path}"));
    }
    assert!(
        stale.is_empty(),
        "{stale:?} changed since common/exercises/shipped.txt recorded them: if the lessons \
         changed as shipped (not an exercise done in this checkout), its lines are now:\n{}",
        now_lines.join("\n")
    );
}
