//! demo-sites end to end: the real binary, serving on a port the OS picks.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use testkit::loopback_client;

const BINARY: &str = env!("CARGO_BIN_EXE_demo-sites");

/// demo-sites, started from `command`, and the address it printed; killed when dropped.
struct DemoSites {
    child: Child,
    base: String,
    /// Kept open: a program whose output pipe is closed may stop.
    _output: BufReader<ChildStdout>,
}

impl DemoSites {
    fn start(mut command: Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("demo-sites starts");
        let mut output = BufReader::new(child.stdout.take().expect("piped"));
        let mut first = String::new();
        output.read_line(&mut first).expect("its first line");
        // "Stand-in sites on http://127.0.0.1:PORT (Ctrl-C to stop):"
        let base = first
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        Self {
            child,
            base,
            _output: output,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for DemoSites {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn flaky_keys_are_bounded_in_length_and_number() {
    let sites = DemoSites::start(testkit::command(BINARY, &[]));
    let client = loopback_client();
    let too_long = sites.url(&format!("/flaky/{}", "k".repeat(101)));
    assert_eq!(client.get(&too_long).send().unwrap().status(), 404);

    let first = sites.url("/flaky/first");
    assert!(client.get(&first).send().is_err(), "hangs up the first time");
    assert_eq!(client.get(&first).send().unwrap().status(), 200);
    // A thousand new keys fill the server's memory of keys; it then starts over, so its
    // memory stays bounded, and `first` is new again.
    for n in 0..1000 {
        let _ = client.get(sites.url(&format!("/flaky/key-{n}"))).send();
    }
    assert!(client.get(&first).send().is_err(), "forgotten, so new again");
}

/// `/delay/<ms>` keeps its promise for any number: cut to the longest wait however many
/// digits it has, and a bad request that says why for anything that is not a number.
#[test]
fn any_delay_is_cut_to_the_longest_and_a_bad_one_is_told() {
    // --time-scale 0: the longest wait is not waited, but the answer still names it.
    let sites = DemoSites::start(testkit::command(BINARY, &["--time-scale", "0"]));
    let client = loopback_client();
    let longest = format!("waited {} ms", demo_sites::MAX_DELAY.as_millis());
    for digits in [
        "18446744073709551615",
        "99999999999999999999999",
        &"9".repeat(500),
    ] {
        let answer = client.get(sites.url(&format!("/delay/{digits}"))).send().unwrap();
        assert_eq!(answer.status().as_u16(), 200, "{digits}");
        assert_eq!(answer.text().unwrap().trim(), longest, "{digits}");
    }
    for bad in ["-5", "abc", "1.5", "", &"x".repeat(500)] {
        let answer = client.get(sites.url(&format!("/delay/{bad}"))).send().unwrap();
        assert_eq!(answer.status().as_u16(), 400, "{bad}");
        let body = answer.text().unwrap();
        assert!(body.contains("a whole number of milliseconds"), "{bad}: {body}");
        assert!(body.len() < 200, "the client's path is not echoed whole: {body}");
    }
}

/// Unix only: the open-files limit is set for the child through the shell's `ulimit`.
///
/// It starts with macOS's 256 open files (half the system's limit where that is less) and
/// meets more slow connections than that: it keeps serving because it raises its own limit
/// as far as the system allows, as the README promises. The slow connections are as many as
/// 400, but fewer where the system allows fewer (`ulimit -n 256`): its files and this test's
/// end of each must fit under that limit, which no program can raise.
#[cfg(unix)]
#[test]
fn it_keeps_serving_under_slowloris_with_more_connections_than_it_starts_with() {
    use std::io::Write;
    use std::net::TcpStream;

    let allowed = testkit::open_files_limit();
    let starts_with = testkit::open_files_to_start_with(allowed);
    let slow_count = 400.min(starts_with + (allowed - starts_with) / 3);
    assert!(
        slow_count > starts_with,
        "{slow_count} slow connections, {starts_with} files"
    );
    let sites = DemoSites::start(testkit::command_with_open_files(starts_with, BINARY, &[]));
    let address = sites.base.trim_start_matches("http://").to_string();
    let slow: Vec<TcpStream> = (0..slow_count)
        .map(|_| {
            let mut stream = TcpStream::connect(&address).expect("connects");
            // A request that never ends: the headers stop halfway.
            stream.write_all(b"GET /google HTTP/1.1\r\nHost: x\r\n").unwrap();
            stream
        })
        .collect();
    let status = loopback_client()
        .get(sites.url("/status/200"))
        .send()
        .map(|r| r.status());
    assert_eq!(
        status.as_ref().map(|s| s.as_u16()).ok(),
        Some(200),
        "with {} slow connections open, started with {starts_with} files: {status:?}",
        slow.len()
    );
}

/// `cargo run -p demo-sites -- ...` as the tutorial shows it (on a free port, as the real one
/// may be taken): it serves, and says where.
#[test]
fn the_tutorials_demo_sites_command_serves() {
    let commands = testkit::tutorial_commands("demo-sites", "demo-sites");
    let with_port: Vec<&Vec<String>> = commands
        .iter()
        .filter(|args| args.iter().any(|a| a == "--port"))
        .collect();
    assert!(!with_port.is_empty(), "the tutorial shows demo-sites --port");
    for args in with_port {
        let args: Vec<&str> = args
            .iter()
            .map(|a| if a.parse::<u16>().is_ok() { "0" } else { a.as_str() })
            .collect();
        let sites = DemoSites::start(testkit::command(BINARY, &args));
        let answer = loopback_client().get(sites.url("/status/200")).send();
        assert_eq!(answer.map(|it| it.status().as_u16()).ok(), Some(200), "{args:?}");
    }
}
