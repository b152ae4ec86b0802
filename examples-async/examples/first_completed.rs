//! `asyncio.wait(return_when=FIRST_COMPLETED)`: take the first task to finish, cancel the
//! rest. `JoinSet::join_next` for any number of tasks, `tokio::select!` for a few futures.
//!
//! ```python
//! tasks = [asyncio.create_task(fetch(url)) for url in urls]
//! done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
//! for task in pending: task.cancel()
//! ```
//!
//! `cargo run -p examples-async --example first_completed` (its own stand-in sites, offline)

use demo_sites::StandInSites;
use reqwest::Client;
use std::process::ExitCode;
use tokio::task::JoinSet;

/// GET `url`: its status code.
async fn fetch(client: Client, url: String) -> (String, Result<u16, String>) {
    let status = client
        .get(&url)
        .send()
        .await
        .map(|response| response.status().as_u16());
    (url, status.map_err(|error| error.to_string()))
}

#[tokio::main]
async fn main() -> ExitCode {
    common::init();
    // Half the article's latencies: google 100 ms, bing 150, duckduckgo 250, yahoo 400.
    let sites = StandInSites::start(0.5).expect("the stand-in sites start on 127.0.0.1");
    let client = Client::builder()
        .no_proxy()
        .build()
        .expect("a plain HTTP client builds");

    let mut tasks = JoinSet::new();
    for (url, _latency) in sites.sites() {
        tasks.spawn(fetch(client.clone(), url));
    }
    // `asyncio.wait(..., FIRST_COMPLETED)`: the first task to end, whichever it is.
    let (first_url, status) = tasks.join_next().await.expect("four tasks").expect("no panic");
    common::say!("first: {first_url} {status:?}");
    // `task.cancel()` for each pending task, then wait until each has stopped.
    tasks.abort_all();
    let mut cancelled = 0;
    while let Some(joined) = tasks.join_next().await {
        cancelled += usize::from(joined.is_err_and(|error| error.is_cancelled()));
    }
    common::say!("cancelled: {cancelled}");

    // `select!` waits for the first of its branches; the other future is dropped: cancelled.
    let winner = tokio::select! {
        (_, status) = fetch(client.clone(), sites.url("/yahoo")) => ("yahoo", status),
        (_, status) = fetch(client.clone(), sites.url("/google")) => ("google", status),
    };
    common::say!("select!: {winner:?}");

    assert!(first_url.ends_with("/google") && status == Ok(200));
    assert_eq!(cancelled, 3);
    assert_eq!(winner, ("google", Ok(200)));
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
