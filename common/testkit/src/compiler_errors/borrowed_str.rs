// ANCHOR: borrowed_str
use std::thread;

fn fetch_all(urls: &[String]) {
    for url in urls {
        let url: &str = url; // borrowed from the caller's Vec
        thread::spawn(move || println!("fetching {url}"));
    }
}
// ANCHOR_END: borrowed_str
