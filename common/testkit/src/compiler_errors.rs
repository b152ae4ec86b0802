//! The compiler errors that tutorial.md's primer ("The Rust you need here") shows, kept
//! true: each snippet below must fail to compile with the error code the tutorial quotes.
//! `cargo test -p testkit --doc` checks them (rustdoc's `compile_fail` tests).
//!
//! The snippets live in `compiler_errors/*.rs`, where the tutorial quotes them from.

/// A job handed to another thread without `move` borrows what it uses: E0373.
#[doc = concat!("```compile_fail,E0373\n", include_str!("compiler_errors/no_move.rs"), "```")]
pub struct NoMove;

/// An `Rc` moved into a thread: it is not `Send`, E0277.
#[doc = concat!("```compile_fail,E0277\n", include_str!("compiler_errors/rc_to_thread.rs"), "```")]
pub struct RcToThread;

/// A borrowed `&str` escaping into a job that may outlive the borrow: E0521.
#[doc = concat!("```compile_fail,E0521\n", include_str!("compiler_errors/borrowed_str.rs"), "```")]
pub struct BorrowedStr;

/// The fixes compile: `move` with clones, `Arc` for `Rc`, an owned `String` for the `&str`.
///
/// ```
/// use std::sync::{Arc, mpsc};
/// use std::thread;
///
/// let (results, completed) = mpsc::channel();
/// for url in ["http://127.0.0.1:8000/bing", "http://127.0.0.1:8000/google"] {
///     let results = results.clone();
///     thread::spawn(move || results.send(url.len()));
/// }
/// drop(results);
/// assert_eq!(completed.iter().count(), 2);
///
/// let client = Arc::new(String::from("one HTTP client, shared"));
/// let job = thread::spawn(move || client.len());
/// assert!(job.join().unwrap() > 0);
///
/// fn fetch_all(urls: &[String]) -> Vec<thread::JoinHandle<usize>> {
///     let mut jobs = Vec::new();
///     for url in urls {
///         let url: String = url.clone(); // owned: the job may keep it as long as it likes
///         jobs.push(thread::spawn(move || url.len()));
///     }
///     jobs
/// }
/// let jobs = fetch_all(&["http://127.0.0.1:8000/bing".to_string()]);
/// assert!(jobs.into_iter().all(|job| job.join().unwrap() > 0));
/// ```
pub struct TheFixes;
