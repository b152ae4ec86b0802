//! The bottom layer: a `TcpStream`, the request written by hand, the answer read to the end.
//!
//! Compared with hyper this skips nearly all of HTTP: no header parsing (only the status
//! code in the first line is read), no body framing (`Connection: close` asks the server
//! to close when done, so the end of the stream is the end of the answer), no connection
//! state machine, no buffers but one small array. Fine for a measurement against a server
//! we wrote; not a client for the open web (chunked bodies, keep-alive, redirects, TLS...).

use crate::get::{Get, plain, within};
use crate::target::Target;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Clone)]
pub struct Client {
    addr: SocketAddr,
    /// The whole request, as bytes, built once and shared by every task.
    request: Arc<[u8]>,
    timeout: Duration,
}

impl Client {
    pub fn new(target: &Target, timeout: Duration) -> Self {
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            target.path, target.host
        );
        Self {
            addr: target.addr,
            request: request.into_bytes().into(),
            timeout,
        }
    }

    async fn get_once(&self) -> Result<(), String> {
        let mut stream = TcpStream::connect(self.addr)
            .await
            .map_err(|e| format!("cannot connect: {}", plain(e)))?;
        stream.set_nodelay(true).map_err(plain)?;
        stream.write_all(&self.request).await.map_err(plain)?;
        // "HTTP/1.1 200 OK\r\n...": keep the first bytes, read and drop the rest.
        let mut first = [0u8; 12];
        let mut chunk = [0u8; 256];
        let mut received = 0;
        loop {
            let read = stream.read(&mut chunk).await.map_err(plain)?;
            if read == 0 {
                break; // the server closed: the answer is complete
            }
            if received < first.len() {
                let take = read.min(first.len() - received);
                first[received..received + take].copy_from_slice(&chunk[..take]);
            }
            received += read;
        }
        match &first {
            b"HTTP/1.1 200" => Ok(()),
            _ if received == 0 => Err("the server hung up without an answer".to_string()),
            _ => Err(format!("unexpected answer: {}", String::from_utf8_lossy(&first))),
        }
    }
}

impl Get for Client {
    async fn get(&self) -> Result<(), String> {
        within(self.timeout, self.get_once()).await
    }
}
