//! What `my_function` spends its time on: sleeping, as in the article, or real CPU work.
//!
//! The article's `time.sleep(2)` is not CPU work: a sleeping thread uses no CPU at all, so
//! any number of sleeps overlap, on threads as well as on processes. To see what parallel
//! CPUs buy, `--cpu` swaps the sleep for arithmetic that keeps one core busy for as long.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// One task's worth of waiting or computing. Sent to worker processes as text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Work {
    /// Sleep this long: the CPU is free meanwhile.
    Sleep(Duration),
    /// Compute for this many rounds (measured beforehand to take about as long).
    Compute { rounds: u64 },
}

impl Work {
    /// Do the work.
    pub fn run(self) {
        match self {
            Work::Sleep(duration) => std::thread::sleep(duration),
            Work::Compute { rounds } => {
                black_box(busy(rounds));
            }
        }
    }

    /// Compute work that takes about `target` on one core of this machine.
    pub fn calibrate(target: Duration) -> Work {
        // Grow a sample until it takes long enough to time well (the first, short rounds
        // also warm the core up), then scale it to the target.
        let mut rounds = 1_000;
        loop {
            let start = Instant::now();
            black_box(busy(rounds));
            let took = start.elapsed();
            if took >= Duration::from_millis(100) || rounds > u64::MAX / 4 {
                let per_round = took.as_secs_f64() / rounds as f64;
                let wanted = (target.as_secs_f64() / per_round.max(1e-12)) as u64;
                return Work::Compute {
                    rounds: wanted.max(1),
                };
            }
            rounds *= 2;
        }
    }

    /// As one word, for a task line: `sleep:2.0` or `compute:123456`.
    ///
    /// ```
    /// use examples_processpool::work::Work;
    /// use std::time::Duration;
    ///
    /// let nap = Work::Sleep(Duration::from_millis(1500));
    /// assert_eq!(nap.to_word(), "sleep:1.5");
    /// assert_eq!(Work::from_word("sleep:1.5"), Some(nap));
    /// ```
    pub fn to_word(self) -> String {
        match self {
            Work::Sleep(duration) => format!("sleep:{}", duration.as_secs_f64()),
            Work::Compute { rounds } => format!("compute:{rounds}"),
        }
    }

    /// The inverse of [`Work::to_word`].
    pub fn from_word(word: &str) -> Option<Work> {
        match word.split_once(':')? {
            ("sleep", secs) => {
                let secs: f64 = secs.parse().ok()?;
                Duration::try_from_secs_f64(secs).ok().map(Work::Sleep)
            }
            ("compute", rounds) => Some(Work::Compute {
                rounds: rounds.parse().ok()?,
            }),
            _ => None,
        }
    }
}

/// Pure arithmetic the optimiser can't skip (`black_box` hides the inputs and the result).
fn busy(rounds: u64) -> u64 {
    let mut x = black_box(0x9E37_79B9_7F4A_7C15_u64);
    for i in 0..rounds {
        // xorshift: cheap, serial (each step needs the last), and no memory traffic.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = x.wrapping_add(i);
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_survives_the_trip_as_a_word() {
        for work in [
            Work::Sleep(Duration::from_millis(1500)),
            Work::Compute { rounds: 42 },
        ] {
            assert_eq!(Work::from_word(&work.to_word()), Some(work));
        }
        for bad in ["sleep:-1", "sleep:x", "nap:1", "compute:", "compute"] {
            assert_eq!(Work::from_word(bad), None, "{bad}");
        }
    }

    #[test]
    fn calibrated_compute_takes_roughly_the_target() {
        let target = Duration::from_millis(100);
        let work = Work::calibrate(target);
        let start = Instant::now();
        work.run();
        let ratio = start.elapsed().as_secs_f64() / target.as_secs_f64();
        assert!((0.3..3.0).contains(&ratio), "took {ratio:.2} x the target");
    }
}
