//! `cargo bench -p scale --bench scale`: the scale binary (release), each client
//! layer, reading the figures each run prints: the time of `fetch_many` (so neither the
//! process start nor the server's start is counted), and the client's own peak memory and
//! CPU time (Linux). The layers take turns, run by run, so a busy moment of the machine
//! falls on all of them alike. Targets are for a 2-core Linux machine, server included.

use common::say;
use std::time::Duration;
use testkit::measure::{median, median_of, report_over_ideal};
use testkit::{command, run};

const BINARY: &str = env!("CARGO_BIN_EXE_scale");
const RUNS: usize = 5;

struct Case {
    layer: &'static str,
    tasks: &'static str,
    latency_ms: u64,
    /// The whole of `fetch_many`, and the client's peak memory (MiB), at most.
    target: (Duration, Option<f64>),
    walls: Vec<Duration>,
    peaks: Vec<f64>,
    cpus: Vec<f64>,
    server_cpus: Vec<f64>,
}

impl Case {
    fn new(layer: &'static str, tasks: &'static str, latency_ms: u64, target: (u64, Option<f64>)) -> Self {
        let target = (Duration::from_millis(target.0), target.1);
        let (walls, peaks, cpus, server_cpus) = Default::default();
        Self {
            layer,
            tasks,
            latency_ms,
            target,
            walls,
            peaks,
            cpus,
            server_cpus,
        }
    }

    fn sample(&mut self) {
        let latency = self.latency_ms.to_string();
        let args = [
            "--tasks",
            self.tasks,
            "--latency-ms",
            &latency,
            "--client",
            self.layer,
        ];
        let ran = run(command(BINARY, &args), Duration::from_secs(300));
        assert!(
            ran.status.success() && ran.stdout.contains(" 0 failed"),
            "{ran:?}"
        );
        assert!(!ran.stdout.contains("note:"), "not in one round: {}", ran.stdout);
        self.walls
            .push(Duration::from_secs_f64(ran.seconds_of("fetch_many")));
        if let Some((cpu, peak)) = ran.usage("Client (this process): ") {
            self.cpus.push(cpu);
            self.peaks.push(peak);
        }
        if let Some((cpu, _)) = ran.usage("Server (its own process): ") {
            self.server_cpus.push(cpu);
        }
    }

    fn report(&self) {
        let name = format!("{} x {} ms, {}", self.tasks, self.latency_ms, self.layer);
        let latency = Duration::from_millis(self.latency_ms);
        let (wall_target, peak_target) = self.target;
        report_over_ideal(&name, &self.walls, latency, Some(wall_target - latency));
        if !self.peaks.is_empty() {
            let verdict = match peak_target {
                Some(most) if median_of(&self.peaks) <= most => format!(" [target <= {most} MiB: met]"),
                Some(most) => format!(" [target <= {most} MiB: MISSED]"),
                None => String::new(),
            };
            say!(
                "{name}: client peak memory {}{verdict}",
                spread(&self.peaks, "MiB")
            );
            say!("{name}: client CPU {}", spread(&self.cpus, "s"));
            say!("{name}: server CPU {}", spread(&self.server_cpus, "s"));
        }
        say!("{name}: median wall {:.3} s", median(&self.walls).as_secs_f64());
    }
}

/// `median M unit (min A, max B)`.
fn spread(values: &[f64], unit: &str) -> String {
    if values.is_empty() {
        return "not reported".to_string();
    }
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    format!(
        "median {:.2} {unit} (min {min:.2}, max {max:.2})",
        median_of(values)
    )
}

fn main() {
    // Python asyncio + aiohttp against the same server: 7.45 s at 10,000, 0.74 s at 1,000.
    let mut cases = [
        Case::new("reqwest", "10000", 1000, (2500, Some(250.0))),
        Case::new("hyper", "10000", 1000, (2100, Some(130.0))),
        Case::new("raw", "10000", 1000, (1900, Some(25.0))),
        Case::new("reqwest", "1000", 200, (370, None)),
    ];
    for _ in 0..RUNS {
        for case in &mut cases {
            case.sample();
        }
    }
    for case in &cases {
        case.report();
    }
}
