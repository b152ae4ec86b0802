//! For the `cargo bench` targets: repeat a measurement, take the median, compare it with
//! the ideal and a target, print one line per case.

use std::time::Duration;

/// The middle of several measurements: unlike the mean, one slow outlier can't move it.
pub fn median(samples: &[Duration]) -> Duration {
    let nanos: Vec<f64> = samples.iter().map(|sample| sample.as_nanos() as f64).collect();
    Duration::from_nanos(median_of(&nanos).round() as u64)
}

/// The median of plain numbers (nanoseconds, MiB): the middle one, or the mean of the two.
pub fn median_of(values: &[f64]) -> f64 {
    assert!(!values.is_empty(), "the median of nothing");
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    }
}

/// Run `sample` `runs` times and return every measurement.
pub fn repeat(runs: usize, mut sample: impl FnMut() -> Duration) -> Vec<Duration> {
    (0..runs).map(|_| sample()).collect()
}

/// Print `name: median M (min A, max B, N runs), ideal I: +X ms [target <= T ms: met]`
/// (a median under the ideal shows as -X ms) and return the median's excess over the ideal.
pub fn report_over_ideal(
    name: &str,
    samples: &[Duration],
    ideal: Duration,
    target: Option<Duration>,
) -> Duration {
    let mid = median(samples);
    let over = mid.saturating_sub(ideal);
    let difference = if mid >= ideal {
        format!("+{}", ms(over))
    } else {
        format!("-{}", ms(ideal - mid))
    };
    let (min, max) = (samples.iter().min().unwrap(), samples.iter().max().unwrap());
    let verdict = match target {
        Some(target) if over <= target => format!(" [target <= {} ms: met]", ms(target)),
        Some(target) => format!(" [target <= {} ms: MISSED]", ms(target)),
        None => String::new(),
    };
    common::say!(
        "{name}: median {:.4} s (min {:.4}, max {:.4}, {} runs), ideal {:.4} s: {difference} ms{verdict}",
        mid.as_secs_f64(),
        min.as_secs_f64(),
        max.as_secs_f64(),
        samples.len(),
        ideal.as_secs_f64(),
    );
    over
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

/// Run a lesson's release binary to the end (five minutes at most): a benchmark measures
/// only runs that succeeded.
pub fn run_to_success(binary: &str, args: &[&str]) -> crate::Ran {
    let ran = crate::run(crate::command(binary, args), Duration::from_secs(300));
    assert!(ran.status.success(), "{ran:?}");
    ran
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(
            median(&[ms(4), ms(1), ms(3), ms(100)]),
            Duration::from_micros(3500)
        );
    }
}
