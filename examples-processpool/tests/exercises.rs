//! The checks of the exercises in tutorial.md. Each fails until its exercise is done, so
//! they are ignored in the normal test run. Run one with, for example:
//!
//! ```text
//! cargo test -p examples-processpool --test exercises -- --ignored rayon_three_threads
//! ```

use std::time::Duration;
use testkit::{Ran, command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-processpool");

fn run_lesson(args: &[&str]) -> Ran {
    let mut lesson = command(BINARY, args);
    // rayon's global pool then has one thread on every machine: only a pool of your own has three.
    lesson.env("RAYON_NUM_THREADS", "1");
    let ran = run(lesson, Duration::from_secs(60));
    assert!(ran.status.success(), "{ran:?}");
    ran
}

/// The timeline header printed right after `name`'s timing line.
fn timeline_after<'a>(ran: &'a Ran, name: &str) -> &'a str {
    let start = ran
        .stdout
        .find(&format!(" [*] {name}()"))
        .expect("the timing line");
    ran.stdout[start..]
        .lines()
        .find(|l| l.contains("timeline:"))
        .expect("a timeline")
}

#[test]
#[ignore = "exercise: passes once with_rayon runs on a pool of three threads"]
fn rayon_three_threads() {
    let ran = run_lesson(&["--time-scale", "0.1"]);
    let header = timeline_after(&ran, "with_rayon");
    assert!(header.contains("3 tasks on 3 workers"), "with_rayon: {header}");
    let ratio = ran.seconds_of("with_rayon") / ran.seconds_of("with_threads");
    assert!(
        ratio < 1.4,
        "three sleeps on three threads take one delay (ratio {ratio:.2})"
    );
}

#[test]
#[ignore = "exercise: passes once with_threads uses one thread per CPU, not one per number"]
fn threads_per_cpu() {
    let numbers: Vec<String> = (1..=40).map(|n| n.to_string()).collect();
    let mut args = vec!["--time-scale", "0.01"];
    args.extend(numbers.iter().map(String::as_str));
    let ran = run_lesson(&args);
    let cpus = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(40);
    let header = timeline_after(&ran, "with_threads");
    assert!(
        header.contains(&format!("40 tasks on {cpus} worker")),
        "with_threads: {header}"
    );
    assert_eq!(ran.lines_starting("With_threads: ").len(), 40);
}

#[test]
#[ignore = "exercise: passes once my_function computes instead of sleeping (without --cpu)"]
fn cpu_bound() {
    // With two more numbers than CPUs, sleeping threads all finish in one delay (a speed-up
    // of n over one by one); computing threads can't beat the CPU count.
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let numbers: Vec<String> = (2..cpus as i64 + 4).map(|n| n.to_string()).collect();
    let mut args = vec!["--time-scale", "0.25", "--no-timeline"];
    args.extend(numbers.iter().map(String::as_str));
    let ran = run_lesson(&args);
    let speedup = ran.seconds_of("without_executor") / ran.seconds_of("with_threads");
    let halfway = (numbers.len() + cpus) as f64 / 2.0;
    assert!(
        speedup < halfway,
        "threads sped up {speedup:.1}x on {cpus} CPUs: my_function still sleeps (that allows {}x)",
        numbers.len()
    );
}
