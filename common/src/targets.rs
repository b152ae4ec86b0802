//! Which URLs a fetching lesson uses, and how its runs are summed up.
//!
//! With no URLs on the command line the lesson starts the stand-in sites and fetches their
//! four pages; `--live` fetches the article's real sites; otherwise the URLs given.

use crate::cli::positive_seconds;
use crate::fetch::{Ideal, print_summary};
use crate::sites::StandInSites;
use crate::timeline::Timeline;
use clap::Args;
use std::io;
use std::process::ExitCode;
use std::time::Duration;

/// The article's own list.
pub const LIVE_URLS: [&str; 4] = [
    "https://www.bing.com",
    "https://www.duckduckgo.com",
    "https://www.google.com",
    "https://www.yahoo.com",
];

/// The options every fetching example has: flatten into its own with `#[command(flatten)]`.
#[derive(Debug, Clone, Args)]
pub struct FetchArgs {
    /// URLs to fetch instead of the stand-in sites
    #[arg(conflicts_with = "live")]
    pub urls: Vec<String>,

    /// Fetch the article's real sites over the internet
    #[arg(long)]
    pub live: bool,

    /// Give up on a request that takes longer than SECS seconds
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = positive_seconds)]
    pub timeout: Duration,

    /// Experiment: the concurrent task of every URL containing TEXT panics
    #[arg(long, value_name = "TEXT")]
    pub panic_on: Option<String>,
}

/// The URLs to fetch, and the stand-in sites serving them if they are ours.
pub struct Targets {
    sites: Option<StandInSites>,
    urls: Vec<String>,
    live: bool,
}

impl Targets {
    /// Start the stand-in sites if no URLs were given and `--live` wasn't asked for.
    pub fn choose(args: &FetchArgs, time_scale: f64) -> io::Result<Self> {
        let sites = if args.urls.is_empty() && !args.live {
            Some(StandInSites::start(time_scale)?)
        } else {
            None
        };
        let urls = match &sites {
            Some(sites) => sites.site_urls(),
            None if args.live => LIVE_URLS.map(String::from).to_vec(),
            None => args.urls.clone(),
        };
        Ok(Self {
            sites,
            urls,
            live: args.live,
        })
    }

    /// The URLs, in the order to fetch them one by one.
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// True when the stand-in sites serve the URLs: then no proxy may stand in between.
    pub fn are_local(&self) -> bool {
        self.sites.is_some()
    }

    /// The stand-in sites, when they are in use.
    pub fn sites(&self) -> Option<&StandInSites> {
        self.sites.as_ref()
    }

    /// Print the closing summary, unless every fetch failed (then there is nothing to compare).
    /// The ideal comes from the stand-in sites' known latencies, or else it is estimated from
    /// what each URL took one by one.
    pub fn summarize(
        &self,
        urls: &[String],
        one_by_one: (&Timeline, Duration),
        concurrent: (&Timeline, Duration),
    ) {
        let runs = [one_by_one.0, concurrent.0];
        if runs.iter().all(|run| run.failures() == run.len()) {
            return;
        }
        let ideal = match &self.sites {
            Some(sites) => urls
                .iter()
                .map(|url| sites.latency_of(url))
                .collect::<Option<Vec<_>>>()
                .map(|latencies| (Ideal::from_latencies(latencies), "the stand-in sites' latencies")),
            None => Some((
                Ideal::from_latencies(one_by_one.0.durations()),
                "as measured one by one",
            )),
        };
        print_summary(one_by_one.1, concurrent.1, ideal);
    }

    /// Say how many fetches failed (with a hint if no live site answered at all) and
    /// return the exit status: failure if any did.
    pub fn outcome(&self, runs: &[&Timeline]) -> ExitCode {
        let failures: usize = runs.iter().map(|run| run.failures()).sum();
        let attempts: usize = runs.iter().map(|run| run.len()).sum();
        if failures == 0 {
            return ExitCode::SUCCESS;
        }
        crate::say!("{failures} of {attempts} fetches failed.");
        if self.live && failures == attempts {
            crate::say!(
                "hint: no live site answered; without --live the lesson uses its own stand-in sites."
            );
        }
        ExitCode::FAILURE
    }
}
