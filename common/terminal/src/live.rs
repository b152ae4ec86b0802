//! A live view: a few lines at the bottom of the terminal, redrawn in place while a program
//! runs, like Python's `rich.progress` or `tqdm`. The lessons draw their timeline in it as
//! it grows, on stdout; the scale binary its counts, and the progress command the checks it
//! runs, on stderr ([`Stream`]).
//!
//! Only where a person watches ([`is_wanted`]): off a terminal (a pipe, a file, CI), or with
//! `TERM=dumb`, nothing is drawn, so what a program prints stays byte for byte the same.
//! `NO_COLOR` takes the colour away, not the view.
//!
//! While a view is shown, every line printed with `say!`, `rprint!` or on stderr goes above
//! it ([`above`]), and the view is drawn again below. When it is dropped, its lines are
//! cleared: what stays on the screen is what the program printed.
//!
//! The drawing is indicatif's: one thread (its ticker) redraws the view at most
//! [`REDRAWS_PER_SECOND`] times a second, whatever the number of tasks, and it keeps the
//! count of lines right for a line that wraps and for a view taller than the terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle, TermLike};
use std::io;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How often a live view is redrawn, at most.
pub const REDRAWS_PER_SECOND: u8 = 10;

/// The view on the screen now, if any: where printed lines must go above, and what Ctrl-C
/// clears. Each view has a number, so that dropping one that was replaced leaves its successor.
static SHOWN: Mutex<Option<(u64, ProgressBar)>> = Mutex::new(None);
static VIEWS: AtomicU64 = AtomicU64::new(0);

/// The time between two redraws by the ticker.
const TICK: Duration = Duration::from_millis(1000 / REDRAWS_PER_SECOND as u64);

/// What `draw` writes for the terminal as it is now, each line cut to its width.
fn render(term: &console::Term, draw: &impl Fn(&mut String, Size)) -> String {
    let (rows, columns) = term.size();
    let size = Size {
        columns: usize::from(columns),
        rows: usize::from(rows),
    };
    let mut text = String::new();
    draw(&mut text, size);
    // A line exactly as wide as the terminal, or wider, would wrap: cut it short, with a `…`
    // to say that it was.
    let cut: Vec<_> = text
        .lines()
        .map(|line| console::truncate_str(line, size.columns.saturating_sub(1), "…"))
        .collect();
    cut.join("\n")
}

/// Where a view is drawn. A lesson draws its timeline on stdout, where the picture it prints
/// at the end takes its place. Counts go on stderr, as tqdm's and indicatif's own do, so they
/// are seen while stdout goes to a file or to another program (the scale sweep reads scale's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn term(self) -> console::Term {
        match self {
            Stream::Stdout => console::Term::stdout(),
            Stream::Stderr => console::Term::stderr(),
        }
    }
}

/// Is a person watching `stream`: is it a terminal that can move its cursor (not `TERM=dumb`)?
pub fn is_wanted(stream: Stream) -> bool {
    let terminal = match stream {
        Stream::Stdout => io::stdout().is_terminal(),
        Stream::Stderr => io::stderr().is_terminal(),
    };
    terminal && !crate::output::is_dumb_terminal_here()
}

/// The terminal's size, for a view to fit in: columns and rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub columns: usize,
    pub rows: usize,
}

/// A view on the screen until dropped. At most one at a time: a second one replaces the first.
pub struct LiveView {
    number: u64,
    bar: ProgressBar,
    last: Arc<Mutex<Option<(Instant, String)>>>,
}

impl LiveView {
    /// Show the text that `draw` writes on `stream` (any number of lines, each cut to the
    /// terminal's width), redrawn at most [`REDRAWS_PER_SECOND`] times a second until the
    /// view is dropped. `draw` is called on indicatif's ticker thread: keep it quick.
    pub fn show(
        stream: Stream,
        draw: impl Fn(&mut String, Size) + Send + Sync + Clone + 'static,
    ) -> LiveView {
        let term = stream.term();
        // The text drawn last, and when: a redraw sooner than a tick after it (indicatif
        // redraws after every line printed above the view) shows it again as it was, so a
        // run that prints hundreds of lines does not render the view hundreds of times.
        let last: Arc<Mutex<Option<(Instant, String)>>> = Arc::default();
        let kept = Arc::clone(&last);
        let lines = move |_: &ProgressState, out: &mut dyn std::fmt::Write| {
            let mut last = kept.lock().unwrap_or_else(PoisonError::into_inner);
            let fresh = last.as_ref().is_some_and(|(at, _)| at.elapsed() < TICK);
            if !fresh {
                // Timed from the end of the render: a render that takes longer than a tick
                // (a timeline of many thousands of rows) is still reused until a tick after.
                let text = render(&term, &draw);
                *last = Some((Instant::now(), text));
            }
            let _ = out.write_str(last.as_ref().map_or("", |(_, text)| text));
        };
        let style = ProgressStyle::with_template("{lines}")
            .expect("a template of one key")
            .with_key("lines", lines);
        let screen = Screen(stream.term());
        let target = ProgressDrawTarget::term_like_with_hz(Box::new(screen), REDRAWS_PER_SECOND);
        let bar = ProgressBar::with_draw_target(None, target).with_style(style);
        bar.enable_steady_tick(TICK);
        let number = VIEWS.fetch_add(1, Ordering::Relaxed);
        if let Some((_, earlier)) = shown().replace((number, bar.clone())) {
            earlier.finish_and_clear();
        }
        LiveView { number, bar, last }
    }

    /// What `draw` writes has changed at once (not only with time): the next redraw, even
    /// the one after a printed line, asks `draw` again.
    pub fn changed(&self) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

impl Drop for LiveView {
    /// Clear the view's lines, leaving the screen as the program printed it.
    fn drop(&mut self) {
        let mut shown = shown();
        if shown.as_ref().is_some_and(|(number, _)| *number == self.number) {
            *shown = None;
        }
        self.bar.finish_and_clear();
    }
}

/// The terminal as indicatif draws on it, but for one thing: after each frame the cursor
/// goes back to the start of the last line. indicatif fills every line to the edge, which
/// leaves the cursor waiting to wrap; the `^C` the terminal echoes for Ctrl-C would then
/// start a line below the view, and clearing the view would miss its first line.
#[derive(Debug)]
struct Screen(console::Term);

impl TermLike for Screen {
    fn width(&self) -> u16 {
        self.0.size().1
    }

    fn height(&self) -> u16 {
        self.0.size().0
    }

    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_up(n)
    }

    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_down(n)
    }

    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_right(n)
    }

    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_left(n)
    }

    fn write_line(&self, s: &str) -> io::Result<()> {
        self.0.write_line(s)
    }

    fn write_str(&self, s: &str) -> io::Result<()> {
        self.0.write_str(s)
    }

    fn clear_line(&self) -> io::Result<()> {
        self.0.clear_line()
    }

    fn flush(&self) -> io::Result<()> {
        self.0.write_str("\r")?;
        self.0.flush()
    }
}

/// Run `print` (which writes to stdout or stderr) with the view, if one is shown, taken off
/// the screen meanwhile, so the printed lines go above it and it is drawn again below them.
pub fn above<T>(print: impl FnOnce() -> T) -> T {
    let shown = shown();
    match shown.as_ref() {
        Some((_, bar)) => bar.suspend(print),
        None => print(),
    }
}

/// Take the view off the screen for good, now: for Ctrl-C, so the terminal is left with no
/// half-drawn line. (indicatif never hides the cursor, so there is none to show again.)
pub fn clear_shown() {
    take_off(&mut shown());
}

/// Take the view off the screen for good, then `end` the program (a signal's own death, say),
/// with no line printed in between: a thread about to print waits for the view's lock, and
/// the program ends before it gets it.
pub fn clear_shown_and_end(end: impl FnOnce() -> std::convert::Infallible) -> ! {
    let mut shown = shown();
    take_off(&mut shown);
    match end() {}
}

fn take_off(shown: &mut Option<(u64, ProgressBar)>) {
    if let Some((_, bar)) = shown.take() {
        bar.finish_and_clear();
    }
}

fn shown() -> MutexGuard<'static, Option<(u64, ProgressBar)>> {
    // Printing while the lock is held cannot leave the view half-changed: recover it.
    SHOWN.lock().unwrap_or_else(PoisonError::into_inner)
}
