//! What the stand-in sites saw of each request: when it arrived, and how it ended (answered,
//! hung up on by the site as `/flaky` asks, or left by a client that hung up before its answer
//! was due). The tests read it to judge a program from outside: which requests it sent, when,
//! how many it had waiting at once, and which it cancelled.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a request ended, as the sites saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Still waiting for its answer.
    Waiting,
    /// Answered, the client still there to take it.
    Answered,
    /// Hung up on by the site, on purpose (`/flaky`).
    HungUpOn,
    /// The client hung up before its answer was due: the program cancelled it.
    ClientLeft,
}

/// One request, as the sites saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The path asked for, such as `/yahoo` or `/delay/300`.
    pub path: String,
    pub arrived: Instant,
    /// When it ended (`None` while it waits).
    pub ended: Option<Instant>,
    pub end: End,
}

impl Seen {
    /// How long the site held it: from its arrival to its end (or to now, while it waits).
    pub fn held(&self) -> Duration {
        self.ended.unwrap_or_else(Instant::now) - self.arrived
    }
}

/// The most requests one record keeps: sites that serve for days (`cargo run -p demo-sites`)
/// stop noting requests there, so their memory stays small.
const MAX_RECORDED: usize = 100_000;

/// Every request the sites saw, in the order they arrived (the first [`MAX_RECORDED`]).
#[derive(Clone, Default)]
pub(crate) struct Record(Arc<Mutex<Vec<Seen>>>);

impl Record {
    /// Note a request that has just arrived; what it returns notes its end, and, dropped
    /// before that (the client hung up, so the server dropped the answer it was preparing),
    /// that the client left.
    pub(crate) fn arrived(&self, path: &str) -> Ending {
        let mut seen = self.0.lock().expect("never poisoned");
        if seen.len() >= MAX_RECORDED {
            return Ending {
                record: self.clone(),
                index: None,
                end: End::ClientLeft,
            };
        }
        seen.push(Seen {
            path: path.to_string(),
            arrived: Instant::now(),
            ended: None,
            end: End::Waiting,
        });
        Ending {
            record: self.clone(),
            index: Some(seen.len() - 1),
            end: End::ClientLeft,
        }
    }

    pub(crate) fn requests(&self) -> Vec<Seen> {
        self.0.lock().expect("never poisoned").clone()
    }
}

/// Notes how one request ended, when dropped.
pub(crate) struct Ending {
    record: Record,
    /// Where in the record (None once the record is full).
    index: Option<usize>,
    end: End,
}

impl Ending {
    /// The request ends as `end` (otherwise it ends with the client gone).
    pub(crate) fn set(&mut self, end: End) {
        self.end = end;
    }
}

impl Drop for Ending {
    fn drop(&mut self) {
        let Some(index) = self.index else { return };
        let mut seen = self
            .record
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let request = &mut seen[index];
        (request.end, request.ended) = (self.end, Some(Instant::now()));
    }
}

/// The most requests of `requests` that were held at once (waiting ones count until now).
pub fn most_held_at_once(requests: &[Seen]) -> usize {
    let now = Instant::now();
    // +1 at each arrival, -1 at each end; an end at the very moment of an arrival comes first.
    let mut events: Vec<(Instant, i32)> = requests
        .iter()
        .flat_map(|r| [(r.arrived, 1), (r.ended.unwrap_or(now), -1)])
        .collect();
    events.sort();
    let (mut held, mut most) = (0_i32, 0_i32);
    for (_, change) in events {
        held += change;
        most = most.max(held);
    }
    most as usize
}
