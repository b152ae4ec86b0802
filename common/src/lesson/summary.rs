//! The closing summary of a lesson: each run's time beside the ideal one, so a learner sees
//! how close the pool came to what its workers allow.

use super::runs_of;
use crate::fetch::FetchResult;
use crate::output::count;
use crate::rprint;
use crate::timeline::{Outcome, TaskKind, Timeline};
use crate::timing::Timed;
use std::collections::{BTreeMap, HashSet};
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

    /// Listing 1's closing lines, for its first two fetch runs.
    fn compare_fetches(runs: &[Timed<Timeline>], latencies: Option<&[Duration]>) {
        let fetches = runs_of(runs, FetchResult::KIND);
        let [one_by_one, concurrently, ..] = fetches[..] else {
            return;
        };
        for line in fetch_summary(one_by_one, concurrently, latencies) {
            rprint!("{line}");
        }
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
            let beside = match (run.value.failures(), first.value.failures()) {
                (0, 0) => ideal_of(&run.value, &tasks, cpu_bound.then_some(cpus)),
                // A failed task may have ended early (a crash, a time limit): no ideal holds.
                (0, _) => "no ideal: a task failed one by one, so its length is unknown".to_string(),
                (failed, _) => format!(
                    "no ideal: {failed} of {} failed",
                    count(run.value.task_count(), "task")
                ),
            };
            rprint!("  {:<17} {:.4} sec   {beside}", run.name, run.took.as_secs_f64());
        }
    }
}

/// `ideal 0.4004 sec (2 threads at once)`: the best a run could do with as many at once as
/// it had, tasks as long as one by one, CPU-bound ones within the CPUs.
fn ideal_of(run: &Timeline, tasks: &[Duration], cpus: Option<usize>) -> String {
    let (lanes, processes) = run.most_at_once();
    let ideal = best_time(tasks, lanes, cpus);
    let how = match (lanes, processes) {
        (0 | 1, _) => "one at a time".to_string(),
        (n, true) => format!("{n} processes at once"),
        (n, false) => format!("{n} threads at once"),
    };
    format!("ideal {:.4} sec ({how})", ideal.as_secs_f64())
}

/// Listing 1's closing lines: the two runs' times and, when every fetch succeeded, the
/// speed-up beside the ideal one. Nothing when every fetch failed.
fn fetch_summary(
    one_by_one: &Timed<Timeline>,
    concurrently: &Timed<Timeline>,
    latencies: Option<&[Duration]>,
) -> Vec<String> {
    let attempts = one_by_one.value.task_count() + concurrently.value.task_count();
    let failures = one_by_one.value.failures() + concurrently.value.failures();
    if failures == attempts {
        return Vec::new();
    }
    let times = format!(
        "Summary: one by one {:.4} sec, concurrently {:.4} sec",
        one_by_one.took.as_secs_f64(),
        concurrently.took.as_secs_f64()
    );
    // A run that kept only some of its fetches (the first answer, say) did less work: the
    // time it did not spend would pass for a speed-up.
    let (kept, asked) = (concurrently.value.task_count(), one_by_one.value.task_count());
    if kept < asked {
        return vec![format!(
            "{times}: no speed-up claimed, as the concurrent run stopped early ({kept} of its {asked} fetches came back)."
        )];
    }
    // A failed fetch often ends at once (a panic, a refused connection): the time it did not
    // take would pass for a speed-up.
    if failures > 0 {
        return vec![format!(
            "{times}: no speed-up claimed, as {failures} of {attempts} fetches failed (a failed fetch can end early)."
        )];
    }
    let mut lines = vec![format!(
        "{times}: {}.",
        speedup(one_by_one.took, concurrently.took)
    )];
    let measured: Vec<Duration>;
    let (latencies, source) = match latencies {
        Some(known) => (known, "the stand-in sites' latencies"),
        None => {
            measured = one_by_one.value.durations().collect();
            (&measured[..], "as measured one by one")
        }
    };
    let sum: Duration = latencies.iter().sum();
    if sum.is_zero() {
        lines.push(format!(
            "Ideal ({source}): no waiting at all, so nothing for concurrency to save."
        ));
        return lines;
    }
    // As many at a time as the concurrent run had (its pool, its limit), not as many as URLs.
    let (lanes, _) = concurrently.value.most_at_once();
    let (best, how) = at_a_time(latencies, lanes);
    lines.push(format!(
        "Ideal ({source}): {:.4} sec one by one (the sum), {:.4} sec {how}: {:.2}x.",
        sum.as_secs_f64(),
        best.as_secs_f64(),
        ratio(sum, best)
    ));
    lines
}

/// The shortest time these latencies take `lanes` at a time, each URL in list order going
/// to the first lane free (a pool's queue, a semaphore's waiters), and how to say so.
fn at_a_time(latencies: &[Duration], lanes: usize) -> (Duration, String) {
    let best = best_time(latencies, lanes, None);
    let how = if lanes >= latencies.len() {
        "at once (the slowest)".to_string()
    } else if lanes <= 1 {
        "one at a time, as this run went".to_string()
    } else {
        format!("{lanes} at a time, as this run went (each URL in list order to the first one free)")
    };
    (best, how)
}

/// The check line for runs that agree (the same tasks, the same result for every task that
/// succeeded in both): it claims the same result for each task only where that holds, and
/// names the tasks that failed.
pub(super) fn agreement_line(runs: &[&Timed<Timeline>], what: TaskKind) -> String {
    let all = format!(
        "all {} runs got the same {}",
        runs.len(),
        count(runs.first().map_or(0, |run| run.value.task_count()), what.task)
    );
    let attempts: usize = runs.iter().map(|run| run.value.task_count()).sum();
    let failures: usize = runs.iter().map(|run| run.value.failures()).sum();
    if failures == 0 {
        return format!("Check: {all}, and the same {} for each.", what.value);
    }
    if failures == attempts {
        return format!(
            "Check: {all}, but every one of the {attempts} {} failed: no {} to compare.",
            what.tasks, what.value
        );
    }
    let failed = failed_tasks(runs);
    // A set: with --repeat a run has up to 400,000 tasks.
    let failed_names: HashSet<&str> = failed.iter().map(|(task, _)| *task).collect();
    let never_failed = runs[0]
        .value
        .results()
        .iter()
        .filter(|(task, _)| !failed_names.contains(task))
        .count();
    let mut differences: Vec<String> = failed.iter().take(3).map(|(_, said)| said.clone()).collect();
    if failed.len() > 3 {
        differences.push(format!("{} more", failed.len() - 3));
    }
    let same = match never_failed {
        0 => format!("none got a {} in every run", what.value),
        n => format!("the same {} for each of the {n} that never failed", what.value),
    };
    format!("Check: {all}; {same}; {}.", differences.join("; "))
}

/// Each task that failed in some run, sorted, with where it failed and where it did not:
/// `google failed in multithread(), succeeded in singlethread()`.
fn failed_tasks<'a>(runs: &[&'a Timed<Timeline>]) -> Vec<(&'a str, String)> {
    // Per task, the runs where it failed and the runs where it succeeded (a task may come
    // more than once: --repeat).
    let mut tallies: BTreeMap<&str, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
    for run in runs {
        for (task, value) in run.value.results() {
            let (failed_in, succeeded_in) = tallies.entry(task).or_default();
            let list = if value.is_none() { failed_in } else { succeeded_in };
            if list.last() != Some(&run.name) {
                list.push(run.name);
            }
        }
    }
    tallies
        .into_iter()
        .filter(|(_, (failed_in, _))| !failed_in.is_empty())
        .map(|(task, (failed_in, succeeded_in))| {
            // A URL's password is never printed.
            let name = crate::fetch::printable_url(task);
            let said = if succeeded_in.is_empty() && failed_in.len() == runs.len() {
                format!("{name} failed in every run")
            } else if succeeded_in.is_empty() {
                format!("{name} failed in {}()", failed_in.join("(), "))
            } else {
                format!(
                    "{name} failed in {}(), succeeded in {}()",
                    failed_in.join("(), "),
                    succeeded_in.join("(), ")
                )
            };
            (task, said)
        })
        .collect()
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
    use crate::squares::Squared;
    use crate::timeline::{Span, Worker};

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

    /// A run called `name` of tasks that start at the given offsets (ms) and last the given
    /// times (ms); a task whose square is `None` failed.
    fn run(name: &'static str, tasks: &[(i64, u64, u64, Option<i64>)]) -> Timed<Timeline> {
        let origin = std::time::Instant::now();
        let ms = Duration::from_millis;
        let mut timeline = Timeline::new();
        for &(x, start, took, square) in tasks {
            let span = Span {
                label: x.to_string(),
                worker: Worker::Thread(std::thread::current().id()),
                start: origin + ms(start),
                end: origin + ms(start + took),
            };
            let square = square.ok_or_else(|| "crashed".to_string());
            timeline.add(span, &Squared { x, square });
        }
        let took = ms(tasks
            .iter()
            .map(|&(_, start, took, _)| start + took)
            .max()
            .unwrap_or(0));
        Timed {
            name,
            value: timeline,
            took,
        }
    }

    /// The four stand-in sites one by one, then two at a time in list order, as a pool of
    /// two does it: 0.3 and 0.5 start at once, 0.2 follows 0.3, 0.8 follows 0.5.
    fn one_by_one_then_two_at_a_time(fail: Option<i64>) -> (Timed<Timeline>, Timed<Timeline>) {
        let square = |x: i64| (Some(x) != fail).then_some(x * x);
        let one_by_one = run(
            "one_by_one",
            &[
                (1, 0, 300, Some(1)),
                (2, 300, 500, Some(4)),
                (3, 800, 200, Some(9)),
                (4, 1000, 800, Some(16)),
            ],
        );
        let two_at_a_time = run(
            "two_at_a_time",
            &[
                (1, 0, 300, square(1)),
                (2, 0, 500, square(2)),
                (3, 300, 200, square(3)),
                (4, 500, 800, square(4)),
            ],
        );
        (one_by_one, two_at_a_time)
    }

    #[test]
    fn the_ideal_has_as_many_at_a_time_as_the_run_had() {
        let (one_by_one, two) = one_by_one_then_two_at_a_time(None);
        let lines = fetch_summary(&one_by_one, &two, None);
        assert!(lines[0].ends_with(": 1.38x faster."), "{lines:?}");
        // 1.8 s of latencies, two at a time in list order: 1.3 s, not the slowest's 0.8 s.
        assert!(
            lines[1].contains("1.8000 sec one by one (the sum), 1.3000 sec 2 at a time")
                && lines[1].ends_with(": 1.38x."),
            "{lines:?}"
        );
        let ms = Duration::from_millis;
        let sites: Vec<Duration> = demo_sites::SITES.iter().map(|(_, latency)| *latency).collect();
        let ten_rounds = sites.repeat(10);
        // 8 workers: never under 18 s / 8 = 2.25 s; in list order, to the first free, 2.7 s.
        assert_eq!(at_a_time(&ten_rounds, 8).0, ms(2700));
        assert_eq!(at_a_time(&ten_rounds, 1).0, ms(18_000));
        assert_eq!(at_a_time(&ten_rounds, 40).0, ms(800));
        assert_eq!(at_a_time(&sites, 3).0, ms(1000));
    }

    #[test]
    fn no_speed_up_is_claimed_when_a_task_failed() {
        // The failed task took no less time here; it still makes the runs incomparable.
        let (one_by_one, two) = one_by_one_then_two_at_a_time(Some(4));
        let lines = fetch_summary(&one_by_one, &two, None);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].contains("no speed-up claimed, as 1 of 8 fetches failed"),
            "{lines:?}"
        );
        assert!(!lines[0].contains('x'), "{lines:?}");
        let failed: Vec<(i64, u64, u64, Option<i64>)> = vec![(1, 0, 300, None)];
        assert!(fetch_summary(&run("a", &failed), &run("b", &failed), None).is_empty());
    }

    #[test]
    fn no_speed_up_is_claimed_when_the_concurrent_run_stopped_early() {
        // The first answer kept, the other three cancelled (exercise 8.11).
        let (one_by_one, _) = one_by_one_then_two_at_a_time(None);
        let first = run("first_answer", &[(3, 0, 200, Some(9))]);
        let lines = fetch_summary(&one_by_one, &first, None);
        assert_eq!(
            lines,
            [format!(
                "Summary: one by one {:.4} sec, concurrently {:.4} sec: no speed-up claimed, as the \
                 concurrent run stopped early (1 of its 4 fetches came back).",
                one_by_one.took.as_secs_f64(),
                first.took.as_secs_f64()
            )]
        );
    }

    #[test]
    fn the_check_claims_the_same_results_only_where_they_are() {
        let what = <Squared as crate::timeline::Outcome>::KIND;
        let (one_by_one, two) = one_by_one_then_two_at_a_time(None);
        assert_eq!(
            agreement_line(&[&one_by_one, &two], what),
            "Check: all 2 runs got the same 4 numbers, and the same square for each."
        );
        let (one_by_one, two) = one_by_one_then_two_at_a_time(Some(3));
        assert_eq!(
            agreement_line(&[&one_by_one, &two], what),
            "Check: all 2 runs got the same 4 numbers; the same square for each of the 3 that never failed; \
             3 failed in two_at_a_time(), succeeded in one_by_one()."
        );
        let failed = [(1, 0, 300, None), (2, 0, 300, None)];
        let (a, b) = (run("a", &failed), run("b", &failed));
        assert_eq!(
            agreement_line(&[&a, &b], what),
            "Check: all 2 runs got the same 2 numbers, but every one of the 4 tasks failed: no square to compare."
        );
        let some = run("c", &[(1, 0, 300, None), (2, 0, 300, Some(4))]);
        assert!(
            agreement_line(&[&a, &some], what)
                .ends_with("; 1 failed in every run; 2 failed in a(), succeeded in c().")
        );
    }
}
