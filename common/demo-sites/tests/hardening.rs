//! demo-sites against bad input and a hostile machine: the real binary, each failure one
//! line with an honest exit status, never a panic or a hang.

use testkit::{DEADLINE, command, probes, run};

const BINARY: &str = env!("CARGO_BIN_EXE_demo-sites");

/// The OS refuses the server's threads (simulated: see `probes::refusing_threads`): one
/// line, exit status 1, no hang.
#[cfg(target_os = "linux")]
#[test]
fn threads_refused_are_a_one_line_error() {
    let threads = demo_sites::StandInSites::threads_needed();
    let ran = run(probes::refusing_threads(threads, BINARY, &[]), DEADLINE);
    ran.assert_threads_refused(threads);
    ran.assert_said("error: cannot start ");
}

/// A port already taken: plain words, without the OS's error number.
#[test]
fn a_port_in_use_is_said_in_plain_words() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let ran = run(command(BINARY, &["--port", &port]), DEADLINE);
    assert_eq!(ran.status.code(), Some(1), "{ran:?}");
    ran.assert_said("error: cannot listen on 127.0.0.1:");
    assert!(!ran.stderr.contains("os error"), "{}", ran.stderr);
}

/// clap's own output (usage errors, `--help`) keeps the promises: `TERM=dumb`, a full disk.
#[test]
fn clap_keeps_the_output_promises() {
    probes::assert_clap_keeps_the_output_promises(BINARY, &["--port", "http"]);
}
