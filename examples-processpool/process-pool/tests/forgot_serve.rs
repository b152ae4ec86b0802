//! A program whose `main` forgets `process_pool::serve_if_worker` (Python: a script without
//! its `if __name__ == "__main__":` guard). Its workers, copies of this program, would run
//! `main` themselves and start pools of their own, without end. Python's spawn refuses in the
//! child with one `RuntimeError` (`multiprocessing/spawn.py`, `_check_not_importing_main`; no
//! concurrent.futures test). Here the pool is refused before any worker starts: the program
//! has not said which functions its workers serve, and the error says what to call.
//!
//! A program of its own (`harness = false`): what a program serves is set once per process.

use process_pool::{PoolError, ProcessPool};

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        println!("a_program_that_forgot_serve_if_worker_gets_no_pool_and_one_line: test");
        return;
    }
    // The mistake under test: no `process_pool::serve_if_worker(functions![…]);` here.
    let refused = ProcessPool::new(1).map(|_| ());
    let Err(PoolError::NotServed(why)) = &refused else {
        panic!("{refused:?}")
    };
    assert!(why.contains("serve_if_worker") && !why.contains('\n'), "{why}");
    #[cfg(target_os = "linux")]
    assert!(
        testkit::faults::processes::children_of(std::process::id()).is_empty(),
        "no worker started"
    );
    println!("test result: ok. 1 passed");
}
