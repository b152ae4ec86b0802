//! `cargo bench -p demo-sites`: how long the stand-in sites take to start, and to first answer.
//! Every example starts them before its first run, so this is paid on every `cargo run`.

use demo_sites::StandInSites;
use std::time::{Duration, Instant};
use testkit::measure::{repeat, report_over_ideal};

fn main() {
    let client = testkit::loopback_client();
    let target = Some(Duration::from_millis(50));

    let start = repeat(21, || {
        let began = Instant::now();
        let sites = StandInSites::start(1.0).unwrap();
        let took = began.elapsed();
        drop(sites);
        took
    });
    report_over_ideal("stand-in sites: start()", &start, Duration::ZERO, target);

    let first_answer = repeat(21, || {
        let began = Instant::now();
        let sites = StandInSites::start(1.0).unwrap();
        let status = client.get(sites.url("/status/200")).send().unwrap().status();
        assert_eq!(status, 200);
        began.elapsed()
    });
    report_over_ideal(
        "stand-in sites: start() to first answer",
        &first_answer,
        Duration::ZERO,
        target,
    );
}
