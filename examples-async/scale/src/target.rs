//! Where every request goes: the URL the scale run fetches, checked once before the run
//! (plain http://, a host that resolves, something that answers), with what each layer needs.

use common::fetch::printable_url;
use common::output::strip_os_error;
use hyper::Uri;
use std::net::SocketAddr;
use std::time::Duration;

/// What every request asks for: where to connect, and what to send there.
pub struct Target {
    pub url: String,
    pub addr: SocketAddr,
    /// The `Host` header: `host:port` (`[::1]:8000` for an IPv6 address).
    pub host: String,
    /// The path and query, e.g. `/delay/1000`.
    pub path: Uri,
}

impl Target {
    /// `path` on the sites at `base` (`http://host:port`, perhaps with a path of its own),
    /// checked: something must accept a connection there within `timeout`.
    pub async fn reachable(base: &str, path: &str, timeout: Duration) -> Result<Self, String> {
        // Every message names the URL as the lessons print one: no password, one line, cut short.
        let shown = printable_url(base);
        let url = reqwest::Url::parse(base).map_err(|e| format!("invalid URL {shown}: {e}"))?;
        if url.scheme() != "http" {
            return Err(format!("{shown}: scale mode speaks plain http:// only"));
        }
        let url = with_path(url, path);
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return Err(format!("{shown}: no host in this URL"));
        };
        // `socket_addrs` reads an IPv6 address without its brackets, as a resolver needs it.
        let addr = url
            .socket_addrs(|| None)
            .map_err(|e| format!("unknown host in {shown}: {}", strip_os_error(&e.to_string())))?
            .into_iter()
            .next()
            .ok_or_else(|| format!("unknown host in {shown}"))?;
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        let path = path.parse::<Uri>().map_err(|e| format!("{shown}: {e}"))?;
        answers_at(addr, timeout).await?;
        Ok(Self {
            url: url.to_string(),
            addr,
            host: format!("{host}:{port}"),
            path,
        })
    }
}

/// `url` with `path` appended to its own path, where it belongs: before a query
/// (`http://h/?x=1` becomes `http://h/delay/300?x=1`). A fragment is never sent, so it goes.
fn with_path(mut url: reqwest::Url, path: &str) -> reqwest::Url {
    url.set_fragment(None);
    if let Ok(mut segments) = url.path_segments_mut() {
        // (Every http:// URL has a path; only URLs such as `mailto:` have none.)
        segments
            .pop_if_empty()
            .extend(path.split('/').filter(|segment| !segment.is_empty()));
    }
    url
}

/// Does something accept a connection at `addr` within `timeout`?
async fn answers_at(addr: SocketAddr, timeout: Duration) -> Result<(), String> {
    let connect = tokio::net::TcpStream::connect(addr);
    match tokio::time::timeout(timeout, connect).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(format!(
            "nothing answers at {addr}: {}",
            strip_os_error(&error.to_string())
        )),
        Err(_) => Err(format!(
            "nothing answers at {addr} within {} s (--timeout)",
            timeout.as_secs_f64()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::with_path;

    #[test]
    fn the_path_goes_before_the_query_and_the_fragment_goes() {
        let joined = |base| with_path(reqwest::Url::parse(base).unwrap(), "/delay/300").to_string();
        assert_eq!(joined("http://h:1"), "http://h:1/delay/300");
        assert_eq!(joined("http://h:1/"), "http://h:1/delay/300");
        assert_eq!(joined("http://h:1/?x=1"), "http://h:1/delay/300?x=1");
        assert_eq!(joined("http://h:1/#frag"), "http://h:1/delay/300");
        assert_eq!(joined("http://h:1/sites/"), "http://h:1/sites/delay/300");
        assert_eq!(joined("http://[::1]:8/"), "http://[::1]:8/delay/300");
    }
}
