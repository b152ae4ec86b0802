//! Exercise solution: try a failed fetch once more before giving up.
//!
//! `cargo run -p examples-threadpool --example retry_once`

// ANCHOR: retry_once
/// Call `attempt`; if it fails, call it once more and return that second outcome.
/// In `fetch_url`: `retry_once(|| client.get(url).send())`.
fn retry_once<T, E>(mut attempt: impl FnMut() -> Result<T, E>) -> Result<T, E> {
    attempt().or_else(|_| attempt())
}
// ANCHOR_END: retry_once

fn main() {
    let mut calls = 0;
    let outcome = retry_once(|| {
        calls += 1;
        if calls == 1 {
            Err("hung up")
        } else {
            Ok("answered")
        }
    });
    common::say!("{outcome:?} after {calls} calls");
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::sites::StandInSites;

    #[test]
    fn a_second_attempt_rescues_a_hang_up_but_not_a_real_outage() {
        let sites = StandInSites::start(1.0).unwrap();
        common::tls::install_crypto_provider();
        let client = reqwest::blocking::Client::builder().no_proxy().build().unwrap();
        let flaky = sites.url("/flaky/retry-test");
        let response = retry_once(|| client.get(&flaky).send()).expect("the retry gets through");
        assert_eq!(response.status(), 200);

        let mut calls = 0;
        let outcome: Result<(), &str> = retry_once(|| {
            calls += 1;
            Err("down")
        });
        assert_eq!((outcome, calls), (Err("down"), 2));
    }
}
