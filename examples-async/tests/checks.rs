//! The checks of the exercises in tutorial.md. Each fails until its exercise is done, so
//! they are ignored in the normal test run. Run one with, for example:
//!
//! ```text
//! cargo test -p examples-async --test checks -- --ignored semaphore_limit
//! ```
//!
//! Each check tests what its exercise teaches, and was tried against the shortcuts a learner
//! in a hurry might take (named in each check's comment): they fail it.
//! `cargo run -p exercises` runs them all and shows your progress.

use demo_sites::StandInSites;
use std::path::Path;
use std::time::Duration;
use testkit::{Ran, TimedRun, command, function_source, run, run_timed};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-async");

fn run_fetch(args: &[&str]) -> Ran {
    let mut all = vec!["--only", "fetch", "--no-timeline"];
    all.extend(args);
    run(command(BINARY, &all), Duration::from_secs(60))
}

/// Like [`run_fetch`], noting when each stdout line arrives.
fn run_fetch_timed(args: &[&str]) -> TimedRun {
    let mut all = vec!["--only", "fetch", "--no-timeline"];
    all.extend(args);
    run_timed(command(BINARY, &all), Duration::from_secs(60))
}

/// When the URL line of `path` arrived after `after`'s timing line, counted from that line:
/// how long into the run that follows its result was printed.
fn arrival_after(timed: &TimedRun, after: &str, path: &str) -> f64 {
    let timing = format!(" [*] {after}()");
    let start = timed
        .lines
        .iter()
        .position(|(_, line)| line.starts_with(&timing))
        .unwrap_or_else(|| panic!("no {after}() run in:\n{}", timed.ran.stdout));
    let (t0, _) = timed.lines[start];
    let needle = format!("{path} ");
    let (at, _) = timed.lines[start..]
        .iter()
        .find(|(_, line)| line.starts_with("URL: ") && line.contains(&needle))
        .unwrap_or_else(|| panic!("no line for {path} after {after}() in:\n{}", timed.ran.stdout));
    (*at - t0).as_secs_f64()
}

/// Shortcuts this fails: `let _ = permits.acquire()...` (the permit is dropped at once: no
/// limit), a limit of 3, fetching in fixed pairs (two, wait for both, two more): a
/// semaphore starts the next URL the moment any one finishes; no limit at all plus a
/// `sleep` after the `join_next` loop (or after each printed result) to fake the total time:
/// the check also times when each result line appears; and waiting for each permit in the
/// spawning loop (a real limit, but no result is printed until the last URL has started);
/// and a window kept by hand (two tasks, then one more as each ends: the same schedule, so
/// the check reads fetch_concurrently for the semaphore).
#[test]
#[ignore = "exercise: passes once fetch_concurrently lets at most 2 requests run at once"]
fn semaphore_limit() {
    let sites = StandInSites::start(0.5).unwrap();
    // 600, 100, 110, 120 and 610 ms (times 0.5), one by one: 1530. Two at a time with a
    // semaphore: 940 (0.61 of it); three at a time: 730 (0.48); all at once: 610 (0.40);
    // in pairs: 1330 (0.87).
    let urls: Vec<String> = [600, 100, 110, 120, 610]
        .iter()
        .map(|ms| sites.url(&format!("/delay/{ms}")))
        .collect();
    let args: Vec<&str> = urls.iter().map(String::as_str).collect();
    let timed = run_fetch_timed(&args);
    let ran = &timed.ran;
    assert!(ran.status.success(), "{ran:?}");
    let ratio = ran.seconds_of("fetch_concurrently") / ran.seconds_of("fetch_one_by_one");
    assert!(
        (0.53..0.74).contains(&ratio),
        "concurrently / one by one = {ratio:.2}; at most two at a time, each next URL started as soon \
         as one finishes, gives about 0.61 (all at once 0.40, three at a time 0.48, in pairs 0.87)"
    );
    // When each result is printed, from the start of fetch_concurrently, as a share of when
    // the 600 ms URL's is. Two at a time: 100 ends at 50 ms (times 0.5), 110 then runs in its
    // slot and ends at 105, 120 ends at 165 (0.55 of 600's 300), and 610 starts only then
    // and ends at 470 (1.57). All at once, each ends after its own latency: 0.20 and 1.02;
    // three at a time: 0.37 and 1.20.
    let at = |ms: u32| arrival_after(&timed, "fetch_one_by_one", &format!("/delay/{ms}"));
    let longest = at(600);
    // Each result as its task ends: 100's at 50 ms (0.17), not once every URL has a permit.
    let first_short = at(100) / longest;
    assert!(
        first_short < 0.35,
        "the 100 ms URL's result came at {first_short:.2} of the 600 ms URL's: print each result as \
         its task ends (about 0.17 here), while other URLs still wait for their turn, not once the \
         last one has started:\n{}",
        ran.stdout
    );
    let third_short = at(120) / longest;
    assert!(
        third_short > 0.44,
        "the 120 ms URL's result came at {third_short:.2} of the 600 ms URL's; with at most two in \
         flight it waits for 100 and then 110 to finish, about 0.55 (all at once 0.20):\n{}",
        ran.stdout
    );
    let last = at(610) / longest;
    assert!(
        last > 1.35,
        "the 610 ms URL's result came at {last:.2} of the 600 ms URL's; with at most two in flight it \
         starts only when 120 ends, about 1.57 (all at once 1.02, three at a time 1.20):\n{}",
        ran.stdout
    );
    assert_a_semaphore_limits(&fetch_concurrently_source());
}

/// The lesson's `fetch_concurrently`, as the learner left it (without comments).
fn fetch_concurrently_source() -> String {
    function_source(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs"),
        "fetch_concurrently",
    )
}

/// A window kept by hand (start two, then one more as each ends) gives the semaphore's
/// schedule: bounded, but without the exercise's tool. Only the code tells them apart.
fn assert_a_semaphore_limits(source: &str) {
    assert!(
        source.contains("Semaphore::new(") && source.contains("acquire"),
        "bound the fetches with a semaphore, as the exercise asks: `Semaphore::new(2)`, and a \
         permit each task acquires before it fetches and holds until it ends"
    );
}

/// Shortcuts this fails: a client-wide timeout (`.timeout()` on the client also fails yahoo
/// in the one-by-one run), a fixed 0.6 s or any fixed deadline (checked at two time scales),
/// and an error made up after the fetch, by name (`if url.ends_with("/yahoo")`) or by how
/// long it took, with no deadline and nothing cancelled: the check also fetches `/delay/<ms>`
/// URLs just under and just over the deadline, and fetch_concurrently must end at about the
/// deadline, not when the slowest URL would have answered. One deadline for the whole run
/// (`timeout_at(start + limit)`) ends at the same moment here, as every task starts at once,
/// so the check reads fetch_concurrently for it (also for the time left of such a deadline,
/// `limit - started.elapsed()`, from an `Instant` or a `SystemTime`).
#[test]
#[ignore = "exercise: passes once each concurrent fetch gets at most 0.6 s (times --time-scale)"]
fn task_timeout() {
    for scale in ["0.3", "0.6"] {
        assert_only_yahoo_times_out(scale);
    }
    assert_the_deadline_cancels_the_slow_ones();
    let source = fetch_concurrently_source();
    assert!(
        !["timeout_at(", "sleep_until(", "Instant", "SystemTime", "elapsed("]
            .iter()
            .any(|shared| source.contains(shared)),
        "each task gets its own 0.6 s, counted from when it starts (`tokio::time::timeout(limit, ..)` \
         around its fetch), not one deadline for the whole run: a task that starts later (waiting \
         for a permit, as in 8.7) would get less than its 0.6 s"
    );
}

/// The stand-in sites at this time scale: one by one, all four answer; concurrently, yahoo
/// (0.8 s) times out at 0.6 s and the others answer.
fn assert_only_yahoo_times_out(scale: &str) {
    let ran = run_fetch(&["--time-scale", scale]);
    let start = ran.stdout.find("== fetch").expect("the fetch section");
    let first: Vec<&str> = ran.stdout[start..]
        .lines()
        .take_while(|l| !l.starts_with(" [*] fetch_one_by_one()"))
        .filter(|l| l.starts_with("URL: "))
        .collect();
    assert_eq!(first.len(), 4, "{}", ran.stdout);
    for line in &first {
        assert!(
            line.contains("[ 200 / "),
            "the one-by-one run has no deadline (time scale {scale}): {line}"
        );
    }
    let concurrent = ran.url_lines_after("fetch_one_by_one");
    assert_eq!(concurrent.len(), 4, "{}", ran.stdout);
    for line in concurrent {
        if line.contains("/yahoo ") {
            assert!(
                line.contains("timed out"),
                "yahoo (0.8 s) should time out at 0.6 s (time scale {scale}): {line}"
            );
        } else {
            assert!(
                line.contains("[ 200 / "),
                "the faster sites finish in time (time scale {scale}): {line}"
            );
        }
    }
}

/// URLs of our own, served at their stated latency, against the lesson's deadline at time
/// scale 0.5: 0.3 s. Two end before it, two after; one by one, all four finish; concurrently
/// the run ends at the deadline, the slow requests cancelled.
fn assert_the_deadline_cancels_the_slow_ones() {
    let sites = StandInSites::start(1.0).unwrap();
    let (under, over) = ([150, 220], [380, 1500]);
    let urls: Vec<String> = under
        .iter()
        .chain(&over)
        .map(|ms| sites.url(&format!("/delay/{ms}")))
        .collect();
    let mut args = vec!["--time-scale", "0.5"];
    args.extend(urls.iter().map(String::as_str));
    let ran = run_fetch(&args);
    let concurrent = ran.url_lines_after("fetch_one_by_one");
    assert_eq!(concurrent.len(), 4, "{}", ran.stdout);
    for ms in under.iter().chain(&over) {
        let path = format!("/delay/{ms} ");
        let line = concurrent
            .iter()
            .find(|l| l.contains(&path))
            .unwrap_or_else(|| panic!("no concurrent line for {path}in:\n{}", ran.stdout));
        if under.contains(ms) {
            assert!(
                line.contains("[ 200 / "),
                "{ms} ms is under the 0.3 s deadline (0.6 s times 0.5): {line}"
            );
        } else {
            assert!(
                line.contains("timed out"),
                "{ms} ms is over the 0.3 s deadline (0.6 s times 0.5), so it should time out: {line}"
            );
        }
    }
    // One by one: 2.25 s. With the slow requests cancelled at the deadline, concurrently
    // takes about 0.3 s (0.13 of it); waiting for the slowest, 1.5 s (0.67).
    let ratio = ran.seconds_of("fetch_concurrently") / ran.seconds_of("fetch_one_by_one");
    assert!(
        ratio < 0.3,
        "concurrently / one by one = {ratio:.2}; a deadline that cancels the slow requests ends the run \
         at about 0.3 s, 0.13 of one by one (waiting for the 1.5 s URL: 0.67):\n{}",
        ran.stdout
    );
}

/// The server of the checks `first_wins` and `stop_on_error`: `/ok/<ms>` answers 200 after
/// `<ms>`, `/fail/<ms>` hangs up without an answer after `<ms>`. While a request waits it
/// watches its connection, so it knows whether the client was still there for the answer
/// or had hung up first: a request the program cancelled never gets its answer.
mod watched {
    use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
    use std::net::TcpStream;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// How one request ended, as the server saw it.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub enum Fate {
        Waiting,
        /// Answered at its time, the client still connected.
        Answered,
        /// A `/fail` URL: hung up on by the server, as asked.
        Failed,
        /// The client hung up before the answer was due: the request was cancelled.
        Cancelled,
    }

    #[derive(Clone, Debug)]
    pub struct Request {
        pub path: String,
        /// When it arrived, from the server's start.
        pub arrived: Duration,
        pub fate: Fate,
    }

    type Log = Arc<Mutex<Vec<Request>>>;

    pub struct Server {
        base: String,
        log: Log,
    }

    impl Server {
        pub fn start() -> Server {
            let (log, started) = (Log::default(), Instant::now());
            let served = Arc::clone(&log);
            let base = testkit::faults::serve(move |stream| answer(stream, started, &served));
            Server { base, log }
        }

        pub fn urls(&self, paths: &[&str]) -> Vec<String> {
            paths.iter().map(|path| format!("{}{path}", self.base)).collect()
        }

        /// Every request so far, in the order they arrived, once none is still waiting.
        pub fn requests(&self) -> Vec<Request> {
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let log = self.log.lock().unwrap().clone();
                if log.iter().all(|r| r.fate != Fate::Waiting) || Instant::now() > deadline {
                    return log;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// One request per connection (`Connection: close`), so a connection's end is its request's.
    fn answer(mut stream: TcpStream, started: Instant, log: &Log) {
        let mut head = String::new();
        let mut reader = BufReader::new(&stream);
        let _ = reader.read_line(&mut head);
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
            line.clear();
        }
        let path = head.split(' ').nth(1).unwrap_or_default().to_string();
        let (fails, ms) = match path.strip_prefix("/fail/") {
            Some(ms) => (true, ms),
            None => (false, path.strip_prefix("/ok/").unwrap_or("0")),
        };
        let due = Instant::now() + Duration::from_millis(ms.parse().unwrap_or(0));
        let index = {
            let mut log = log.lock().unwrap();
            let arrived = started.elapsed();
            log.push(Request {
                path,
                arrived,
                fate: Fate::Waiting,
            });
            log.len() - 1
        };
        let fate = if !still_there_at(&mut stream, due) {
            Fate::Cancelled
        } else if fails {
            Fate::Failed // dropping the stream hangs up
        } else {
            let response = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
            match stream.write_all(response.as_bytes()) {
                Ok(()) => Fate::Answered,
                Err(_) => Fate::Cancelled,
            }
        };
        log.lock().unwrap()[index].fate = fate;
    }

    /// Watch the connection until `due`: false as soon as the client hangs up.
    fn still_there_at(stream: &mut TcpStream, due: Instant) -> bool {
        let mut byte = [0_u8; 1];
        loop {
            let left = due.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            let _ = stream.set_read_timeout(Some(left.min(Duration::from_millis(5))));
            match stream.read(&mut byte) {
                Ok(0) => return false,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => return false,
            }
        }
    }
}

/// Run the whole lesson (`--time-scale 0.1`: the squaring sections then take about 1 s, long
/// enough for every request a program forgot to cancel to get its answer) on `urls`; then
/// the concurrent run's URL lines and what the server saw of its requests, by path.
fn run_lesson_watched(
    server: &watched::Server,
    paths: &[&str],
    args: &[&str],
) -> (Ran, Vec<watched::Request>) {
    let before = server.requests().len();
    let urls = server.urls(paths);
    let mut all = vec!["--no-timeline", "--time-scale", "0.1"];
    all.extend(args);
    all.extend(urls.iter().map(String::as_str));
    let ran = run(command(BINARY, &all), Duration::from_secs(60));
    ran.assert_no_panic_report();
    let requests = server.requests().split_off(before);
    // One by one sends each request when the one before has ended: the concurrent run's
    // requests are the last ones.
    let concurrent = requests[requests.len().saturating_sub(paths.len())..].to_vec();
    (ran, concurrent)
}

/// The one URL line of `lines` for `path`; it must exist, and be the only one.
fn line_for<'a>(lines: &[&'a str], path: &str, ran: &Ran) -> Option<&'a str> {
    let needle = format!("{path} ");
    let found: Vec<&&str> = lines.iter().filter(|l| l.contains(&needle)).collect();
    assert!(
        found.len() <= 1,
        "{path} was printed twice after fetch_one_by_one:\n{}",
        ran.stdout
    );
    found.first().map(|l| **l)
}

/// What the server saw of `path`'s concurrent request; every URL must have been asked for,
/// all at about the same moment (a task each, started together).
fn fate_of(requests: &[watched::Request], path: &str) -> watched::Fate {
    let first = requests.iter().map(|r| r.arrived).min().unwrap_or_default();
    let request = requests
        .iter()
        .find(|r| r.path == path)
        .unwrap_or_else(|| panic!("fetch_concurrently never asked for {path}: {requests:?}"));
    assert!(
        request.arrived - first < Duration::from_millis(150),
        "every request starts at once, in a task of its own; {path} started {:?} after the first",
        request.arrived - first
    );
    request.fate
}

/// Shortcuts this fails: waiting for every answer and printing only the fastest (or sorting
/// at the end): the server sees the slower requests answered; printing the first and
/// leaving the other tasks running (a `tokio::spawn` whose handle is dropped does not
/// cancel): the whole lesson runs on, and the server sees them answered; taking the first
/// task to *finish*: a fast failure comes first here, and is no answer; a site's name or a
/// fixed deadline: two runs, with other URLs and other times.
#[test]
#[ignore = "exercise: passes once fetch_concurrently keeps the first answer and cancels the rest"]
fn first_wins() {
    use watched::Fate::{Answered, Cancelled, Failed};
    let server = watched::Server::start();
    let paths = ["/ok/300", "/fail/50", "/ok/100", "/ok/450", "/ok/600"];
    let (ran, requests) = run_lesson_watched(&server, &paths, &[]);
    assert!(
        ran.stdout.contains("squares_spawn_blocking()"),
        "the lesson runs to its end:\n{ran:?}"
    );
    let lines = ran.url_lines_after("fetch_one_by_one");
    let failed = line_for(&lines, "/fail/50", &ran);
    assert!(
        failed.is_some_and(|l| l.contains("error")),
        "a fetch that fails is printed, and the wait for an answer goes on:\n{}",
        ran.stdout
    );
    let first = line_for(&lines, "/ok/100", &ran);
    assert!(
        first.is_some_and(|l| l.contains("[ 200 / ")),
        "the first site to answer (100 ms) is printed with its status:\n{}",
        ran.stdout
    );
    assert_eq!(fate_of(&requests, "/fail/50"), Failed);
    assert_eq!(fate_of(&requests, "/ok/100"), Answered);
    for slower in ["/ok/300", "/ok/450", "/ok/600"] {
        let printed = line_for(&lines, slower, &ran);
        assert!(
            printed.is_none_or(|l| l.contains("cancelled")),
            "only the first answer is kept; {slower} came later: {printed:?}"
        );
        assert_eq!(
            fate_of(&requests, slower),
            Cancelled,
            "once the first answer is in, the other requests are cancelled: the server must see \
             {slower} hang up before its answer was due"
        );
    }
    let ratio = ran.seconds_of("fetch_concurrently") / ran.seconds_of("fetch_one_by_one");
    assert!(
        ratio < 0.15,
        "concurrently / one by one = {ratio:.2}; ending at the first answer (100 ms of 1.5 s) gives \
         about 0.07, waiting for the slowest 0.4"
    );
    // Other URLs, a faster winner: no name and no fixed deadline fits both runs.
    let paths = ["/ok/200", "/ok/30", "/ok/90", "/ok/140"];
    let (ran, _) = run_lesson_watched(&server, &paths, &["--only", "fetch"]);
    let answers: Vec<&str> = ran
        .url_lines_after("fetch_one_by_one")
        .into_iter()
        .filter(|l| !l.contains("cancelled"))
        .collect();
    assert!(
        answers.len() == 1 && answers[0].contains("/ok/30 [ 200 / "),
        "the first answer (/ok/30, 30 ms) and no other:\n{}",
        ran.stdout
    );
}

/// Shortcuts this fails: stopping at the first task to finish, whatever its result (a
/// success comes first here); waiting for every fetch and printing the later ones as
/// cancelled: the server sees them answered; leaving the other tasks running and printing
/// them as cancelled: the whole lesson runs on and the server sees them answered; a fixed
/// deadline, or a site's name: a second run where nothing fails must get every answer.
#[test]
#[ignore = "exercise: passes once the first failed fetch cancels the others, like a TaskGroup"]
fn stop_on_error() {
    use watched::Fate::{Answered, Cancelled, Failed};
    let server = watched::Server::start();
    let paths = ["/ok/450", "/ok/50", "/ok/650", "/fail/150"];
    let (ran, requests) = run_lesson_watched(&server, &paths, &[]);
    assert!(
        ran.stdout.contains("squares_spawn_blocking()"),
        "the lesson runs to its end:\n{ran:?}"
    );
    let lines = ran.url_lines_after("fetch_one_by_one");
    assert!(
        line_for(&lines, "/ok/50", &ran).is_some_and(|l| l.contains("[ 200 / ")),
        "a fetch that ended before the failure keeps its answer:\n{}",
        ran.stdout
    );
    let failure = line_for(&lines, "/fail/150", &ran);
    assert!(
        failure.is_some_and(|l| l.contains("error") && !l.contains("cancelled")),
        "the failure is printed with its own reason:\n{}",
        ran.stdout
    );
    assert_eq!(fate_of(&requests, "/ok/50"), Answered);
    assert_eq!(fate_of(&requests, "/fail/150"), Failed);
    for later in ["/ok/450", "/ok/650"] {
        assert!(
            line_for(&lines, later, &ran).is_some_and(|l| l.contains("cancelled")),
            "each fetch still running at the failure is printed as cancelled ({later}):\n{}",
            ran.stdout
        );
        assert_eq!(
            fate_of(&requests, later),
            Cancelled,
            "the first failure cancels the fetches still running: the server must see {later} \
             hang up before its answer was due"
        );
    }
    let ratio = ran.seconds_of("fetch_concurrently") / ran.seconds_of("fetch_one_by_one");
    assert!(
        ratio < 0.25,
        "concurrently / one by one = {ratio:.2}; ending at the failure (150 ms of 1.3 s) gives about \
         0.12, waiting for the slowest 0.5"
    );
    // Nothing fails here: nothing is cancelled, however long a fetch takes.
    let paths = ["/ok/500", "/ok/30", "/ok/100"];
    let (ran, _) = run_lesson_watched(&server, &paths, &["--only", "fetch"]);
    let lines = ran.url_lines_after("fetch_one_by_one");
    for path in paths {
        assert!(
            line_for(&lines, path, &ran).is_some_and(|l| l.contains("[ 200 / ")),
            "with no failure every fetch gets its answer ({path}):\n{}",
            ran.stdout
        );
    }
}
