//! Precise waits for the stand-in sites.
//!
//! tokio's timer counts in whole milliseconds and wakes 1 to 2 ms after the deadline. That
//! is fine for most programs, but these sites are the yardstick the benchmarks measure the
//! pools against, so their answers should leave on time. One thread keeps every pending
//! answer in a heap, ordered by when it is due, and sleeps until the earliest one (the OS
//! sleep is precise to a fraction of a millisecond). Thousands of waits cost one thread.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Condvar, LazyLock, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Wait `duration` without blocking the async task's thread.
pub(super) async fn sleep(duration: Duration) {
    let (ring, rung) = oneshot::channel();
    set(Instant::now() + duration, ring);
    // An error means the sender was dropped, which only happens when it has rung.
    let _ = rung.await;
}

/// Queue an alarm for `due`.
fn set(due: Instant, ring: oneshot::Sender<()>) {
    let mut pending = ALARMS.pending.lock().unwrap();
    // The alarm thread sleeps until the earliest alarm; wake it only if this one is earlier.
    // (Waking it for every request costs a system call and a thread switch each.)
    let earliest = pending.peek().is_none_or(|Reverse(next)| due < next.due);
    pending.push(Reverse(Alarm { due, ring }));
    if earliest {
        ALARMS.changed.notify_one();
    }
}

struct Alarms {
    pending: Mutex<BinaryHeap<Reverse<Alarm>>>,
    changed: Condvar,
}

struct Alarm {
    due: Instant,
    ring: oneshot::Sender<()>,
}

// Alarms are ordered by when they are due (the heap is a max-heap, hence `Reverse` above).
impl Ord for Alarm {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.due.cmp(&other.due)
    }
}
impl PartialOrd for Alarm {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Alarm {
    fn eq(&self, other: &Self) -> bool {
        self.due == other.due
    }
}
impl Eq for Alarm {}

/// Started on first use; it sleeps in the OS while nothing is pending.
static ALARMS: LazyLock<&'static Alarms> = LazyLock::new(|| {
    let alarms: &'static Alarms = Box::leak(Box::new(Alarms {
        pending: Mutex::new(BinaryHeap::new()),
        changed: Condvar::new(),
    }));
    thread::Builder::new()
        .name("stand-in-alarms".into())
        .spawn(|| ring_when_due(alarms))
        .expect("start the alarm thread");
    alarms
});

/// How early to stop waiting on the condition variable and sleep the rest instead: one
/// clock tick on Windows, nothing where condition variables are precise already.
const COARSE_WAIT_MARGIN: Duration = if cfg!(windows) {
    Duration::from_millis(16)
} else {
    Duration::ZERO
};

/// How the alarm thread waits for an alarm due in `wait`.
#[derive(Debug, PartialEq)]
enum Wait {
    /// On the condition variable, so an earlier alarm set meanwhile can wake it.
    Interruptible(Duration),
    /// The last stretch, asleep: precise, and short enough that a new alarm, which it
    /// cannot hear, is never later than it would be waiting on Windows' clock tick.
    Precise(Duration),
}

fn how_to_wait(wait: Duration, margin: Duration) -> Wait {
    if wait > margin {
        Wait::Interruptible(wait - margin)
    } else {
        Wait::Precise(wait)
    }
}

fn ring_when_due(alarms: &Alarms) {
    let mut pending = alarms.pending.lock().unwrap();
    loop {
        let now = Instant::now();
        while pending.peek().is_some_and(|Reverse(next)| next.due <= now) {
            let Reverse(alarm) = pending.pop().expect("peeked");
            let _ = alarm.ring.send(()); // its request may have been abandoned: fine
        }
        pending = match pending.peek() {
            Some(Reverse(next)) => match how_to_wait(next.due - now, COARSE_WAIT_MARGIN) {
                Wait::Interruptible(wait) => alarms.changed.wait_timeout(pending, wait).unwrap().0,
                Wait::Precise(wait) => {
                    drop(pending); // requests may queue alarms meanwhile
                    thread::sleep(wait);
                    alarms.pending.lock().unwrap()
                }
            },
            None => alarms.changed.wait(pending).unwrap(),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_never_end_early_and_end_in_due_order() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let order = runtime.block_on(async {
            let start = Instant::now();
            let mut set = tokio::task::JoinSet::new();
            for ms in [30u64, 10, 20] {
                set.spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
                    assert!(start.elapsed() >= Duration::from_millis(ms));
                    ms
                });
            }
            let mut order = Vec::new();
            while let Some(ms) = set.join_next().await {
                order.push(ms.unwrap());
            }
            order
        });
        assert_eq!(order, [10, 20, 30]);
    }

    #[test]
    fn the_last_stretch_before_an_alarm_is_slept_not_waited() {
        let ms = Duration::from_millis;
        assert_eq!(how_to_wait(ms(100), ms(16)), Wait::Interruptible(ms(84)));
        assert_eq!(how_to_wait(ms(10), ms(16)), Wait::Precise(ms(10)));
        // Where condition variables are precise, there is no last stretch.
        assert_eq!(how_to_wait(ms(1), Duration::ZERO), Wait::Interruptible(ms(1)));
    }
}
