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
}

impl Progress {
    /// The record of this workspace; empty when there is none yet (or it cannot be read:
    /// progress is a convenience, never a reason to stop).
    pub fn load(workspace: &Path) -> Progress {
        let path = workspace.join(PROGRESS_FILE);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let passed = text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once(' '))
            .filter_map(|(check, hex)| Some((check.to_string(), u64::from_str_radix(hex.trim(), 16).ok()?)))
            .collect();
        Progress { path, passed }
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
        let mut text = String::from(
            "# The exercises whose check has passed, and a fingerprint of their files then.\n\
             # Written by `cargo run -p exercises`; `cargo run -p exercises -- reset-progress` forgets.\n",
        );
        for (check, fingerprint) in &self.passed {
            text.push_str(&format!("{check} {fingerprint:016x}\n"));
        }
        if let Err(error) = std::fs::write(&self.path, text) {
            terminal::output::write_error_line(&format!(
                "warning: cannot remember your progress in {PROGRESS_FILE}: {}",
                terminal::output::strip_os_error(&error.to_string())
            ));
        }
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
