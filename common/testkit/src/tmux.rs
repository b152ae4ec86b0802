//! A program run in a real terminal: tmux, on a server of the test's own (`tmux -L`), with
//! no user configuration, so a test sees the screen a person would, while the program runs
//! and after it ends.
//!
//! ```no_run
//! let Some(screen) = testkit::tmux::Terminal::start(100, 40, "/path/to/lesson", &["--time-scale", "0.5"]) else {
//!     return; // tmux is not installed: the test said so and passes (unless REQUIRE_TMUX)
//! };
//! screen.wait_for(|text| text.contains("timeline so far"));
//! let status = screen.wait_for_exit();
//! ```
//!
//! The pane stays after the program ends (`remain-on-exit`), so its last screen can still be
//! read, and the shell that ran the program keeps its exit status in a file. Dropping a [`Terminal`] ends its tmux server and whatever still
//! runs in it.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Set (to anything) where the terminal tests must run, as `.ci/run` and CI on Linux set it:
/// a test that finds no tmux then fails, instead of passing with a line saying it was skipped.
pub const REQUIRE_TMUX: &str = "TESTKIT_REQUIRE_TMUX";

/// How long a screen may take to show what a test waits for.
const PATIENCE: Duration = Duration::from_secs(60);

/// One tmux server with one window running one program.
pub struct Terminal {
    socket: String,
    /// The socket's file, which tmux leaves behind when its server is killed.
    socket_file: Option<PathBuf>,
    /// Where the shell that runs the program writes its exit status (tmux's own record of
    /// it is sometimes missing).
    status: PathBuf,
}

impl Terminal {
    /// Run `program` with `args` in a terminal of `columns` x `rows`, with `TERM` as tmux
    /// sets it and no `NO_COLOR` (colour is what a person sees). `None`, after a line saying
    /// the test is skipped, where tmux is not installed; a failure there if [`REQUIRE_TMUX`].
    pub fn start(columns: u16, rows: u16, program: &str, args: &[&str]) -> Option<Terminal> {
        Terminal::start_with_env(columns, rows, program, args, &[])
    }

    /// [`start`](Terminal::start), with these variables set for the program.
    pub fn start_with_env(
        columns: u16,
        rows: u16,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Option<Terminal> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var_os(REQUIRE_TMUX).is_none(),
                "tmux is not installed, and {REQUIRE_TMUX} says the terminal tests must run: install tmux"
            );
            eprintln!("skipped: tmux is not installed, so this test cannot run a program in a terminal");
            return None;
        }
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "testkit-{}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        );
        let status = std::env::temp_dir().join(format!("{socket}.status"));
        let mut terminal = Terminal {
            socket,
            socket_file: None,
            status,
        };
        let (columns, rows) = (columns.to_string(), rows.to_string());
        // A waiting pane first, then the program in its place: the pane stays when the
        // program ends (for its last screen and exit status) only if told before it starts.
        terminal.tmux(&[
            "new-session",
            "-d",
            "-s",
            "test",
            "-x",
            &columns,
            "-y",
            &rows,
            "sleep 600",
        ]);
        let socket_file = terminal.display("#{socket_path}");
        terminal.socket_file = Some(PathBuf::from(socket_file)).filter(|file| file.is_absolute());
        terminal.tmux(&["set-option", "-g", "remain-on-exit", "on"]);
        // The same shell runs the program wherever the test runs, whatever `SHELL` says.
        terminal.tmux(&["set-option", "-g", "default-shell", "/bin/sh"]);
        let mut respawn = vec!["respawn-pane", "-k", "-t", "test"];
        let settings: Vec<String> = env
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        for setting in &settings {
            respawn.extend(["-e", setting]);
        }
        let status_path = terminal.status.to_str().expect("a temporary path in UTF-8");
        let run = shell_line(program, args, status_path);
        respawn.push(&run);
        terminal.tmux(&respawn);
        Some(terminal)
    }

    /// The screen as it is now, row by row, trailing blank lines left out.
    pub fn screen(&self) -> String {
        self.capture(&["-p"])
    }

    /// Everything the pane shows and has scrolled off its top, each line as the program
    /// wrote it (a line wrapped at the edge joined again). (Not for a live view: it fills
    /// each row to the edge, so its rows would be joined into one.)
    pub fn everything(&self) -> String {
        self.capture(&["-p", "-J", "-S", "-"])
    }

    fn capture(&self, how: &[&str]) -> String {
        let mut args = vec!["capture-pane", "-t", "test"];
        args.extend(how);
        let text = String::from_utf8_lossy(&self.tmux(&args).stdout).into_owned();
        // With the program ended, tmux says so on the pane's last line, after a line feed it
        // marks as a wrap: `-J` then joins it to the line above, if that one was the screen's
        // last and not empty. Its words are tmux's, never the program's.
        let lines: Vec<&str> = text
            .lines()
            .map(|line| line.split("Pane is dead (").next().unwrap_or("").trim_end())
            .collect();
        let end = lines
            .iter()
            .rposition(|line| !line.is_empty())
            .map_or(0, |last| last + 1);
        lines[..end].join("\n")
    }

    /// Wait until the screen satisfies `wanted`, and return it (panics after a minute, with
    /// the screen as it was).
    pub fn wait_for(&self, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let screen = self.screen();
            if wanted(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed what was awaited:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The program's process id (a child of the shell that runs it in the pane).
    #[cfg(target_os = "linux")]
    pub fn pid(&self) -> u32 {
        let shell: u32 = self
            .display("#{pane_pid}")
            .parse()
            .expect("tmux gives the pane's pid");
        let program = crate::faults::processes::children_of(shell).first().copied();
        program.expect("the program runs in the pane")
    }

    /// Wait for the program to end, and for tmux to show all it wrote; its exit status (128 + N
    /// for signal N, as a shell says).
    pub fn wait_for_exit(&self) -> i32 {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let said = std::fs::read_to_string(&self.status).unwrap_or_default();
            let shown = self.display("#{pane_title}") == ENDED_TITLE;
            if let Ok(status) = said.trim().parse()
                && shown
            {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the program never ended:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Make the terminal `columns` x `rows`, as a person dragging its window's corner.
    pub fn resize(&self, columns: u16, rows: u16) {
        let (columns, rows) = (columns.to_string(), rows.to_string());
        self.tmux(&["resize-window", "-t", "test", "-x", &columns, "-y", &rows]);
    }

    /// Type Ctrl-C, as a person stopping the program.
    pub fn press_ctrl_c(&self) {
        self.tmux(&["send-keys", "-t", "test", "C-c"]);
    }

    /// Close the terminal: the program gets SIGHUP, as when a person closes the window.
    pub fn close(&self) {
        self.tmux(&["kill-session", "-t", "test"]);
    }

    fn display(&self, format: &str) -> String {
        let shown = self.tmux(&["display-message", "-p", "-t", "test", format]);
        String::from_utf8_lossy(&shown.stdout).trim().to_string()
    }

    fn tmux(&self, args: &[&str]) -> Output {
        // `-f /dev/null`: none of the user's tmux settings.
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
        let _ = std::fs::remove_file(&self.status);
        if let Some(socket_file) = &self.socket_file {
            let _ = std::fs::remove_file(socket_file);
        }
    }
}

/// `text` in single quotes for `sh`, whatever it holds.
/// The pane's shell command: run `program` with `args`, then write its exit status to
/// `status_path`. Ctrl-C reaches the whole foreground group, this shell too: it ignores SIGINT
/// so that it lives to write the status, and gives the program SIGINT's default back first. (A
/// test run from a terminal starts the shell with SIGINT's default, which would end it before
/// the program's own exit status was written.)
fn shell_line(program: &str, args: &[&str], status_path: &str) -> String {
    let command_line: Vec<String> = std::iter::once(program)
        .chain(args.iter().copied())
        .map(quoted)
        .collect();
    // After the status, the shell sets the pane's title: tmux handles a pane's output in
    // order, so once the title shows, every byte the program wrote is on the screen. Then it
    // waits: a pane whose shell has ended may lose output tmux had not read yet.
    format!(
        "trap '' INT; (trap - INT; exec {}); echo $? > {}; printf '\\033]2;%s\\033\\\\' {}; read _",
        command_line.join(" "),
        quoted(status_path),
        quoted(ENDED_TITLE)
    )
}

/// The pane's title once the program has ended and all it wrote has been read by tmux.
const ENDED_TITLE: &str = "the program has ended";

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The rows of the live timeline on a `screen`: each task's label and the seconds its row
/// shows so far, in the order drawn (grouped by worker).
pub fn live_rows(screen: &str) -> Vec<(String, f64)> {
    let Some(header) = screen.find("timeline so far:") else {
        return Vec::new();
    };
    screen[header..]
        .lines()
        .skip(1)
        .map_while(|line| {
            let (label, rest) = line.trim_start().split_once(' ')?;
            let (_, seconds) = rest.rsplit_once("| ")?;
            let seconds = seconds.split(' ').next()?.parse().ok()?;
            Some((label.to_string(), seconds))
        })
        .collect()
}

/// The lines of `text` as shapes, sorted: every number `#`, every bar `=`, every run of
/// spaces one space (columns are as wide as their widest entry, `w9` or `w100`). Two runs
/// that printed the same lines, in any order and at any speed, have the same shapes.
pub fn line_shapes(text: &str) -> Vec<String> {
    // Trailing blank lines aside: a captured screen has none.
    let mut shapes: Vec<String> = text.trim_end().lines().map(shape).collect();
    shapes.sort();
    shapes
}

fn shape(line: &str) -> String {
    let mut shape = String::new();
    for c in line.trim_end().chars() {
        let c = match c {
            '0'..='9' => '#',
            '█' | '·' => '=',
            c => c,
        };
        // A number is `#`, a bar `=`, spaces ` `, however long.
        if !(matches!(c, '#' | '=' | ' ') && shape.ends_with(c)) {
            shape.push(c);
        }
    }
    shape
}

#[cfg(test)]
mod tests {
    use super::Terminal;

    #[test]
    fn a_terminal_dropped_leaves_no_tmux_socket_behind() {
        let Some(terminal) = Terminal::start(40, 10, "true", &[]) else {
            return; // tmux is not installed: said, and skipped
        };
        assert_eq!(terminal.wait_for_exit(), 0);
        let socket_file = terminal.socket_file.clone().expect("tmux names its socket");
        assert!(socket_file.exists(), "{socket_file:?}");
        drop(terminal);
        assert!(!socket_file.exists(), "{socket_file:?} is left behind");
    }
}
