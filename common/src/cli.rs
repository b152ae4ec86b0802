//! The options every example shares, so `--time-scale` means the same thing everywhere.

use clap::Args;

/// Shared by every example: flatten into a binary's own options with `#[command(flatten)]`.
#[derive(Debug, Clone, Args)]
pub struct LessonArgs {
    /// Multiply every simulated wait (site latencies, sleeps) by F; 0.1 runs the lesson 10x faster.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = non_negative_number)]
    pub time_scale: f64,

    /// Don't draw the timeline picture after each run.
    #[arg(long)]
    pub no_timeline: bool,
}

/// A finite number >= 0 (for `--time-scale`).
pub fn non_negative_number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(value),
        _ => Err(format!("expected a number >= 0, like 0.1, not `{text}`")),
    }
}

/// A finite number of seconds > 0 (for `--timeout`).
pub fn positive_seconds(text: &str) -> Result<std::time::Duration, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 && value < 1e9 => {
            Ok(std::time::Duration::from_secs_f64(value))
        }
        _ => Err(format!(
            "expected a number of seconds > 0, like 2.5, not `{text}`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked() {
        assert_eq!(non_negative_number("0.25"), Ok(0.25));
        assert_eq!(non_negative_number("0"), Ok(0.0));
        for bad in ["-1", "NaN", "inf", "fast"] {
            assert!(non_negative_number(bad).is_err(), "{bad}");
        }
        assert_eq!(
            positive_seconds("1.5"),
            Ok(std::time::Duration::from_millis(1500))
        );
        for bad in ["0", "-2", "NaN", "soon"] {
            assert!(positive_seconds(bad).is_err(), "{bad}");
        }
    }
}
