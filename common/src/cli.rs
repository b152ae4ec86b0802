//! The options every example shares, so `--time-scale` means the same thing everywhere, and
//! [`parse`], clap's parsing with the output promises of every other line (from `terminal`).

use clap::Args;
use std::time::Duration;

pub use terminal::parse;

/// Shared by every example: flatten into a binary's own options with `#[command(flatten)]`.
#[derive(Debug, Clone, Args)]
pub struct LessonArgs {
    /// Multiply every simulated wait (site latencies, sleeps) by F; 0.1 runs the lesson 10x faster.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = demo_sites::parse_time_scale)]
    pub time_scale: f64,

    /// Don't draw the timeline picture after each run.
    #[arg(long)]
    pub no_timeline: bool,

    /// Don't draw the timeline while it grows (it is drawn only on a terminal anyway).
    #[arg(long)]
    pub no_live_view: bool,
}

/// The shortest `--timeout`: a millisecond. Anything shorter would round to no time at all,
/// which is refused like `--timeout 0`.
const MIN_TIMEOUT: Duration = Duration::from_millis(1);

/// A number of seconds from a millisecond to about 30 years (for `--timeout`).
pub fn positive_seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 && value < 1e9 => {
            let seconds = Duration::from_secs_f64(value);
            if seconds >= MIN_TIMEOUT {
                return Ok(seconds);
            }
        }
        _ => {}
    }
    Err(format!(
        "expected a number of seconds > 0 (at least 0.001, less than 1e9), like 2.5, not `{text}`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_checked() {
        assert_eq!(positive_seconds("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(positive_seconds("0.001"), Ok(MIN_TIMEOUT));
        for bad in ["0", "1e-300", "0.0009", "-2", "NaN", "soon", "1e9"] {
            assert!(positive_seconds(bad).is_err(), "{bad}");
        }
    }
}
