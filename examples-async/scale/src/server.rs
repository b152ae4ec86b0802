//! The stand-in sites in a process of their own, so that the client's CPU time, memory and
//! open files are its own, as they would be against a real site.
//!
//! The child is this same program, started again (`std::env::current_exe()`) with the hidden
//! flag [`CHILD_FLAG`] and our process id, like the process pool's workers. It prints its
//! address on stdout and serves until its stdin closes. Our end of that pipe closes however
//! this process ends, even when it is killed outright; on Linux the kernel also ends the child
//! with us, even a child that is stopped and cannot read (`common::children::die_with_parent`).
//! On our own exit paths (the end of a run, an error, Ctrl-C) dropping [`ServerProcess`] also
//! kills and reaps it.

use common::children::{
    die_with_parent, parent_id_argument, start_this_program_again, started_again_with, wait_or_kill,
};
use common::output::strip_os_error;
use demo_sites::StandInSites;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, ExitCode};
use std::time::Duration;

/// The hidden command-line flag that turns this program into the stand-in sites.
const CHILD_FLAG: &str = "--serve-stand-in-sites-until-stdin-closes";

/// How long the child may take to exit after its stdin closes before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(1);

/// Was this process started by [`ServerProcess::start`]? Ask first thing in `main`.
pub fn is_child() -> bool {
    started_again_with(CHILD_FLAG)
}

/// How long the child may take to say where it listens.
const START_GRACE: Duration = Duration::from_secs(30);

/// Child mode: serve the stand-in sites until stdin closes; what went wrong, in one line
/// on stderr, which the parent passes on.
pub fn serve_as_child() -> ExitCode {
    die_with_parent(parent_id_argument());
    common::exit_status(serve_until_stdin_closes())
}

fn serve_until_stdin_closes() -> Result<ExitCode, common::Error> {
    // The server's threads, or why the OS refuses them, rather than a panic inside tokio.
    common::workers::check_threads(
        StandInSites::threads_needed(),
        "the OS allows fewer (`ulimit -u`)",
    )?;
    // Every connection holds one of the server's descriptors. `init` has raised the limit
    // as far as it goes; this reads it back, for the parent's budget.
    let open_files = crate::budget::raise_open_files_limit().unwrap_or(u64::MAX);
    // At their own pace: the client asks for the latency it wants, `/delay/<ms>`.
    let sites = StandInSites::start(1.0).map_err(|error| common::Error::Cannot(error.to_string()))?;
    // One line for the parent: where we listen and how many files we may open.
    common::say!("{} {open_files}", sites.addr());
    if io::stdout().flush().is_err() {
        return Ok(ExitCode::FAILURE);
    }
    // Read until the parent closes the pipe (or dies); the server runs on its own threads.
    let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
    drop(sites);
    Ok(ExitCode::SUCCESS)
}

/// The stand-in sites running in a child process. Dropping it stops the child.
pub struct ServerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    addr: SocketAddr,
    open_files: u64,
}

impl ServerProcess {
    /// Start the child and wait for it to say where it listens. The wait can be cut short
    /// (Ctrl-C drops this future): the child is then stopped like any other.
    pub async fn start() -> Result<Self, String> {
        let parent = std::process::id().to_string();
        let mut child = start_this_program_again(&[CHILD_FLAG.to_string(), parent])
            .map_err(|e| format!("cannot start a child process: {}", strip_os_error(&e.to_string())))?;
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let mut server = Self {
            stdin: child.stdin.take(),
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            open_files: 0,
        };
        let ready = tokio::time::timeout(START_GRACE, first_line(stdout)).await;
        let line = match ready {
            Ok(read) => read?,
            Err(_) => format!("did not start within {} s", START_GRACE.as_secs()),
        };
        let mut words = line.split_whitespace();
        let addr = words.next().and_then(|a| a.parse().ok());
        let open_files = words.next().and_then(|n| n.parse().ok());
        match (addr, open_files) {
            (Some(addr), Some(open_files)) => {
                server.addr = addr;
                server.open_files = open_files;
                Ok(server)
            }
            // No address: the child failed; its last words say why.
            _ => {
                server.stop();
                let said = Some(line.trim().to_string()).filter(|line| !line.is_empty());
                Err(last_line(stderr)
                    .or(said)
                    .unwrap_or_else(|| "the child process ended early".into()))
            }
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The child's open-files limit: each connection to it holds one of its descriptors.
    pub fn open_files(&self) -> u64 {
        self.open_files
    }

    /// Close its stdin (the child's signal to exit), wait a moment, kill it if it lingers.
    fn stop(&mut self) {
        drop(self.stdin.take());
        wait_or_kill(&mut self.child, EXIT_GRACE);
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The first line the child writes (empty if it wrote none), read on a thread of its own:
/// std's pipes only block, and this way the wait does not block the event loop.
async fn first_line(stdout: Option<ChildStdout>) -> Result<String, String> {
    let (send, line) = tokio::sync::oneshot::channel();
    let reader = std::thread::Builder::new().spawn(move || {
        let mut line = String::new();
        if let Some(stdout) = stdout {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        let _ = send.send(line);
    });
    if let Err(error) = reader {
        return Err(format!(
            "cannot start 1 thread: {}",
            strip_os_error(&error.to_string())
        ));
    }
    Ok(line.await.unwrap_or_default())
}

/// The last non-empty line a dead child wrote to stderr, without its `error: `.
fn last_line(stderr: Option<ChildStderr>) -> Option<String> {
    let mut text = String::new();
    stderr?.read_to_string(&mut text).ok()?;
    let line = text.lines().rfind(|line| !line.trim().is_empty())?;
    Some(line.strip_prefix("error: ").unwrap_or(line).to_string())
}
