//! `cargo bench -p examples-threadpool --bench live_view`: does drawing the timeline while it
//! grows cost anything? Runs the real (release) lesson in a terminal (tmux), in pairs, once
//! with the live view and once with `--no-live-view`, in turn, and compares the times the
//! lesson itself measures: each run's `[*] NAME(): completed within` line, and the speed-up
//! of the pool over one by one. Prints medians and the median of the paired ratios.
//!
//! Skipped, with a line saying so, where tmux is not installed.

use testkit::find_timing;
use testkit::measure::median_of;
use testkit::tmux::Terminal;

const BINARY: &str = env!("CARGO_BIN_EXE_examples-threadpool");
/// Pairs of runs per case: enough for a median, few enough for a minute or two.
const PAIRS: usize = 5;

/// The times `names` took in one run of the lesson with `args` in a 100 x 40 terminal.
fn times_in_a_terminal(args: &[&str], names: &[&str]) -> Option<Vec<f64>> {
    let terminal = Terminal::start(100, 40, BINARY, args)?;
    assert_eq!(terminal.wait_for_exit(), 0, "{}", terminal.everything());
    let printed = terminal.everything();
    let time = |name: &&str| find_timing(&printed, name).map(|took| took.as_secs_f64());
    Some(
        names
            .iter()
            .map(|name| time(name).expect("a timing line"))
            .collect(),
    )
}

fn main() {
    let cases: [(&str, &[&str], &[&str]); 3] = [
        ("the four stand-in sites", &[], &["singlethread", "multithread"]),
        (
            "1,000 fetches on 100 threads",
            &["--only", "threaded", "--repeat", "250", "--workers", "100"],
            &["multithread"],
        ),
        // No waits: the run is all printing and drawing, and the board holds 20,000 rows.
        (
            "20,000 fetches with no waits",
            &["--only", "threaded", "--repeat", "5000", "--time-scale", "0"],
            &["multithread"],
        ),
    ];
    for (case, args, names) in cases {
        let without: Vec<&str> = args.iter().copied().chain(["--no-live-view"]).collect();
        let (mut live, mut plain) = (Vec::new(), Vec::new());
        for _ in 0..PAIRS {
            let Some(with_view) = times_in_a_terminal(args, names) else {
                return;
            };
            live.push(with_view);
            plain.extend(times_in_a_terminal(&without, names));
        }
        for (n, name) in names.iter().enumerate() {
            let live_times: Vec<f64> = live.iter().map(|run| run[n]).collect();
            let plain_times: Vec<f64> = plain.iter().map(|run| run[n]).collect();
            let ratios: Vec<f64> = live_times.iter().zip(&plain_times).map(|(a, b)| a / b).collect();
            println!(
                "{case}, {name}(): live view {:.4} s, without {:.4} s (medians of {PAIRS}); \
                 paired ratio {:.4} (min {:.4}, max {:.4})",
                median_of(&live_times),
                median_of(&plain_times),
                median_of(&ratios),
                ratios.iter().copied().fold(f64::INFINITY, f64::min),
                ratios.iter().copied().fold(0.0, f64::max),
            );
        }
        if let [one_by_one, pool] = names {
            let speed_up =
                |runs: &[Vec<f64>]| median_of(&runs.iter().map(|run| run[0] / run[1]).collect::<Vec<_>>());
            println!(
                "{case}, {pool}() over {one_by_one}(): x{:.3} with the live view, x{:.3} without",
                speed_up(&live),
                speed_up(&plain)
            );
        }
    }
}
