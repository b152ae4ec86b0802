//! The files an exercise changes, as its reference solution (a patch) names them; a
//! fingerprint of what they hold now; and each of them as shipped, for `reset`.

use crate::tutorial::Exercise;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where git's id of each file the exercises change, as shipped, is recorded (relative to
/// the workspace): one `ID PATH` a line, `ID` being `git hash-object PATH`.
pub const SHIPPED: &str = "common/exercises/shipped.txt";

/// The reference solution of an exercise: the change a learner makes, as a patch
/// (`examples-threadpool/solutions/retry_once.patch`).
pub fn solution_patch(workspace: &Path, exercise: &Exercise) -> PathBuf {
    let name = format!("{}.patch", exercise.check);
    workspace.join(&exercise.package).join("solutions").join(name)
}

/// The files an exercise changes, relative to the workspace, as its patch names them.
pub fn files_of(workspace: &Path, exercise: &Exercise) -> std::io::Result<Vec<String>> {
    let patch = std::fs::read_to_string(solution_patch(workspace, exercise))?;
    let mut files: Vec<String> = patch
        .lines()
        .filter_map(|line| line.strip_prefix("+++ b/"))
        .map(|path| path.trim_end().to_string())
        .collect();
    files.sort();
    files.dedup();
    Ok(files)
}

/// A fingerprint of what `files` hold now (a missing file counts as such): whether the code
/// that passed a check has changed since. FNV-1a, 64 bits: the same on every OS and Rust
/// version (std's hasher promises neither), and a fingerprint, not a secret. Line endings
/// are read as `\n`, so a checkout with Windows line endings has the same fingerprint.
pub fn fingerprint(workspace: &Path, files: &[String]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let content = std::fs::read(workspace.join(file)).map(|bytes| without_carriage_returns(&bytes));
        let content = content.as_deref().unwrap_or(b"\0missing");
        for byte in file.bytes().chain([0]).chain(content.iter().copied()).chain([0]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// `\r\n` read as `\n`: git may check text files out either way.
pub fn without_carriage_returns(bytes: &[u8]) -> Vec<u8> {
    let mut text = Vec::with_capacity(bytes.len());
    for (at, byte) in bytes.iter().enumerate() {
        if !(*byte == b'\r' && bytes.get(at + 1) == Some(&b'\n')) {
            text.push(*byte);
        }
    }
    text
}

/// Git's id of each file as shipped, by path, from [`SHIPPED`].
pub fn shipped_ids(workspace: &Path) -> std::io::Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(workspace.join(SHIPPED))?;
    Ok(text
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once(' '))
        .map(|(id, path)| (path.trim().to_string(), id.to_string()))
        .collect())
}

/// A file as shipped, read from the workspace's git history by its id. Err says why not in
/// words: no git, or a workspace that is not a git clone.
pub fn shipped_content(workspace: &Path, id: &str) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .current_dir(workspace)
        .args(["cat-file", "blob", id])
        .stdin(Stdio::null())
        .output()
        .map_err(|_| "git is not on PATH (reset reads the shipped files from git)".to_string())?;
    if !output.status.success() {
        return Err(format!(
            "git does not have it ({id}): reset reads the shipped files from the workspace's \
             git history, which a `git clone` has"
        ));
    }
    Ok(output.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_do_not_change_a_fingerprint_but_an_edit_does() {
        assert_eq!(without_carriage_returns(b"a\r\nb\r\n\r"), b"a\nb\n\r");
        let dir = std::env::temp_dir().join(format!("fingerprint-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let files = ["f.rs".to_string()];
        std::fs::write(dir.join("f.rs"), "fn a() {}\n").unwrap();
        let unix = fingerprint(&dir, &files);
        std::fs::write(dir.join("f.rs"), "fn a() {}\r\n").unwrap();
        let windows = fingerprint(&dir, &files);
        std::fs::write(dir.join("f.rs"), "fn b() {}\n").unwrap();
        let edited = fingerprint(&dir, &files);
        std::fs::remove_file(dir.join("f.rs")).unwrap();
        let missing = fingerprint(&dir, &files);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(unix, windows);
        assert_ne!(unix, edited);
        assert_ne!(unix, missing);
    }
}
