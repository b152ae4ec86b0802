//! The exercise checks' probe: what a check is told about each call of the processpool
//! lesson's work. It lives in `common/`, beside the stand-in sites and the panic record, and
//! not in the lesson, so that nothing a learner edits there changes what a check is told.
//!
//! A check sets `EXERCISE_CHECK_MEET=ADDRESS` ([`CHECK_MEET`]) to its loopback server
//! (`testkit::meeting`); each call of the lesson's work then [`meet`]s it instead of working:
//! it connects and reports a line `PID THREAD POOL`: the process it runs in, its thread, and
//! the size of the rayon pool whose worker thread that is (POOL `-` for a thread that is no
//! rayon worker). Then it waits for the server's go.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

/// The variable that names an exercise check's server.
pub const CHECK_MEET: &str = "EXERCISE_CHECK_MEET";

/// The check's server, when a check runs this program.
pub fn server() -> Option<SocketAddr> {
    std::env::var(CHECK_MEET).ok()?.parse().ok()
}

/// Report to the check's server at `server` which process, thread and rayon pool this call
/// runs on, then wait until the server answers (or hangs up). A server that is gone ends the
/// wait at once: the check notices.
pub fn meet(server: SocketAddr) {
    if let Ok(mut call) = TcpStream::connect(server)
        && call.write_all(who_calls().as_bytes()).is_ok()
    {
        let _ = call.read(&mut [0; 1]);
    }
}

/// The line `PID THREAD POOL` for the calling thread.
fn who_calls() -> String {
    let rayon_pool = match rayon::current_thread_index() {
        Some(_) => rayon::current_num_threads().to_string(),
        None => "-".to_string(),
    };
    let thread = std::thread::current().id();
    format!("{} {thread:?} {rayon_pool}\n", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use testkit::meeting::Meeting;

    /// What the checks' server reads of the probe: a call on a rayon pool of three says so, a
    /// call on a plain thread says it is on none.
    #[test]
    fn the_checks_server_is_told_each_calls_thread_and_rayon_pool() {
        let meeting = Meeting::start(0, 4);
        let at: SocketAddr = meeting.address().parse().unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        std::thread::scope(|scope| {
            scope.spawn(|| meet(at));
            pool.broadcast(|_| meet(at)); // once on each of the pool's threads
        });
        let seen = meeting.finish();
        assert_eq!((seen.calls, seen.threads), (4, 4), "{seen:?}");
        let mut pools = seen.rayon_pools;
        pools.sort_unstable();
        assert_eq!(pools, [None, Some(3), Some(3), Some(3)]);
    }
}
