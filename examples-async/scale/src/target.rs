//! Where every request goes: the URL the scale run fetches, checked once before the run
//! (plain http://, a host that resolves, something that answers), with what each layer needs.

use hyper::Uri;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// What every request asks for: where to connect, and what to send there.
pub struct Target {
    pub url: String,
    pub addr: SocketAddr,
    /// The `Host` header: `host:port`.
    pub host: String,
    /// The path and query, e.g. `/delay/1000`.
    pub path: Uri,
}

impl Target {
    /// Parse `url`, and check that something accepts connections there.
    pub async fn reachable(url: &str) -> Result<Self, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("invalid URL {url}: {e}"))?;
        if parsed.scheme() != "http" {
            return Err(format!("{url}: scale mode speaks plain http:// only"));
        }
        let (Some(host), Some(port)) = (parsed.host_str(), parsed.port_or_known_default()) else {
            return Err(format!("{url}: no host in this URL"));
        };
        let addr = (host, port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| format!("unknown host in {url}"))?;
        let path = match parsed.query() {
            Some(query) => format!("{}?{query}", parsed.path()),
            None => parsed.path().to_string(),
        };
        let path = path.parse::<Uri>().map_err(|e| format!("{url}: {e}"))?;
        let connect = tokio::net::TcpStream::connect(addr);
        match tokio::time::timeout(Duration::from_secs(5), connect).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => return Err(format!("nothing answers at {addr}: {error}")),
            Err(_) => return Err(format!("nothing answers at {addr} within 5 s")),
        }
        Ok(Self {
            url: url.to_string(),
            addr,
            host: format!("{host}:{port}"),
            path,
        })
    }
}
