//! The checks of the exercises in tutorial.md. Each fails until its exercise is done, so
//! they are ignored in the normal test run. Run one with, for example:
//!
//! ```text
//! cargo test -p examples-threadpool --test exercises -- --ignored in_input_order
//! ```
//!
//! Each check tests what its exercise teaches, and was tried against the shortcuts a learner
//! in a hurry might take (named in each check's comment): they fail it.
//! `cargo run -p common --bin exercises` runs them all and shows your progress.

use common::sites::StandInSites;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use testkit::{Ran, TimedRun, command, run, run_timed};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-threadpool");

fn run_lesson(args: &[&str]) -> Ran {
    run(command(BINARY, args), Duration::from_secs(60))
}

/// The site named by a `URL: ...` line (the first part of its path).
fn site_of(line: &str) -> String {
    let path = line.split('/').nth(3).unwrap_or_default();
    path.split(' ').next().unwrap_or_default().to_string()
}

/// The site of each URL line after `after`'s timing line, up to the next timing line.
fn sites_after(ran: &Ran, after: &str) -> Vec<String> {
    let start = ran.stdout.find(&format!(" [*] {after}()")).map_or(0, |at| at + 1);
    let section = &ran.stdout[start..];
    let end = section.find(" [*] ").unwrap_or(section.len());
    section[..end]
        .lines()
        .filter(|l| l.starts_with("URL: "))
        .map(site_of)
        .collect()
}

/// Shortcuts this fails: sorting the results at the end (they must be printed as they
/// become next in line), fetching one by one in list order (no longer concurrent).
#[test]
#[ignore = "exercise: passes once multithread prints in input order"]
fn in_input_order() {
    let timed: TimedRun = run_timed(
        command(BINARY, &["--time-scale", "0.5", "--no-timeline"]),
        Duration::from_secs(60),
    );
    let ran = &timed.ran;
    assert!(ran.status.success(), "{ran:?}");
    assert_eq!(
        sites_after(ran, "singlethread"),
        ["bing", "duckduckgo", "google", "yahoo"],
        "multithread should print in the list's order, not as completed"
    );
    let speedup = ran.seconds_of("singlethread") / ran.seconds_of("multithread");
    assert!(
        speedup > 1.6,
        "...and still fetch all at once (speed-up {speedup:.2})"
    );
    // bing (0.3 s) is next in line at once: it must be printed when it arrives, long before
    // yahoo (0.8 s), not kept back and printed with everything at the end.
    let threaded: Vec<&(Duration, String)> = timed
        .lines
        .iter()
        .skip_while(|(_, line)| !line.starts_with(" [*] singlethread()"))
        .filter(|(_, line)| line.starts_with("URL: "))
        .collect();
    let (bing, yahoo) = (threaded[0].0, threaded[3].0);
    let gap = (yahoo - bing).as_secs_f64() / ran.seconds_of("multithread");
    assert!(
        gap > 0.3,
        "bing was printed {:.3} s before yahoo: print each result as soon as it is next in line, \
         not all at the end (expected about 0.6 of the run between them, got {gap:.2})",
        (yahoo - bing).as_secs_f64()
    );
}

/// Shortcuts this fails: keeping `threadpool::Builder` (or any of the crate) with a comment
/// (the crate is still linked into the program), and `ThreadPool::new(urls.len())` (still the
/// crate). A thread per URL ignores `--workers`, so even `--workers 1` runs all at once.
#[test]
#[ignore = "exercise: passes once multithread uses std::thread::scope instead of the threadpool crate"]
fn scoped_threads() {
    let program = std::fs::read(BINARY).expect("the lesson's program");
    // Code of the crate brings its source path along (`.../threadpool-1.8.1/src/lib.rs`).
    let linked = program
        .windows(13)
        .any(|w| w.starts_with(b"/threadpool-") && w[12].is_ascii_digit());
    assert!(
        !linked,
        "the program still contains the threadpool crate: use std::thread::scope instead"
    );
    let ran = run_lesson(&["--time-scale", "0.5", "--workers", "1"]);
    assert!(ran.status.success(), "{ran:?}");
    let header = ran.timeline_after("multithread");
    assert!(
        header.contains("4 tasks on 4 workers"),
        "a thread per URL, whatever --workers says: {header}"
    );
    let ratio = ran.seconds_of("multithread") / ran.seconds_of("singlethread");
    assert!(
        ratio < 0.6,
        "all four at once takes the slowest, not the sum (ratio {ratio:.2})"
    );
    assert_eq!(
        sites_after(&ran, "singlethread"),
        ["google", "bing", "duckduckgo", "yahoo"],
        "still printed as completed"
    );
}

/// Shortcuts this fails: retrying until it works (a port where nobody listens must still give
/// its error, after the second try, not hang), treating a failure as an answer.
#[test]
#[ignore = "exercise: passes once fetch_url tries a failed request once more"]
fn retry_once() {
    let sites = StandInSites::start(0.1).unwrap();
    // Two keys: each URL hangs up the first time it is asked, in whichever run that is.
    let (first, second) = (sites.url("/flaky/one"), sites.url("/flaky/two"));
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        format!(
            "http://127.0.0.1:{}/",
            listener.local_addr().expect("its address").port()
        )
    }; // nobody listens there any more
    let ran = run(
        command(BINARY, &[&first, &second, &closed, "--no-timeline"]),
        Duration::from_secs(20),
    );
    let lines = ran.lines_starting("URL: ");
    let answered = |url: &str| {
        lines
            .iter()
            .filter(|l| l.starts_with(&format!("URL: {url} [ 200 / ")))
            .count()
    };
    assert!(
        answered(&first) == 2 && answered(&second) == 2,
        "every flaky fetch should succeed on its second try:\n{}",
        ran.stdout
    );
    let refused = lines
        .iter()
        .filter(|l| l.contains(&closed) && l.contains("error: cannot connect"));
    assert_eq!(
        refused.count(),
        2,
        "a port nobody listens on is still an error:\n{}",
        ran.stdout
    );
}

/// Shortcuts this fails: any number far (15 %) from what the pool does.
#[test]
#[ignore = "exercise: passes once exercises/predictions.txt holds your predictions"]
fn predict_workers() {
    let predictions = include_str!("../exercises/predictions.txt");
    for workers in [1, 2] {
        let line = predictions
            .lines()
            .find(|l| l.starts_with(&format!("workers {workers}:")))
            .expect("a line per worker count");
        let guess: f64 = line
            .split(':')
            .nth(1)
            .unwrap()
            .trim()
            .parse()
            .unwrap_or_else(|_| {
                panic!("write your prediction for {workers} worker(s) as a number of seconds, not `{line}`")
            });
        // Measured at a fifth of the waits, then scaled back up.
        let ran = run_lesson(&[
            "--time-scale",
            "0.2",
            "--only",
            "threaded",
            "--no-timeline",
            "--workers",
            &workers.to_string(),
        ]);
        let measured = ran.seconds_of("multithread") / 0.2;
        let off = (guess - measured).abs() / measured;
        assert!(
            off < 0.15,
            "{workers} worker(s): you said {guess} s, it took {measured:.2} s"
        );
    }
}

/// Shortcuts this fails: `thread::scope` or no threads at all (the exercise is to make
/// `thread::spawn` compile), and printing in list order (the threads must overlap).
#[test]
#[ignore = "exercise: passes once exercises/fix_the_job.rs compiles and runs"]
fn fix_the_job() {
    let source_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises/fix_the_job.rs");
    let source = std::fs::read_to_string(&source_path).expect("exercises/fix_the_job.rs");
    assert!(
        source.contains("thread::spawn(") && !source.contains("scope"),
        "keep thread::spawn (no thread::scope): the exercise is to satisfy its 'static + Send"
    );
    let program = std::env::temp_dir().join(format!("fix_the_job-{}", std::process::id()));
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let compiled = Command::new(rustc)
        .args(["--edition", "2024", "--crate-name", "fix_the_job", "-o"])
        .arg(&program)
        .arg(&source_path)
        .output()
        .expect("rustc runs");
    assert!(
        compiled.status.success(),
        "exercises/fix_the_job.rs does not compile yet; read the first error:\n\n{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    let ran = run(command(program.to_str().unwrap(), &[]), Duration::from_secs(30));
    let _ = std::fs::remove_file(&program);
    assert!(ran.status.success(), "{ran:?}");
    let sites: Vec<&str> = ran
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect();
    assert_eq!(
        sites,
        ["google", "bing", "duckduckgo", "yahoo"],
        "all four jobs at once, printed as they finish:\n{}",
        ran.stdout
    );
}
