//! The scale binary end to end: the real program and its stand-in sites' child process,
//! offline, with short latencies. The tests assert what the runs did (how many requests,
//! how many at a time, how each failed), not how long they took: `cargo bench -p scale`
//! times them. The runs of thousands of requests and the open-files loops take seconds, so
//! they are ignored by `cargo test --workspace` and run by name in `.ci/run`.

use demo_sites::StandInSites;
use std::time::Duration;
use testkit::{DEADLINE, Ran, command, run, run_program};

const BINARY: &str = env!("CARGO_BIN_EXE_scale");

/// The run printed `text` (with `layer`, the client layer, in the message if not).
fn assert_printed(ran: &Ran, layer: &str, text: &str) {
    assert!(
        ran.stdout.contains(text),
        "{layer}: no {text:?} in\n{}",
        ran.stdout
    );
}

/// Every request succeeded: all of them at a time where the open-files limit holds them
/// (each request is an open file in this process and one in the server's, which cannot
/// raise theirs past this test's own limit); where it cannot (`ulimit -n 256`), what the
/// README promises: a note, and the run in rounds. (How close to one latency that takes is
/// `cargo bench -p scale`'s to say: a busy machine may spend seconds on the connections.)
fn assert_all_answered(ran: &Ran, tasks: usize) {
    assert!(ran.status.success(), "{ran:?}");
    let done = format!("Done: {tasks} ok, 0 failed");
    assert!(ran.stdout.contains(&done), "{}", ran.stdout);
    let note = format!("note: {tasks} requests at once do not fit (");
    let notes = ran.lines_starting(&note);
    // The files the program keeps besides its requests: 32, and room to spare.
    let (allowed, spare) = (testkit::open_files_limit(), 64);
    let at_once = match notes[..] {
        [] => {
            assert!(
                allowed >= (tasks + spare / 2) as u64,
                "no note under a limit of {allowed}"
            );
            tasks
        }
        [note] => {
            assert!(
                allowed < (tasks + spare) as u64,
                "a note under a limit of {allowed}: {note}"
            );
            assert!(note.contains(" files, "), "the open files are the reason: {note}");
            let running = note.rsplit_once("running ").map(|(_, rest)| rest);
            let at_once = running.and_then(|rest| rest.split(' ').next()?.parse().ok());
            at_once.unwrap_or_else(|| panic!("how many at a time: {note}"))
        }
        _ => panic!("one note at most:\n{}", ran.stdout),
    };
    assert!(
        ran.stdout.contains(&format!("{at_once} at a time")),
        "{}",
        ran.stdout
    );
    ran.assert_no_panic_report();
}

#[test]
#[ignore = "slow: 2,000 requests (seconds on a busy machine); .ci/run runs it"]
fn two_thousand_requests_at_once_all_succeed() {
    let ran = run_program(BINARY, &["--tasks", "2000", "--latency-ms", "100"]);
    assert_all_answered(&ran, 2000);
    ran.assert_printed("with reqwest on one thread");
    // The client's and the server's costs, each on its own, where the OS reports them.
    if cfg!(target_os = "linux") {
        assert_eq!(
            ran.lines_starting("Client (this process): CPU ").len(),
            1,
            "{}",
            ran.stdout
        );
        assert_eq!(
            ran.lines_starting("Server (its own process): CPU ").len(),
            1,
            "{}",
            ran.stdout
        );
    }
}

#[test]
fn hyper_and_raw_layers_fetch_the_same_way() {
    for layer in ["hyper", "raw"] {
        let ran = run_program(
            BINARY,
            &["--tasks", "1000", "--latency-ms", "100", "--client", layer],
        );
        assert_all_answered(&ran, 1000);
        assert!(
            ran.stdout.contains(&format!("with {layer} on one thread")),
            "{}",
            ran.stdout
        );
    }
}

#[test]
fn a_limit_runs_requests_in_rounds() {
    let ran = run_program(BINARY, &["--tasks", "12", "--latency-ms", "100", "--limit", "4"]);
    assert!(ran.status.success(), "{ran:?}");
    ran.assert_printed("4 at a time");
    ran.assert_printed("Done: 12 ok, 0 failed");
    // Four at a time cannot finish twelve requests of 0.1 s in fewer than three rounds. (A
    // lower bound holds on a busy machine too; an upper one would be a bench's claim.)
    let took = ran.seconds_of("fetch_many");
    assert!(took >= 0.3, "{took}\n{}", ran.stdout);
}

#[test]
fn usage_errors_are_reported_by_clap() {
    for (args, complaint) in [
        (&["--latency-ms", "5"][..], "--tasks <N>"),
        (&["--tasks", "0"][..], "0 is not in"),
        (&["--tasks", "5", "--limit", "0"][..], "0 is not in"),
        (&["--tasks", "5", "--client", "curl"][..], "invalid value 'curl'"),
        (
            &["--tasks", "5", "--time-scale", "soon"][..],
            "expected a number >= 0",
        ),
    ] {
        let ran = run_program(BINARY, args);
        ran.assert_usage_error(complaint);
    }
}

#[test]
fn sites_that_cannot_be_reached_are_a_one_line_error() {
    let closed = format!("http://127.0.0.1:{}", testkit::probes::closed_port());
    for (sites, complaint) in [
        (closed.as_str(), "nothing answers at 127.0.0.1:"),
        ("not a url", "invalid URL"),
        ("https://127.0.0.1:1", "plain http:// only"),
    ] {
        let ran = run_program(BINARY, &["--tasks", "5", "--sites", sites]);
        assert_eq!(ran.status.code(), Some(1), "{sites}: {ran:?}");
        assert!(ran.stderr.starts_with("error: "), "{sites}: {}", ran.stderr);
        assert!(ran.stderr.contains(complaint), "{sites}: {}", ran.stderr);
        assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    }
}

#[test]
fn sites_that_die_mid_run_fail_the_run_quickly() {
    let sites = StandInSites::start(1.0).unwrap();
    let url = sites.url("");
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        drop(sites); // the server stops; its connections close
    });
    let args = ["--tasks", "50", "--latency-ms", "30000", "--sites", &url];
    let ran = run(command(BINARY, &args), Duration::from_secs(20));
    stopper.join().unwrap();
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    ran.assert_printed("0 ok, 50 failed");
    ran.assert_printed("First failure: ");
    ran.assert_no_panic_report();
}

/// `--sites` pointed at a server whose bodies never end: every layer reads and drops each
/// piece as it comes, so each request stops at `--timeout` with a one-line reason, and the
/// client's memory stays flat (a layer that kept the bodies would hold hundreds of MiB
/// after four requests of one second).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "slow: three runs of 0.5 s timeouts; .ci/run runs it"]
fn endless_bodies_stop_at_the_timeout_in_flat_memory() {
    use testkit::faults::{endless_body, run_with_peak_memory, serve};
    let sites = serve(endless_body);
    for layer in ["reqwest", "hyper", "raw"] {
        let args = [
            "--sites",
            &sites,
            "--tasks",
            "4",
            "--timeout",
            "0.5",
            "--client",
            layer,
        ];
        let (ran, peak_mib) = run_with_peak_memory(command(BINARY, &args), DEADLINE);
        assert_eq!(ran.status.code(), Some(1), "{layer}: {ran:?}");
        assert_printed(&ran, layer, "Done: 0 ok, 4 failed");
        assert_printed(&ran, layer, "First failure: timed out");
        ran.assert_no_panic_report();
        assert!(peak_mib < 50.0, "{layer}: peak memory {peak_mib:.1} MiB");
    }
}

/// A low open-files limit, set for the child by the shell (Unix has `ulimit`).
#[cfg(unix)]
fn run_with_open_files_limit(limit: u32, args: &[&str]) -> Ran {
    run(
        testkit::probes::under_ulimit(&format!("-n {limit}"), BINARY, args),
        DEADLINE,
    )
}

#[cfg(unix)]
#[test]
#[ignore = "slow: 2,000 requests under a low open-files limit, for each layer; .ci/run runs it"]
fn a_low_open_files_limit_caps_requests_at_once_and_never_fails_them() {
    // 64 files: a few requests fit; never "running 0 at a time", never a hang.
    let ran = run_with_open_files_limit(64, &["--tasks", "10", "--latency-ms", "50"]);
    assert!(ran.status.success(), "{ran:?}");
    ran.assert_printed("Done: 10 ok, 0 failed");
    // Near the limit, requests of 0 ms come and go as fast as sockets can close.
    for layer in ["reqwest", "hyper", "raw"] {
        let args = ["--tasks", "2000", "--latency-ms", "0", "--client", layer];
        let ran = run_with_open_files_limit(128, &args);
        assert!(ran.status.success(), "{layer}: {ran:?}");
        assert_printed(&ran, layer, "note: 2000 requests at once do not fit");
        assert_printed(&ran, layer, "Done: 2000 ok, 0 failed");
    }
    // Too low for even one request, or for the server's process: a one-line error, exit 1.
    for (limit, complaint) in [(24, "no request fits"), (10, "cannot start")] {
        let ran = run_with_open_files_limit(limit, &["--tasks", "10"]);
        assert_eq!(ran.status.code(), Some(1), "{ran:?}");
        ran.assert_said("error: ");
        assert!(ran.stderr.contains(complaint), "{limit}: {}", ran.stderr);
        assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    }
}

/// The pid of the stand-in sites' process, from the line the run prints about it. The rest
/// of the output is read on, in the background: a closed pipe would end the run by itself.
#[cfg(target_os = "linux")]
fn server_pid(stdout: impl std::io::Read + Send + 'static) -> u32 {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(stdout).lines().map_while(Result::ok);
    let pid = lines
        .by_ref()
        .find_map(|line| line.split_once("(pid ")?.1.split_once(')')?.0.parse().ok())
        .expect("a line naming the server's pid");
    std::thread::spawn(move || lines.for_each(drop));
    pid
}

/// Start a long run, then end the parent with `signal` (after stopping its server with
/// SIGSTOP if `stop_server`): is its server left behind? And the parent's exit code.
#[cfg(target_os = "linux")]
fn server_outlives_parent_killed_with(signal: &str, stop_server: bool) -> (Option<i32>, bool) {
    use std::process::{Command, Stdio};
    use std::time::Instant;
    use testkit::faults::processes::{alive, left_behind};
    let mut parent = command(BINARY, &["--tasks", "10", "--latency-ms", "60000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = server_pid(parent.stdout.take().unwrap());
    assert!(alive(server));
    if stop_server {
        let stopped = Command::new("kill").args(["-STOP", &server.to_string()]).status();
        assert!(stopped.unwrap().success());
    }
    Command::new("kill")
        .args([signal, &parent.id().to_string()])
        .status()
        .unwrap();
    let status = testkit::wait_until(&mut parent, Instant::now() + DEADLINE).expect("it ends");
    (
        status.code(),
        !left_behind(&[server], Duration::from_secs(5)).is_empty(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn no_server_is_left_when_the_parent_is_killed_or_interrupted() {
    let (_, left) = server_outlives_parent_killed_with("-KILL", false);
    assert!(!left, "SIGKILL left the server running");
    // A stopped server cannot notice its closed stdin: the kernel ends it (Linux).
    let (_, left) = server_outlives_parent_killed_with("-KILL", true);
    assert!(!left, "SIGKILL left the stopped server behind");
    let (code, left) = server_outlives_parent_killed_with("-INT", false);
    assert!(!left, "Ctrl-C left the server running");
    assert_eq!(code, Some(common::interrupt::INTERRUPTED));
}

#[test]
#[ignore = "slow: every scale command of the tutorial, 10,000 requests among them; .ci/run runs it"]
fn the_tutorials_commands_still_run() {
    testkit::run_tutorial_commands("scale", BINARY);
}
