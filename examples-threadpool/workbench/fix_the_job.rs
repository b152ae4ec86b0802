//! Exercise 8.10 of tutorial.md: this program does not compile. Run its check, read the
//! first error the compiler gives, fix that, and run the check again, until it passes:
//!
//!     cargo test -p examples-threadpool --test checks -- --ignored fix_the_job
//!
//! Keep `thread::spawn`: the point is to meet what it asks of a job (`move`, `'static`,
//! `Send`), as a pool's `execute` asks the same. The program uses only the standard library.

use std::rc::Rc;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

fn main() {
    // The four stand-in sites and their latencies, in ms: shared by every job.
    let sites = Rc::new(vec![
        ("bing".to_string(), 300),
        ("duckduckgo".to_string(), 500),
        ("google".to_string(), 200),
        ("yahoo".to_string(), 800),
    ]);
    let (results, completed) = mpsc::channel();
    for index in 0..sites.len() {
        let name: &str = &sites[index].0;
        let (sites, results) = (Rc::clone(&sites), results.clone());
        // A job per site, on a thread of its own: "fetch" (sleep half the latency), report.
        thread::spawn(|| {
            let latency = sites[index].1;
            thread::sleep(Duration::from_millis(latency / 2));
            results.send(format!("{name} answered after {latency} ms")).unwrap();
        });
    }
    drop(results);
    // Like `as_completed`: each line as its job sends it.
    for line in completed {
        println!("{line}");
    }
}
