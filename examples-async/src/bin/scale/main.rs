//! How far one thread goes: N requests at once on tokio's `current_thread` runtime (asyncio's
//! one event loop), against the stand-in sites running in a process of their own, and what
//! each client layer costs: reqwest (what the lessons use), hyper's connection API under it,
//! and a raw `TcpStream` under that.
//!
//! ```text
//! cargo run --release -p examples-async --bin scale -- --tasks 10000
//! cargo run --release -p examples-async --bin scale -- --tasks 10000 --client raw
//! cargo run --release -p examples-async --bin scale -- --tasks 12 --limit 4    # rounds
//! cargo run --release -p demo-sites -- --port 8000                 # then, elsewhere:
//! cargo run --release -p examples-async --bin scale -- --tasks 1000 --sites http://127.0.0.1:8000
//! ```
//!
//! What to look for: the wall time against the ideal (one latency, when all fit at once),
//! the failures (none), and what the client costs on its own: CPU time and peak memory, per
//! layer. Each layer skips work the one above does for you (see the top of each module);
//! the difference in CPU and memory is the price of that work.

mod budget;
mod client_hyper;
mod client_raw;
mod client_reqwest;
mod server;
mod target;
mod usage;

use clap::{Parser, ValueEnum};
use common::timing::Timed;
use common::{say, timeit_async};
use futures_util::FutureExt;
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

#[derive(Parser)]
#[command(about = "How far one thread goes: N requests at once, the server in its own process")]
struct Args {
    /// Fetch this many URLs, all at once
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    tasks: u32,

    /// How long each of those URLs takes to answer
    #[arg(long, value_name = "MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=600_000))]
    latency_ms: u64,

    /// At most K requests in flight at once [default: all of them]
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    limit: Option<u32>,

    /// Which client layer sends the requests
    #[arg(long, value_enum, default_value_t = Layer::Reqwest)]
    client: Layer,

    /// Use stand-in sites already running there (`cargo run -p demo-sites`)
    /// instead of starting them in a child process
    #[arg(long, value_name = "URL")]
    sites: Option<String>,

    /// Give up on a request after this many seconds
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = common::cli::positive_seconds)]
    timeout: Duration,

    /// Multiply the latency by F: 0.1 asks for answers 10x sooner
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = demo_sites::parse_time_scale)]
    time_scale: f64,
}

/// The client layers, from the most done for you to the least.
#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Layer {
    /// reqwest's async `Client`, as in the lessons
    Reqwest,
    /// hyper's connection API: one connection per request, a small read buffer
    Hyper,
    /// a `TcpStream`, the request line written by hand, the answer read to the end
    Raw,
}

/// What each layer's client does: send the same GET again and again, each time to the end.
/// A trait, not an enum of the three: each layer's task is then only as large as its own
/// future (reqwest's is the largest by far, and an enum's future is the size of its largest).
trait Get: Clone + Send + Sync + 'static {
    fn get(&self) -> impl Future<Output = Result<(), String>> + Send;
}

/// `attempt`, given up after `timeout`: the lower layers have no timeout of their own.
/// A plain function returning the timeout's own future, not an `async fn`: an `async fn`
/// would keep `attempt` twice in its state (as the argument and inside the timeout), and
/// with 10,000 requests in flight that is 10,000 times a layer's whole future.
fn within(
    timeout: Duration,
    attempt: impl Future<Output = Result<(), String>>,
) -> impl Future<Output = Result<(), String>> {
    tokio::time::timeout(timeout, attempt)
        .map(move |outcome| outcome.unwrap_or_else(|_| Err(format!("timed out after {timeout:?}"))))
}

fn main() -> ExitCode {
    common::init();
    if server::is_child() {
        return server::serve_as_child();
    }
    let args = Args::parse();
    // `current_thread`: one thread runs every task, like asyncio's one event loop.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the event loop: {error}")),
    };
    runtime.block_on(async {
        // Ctrl-C is awaited on this runtime, beside the run: when it wins, the run is dropped,
        // and with it the server's process, which is stopped and reaped on this path too.
        // `biased`: the Ctrl-C branch is polled first, so it listens before the run starts.
        tokio::select! {
            biased;
            _ = tokio::signal::ctrl_c() => {
                common::output::write_error_line("interrupted (Ctrl-C): stopping now.");
                ExitCode::from(common::interrupt::INTERRUPTED as u8)
            }
            outcome = run(args) => outcome,
        }
    })
}

async fn run(args: Args) -> ExitCode {
    let open_files = budget::raise_open_files_limit();
    // Started first and held to the end of `run`: dropping it stops the child.
    let (child, base) = match &args.sites {
        Some(url) => (None, url.trim_end_matches('/').to_string()),
        None => match server::ServerProcess::start() {
            Ok(child) => {
                let base = child.url();
                (Some(child), base)
            }
            Err(error) => return fail(&format!("cannot start the stand-in sites: {error}")),
        },
    };
    // The scaled latency in whole milliseconds: what the URL asks for.
    let scaled = Duration::from_millis(args.latency_ms).mul_f64(args.time_scale);
    let latency = Duration::from_millis(scaled.as_millis() as u64);
    let url = format!("{base}/delay/{}", latency.as_millis());
    let target = match target::Target::reachable(&url).await {
        Ok(target) => target,
        Err(error) => return fail(&error),
    };
    if let Some(child) = &child {
        say!(
            "Stand-in sites in their own process (pid {}) on {base}",
            child.pid()
        );
    }

    let tasks = args.tasks as usize;
    let limit = args.limit.map(|k| k as usize);
    let closes_late = args.client == Layer::Reqwest;
    let server_files = child.as_ref().map(|child| child.open_files());
    let at_once = match budget::requests_that_fit(tasks, limit, closes_late, open_files, server_files) {
        Ok(at_once) => at_once,
        Err(error) => return fail(&error),
    };

    let layer = args.client.to_possible_value().expect("no variant is skipped");
    say!(
        "Fetching {tasks} URLs that each answer after {:.3} sec, {at_once} at a time, with {} on one thread...",
        latency.as_secs_f64(),
        layer.get_name()
    );
    let Timed {
        value: failures,
        took: wall,
        ..
    } = match args.client {
        Layer::Reqwest => match client_reqwest::Client::new(&target, args.timeout) {
            Ok(client) => timeit_async!(fetch_many(&client, tasks, at_once)),
            Err(error) => return fail(&format!("cannot create the HTTP client: {error}")),
        },
        Layer::Hyper => {
            let client = client_hyper::Client::new(&target, args.timeout);
            timeit_async!(fetch_many(&client, tasks, at_once))
        }
        Layer::Raw => {
            let client = client_raw::Client::new(&target, args.timeout);
            timeit_async!(fetch_many(&client, tasks, at_once))
        }
    };

    // In rounds of `at_once`, each one latency long.
    let ideal = latency.saturating_mul(u32::try_from(tasks.div_ceil(at_once)).unwrap_or(u32::MAX));
    say!(
        "Done: {} ok, {} failed, in {:.4} sec; ideal {:.4} sec (+{:.1} ms).",
        tasks - failures.len(),
        failures.len(),
        wall.as_secs_f64(),
        ideal.as_secs_f64(),
        wall.saturating_sub(ideal).as_secs_f64() * 1000.0
    );
    if let Some(client_usage) = usage::of_this_process() {
        say!("Client (this process): {client_usage}.");
    }
    if let Some(server_usage) = child.as_ref().and_then(|child| usage::of_process(child.pid())) {
        say!("Server (its own process): {server_usage}.");
    }
    match failures.first() {
        None => ExitCode::SUCCESS,
        Some(reason) => {
            say!("First failure: {reason}");
            ExitCode::FAILURE
        }
    }
}

/// Send the GET `tasks` times, at most `at_once` at a time; the reasons of the failures.
async fn fetch_many(client: &impl Get, tasks: usize, at_once: usize) -> Vec<String> {
    // A permit per request in flight: `--limit` (or what the OS can hold) as a semaphore.
    // A request gives its permit back only once its socket is closed (dropped).
    let permits = Arc::new(Semaphore::new(at_once));
    let mut requests = JoinSet::new();
    for _ in 0..tasks {
        let (client, permits) = (client.clone(), Arc::clone(&permits));
        requests.spawn(async move {
            let _permit = permits
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            client.get().await
        });
    }
    let mut failures = Vec::new();
    while let Some(joined) = requests.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(reason)) => failures.push(reason),
            Err(error) => failures.push(error.to_string()),
        }
    }
    failures
}

/// A run-time failure: one line on stderr, exit status 1.
fn fail(message: &str) -> ExitCode {
    common::output::write_error_line(&format!("error: {message}"));
    ExitCode::FAILURE
}
