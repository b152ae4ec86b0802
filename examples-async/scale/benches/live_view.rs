//! `cargo bench -p scale --bench live_view`: what the counts drawn while 10,000 requests
//! run cost. The release binary runs in a terminal (tmux), in pairs, with its live line and
//! with `--no-live-view` in turn; each run's `fetch_many` time and the client's own CPU time
//! and peak memory (Linux), as it prints them, are compared by medians and paired ratios.
//!
//! Skipped, with a line saying so, where tmux is not installed.

use testkit::find_timing;
use testkit::measure::median_of;
use testkit::tmux::Terminal;

const BINARY: &str = env!("CARGO_BIN_EXE_scale");
const PAIRS: usize = 7;

/// One run in a 100 x 30 terminal: `fetch_many`'s seconds, the client's CPU seconds and
/// peak MiB (none where the OS does not say).
fn figures_in_a_terminal(args: &[&str]) -> Option<[f64; 3]> {
    let terminal = Terminal::start(100, 30, BINARY, args)?;
    assert_eq!(terminal.wait_for_exit(), 0, "{}", terminal.everything());
    let printed = terminal.everything();
    let wall = find_timing(&printed, "fetch_many")
        .expect("a timing line")
        .as_secs_f64();
    let client = printed
        .lines()
        .find(|line| line.starts_with("Client (this process): "));
    let words: Vec<&str> = client.unwrap_or_default().split_whitespace().collect();
    let after = |word: &str| {
        let at = words.iter().position(|w| *w == word)?;
        words.get(at + 1)?.parse().ok()
    };
    Some([
        wall,
        after("CPU").unwrap_or(f64::NAN),
        after("memory").unwrap_or(f64::NAN),
    ])
}

fn main() {
    let args = ["--tasks", "10000"];
    let without = ["--tasks", "10000", "--no-live-view"];
    let (mut live, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..PAIRS {
        let Some(figures) = figures_in_a_terminal(&args) else {
            return;
        };
        live.push(figures);
        plain.extend(figures_in_a_terminal(&without));
    }
    for (n, figure) in ["fetch_many() s", "client CPU s", "client peak MiB"]
        .iter()
        .enumerate()
    {
        let a: Vec<f64> = live.iter().map(|run| run[n]).collect();
        let b: Vec<f64> = plain.iter().map(|run| run[n]).collect();
        let ratios: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a / b).collect();
        println!(
            "scale --tasks 10000, {figure}: live view {:.4}, without {:.4} (medians of {PAIRS}); paired ratio {:.4}",
            median_of(&a),
            median_of(&b),
            median_of(&ratios)
        );
    }
}
