//! The closing summary of a lesson: each run's time beside the ideal one, so a learner sees
//! how close the pool came to what its workers allow.

use super::runs_of;
use crate::fetch::FetchResult;
use crate::output::count;
use crate::rprint;
use crate::timeline::{Outcome, Timeline};
use crate::timing::Timed;
use std::time::Duration;

/// How the runs of a lesson are summed up at the end.
pub(crate) enum Summary {
    /// Listing 1: one by one against concurrently, and the ideal of each. The URLs'
    /// latencies are known for the stand-in sites; otherwise the first run measures them.
    OneByOneThenConcurrently { latencies: Option<Vec<Duration>> },
    /// Listing 2: every run against the best its workers could have done with tasks as
    /// long as the first run's. CPU-bound tasks cannot run faster than the CPUs allow.
    Rounds { cpu_bound: bool },
}

impl Summary {
    /// The closing lines: the runs against each other and against their ideal.
    pub(super) fn print(&self, runs: &[Timed<Timeline>]) {
        match self {
            Summary::OneByOneThenConcurrently { latencies } => {
                Self::compare_fetches(runs, latencies.as_deref())
            }
            Summary::Rounds { cpu_bound } => Self::compare_rounds(runs, *cpu_bound),
        }
    }

    /// Listing 1's closing lines, for its first two fetch runs, unless every fetch failed.
    fn compare_fetches(runs: &[Timed<Timeline>], latencies: Option<&[Duration]>) {
        let fetches = runs_of(runs, FetchResult::KIND);
        let [one_by_one, concurrently, ..] = fetches[..] else {
            return;
        };
        if fetches
            .iter()
            .all(|run| run.value.failures() == run.value.task_count())
        {
            return;
        }
        let measured: Vec<Duration>;
        let (latencies, source) = match latencies {
            Some(known) => (known, "the stand-in sites' latencies"),
            None => {
                measured = one_by_one.value.durations().collect();
                (&measured[..], "as measured one by one")
            }
        };
        let sum: Duration = latencies.iter().sum();
        let slowest = latencies.iter().max().copied().unwrap_or_default();
        rprint!(
            "Summary: one by one {:.4} sec, concurrently {:.4} sec: {}.",
            one_by_one.took.as_secs_f64(),
            concurrently.took.as_secs_f64(),
            speedup(one_by_one.took, concurrently.took)
        );
        if sum.is_zero() {
            rprint!("Ideal ({source}): no waiting at all, so nothing for concurrency to save.");
            return;
        }
        rprint!(
            "Ideal ({source}): {:.4} sec one by one (the sum), {:.4} sec at once (the slowest): {:.2}x.",
            sum.as_secs_f64(),
            slowest.as_secs_f64(),
            ratio(sum, slowest)
        );
    }

    /// Listing 2's closing table: each run's time beside the best its workers could do.
    fn compare_rounds(runs: &[Timed<Timeline>], cpu_bound: bool) {
        let Some(first) = runs.first() else {
            return;
        };
        let tasks: Vec<Duration> = first.value.durations().collect();
        let cpus = crate::workers::cpus();
        let average = tasks.iter().sum::<Duration>() / tasks.len().max(1) as u32;
        let kind = if cpu_bound { "computing" } else { "sleeping" };
        rprint!(
            "Summary: {} of {:.2} sec each ({kind}) on {}:",
            count(tasks.len(), "task"),
            average.as_secs_f64(),
            count(cpus, "CPU")
        );
        for run in runs {
            let (lanes, processes) = run.value.most_at_once();
            let ideal = best_time(&tasks, lanes, cpu_bound.then_some(cpus));
            let how = match (lanes, processes) {
                (0 | 1, _) => "one at a time".to_string(),
                (n, true) => format!("{n} processes at once"),
                (n, false) => format!("{n} threads at once"),
            };
            rprint!(
                "  {:<17} {:.4} sec   ideal {:.4} sec ({how})",
                run.name,
                run.took.as_secs_f64(),
                ideal.as_secs_f64()
            );
        }
    }
}

/// The shortest time `tasks` (each this long, started in order whenever a lane is free)
/// can take on `lanes` lanes; CPU-bound ones also need at least their total / CPUs.
fn best_time(tasks: &[Duration], lanes: usize, cpus: Option<usize>) -> Duration {
    let mut free_at = vec![Duration::ZERO; lanes.max(1)];
    for &task in tasks {
        let earliest = free_at.iter_mut().min().expect("at least one lane");
        *earliest += task;
    }
    let scheduled = free_at.into_iter().max().unwrap_or_default();
    match cpus {
        Some(cpus) => scheduled.max(tasks.iter().sum::<Duration>() / cpus.max(1) as u32),
        None => scheduled,
    }
}

fn ratio(slow: Duration, fast: Duration) -> f64 {
    slow.as_secs_f64() / fast.as_secs_f64().max(1e-9)
}

/// `slow` against `fast` in words: "2.25x faster", or "1.25x slower" when it was not.
fn speedup(slow: Duration, fast: Duration) -> String {
    if slow.is_zero() || fast.is_zero() {
        return "too quick to compare".to_string();
    }
    let times = ratio(slow, fast);
    if times >= 1.0 {
        format!("{times:.2}x faster")
    } else {
        format!("{:.2}x slower", 1.0 / times)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speedups_read_as_english() {
        let ms = Duration::from_millis;
        assert_eq!(speedup(ms(1800), ms(800)), "2.25x faster");
        assert_eq!(speedup(ms(500), ms(625)), "1.25x slower");
        assert_eq!(speedup(Duration::ZERO, Duration::ZERO), "too quick to compare");
    }

    #[test]
    fn the_best_time_fills_lanes_and_respects_the_cpus() {
        let ms = Duration::from_millis;
        let three = [ms(200); 3];
        assert_eq!(best_time(&three, 1, None), ms(600));
        assert_eq!(best_time(&three, 2, None), ms(400));
        assert_eq!(best_time(&three, 3, None), ms(200));
        // Three computing threads on two CPUs share them: 600 ms of work / 2.
        assert_eq!(best_time(&three, 3, Some(2)), ms(300));
        assert_eq!(best_time(&three, 2, Some(2)), ms(400));
        assert_eq!(best_time(&[ms(300), ms(500), ms(200), ms(800)], 4, None), ms(800));
    }
}
