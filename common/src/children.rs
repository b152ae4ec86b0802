//! Child processes that are this same program started again, with a hidden flag: the
//! process pool's workers, and the scale binary's stand-in server. Started with pipes to
//! talk over, always reaped when they end, so none is left behind as a zombie, and (on
//! Linux) ended by the kernel when their parent ends, so none is left behind as an orphan.

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

/// Was this program started again by [`start_this_program_again`] with `flag` first? Ask
/// first thing in `main`. The arguments are read as the OS gave them: `std::env::args`
/// panics on one that is not UTF-8, which is for clap to refuse in a program that is no child.
pub fn started_again_with(flag: &str) -> bool {
    std::env::args_os().nth(1).is_some_and(|first| first == flag)
}

/// The parent's process id, which the parent passes to a child as its second argument.
pub fn parent_id_argument() -> Option<u32> {
    std::env::args_os().nth(2)?.to_str()?.parse().ok()
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

/// Called first thing in a child: have it end when its parent ends, however the parent ends
/// (killed outright included), even while the child is stopped (`kill -STOP`) and so cannot
/// notice its closed stdin. `parent` is the process id the parent passed along
/// (`std::process::id()`, as an argument), if any.
///
/// Linux: the kernel sends the child SIGKILL, which even a stopped process cannot ignore,
/// when the parent's thread that started it ends (nix is the safe wrapper for `prctl`). If
/// the parent died before this call, the child was handed to another parent already, and
/// exits at once. Elsewhere there is no such signal: a child there must also exit when its
/// stdin closes, which happens when the parent ends, however it ends.
#[cfg(target_os = "linux")]
pub fn die_with_parent(parent: Option<u32>) {
    use nix::sys::{prctl, signal::Signal};
    let _ = prctl::set_pdeathsig(Signal::SIGKILL);
    if parent.is_some_and(|pid| pid != std::os::unix::process::parent_id()) {
        std::process::exit(0);
    }
}

/// Elsewhere: nothing to set (see the Linux version); the child exits when its stdin closes.
#[cfg(not(target_os = "linux"))]
pub fn die_with_parent(_parent: Option<u32>) {}
