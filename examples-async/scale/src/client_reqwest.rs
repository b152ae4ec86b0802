//! The top layer: reqwest's async `Client`, as in the lessons.
//!
//! It does everything for you: parses the URL, pools connections and reuses them, follows
//! redirects, speaks HTTP/1.1 (and HTTP/2 and TLS where enabled), applies proxies and
//! timeouts, and hands back a typed response. Each request is a `String` URL, a request
//! builder, a header map, and a connection task of its own inside hyper-util.

use crate::get::Get;
use crate::target::Target;
use common::fetch::{DiscardedBody, describe_request};
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct Client {
    client: reqwest::Client,
    url: String,
}

impl Client {
    pub fn new(target: &Target, timeout: Duration) -> reqwest::Result<Self> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(timeout)
            // No pool of idle connections: all requests start together, so none could reuse
            // one, and the pool would scan its list of every waiting request each time one
            // gets a new connection instead (N x N steps: most of the time at 10,000).
            .pool_max_idle_per_host(0)
            .redirect(common::fetch::redirect_policy())
            .build()?;
        Ok(Self {
            client,
            url: target.url.clone(),
        })
    }
}

impl Get for Client {
    async fn get(&self) -> Result<(), String> {
        let start = Instant::now();
        let mut response = self
            .client
            .get(&self.url)
            .send()
            .await
            .map_err(|e| describe_request(&self.url, &e))?;
        let status = response.status();
        // Read the body to the end: only then is the request done and its connection free.
        // Each chunk is dropped as it arrives, as in the lessons: whatever a server sends,
        // memory stays flat (an endless body is stopped by --timeout).
        let mut body = DiscardedBody::since(start);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| body.error(&self.url, &e).reason)?
        {
            body.add(&chunk);
        }
        match status.is_success() {
            true => Ok(()),
            false => Err(format!("HTTP status {status}")),
        }
    }
}
