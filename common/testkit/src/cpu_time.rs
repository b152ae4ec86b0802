//! The CPU time a program spends, seen from outside while it runs: a check samples it each
//! time the program prints a marker line (the end of one of a lesson's stages), and stops
//! the program after the last marker if it needs no more.
//!
//! CPU time is what a busy machine cannot fake or spoil: work of a given size costs the
//! same CPU time however many programs share the CPUs (it only takes longer), while
//! waiting costs none, and watching the clock costs what the clock allows.
//!
//! Linux only (it reads `/proc`); elsewhere the samples hold no CPU times. On other Unix
//! systems [`finished_children_cpu`] gives the CPU time of whole runs, once they have ended.

use crate::wait_until;
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// What the program had spent when a marker line came.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Since the program started.
    pub after: Duration,
    /// CPU time of the whole process, every thread it ran (Linux).
    pub cpu: Option<Duration>,
    /// The part of `cpu` spent in the kernel, on the program's system calls (Linux):
    /// computing spends next to none; asking the OS for something in a loop spends most.
    pub kernel: Option<Duration>,
    /// The main thread's time on a CPU, and waiting for one (Linux's schedstat): the rest
    /// of `after` it spent asleep (sleeping, or blocked on anything).
    pub main_thread: Option<(Duration, Duration)>,
}

impl Sample {
    /// How long the main thread slept or was blocked, of its `after` (Linux).
    pub fn main_thread_asleep(&self) -> Option<Duration> {
        let (running, waiting) = self.main_thread?;
        Some(self.after.saturating_sub(running + waiting))
    }
}

/// A program's run, sampled at its marker lines.
#[derive(Debug)]
pub struct SampledRun {
    pub stdout: String,
    pub stderr: String,
    /// Its exit status, if it ended by itself (not stopped after the last marker, nor at
    /// the deadline).
    pub status: Option<ExitStatus>,
    /// One sample per marker seen, in the markers' order.
    pub samples: Vec<Sample>,
    /// It was still running at the deadline.
    pub hung: bool,
}

/// Run `command` until it ends, sampling it at the first stdout line containing each of
/// `markers` in turn; once the last one is seen, the program is stopped. A program still
/// running after `deadline` is stopped too, and told as `hung`.
pub fn run_sampled(mut command: Command, deadline: Duration, markers: &[&str]) -> SampledRun {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    let pid = child.id();
    let stderr = crate::read_in_background(child.stderr.take());
    let stdout = child.stdout.take().expect("piped");
    let markers: Vec<String> = markers.iter().map(|m| m.to_string()).collect();
    let (done, seen_all) = mpsc::channel();
    // The reader samples the program while it is alive: it is reaped only once the reader
    // says that it has seen every marker, or the end of stdout.
    let reader = thread::spawn(move || {
        let (mut printed, mut samples) = (String::new(), Vec::new());
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if markers
                .get(samples.len())
                .is_some_and(|marker| line.contains(marker.as_str()))
            {
                samples.push(sample(pid, started.elapsed()));
                if samples.len() == markers.len() {
                    let _ = done.send(true);
                }
            }
            printed.push_str(&line);
            printed.push('\n');
        }
        let _ = done.send(false);
        (printed, samples)
    });
    let (status, hung) = match seen_all.recv_timeout(deadline.saturating_sub(started.elapsed())) {
        // Every marker seen: stopped now (no grace).
        Ok(true) => (stop(&mut child), false),
        // Its stdout closed: it is ending by itself.
        Ok(false) | Err(mpsc::RecvTimeoutError::Disconnected) => {
            let status = wait_until(&mut child, started + deadline);
            (status, status.is_none())
        }
        Err(mpsc::RecvTimeoutError::Timeout) => (stop(&mut child), true),
    };
    let (stdout, samples) = reader.join().expect("the reader ends with the program's stdout");
    SampledRun {
        stdout,
        stderr: stderr.join().unwrap_or_default(),
        status,
        samples,
        hung,
    }
}

/// Stop the program now: it did not end by itself, so it has no exit status to tell.
fn stop(child: &mut std::process::Child) -> Option<ExitStatus> {
    let _ = wait_until(child, Instant::now());
    None
}

/// The CPU time of every child of this process that has ended and been waited for, and of
/// their own children that they waited for (Unix's `getrusage(RUSAGE_CHILDREN)`): the
/// difference over a run is that run's, if nothing else ran beside it.
#[cfg(unix)]
pub fn finished_children_cpu() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    let Ok(usage) = getrusage(UsageWho::RUSAGE_CHILDREN) else {
        return Duration::ZERO;
    };
    let seconds = |time: nix::sys::time::TimeVal| {
        Duration::new(
            time.tv_sec().max(0) as u64,
            1000 * time.tv_usec().clamp(0, 999_999) as u32,
        )
    };
    seconds(usage.user_time()) + seconds(usage.system_time())
}

/// Sample process `pid` now.
fn sample(pid: u32, after: Duration) -> Sample {
    let cpu = process_cpu_parts(pid);
    Sample {
        after,
        cpu: cpu.map(|(user, kernel)| user + kernel),
        kernel: cpu.map(|(_, kernel)| kernel),
        main_thread: main_thread_schedstat(pid),
    }
}

/// User plus system time of every thread of `pid`, from `/proc/PID/stat` (in clock ticks of
/// 1/100 s: Linux's USER_HZ is 100 on every architecture it runs on).
/// The CPU time of process `pid` in user space and in the kernel, from `/proc/PID/stat`.
fn process_cpu_parts(pid: u32) -> Option<(Duration, Duration)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the program's name, which is in parentheses and may hold spaces:
    // state is field 3, utime 14, stime 15, in ticks of 10 ms.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |field: usize| {
        Some(Duration::from_millis(
            fields.get(field)?.parse::<u64>().ok()? * 10,
        ))
    };
    Some((ticks(11)?, ticks(12)?))
}

/// The main thread's nanoseconds on a CPU and waiting for one, from `/proc/PID/schedstat`.
fn main_thread_schedstat(pid: u32) -> Option<(Duration, Duration)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/schedstat")).ok()?;
    let mut fields = stat.split_whitespace().map(|n| n.parse::<u64>().ok());
    let (running, waiting) = (fields.next()??, fields.next()??);
    Some((Duration::from_nanos(running), Duration::from_nanos(waiting)))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// A shell that computes, then sleeps: the samples tell the two apart.
    #[test]
    fn computing_and_sleeping_are_told_apart() {
        let script = "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo computed; \
                      sleep 0.3; echo slept; exec sleep 30";
        let run = run_sampled(
            crate::command("sh", &["-c", script]),
            Duration::from_secs(20),
            &["computed", "slept"],
        );
        assert!(
            !run.hung && run.status.is_none(),
            "stopped after the last marker: {run:?}"
        );
        let [computed, slept] = run.samples[..] else {
            panic!("two samples: {run:?}")
        };
        let computing = computed.cpu.unwrap();
        assert!(computing >= Duration::from_millis(50), "{run:?}");
        assert!(
            slept.cpu.unwrap() - computing < Duration::from_millis(50),
            "{run:?}"
        );
        let asleep = slept.main_thread_asleep().unwrap() - computed.main_thread_asleep().unwrap();
        assert!(asleep >= Duration::from_millis(250), "{run:?}");
    }
}
