//! Faults to run the examples against: misbehaving servers on 127.0.0.1 (port 0), a child's
//! peak memory, and (on Linux) the processes a program leaves behind.

use crate::{Ran, command, run, wait_until};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// Serve every connection with `answer` on its own thread, forever; return the base URL.
pub fn serve(answer: impl Fn(TcpStream) + Clone + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = answer.clone();
            thread::spawn(move || answer(stream));
        }
    });
    url
}

/// Read the request's head (up to its blank line), so the client is not cut off mid-send.
pub fn read_request(stream: &TcpStream) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
        line.clear();
    }
}

/// A redirect to `gopher://example.com/x`, a scheme no client follows: the failure must name
/// where the redirect led, not the URL the reader gave.
pub fn redirect_to_gopher(mut stream: TcpStream) {
    read_request(&stream);
    let moved = "HTTP/1.1 302 Found\r\nLocation: gopher://example.com/x\r\nContent-Length: 0\r\n\r\n";
    let _ = stream.write_all(moved.as_bytes());
}

/// Run `program ARGS URL` against a server that redirects to `gopher:`: the fetch fails,
/// exit status 1, and its line names where the redirect led, not the valid URL given
/// (reqwest alone said `invalid URL: URL scheme is not allowed` beside the URL given).
pub fn assert_a_refused_redirect_names_where_it_led(program: &str, args: &[&str]) {
    let url = serve(redirect_to_gopher);
    let mut args = args.to_vec();
    args.push(&url);
    let ran = run(command(program, &args), Duration::from_secs(60));
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    let refused = "error: a redirect to gopher://example.com/x: only http and https are followed";
    assert!(ran.stdout.contains(refused), "{}", ran.stdout);
    ran.assert_no_panic_report();
}

/// A 200 whose body never ends: 64 KB chunks, as fast as the client takes them.
pub fn endless_body(mut stream: TcpStream) {
    read_request(&stream);
    let chunk = vec![b'x'; 64 * 1024];
    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n");
    while stream.write_all(&chunk).is_ok() {}
}

/// The headers after `delay`, the first 10 of 1,000 promised bytes, then silence for a
/// minute (longer than any test waits).
pub fn stalled_body(delay: Duration) -> impl Fn(TcpStream) + Clone + Send + 'static {
    move |mut stream| {
        read_request(&stream);
        thread::sleep(delay);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
        let _ = stream.flush();
        thread::sleep(Duration::from_secs(60));
    }
}

/// Run `command` like [`run`](crate::run), and also return the most memory it ever held
/// (its peak resident set, in MiB), as the kernel counts it: Linux's /proc.
#[cfg(target_os = "linux")]
pub fn run_with_peak_memory(command: std::process::Command, deadline: Duration) -> (Ran, f64) {
    let (mut child, stdout, stderr) = crate::start(command);
    let end = Instant::now() + deadline;
    let mut peak_mib = 0.0_f64;
    let status = loop {
        // The high-water mark of the resident set, gone once the process has exited.
        if let Some(mib) = crate::probes::peak_memory_mib(child.id()) {
            peak_mib = peak_mib.max(mib);
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > end {
            let _ = wait_until(&mut child, end); // kills it
            panic!("no exit within {deadline:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let ran = Ran {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    };
    (ran, peak_mib)
}

/// Run `program` with `args` and four URLs whose bodies never end, `--timeout 0.5`:
/// each fetch must stop at the timeout with a one-line error, in flat memory (the old code
/// kept the bodies: hundreds of MB after one second). `fetches`: how many it makes in all.
#[cfg(target_os = "linux")]
pub fn assert_endless_bodies_stop_in_flat_memory(program: &str, args: &[&str], fetches: usize) {
    let url = format!("{}/endless", serve(endless_body));
    let mut args = args.to_vec();
    args.extend(["--timeout", "0.5", "--no-timeline", &url, &url, &url, &url]);
    let (ran, peak_mib) = run_with_peak_memory(command(program, &args), Duration::from_secs(60));
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    ran.assert_no_panic_report();
    let errors = ran.lines_starting("URL: ");
    assert_eq!(errors.len(), fetches, "{ran:?}");
    for line in errors {
        assert!(line.contains("while reading the body"), "{line}");
        assert!(line.contains("B received"), "{line}");
    }
    assert!(peak_mib < 50.0, "peak memory {peak_mib:.1} MiB");
}

/// Run `program` with `args` and one URL whose headers come just inside `--timeout 1`,
/// then whose body stalls: every fetch (`fetches`) must give up at the timeout, not at a
/// second timeout started afresh once the headers came (0.6 s + 1 s). The bound is that
/// second timeout's, not the first's plus a slack: a busy machine may be late, but a
/// deadline that covers the whole request never waits for the headers' 0.6 s again.
pub fn assert_a_stalled_body_stops_at_the_timeout(program: &str, args: &[&str], fetches: usize) {
    let url = serve(stalled_body(Duration::from_millis(600)));
    let mut args = args.to_vec();
    args.extend(["--timeout", "1", "--no-timeline", &url]);
    let ran = run(command(program, &args), Duration::from_secs(60));
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    ran.assert_no_panic_report();
    assert!(ran.stdout.contains("10 bytes received"), "{ran:?}");
    let took = timed_out_after(&ran);
    assert_eq!(took.len(), fetches, "{ran:?}");
    for seconds in took {
        assert!(seconds < 1.6, "gave up after {seconds:.1} s with --timeout 1");
    }
}

/// Run `program args` with too little address space for `threads` thread stacks: it must
/// end with one line, `error: cannot start THREADS threads: …; HINT`, and exit status 1,
/// not with a pool's panic.
///
/// A low `ulimit -u` would be the natural fault, but it does not bind root. So each thread
/// is given a 256 MiB stack (RUST_MIN_STACK, which the pools' threads honour too) under a
/// 64 GiB address-space limit: a few hundred threads fit, a thousand do not, and the
/// refusal comes cleanly from the thread's start, with room left for everything else (one
/// malloc arena: glibc's per-thread arenas would otherwise eat that room).
#[cfg(target_os = "linux")]
pub fn assert_threads_refused_in_one_line(program: &str, args: &[&str], threads: usize, hint: &str) {
    let mut limited = crate::probes::under_ulimit("-v 67108864", program, args);
    limited
        .env("RUST_MIN_STACK", (256 << 20).to_string())
        .env("MALLOC_ARENA_MAX", "1");
    let ran = run(limited, Duration::from_secs(60));
    ran.assert_threads_refused(threads);
    assert!(ran.stderr.starts_with("error: cannot start "), "{}", ran.stderr);
    assert!(ran.stderr.trim_end().ends_with(hint), "{}", ran.stderr);
}

/// Wait for a started `child` (its stdout piped) to end; its exit status and its stdout.
pub fn finish(mut child: std::process::Child) -> (std::process::ExitStatus, String) {
    let stdout = child.stdout.take().expect("stdout piped");
    let output = thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let status = wait_until(&mut child, Instant::now() + Duration::from_secs(60)).expect("it must not hang");
    (status, output.join().expect("the stdout reader"))
}

/// The seconds a fetch error reports in `timed out after N s`, from each line that has one.
fn timed_out_after(ran: &Ran) -> Vec<f64> {
    ran.stdout
        .lines()
        .filter_map(|line| line.split("timed out after ").nth(1))
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect()
}

/// Linux only: the kernel lists each process, and each process's children, in /proc.
#[cfg(target_os = "linux")]
pub mod processes {
    use std::time::{Duration, Instant};

    /// The children of `pid`, whichever of its threads started them.
    pub fn children_of(pid: u32) -> Vec<u32> {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
            return Vec::new();
        };
        tasks
            .flatten()
            .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
            .flat_map(|list| {
                list.split_whitespace()
                    .filter_map(|p| p.parse().ok())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Alive means present and not a zombie waiting to be reaped.
    pub fn alive(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
        })
    }

    /// Wait until `pid` has `count` children (a pool its workers); return their ids.
    pub fn workers_of(pid: u32, count: usize) -> Vec<u32> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let children = children_of(pid);
            if children.len() >= count || Instant::now() > deadline {
                return children;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Wait up to `patience` for every one of `pids` to be gone; say which are left.
    pub fn left_behind(pids: &[u32], patience: Duration) -> Vec<u32> {
        let deadline = Instant::now() + patience;
        while pids.iter().any(|&pid| alive(pid)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        pids.iter().copied().filter(|&pid| alive(pid)).collect()
    }
}
