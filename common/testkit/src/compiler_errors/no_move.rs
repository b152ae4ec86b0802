// ANCHOR: no_move
use std::sync::mpsc;
use std::thread;

let (results, completed) = mpsc::channel();
for url in ["http://127.0.0.1:8000/bing", "http://127.0.0.1:8000/google"] {
    let results = results.clone();
    // A job for another thread, without `move`: it only borrows `results`.
    thread::spawn(|| results.send(url.len()));
}
// ANCHOR_END: no_move
