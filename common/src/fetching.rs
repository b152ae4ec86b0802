//! What a fetching lesson fetches, and with which client: its options ([`FetchArgs`]) and
//! what they come to ([`Fetching`]).
//!
//! With no URLs on the command line the lesson starts the stand-in sites and fetches their
//! four pages; `--live` fetches the article's real sites; otherwise the URLs given.

use crate::Error;
use crate::cli::{LessonArgs, positive_seconds};
use crate::fetch::size;
use clap::Args;
use demo_sites::StandInSites;
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

    /// Fetch the whole list N times over (more URLs than workers: watch the pool queue them)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub repeat: u32,

    #[command(flatten)]
    pub lesson: LessonArgs,
}

/// A URL to fetch, and how long it takes to answer when we know (the stand-in sites).
#[derive(Clone)]
struct UrlToFetch {
    url: String,
    latency: Option<Duration>,
}

impl UrlToFetch {
    fn of_unknown_latency(url: &str) -> Self {
        UrlToFetch {
            url: url.to_string(),
            latency: None,
        }
    }
}

/// What a fetching lesson fetches, and how: the URLs, the timeout, whether they are local.
pub struct Fetching {
    urls: Vec<UrlToFetch>,
    timeout: Duration,
    local: bool,
}

impl Fetching {
    /// Start the stand-in sites unless URLs or `--live` were given, and list the URLs to
    /// fetch (the whole list `--repeat` times). Returns the sites too: they serve for as long
    /// as the caller keeps them. The error says why the sites cannot start, or why the list
    /// is too long (a usage error).
    pub(crate) fn start(args: &FetchArgs) -> Result<(Fetching, Option<StandInSites>), Error> {
        let (sites, one_round): (_, Vec<UrlToFetch>) = if args.live || !args.urls.is_empty() {
            let given: Vec<&str> = if args.live {
                LIVE_URLS.to_vec()
            } else {
                args.urls.iter().map(String::as_str).collect()
            };
            (
                None,
                given.into_iter().map(UrlToFetch::of_unknown_latency).collect(),
            )
        } else {
            // The server's threads, or an error saying why the OS refuses them (tokio would panic).
            crate::workers::check_threads(
                StandInSites::threads_needed(),
                "the OS allows fewer (`ulimit -u`)",
            )?;
            let sites = StandInSites::start(args.lesson.time_scale)
                .map_err(|error| Error::Cannot(format!("cannot start the stand-in sites: {error}")))?;
            let urls = sites
                .sites()
                .into_iter()
                .map(|(url, latency)| UrlToFetch {
                    url,
                    latency: Some(latency),
                })
                .collect();
            (Some(sites), urls)
        };
        check_size(&one_round, args.repeat)?;
        let fetching = Fetching {
            urls: (0..args.repeat).flat_map(|_| one_round.iter().cloned()).collect(),
            timeout: args.timeout,
            local: sites.is_some(),
        };
        Ok((fetching, sites))
    }

    /// How long each URL takes to answer, in fetching order, if that is known (the stand-in
    /// sites); `None` for URLs from elsewhere.
    pub(crate) fn latencies(&self) -> Option<Vec<Duration>> {
        self.urls.iter().map(|url| url.latency).collect()
    }

    /// What is fetched, in words for a heading: `the four sites` (the stand-in sites, or
    /// the live ones), or `5 URLs` for a list of one's own.
    pub fn described(&self) -> String {
        let live = self.urls.iter().map(|url| url.url.as_str()).eq(LIVE_URLS);
        if (self.local || live) && self.urls.len() == LIVE_URLS.len() {
            "the four sites".to_string()
        } else {
            crate::output::count(self.urls.len(), "URL")
        }
    }

    /// The URLs, in the order to fetch them one by one.
    pub fn urls(&self) -> Vec<String> {
        self.urls.iter().map(|url| url.url.clone()).collect()
    }

    /// The blocking client (`requests`), with `--timeout`, or why it cannot be built.
    pub fn blocking_client(&self) -> Result<reqwest::blocking::Client, Error> {
        // reqwest's blocking client applies its own timeout to each wait on its own: to the
        // headers, then again to each read of the body, so a stalled body could take twice
        // --timeout and an endless one would never stop. Built on the async builder, the
        // request gets the async client's deadline, which covers the headers AND the body;
        // the blocking timeout stays as a backstop (it never fires first).
        let builder = reqwest::blocking::ClientBuilder::from(self.async_builder()).timeout(self.timeout);
        builder.build().map_err(cannot_create_client)
    }

    /// The async client, with `--timeout` (one deadline for the whole request, body
    /// included), or why it cannot be built.
    pub fn async_client(&self) -> Result<reqwest::Client, Error> {
        self.async_builder().build().map_err(cannot_create_client)
    }

    fn async_builder(&self) -> reqwest::ClientBuilder {
        let builder = reqwest::Client::builder()
            .timeout(self.timeout)
            .redirect(crate::fetch::redirect_policy());
        if self.local {
            builder.no_proxy() // our own sites are on this machine: never via a proxy
        } else {
            builder
        }
    }
}

/// The most fetches one lesson makes: the four stand-in sites times the largest --repeat.
const MAX_FETCHES: u64 = 400_000;
/// The most URL text one lesson holds (each URL is kept and copied for every fetch of it).
const MAX_URL_BYTES: u64 = 16_000_000;

/// Refuse, as a usage error (exit status 2), a list that --repeat would make too long to
/// hold in memory: better one line now than running out of memory later.
fn check_size(one_round: &[UrlToFetch], repeat: u32) -> Result<(), Error> {
    let repeat = u64::from(repeat);
    let fetches = one_round.len() as u64 * repeat;
    let bytes = one_round.iter().map(|url| url.url.len() as u64).sum::<u64>() * repeat;
    if fetches > MAX_FETCHES || bytes > MAX_URL_BYTES {
        let message = format!(
            "--repeat {repeat} x {} makes {fetches} fetches and {} of URL text; the most a lesson \
             takes is {MAX_FETCHES} fetches and {}: try a smaller --repeat\n",
            crate::output::count(one_round.len(), "URL"),
            size(bytes),
            size(MAX_URL_BYTES)
        );
        let usage = clap::Error::raw(clap::error::ErrorKind::ValueValidation, message);
        return Err(Error::CommandLine(usage));
    }
    Ok(())
}

fn cannot_create_client(error: reqwest::Error) -> Error {
    Error::Cannot(format!("cannot create the HTTP client: {error}"))
}
