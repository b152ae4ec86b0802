//! Where a lesson's calls wait, so a check sees from outside how they run: a loopback
//! server that each call of the lesson's work connects to (`EXERCISE_CHECK_MEET`; the
//! client side is the crate `check-probe`, in `common/`, out of the lesson's files), saying
//! which process and thread it runs on and, on a rayon pool's worker thread, how many threads
//! that pool has (a line `PID THREAD POOL`, POOL `-` off rayon), and then waits for the
//! server's go.
//!
//! A lesson runs its calls in stages, one after another (one by one, on a process pool, on
//! threads, with rayon), `calls` in each. Every call is let go at once but those of the
//! stage watched, which are held:
//!  1. every call that arrives is held, until none has arrived for [`QUIET`]: those are the
//!     calls the lesson runs at once;
//!  2. then one of them stays held, and the others, and every call after them, go on at
//!     once. A lesson whose threads take the next number from a queue they share finishes
//!     every other call meanwhile; one that gave each thread its share beforehand cannot:
//!     the held thread's share waits;
//!  3. the held call goes last: when every other call is done, or none came for [`QUIET`].
//!
//! Only a call that is late by more than [`QUIET`] could be miscounted: the calls wait on a
//! socket, using no CPU, so even a busy machine starts them in far less.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long without a new call before the calls held are all there are.
pub const QUIET: Duration = Duration::from_millis(400);

/// What the server saw of the stage it watched.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Seen {
    /// Calls of the stage that arrived (all of them, unless the lesson stopped early).
    pub calls: usize,
    /// The most calls that were running at once (held together in step 1).
    pub at_once: usize,
    /// Distinct threads (in any process) that ran the stage's calls.
    pub threads: usize,
    /// For each call of the stage, in the order they arrived: the size of the rayon pool
    /// whose worker thread ran it, or `None` for a thread that is no rayon worker.
    pub rayon_pools: Vec<Option<usize>>,
    /// Calls that did not arrive while one call was held though others had gone on (step 2):
    /// 0 when the threads share their work.
    pub waited_behind_the_held_one: usize,
}

/// The server: give [`Meeting::address`] to the lesson, run it, then [`Meeting::finish`].
pub struct Meeting {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: JoinHandle<()>,
    watcher: JoinHandle<Seen>,
}

/// One call, waiting for the server's go (which is the server hanging up).
struct Call {
    /// Its process and thread, `PID THREAD`.
    thread: String,
    /// The size of the rayon pool it runs on, if any.
    rayon_pool: Option<usize>,
    _go: TcpStream,
}

impl Call {
    /// The call that said `line` on `go`.
    fn said(line: &str, go: TcpStream) -> Call {
        let (thread, rayon_pool) = where_from(line);
        Call {
            thread,
            rayon_pool,
            _go: go,
        }
    }
}

/// What a call's line `PID THREAD POOL` says: its process and thread (`PID THREAD`), and the
/// size of its rayon pool (none for a POOL of `-`).
fn where_from(line: &str) -> (String, Option<usize>) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let thread = words[..words.len().min(2)].join(" ");
    (thread, words.get(2).and_then(|pool| pool.parse().ok()))
}

impl Meeting {
    /// Watch stage `stage` (0 for the first) of a lesson that runs `calls` calls per stage.
    pub fn start(stage: usize, calls: usize) -> Meeting {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port for the check");
        let address = listener.local_addr().expect("its address");
        let stop = Arc::new(AtomicBool::new(false));
        let (arrived, arrivals) = mpsc::channel();
        let acceptor = {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    // Read who calls on a thread of its own: a slow caller stalls no other.
                    let arrived = arrived.clone();
                    thread::spawn(move || {
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                        let mut line = String::new();
                        let _ = BufReader::new(&stream).read_line(&mut line);
                        let _ = arrived.send(Call::said(&line, stream));
                    });
                }
            })
        };
        let watcher = thread::spawn(move || watch(&arrivals, stage, calls));
        Meeting {
            address,
            stop,
            acceptor,
            watcher,
        }
    }

    /// The address to give the lesson.
    pub fn address(&self) -> String {
        self.address.to_string()
    }

    /// Stop the server (the lesson has ended) and say what it saw.
    pub fn finish(self) -> Seen {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.address); // wakes the acceptor up, to stop
        let _ = self.acceptor.join();
        self.watcher.join().unwrap_or_default()
    }
}

/// Let every call go at once but those of stage `stage`, held as the module's header says.
fn watch(arrivals: &Receiver<Call>, stage: usize, calls: usize) -> Seen {
    let mut seen = Seen::default();
    // The stages before: every call goes on at once (dropped, so the server hangs up).
    for _ in 0..stage * calls {
        if arrivals.recv().is_err() {
            return seen;
        }
    }
    let mut threads = BTreeSet::new();
    let mut note = |call: &Call, seen: &mut Seen| {
        threads.insert(call.thread.clone());
        seen.threads = threads.len();
        seen.rayon_pools.push(call.rayon_pool);
        seen.calls += 1;
    };
    // 1. Hold every call until none comes for QUIET.
    let mut held = Vec::new();
    while seen.calls < calls {
        match arrivals.recv_timeout(QUIET) {
            Ok(call) => {
                note(&call, &mut seen);
                held.push(call);
            }
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => return seen,
        }
    }
    seen.at_once = held.len();
    // 2. One stays held, the others go on, and so does every call after them.
    let kept = (held.len() >= 2).then(|| held.remove(0));
    drop(held);
    if kept.is_some() {
        while seen.calls < calls {
            match arrivals.recv_timeout(QUIET) {
                Ok(call) => note(&call, &mut seen),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return seen,
            }
        }
        seen.waited_behind_the_held_one = calls - seen.calls;
    }
    // 3. The held call goes last, then whatever waited behind it.
    drop(kept);
    while seen.calls < calls {
        match arrivals.recv() {
            Ok(call) => note(&call, &mut seen),
            Err(_) => break,
        }
    }
    // The stages after: every call goes on at once, until the server stops.
    while arrivals.recv().is_ok() {}
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A call as the lesson's work makes it: connect, say where from, wait for the go.
    fn call(at: SocketAddr, thread: &str) {
        let mut stream = TcpStream::connect(at).unwrap();
        writeln!(stream, "1 {thread} -").unwrap();
        let _ = stream.read(&mut [0; 1]);
    }

    /// `workers` threads taking `calls` calls, from a queue they share or each from a share
    /// fixed beforehand (every `workers`th call).
    fn stage(at: SocketAddr, workers: usize, calls: usize, shared: bool) {
        let next = std::sync::atomic::AtomicUsize::new(0);
        thread::scope(|scope| {
            for worker in 0..workers {
                let next = &next;
                scope.spawn(move || {
                    let name = format!("w{worker}");
                    if shared {
                        while next.fetch_add(1, Ordering::Relaxed) < calls {
                            call(at, &name);
                        }
                    } else {
                        for _ in (worker..calls).step_by(workers) {
                            call(at, &name);
                        }
                    }
                });
            }
        });
    }

    #[test]
    fn threads_that_share_a_queue_are_told_from_fixed_shares() {
        for shared in [true, false] {
            let meeting = Meeting::start(1, 7);
            let at = meeting.address;
            stage(at, 1, 7, true); // one by one: let go at once
            stage(at, 2, 7, shared);
            let seen = meeting.finish();
            assert_eq!((seen.calls, seen.at_once, seen.threads), (7, 2, 2), "{seen:?}");
            // The held thread's share was 3 or 4 calls: 2 or 3 of them waited.
            let waited = seen.waited_behind_the_held_one;
            assert_eq!(waited == 0, shared, "shared: {shared}, {seen:?}");
        }
    }

    #[test]
    fn a_thread_per_call_runs_them_all_at_once() {
        let meeting = Meeting::start(0, 5);
        stage(meeting.address, 5, 5, false);
        let seen = meeting.finish();
        assert_eq!((seen.calls, seen.at_once, seen.threads), (5, 5, 5));
        assert_eq!(seen.rayon_pools, [None; 5], "no call said it ran on rayon");
    }

    #[test]
    fn a_call_says_its_thread_and_its_rayon_pool() {
        let on_rayon = where_from("42 ThreadId(7) 3\n");
        assert_eq!(on_rayon, ("42 ThreadId(7)".to_string(), Some(3)));
        let off_rayon = where_from("42 ThreadId(8) -\n");
        assert_eq!(off_rayon, ("42 ThreadId(8)".to_string(), None));
    }
}
