//! What `my_function` spends its time on: sleeping, as in the article, or real CPU work.
//!
//! The article's `time.sleep(2)` is not CPU work: a sleeping thread uses no CPU at all, so
//! any number of sleeps overlap, on threads as well as on processes. To see what parallel
//! CPUs buy, `--cpu` swaps the sleep for arithmetic that keeps one core busy for as long.

use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// One task's worth of waiting or computing. It travels to worker processes with serde,
/// as every argument of a pool's task does (Python pickles them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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

    /// The lesson's work: `my_function`'s 2 s (times `--time-scale`), slept or computed.
    pub fn for_lesson(cpu_bound: bool, time_scale: f64) -> Work {
        let length = Duration::from_secs(2).mul_f64(time_scale);
        if cpu_bound {
            Work::calibrate(length)
        } else {
            Work::Sleep(length)
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
    fn calibrated_compute_takes_roughly_the_target() {
        let target = Duration::from_millis(100);
        let work = Work::calibrate(target);
        let start = Instant::now();
        work.run();
        let ratio = start.elapsed().as_secs_f64() / target.as_secs_f64();
        assert!((0.3..3.0).contains(&ratio), "took {ratio:.2} x the target");
    }
}
