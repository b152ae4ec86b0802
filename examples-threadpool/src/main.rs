//! Listing 1 of "About Concurrent.futures()": fetch four sites one by one, then all at
//! once on a pool of threads, and time both.
//!
//! ```text
//! cargo run -p examples-threadpool                 # offline: its own stand-in sites
//! cargo run -p examples-threadpool -- --live       # the article's real sites
//! cargo run -p examples-threadpool -- --help       # every option
//! ```
//!
//! What to look for:
//! * `singlethread()` takes about the *sum* of the four latencies: its timeline is a staircase.
//! * `multithread()` takes about the *slowest* one: its bars overlap, one worker each.
//! * The threaded lines arrive in completion order (fastest site first), not in list order.
//! * While a thread waits for a reply it uses no CPU: the OS wakes it when the bytes arrive.

use clap::{Parser, ValueEnum};
use common::cli::LessonArgs;
use common::fetch::{FetchError, FetchResult, Fetched, print_result, short_name};
use common::panics::catch_panic;
use common::targets::{FetchArgs, Targets};
use common::timeline::{Span, Timeline};
use common::{say, timeit};
use reqwest::blocking::Client;
use std::process::ExitCode;
use std::time::Instant;

// ANCHOR: pool_uses
use std::sync::mpsc;
use threadpool::ThreadPool;
// ANCHOR_END: pool_uses

// ANCHOR: fetch_url
/// GET one URL, like `requests.get(url)`: the status code and how long the answer took.
fn fetch_url(client: &Client, url: &str) -> FetchResult {
    let start = Instant::now();
    let response = client.get(url).send().map_err(|e| FetchError::new(url, &e))?;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    // `requests.get` reads the whole body before it returns; so do we.
    response.bytes().map_err(|e| FetchError::new(url, &e))?;
    Ok(Fetched {
        url: url.to_string(),
        status,
        elapsed,
    })
}
// ANCHOR_END: fetch_url

// ANCHOR: singlethread
/// One by one: each request starts when the previous one has finished.
fn singlethread(client: &Client, urls: &[String]) -> Timeline {
    let mut timeline = Timeline::new();
    for url in urls {
        let (result, span) = Span::measure(short_name(url), || fetch_url(client, url));
        print_result(&result);
        timeline.add(span, result.is_ok());
    }
    timeline
}
// ANCHOR_END: singlethread

// ANCHOR: multithread
/// All at once on a pool of `workers` threads; results are printed as they complete.
fn multithread(client: &Client, urls: &[String], workers: usize, panic_on: Option<&str>) -> Timeline {
    // `ThreadPoolExecutor(max_workers)`. Its `submit` returns a future; the threadpool
    // crate's `execute` returns nothing, so each job sends its result back over a channel.
    let pool = ThreadPool::new(workers);
    let (results, completed) = mpsc::channel();
    for url in urls {
        // A job may outlive this function, so it must own what it uses (`'static`):
        // a clone of the client is a cheap handle to the same connection pool.
        let (client, url, results) = (client.clone(), url.clone(), results.clone());
        let must_panic = panic_on.is_some_and(|text| url.contains(text));
        pool.execute(move || {
            let (outcome, span) = Span::measure(short_name(&url), || {
                // The threadpool crate swallows a job's panic: this URL's result would just
                // never come (and a loop waiting for exactly N results would wait forever).
                // catch_panic turns the panic into this URL's error instead.
                catch_panic(|| {
                    assert!(!must_panic, "--panic-on asked this task to panic");
                    fetch_url(&client, &url)
                })
            });
            let result = outcome.unwrap_or_else(|message| Err(FetchError::panicked(&url, &message)));
            // Cannot fail: the receiver waits below until every job has sent.
            let _ = results.send((result, span));
        });
    }
    // Keep no sender here: the loop below then ends once the last job has sent its result.
    drop(results);

    // `as_completed(futures)`: whichever result arrives first is printed first.
    let mut timeline = Timeline::new();
    for (result, span) in completed {
        print_result(&result);
        timeline.add(span, result.is_ok());
    }
    timeline
}
// ANCHOR_END: multithread

#[derive(Parser)]
#[command(
    about = "Listing 1: fetch four sites one by one, then with a thread pool",
    after_help = "With no URLs, the four stand-in sites are served on 127.0.0.1 (no network needed)."
)]
struct Args {
    #[command(flatten)]
    fetch: FetchArgs,

    /// Threads in the pool [default: min(32, CPUs + 4), Python's default]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    workers: Option<u32>,

    /// Fetch the whole list N times over (more URLs than workers: watch the pool queue them)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    repeat: u32,

    /// Run only one of the two runs
    #[arg(long, value_enum)]
    only: Option<Run>,

    #[command(flatten)]
    lesson: LessonArgs,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Run {
    Sequential,
    Threaded,
}

// ANCHOR: default_workers
/// Python's `ThreadPoolExecutor` default: `min(32, os.cpu_count() + 4)`.
fn default_workers() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cpus + 4).min(32)
}
// ANCHOR_END: default_workers

fn main() -> ExitCode {
    common::init();
    let args = Args::parse();

    // No URLs given: serve the stand-in sites on this machine and fetch those.
    let targets = match Targets::choose(&args.fetch, args.lesson.time_scale) {
        Ok(targets) => targets,
        Err(error) => {
            eprintln!("error: cannot start the stand-in sites: {error}");
            return ExitCode::FAILURE;
        }
    };
    let urls: Vec<String> = (0..args.repeat).flat_map(|_| targets.urls().to_vec()).collect();

    // One client for every request: it keeps connections open and reuses them.
    let mut builder = Client::builder().timeout(args.fetch.timeout);
    if targets.are_local() {
        builder = builder.no_proxy(); // our own sites are on this machine: never via a proxy
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: cannot create the HTTP client: {error}");
            return ExitCode::FAILURE;
        }
    };
    let workers = args.workers.map_or_else(default_workers, |n| n as usize);
    let panic_on = args.fetch.panic_on.as_deref();
    let show = |timeline: &Timeline| {
        if !args.lesson.no_timeline {
            timeline.print(args.lesson.time_scale);
        }
    };

    say!();
    let mut runs = Vec::new();
    if args.only != Some(Run::Threaded) {
        let (timeline, took) = timeit!(singlethread(&client, &urls));
        show(&timeline);
        runs.push((timeline, took));
    }
    if args.only != Some(Run::Sequential) {
        let (timeline, took) = timeit!(multithread(&client, &urls, workers, panic_on));
        show(&timeline);
        runs.push((timeline, took));
    }
    if let [(one_by_one, one_by_one_took), (threaded, threaded_took)] = &runs[..] {
        targets.summarize(&urls, (one_by_one, *one_by_one_took), (threaded, *threaded_took));
    }
    targets.outcome(&runs.iter().map(|(timeline, _)| timeline).collect::<Vec<_>>())
}
