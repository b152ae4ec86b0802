//! The lesson runner: everything an example does around its listing, so that its `main`
//! reads like the article's `if __name__ == "__main__":` block.
//!
//! ```ignore
//! let (mut lesson, fetching) = Lesson::fetching(&args.fetch)?; // the stand-in sites or URLs
//! let (client, urls) = (fetching.blocking_client()?, fetching.urls());
//! lesson.record(timeit!(singlethread(&client, &urls))); // draws the run's timeline
//! lesson.record(timeit!(multithread(&client, &urls, workers)));
//! Ok(lesson.finish()) // the summary, the check that every way agreed, the exit status
//! ```
//!
//! A lesson is made here, complete, by [`Lesson::fetching`] or [`Lesson::squaring`]. Which
//! URLs a fetching lesson fetches, and with which client, is in [`fetching`](crate::fetching);
//! the closing summary, with its ideal times, is `Summary`, in `lesson/summary.rs`.

use crate::Error;
use crate::cli::LessonArgs;
use crate::fetching::{FetchArgs, Fetching};
use crate::say;
use crate::timeline::live::LiveTimeline;
use crate::timeline::{TaskKind, Timeline};
use crate::timing::Timed;
use demo_sites::StandInSites;
use std::collections::HashSet;
use std::process::ExitCode;

mod summary;

use summary::Summary;

/// A lesson in progress: its runs so far, and what it needs to sum them up.
pub struct Lesson {
    show_timelines: bool,
    /// On a terminal, each run's timeline drawn as it grows (unless `--no-live-view`).
    live_timeline: Option<LiveTimeline>,
    runs: Vec<Timed<Timeline>>,
    summary: Summary,
    /// The stand-in sites, served for as long as the lesson runs (none for given URLs).
    _sites: Option<StandInSites>,
    /// `--live`: if no site answers, the closing lines suggest the stand-in sites.
    live: bool,
    /// For the tests: notes a panic that unwinds out of the lesson, uncaught.
    _unwinding: crate::panics::UnwindWitness,
}

impl Lesson {
    /// Listing 1's lesson: start the stand-in sites unless URLs or `--live` were given.
    /// The error says why the sites cannot start, or why the URLs are too many.
    pub fn fetching(args: &FetchArgs) -> Result<(Lesson, Fetching), Error> {
        crate::init(); // first: colours, one-line panics, TLS, open files
        let (fetching, sites) = Fetching::start(args)?;
        let latencies = fetching.latencies();
        let summary = Summary::OneByOneThenConcurrently { latencies };
        Ok((Lesson::new(&args.lesson, summary, sites, args.live), fetching))
    }

    /// Listing 2's lesson: `my_function` over some numbers, several ways.
    pub fn squaring(options: &LessonArgs, cpu_bound: bool) -> Self {
        crate::init(); // first: colours, one-line panics, TLS, open files
        Lesson::new(options, Summary::Rounds { cpu_bound }, None, false)
    }

    /// The one constructor: a lesson with no runs yet, after the time scale is said once.
    fn new(options: &LessonArgs, summary: Summary, sites: Option<StandInSites>, live: bool) -> Self {
        if options.time_scale == 0.0 {
            say!("(every wait in this lesson is skipped: --time-scale 0)");
        } else if options.time_scale != 1.0 {
            say!(
                "(every wait in this lesson is scaled x{}: --time-scale)",
                options.time_scale
            );
        }
        say!(); // the article's `print(f'')`
        Lesson {
            show_timelines: !options.no_timeline,
            live_timeline: LiveTimeline::show_if_watched(!options.no_live_view),
            runs: Vec::new(),
            summary,
            _sites: sites,
            live,
            _unwinding: crate::panics::UnwindWitness,
        }
    }

    /// Keep a finished run and draw its timeline.
    pub fn record(&mut self, run: Timed<Timeline>) {
        if let Some(live) = &self.live_timeline {
            live.end_run(); // the rows that grew leave; the picture takes their place
        }
        if self.show_timelines {
            run.value.print();
        }
        self.runs.push(run);
    }

    /// The summary, the check that every way got the same results, and the exit status:
    /// failure if any task failed or two runs disagree.
    pub fn finish(mut self) -> ExitCode {
        self.live_timeline = None; // off the screen before the closing lines
        self.summary.print(&self.runs);
        let agree = self.check_agreement();
        let failed = self.report_failures();
        if agree && !failed {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }

    /// Compare every run with the first run of the same tasks: the same tasks, and the same
    /// result for each task that succeeded in both. Says so in one line per kind of task.
    fn check_agreement(&self) -> bool {
        let mut all_agree = true;
        for kind in self.kinds() {
            let runs = runs_of(&self.runs, kind);
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
                say!("{}", summary::agreement_line(&runs, kind));
            } else {
                all_agree = false;
                say!(
                    "Check FAILED: {}() did not get the same {}s, with the same {} for each, as {}().",
                    differing.join("(), "),
                    kind.task,
                    kind.value,
                    first.name
                );
            }
        }
        all_agree
    }

    /// Say how many tasks of each kind failed (with a hint if no live site answered at all).
    fn report_failures(&self) -> bool {
        let mut any_failed = false;
        for kind in self.kinds() {
            let runs = runs_of(&self.runs, kind);
            let failures: usize = runs.iter().map(|run| run.value.failures()).sum();
            let attempts: usize = runs.iter().map(|run| run.value.task_count()).sum();
            if failures == 0 {
                continue;
            }
            any_failed = true;
            say!("{failures} of {attempts} {} failed.", kind.tasks);
            if self.live && failures == attempts {
                say!("hint: no live site answered; without --live the lesson uses its own stand-in sites.");
            }
        }
        any_failed
    }

    /// The kinds of task the runs did, in the order they first came.
    fn kinds(&self) -> Vec<TaskKind> {
        let mut kinds: Vec<TaskKind> = Vec::new();
        for kind in self.runs.iter().filter_map(|run| run.value.kind()) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds
    }
}

/// The runs that did tasks of this kind.
fn runs_of(runs: &[Timed<Timeline>], kind: TaskKind) -> Vec<&Timed<Timeline>> {
    runs.iter().filter(|run| run.value.kind() == Some(kind)).collect()
}

/// The same tasks, and the same result for every task that succeeded in both runs.
fn same_results(a: &Timeline, b: &Timeline) -> bool {
    let (a, b) = (a.results(), b.results());
    // A set: with --repeat a run has up to 400,000 tasks, and a list searched for each would
    // take billions of steps.
    let failed: HashSet<&str> = a
        .iter()
        .chain(&b)
        .filter(|(_, value)| value.is_none())
        .map(|(task, _)| *task)
        .collect();
    let same_tasks = a.iter().map(|(task, _)| task).eq(b.iter().map(|(task, _)| task));
    let succeeded_in_both = |(task, _): &&(&str, Option<i64>)| !failed.contains(task);
    same_tasks
        && a.iter()
            .filter(succeeded_in_both)
            .eq(b.iter().filter(succeeded_in_both))
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
}
