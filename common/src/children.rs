//! Child processes that are this same program started again, with a hidden flag: the
//! process pool's workers, and the scale binary's stand-in server. Started with pipes to
//! talk over, and always reaped when they end, so none is left behind as a zombie.

use std::io;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Start this program again with `args`, its stdin, stdout and stderr piped to us.
pub fn start_this_program_again(args: &[String]) -> io::Result<Child> {
    Command::new(std::env::current_exe()?)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
}

/// Wait up to `grace` for `child` to exit; then kill it. Either way it is reaped.
/// Returns the exit status if it exited by itself.
pub fn wait_or_kill(child: &mut Child, grace: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + grace;
    // std can't wait with a timeout, so look again and again, soon at first, then less often.
    let mut pause = Duration::from_micros(50);
    while Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => thread::sleep(pause),
            Err(_) => break,
        }
        pause = (pause * 2).min(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}
