//! The worker side: what this program does when a pool starts it as a worker. It runs the
//! one function it serves on each task line from stdin and writes the answer line to
//! stdout, and exits the moment stdin closes.

use super::wire::{TaskOutput, Wire, answer_line, from_line};
use common::panics::catch_panic;
use std::any::type_name;
use std::io::{self, BufRead, Write};
use std::sync::mpsc;
use std::thread;

/// The hidden command-line flag that turns this program into a pool worker.
pub const WORKER_FLAG: &str = "--process-pool-worker";

/// The first word of the line that asks a worker to run its initializer.
pub(crate) const INIT: &str = "init";

/// A function a worker can run on the arguments of one task: any `fn(A, B) -> R`, or `fn() -> R`.
/// Python's `submit(f, x)` has no one-argument form here: give `f` a second argument of type
/// `()` (`fn f(x: i64, (): ())`, submitted with `(x, ())`); for three, nest a pair: `(a, (b, c))`.
pub trait Function<Args> {
    type Output;
    fn call(&self, args: Args) -> Self::Output;
}

impl<F: Fn(A, B) -> R, A, B, R> Function<(A, B)> for F {
    type Output = R;
    fn call(&self, (a, b): (A, B)) -> R {
        self(a, b)
    }
}

/// A function of no arguments (an initializer, say) takes `()`.
impl<F: Fn() -> R, R> Function<()> for F {
    type Output = R;
    fn call(&self, (): ()) -> R {
        self()
    }
}

/// A function's name, as it travels with each task: `examples_processpool::my_function`.
pub(crate) fn name_of<F>(_function: &F) -> &'static str {
    type_name::<F>()
}

/// Was this process started by a pool as one of its workers?
fn is_worker() -> bool {
    common::children::started_again_with(WORKER_FLAG)
}

/// A pool started in a worker: its `main` did not call [`serve_if_worker`] first, so each
/// worker would start a pool of its own, whose workers would do the same, without end.
/// Say so in one line and exit; the task sent to this worker fails with that line. (Python
/// refuses the same way, with a `RuntimeError` in the child.)
pub(crate) fn refuse_a_pool_in_a_worker() {
    if is_worker() {
        common::output::write_error_line(
            "error: a pool worker's main started a process pool: call process_pool::serve_if_worker first in main",
        );
        std::process::exit(1);
    }
}

/// Call first thing in `main`. In a worker process, serve `function` until the pool is
/// done, then exit: the rest of `main` never runs there. Elsewhere, return at once. (A
/// program that forgets it gets each task back failed, with a line saying so.)
///
/// In a task, `println!` shows on this program's stdout, as `print` in a Python worker
/// does; stderr is not shown (the pool keeps its last line, to say why a worker died);
/// and stdin carries the tasks, so a task that reads it waits for ever.
pub fn serve_if_worker<Args: Wire, Out: TaskOutput>(function: impl Function<Args, Output = Out>) {
    serve_if_worker_with_initializer(|| (), function);
}

/// The same, for a pool built with `.initializer(initializer)` (or with `initargs`, Python's
/// name): each worker runs it once, when the pool asks, before its first task.
pub fn serve_if_worker_with_initializer<InitArgs, Init, Args, Out>(
    initializer: impl Function<InitArgs, Output = Init>,
    function: impl Function<Args, Output = Out>,
) where
    InitArgs: Wire,
    Init: TaskOutput<Value = ()>,
    Args: Wire,
    Out: TaskOutput,
{
    if !is_worker() {
        return;
    }
    // The parent's id came along as our second argument (see child.rs); on Linux the kernel
    // then ends this worker with its parent, elsewhere it exits when its stdin closes (`serve`).
    common::children::die_with_parent(common::children::parent_id_argument());
    // A panic in a task is caught and sent back as its error: no printout here.
    common::panics::install_quiet_hook();
    let (name, init) = (name_of(&function), name_of(&initializer));
    serve(|line| {
        let (asked, args) = line.split_once(' ').unwrap_or((line, ""));
        if asked == INIT {
            // The pool names the initializer it wants; this program has only the one.
            // (`assert!`, not `assert_eq!`, whose left/right lines break the one-line error.)
            return answer_line(catch_panic(|| {
                let (wanted, args) = args.split_once(' ').unwrap_or((args, ""));
                assert!(
                    wanted == init,
                    "this worker program's initializer is {init}, not {wanted}"
                );
                let args = from_line(args).unwrap_or_else(|| panic!("arguments {args:?} do not fit {init}"));
                initializer.call(args).into_value()
            }));
        }
        answer_line(catch_panic(|| {
            assert!(asked == name, "this worker program serves {name}, not {asked}");
            let args = from_line(args).unwrap_or_else(|| panic!("arguments {args:?} do not fit {name}"));
            function.call(args).into_value()
        }))
    })
}

// ANCHOR: serve
/// Answer lines from stdin with `answer` until stdin closes, then exit.
fn serve(answer: impl Fn(&str) -> String) -> ! {
    // Read stdin on its own thread, so that the moment it closes (the pool is done, or the
    // parent died) this process exits, even in the middle of a task.
    let (lines, incoming) = mpsc::channel();
    thread::spawn(move || {
        for line in io::stdin().lock().lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
        std::process::exit(0);
    });
    let mut stdout = io::stdout().lock();
    for line in incoming {
        let answer = answer(&line);
        if writeln!(stdout, "{answer}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            break;
        }
    }
    std::process::exit(0)
}
// ANCHOR_END: serve
