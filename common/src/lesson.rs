//! The lesson runner: everything an example does around its listing, so that its `main`
//! reads like the article's `if __name__ == "__main__":` block.
//!
//! ```ignore
//! let (mut lesson, fetching) = Lesson::fetching(&args.fetch); // the stand-in sites or URLs
//! let (client, urls) = (fetching.blocking_client(), fetching.urls());
//! lesson.record(timeit!(singlethread(&client, &urls))); // draws the run's timeline
//! lesson.record(timeit!(multithread(&client, &urls, workers)));
//! lesson.finish() // the summary, the check that every way agreed, the exit status
//! ```
//!
//! Setting up the URLs and the HTTP client lives in [`targets`](crate::targets); this file
//! keeps the runs, draws them, sums them up and says how the lesson ended.

use crate::cli::LessonArgs;
use crate::output::count;
use crate::sites::StandInSites;
use crate::timeline::{Timeline, What};
use crate::timing::Timed;
use crate::{rprint, say};
use std::process::ExitCode;
use std::time::Duration;

/// A lesson in progress: its runs so far, and what it needs to sum them up.
pub struct Lesson {
    show_timelines: bool,
    runs: Vec<Timed<Timeline>>,
    summary: Summary,
    /// The stand-in sites, served for as long as the lesson runs.
    pub(crate) sites: Option<StandInSites>,
    pub(crate) live: bool,
}

/// How the runs of a lesson are summed up at the end.
pub(crate) enum Summary {
    /// Listing 1: one by one against concurrently, and the ideal of each. The URLs'
    /// latencies are known for the stand-in sites; otherwise the first run measures them.
    OneByOneThenConcurrently { latencies: Option<Vec<Duration>> },
    /// Listing 2: every run against the best its workers could have done with tasks as
    /// long as the first run's. CPU-bound tasks cannot run faster than the CPUs allow.
    Rounds { cpu_bound: bool },
}

impl Lesson {
    /// Start a lesson: colours, one-line panics, and the time scale said once.
    pub(crate) fn new(options: &LessonArgs, summary: Summary) -> Self {
        crate::init();
        if options.time_scale == 0.0 {
            say!("(every wait in this lesson is skipped: --time-scale 0)");
        } else if options.time_scale != 1.0 {
            say!(
                "(every wait in this lesson is scaled x{}: --time-scale)",
                options.time_scale
            );
        }
        say!(); // the article's `print(f'')`
        Self {
            show_timelines: !options.no_timeline,
            runs: Vec::new(),
            summary,
            sites: None,
            live: false,
        }
    }

    /// Listing 2's lesson: `my_function` over some numbers, several ways.
    pub fn squaring(options: &LessonArgs, cpu_bound: bool) -> Self {
        Self::new(options, Summary::Rounds { cpu_bound })
    }

    /// Keep a finished run and draw its timeline.
    pub fn record(&mut self, run: Timed<Timeline>) {
        if self.show_timelines {
            run.value.print();
        }
        self.runs.push(run);
    }

    /// The summary, the check that every way got the same results, and the exit status:
    /// failure if any task failed or two runs disagree.
    pub fn finish(self) -> ExitCode {
        match &self.summary {
            Summary::OneByOneThenConcurrently { latencies } => self.compare_fetches(latencies.as_deref()),
            Summary::Rounds { cpu_bound } => self.compare_rounds(*cpu_bound),
        }
        let agree = self.check_agreement();
        let failed = self.report_failures();
        if agree && !failed {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }

    /// Listing 1's closing lines, for its first two fetch runs, unless every fetch failed.
    fn compare_fetches(&self, latencies: Option<&[Duration]>) {
        let fetches = self.runs_of(<crate::fetch::FetchResult as crate::timeline::Outcome>::WHAT);
        let [one_by_one, concurrently, ..] = fetches[..] else {
            return;
        };
        if fetches.iter().all(|run| run.value.failures() == run.value.len()) {
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
    fn compare_rounds(&self, cpu_bound: bool) {
        let Some(first) = self.runs.first() else {
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
        for run in &self.runs {
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

    /// Compare every run with the first run of the same tasks: the same tasks, and the same
    /// result for each task that succeeded in both. Says so in one line per kind of task.
    fn check_agreement(&self) -> bool {
        let mut all_agree = true;
        for what in self.kinds() {
            let runs = self.runs_of(what);
            let [first, others @ ..] = &runs[..] else {
                continue;
            };
            if others.is_empty() {
                continue;
            }
            let differing: Vec<&str> = others
                .iter()
                .filter(|run| !same_results(&first.value, &run.value))
                .map(|run| run.name)
                .collect();
            if differing.is_empty() {
                say!(
                    "Check: all {} runs got the same {}, and the same {} for each.",
                    runs.len(),
                    count(first.value.len(), what.task),
                    what.value
                );
            } else {
                all_agree = false;
                say!(
                    "Check FAILED: {}() did not get the same {}s, with the same {} for each, as {}().",
                    differing.join("(), "),
                    what.task,
                    what.value,
                    first.name
                );
            }
        }
        all_agree
    }

    /// Say how many tasks of each kind failed (with a hint if no live site answered at all).
    fn report_failures(&self) -> bool {
        let mut any_failed = false;
        for what in self.kinds() {
            let runs = self.runs_of(what);
            let failures: usize = runs.iter().map(|run| run.value.failures()).sum();
            let attempts: usize = runs.iter().map(|run| run.value.len()).sum();
            if failures == 0 {
                continue;
            }
            any_failed = true;
            say!("{failures} of {attempts} {} failed.", what.tasks);
            if self.live && failures == attempts {
                say!("hint: no live site answered; without --live the lesson uses its own stand-in sites.");
            }
        }
        any_failed
    }

    /// The kinds of task the runs did, in the order they first came.
    fn kinds(&self) -> Vec<What> {
        let mut kinds: Vec<What> = Vec::new();
        for what in self.runs.iter().filter_map(|run| run.value.what()) {
            if !kinds.contains(&what) {
                kinds.push(what);
            }
        }
        kinds
    }

    /// The runs that did tasks of this kind.
    fn runs_of(&self, what: What) -> Vec<&Timed<Timeline>> {
        self.runs
            .iter()
            .filter(|run| run.value.what() == Some(what))
            .collect()
    }
}

/// The same tasks, and the same result for every task that succeeded in both runs.
fn same_results(a: &Timeline, b: &Timeline) -> bool {
    let (a, b) = (a.results(), b.results());
    let failed: Vec<&str> = a
        .iter()
        .chain(&b)
        .filter(|(_, value)| value.is_none())
        .map(|(task, _)| *task)
        .collect();
    let same_tasks = a.iter().map(|(task, _)| task).eq(b.iter().map(|(task, _)| task));
    let succeeded_in_both = |(task, _): &&(&str, Option<&str>)| !failed.contains(task);
    same_tasks
        && a.iter()
            .filter(succeeded_in_both)
            .eq(b.iter().filter(succeeded_in_both))
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
    use crate::timeline::Span;

    fn run_of(results: &[(i64, Result<i64, &str>)]) -> Timeline {
        let mut timeline = Timeline::new();
        for (x, square) in results {
            let squared = Squared {
                x: *x,
                square: square.map_err(String::from),
            };
            let ((), span) = Span::measure(x.to_string(), || ());
            timeline.add(span, &squared);
        }
        timeline
    }

    #[test]
    fn runs_agree_on_the_same_results_in_any_order_and_despite_failures() {
        let one_by_one = run_of(&[(2, Ok(4)), (3, Ok(9))]);
        assert!(same_results(&one_by_one, &run_of(&[(3, Ok(9)), (2, Ok(4))])));
        // A task that failed in one run is not compared: its failure is reported anyway.
        assert!(same_results(
            &one_by_one,
            &run_of(&[(3, Err("crashed")), (2, Ok(4))])
        ));
        assert!(!same_results(&one_by_one, &run_of(&[(2, Ok(4)), (3, Ok(6))])));
        assert!(!same_results(&one_by_one, &run_of(&[(2, Ok(4))])));
        assert!(!same_results(&one_by_one, &run_of(&[(2, Ok(4)), (4, Ok(16))])));
    }

    #[test]
    fn counts_and_speedups_read_as_english() {
        assert_eq!(count(1, "CPU"), "1 CPU");
        assert_eq!(count(2, "URL"), "2 URLs");
        assert_eq!(count(0, "number"), "0 numbers");
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
