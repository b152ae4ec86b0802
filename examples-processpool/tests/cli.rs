//! examples-processpool end to end: the real binary and its real worker processes,
//! at a small time scale. The tests assert what the runs did (the squares, how many tasks
//! ran at once, which failed), not how long they took: `cargo bench -p examples-processpool`
//! times them. The runs that take seconds are ignored by `cargo test --workspace` and run
//! by name in `.ci/run`.

use std::time::Duration;
use testkit::{DEADLINE, command, run, run_program};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-processpool");

#[test]
#[ignore = "the lesson as shipped: the answers to exercises 8.6 and 8.9 change this run; \
            .ci/ignored runs it"]
fn the_default_lesson_squares_two_three_four_four_ways() {
    let ran = run_program(BINARY, &["--time-scale", "0.1", "--workers", "2"]);
    assert!(ran.status.success(), "{ran:?}");
    ran.assert_no_panic_report();
    for label in ["Without_executor", "With_executor", "With_threads", "With_rayon"] {
        for (x, square) in [(2, 4), (3, 9), (4, 16)] {
            let line = format!("{label}: {x} squared = {square}");
            assert_eq!(ran.lines_starting(&line).len(), 1, "{line}\n{}", ran.stdout);
        }
    }
    assert_eq!(
        ran.lines_starting("Without_executor: 2 squared = 4 [ 0.20 sec ]")
            .len(),
        1
    );
    // One by one: one at a time. Two worker processes: two at once. A thread each: all three.
    let at_once = |run| ran.most_at_once_in_timeline(run);
    assert_eq!(at_once("without_executor"), 1, "{}", ran.stdout);
    assert_eq!(at_once("with_executor"), 2, "{}", ran.stdout);
    assert_eq!(at_once("with_threads"), 3, "{}", ran.stdout);
    ran.assert_printed("timeline: 3 tasks on 2 workers;");
    ran.assert_printed("Summary: 3 tasks of 0.20 sec each (sleeping)");
}

#[test]
#[ignore = "the lesson as shipped: the answer to exercise 8.9 changes this run; \
            .ci/ignored runs it"]
fn two_hundred_numbers_through_two_workers_all_come_back_right() {
    let numbers: Vec<String> = (1..=200).map(|n: i64| n.to_string()).collect();
    let mut args = vec!["--time-scale", "0", "--workers", "2", "--no-timeline"];
    args.extend(numbers.iter().map(String::as_str));
    let ran = run_program(BINARY, &args);
    assert!(ran.status.success(), "{ran:?}");
    let pool_lines = ran.lines_starting("With_executor: ");
    assert_eq!(pool_lines.len(), 200);
    for n in 1..=200_i64 {
        let line = format!("With_executor: {n} squared = {}", n * n);
        assert!(pool_lines.contains(&line.as_str()), "missing {line}");
    }
}

#[test]
fn ordered_keeps_the_input_order_even_when_later_tasks_finish_first() {
    let ran = run_program(
        BINARY,
        &[
            "--time-scale",
            "0.02",
            "--workers",
            "3",
            "--ordered",
            "--no-timeline",
            "9",
            "8",
            "7",
        ],
    );
    assert!(ran.status.success(), "{ran:?}");
    let pool_lines = ran.lines_starting("With_executor: ");
    assert_eq!(
        pool_lines,
        [
            "With_executor: 9 squared = 81",
            "With_executor: 8 squared = 64",
            "With_executor: 7 squared = 49"
        ]
    );
}

// CPython test_deadlock.py :: test_error_during_func_exec_on_worker: an exception in the
// task comes back from `result()` and the pool goes on working.
#[test]
fn a_panicking_task_fails_alone_and_its_worker_goes_on() {
    // 3037000500 squared does not fit in an i64: my_function panics, in the worker process
    // too, which catches it, sends it back as that task's error, and serves the next task.
    let args = ["--time-scale", "0.02", "--workers", "1", "2", "3037000500", "4"];
    let ran = run_program(BINARY, &args);
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    ran.assert_no_panic_report();
    // Each way says it in the same words (the pool's once said "failed: panicked: …").
    for label in ["Without_executor", "With_executor", "With_threads", "With_rayon"] {
        for (x, square) in [(2, 4), (4, 16)] {
            let line = format!("{label}: {x} squared = {square}");
            assert_eq!(ran.lines_starting(&line).len(), 1, "{line}\n{}", ran.stdout);
        }
        let line = format!("{label}: 3037000500 failed: x * x does not fit in an i64");
        assert_eq!(ran.lines_starting(&line).len(), 1, "{line}\n{}", ran.stdout);
    }
    assert!(ran.stdout.contains("4 of 12 tasks failed."), "{}", ran.stdout);
    // One worker process ran all three tasks: the panic did not cost it its life.
    let after_pool = ran.stdout.split("With_executor: ").last().unwrap_or_default();
    let pool_timeline = after_pool.split("With_threads: ").next().unwrap_or_default();
    assert!(
        pool_timeline.contains("timeline: 3 tasks on 1 worker;"),
        "{}",
        ran.stdout
    );
}

#[test]
fn cpu_work_gives_the_same_squares() {
    let ran = run_program(
        BINARY,
        &["--cpu", "--time-scale", "0.02", "--no-timeline", "5", "6"],
    );
    assert!(ran.status.success(), "{ran:?}");
    assert_eq!(
        ran.lines_starting("With_rayon: 6 squared = 36").len(),
        1,
        "{}",
        ran.stdout
    );
    ran.assert_printed("(computing)");
}

#[test]
fn bad_numbers_zero_workers_and_bad_time_limits_are_usage_errors() {
    testkit::assert_usage_errors(
        BINARY,
        &[
            (&["abc"][..], "invalid digit"),
            (&["99999999999999999999"][..], "too large"),
            (&["--workers", "0"][..], "0 is not in 1..=256"),
            // A time limit must be a number of seconds above 0: not 0, negative, or NaN.
            (&["--task-timeout", "0"][..], "expected a number of seconds > 0"),
            (&["--task-timeout", "-1"][..], "expected a number of seconds > 0"),
            (&["--task-timeout", "nan"][..], "expected a number of seconds > 0"),
            // Too long is said too: "> 0" alone read as wrong beside 1e308.
            (&["--task-timeout", "1e308"][..], "less than 1e9"),
        ],
    );
}

/// An argument that is not UTF-8 is clap's usage error: reading it to see whether this
/// process is a pool worker panicked first.
#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_a_usage_error() {
    testkit::assert_non_utf8_argument_is_a_usage_error(BINARY);
}

/// `--task-timeout`: a pool task past the limit fails and its worker is replaced; the
/// others finish, and the other ways of squaring are not limited.
#[test]
#[ignore = "the lesson as shipped: the answer to exercise 8.9 changes this run; \
            .ci/ignored runs it"]
fn a_task_timeout_fails_the_slow_pool_tasks_only() {
    // 2 s tasks scaled to 0.4 s; a limit of 0.2 s fails each pool task.
    let args = [
        "--time-scale",
        "0.2",
        "--task-timeout",
        "0.2",
        "--workers",
        "2",
        "--no-timeline",
        "5",
        "6",
    ];
    let ran = run_program(BINARY, &args);
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    let failed = ran.lines_starting("With_executor: ");
    assert_eq!(failed.len(), 2, "{}", ran.stdout);
    for line in failed {
        assert!(
            line.contains("failed: no answer within the 0.2 s time limit"),
            "{line}"
        );
    }
    assert_eq!(
        ran.lines_starting("With_threads: 5 squared = 25").len(),
        1,
        "{}",
        ran.stdout
    );
}

#[test]
fn output_piped_into_head_ends_quietly_and_leaves_no_worker() {
    testkit::assert_quiet_when_piped_into_head(BINARY, &["--time-scale", "0.05"]);
}

/// Linux only: the kernel lists each process's children in /proc.
#[cfg(target_os = "linux")]
mod processes {
    use super::*;
    use std::process::Stdio;

    use testkit::faults::processes::{alive, left_behind, workers_of};

    /// The lesson squaring 7 and 8 on two worker processes (sleeps of 2 s: time enough to
    /// act on a worker in the middle of its task), and the workers' ids.
    fn start_with_two_workers(stdout: Stdio) -> (std::process::Child, Vec<u32>) {
        let child = command(BINARY, &["--workers", "2", "--no-timeline", "7", "8"])
            .stdout(stdout)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let workers = workers_of(child.id(), 2);
        assert_eq!(workers.len(), 2, "two workers should have started");
        (child, workers)
    }

    #[test]
    #[ignore = "slow: the whole lesson at its real 2 s sleeps; .ci/run runs it"]
    fn a_killed_worker_fails_its_task_and_no_process_is_left_behind() {
        let (child, workers) = start_with_two_workers(Stdio::piped());
        std::thread::sleep(Duration::from_millis(300));
        testkit::send_signal(workers[0], "-KILL");

        let (status, output) = testkit::faults::finish(child);
        assert_eq!(status.code(), Some(1), "{output}");
        let died: Vec<&str> = output
            .lines()
            .filter(|l| l.contains("died (killed by signal 9"))
            .collect();
        assert_eq!(died.len(), 1, "{output}");
        let pool_lines = testkit::lines_starting(&output, "With_executor: ");
        assert_eq!(pool_lines.len(), 2, "{output}");
        for pid in workers {
            assert!(!alive(pid), "worker {pid} outlived the run");
        }
    }

    #[test]
    #[ignore = "slow: the lesson at its real 2 s sleeps, interrupted; .ci/run runs it"]
    fn killing_the_program_leaves_no_worker_behind() {
        // Like Ctrl-C on a program whose workers get no signal of their own: they see
        // their stdin close and exit at once.
        let (mut child, workers) = start_with_two_workers(Stdio::null());
        testkit::interrupt(&mut child);
        let left = left_behind(&workers, Duration::from_secs(5));
        assert_eq!(left, Vec::<u32>::new(), "workers outlived their pool");
    }
}

#[test]
#[ignore = "slow: every command of the tutorial for this lesson; .ci/run runs it"]
fn the_tutorials_commands_still_run() {
    testkit::run_tutorial_commands("examples-processpool", BINARY);
}

/// `cargo run -p examples-processpool --example futures` ends in its asserts: it passes them.
#[test]
fn the_futures_example_passes_its_own_asserts() {
    let ran = run_example("futures");
    assert!(ran.stdout.contains("map: [16, 25, 36]"), "{}", ran.stdout);
}

/// `cargo run -p examples-processpool --example pool_settings` passes its asserts too.
#[test]
fn the_pool_settings_example_passes_its_own_asserts() {
    let ran = run_example("pool_settings");
    assert!(ran.stdout.contains("TimeoutError: "), "{}", ran.stdout);
}

/// The examples print as the lessons do: `| head -1` ends quietly, and a full disk is one
/// line and exit status 1, never a panic (`println!` panicked on both).
/// The four runs go at once: each example runs for about a second, mostly waiting.
#[test]
fn the_examples_keep_the_output_promises() {
    std::thread::scope(|scope| {
        for name in ["futures", "pool_settings"] {
            let example = example_path(name);
            let piped = example.clone();
            scope.spawn(move || testkit::assert_quiet_when_piped_into_head(&piped, &[]));
            #[cfg(target_os = "linux")]
            scope.spawn(move || {
                let full_disk = testkit::command_via_shell("", ">/dev/full", &example, &[]);
                run(full_disk, DEADLINE).assert_full_disk_said();
            });
        }
    });
}

/// Run the example `name` to its end, and check that it succeeded.
fn run_example(name: &str) -> testkit::Ran {
    let ran = run(command(&example_path(name), &[]), DEADLINE);
    assert!(ran.status.success(), "{ran:?}");
    ran.assert_no_panic_report();
    ran
}

/// The example `name`'s path: `cargo test` builds the examples next to the test programs,
/// in `target/…/examples`.
fn example_path(name: &str) -> String {
    let tests = std::env::current_exe().expect("this test's path");
    let profile = tests
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/PROFILE");
    let example = profile
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        example.exists(),
        "{example:?} is not built: `cargo test -p examples-processpool` builds it (`--test cli` alone does not)"
    );
    example.to_str().expect("a UTF-8 path").to_string()
}
