//! A lesson run as on a machine of N CPUs, whatever this machine has, so that an exercise
//! check means the same on 1, 2 or 64 CPUs: `common::workers::cpus()` is told N
//! (`EXERCISE_CHECK_CPUS`), rayon's global pool gets N threads (`RAYON_NUM_THREADS`), and
//! where Linux's `taskset` can, the lesson is pinned to N of this machine's CPUs, so that
//! `std::thread::available_parallelism()` says N too.

use std::process::Command;

/// How a lesson is run as on a machine of `cpus` CPUs.
#[derive(Debug, Clone)]
pub struct ForcedCpus {
    pub cpus: usize,
    /// The CPU list given to `taskset -c`, when the lesson is pinned.
    pinned: Option<String>,
}

impl ForcedCpus {
    /// As on `cpus` CPUs: pinned to that many of this machine's when it has them.
    pub fn new(cpus: usize) -> ForcedCpus {
        let allowed = allowed_cpus();
        let pinned = (allowed.len() >= cpus && taskset_works(&allowed)).then(|| cpu_list(&allowed[..cpus]));
        ForcedCpus { cpus, pinned }
    }

    /// `cpus` threads told they have `cpus` CPUs but pinned to one real CPU, so that they
    /// must share it; `None` where the lesson cannot be pinned (no `taskset`, not Linux).
    pub fn sharing_one(cpus: usize) -> Option<ForcedCpus> {
        let allowed = allowed_cpus();
        taskset_works(&allowed).then(|| ForcedCpus {
            cpus,
            pinned: Some(cpu_list(&allowed[..1])),
        })
    }

    /// Whether the lesson really runs on exactly this many CPUs (pinned to them), not only
    /// told so.
    pub fn pinned(&self) -> bool {
        self.pinned.is_some()
    }

    /// A command that runs `program args` as on this many CPUs.
    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut command = match &self.pinned {
            Some(list) => {
                let mut command = crate::command("taskset", &["-c", list, program]);
                command.args(args);
                command
            }
            None => crate::command(program, args),
        };
        command
            .env(common::workers::CHECK_CPUS, self.cpus.to_string())
            .env("RAYON_NUM_THREADS", self.cpus.to_string());
        command
    }
}

fn cpu_list(cpus: &[usize]) -> String {
    let names: Vec<String> = cpus.iter().map(usize::to_string).collect();
    names.join(",")
}

/// The CPUs this process may run on, from Linux's /proc (empty elsewhere).
fn allowed_cpus() -> Vec<usize> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let Some(list) = status.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:")) else {
        return Vec::new();
    };
    let mut cpus = Vec::new();
    for part in list.trim().split(',') {
        let (first, last) = part.split_once('-').unwrap_or((part, part));
        if let (Ok(first), Ok(last)) = (first.parse::<usize>(), last.parse::<usize>()) {
            cpus.extend(first..=last);
        }
    }
    cpus
}

fn taskset_works(allowed: &[usize]) -> bool {
    let Some(first) = allowed.first() else {
        return false;
    };
    Command::new("taskset")
        .args(["-c", &first.to_string(), "true"])
        .output()
        .is_ok_and(|out| out.status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run where `taskset` works, a lesson pinned to one CPU sees one, whatever it is told.
    #[test]
    fn a_pinned_program_sees_the_cpus_it_is_pinned_to() {
        let Some(forced) = ForcedCpus::sharing_one(3) else {
            return; // not Linux, or no taskset: nothing is pinned, nothing to see
        };
        let out = forced.command("nproc", &[]).output().expect("nproc runs");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
        assert!(forced.pinned());
    }
}
