//! What a test learns about a program from outside it, and the stand-ins it needs for that:
//! a process's peak memory, ports that refuse or never answer, a plain server on any
//! address, threads the OS refuses, and the output promises every program keeps from its
//! first line on (no colour for `TERM=dumb`, a one-line error for a full disk).

use crate::{Ran, command, run};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

/// The peak resident memory of process `pid`, in MiB, as Linux counts it (`VmHWM` in
/// /proc/PID/status); None once the process is gone, or where there is no /proc.
pub fn peak_memory_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    let kib: f64 = kib.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

/// A port on 127.0.0.1 that nobody listens on: the OS gave it to us, and we let it go.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

/// A port on 127.0.0.1 that accepts no connection and refuses none: its queue of waiting
/// connections is full, so the OS drops every new attempt and the caller waits (Linux).
/// Dropping it frees the port.
#[cfg(target_os = "linux")]
pub struct SilentPort {
    pub port: u16,
    _listener: TcpListener,
    _queued: Vec<TcpStream>,
}

#[cfg(target_os = "linux")]
impl SilentPort {
    pub fn open() -> Self {
        // A queue of one (socket2 lets us choose it; std asks for a long one).
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
        let any_port = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        socket.bind(&any_port.into()).expect("a free port");
        socket.listen(1).expect("listening");
        let listener = TcpListener::from(socket);
        let addr = listener.local_addr().expect("its address");
        // Connect, never accept, until a connection attempt goes unanswered.
        let mut queued = Vec::new();
        while let Ok(stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            queued.push(stream);
            assert!(queued.len() < 100, "the queue never filled");
        }
        Self {
            port: addr.port(),
            _listener: listener,
            _queued: queued,
        }
    }
}

/// Answer every request on `bind` (say `[::1]:0`) with an empty 200, forever; the base URL,
/// or None where that address cannot be had (a machine without IPv6).
pub fn serve_ok_at(bind: &str) -> Option<String> {
    let listener = TcpListener::bind(bind).ok()?;
    let url = format!("http://{}", listener.local_addr().ok()?);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || answer_ok(stream));
        }
    });
    Some(url)
}

fn answer_ok(mut stream: TcpStream) {
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
        line.clear();
    }
    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

/// `program args` run by `sh` under `ulimit LIMIT` (for example `-n 64`): the limit binds
/// the program alone.
#[cfg(unix)]
pub fn under_ulimit(limit: &str, program: &str, args: &[&str]) -> std::process::Command {
    crate::command_via_shell(&format!("ulimit {limit} &&"), "", program, args)
}

/// `program args` where the OS lets it start fewer than `threads` threads at once.
///
/// `ulimit -u` would be the natural fault, but it does not bind root and counts every
/// process of the user. So each thread gets a 2 GiB stack (RUST_MIN_STACK, which tokio's and
/// the pools' threads honour) under an address-space limit of `threads - 0.5` such stacks:
/// `threads - 1` fit, with 1 GiB to spare for everything else, and `threads` do not. (A
/// stack larger than the machine's memory would be refused even alone.) One malloc arena,
/// or glibc's per-thread arenas would eat the spare room.
#[cfg(target_os = "linux")]
pub fn refusing_threads(threads: usize, program: &str, args: &[&str]) -> Command {
    const STACK_GIB: u64 = 2;
    assert!(threads >= 2, "one thread always runs: the main one");
    let limit_kib = (STACK_GIB * threads as u64 - STACK_GIB / 2) << 20;
    let mut limited = under_ulimit(&format!("-v {limit_kib}"), program, args);
    limited
        .env("RUST_MIN_STACK", (STACK_GIB << 30).to_string())
        .env("MALLOC_ARENA_MAX", "1");
    limited
}

/// Start `program args`, wait for a stdout line containing `text`, give it `settle` more,
/// and return its peak memory in MiB so far; then kill it (Linux).
#[cfg(target_os = "linux")]
pub fn peak_memory_once_it_prints(program: &str, args: &[&str], text: &str, settle: Duration) -> f64 {
    let mut child = command(program, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the program starts");
    let stdout = BufReader::new(child.stdout.take().expect("piped"));
    let printed = stdout
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains(text));
    thread::sleep(settle);
    let peak = peak_memory_mib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    assert!(printed, "{program} {args:?} never printed {text:?}");
    peak.expect("the peak memory of a running process")
}

/// clap's own output keeps the promises every other line keeps: no colour for `TERM=dumb`
/// (in the usage error `bad_args` gives, and in `--help`), and `--help` into a full disk is a
/// one-line error.
pub fn assert_clap_keeps_the_output_promises(program: &str, bad_args: &[&str]) {
    assert_no_colour_on_a_dumb_terminal(program, bad_args);
    #[cfg(target_os = "linux")]
    assert_help_into_a_full_disk_fails(program);
}

/// With `TERM=dumb` nothing is coloured, even when `CLICOLOR_FORCE=1` asks for colour:
/// neither the usage error `bad_args` gives nor `--help`.
fn assert_no_colour_on_a_dumb_terminal(program: &str, bad_args: &[&str]) {
    let dumb = |args: &[&str]| {
        let mut forced = command(program, args);
        forced
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .env("TERM", "dumb");
        run(forced, Duration::from_secs(60))
    };
    let usage_error = dumb(bad_args);
    assert_eq!(usage_error.status.code(), Some(2), "{usage_error:?}");
    assert!(!usage_error.stderr.contains('\x1b'), "{:?}", usage_error.stderr);
    let help = dumb(&["--help"]);
    assert!(help.status.success(), "{help:?}");
    assert!(help.stdout.contains("Usage:"), "{help:?}");
    assert!(!help.stdout.contains('\x1b'), "{:?}", help.stdout);
}

/// `program --help > /dev/full`: one line saying the output was lost, exit status 1, as for
/// every other line a program prints (Linux has /dev/full).
#[cfg(target_os = "linux")]
fn assert_help_into_a_full_disk_fails(program: &str) {
    let ran: Ran = run(
        crate::command_via_shell("", ">/dev/full", program, &["--help"]),
        Duration::from_secs(60),
    );
    ran.assert_full_disk_said();
}
