//! The checks of the exercises in tutorial.md. Each fails until its exercise is done, so
//! they are ignored in the normal test run. Run one with, for example:
//!
//! ```text
//! cargo test -p examples-processpool --test checks -- --ignored rayon_three_threads
//! ```
//!
//! Each check judges what the lesson does, seen from outside: how many calls of
//! `my_function` run at once, on how many threads, and on which rayon pool if any (each call
//! waits on the check's own server, `testkit::meeting`), the CPU time they spend
//! (`testkit::cpu_time`), and what the lesson prints. The lesson is run as on machines of
//! different CPU counts (`testkit::cpus`), so a verdict is the same on 1, 2 or 64 CPUs.
//! Reading the code only confirms the API an exercise names, and that the lesson tells the
//! check's server nothing of its own (the crate `check-probe` does). Each check was tried
//! against the shortcuts a learner in a hurry might take (named in its comment, and kept as
//! patches in `tests/check-variants/`): they fail it. `cargo run -p exercises` runs them all
//! and shows your progress.

use check_probe::CHECK_MEET;
use std::path::Path;
use std::time::Duration;
use testkit::cpu_time::{SampledRun, run_sampled};
use testkit::cpus::ForcedCpus;
use testkit::meeting::{Meeting, Seen};
use testkit::{code_lines, crate_code};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-processpool");

/// The lesson's source, `src/main.rs`, as the learner left it.
const MAIN_RS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/main.rs");

/// Every file of the lesson, `src/`, as the learner left it.
const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// How long one run of the lesson may take here: far longer than any takes, so only a hang
/// reaches it.
const DEADLINE: Duration = Duration::from_secs(20);

/// The lesson's stages, in the order `main` runs them.
const WITH_THREADS: usize = 2;
const WITH_RAYON: usize = 3;

/// `count` numbers to square, from 2 on, as arguments.
fn numbers(count: usize) -> Vec<String> {
    (2..2 + count).map(|n| n.to_string()).collect()
}

/// Run the lesson (as on `forced`'s CPUs, with a pool of two processes, the calls of stage
/// `stage` watched by a meeting server) on `numbers`: what the server saw of that stage,
/// whose results the lesson prints as `label: ...` lines.
fn watch_stage(stage: usize, forced: &ForcedCpus, numbers: &[String], label: &str) -> Seen {
    assert_no_connection_of_its_own();
    let meeting = Meeting::start(stage, numbers.len());
    let mut args = vec!["--workers", "2", "--no-timeline"];
    args.extend(numbers.iter().map(String::as_str));
    let mut lesson = forced.command(BINARY, &args);
    lesson.env(CHECK_MEET, meeting.address());
    let run = run_sampled(lesson, DEADLINE, &[]);
    let seen = meeting.finish();
    assert_ran(&run);
    let results = testkit::lines_starting(&run.stdout, label).len();
    assert!(
        results == numbers.len() && seen.calls == numbers.len(),
        "the lesson printed {results} `{label}` results for {} numbers, after {} calls of my_function: \
         my_function must still call the lesson's `work.run()` here (8.9 changes it: do one \
         exercise at a time)",
        numbers.len(),
        seen.calls
    );
    seen
}

/// What the check's server is told of each call, the crate `check-probe` says, from outside
/// the lesson's files. The lesson needs no connection of its own: one (`TcpStream`) could
/// tell the server anything, a rayon pool that runs no call, threads that do not exist.
fn assert_no_connection_of_its_own() {
    assert!(
        !crate_code(Path::new(SRC)).contains("TcpStream"),
        "the lesson's code names `TcpStream`: it needs no connection of its own, and each call of \
         my_function tells the check's server where it runs through the crate `check-probe` alone \
         (`Work::Meet` in src/work.rs): leave that to it"
    );
}

/// One line for a lesson that hung, failed or printed nothing (bad input: a check says which).
fn assert_ran(run: &SampledRun) {
    let said = run
        .stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("nothing");
    assert!(
        !run.hung,
        "the lesson did not finish within {} s (it printed {} lines): does every call of my_function return, and is every thread joined?",
        DEADLINE.as_secs(),
        run.stdout.lines().count()
    );
    assert!(
        !run.stdout.trim().is_empty(),
        "the lesson printed nothing; on stderr it said: {said}"
    );
    if let Some(status) = run.status {
        assert!(
            status.success(),
            "the lesson ended with {status}; on stderr it said: {said}"
        );
    }
}

/// Each call of my_function tells the check's server whether a rayon pool's worker thread
/// runs it, and that pool's size. Shortcuts this fails: a rayon pool sized from the CPU count
/// (`num_threads(cpus() + 1)`, 3 only on 2 CPUs: the lesson is run as on 1 CPU and on 5),
/// rayon's global pool (`RAYON_NUM_THREADS` is set to the CPU count each run), a thread per
/// number (seven numbers: seven at once), `cpus().max(3)`, `rayon::current_num_threads() + 2`,
/// three std threads started inside a rayon pool's `install` (rayon runs none of the calls),
/// rayon's global pool made three with `build_global` behind an `install` of one's own
/// making, or by the program running itself again with `RAYON_NUM_THREADS=3` (the one thing
/// the outside cannot tell from a pool of one's own: the code is read for those two), and
/// three std threads that tell the check's server a pool of three through a connection of
/// the lesson's own (`src/` is read for `TcpStream`).
#[test]
#[ignore = "exercise: passes once with_rayon runs on a pool of three threads"]
fn rayon_three_threads() {
    let numbers = numbers(7);
    for cpus in [1, 5] {
        let forced = ForcedCpus::new(cpus);
        let seen = watch_stage(WITH_RAYON, &forced, &numbers, "With_rayon: ");
        assert!(
            seen.at_once == 3 && seen.threads == 3,
            "with_rayon, run as on {cpus} CPU(s), ran {} of its {} calls of my_function at once, on \
             {} thread(s): the exercise asks for a rayon pool of exactly three threads, of its own, \
             whatever the CPU count",
            seen.at_once,
            numbers.len(),
            seen.threads
        );
        let off_rayon = seen.rayon_pools.iter().filter(|pool| pool.is_none()).count();
        let mut pools: Vec<usize> = seen.rayon_pools.iter().flatten().copied().collect();
        pools.sort_unstable();
        pools.dedup();
        assert!(
            off_rayon == 0 && pools == [3],
            "with_rayon, run as on {cpus} CPU(s), ran {off_rayon} of its {} calls of my_function on \
             threads that are no rayon pool's workers{}: the exercise asks for rayon to run every \
             call, on a pool of exactly three threads",
            seen.rayon_pools.len(),
            if pools.is_empty() {
                String::new()
            } else {
                let sizes: Vec<String> = pools.iter().map(usize::to_string).collect();
                format!(", the others on a rayon pool of {} threads", sizes.join(" or "))
            }
        );
    }
    // rayon's global pool made three with `build_global` looks the same from outside; the
    // exercise asks for a pool of with_rayon's own (the API it names, `ThreadPoolBuilder`).
    // So does the global pool sized by RAYON_NUM_THREADS=3 in a run of the program by itself.
    let lesson = code_lines(&std::fs::read_to_string(MAIN_RS).expect("the lesson's source"));
    let global = ["build_global", "RAYON_NUM_THREADS"]
        .into_iter()
        .find(|sized| lesson.contains(sized));
    assert!(
        global.is_none(),
        "every call of with_rayon ran on a rayon pool of three threads, but the lesson sizes rayon's \
         global pool (`{}`): the exercise asks for a pool of with_rayon's own, which no other code \
         of the program shares",
        global.unwrap_or_default()
    );
}

/// Shortcuts this fails: a hard-coded thread count (the lesson is run as on one CPU, then
/// on two), a thread per number (more numbers than CPUs), a thread per number behind a gate
/// of one per CPU (as many at once, but as many threads as numbers), and every share fixed
/// before the threads start: `chunks`, `skip(t).step_by(cpus)`, `i % cpus == t`. While one
/// call is kept waiting, the threads that share a queue finish every other number; a fixed
/// share leaves numbers waiting behind the held call.
#[test]
#[ignore = "exercise: passes once with_threads uses one thread per CPU, not one per number"]
fn threads_per_cpu() {
    for cpus in [1, 2] {
        let forced = ForcedCpus::new(cpus);
        let numbers = numbers(2 * cpus + 3);
        let seen = watch_stage(WITH_THREADS, &forced, &numbers, "With_threads: ");
        assert!(
            seen.at_once == cpus && seen.threads == cpus,
            "with_threads, run as on {cpus} CPU(s), started {} thread(s) for {} numbers and ran {} \
             calls of my_function at once: the exercise asks for one thread per CPU, each taking the \
             next number until none is left{}",
            seen.threads,
            numbers.len(),
            seen.at_once,
            not_pinned(&forced)
        );
        assert!(
            seen.waited_behind_the_held_one == 0,
            "with_threads, run as on {cpus} CPUs: while one call of my_function was kept waiting, {} \
             number(s) were not started, though the other thread was free: each thread should take \
             the next number left, from a queue the threads share, not a share of the numbers fixed \
             before they start",
            seen.waited_behind_the_held_one
        );
    }
}

/// Where the lesson could not be pinned, only `common::workers::cpus()` says the CPU count.
fn not_pinned(forced: &ForcedCpus) -> &'static str {
    if forced.pinned() {
        ""
    } else {
        " (this machine cannot be made to look like that many CPUs to all of Rust: the check tells \
         the lesson through `common::workers::cpus()`)"
    }
}

/// Shortcuts this fails: deleting the sleep (no work at all), no CPU work but sleeps
/// stretched by how many calls are active per CPU (CPU time, not the clock, is measured),
/// keeping the sleep and computing after it (one by one, the calls sleep), waiting in a loop
/// that watches the clock, alone or behind a gate of one call per CPU (four threads sharing
/// one CPU then spend about a quarter of the CPU time one by one does, the share each gets:
/// real work costs the same CPU time however the CPU is shared, and takes longer), computing
/// only on the main thread, counting once and remembering the count, and spinning until the
/// thread's own CPU clock says enough (asking the OS for the time in a loop spends most of the
/// CPU time in the kernel, where computing spends next to none). Any real work passes, primes
/// or other arithmetic, `--cpu`'s busy loop included: CPU time cannot tell them apart, and the
/// code is not read.
#[test]
#[ignore = "exercise: passes once my_function computes instead of sleeping (without --cpu)"]
fn cpu_bound() {
    // Four calls, one by one, on the pool, then on four threads: the lesson is told it has
    // four CPUs, but all its threads share one. Work costs the same CPU time however the CPU
    // is shared; a call that watches the clock gets the CPU time its share allows.
    let Some(forced) = ForcedCpus::sharing_one(SHARING) else {
        return cpu_bound_unpinned();
    };
    // Other programs on that CPU change the shares; when they happen to give each of the
    // four threads about what one call had alone, the two cannot be told apart: run again.
    for _ in 0..3 {
        let sharing = measure_sharing(&forced);
        let calls = SHARING as f64;
        assert!(
            sharing.alone / calls >= 0.02,
            "one by one, the {calls} calls of my_function used {:.3} s of CPU in {:.2} s: \
             my_function should do real work, computing (aim for 0.1 to 0.5 s a call in a debug build)",
            sharing.alone,
            sharing.wall_alone
        );
        assert!(
            sharing.asleep <= 0.2 + 0.25 * sharing.wall_alone,
            "one by one, the calls of my_function slept (or waited) {:.2} s of their {:.2} s: \
             my_function still waits besides computing; the work should replace the sleep",
            sharing.asleep,
            sharing.wall_alone
        );
        assert!(
            sharing.kernel_share <= 0.4,
            "{:.0}% of the lesson's CPU time went to the kernel, on system calls: my_function asks the \
             OS for something in a loop (the clock?) instead of computing, which spends next to none \
             there",
            100.0 * sharing.kernel_share
        );
        // Work spends as much CPU time on the threads as alone (a ratio of 1); a call that
        // watches the clock spends what its share gives it in the same time: the ratio of
        // the two shares, which the run measures. The verdict goes to the nearer one.
        let spent = sharing.shared / sharing.alone;
        let clock_would = sharing.share_ratio;
        if clock_would > 0.6 {
            continue;
        }
        assert!(
            spent >= (1.0 + clock_would) / 2.0,
            "on {SHARING} threads sharing one CPU the calls of my_function used {:.2} s of CPU, one by \
             one {:.2} s: {:.0}% of it, as calls that watch the clock get ({:.0}%), not as work \
             costs (100%). The same work costs the same CPU time however the CPU is shared; \
             my_function should compute",
            sharing.shared,
            sharing.alone,
            100.0 * spent,
            100.0 * clock_would
        );
        return;
    }
    panic!(
        "three times, other programs used the CPU the lesson was pinned to so unevenly that work \
         and waiting for the clock looked alike: run the check again when the machine is quieter"
    );
}

/// 8.9's check where the lesson cannot be pinned to one CPU (not Linux, or no `taskset`):
/// only the CPU time of the whole run shows, once it has ended: sleeping is told from work,
/// but not a loop that watches the clock (nor, on a busy machine, a sleep beside the work).
#[cfg(unix)]
fn cpu_bound_unpinned() {
    eprintln!(
        "note: here the check cannot pin the lesson to one CPU (Linux's taskset), so it sees only \
         the CPU time of the whole run: that the calls compute, not how"
    );
    let before = testkit::cpu_time::finished_children_cpu();
    let numbers = numbers(SHARING);
    let mut args = vec!["--time-scale", "0.5", "--no-timeline", "--workers", "1"];
    args.extend(numbers.iter().map(String::as_str));
    let run = run_sampled(ForcedCpus::new(SHARING).command(BINARY, &args), DEADLINE, &[]);
    assert_ran(&run);
    let spent = (testkit::cpu_time::finished_children_cpu() - before).as_secs_f64();
    // Four runs of the calls: one by one, on the pool, on threads and with rayon.
    let calls = 4 * SHARING;
    assert!(
        spent / calls as f64 >= 0.02,
        "the {calls} calls of my_function (four runs of {SHARING}) used {spent:.3} s of CPU in all: \
         my_function should do real work, computing (aim for 0.1 to 0.5 s a call in a debug build)"
    );
}

#[cfg(not(unix))]
fn cpu_bound_unpinned() {
    panic!(
        "cpu_bound measures the CPU time the lesson spends, which this check can read on Linux and \
         macOS only: run it there (WSL will do)"
    );
}

/// The calls of 8.9's check: as many as the threads that share one CPU.
const SHARING: usize = 4;

/// What a run of the lesson on `SHARING` threads sharing one CPU showed, in seconds.
struct Sharing {
    /// CPU time of the calls one by one (the main thread's), and their wall time.
    alone: f64,
    wall_alone: f64,
    /// Of that wall time, asleep (not running, nor waiting for the CPU).
    asleep: f64,
    /// CPU time of the calls on threads.
    shared: f64,
    /// Each thread's share of the CPU over the share one call had alone.
    share_ratio: f64,
    /// Of the lesson's CPU time until the threads' calls end, the part spent in the kernel.
    kernel_share: f64,
}

/// Run the lesson on `forced` (one CPU, told `SHARING`) and sample it at each stage's end.
fn measure_sharing(forced: &ForcedCpus) -> Sharing {
    let numbers = numbers(SHARING);
    let mut args = vec!["--time-scale", "0.5", "--no-timeline"];
    args.extend(numbers.iter().map(String::as_str));
    let stages = [
        " [*] without_executor()",
        " [*] with_executor()",
        " [*] with_threads()",
    ];
    let run = run_sampled(forced.command(BINARY, &args), DEADLINE, &stages);
    if run.samples.len() < stages.len() {
        assert_ran(&run);
        panic!(
            "the lesson ended before with_threads() printed its time:\n{}",
            run.stdout
        );
    }
    let [one_by_one, pool, threads] = run.samples[..] else {
        unreachable!("a sample per stage")
    };
    let (Some((running, waiting)), Some(before_threads), Some(after_threads)) =
        (one_by_one.main_thread, pool.cpu, threads.cpu)
    else {
        panic!("no CPU times in /proc for the lesson: is /proc mounted?");
    };
    // One by one, the calls run on the main thread, whose CPU time Linux counts in ns; the
    // whole process's in ticks of 10 ms, so the calls' 0.02 s each at least keep the
    // threads' share to within an eighth.
    let alone = running.as_secs_f64();
    let shared = (after_threads - before_threads).as_secs_f64();
    let wall_shared = (threads.after - pool.after).as_secs_f64();
    // Alone, the share of the CPU the main thread had while it could run; shared, each of
    // the threads', all of them runnable together (work or a clock loop, they never sleep).
    let share_alone = alone / (running + waiting).as_secs_f64().max(1e-9);
    let share_each = (shared / (SHARING as f64 * wall_shared).max(1e-9)).min(1.0);
    Sharing {
        alone,
        wall_alone: one_by_one.after.as_secs_f64(),
        asleep: one_by_one.main_thread_asleep().unwrap_or_default().as_secs_f64(),
        shared,
        share_ratio: share_each / share_alone.max(1e-9),
        kernel_share: threads.kernel.unwrap_or_default().as_secs_f64()
            / after_threads.as_secs_f64().max(1e-9),
    }
}
