//! How far one thread goes: N requests at once on tokio's `current_thread` runtime (asyncio's
//! one event loop), against the stand-in sites running in a process of their own, and what
//! each client layer costs: reqwest (what the lessons use), hyper's connection API under it,
//! and a raw `TcpStream` under that.
//!
//! ```text
//! cargo run --release -p scale -- --tasks 10000
//! cargo run --release -p scale -- --tasks 10000 --client raw
//! cargo run --release -p scale -- --tasks 12 --limit 4    # rounds
//! cargo run --release -p demo-sites -- --port 8000              # then, elsewhere:
//! cargo run --release -p scale -- --tasks 1000 --sites http://127.0.0.1:8000
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
mod get;
mod server;
mod target;
mod usage;

use clap::{Parser, ValueEnum};
use common::timing::Timed;
use common::{Error, say, timeit_async};
use get::Get;
use server::ServerProcess;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use target::Target;
use terminal::counts::Counts;
use tokio::sync::Semaphore;
use tokio::task::{JoinError, JoinSet};

#[derive(Parser)]
#[command(about = "How far one thread goes: N requests at once, the server in its own process")]
struct Args {
    /// Fetch this many URLs, all at once (or --limit at a time)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    tasks: u32,

    /// How long each of those URLs takes to answer (times --time-scale: at most 600 s)
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
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = common::cli::positive_seconds)]
    timeout: Duration,

    /// Multiply the latency by F: 0.1 asks for answers 10x sooner
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = demo_sites::parse_time_scale)]
    time_scale: f64,

    /// Don't show the counts while the run goes on (they are shown only on a terminal anyway)
    #[arg(long)]
    no_live_view: bool,
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

/// The longest wait the stand-in sites serve: a longer latency would make the ideal time a
/// promise the server does not keep.
const MAX_LATENCY: Duration = demo_sites::MAX_DELAY;

impl Layer {
    /// The memory a request in flight takes with this layer, with room to spare (the
    /// scale bench's medians at 10,000 requests: 25, 13 and 2 KiB).
    fn memory_per_request(self) -> u64 {
        match self {
            Layer::Reqwest => 32 << 10,
            Layer::Hyper => 16 << 10,
            Layer::Raw => 4 << 10,
        }
    }
}

fn main() -> ExitCode {
    common::init();
    if server::is_child() {
        return server::serve_as_child();
    }
    common::exit_status(measure()) // its exit status, or its error in one line
}

/// Read the command line, then run the measurement on one thread until it ends or Ctrl-C.
fn measure() -> Result<ExitCode, Error> {
    let args: Args = common::cli::parse()?;
    let Some(latency) = args.latency() else {
        let asked = args.latency_ms as f64 * args.time_scale / 1000.0;
        let max = MAX_LATENCY.as_secs();
        common::output::write_error_line(&format!(
            "error: --latency-ms times --time-scale asks for {asked} s; the stand-in sites wait at most {max} s"
        ));
        return Ok(ExitCode::from(2)); // a usage error, as clap's own
    };
    // `current_thread`: one thread runs every task, like asyncio's one event loop.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let runtime = runtime.map_err(|error| Error::Cannot(format!("cannot start the event loop: {error}")))?;
    runtime.block_on(async {
        // Ctrl-C is awaited on this runtime, beside the run: when it wins, the run is dropped,
        // and with it the server's process, which is stopped and reaped on this path too.
        // `biased`: the Ctrl-C branch is polled first, so it listens before the run starts.
        tokio::select! {
            biased;
            _ = tokio::signal::ctrl_c() => {
                common::output::write_error_line("interrupted (Ctrl-C): stopping now.");
                Ok(ExitCode::from(common::interrupt::INTERRUPTED as u8))
            }
            outcome = run(&args, latency) => outcome,
        }
    })
}

impl Args {
    /// The latency each URL asks for: `--latency-ms` times `--time-scale`, in whole
    /// milliseconds (what the URL can say); None beyond what the server waits.
    fn latency(&self) -> Option<Duration> {
        let scaled = Duration::from_millis(self.latency_ms).mul_f64(self.time_scale);
        let latency = Duration::from_millis(scaled.as_millis() as u64);
        (latency <= MAX_LATENCY).then_some(latency)
    }
}

/// Everything a run needs before its first request is sent.
struct Plan {
    /// The stand-in sites' process, if we started it: held to the end of the run, since
    /// dropping it stops the child.
    server: Option<ServerProcess>,
    target: Target,
    latency: Duration,
    tasks: usize,
    /// How many requests are in flight at once: `--limit`, or fewer where the OS says so.
    at_once: usize,
}

async fn run(args: &Args, latency: Duration) -> Result<ExitCode, Error> {
    let plan = prepare(args, latency).await.map_err(Error::Cannot)?;
    let layer = args.client.to_possible_value().expect("no variant is skipped");
    say!(
        "Fetching {} URLs that each answer after {:.3} sec, {} at a time, with {} on one thread...",
        plan.tasks,
        latency.as_secs_f64(),
        plan.at_once,
        layer.get_name()
    );
    let timed = fetch_with(args.client, &plan, args.timeout, !args.no_live_view)
        .await
        .map_err(Error::Cannot)?;
    Ok(report(&plan, timed))
}

/// Start the server (unless `--sites` names one), check the URL answers, and budget how
/// many requests run at once.
async fn prepare(args: &Args, latency: Duration) -> Result<Plan, String> {
    let open_files = budget::raise_open_files_limit();
    let server = match &args.sites {
        Some(_) => None,
        None => Some(
            ServerProcess::start()
                .await
                .map_err(|e| format!("cannot start the stand-in sites: {e}"))?,
        ),
    };
    let base = match (&server, &args.sites) {
        (Some(server), _) => server.url(),
        (None, Some(sites)) => sites.clone(),
        (None, None) => unreachable!("a server is started when no --sites is given"),
    };
    let path = format!("/delay/{}", latency.as_millis());
    let target = Target::reachable(&base, &path, args.timeout).await?;
    if let Some(server) = &server {
        say!(
            "Stand-in sites in their own process (pid {}) on {base}",
            server.pid()
        );
    }
    let tasks = args.tasks as usize;
    let limit = args.limit.map(|k| k as usize);
    let closes_late = args.client == Layer::Reqwest;
    let server_files = server.as_ref().map(ServerProcess::open_files);
    let at_once = budget::requests_that_fit(tasks, limit, closes_late, open_files, server_files)?;
    let at_once = budget::requests_in_memory(at_once, args.client.memory_per_request())?;
    Ok(Plan {
        server,
        target,
        latency,
        tasks,
        at_once,
    })
}

/// Run the whole fetch with the chosen layer's client, timed; on a terminal, with its counts
/// shown as it goes (if `live`).
async fn fetch_with(
    layer: Layer,
    plan: &Plan,
    timeout: Duration,
    live: bool,
) -> Result<Timed<Failures>, String> {
    let (target, tasks, at_once) = (&plan.target, plan.tasks, plan.at_once);
    let counts = Counts::start();
    let _shown = counts.show_if_watched(live);
    let counts = &counts;
    Ok(match layer {
        Layer::Reqwest => {
            let client = client_reqwest::Client::new(target, timeout)
                .map_err(|e| format!("cannot create the HTTP client: {e}"))?;
            timeit_async!(fetch_many(&client, tasks, at_once, counts))
        }
        Layer::Hyper => {
            let client = client_hyper::Client::new(target, timeout);
            timeit_async!(fetch_many(&client, tasks, at_once, counts))
        }
        Layer::Raw => {
            let client = client_raw::Client::new(target, timeout);
            timeit_async!(fetch_many(&client, tasks, at_once, counts))
        }
    })
}

/// The closing lines: how the run went against its ideal, what each process cost, and the
/// first failure, if any (exit status 1 then).
fn report(plan: &Plan, timed: Timed<Failures>) -> ExitCode {
    let Timed {
        value: failures,
        took: wall,
        ..
    } = timed;
    say!(
        "Done: {} ok, {} failed, in {:.4} sec; {}.",
        plan.tasks - failures.count,
        failures.count,
        wall.as_secs_f64(),
        against_the_ideal(plan, wall, failures.count)
    );
    if let Some(client_usage) = usage::of_this_process() {
        say!("Client (this process): {client_usage}.");
    }
    let server_pid = plan.server.as_ref().map(ServerProcess::pid);
    if let Some(server_usage) = server_pid.and_then(usage::of_process) {
        say!("Server (its own process): {server_usage}.");
    }
    match failures.first {
        None => ExitCode::SUCCESS,
        Some(reason) => {
            // The reason may quote the server's answer: no control character gets through.
            say!("First failure: {}", common::output::escape_controls(&reason));
            ExitCode::FAILURE
        }
    }
}

/// The run's time beside its ideal: rounds of `at_once`, each one latency long. No ideal for
/// a run in which requests failed (a failure can come sooner or later than an answer), and
/// said plainly when the answers came sooner than the latency asked for, which happens when
/// the server at `--sites` scales its waits with its own `--time-scale`.
fn against_the_ideal(plan: &Plan, wall: Duration, failed: usize) -> String {
    if failed > 0 {
        return format!("no ideal: {failed} of {} requests failed", plan.tasks);
    }
    let rounds = u32::try_from(plan.tasks.div_ceil(plan.at_once)).unwrap_or(u32::MAX);
    let ideal = plan.latency.saturating_mul(rounds);
    let ideal_sec = ideal.as_secs_f64();
    match wall.checked_sub(ideal) {
        Some(late) => format!(
            "ideal {ideal_sec:.4} sec (+{:.1} ms)",
            late.as_secs_f64() * 1000.0
        ),
        None => format!(
            "ideal {ideal_sec:.4} sec, yet the answers came sooner than the latency asked for \
             (does the server at --sites run with its own --time-scale?)"
        ),
    }
}

/// How many requests failed, and why the first one did: all a run reports of its failures,
/// so a million of them cost no more memory than one.
#[derive(Default)]
struct Failures {
    count: usize,
    first: Option<String>,
}

impl Failures {
    /// A request joined: count it, and keep its reason if it is the first to fail.
    fn note(&mut self, joined: Result<Result<(), String>, JoinError>, counts: &Counts) {
        counts.ended(!matches!(joined, Ok(Ok(()))));
        let reason = match joined {
            Ok(Ok(())) => return,
            Ok(Err(reason)) => reason,
            Err(error) => error.to_string(),
        };
        self.count += 1;
        self.first.get_or_insert(reason);
    }
}

/// Send the GET `tasks` times, at most `at_once` at a time, counted in `counts`.
async fn fetch_many(client: &impl Get, tasks: usize, at_once: usize, counts: &Counts) -> Failures {
    // A permit per request in flight: `--limit` (or what the OS can hold) as a semaphore.
    // A request gives its permit back only once its socket is closed (dropped).
    let permits = Arc::new(Semaphore::new(at_once));
    let mut requests = JoinSet::new();
    let mut failures = Failures::default();
    for _ in 0..tasks {
        // The permit is taken before the task is made, so at most `at_once` tasks exist at
        // a time: memory follows `--limit`, not `--tasks`.
        let permit = Arc::clone(&permits)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        // A finished task keeps its memory until it is joined: join those done so far.
        while let Some(joined) = requests.try_join_next() {
            failures.note(joined, counts);
        }
        let client = client.clone();
        counts.started();
        requests.spawn(async move {
            let _permit = permit;
            client.get().await
        });
    }
    while let Some(joined) = requests.join_next().await {
        failures.note(joined, counts);
    }
    failures
}
