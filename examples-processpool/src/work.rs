//! What `my_function` spends its time on: sleeping, as in the article, or real CPU work.
//!
//! The article's `time.sleep(2)` is not CPU work: a sleeping thread uses no CPU at all, so
//! any number of sleeps overlap, on threads as well as on processes. To see what parallel
//! CPUs buy, `--cpu` swaps the sleep for arithmetic that keeps one core busy for as long.
//!
//! The exercise checks set `EXERCISE_CHECK_MEET=ADDRESS`: each call then waits on the
//! check's own loopback server instead, which sees how many calls run at once, on how many
//! threads, whether rayon runs them (and on a pool of how many threads), and holds or lets
//! go of each as it needs. What a call tells the server is the crate `check-probe`'s to say
//! (in `common/`), not the lesson's.

use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// One task's worth of waiting or computing. It travels to worker processes with serde,
/// as every argument of a pool's task does (Python pickles them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Work {
    /// Sleep this long: the CPU is free meanwhile.
    Sleep(Duration),
    /// Compute for this many rounds (measured beforehand to take about as long).
    Compute { rounds: u64 },
    /// Wait until the exercise check's server at this address lets the call go on.
    Meet(SocketAddr),
}

impl Work {
    /// Do the work.
    pub fn run(self) {
        match self {
            Work::Sleep(duration) => std::thread::sleep(duration),
            Work::Compute { rounds } => {
                black_box(busy(rounds));
            }
            Work::Meet(server) => check_probe::meet(server),
        }
    }

    /// Compute work that takes about `target` on one core of this machine.
    pub fn calibrate(target: Duration) -> Work {
        // Time ever longer samples (the first, short ones also warm the core up) until one
        // is long enough to time well, or calibrating has taken its limit: a slow or busy
        // machine waits no longer. The quickest sample is the least slowed by other programs.
        let started = Instant::now();
        let (mut rounds, mut per_round) = (1_000_u64, f64::INFINITY);
        loop {
            let start = Instant::now();
            black_box(busy(rounds));
            let took = start.elapsed();
            per_round = per_round.min(took.as_secs_f64() / rounds as f64);
            let enough = took >= CALIBRATION_SAMPLE || started.elapsed() >= CALIBRATION_LIMIT;
            if enough || rounds > u64::MAX / 4 {
                return Work::Compute {
                    rounds: rounds_for(target, per_round),
                };
            }
            rounds *= 2;
        }
    }

    /// The lesson's work: `my_function`'s 2 s (times `--time-scale`), slept or computed; or,
    /// in an exercise check, a wait on the check's server.
    pub fn for_lesson(cpu_bound: bool, time_scale: f64) -> Work {
        let length = Duration::from_secs(2).mul_f64(time_scale);
        if let Some(server) = check_probe::server() {
            Work::Meet(server)
        } else if cpu_bound {
            Work::calibrate(length)
        } else {
            Work::Sleep(length)
        }
    }
}

/// A sample long enough to time calibration's rounds well.
const CALIBRATION_SAMPLE: Duration = Duration::from_millis(100);
/// The longest calibration may take, whatever the machine.
const CALIBRATION_LIMIT: Duration = Duration::from_millis(300);

/// The rounds of [`busy`] that take `target`, at `per_round` seconds each (at least one).
fn rounds_for(target: Duration, per_round: f64) -> u64 {
    (target.as_secs_f64() / per_round.max(1e-12)).max(1.0) as u64
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

    /// How long the rounds really take is the benchmark's to say (a busy machine slows
    /// them); here, that the target is turned into rounds as it should be.
    #[test]
    fn a_target_is_turned_into_rounds() {
        let ms = Duration::from_millis;
        assert_eq!(rounds_for(ms(200), 1e-9), 200_000_000);
        assert_eq!(rounds_for(ms(200), 2e-9), 100_000_000);
        assert_eq!(rounds_for(Duration::ZERO, 1e-9), 1, "at least one round");
        assert_eq!(rounds_for(ms(1), 0.0), 1_000_000_000, "no division by zero");
        assert!(matches!(Work::calibrate(ms(10)), Work::Compute { rounds } if rounds >= 1));
    }
}
