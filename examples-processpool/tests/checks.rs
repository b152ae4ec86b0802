//! The checks of the exercises in tutorial.md. Each fails until its exercise is done, so
//! they are ignored in the normal test run. Run one with, for example:
//!
//! ```text
//! cargo test -p examples-processpool --test checks -- --ignored rayon_three_threads
//! ```
//!
//! Each check tests what its exercise teaches, and was tried against the shortcuts a learner
//! in a hurry might take (named in each check's comment): they fail it.
//! `cargo run -p exercises` runs them all and shows your progress.

use std::path::Path;
use std::process::Command;
use std::time::Duration;
use testkit::{Ran, command, function_source, run};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-processpool");

/// Where Linux's `taskset` can pin it, the lesson runs on at most `cpus` of this machine's
/// CPUs, so a check means the same on 2 CPUs and on 64; elsewhere on all of them. The CPU
/// list to pin to (if any) and the CPU count the lesson will see.
fn pinning(cpus: usize) -> (Option<String>, usize) {
    let all = common::workers::cpus();
    let allowed = allowed_cpus();
    if all > cpus && allowed.len() >= cpus && taskset_works() {
        let list: Vec<String> = allowed[..cpus].iter().map(usize::to_string).collect();
        (Some(list.join(",")), cpus)
    } else {
        (None, all)
    }
}

fn run_lesson_on(pinned: Option<&str>, args: &[&str]) -> Ran {
    let mut lesson = match pinned {
        Some(list) => {
            let mut lesson = command("taskset", &["-c", list, BINARY]);
            lesson.args(args);
            lesson
        }
        None => command(BINARY, args),
    };
    // rayon's global pool then has one thread on every machine: only a pool of your own has three.
    lesson.env("RAYON_NUM_THREADS", "1");
    let ran = run(lesson, Duration::from_secs(90));
    assert!(ran.status.success(), "{ran:?}");
    ran
}

fn run_lesson(args: &[&str]) -> Ran {
    run_lesson_on(None, args)
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

fn taskset_works() -> bool {
    Command::new("taskset")
        .args(["-c", &allowed_cpus().first().unwrap_or(&0).to_string(), "true"])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// The lesson's source, `src/main.rs`, as the learner left it.
fn main_rs() -> String {
    std::fs::read_to_string(MAIN_RS).unwrap_or_else(|e| panic!("{MAIN_RS}: {e}"))
}

const MAIN_RS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/main.rs");

/// The task labels of the timeline printed after `name`'s timing line, in the order the
/// tasks started (the timeline draws its rows in start order).
fn timeline_rows<'a>(ran: &'a Ran, name: &str) -> Vec<&'a str> {
    ran.after(name)
        .lines()
        .skip_while(|l| !l.contains("timeline:"))
        .skip(1)
        .take_while(|l| l.contains('|'))
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

/// The seconds each call took one by one, from the `Without_executor: ... [ 0.20 sec ]` lines.
fn calls_one_by_one(ran: &Ran) -> Vec<f64> {
    ran.lines_starting("Without_executor: ")
        .iter()
        .filter_map(|l| l.split("[ ").nth(1)?.split(' ').next()?.parse().ok())
        .collect()
}

/// `count` numbers to square, from 2 on, as arguments.
fn numbers(count: usize) -> Vec<String> {
    (2..2 + count).map(|n| n.to_string()).collect()
}

/// Shortcuts this fails: a thread per number (five numbers need five threads, not three),
/// `RAYON_NUM_THREADS` (the check sets it to 1), three `std::thread::scope` threads over
/// `numbers.chunks(..)` instead of rayon (`with_rayon` must build a `ThreadPoolBuilder` pool
/// and `install` its `par_iter` work, with no `thread::`), such a pool that `install`s a
/// helper starting three std threads (no `thread::` in main.rs outside with_threads, nor
/// `std::thread` renamed, `use std::thread as t`, nor any `spawn(`),
/// `build_global` (the global pool, not one of
/// your own: it may appear nowhere in `src/main.rs`).
#[test]
#[ignore = "exercise: passes once with_rayon runs on a pool of three threads"]
fn rayon_three_threads() {
    let numbers = numbers(5);
    let mut args = vec!["--time-scale", "0.1"];
    args.extend(numbers.iter().map(String::as_str));
    let ran = run_lesson(&args);
    let header = ran.timeline_after("with_rayon");
    assert!(
        header.contains("5 tasks on 3 workers"),
        "with_rayon should run its par_iter on a rayon pool of exactly three threads, its own \
         (`ThreadPoolBuilder`, then `pool.install`); its timeline says `{}`",
        header.trim()
    );
    // Five sleeps, three at a time: two rounds, 2/5 of one by one.
    let ratio = ran.seconds_of("with_rayon") / ran.seconds_of("without_executor");
    assert!(
        ratio < 0.6,
        "three at once takes two rounds for five (ratio {ratio:.2})"
    );
    // And rayon did it, on a pool of with_rayon's own: three threads that look like rayon
    // pass the timings above too.
    let source = main_rs();
    let with_rayon = function_source(Path::new(MAIN_RS), "with_rayon");
    for wanted in ["ThreadPoolBuilder", "num_threads(", ".install("] {
        assert!(
            with_rayon.contains(wanted),
            "with_rayon must build its own rayon pool (`rayon::ThreadPoolBuilder::new().num_threads(3)`) and run its `par_iter` inside `pool.install(..)`: no `{wanted}` in\n{with_rayon}"
        );
    }
    assert!(
        with_rayon.contains("par_iter"),
        "with_rayon's work is rayon's: the same `par_iter`, run inside `pool.install(..)`:\n{with_rayon}"
    );
    // No threads of its own, in with_rayon or in a helper it installs: outside with_threads
    // (the exercise's other lesson), no code of main.rs names std's threads.
    let with_threads = function_source(Path::new(MAIN_RS), "with_threads");
    let elsewhere = testkit::code_lines(&source).replacen(&with_threads, "", 1);
    assert!(
        !["thread::", "thread as", "spawn("]
            .iter()
            .any(|own| elsewhere.contains(own)),
        "the three threads must be the rayon pool's own: with_rayon leaves the threads to rayon, and \
         nothing it calls starts threads of its own (`thread::`, `thread as` or `spawn(` outside \
         with_threads)"
    );
    assert!(
        !source.contains("build_global"),
        "a pool of with_rayon's own, not rayon's global pool (`build_global`): it would change every other use of rayon in the program"
    );
}

/// Shortcuts this fails: a hard-coded thread count (the lesson is run on one CPU, then on
/// up to two), a thread per number (more numbers than CPUs), fixed chunks of the numbers
/// per thread, `numbers.chunks(numbers.len().div_ceil(cpus()))` (no shared queue: on two
/// CPUs the first tasks to start are 2 and 6, not 2 and 3), and turns fixed in advance
/// (`skip(t).step_by(cpus)`: the first tasks are right, but no queue is shared; every call
/// sleeps as long, so only the code tells: it must share an index or a `Mutex`), also
/// spelled `i%n` or `rem_euclid` with an unused `fetch_add` beside them, or with the
/// `fetch_add(` in a comment.
#[test]
#[ignore = "exercise: passes once with_threads uses one thread per CPU, not one per number"]
fn threads_per_cpu() {
    for cpus in [1, 2] {
        let (pinned, seen) = pinning(cpus);
        let numbers = numbers(2 * seen + 3);
        let mut args = vec!["--time-scale", "0.01"];
        args.extend(numbers.iter().map(String::as_str));
        let ran = run_lesson_on(pinned.as_deref(), &args);
        let header = ran.timeline_after("with_threads");
        let wanted = format!("{} tasks on {seen} worker", numbers.len());
        assert!(
            header.contains(&format!("{wanted}s;")) || header.contains(&format!("{wanted};")),
            "with_threads on {seen} CPU(s) should start one thread per CPU, each taking the next \
             number until none is left: expected `{wanted}`, got `{header}`"
        );
        assert_eq!(ran.lines_starting("With_threads: ").len(), numbers.len());
        // Each thread takes the next number from a queue they share, so the first `seen` to
        // start are the first `seen` numbers, in whatever order; a fixed chunk per thread
        // starts one number from each chunk instead.
        let mut first: Vec<&str> = timeline_rows(&ran, "with_threads")
            .into_iter()
            .take(seen)
            .collect();
        first.sort_unstable_by_key(|label| label.parse::<i64>().unwrap_or(i64::MAX));
        assert_eq!(
            first,
            numbers[..seen],
            "with_threads on {seen} CPU(s): the first tasks to start must be the first numbers (each thread takes the next number left, not a chunk of its own):\n{}",
            ran.stdout
        );
    }
    // Every call sleeps as long, so a fixed share per thread and a shared queue finish
    // alike here; the check reads which one with_threads has.
    let with_threads = function_source(Path::new(MAIN_RS), "with_threads");
    let shares_a_queue = with_threads.contains("fetch_add(") || with_threads.contains(".lock()");
    let splits_up_front = ["step_by(", "skip(", "chunks", "%", "rem_euclid("]
        .iter()
        .any(|split| with_threads.contains(split));
    assert!(
        shares_a_queue && !splits_up_front,
        "each thread should take the next number left, from a queue the threads share (an index \
         they all advance with `fetch_add`, or a `Mutex`), not a share of the numbers fixed before \
         they start: with calls of different lengths, a fixed share leaves a thread idle while \
         numbers wait in another's share:\n{with_threads}"
    );
}

/// Shortcuts this fails: deleting the sleep (no work at all: each call must take tens of
/// milliseconds at least), keeping the sleep (threads would then beat the CPU count),
/// keeping it and counting primes after it (each call then lasts longer at a larger time
/// scale), waiting in a loop that watches the clock (threads beat the CPU count: waiting is
/// not computing), turning `--cpu` on by default (`Work::for_lesson(true, ..)`: that work
/// is calibrated to the time scale, so at `--time-scale 0.001` it shrinks below the floor;
/// counting primes does not), and the lesson's `--cpu` busy loop called from my_function
/// with a fixed count (`Work::Compute { rounds }.run()`: real work, but not the exercise's;
/// the check reads my_function for it).
#[test]
#[ignore = "exercise: passes once my_function computes instead of sleeping (without --cpu)"]
fn cpu_bound() {
    // The work is my_function's own: the lesson's Work (the sleep, or --cpu's calibrated
    // busy loop, even with a fixed count of rounds) is not what the exercise asks to write.
    let my_function = function_source(Path::new(MAIN_RS), "my_function");
    assert!(
        !my_function.contains(".run(") && !my_function.contains("Work::"),
        "my_function should compute on its own, counting primes by trial division as the exercise \
         asks, instead of calling the lesson's Work (the sleep, or --cpu's busy loop):\n{my_function}"
    );
    let (pinned, cpus) = pinning(2);
    // First the quick run: real work lasts as long whatever the time scale; the sleep and the
    // lesson's `--cpu` work last 2 s times the scale, 0.002 s here, far under the floor.
    let quick = calls_at(pinned.as_deref(), "0.001", &numbers(2)).0;
    let shortest = quick.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(
        shortest >= 0.05,
        "at --time-scale 0.001 the quickest call took {shortest:.3} s: my_function must do real \
         work of its own (aim for 0.2 to 0.5 s in a debug build), which no time scale shortens: \
         the sleep and the lesson's --cpu work both shrink with it"
    );
    let numbers = numbers(cpus + 3);
    let (calls, ran) = calls_at(pinned.as_deref(), "0.5", &numbers);
    // A sleep left in adds 1 s to each call here (2 s times 0.5), and 0.002 s above.
    let longer =
        calls.iter().copied().fold(f64::INFINITY, f64::min) - quick.iter().copied().fold(0.0, f64::max);
    assert!(
        longer < 0.5,
        "each call took at least {longer:.2} s longer at --time-scale 0.5 than at 0.001: \
         my_function still sleeps besides computing; the work should replace the sleep"
    );
    // With more numbers than CPUs, sleeping threads all finish in one delay (a speed-up of
    // n over one by one); computing threads can't beat the CPU count.
    let speedup = ran.seconds_of("without_executor") / ran.seconds_of("with_threads");
    let halfway = (numbers.len() + cpus) as f64 / 2.0;
    assert!(
        speedup < halfway,
        "threads sped up {speedup:.1}x on {cpus} CPUs, more than {cpus} CPUs can compute (up to \
         {}x is waiting, not computing): each call waits for time to pass, by sleeping or by \
         watching the clock; my_function should compute, as counting primes does",
        numbers.len()
    );
}

/// Run the lesson at this time scale, without timelines: how long each call took one by one,
/// and the run.
fn calls_at(pinned: Option<&str>, scale: &str, numbers: &[String]) -> (Vec<f64>, Ran) {
    let mut args = vec!["--time-scale", scale, "--no-timeline"];
    args.extend(numbers.iter().map(String::as_str));
    let ran = run_lesson_on(pinned, &args);
    let calls = calls_one_by_one(&ran);
    assert_eq!(calls.len(), numbers.len(), "{}", ran.stdout);
    (calls, ran)
}
