// ANCHOR: rc_to_thread
use std::rc::Rc;
use std::thread;

// Rc: a shared handle whose count is not thread-safe.
let client = Rc::new(String::from("one HTTP client, shared"));
let job = thread::spawn(move || client.len());
// ANCHOR_END: rc_to_thread
