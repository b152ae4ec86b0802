//! The async variant of both listings: what the article's asyncio column looks like in
//! Rust (tokio and async reqwest), on ONE thread, plus the pitfall that stalls it.
//!
//! ```text
//! cargo run -p examples-async                          # every section
//! cargo run -p examples-async -- --only pitfall        # one section: fetch, squaring, pitfall
//! cargo run --release -p examples-async -- --tasks 10000 --latency-ms 1000   # how far it scales
//! ```
//!
//! What to look for:
//! * fetch: one by one takes the sum of the latencies, concurrently the slowest, exactly as
//!   with threads in Listing 1, yet every timeline row says `w1`: one thread did all of it.
//!   While a request waits, its task is parked and the thread serves the others; when no
//!   task can move, the thread sleeps in the OS (epoll, kqueue, IOCP) until a socket is ready.
//! * squaring: three 2-second `tokio::time::sleep`s finish in 2 s, on that one thread.
//! * pitfall: `std::thread::sleep` inside async code blocks the thread itself, so the same
//!   three tasks take 6 s; `spawn_blocking` moves the blocking call to other threads: 2 s.

mod scale;

use clap::{Parser, ValueEnum};
use common::cli::LessonArgs;
use common::fetch::{FetchError, FetchResult, Fetched, print_result, short_name};
use common::panics::{message_of, reported_by_join_handle};
use common::targets::{FetchArgs, Targets};
use common::timeline::{Span, Timeline};
use common::{say, timeit_async};
use reqwest::Client;
use std::collections::HashMap;
use std::future::Future;
use std::process::ExitCode;
use std::time::{Duration, Instant};

// ANCHOR: joinset_uses
use tokio::task::JoinSet;
// ANCHOR_END: joinset_uses

/// The article's `fetch_url`, async: the same steps, with `.await` wherever it would wait.
async fn fetch_url(client: &Client, url: &str) -> FetchResult {
    let start = Instant::now();
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| FetchError::new(url, &e))?;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    response.bytes().await.map_err(|e| FetchError::new(url, &e))?;
    Ok(Fetched {
        url: url.to_string(),
        status,
        elapsed,
    })
}

/// One by one: each request is awaited before the next one is sent.
async fn fetch_one_by_one(client: &Client, urls: &[String]) -> Timeline {
    let mut timeline = Timeline::new();
    for url in urls {
        let (result, span) = Span::measure_async(short_name(url), fetch_url(client, url)).await;
        print_result(&result);
        timeline.add(span, result.is_ok());
    }
    timeline
}

// ANCHOR: fetch_concurrently
/// All at once: a task per URL in a `JoinSet`; results are printed as they complete.
async fn fetch_concurrently(client: &Client, urls: &[String], panic_on: Option<&str>) -> Timeline {
    let mut tasks = JoinSet::new();
    let mut url_of = HashMap::new();
    for url in urls {
        let (client, task_url) = (client.clone(), url.clone());
        let must_panic = panic_on.is_some_and(|text| url.contains(text));
        // A future does nothing until it is polled: `spawn` hands it to the runtime, which
        // starts it as soon as this task yields at its next `.await`.
        let task = tasks.spawn(reported_by_join_handle(async move {
            let fetch = async {
                assert!(!must_panic, "--panic-on asked this task to panic");
                fetch_url(&client, &task_url).await
            };
            Span::measure_async(short_name(&task_url), fetch).await
        }));
        url_of.insert(task.id(), url.clone());
    }
    // `asyncio.as_completed`: whichever task finishes first is reported first. A task that
    // panicked comes back as a JoinError, reported as that URL's error.
    let mut timeline = Timeline::new();
    while let Some(joined) = tasks.join_next_with_id().await {
        let (result, span) = match joined {
            Ok((_, finished)) => finished,
            Err(error) => {
                let url = &url_of[&error.id()];
                let why = if error.is_panic() {
                    message_of(&*error.into_panic())
                } else {
                    error.to_string()
                };
                (Err(FetchError::panicked(url, &why)), Span::now(short_name(url)))
            }
        };
        print_result(&result);
        timeline.add(span, result.is_ok());
    }
    timeline
}
// ANCHOR_END: fetch_concurrently

// ANCHOR: my_function
/// The article's `my_function`, async: `tokio::time::sleep` lets the thread serve other
/// tasks while this one waits.
async fn my_function(x: i64, delay: Duration) -> (i64, i64) {
    tokio::time::sleep(delay).await;
    (x, x.checked_mul(x).expect("x * x does not fit in an i64"))
}
// ANCHOR_END: my_function

// ANCHOR: my_function_blocking
/// The article's `my_function` exactly: a plain function that blocks its thread while it sleeps.
fn my_function_sync(x: i64, delay: Duration) -> (i64, i64) {
    std::thread::sleep(delay);
    (x, x.checked_mul(x).expect("x * x does not fit in an i64"))
}

/// The pitfall: calling the blocking function from async code. It compiles, but while it
/// sleeps it holds the thread, and on a one-thread runtime every other task waits too.
async fn my_function_blocking(x: i64, delay: Duration) -> (i64, i64) {
    my_function_sync(x, delay)
}
// ANCHOR_END: my_function_blocking

/// [2, 3, 4] concurrently, with the sleep that yields: about one delay in all.
async fn squares_concurrently(numbers: &[i64], delay: Duration) -> Timeline {
    square_all("Concurrently", numbers, move |x| {
        Span::measure_async(x.to_string(), my_function(x, delay))
    })
    .await
}

/// The same with the sleep that blocks: about three delays, one after another.
async fn squares_blocking(numbers: &[i64], delay: Duration) -> Timeline {
    square_all("Blocking", numbers, move |x| {
        Span::measure_async(x.to_string(), my_function_blocking(x, delay))
    })
    .await
}

// ANCHOR: squares_spawn_blocking
/// The cure: `spawn_blocking` runs the blocking function on tokio's pool of threads meant
/// for it, and the task only awaits the result. About one delay again, on three threads.
async fn squares_spawn_blocking(numbers: &[i64], delay: Duration) -> Timeline {
    square_all("Spawn_blocking", numbers, move |x| async move {
        let blocking =
            tokio::task::spawn_blocking(move || Span::measure(x.to_string(), || my_function_sync(x, delay)));
        blocking
            .await
            .expect("the blocking call does not panic for these numbers")
    })
    .await
}
// ANCHOR_END: squares_spawn_blocking

/// Spawn `square(x)` for every number; print `LABEL: x squared = y` as each completes.
async fn square_all<F, Fut>(label: &str, numbers: &[i64], square: F) -> Timeline
where
    F: Fn(i64) -> Fut,
    Fut: Future<Output = ((i64, i64), Span)> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    for &x in numbers {
        tasks.spawn(square(x));
    }
    let mut timeline = Timeline::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(((x, squared), span)) => {
                say!("{label}: {x} squared = {squared}");
                timeline.add(span, true);
            }
            Err(error) => say!("{label}: a task failed: {error}"),
        }
    }
    timeline
}

#[derive(Parser)]
#[command(about = "The async variant: tokio and async reqwest on one thread, its pitfall, and scale")]
struct Args {
    #[command(flatten)]
    fetch: FetchArgs,

    /// Run only one section
    #[arg(long, value_enum)]
    only: Option<Section>,

    /// Scale mode: fetch this many URLs at once from the stand-in sites
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..=1_000_000),
        conflicts_with_all = ["only", "urls", "live"]
    )]
    tasks: Option<u32>,

    /// Scale mode: how long each of those URLs takes to answer
    #[arg(long, value_name = "MS", default_value_t = 1000, requires = "tasks")]
    latency_ms: u64,

    /// Scale mode: at most K requests in flight at once [default: all of them]
    #[arg(long, value_name = "K", requires = "tasks", value_parser = clap::value_parser!(u32).range(1..))]
    limit: Option<u32>,

    #[command(flatten)]
    lesson: LessonArgs,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Section {
    Fetch,
    Squaring,
    Pitfall,
}

// `current_thread`: one thread runs every task, like asyncio's one event loop.
// (`#[tokio::main]` alone would start a thread per CPU.)
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::init();
    common::interrupt::exit_on_ctrl_c("interrupted (Ctrl-C): stopping now.");
    let args = Args::parse();
    if let Some(tasks) = args.tasks {
        let limit = args.limit.map(|k| k as usize);
        let latency = Duration::from_millis(args.latency_ms);
        return scale::run(
            tasks as usize,
            latency,
            limit,
            args.fetch.timeout,
            args.lesson.time_scale,
        )
        .await;
    }
    let wanted = |section| args.only.is_none_or(|only| only == section);
    let show = |timeline: &Timeline| {
        if !args.lesson.no_timeline {
            timeline.print(args.lesson.time_scale);
        }
    };
    let mut outcome = ExitCode::SUCCESS;

    if wanted(Section::Fetch) {
        say!("== fetch: the four sites one by one, then all at once, on one thread");
        outcome = fetch_section(&args, show).await;
    }
    let numbers = [2, 3, 4];
    let delay = Duration::from_secs(2).mul_f64(args.lesson.time_scale);
    if wanted(Section::Squaring) {
        say!("== squaring: my_function as an async fn, [2, 3, 4] at once, on one thread");
        let (timeline, _) = timeit_async!(squares_concurrently(&numbers, delay));
        show(&timeline);
    }
    if wanted(Section::Pitfall) {
        say!("== pitfall: a blocking sleep inside async code stalls the only thread");
        let (timeline, _) = timeit_async!(squares_blocking(&numbers, delay));
        show(&timeline);
        say!("== the cure: spawn_blocking moves the blocking call off the event loop's thread");
        let (timeline, _) = timeit_async!(squares_spawn_blocking(&numbers, delay));
        show(&timeline);
    }
    outcome
}

/// The fetch section: Listing 1's two runs, async.
async fn fetch_section(args: &Args, show: impl Fn(&Timeline)) -> ExitCode {
    // No URLs given: serve the stand-in sites (on threads of their own, not this event loop).
    let targets = match Targets::choose(&args.fetch, args.lesson.time_scale) {
        Ok(targets) => targets,
        Err(error) => {
            eprintln!("error: cannot start the stand-in sites: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut builder = Client::builder().timeout(args.fetch.timeout);
    if targets.are_local() {
        builder = builder.no_proxy();
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: cannot create the HTTP client: {error}");
            return ExitCode::FAILURE;
        }
    };
    let urls = targets.urls();
    let panic_on = args.fetch.panic_on.as_deref();

    say!();
    let (one_by_one, one_by_one_took) = timeit_async!(fetch_one_by_one(&client, urls));
    show(&one_by_one);
    let (concurrent, concurrent_took) = timeit_async!(fetch_concurrently(&client, urls, panic_on));
    show(&concurrent);
    targets.summarize(
        urls,
        (&one_by_one, one_by_one_took),
        (&concurrent, concurrent_took),
    );
    say!();
    targets.outcome(&[&one_by_one, &concurrent])
}
