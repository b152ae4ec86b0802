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

/// Exercise 8.10 starts from `examples-threadpool/workbench/fix_the_job.rs`, and its hint in
/// tutorial.md names the errors a learner meets, fixing the first one each time. These tests
/// keep that hint true: each step's first error, as this rustc gives it.
#[cfg(test)]
mod fix_the_job {
    use std::path::Path;
    use std::process::Command;

    /// The first error the compiler gives at each step (its code and words from its message;
    /// other versions of rustc may word the rest differently), and the step's fix (text
    /// replaced in the file): the order tutorial.md's hint for 8.10 tells.
    type Step = (
        (&'static str, &'static str),
        &'static [(&'static str, &'static str)],
    );
    const STEPS: [Step; 3] = [
        (
            ("error[E0277]", "cannot be shared between threads safely"),
            &[("use std::rc::Rc;", "use std::sync::Arc;"), ("Rc::", "Arc::")],
        ),
        (
            ("error[E0597]", "does not live long enough"),
            &[(
                "let name: &str = &sites[index].0;",
                "let name = sites[index].0.clone();",
            )],
        ),
        (
            ("error[E0373]", "closure may outlive the current function"),
            &[("thread::spawn(|| {", "thread::spawn(move || {")],
        ),
    ];

    /// The first `error` line rustc prints for `source`, or None when it compiles.
    fn first_error(source: &str, scratch: &Path) -> Option<String> {
        let file = scratch.join("fix_the_job.rs");
        std::fs::write(&file, source).expect("a scratch file");
        let compiled = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .args(["--edition", "2024", "--crate-name", "fix_the_job", "--out-dir"])
            .arg(scratch)
            .arg(&file)
            .output()
            .expect("rustc runs");
        let stderr = String::from_utf8_lossy(&compiled.stderr);
        let first = stderr.lines().find(|line| line.starts_with("error"));
        (!compiled.status.success()).then(|| first.unwrap_or_default().to_string())
    }

    #[test]
    #[ignore = "the exercise as shipped: a learner who has done 8.10 has a file that compiles; \
                .ci/run runs this on the shipped code"]
    fn each_fix_meets_the_next_error_the_hint_names_then_it_compiles() {
        let start = crate::workspace_root().join("examples-threadpool/workbench/fix_the_job.rs");
        let mut source = std::fs::read_to_string(&start).expect("the exercise's starting file");
        let scratch = std::env::temp_dir().join(format!("fix-the-job-steps-{}", std::process::id()));
        std::fs::create_dir_all(&scratch).unwrap();
        for ((code, words), fixes) in STEPS {
            let error = first_error(&source, &scratch);
            assert!(
                error
                    .as_deref()
                    .is_some_and(|e| e.starts_with(code) && e.contains(words)),
                "expected {code} ({words}) first, got {error:?}"
            );
            for (before, after) in fixes {
                assert!(source.contains(before), "the file has no `{before}`");
                source = source.replace(before, after);
            }
        }
        let error = first_error(&source, &scratch);
        let _ = std::fs::remove_dir_all(&scratch);
        assert_eq!(error, None, "with the three fixes, it compiles");
    }
}
