//! What the learner has done: every check that passed, remembered in a file git ignores
//! (`.exercises-progress` at the workspace's top), so that an exercise stays done when a
//! later one changes the same function. `reset-progress` forgets it all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const PROGRESS_FILE: &str = ".exercises-progress";

/// The checks that have passed, each with the fingerprint of its files when it did.
pub struct Progress {
    path: PathBuf,
    passed: BTreeMap<String, u64>,
    /// The record is there but could not be read (said once, on load): it is left as it is.
    unreadable: bool,
}

impl Progress {
    /// The record of this workspace; empty when there is none yet. Progress is a convenience,
    /// never a reason to stop: a record that cannot be read is said in one line (`warning:
    /// ...`), and a damaged line costs only that line, not the others.
    pub fn load(workspace: &Path) -> Progress {
        let path = workspace.join(PROGRESS_FILE);
        let (text, unreadable) = match read_record(&path) {
            Ok(bytes) => (String::from_utf8_lossy(&bytes).into_owned(), false),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => (String::new(), false),
            Err(error) => {
                terminal::output::write_error_line(&format!(
                    "warning: cannot read your progress in {PROGRESS_FILE} ({}): passes are not \
                     remembered until it is removed (`cargo run -p exercises -- reset-progress`)",
                    terminal::output::strip_os_error(&error.to_string())
                ));
                (String::new(), true)
            }
        };
        let passed = text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once(' '))
            .filter_map(|(check, hex)| Some((check.to_string(), u64::from_str_radix(hex.trim(), 16).ok()?)))
            .collect();
        Progress {
            path,
            passed,
            unreadable,
        }
    }

    /// The fingerprint of the check's files when it passed; None if it never has.
    pub fn passed(&self, check: &str) -> Option<u64> {
        self.passed.get(check).copied()
    }

    pub fn record(&mut self, check: &str, fingerprint: u64) {
        self.passed.insert(check.to_string(), fingerprint);
    }

    /// Write the record; a failure is said in one line (`warning: ...`) and otherwise ignored.
    pub fn save(&self) {
        if self.unreadable {
            return;
        }
        let mut text = String::from(
            "# The exercises whose check has passed, and a fingerprint of their files then.\n\
             # Written by `cargo run -p exercises`; `cargo run -p exercises -- reset-progress` forgets.\n",
        );
        for (check, fingerprint) in &self.passed {
            text.push_str(&format!("{check} {fingerprint:016x}\n"));
        }
        // Written beside it, then renamed over it: a write cut short (a full disk, Ctrl-C)
        // never leaves half a record.
        let beside = self.path.with_extension("new");
        let written = std::fs::write(&beside, text).and_then(|()| std::fs::rename(&beside, &self.path));
        if let Err(error) = written {
            let _ = std::fs::remove_file(&beside);
            terminal::output::write_error_line(&format!(
                "warning: cannot remember your progress in {PROGRESS_FILE}: {}",
                terminal::output::strip_os_error(&error.to_string())
            ));
        }
    }
}

/// The record's bytes; only a regular file is read (a named pipe there would never end).
fn read_record(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::metadata(path)?.is_file() {
        true => std::fs::read(path),
        false => Err(std::io::Error::other("it is not a regular file")),
    }
}

/// Forget every check that passed. Ok(false) when there was nothing to forget.
pub fn forget(workspace: &Path) -> std::io::Result<bool> {
    match std::fs::remove_file(workspace.join(PROGRESS_FILE)) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}
