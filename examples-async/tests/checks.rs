//! The checks of the exercises in tutorial.md. Each fails until its exercise is done, so
//! they are ignored in the normal test run. Run one with, for example:
//!
//! ```text
//! cargo test -p examples-async --test checks -- --ignored semaphore_limit
//! ```
//!
//! Each check judges what the program does, seen from outside: what the servers saw (which
//! requests, when, how many at once, which the program hung up on before their answer was
//! due), when each line was printed and how the run ended. Where the exercise names an API,
//! the check also reads the code for it. Shortcuts a learner in a hurry might take fail
//! (each check's comment names them, and `tests/check-variants/CHECK/` holds each as a patch,
//! beside correct answers that pass). `cargo run -p exercises` runs them all.

use demo_sites::{End, SeenRequest, StandInSites, most_held_at_once};
use std::path::Path;
use std::time::Instant;
use testkit::observe::{CHECK_LIMIT, Observed, observe};
use testkit::{code_lines, command, function_source};

const BINARY: &str = env!("CARGO_BIN_EXE_examples-async");

/// Run the lesson with `args`, as a check sees it.
fn run_lesson(args: &[&str]) -> Observed {
    let ran = observe(command(BINARY, args), "the lesson", CHECK_LIMIT);
    ran.assert_no_crash("the lesson");
    ran
}

/// Run the fetch section alone on `urls`, with `options`.
fn run_fetch(urls: &[String], options: &[&str]) -> Observed {
    let mut args = vec!["--only", "fetch", "--no-timeline"];
    args.extend(options);
    args.extend(urls.iter().map(String::as_str));
    run_lesson(&args)
}

/// The requests of the concurrent run: the last `count` the sites saw (one by one sends
/// each when the one before has ended, so the concurrent run's come last).
fn concurrent_requests(sites: &StandInSites, count: usize) -> Vec<SeenRequest> {
    let seen = sites.requests();
    seen[seen.len().saturating_sub(count)..].to_vec()
}

/// The request for `path` among `requests`.
fn request_for<'a>(requests: &'a [SeenRequest], path: &str) -> &'a SeenRequest {
    requests
        .iter()
        .find(|r| r.path == path)
        .unwrap_or_else(|| panic!("fetch_concurrently never asked for {path}"))
}

/// When the concurrent run's URL line for `path` was printed.
fn printed_at(ran: &Observed, path: &str) -> Instant {
    let started = ran
        .lines
        .iter()
        .position(|(_, line)| line.starts_with(" [*] fetch_one_by_one()"))
        .expect("the lesson ran fetch_one_by_one");
    let needle = format!("{path} ");
    ran.lines[started..]
        .iter()
        .find(|(_, line)| line.starts_with("URL: ") && line.contains(&needle))
        .map(|(at, _)| *at)
        .unwrap_or_else(|| panic!("fetch_concurrently printed no line for {path}"))
}

/// The lesson's source file.
fn lesson_source() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")
}

/// The lesson's `fetch_concurrently`, as the learner left it (without comments).
fn fetch_concurrently_source() -> String {
    function_source(&lesson_source(), "fetch_concurrently")
}

/// 8.7. Judged by what the sites saw: never more than two requests at once, each next one
/// sent the moment one of the two ends (not when both have), and each result printed when
/// its task ends. The code is read only for the API the exercise names: a `Semaphore` of 2
/// permits (a 2, or a name bound to 2) made before the tasks. Shortcuts this fails:
/// `let _ = permits.acquire()...` (the permit is dropped at once: no limit), a limit of 3,
/// fetching in fixed pairs, waiting for each permit in the spawning loop (no result printed
/// until the last URL has started), and a window kept by hand (the semaphore's schedule
/// without the semaphore, or beside one that limits nothing: made in each task, or with a
/// permit per URL; only the code tells). The permit may be acquired in a helper the task
/// calls.
#[test]
#[ignore = "exercise: passes once fetch_concurrently lets at most 2 requests run at once"]
fn semaphore_limit() {
    let sites = StandInSites::start(0.5).expect("the stand-in sites start");
    // 600, 100, 110, 120 and 610 ms (times 0.5). Two at a time: 100 ends at 50 ms, 110 then
    // runs in its place until 105, 120 until 165, and 610 starts then; 600 holds the other
    // place until 300. In pairs, 110 and 120 would wait for 600 too.
    let paths: Vec<String> = [600, 100, 110, 120, 610]
        .map(|ms| format!("/delay/{ms}"))
        .to_vec();
    let urls: Vec<String> = paths.iter().map(|path| sites.url(path)).collect();
    let ran = run_fetch(&urls, &[]);
    assert!(ran.ran.status.success(), "the lesson failed:\n{}", ran.ran.stdout);
    let requests = concurrent_requests(&sites, urls.len());
    let at_once = most_held_at_once(&requests);
    assert!(
        at_once == 2,
        "the sites had {at_once} of fetch_concurrently's requests at once; the exercise asks for at most 2 \
         (and two at a time, not one)"
    );
    for later in ["/delay/110", "/delay/120", "/delay/610"] {
        let arrived = request_for(&requests, later).arrived;
        let others_held = requests
            .iter()
            .filter(|r| r.path != later && r.arrived < arrived && r.ended.is_none_or(|end| end > arrived))
            .count();
        assert!(
            others_held == 1,
            "{later} was sent when {others_held} other requests were running: with two at a time, the \
             next URL starts the moment one of the two ends, not when both have"
        );
    }
    let answered_120 = request_for(&requests, "/delay/120").ended.expect("120 ended");
    assert!(
        printed_at(&ran, "/delay/100") < answered_120,
        "the 100 ms URL's result was printed only after the 120 ms URL had answered: print each result \
         as its task ends, while other URLs still wait for their turn"
    );
    let source = fetch_concurrently_source();
    let task = argument_of(&source, "spawn(").unwrap_or_default();
    let before_the_tasks = source.replacen(task, "", 1);
    let lesson = code_lines(&std::fs::read_to_string(lesson_source()).expect("the lesson's source"));
    // Made once: before the tasks, or as a `static` (tokio's `const_new`, made for statics).
    let permits = argument_of(&before_the_tasks, "Semaphore::new(")
        .or_else(|| argument_of(&lesson, "Semaphore::const_new("));
    assert!(
        permits.is_some() && lesson.contains("acquire"),
        "the sites saw two at a time; the exercise asks to bound the fetches with a semaphore: \
         `Semaphore::new(2)` made once, before the tasks, and a permit each task acquires before it \
         fetches and holds until it ends (a semaphore made in each task limits nothing)"
    );
    let permits = permits.unwrap_or_default();
    assert!(
        is_two(permits, &lesson, 2),
        "the sites saw two at a time, but fetch_concurrently's semaphore is made with `{permits}` \
         permits, which the check cannot see is 2: the semaphore should be what limits the fetches \
         (2 permits, written as a 2 or a name bound to 2), not something beside it"
    );
}

/// Whether `value` is 2: the number itself (`2`, `2usize`), or a name bound to it in `code`
/// (`const AT_ONCE: usize = 2;`, `let limit = 2;`, or a parameter of `fetch_concurrently`
/// that the lesson calls it with 2), through at most `names` names.
fn is_two(value: &str, code: &str, names: usize) -> bool {
    let value = value.trim().trim_end_matches("as usize").trim();
    if value.trim_end_matches("usize").trim_end_matches('_') == "2" {
        return true;
    }
    let name = value.rsplit("::").next().unwrap_or(value);
    let a_name = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if names == 0 || !a_name {
        return false;
    }
    // A parameter of fetch_concurrently: the value `run` passes it.
    if let Some(passed) = passed_for_parameter(code, "fetch_concurrently", name) {
        return is_two(passed, code, names - 1);
    }
    ["const ", "static ", "let ", "let mut "].iter().any(|binding| {
        code.match_indices(&format!("{binding}{name}"))
            .any(|(at, found)| {
                let rest = &code[at + found.len()..];
                let whole_name = !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_');
                // The value after `=` (past a type, `: usize`), up to the `;`.
                let bound = rest.split(';').next().unwrap_or("");
                let bound = bound.split_once('=').map(|(_, value)| value);
                whole_name && bound.is_some_and(|bound| is_two(bound, code, names - 1))
            })
    })
}

/// What the first call of `function` in `code` passes for its parameter `name`, if the
/// function has a parameter of that name: `fetch_concurrently(&client, &urls, 2)` passes 2
/// for `at_once` in `fn fetch_concurrently(client: &Client, urls: &[String], at_once: usize)`.
fn passed_for_parameter<'a>(code: &'a str, function: &str, name: &str) -> Option<&'a str> {
    let parameters = top_level_parts(argument_of(code, &format!("fn {function}("))?);
    let position = parameters.iter().position(|parameter| {
        let parameter = parameter.trim().trim_start_matches("mut ");
        parameter
            .split(':')
            .next()
            .is_some_and(|named| named.trim() == name)
    })?;
    let call = code
        .match_indices(&format!("{function}("))
        .find(|&(at, _)| !code[..at].trim_end().ends_with("fn"))?;
    let arguments = top_level_parts(argument_of(&code[call.0..], &format!("{function}("))?);
    arguments.get(position).copied()
}

/// `code` cut at its commas outside brackets: a list of parameters or arguments.
fn top_level_parts(code: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0_i32, 0);
    for (index, c) in code.char_indices() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&code[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&code[start..]);
    parts
}

/// 8.8. Judged by what the sites saw and what the lesson printed, at two time scales: one by
/// one, every request is answered; concurrently, a request due well within the deadline is
/// answered and one due well after it is hung up on by the program (cancelled: the site sees
/// the client leave before its answer), and the lesson prints it as an error. The first run
/// goes on with the squaring sections (about 1 s), long enough for a request the program
/// forgot to cancel to get its answer. Shortcuts this fails: a client-wide timeout (the
/// one-by-one run is cut too), a fixed deadline (0.6 s, or any one number: the two time
/// scales need different ones), a deadline far from 0.6 s (1.2 s lets yahoo through), an error made up after the fetch (by name or by how long it
/// took: nothing is cancelled), and a task that spawns its fetch and `select!`s it against a
/// sleep (the request goes on, and the site answers it).
///
/// All the tasks start at once here, so a per-task deadline and one for the whole run
/// (`timeout_at(start + limit)`, a `timeout` around the loop that collects the results) cancel
/// at the same moment, and the sites see the same thing. The check judges what it can see and
/// accepts both; it does not read the code to tell them apart (tutorial.md says where they
/// differ: behind 8.7's semaphore).
#[test]
#[ignore = "exercise: passes once each concurrent fetch gets at most 0.6 s (times --time-scale)"]
fn task_timeout() {
    // --time-scale 0.1: a deadline of 60 ms; 1: 600 ms. At each, one URL is due well within
    // the deadline and one well after it; no one deadline fits both (10 to 150 ms, 450 to
    // 800), and at the lesson's own scale only a deadline near 0.6 s fits (as yahoo's 0.8 s).
    assert_deadline_at("0.1", 10, 150, &[]);
    assert_deadline_at("1", 450, 800, &["--only", "fetch"]);
}

/// The text between `call` (a name and its `(`) and the matching `)`, at its first place in
/// `code`: the argument of the first `spawn(` is the code of the first task spawned.
fn argument_of<'a>(code: &'a str, call: &str) -> Option<&'a str> {
    let at = code.find(call)?;
    let argument = &code[at + call.len()..];
    let mut depth = 1;
    for (index, c) in argument.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 1 => return Some(&argument[..index]),
            ')' => depth -= 1,
            _ => {}
        }
    }
    Some(argument)
}

/// At `--time-scale SCALE` (a deadline of 0.6 s times it), on a URL due after `under` ms and
/// one due after `over` ms: one by one both are answered; concurrently the first is answered
/// and the second cancelled by the program before its answer, and printed as an error (in
/// the learner's own words).
fn assert_deadline_at(scale: &str, under: u64, over: u64, options: &[&str]) {
    let sites = StandInSites::start(1.0).expect("the stand-in sites start");
    let paths = [format!("/delay/{under}"), format!("/delay/{over}")];
    let urls: Vec<String> = paths.iter().map(|path| sites.url(path)).collect();
    let mut args = vec!["--no-timeline", "--time-scale", scale];
    args.extend(options);
    args.extend(urls.iter().map(String::as_str));
    let ran = run_lesson(&args);
    let seen = sites.requests();
    let limit = 600.0 * scale.parse::<f64>().expect("a number");
    assert!(
        seen.len() >= 4 && seen[..2].iter().all(|r| r.end == End::Answered),
        "at --time-scale {scale}, one by one, a URL due in {over} ms was not answered: the one-by-one run \
         has no deadline (a timeout on the client cuts it too); only the concurrent tasks get one"
    );
    let concurrent = &seen[seen.len() - 2..];
    let (fast, slow) = (
        request_for(concurrent, &paths[0]),
        request_for(concurrent, &paths[1]),
    );
    assert!(
        fast.end == End::Answered,
        "at --time-scale {scale} (a deadline of {limit} ms), a URL due in {under} ms was not answered: \
         the deadline is 0.6 s times --time-scale, counted from when the task starts"
    );
    assert!(
        slow.end == End::ClientLeft,
        "at --time-scale {scale} (a deadline of {limit} ms), the site {} a URL due in {over} ms: the \
         deadline should drop the fetch, which cancels the request (the program hangs up) at {limit} ms",
        if slow.end == End::Answered {
            "answered"
        } else {
            "was still waiting to answer"
        }
    );
    let lines = ran.ran.url_lines_after("fetch_one_by_one");
    let line = |path: &str| lines.iter().find(|l| l.contains(&format!("{path} ["))).copied();
    assert!(
        line(&paths[0]).is_some_and(|l| l.contains("[ 200 / "))
            && line(&paths[1]).is_some_and(|l| l.contains("[ error: ")),
        "at --time-scale {scale}, fetch_concurrently should print the URL due in {under} ms with its \
         status and the one due in {over} ms as its error; it printed:\n{}",
        lines.join("\n")
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
        /// When it ended, from the server's start (None while it waits).
        pub ended: Option<Duration>,
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
            // The lesson has ended: its connections are closed, and each request's watcher
            // sees that within milliseconds.
            let deadline = Instant::now() + Duration::from_millis(500);
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
                ended: None,
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
        let mut log = log.lock().unwrap();
        (log[index].fate, log[index].ended) = (fate, Some(started.elapsed()));
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
) -> (Observed, Vec<watched::Request>) {
    let before = server.requests().len();
    let urls = server.urls(paths);
    let mut all = vec!["--no-timeline", "--time-scale", "0.1"];
    all.extend(args);
    all.extend(urls.iter().map(String::as_str));
    let ran = run_lesson(&all);
    let requests = server.requests().split_off(before);
    // One by one sends each request when the one before has ended: the concurrent run's
    // requests are the last ones.
    let concurrent = requests[requests.len().saturating_sub(paths.len())..].to_vec();
    (ran, concurrent)
}

/// The one URL line of `lines` for `path`; it must exist, and be the only one.
fn line_for<'a>(lines: &[&'a str], path: &str) -> Option<&'a str> {
    let needle = format!("{path} ");
    let found: Vec<&&str> = lines.iter().filter(|l| l.contains(&needle)).collect();
    assert!(found.len() <= 1, "fetch_concurrently printed {path} twice");
    found.first().map(|l| **l)
}

/// What the server saw of `path`'s concurrent request; every URL must have been asked for
/// before any request had ended (a task each, started together).
fn fate_of(requests: &[watched::Request], path: &str) -> watched::Fate {
    let Some(request) = requests.iter().find(|r| r.path == path) else {
        panic!("fetch_concurrently never asked for {path}: start a task per URL, all at once");
    };
    let first_end = requests.iter().filter_map(|r| r.ended).min();
    assert!(
        first_end.is_none_or(|end| request.arrived < end),
        "fetch_concurrently asked for {path} only after another request had ended: start a task per \
         URL, all at once"
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
        ran.ran.stdout.contains("squares_spawn_blocking()"),
        "the lesson stopped before its last section (squares_spawn_blocking), exit status {}: cancel \
         what fetch_concurrently no longer needs, and let the lesson run on",
        ran.ran.status
    );
    let lines = ran.ran.url_lines_after("fetch_one_by_one");
    let failed = line_for(&lines, "/fail/50");
    assert!(
        failed.is_some_and(|l| l.contains("error")),
        "a fetch that fails is printed, and the wait for an answer goes on:\n{}",
        ran.ran.stdout
    );
    let first = line_for(&lines, "/ok/100");
    assert!(
        first.is_some_and(|l| l.contains("[ 200 / ")),
        "the first site to answer (100 ms) is printed with its status:\n{}",
        ran.ran.stdout
    );
    assert_eq!(
        fate_of(&requests, "/fail/50"),
        Failed,
        "the server hangs up on /fail/50 itself"
    );
    assert_eq!(
        fate_of(&requests, "/ok/100"),
        Answered,
        "the first site to answer (/ok/100) should get its answer"
    );
    for slower in ["/ok/300", "/ok/450", "/ok/600"] {
        let printed = line_for(&lines, slower);
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
    // Other URLs, a faster winner: no name and no fixed deadline fits both runs.
    let paths = ["/ok/200", "/ok/30", "/ok/90", "/ok/140"];
    let (ran, _) = run_lesson_watched(&server, &paths, &["--only", "fetch"]);
    let answers: Vec<&str> = ran
        .ran
        .url_lines_after("fetch_one_by_one")
        .into_iter()
        .filter(|l| !l.contains("cancelled"))
        .collect();
    assert!(
        answers.len() == 1 && answers[0].contains("/ok/30 [ 200 / "),
        "the first answer (/ok/30, 30 ms) and no other:\n{}",
        ran.ran.stdout
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
        ran.ran.stdout.contains("squares_spawn_blocking()"),
        "the lesson stopped before its last section (squares_spawn_blocking), exit status {}: cancel \
         what fetch_concurrently no longer needs, and let the lesson run on",
        ran.ran.status
    );
    let lines = ran.ran.url_lines_after("fetch_one_by_one");
    assert!(
        line_for(&lines, "/ok/50").is_some_and(|l| l.contains("[ 200 / ")),
        "a fetch that ended before the failure keeps its answer:\n{}",
        ran.ran.stdout
    );
    let failure = line_for(&lines, "/fail/150");
    assert!(
        failure.is_some_and(|l| l.contains("error") && !l.contains("cancelled")),
        "the failure is printed with its own reason:\n{}",
        ran.ran.stdout
    );
    assert_eq!(
        fate_of(&requests, "/ok/50"),
        Answered,
        "a fetch that ends before the failure (/ok/50) should get its answer"
    );
    assert_eq!(
        fate_of(&requests, "/fail/150"),
        Failed,
        "the server hangs up on /fail/150 itself"
    );
    for later in ["/ok/450", "/ok/650"] {
        assert!(
            line_for(&lines, later).is_some_and(|l| l.contains("cancelled")),
            "each fetch still running at the failure is printed as cancelled ({later}):\n{}",
            ran.ran.stdout
        );
        assert_eq!(
            fate_of(&requests, later),
            Cancelled,
            "the first failure cancels the fetches still running: the server must see {later} \
             hang up before its answer was due"
        );
    }
    // The closing count and the lines agree: each cancelled fetch counts as a failed one.
    let error_lines = ran
        .ran
        .lines_starting("URL: ")
        .iter()
        .filter(|l| l.contains("[ error"))
        .count();
    let said = ran
        .ran
        .lines_starting("")
        .into_iter()
        .find(|l| l.ends_with(" fetches failed."));
    assert!(
        said.is_some_and(|l| l.starts_with(&format!("{error_lines} of "))),
        "the lesson printed {error_lines} error lines, and closed with `{}`: add each cancelled fetch to \
         the timeline too, as a failure, so that the count matches the lines",
        said.unwrap_or("no count of failed fetches")
    );
    // Nothing fails here: nothing is cancelled, however long a fetch takes.
    let paths = ["/ok/500", "/ok/30", "/ok/100"];
    let (ran, _) = run_lesson_watched(&server, &paths, &["--only", "fetch"]);
    let lines = ran.ran.url_lines_after("fetch_one_by_one");
    for path in paths {
        assert!(
            line_for(&lines, path).is_some_and(|l| l.contains("[ 200 / ")),
            "with no failure every fetch gets its answer ({path}):\n{}",
            ran.ran.stdout
        );
    }
}
