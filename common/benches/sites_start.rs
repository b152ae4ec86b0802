//! `cargo bench -p common`: how long the stand-in sites take to start, and to first answer.
//! Every example starts them before its first run, so this is paid on every `cargo run`.

use common::sites::StandInSites;
use reqwest::blocking::Client;
use std::time::{Duration, Instant};
use testkit::measure::{repeat, report_over_ideal};

fn main() {
    common::tls::install_crypto_provider();
    let client = Client::builder().no_proxy().build().unwrap();
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
