//! The async variant of both listings: the code the article's asyncio column describes but
//! never shows, in Rust (tokio and async reqwest), on ONE thread, plus the pitfall that stalls it.
//!
//! ```text
//! cargo run -p examples-async                          # every section
//! cargo run -p examples-async -- --only pitfall        # one section: fetch, squaring, pitfall
//! cargo run --release -p scale -- --tasks 10000      # how far one thread goes
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
//!
//! The stand-in sites, the timelines, the summary and the exit status are in `common::lesson`;
//! the options are in `src/options.rs`, the spawning of the squaring runs in `src/squaring.rs`.

mod options;
mod squaring;

use common::fetch::{DiscardedBody, FetchError, FetchResult, Fetched, print_result, short_name};
use common::timeline::{Span, Timeline};
use common::{lesson::Lesson, panics::catch_panic_async, say, timeit_async};
use options::{Args, Section};
use reqwest::Client;
use squaring::square_all;
use std::process::ExitCode;
use std::time::{Duration, Instant};

// ANCHOR: joinset_uses
use tokio::task::JoinSet;
// ANCHOR_END: joinset_uses

/// The article's `fetch_url`, async: the same steps, with `.await` wherever it would wait.
async fn fetch_url(client: &Client, url: &str) -> FetchResult {
    let start = Instant::now();
    let mut response = client
        .get(url)
        .send()
        .await
        .map_err(|e| FetchError::new(url, &e))?;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    // Read the body to its end, throwing each chunk away as it arrives: flat memory.
    let mut body = DiscardedBody::since(start);
    while let Some(chunk) = response.chunk().await.map_err(|e| body.error(url, &e))? {
        body.add(&chunk);
    }
    Ok(Fetched::new(url, status, elapsed))
}

/// One by one: each request is awaited before the next one is sent.
async fn fetch_one_by_one(client: &Client, urls: &[String]) -> Timeline {
    let mut timeline = Timeline::new();
    for url in urls {
        let (result, span) = Span::measure_async(short_name(url), fetch_url(client, url)).await;
        print_result(&result);
        timeline.add(span, &result);
    }
    timeline
}

// ANCHOR: fetch_concurrently
/// All at once: a task per URL in a `JoinSet`; results are printed as they complete.
async fn fetch_concurrently(client: &Client, urls: &[String]) -> Timeline {
    let mut tasks = JoinSet::new();
    for url in urls {
        let (client, url) = (client.clone(), url.clone());
        // A future does nothing until it is polled: `spawn` hands it to the runtime, which
        // starts it as soon as this task yields at its next `.await`.
        tasks.spawn(async move {
            // A panic stays inside its task and becomes this URL's error.
            let fetch = catch_panic_async(fetch_url(&client, &url));
            let (outcome, span) = Span::measure_async(short_name(&url), fetch).await;
            (
                outcome.unwrap_or_else(|panic| Err(FetchError::panicked(&url, &panic))),
                span,
            )
        });
    }
    // `asyncio.as_completed`: whichever task finishes first is reported first.
    let mut timeline = Timeline::new();
    while let Some(joined) = tasks.join_next().await {
        // A JoinError says the task panicked or was cancelled (the `future.result()` that
        // raises): here each task catches its own panic, and nothing cancels one.
        let (result, span) = joined.expect("each task catches its own panic");
        print_result(&result);
        timeline.add(span, &result);
    }
    timeline
}
// ANCHOR_END: fetch_concurrently

// ANCHOR: my_function
/// `x` and its square, as `my_function` returns them. An `i64` overflows where Python's
/// integers never do: `checked_mul` makes that a clear panic.
fn square(x: i64) -> (i64, i64) {
    (x, x.checked_mul(x).expect("x * x does not fit in an i64"))
}

/// The article's `my_function`, async: `tokio::time::sleep` lets the thread serve other
/// tasks while this one waits.
async fn my_function(x: i64, delay: Duration) -> (i64, i64) {
    tokio::time::sleep(delay).await;
    square(x)
}
// ANCHOR_END: my_function

// ANCHOR: my_function_blocking
/// The article's `my_function` as it is: a plain function that blocks its thread while it sleeps.
fn my_function_sync(x: i64, delay: Duration) -> (i64, i64) {
    std::thread::sleep(delay);
    square(x)
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

// ANCHOR: main
// `current_thread`: one thread runs every task, like asyncio's one event loop.
// (`#[tokio::main]` alone would start a thread per CPU.)
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::interrupt::exit_on_ctrl_c("interrupted (Ctrl-C): stopping now.");
    common::exit_status(run().await) // run's exit status, or its error in one line (1; a usage error 2)
}

/// The lesson. A step that cannot go on returns its error, and `?` passes it up to `main`
/// (Python would raise); nothing here ends the program itself.
async fn run() -> Result<ExitCode, common::Error> {
    let args: Args = common::cli::parse()?; // clap's Args::parse(), honouring TERM=dumb and a full disk
    let (mut lesson, fetching) = Lesson::fetching(&args.fetch)?;
    let (numbers, delay) = ([2, 3, 4], args.delay()); // the article's 2 s, times --time-scale
    if args.wants(Section::Fetch) {
        say!(
            "== fetch: {} one by one, then all at once, on one thread",
            fetching.described()
        );
        let (client, urls) = (fetching.async_client()?, fetching.urls());
        lesson.record(timeit_async!(fetch_one_by_one(&client, &urls)));
        lesson.record(timeit_async!(fetch_concurrently(&client, &urls)));
    }
    if args.wants(Section::Squaring) {
        say!("== squaring: my_function as an async fn, [2, 3, 4] at once, on one thread");
        lesson.record(timeit_async!(squares_concurrently(&numbers, delay)));
    }
    if args.wants(Section::Pitfall) {
        say!("== pitfall: a blocking sleep in async code stalls the only thread; spawn_blocking cures it");
        lesson.record(timeit_async!(squares_blocking(&numbers, delay)));
        lesson.record(timeit_async!(squares_spawn_blocking(&numbers, delay)));
    }
    Ok(lesson.finish())
}
// ANCHOR_END: main
