//! The worker side: what a program does when a pool starts it as a worker. It connects back
//! to the pool, runs each task it is sent with the function of that name, and exits the
//! moment the pool closes the connection.
//!
//! Functions travel by name, as in Python (where a function is pickled as its qualified
//! name): [`functions!`](crate::functions) lists the ones a program serves, each under the
//! name it is written with. The pool finds a function's name in that list by the function's
//! type, so a task can only name a function that the workers serve: a closure, or a
//! function left out of the list, is refused at `submit` with [`TaskError::NotServed`].

use super::future::TaskError;
use super::wire::{self, Answer};
use common::panics::catch_panic;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::any::TypeId;
use std::io::{self, BufRead, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::sync::mpsc;
use std::thread;

/// The hidden command-line flag that turns this program into a pool worker.
pub const WORKER_FLAG: &str = "--process-pool-worker";

/// A function a worker can run on the arguments of one task. `fn(A) -> R` takes its
/// argument as it is (`submit(f, a)`), `fn(A, B) -> R` a pair (`submit(f, (a, b))`),
/// `fn(A, B, C) -> R` a triple, and `fn() -> R` takes `()`. `Kind` only tells these apart;
/// the compiler works it out.
pub trait Function<Args, Kind>: Copy + Send + Sync + 'static {
    /// What the function returns: the future's value.
    type Output;
    fn call(&self, args: Args) -> Self::Output;
}

impl<F: Fn() -> R + Copy + Send + Sync + 'static, R> Function<(), fn() -> R> for F {
    type Output = R;
    fn call(&self, (): ()) -> R {
        self()
    }
}

impl<F: Fn(A) -> R + Copy + Send + Sync + 'static, A, R> Function<A, fn(A) -> R> for F {
    type Output = R;
    fn call(&self, a: A) -> R {
        self(a)
    }
}

impl<F: Fn(A, B) -> R + Copy + Send + Sync + 'static, A, B, R> Function<(A, B), fn(A, B) -> R> for F {
    type Output = R;
    fn call(&self, (a, b): (A, B)) -> R {
        self(a, b)
    }
}

impl<F: Fn(A, B, C) -> R + Copy + Send + Sync + 'static, A, B, C, R> Function<(A, B, C), fn(A, B, C) -> R>
    for F
{
    type Output = R;
    fn call(&self, (a, b, c): (A, B, C)) -> R {
        self(a, b, c)
    }
}

/// The functions a program's workers serve: `functions![my_function, other]`. Hand it to
/// [`serve_if_worker`].
///
/// Each is listed by its name (a path, such as `my_function` or `tasks::resize`); a closure
/// is not a name, and does not compile here.
#[macro_export]
macro_rules! functions {
    ($($function:path),* $(,)?) => {
        $crate::Functions::new(::std::vec![$($crate::Served::new(::std::stringify!($function), $function)),*])
    };
}

/// One function a worker serves: its name, its type (how the pool finds its name), and how
/// to run it on the bytes of its arguments.
pub struct Served {
    name: &'static str,
    type_id: TypeId,
    run: Box<Run>,
}

/// How a served function is run: the bytes of its arguments in, the bytes of its answer out
/// (into a buffer that serves every answer).
type Run = dyn Fn(&[u8], &mut Vec<u8>) + Send + Sync;

impl Served {
    /// `function` under `name`: what [`functions!`](crate::functions) writes for each.
    pub fn new<F, Args, Kind>(name: &'static str, function: F) -> Self
    where
        F: Function<Args, Kind>,
        Args: DeserializeOwned + 'static,
        F::Output: Serialize + 'static,
    {
        Served {
            name,
            type_id: TypeId::of::<F>(),
            run: Box::new(move |args, answer| run(function, args, answer)),
        }
    }
}

/// Run `function` on the bytes of its arguments; its answer, as bytes, into `answer`.
fn run<F, Args, Kind>(function: F, args: &[u8], answer: &mut Vec<u8>)
where
    F: Function<Args, Kind>,
    Args: DeserializeOwned + 'static,
    F::Output: Serialize + 'static,
{
    let args = match wire::read_args(args) {
        Ok(args) => args,
        Err(why) => return wire::answer(&Answer::<()>::Unsendable(why), answer),
    };
    match catch_panic(|| function.call(args)) {
        Ok(value) => wire::answer(&Answer::Value(wire::AsBytes(&value)), answer),
        Err(panic) => wire::answer(&Answer::<()>::Panicked(panic), answer),
    }
}

/// Every function a program serves, by name.
pub struct Functions(Vec<Served>);

impl Functions {
    pub fn new(served: Vec<Served>) -> Self {
        Functions(served)
    }

    /// The answer to one request, into `answer`: the named function's, or why there is none.
    fn answer(&self, request: &[u8], answer: &mut Vec<u8>) {
        let Some((name, args)) = wire::split_request(request) else {
            let why = "the request could not be read".to_string();
            return wire::answer(&Answer::<()>::Unsendable(why), answer);
        };
        match self.0.iter().find(|served| served.name == name) {
            Some(served) => (served.run)(args, answer),
            None => {
                let why = format!("this worker program serves {}, not {name}", self.names());
                wire::answer(&Answer::<()>::NotServed(why), answer);
            }
        }
    }

    fn names(&self) -> String {
        let names: Vec<&str> = self.0.iter().map(|served| served.name).collect();
        match names.as_slice() {
            [] => "no function".to_string(),
            names => names.join(", "),
        }
    }
}

/// What this program serves, once `serve_if_worker` has been called.
static SERVED: OnceLock<Functions> = OnceLock::new();

/// The name `function` travels by: the name it was listed with in `functions!`, found by its
/// type. A closure, or a function not listed, has none. A closure that captures values, or a
/// function pointer, does not even compile: each holds data (what it captured, an address)
/// that means nothing in another process, where a fn item is its type alone (no bytes).
pub(crate) fn name_of<F: 'static>(_function: &F) -> Result<&'static str, TaskError> {
    const {
        assert!(
            size_of::<F>() == 0,
            "a pool task's function must be a fn listed in functions![…]: not a closure that captures values, nor a fn pointer"
        );
    }
    let served = SERVED
        .get()
        .ok_or_else(|| TaskError::NotServed(NOT_SERVING.into()))?;
    let listed = served.0.iter().find(|served| served.type_id == TypeId::of::<F>());
    listed.map(|served| served.name).ok_or_else(|| {
        TaskError::NotServed(format!(
            "this function is not one the workers serve ({}): list it in serve_if_worker(functions![…]); a closure cannot be sent, name a fn",
            served.names()
        ))
    })
}

/// What a pool says when its program never called `serve_if_worker`.
pub(crate) const NOT_SERVING: &str =
    "no function is served: call process_pool::serve_if_worker(functions![…]) first thing in main";

/// Has this program said what its workers serve?
pub(crate) fn serving() -> bool {
    SERVED.get().is_some()
}

/// Was this process started by a pool as one of its workers?
fn is_worker() -> bool {
    common::children::started_again_with(WORKER_FLAG)
}

/// A pool started in a worker: its `main` started one before [`serve_if_worker`], so each
/// worker would start a pool of its own, without end. Say so in one line and exit. (Python
/// refuses the same way, with a `RuntimeError` in the child.)
pub(crate) fn refuse_a_pool_in_a_worker() {
    if is_worker() {
        common::output::write_error_line(
            "error: a pool worker's main started a process pool: call process_pool::serve_if_worker first in main",
        );
        std::process::exit(1);
    }
}

/// Call first thing in `main`, with every function the program's pools run (and their
/// initializers): `serve_if_worker(functions![my_function])`. In a worker process it serves
/// them until the pool is done, then exits: the rest of `main` never runs there. Elsewhere
/// it notes them and returns at once. (Python re-imports the main module in each worker;
/// its `if __name__ == "__main__":` keeps the program from running there.)
///
/// In a task, `print!`, `println!` and `eprintln!` reach this program's stdout and stderr
/// unchanged, as `print` in a Python worker does, and stdin is at its end.
pub fn serve_if_worker(functions: Functions) {
    let functions = SERVED.get_or_init(|| functions);
    if !is_worker() {
        return;
    }
    // The parent's id came along as our second argument (see child.rs); on Linux the kernel
    // then ends this worker with its parent, elsewhere it exits when its connection closes.
    common::children::die_with_parent(common::children::parent_id_argument());
    // A panic in a task is caught and sent back as its error: no printout here.
    common::panics::install_quiet_hook();
    match connect_to_pool() {
        Ok(connection) => serve(functions, connection),
        Err(error) => {
            let reason = common::output::strip_os_error(&error.to_string());
            common::output::write_error_line(&format!(
                "error: a pool worker cannot reach its pool: {reason}"
            ));
            std::process::exit(1);
        }
    }
}

/// Read the pool's address and secret from stdin (one line), connect, and prove it.
fn connect_to_pool() -> io::Result<TcpStream> {
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    let (address, secret) = line
        .trim_end()
        .split_once(' ')
        .ok_or(io::ErrorKind::InvalidData)?;
    let mut connection = TcpStream::connect(address)?;
    connection.set_nodelay(true)?;
    connection.write_all(secret.as_bytes())?;
    Ok(connection)
}

// ANCHOR: serve
/// Answer each request on `connection` until the pool closes it, then exit.
fn serve(functions: &Functions, connection: TcpStream) -> ! {
    // Read on a thread of its own, so that the moment the connection closes (the pool is
    // done, or the parent died) this process exits, even in the middle of a task.
    // Each request's buffer goes back to the reader once answered, for the next one.
    let (requests, incoming) = mpsc::channel();
    let (emptied, empty) = mpsc::channel::<Vec<u8>>();
    let mut reading = connection.try_clone().unwrap_or_else(|_| std::process::exit(1));
    let reader = thread::Builder::new().spawn(move || {
        while let Ok(Some(length)) = wire::read_length(&mut reading) {
            let mut request = empty.try_recv().unwrap_or_default();
            if wire::read_body(&mut reading, length, &mut request).is_err() || requests.send(request).is_err()
            {
                break;
            }
        }
        std::process::exit(0);
    });
    if let Err(refused) = reader {
        // The OS would not start the thread (a low `ulimit -u`): one line, and this worker ends.
        let reason = common::output::strip_os_error(&refused.to_string());
        common::output::write_error_line(&format!("error: a pool worker cannot start a thread: {reason}"));
        std::process::exit(1);
    }
    let (mut writing, mut answer) = (connection, Vec::new());
    for request in incoming {
        functions.answer(&request, &mut answer);
        let _ = emptied.send(request);
        if wire::write_frame(&mut writing, &answer).is_err() {
            break;
        }
    }
    std::process::exit(0)
}
// ANCHOR_END: serve
