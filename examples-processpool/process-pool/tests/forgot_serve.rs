//! A worker program whose `main` forgets `process_pool::serve_if_worker` (Python: a script
//! without its `if __name__ == "__main__":` guard). Each worker, a copy of this program,
//! then runs `main` itself and starts a pool of its own, whose workers do the same: without
//! a check, processes without end, or a hang. Python's spawn refuses in the child with one
//! `RuntimeError` (`multiprocessing/spawn.py`, `_check_not_importing_main`; no
//! concurrent.futures test). Here the worker says so in one line and exits, and the task
//! fails with that line.
//!
//! A program of its own (`harness = false`), as its workers are copies of it.

use process_pool::{ProcessPool, TaskError, WORKER_FLAG};

fn square(x: i64, (): ()) -> i64 {
    x * x
}

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        println!("a_worker_that_forgot_serve_if_worker_fails_its_task_in_one_line: test");
        return;
    }
    stop_if_grandchild();
    // The mistake under test: no `process_pool::serve_if_worker(square);` here.
    let pool: ProcessPool<(i64, ()), i64> = ProcessPool::new(1);
    let outcome = pool.submit(square, (3, ())).result();
    let Err(TaskError::WorkerDied(why)) = &outcome else {
        panic!("{outcome:?}")
    };
    assert!(why.contains("serve_if_worker") && !why.contains('\n'), "{why}");
    println!("test result: ok. 1 passed");
}

/// A worker started by a worker exits at once, so that this test stays two processes deep
/// even where the pool would not stop it (Linux: the parent's command line is in /proc).
fn stop_if_grandchild() {
    #[cfg(target_os = "linux")]
    {
        let parent = std::os::unix::process::parent_id();
        let command = std::fs::read(format!("/proc/{parent}/cmdline")).unwrap_or_default();
        if command
            .split(|&byte| byte == 0)
            .any(|arg| arg == WORKER_FLAG.as_bytes())
        {
            std::process::exit(42);
        }
    }
}
