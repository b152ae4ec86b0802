//! What a process has cost so far: CPU time and peak memory, where the OS says it cheaply.
//! On Linux that is two small files under `/proc`; elsewhere we say nothing rather than
//! measure something else.

/// CPU time (user + system) and the peak of memory actually in use (resident).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub struct Usage {
    cpu_seconds: f64,
    peak_mib: f64,
}

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CPU {:.2} s, peak memory {:.1} MiB",
            self.cpu_seconds, self.peak_mib
        )
    }
}

pub fn of_this_process() -> Option<Usage> {
    of_process(std::process::id())
}

#[cfg(target_os = "linux")]
pub fn of_process(pid: u32) -> Option<Usage> {
    // Times in /proc/PID/stat are in clock ticks, 100 a second on Linux (USER_HZ).
    const TICKS_PER_SECOND: f64 = 100.0;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let peak_line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let peak_kib: f64 = peak_line.split_whitespace().nth(1)?.parse().ok()?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name in parentheses: state is field 3, utime 14 and stime 15.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some(Usage {
        cpu_seconds: (user + system) / TICKS_PER_SECOND,
        peak_mib: peak_kib / 1024.0,
    })
}

#[cfg(not(target_os = "linux"))]
pub fn of_process(_pid: u32) -> Option<Usage> {
    None
}
