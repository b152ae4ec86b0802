//! Exercise solution: predict how long the pool takes with a given number of workers.
//!
//! `cargo run -p examples-threadpool --example predict_workers`
//!
//! It prints runs that exercise 8.1 does not ask about (three and four workers): the three
//! it asks about are yours to predict, lane by lane, before you run this.

use std::process::ExitCode;
use std::time::Duration;

// ANCHOR: predict_workers
/// What a pool of `workers` threads does with jobs taken in list order: each job goes to
/// the worker that is free first. The run ends when the busiest worker is done.
fn predicted_wall(latencies: &[Duration], workers: usize) -> Duration {
    let mut free_at = vec![Duration::ZERO; workers.max(1)];
    for latency in latencies {
        let soonest = free_at.iter_mut().min().expect("at least one worker");
        *soonest += *latency;
    }
    free_at.into_iter().max().unwrap_or_default()
}
// ANCHOR_END: predict_workers

fn main() -> ExitCode {
    let latencies: Vec<Duration> = demo_sites::SITES.iter().map(|(_, latency)| *latency).collect();
    for workers in 3..=4 {
        let wall = predicted_wall(&latencies, workers);
        common::say!("--workers {workers}: about {:.1} s", wall.as_secs_f64());
    }
    let twice = latencies.repeat(2);
    let wall = predicted_wall(&twice, 3);
    common::say!("--workers 3 --repeat 2: about {:.1} s", wall.as_secs_f64());
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_is_the_sum_enough_workers_the_slowest() {
        let ms = Duration::from_millis;
        let sites = [ms(300), ms(500), ms(200), ms(800)];
        assert_eq!(predicted_wall(&sites, 1), ms(1800));
        assert_eq!(predicted_wall(&sites, 2), ms(1300));
        assert_eq!(predicted_wall(&sites, 3), ms(1000));
        assert_eq!(predicted_wall(&sites, 4), ms(800));
        assert_eq!(predicted_wall(&sites.repeat(2), 2), ms(2100));
        assert_eq!(predicted_wall(&sites.repeat(2), 3), ms(1600));
    }
}
