//! demo-sites against bad input and a hostile machine: the real binary, each failure one
//! line with an honest exit status, never a panic or a hang.

use std::time::Duration;
use testkit::{command, probes, run};

const BINARY: &str = env!("CARGO_BIN_EXE_demo-sites");
const DEADLINE: Duration = Duration::from_secs(60);

/// The OS refuses the server's threads (simulated: see `probes::refusing_threads`): one
/// line, exit status 1, no hang.
#[cfg(target_os = "linux")]
#[test]
fn threads_refused_are_a_one_line_error() {
    let threads = demo_sites::StandInSites::threads_needed();
    let ran = run(probes::refusing_threads(threads, BINARY, &[]), DEADLINE);
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    ran.assert_no_panic_report();
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    let expected = format!("error: cannot start {threads} threads: ");
    assert!(ran.stderr.starts_with(&expected), "{}", ran.stderr);
}

/// A port already taken: plain words, without the OS's error number.
#[test]
fn a_port_in_use_is_said_in_plain_words() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let ran = run(command(BINARY, &["--port", &port]), DEADLINE);
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    assert!(
        ran.stderr.starts_with("error: cannot listen on 127.0.0.1:"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("os error"), "{}", ran.stderr);
}

/// clap's own output (usage errors, `--help`) keeps the promises: `TERM=dumb`, a full disk.
#[test]
fn clap_keeps_the_output_promises() {
    probes::assert_clap_keeps_the_output_promises(BINARY, &["--port", "http"]);
}
