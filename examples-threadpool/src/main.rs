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
//!
//! Everything around the listing (the stand-in sites, the timelines, the summary and the
//! exit status) is in `common`: see `common::lesson`. The options are in `src/options.rs`.

mod options; // src/options.rs, this program's own module (like importing options.py)

use common::fetch::{DiscardedBody, FetchError, FetchResult, Fetched, print_result, short_name};
use common::timeline::{Span, Timeline};
use common::{lesson::Lesson, panics::catch_panic, timeit};
use options::{Args, Run};
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
    let mut response = client.get(url).send().map_err(|e| FetchError::new(url, &e))?;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    // `requests.get` reads the whole body before it returns; so do we, but we throw the
    // bytes away as they arrive: an endless body costs time (up to --timeout), not memory.
    let mut body = DiscardedBody::since(start);
    response.copy_to(&mut body).map_err(|e| body.error(url, &e))?;
    Ok(Fetched::new(url, status, elapsed))
}
// ANCHOR_END: fetch_url

// ANCHOR: singlethread
/// One by one: each request starts when the previous one has finished.
fn singlethread(client: &Client, urls: &[String]) -> Timeline {
    let mut timeline = Timeline::new();
    for url in urls {
        let (result, span) = Span::measure(short_name(url), || fetch_url(client, url));
        print_result(&result);
        timeline.add(span, &result);
    }
    timeline
}
// ANCHOR_END: singlethread

// ANCHOR: multithread
/// All at once on a pool of `workers` threads; results are printed as they complete.
fn multithread(client: &Client, urls: &[String], workers: usize) -> Timeline {
    // `ThreadPoolExecutor(max_workers)`. Its `submit` returns a future; the threadpool
    // crate's `execute` returns nothing, so each job sends its result back over a channel.
    let pool = ThreadPool::new(workers);
    let (results, completed) = mpsc::channel();
    for url in urls {
        // A job may outlive this function, so it must own what it uses (`'static`):
        // a clone of the client is a cheap handle to the same connection pool.
        let (client, url, results) = (client.clone(), url.clone(), results.clone());
        pool.execute(move || {
            // The threadpool crate swallows a job's panic: this URL's result would just
            // never come. catch_panic turns the panic into this URL's error instead.
            let (outcome, span) =
                Span::measure(short_name(&url), || catch_panic(|| fetch_url(&client, &url)));
            let result = outcome.unwrap_or_else(|panic| Err(FetchError::panicked(&url, &panic)));
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
        timeline.add(span, &result);
    }
    timeline
}
// ANCHOR_END: multithread

// ANCHOR: main
fn main() -> ExitCode {
    common::exit_status(run()) // run's exit status, or its error in one line (1; a usage error 2)
}

/// The lesson. A step that cannot go on returns its error, and `?` passes it up to `main`
/// (Python would raise); nothing here ends the program itself.
fn run() -> Result<ExitCode, common::Error> {
    let args: Args = common::cli::parse()?; // clap's Args::parse(), honouring TERM=dumb and a full disk
    let (mut lesson, fetching) = Lesson::fetching(&args.fetch)?;
    // `args.workers()`: --workers, or Python's default, min(32, CPUs + 4).
    let (client, urls, workers) = (fetching.blocking_client()?, fetching.urls(), args.workers());
    common::workers::check_threads(workers, "try fewer --workers")?; // before the pool starts them

    if args.wants(Run::Sequential) {
        lesson.record(timeit!(singlethread(&client, &urls)));
    }
    if args.wants(Run::Threaded) {
        lesson.record(timeit!(multithread(&client, &urls, workers)));
    }
    Ok(lesson.finish())
}
// ANCHOR_END: main
