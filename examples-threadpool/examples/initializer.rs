//! `initializer`, `initargs`, `thread_name_prefix`: set each worker up once, before its first
//! job, and give workers names you can recognise (in a debugger, in a panic message).
//!
//! ```python
//! local = threading.local()
//! def init(greeting): local.conn = f"{greeting} from {threading.current_thread().name}"
//! pool = ThreadPoolExecutor(2, thread_name_prefix="fetcher", initializer=init, initargs=("hi",))
//! list(pool.map(lambda _: local.conn, range(8)))   # each job sees its own worker's conn
//! ```
//!
//! `cargo run -p examples-threadpool --example initializer`

use rayon::prelude::*;
use std::cell::RefCell;
use std::process::ExitCode;
use std::thread;

thread_local! {
    /// `threading.local()`: every thread has its own copy.
    static CONNECTION: RefCell<String> = const { RefCell::new(String::new()) };
    /// The threadpool crate has no initializer: a `thread_local!`'s own one runs instead,
    /// once in each thread, the first time a job there reads it.
    static LAZY_CONNECTION: String = format!("hi from {}", thread_name());
}

fn thread_name() -> String {
    thread::current().name().unwrap_or("unnamed").to_string()
}

fn main() -> ExitCode {
    let greeting = String::from("hi"); // `initargs`: the initializer captures what it needs
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|index| format!("fetcher_{index}")) // Python's names: prefix_0, prefix_1
        // `initializer`: runs in each worker as it starts, before any job. If it panics, the
        // whole process aborts (Python: BrokenThreadPool) unless a `panic_handler` is set.
        .start_handler(move |_index| CONNECTION.set(format!("{greeting} from {}", thread_name())))
        .build()
        .expect("the OS starts two threads");

    // `pool.map(...)`: each job reads the connection of the worker it runs on.
    let job = |_| (thread_name(), CONNECTION.with_borrow(Clone::clone));
    let seen: Vec<(String, String)> = pool.install(|| (0..8).into_par_iter().map(job).collect());
    // `broadcast` runs one job on every worker: each was set up, once.
    let every_worker = pool.broadcast(|_| CONNECTION.with_borrow(Clone::clone));
    common::say!("first job: {:?}; every worker: {every_worker:?}", seen[0]);

    // threadpool: one name for all its workers, and the lazy thread-local.
    let old_pool = threadpool::Builder::new().thread_name("fetcher".into()).build();
    let (sender, receiver) = std::sync::mpsc::channel();
    old_pool.execute(move || LAZY_CONNECTION.with(|conn| sender.send(conn.clone()).expect("main waits")));
    let lazy = receiver.recv().expect("the job sends");
    common::say!("threadpool job saw {lazy:?}");

    assert!(seen.iter().all(|(name, conn)| *conn == format!("hi from {name}")));
    assert_eq!(every_worker, ["hi from fetcher_0", "hi from fetcher_1"]);
    assert_eq!(lazy, "hi from fetcher");
    common::exit_status(Ok(ExitCode::SUCCESS)) // or 1, and one line, if the output was lost (a full disk)
}
