//! Scale mode: `--tasks N --latency-ms L [--limit K]` fetches N URLs that each take L ms,
//! all at once (or at most K at a time), on the one thread of the event loop, and prints
//! the time against the ideal (L, if all fit at once) and how many failed.
//!
//! Every request in flight holds two sockets of this process: the client's, and the
//! stand-in server's end of the same connection. Sockets count against the process's
//! open-files limit (often 1,024 on desktops; 256 on macOS). We raise the soft limit as
//! far as the OS allows; if N still doesn't fit, we say so and run fewer at once, rather
//! than fail with "Too many open files" halfway through.

use common::fetch::FetchError;
use common::sites::StandInSites;
use common::{say, timeit_async};
use reqwest::Client;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Descriptors kept free for everything else: stdio, the runtimes' own, the listener.
const SPARE_DESCRIPTORS: u64 = 64;

pub async fn run(
    tasks: usize,
    latency: Duration,
    limit: Option<usize>,
    timeout: Duration,
    time_scale: f64,
) -> ExitCode {
    let sites = match StandInSites::start(time_scale) {
        Ok(sites) => sites,
        Err(error) => {
            eprintln!("error: cannot start the stand-in sites: {error}");
            return ExitCode::FAILURE;
        }
    };
    // No pool of idle connections: all requests start together, so none could reuse one,
    // and hyper-util's pool would scan its list of every waiting request each time one
    // gets a new connection instead (N x N steps: most of the time at 10,000).
    let builder = Client::builder()
        .no_proxy()
        .timeout(timeout)
        .pool_max_idle_per_host(0);
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: cannot create the HTTP client: {error}");
            return ExitCode::FAILURE;
        }
    };
    let url = sites.url(&format!("/delay/{}", latency.as_millis()));
    let wait = sites.latency_of(&url).unwrap_or(latency);

    let wanted = limit.unwrap_or(tasks).min(tasks);
    let at_once = wanted.min(connections_that_fit());
    if at_once < wanted {
        say!(
            "note: {wanted} requests at once need about {} open files here, more than this process may have; \
             running {at_once} at a time (raise `ulimit -n` to lift this).",
            wanted * 2
        );
    }
    say!(
        "Fetching {tasks} URLs that each answer after {:.3} sec, {at_once} at a time...",
        wait.as_secs_f64()
    );

    let (failures, wall) = timeit_async!(fetch_many(&client, &url, tasks, at_once));

    // In rounds of `at_once`, each one latency long.
    let ideal = wait * tasks.div_ceil(at_once) as u32;
    say!(
        "Done: {} ok, {} failed, in {:.4} sec; ideal {:.4} sec (+{:.1} ms).",
        tasks - failures.len(),
        failures.len(),
        wall.as_secs_f64(),
        ideal.as_secs_f64(),
        wall.saturating_sub(ideal).as_secs_f64() * 1000.0
    );
    if let Some(peak) = peak_memory_mib() {
        say!("Peak memory (client and server together): {peak:.1} MiB.");
    }
    match failures.first() {
        None => ExitCode::SUCCESS,
        Some(reason) => {
            say!("First failure: {reason}");
            ExitCode::FAILURE
        }
    }
}

/// Fetch `url` `tasks` times, at most `at_once` at a time; the reasons of the failures.
async fn fetch_many(client: &Client, url: &str, tasks: usize, at_once: usize) -> Vec<String> {
    // A permit per request in flight: `--limit` (or the open-files limit) as a semaphore.
    let permits = Arc::new(Semaphore::new(at_once));
    let mut requests = JoinSet::new();
    for _ in 0..tasks {
        let (client, url, permits) = (client.clone(), url.to_string(), Arc::clone(&permits));
        requests.spawn(async move {
            let _permit = permits
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            let response = client.get(&url).send().await;
            match response {
                Ok(response) => response
                    .bytes()
                    .await
                    .map(drop)
                    .map_err(|e| FetchError::new(&url, &e)),
                Err(error) => Err(FetchError::new(&url, &error)),
            }
        });
    }
    let mut failures = Vec::new();
    while let Some(joined) = requests.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(error)) => failures.push(error.reason),
            Err(error) => failures.push(error.to_string()),
        }
    }
    failures
}

/// How many connections this process can hold open at once, after raising the soft
/// open-files limit as far as the hard limit allows (where the OS has such a limit).
fn connections_that_fit() -> usize {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(files) => usize::try_from(files.saturating_sub(SPARE_DESCRIPTORS) / 2).unwrap_or(usize::MAX),
        Err(_) => usize::MAX, // cannot tell: try, and report failures if it comes to that
    }
}

/// The most memory this process has held, where the OS tells us cheaply (Linux).
fn peak_memory_mib() -> Option<f64> {
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}
