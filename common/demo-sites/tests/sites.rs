//! The stand-in sites, tested over real HTTP on 127.0.0.1.
//!
//! A wait is checked from below only (a site may never answer sooner than asked, however
//! idle the machine); from above, a wait far too long is caught by the client's 30 s timeout,
//! not by a clock that a busy machine would fool.

use demo_sites::{SITES, StandInSites};
use reqwest::blocking::Client;
use std::thread;
use std::time::{Duration, Instant};
use testkit::loopback_client;

/// GET `url`: its status, body, and how long the answer took.
fn get(client: &Client, url: &str) -> (u16, String, Duration) {
    let start = Instant::now();
    let response = client.get(url).send().unwrap();
    let status = response.status().as_u16();
    let body = response.text().unwrap();
    (status, body, start.elapsed())
}

#[test]
fn each_site_answers_200_after_its_own_latency() {
    let sites = StandInSites::start(0.5).unwrap();
    let client = loopback_client();
    for ((url, _), (name, latency)) in sites.sites().iter().zip(SITES) {
        let (status, body, took) = get(&client, url);
        let expected = latency.mul_f64(0.5);
        assert_eq!(status, 200);
        assert!(body.contains(name), "{body}");
        assert!(took >= expected, "{name}: {took:?} < {expected:?}");
    }
}

#[test]
fn delay_and_status_do_what_their_names_say() {
    let sites = StandInSites::start(1.0).unwrap();
    let client = loopback_client();
    let (status, _, took) = get(&client, &sites.url("/delay/150"));
    assert_eq!(status, 200);
    // Milliseconds, not seconds: 150 s would have ended in the client's timeout.
    assert!(took >= Duration::from_millis(150), "{took:?}");
    for code in [201, 404, 418, 500, 503] {
        let (status, body, _) = get(&client, &sites.url(&format!("/status/{code}")));
        assert_eq!(status, code);
        assert!(body.contains(&code.to_string()));
    }
    assert_eq!(get(&client, &sites.url("/no/such/page")).0, 404);
    assert!(get(&client, &sites.url("/")).1.contains("/delay/<ms>"));
}

#[test]
fn flaky_hangs_up_the_first_time_only() {
    let sites = StandInSites::start(1.0).unwrap();
    let client = loopback_client();
    let url = sites.url("/flaky/one");
    assert!(
        client.get(&url).send().is_err(),
        "the first request gets no answer"
    );
    assert_eq!(get(&client, &url).0, 200);
    assert_eq!(get(&client, &url).0, 200);
    assert!(
        client.get(sites.url("/flaky/two")).send().is_err(),
        "each key once"
    );
}

#[test]
fn time_scale_zero_means_no_waiting() {
    let sites = StandInSites::start(0.0).unwrap();
    // A minute's wait would have ended in the client's 30 s timeout, not in a 200.
    let (status, _, _) = get(&loopback_client(), &sites.url("/delay/60000"));
    assert_eq!(status, 200);
}

/// 300 clients at once, or fewer where the system allows fewer open files (`ulimit -n 256`):
/// the server and its clients share this process, so each connection is two of its files,
/// and some are kept for the other tests running beside this one.
#[test]
fn many_clients_at_once_all_get_answers_and_overlap() {
    let room = testkit::open_files_limit().saturating_sub(64) / 2;
    let clients = 300.min(usize::try_from(room).unwrap_or(usize::MAX));
    assert!(
        clients >= 64,
        "only {clients} clients fit: too few to see them overlap"
    );
    let sites = StandInSites::start(1.0).unwrap();
    let url = sites.url("/delay/500");
    let client = loopback_client(); // one client, shared: it is a handle to one connection pool
    let statuses: Vec<u16> = thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|_| scope.spawn(|| get(&client, &url).0))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // One after another would take `clients` x 0.5 s, at least 32 s, and the last requests
    // would end in the client's 30 s timeout: every answer a 200 says they were served at once.
    assert!(statuses.iter().all(|&s| s == 200));
}

#[test]
fn a_stopped_server_refuses_connections() {
    let sites = StandInSites::start(1.0).unwrap();
    let url = sites.url("/status/200");
    assert_eq!(get(&loopback_client(), &url).0, 200);
    drop(sites);
    thread::sleep(Duration::from_millis(50));
    assert!(loopback_client().get(&url).send().is_err());
}

/// The record says what the sites saw: each request's path and how it ended, a client that
/// hung up before its answer was due, and how many requests were held at once.
#[test]
fn the_record_tells_answered_hung_up_on_and_left() {
    use demo_sites::End;
    use std::io::Write;
    let sites = StandInSites::start(1.0).unwrap();
    let client = testkit::loopback_client();
    get(&client, &sites.url("/delay/20"));
    let _ = client.get(sites.url("/flaky/record")).send();
    // A client that asks for a slow answer and hangs up after 50 ms.
    let mut stream = std::net::TcpStream::connect(sites.addr()).unwrap();
    stream
        .write_all(b"GET /delay/5000 HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    drop(stream);
    std::thread::sleep(Duration::from_millis(100));
    let seen = sites.requests();
    let ends: Vec<(&str, End)> = seen.iter().map(|r| (r.path.as_str(), r.end)).collect();
    assert_eq!(
        ends,
        [
            ("/delay/20", End::Answered),
            ("/flaky/record", End::HungUpOn),
            ("/delay/5000", End::ClientLeft)
        ]
    );
    assert!(seen[2].held() < Duration::from_secs(1), "{seen:?}");
    assert!(seen[0].held() >= Duration::from_millis(20), "{seen:?}");
    assert_eq!(demo_sites::most_held_at_once(&seen), 1);
}
