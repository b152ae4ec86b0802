//! How many requests the OS lets us hold open at once.
//!
//! Every request in flight holds a socket, and every socket is a file descriptor: they count
//! against the process's open-files limit (often 1,024 on Linux desktops, 256 on macOS). We
//! raise the soft limit as far as the hard limit allows. Only the client's own sockets
//! count against the client, since the server runs in its own process (with its own limit,
//! which it reports). Every connection also takes a local port, from the OS's range of
//! ephemeral ports. If N still doesn't fit, we say so and run fewer at once, rather than
//! fail with "Too many open files" halfway through. The same goes for memory where the
//! address space is limited (`ulimit -v`): running out of it would abort the program.

use common::say;

/// Descriptors kept free for everything else: stdio, the event loop's own (epoll, its waker,
/// Ctrl-C's socket pair), the pipe to the server. About a dozen; the rest is room to spare.
pub const SPARE_DESCRIPTORS: u64 = 32;

/// How many descriptors a permit to send a request may stand for. When all the requests
/// run in one round, each holds one socket. In rounds, a permit passes to the next request
/// as soon as one finishes; hyper and raw close their socket before that, but reqwest
/// closes it a moment later, in its own connection task: a socket that is closing still
/// holds a descriptor, so there a permit may stand for two.
pub fn descriptors_per_permit(in_rounds: bool, closes_late: bool) -> u64 {
    if in_rounds && closes_late { 2 } else { 1 }
}

/// Raise the soft open-files limit as far as allowed; the limit now (None: no such limit).
pub fn raise_open_files_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(u64::MAX) | Err(_) => None, // no such limit here, or cannot tell: try
        Ok(limit) => Some(limit),
    }
}

/// How many of `tasks` requests to run at once: at most `limit`, or fewer (with a one-line
/// note) where the OS cannot hold them. `closes_late`: the client closes a finished
/// request's socket only after its permit has gone to the next (see above).
pub fn requests_that_fit(
    tasks: usize,
    limit: Option<usize>,
    closes_late: bool,
    client_files: Option<u64>,
    server_files: Option<u64>,
) -> Result<usize, String> {
    let wanted = limit.unwrap_or(tasks).min(tasks);
    // How many requests `files` descriptors hold, `per_permit` each (None: no limit).
    let fit = |files: Option<u64>, per_permit: u64| {
        files.map(|files| files.saturating_sub(SPARE_DESCRIPTORS) / per_permit)
    };
    let all_fit = |fits: Option<u64>| fits.is_none_or(|fits| fits >= tasks as u64);
    let one_round = wanted == tasks && all_fit(fit(client_files, 1)) && all_fit(fit(server_files, 1));
    let per_request = descriptors_per_permit(!one_round, closes_late);
    let client_fits = fit(client_files, per_request);
    // The server closes a connection in its own task, after the answer has left: late.
    let server_per_request = descriptors_per_permit(!one_round, true);
    let server_fits = fit(server_files, server_per_request);
    let ports = ephemeral_ports().saturating_sub(SPARE_DESCRIPTORS);
    let mut fits = ports;
    let mut why = format!("the OS has {ports} local ports for them");
    if let Some(client) = client_fits.filter(|&client| client < fits) {
        let files = client_files.unwrap_or_default();
        fits = client;
        why = format!(
            "this process may open {files} files, {per_request} a request, {SPARE_DESCRIPTORS} spare"
        );
    }
    if let Some(server) = server_fits.filter(|&server| server < fits) {
        let files = server_files.unwrap_or_default();
        fits = server;
        why = format!(
            "the server may open {files} files, {server_per_request} a request, {SPARE_DESCRIPTORS} spare"
        );
    }
    let fits = usize::try_from(fits).unwrap_or(usize::MAX);
    if fits == 0 {
        return Err(format!("no request fits at all: {why}; raise `ulimit -n`"));
    }
    if fits < wanted {
        say!("note: {wanted} requests at once do not fit ({why}); running {fits} at a time.");
        return Ok(fits);
    }
    Ok(wanted)
}

/// Address space this process takes before its first request, with room to spare: the
/// program, the event loop, a thread's stack and malloc arena, the pipes to the server.
const RESERVED_MEMORY: u64 = 192 << 20;

/// `at_once`, or fewer (with a one-line note) where the address-space limit cannot hold that
/// many requests of `per_request` bytes each; an error if it cannot hold even one.
pub fn requests_in_memory(at_once: usize, per_request: u64) -> Result<usize, String> {
    let Some(limit) = address_space_limit() else {
        return Ok(at_once);
    };
    let fits = limit.saturating_sub(RESERVED_MEMORY) / per_request;
    let fits = usize::try_from(fits).unwrap_or(usize::MAX);
    let why = format!(
        "this process may use {} MiB, about {} KiB a request",
        limit >> 20,
        per_request >> 10
    );
    if fits == 0 {
        return Err(format!("no request fits in memory: {why}; raise `ulimit -v`"));
    }
    if fits < at_once {
        say!("note: {at_once} requests at once do not fit in memory ({why}); running {fits} at a time.");
        return Ok(fits);
    }
    Ok(at_once)
}

/// The most address space this process may map (`ulimit -v`), if it is limited.
fn address_space_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let (soft, _hard) = rlimit::Resource::AS.get().ok()?;
        (soft != rlimit::INFINITY).then_some(soft)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// How many local ports the OS hands out to outgoing connections.
fn ephemeral_ports() -> u64 {
    // macOS and Windows use IANA's range, 49152 to 65535, unless it was changed.
    const IANA_RANGE: u64 = 65536 - 49152;
    #[cfg(target_os = "linux")]
    {
        let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap_or_default();
        let ends: Vec<u64> = range.split_whitespace().filter_map(|n| n.parse().ok()).collect();
        match ends[..] {
            [low, high] if high >= low => high - low + 1,
            _ => IANA_RANGE,
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        IANA_RANGE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_are_counted_with_spares_and_per_request() {
        // One round: one descriptor each, even for a client that closes late.
        assert_eq!(
            requests_that_fit(10_000, None, true, Some(20_000), None),
            Ok(10_000)
        );
        assert_eq!(requests_that_fit(10, Some(4), false, Some(1_024), None), Ok(4));
        // In rounds, a late closer's permit stands for two.
        assert_eq!(requests_that_fit(10_000, None, true, Some(1_032), None), Ok(500));
        assert_eq!(
            requests_that_fit(10_000, None, false, Some(1_032), None),
            Ok(1_000)
        );
        assert_eq!(requests_that_fit(100, None, false, None, Some(132)), Ok(100));
        assert_eq!(requests_that_fit(10_000, None, false, None, Some(132)), Ok(50));
        // Not even one: an error, never "0 at a time".
        assert!(requests_that_fit(10, None, false, Some(20), None).is_err());
        assert!(requests_that_fit(10, None, true, Some(33), None).is_err());
    }
}
