//! The middle layer: hyper's connection API, the HTTP/1.1 engine under reqwest.
//!
//! Compared with reqwest this skips: the pool (one connection per request, opened here and
//! closed when the answer is in), URL parsing per request, proxies, redirects, decompression
//! and a response type with conveniences. hyper still parses the status line and headers,
//! frames the body, and runs the connection as a state machine. Its read buffer is what we
//! may size: reqwest gives no such setting, so each of its connections keeps the default.

use crate::get::{Get, plain, within};
use crate::target::Target;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::header::{CONNECTION, HOST};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// The stand-in sites answer in a few dozen bytes: a 1 KiB read buffer is plenty, where
/// hyper's default grows to 8 KiB and more per connection.
const READ_BUFFER: usize = 1024;

#[derive(Clone)]
pub struct Client {
    addr: SocketAddr,
    /// Shared by every request: the path and the `Host` header, parsed once.
    request: Arc<(Uri, String)>,
    timeout: Duration,
}

impl Client {
    pub fn new(target: &Target, timeout: Duration) -> Self {
        Self {
            addr: target.addr,
            request: Arc::new((target.path.clone(), target.host.clone())),
            timeout,
        }
    }

    async fn get_once(&self) -> Result<(), String> {
        let stream = TcpStream::connect(self.addr)
            .await
            .map_err(|e| format!("cannot connect: {}", plain(e)))?;
        // Send the request at once, not after the kernel's wait for more bytes (Nagle).
        stream.set_nodelay(true).map_err(plain)?;
        let (mut sender, connection) = http1::Builder::new()
            .read_buf_exact_size(Some(READ_BUFFER))
            .handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
            .await
            .map_err(plain)?;
        let (path, host) = &*self.request;
        let request = Request::get(path.clone())
            .header(HOST, host.as_str())
            // The server closes after answering: it, not we, keeps the closed port waiting.
            .header(CONNECTION, "close")
            .body(Empty::new())
            .map_err(plain)?;
        let exchange = async move {
            let response = sender.send_request(request).await?;
            let status = response.status();
            // Read the body to its end, dropping each piece as it arrives: flat memory
            // whatever the server sends (the timeout stops an endless body).
            let mut body = response.into_body();
            while let Some(frame) = body.frame().await {
                frame?;
            }
            Ok::<_, hyper::Error>(status)
        };
        // The connection is a future that moves bytes; it must run beside the exchange, in
        // this same task (no second task per request). It ends when the socket is closed.
        let (status, closed) = tokio::join!(exchange, connection);
        let status = status.map_err(plain)?;
        closed.map_err(plain)?;
        match status.is_success() {
            true => Ok(()),
            false => Err(format!("HTTP status {status}")),
        }
    }
}

impl Get for Client {
    async fn get(&self) -> Result<(), String> {
        within(self.timeout, self.get_once()).await
    }
}
