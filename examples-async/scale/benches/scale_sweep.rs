//! How each way of waiting scales: N = 10, 100, 1,000 and 10,000 requests of 100 ms each,
//! every way in a process of its own (so its peak memory is its own), against one set of
//! stand-in sites in this process. Writes `examples-async/scale/scale-chart/sweep.csv` and
//! `sweep.svg`:
//!
//! ```text
//! cargo bench -p scale --features sweep --bench scale_sweep
//! ```
//!
//! The ways: async on one thread, with each client layer of the scale binary; the thread
//! pool at Python's default size, min(32, CPUs + 4), with blocking reqwest (Listing 1); and
//! one thread per request. (Blocking reqwest sends every request through one runtime thread
//! of its own; the threads wait for their answers, as Python's threads wait on the GIL-free
//! socket calls.) The peak memory is the process's largest resident size (Linux).
//!
//! On a terminal, each way draws its counts on our stderr while it runs (`terminal::counts`),
//! under a line that says which point of the sweep it is; off a terminal nothing is drawn.

use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use terminal::counts::Counts;
use terminal::live::Stream;
use testkit::{Ran, command, run};

const SCALE_BINARY: &str = env!("CARGO_BIN_EXE_scale");
const LATENCY: Duration = Duration::from_millis(100);
const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];
/// The points: each size with five ways (three async layers, the thread pool, a thread per request).
const POINTS: usize = SIZES.len() * 5;
/// The hidden first argument that makes this program run one blocking way and report.
const ONE_WAY: &str = "--one-blocking-way";

/// One point of the chart.
struct Point {
    /// What waited: no commas, it is a CSV field.
    way: String,
    requests: usize,
    wall_s: f64,
    ideal_s: f64,
    peak_mib: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(ONE_WAY) {
        return one_blocking_way(&args[2], args[3].parse().expect("a count"), &args[4]);
    }
    // The stand-in sites raise this process's open-files limit themselves.
    let sites = demo_sites::StandInSites::start(1.0).expect("the stand-in sites start");
    let base = sites.url("");
    let pool_size = common::workers::thread_pool_default();
    let mut runs = Runs {
        started: 0,
        watched: terminal::live::is_wanted(Stream::Stderr),
    };
    let mut points = Vec::new();
    for requests in SIZES {
        for layer in ["reqwest", "hyper", "raw"] {
            points.push(async_way(&mut runs, layer, requests, &base));
        }
        points.extend(blocking_way(
            &mut runs,
            "thread pool",
            "pool",
            requests,
            &base,
            pool_size,
        ));
        points.extend(blocking_way(
            &mut runs,
            "thread per request",
            "threads",
            requests,
            &base,
            requests,
        ));
    }
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("scale-chart");
    std::fs::create_dir_all(&folder).expect("the chart folder");
    write_csv(&folder.join("sweep.csv"), &points);
    draw(&folder.join("sweep.svg"), &points, pool_size).expect("the chart is drawn");
    println!("wrote {}", folder.join("sweep.csv").display());
    println!("wrote {}", folder.join("sweep.svg").display());
}

/// The sweep's child processes, one a point, numbered as they start.
struct Runs {
    started: usize,
    /// Does a person watch our stderr? Then each child draws its counts there.
    watched: bool,
}

impl Runs {
    /// Run the child that measures `way` with `requests`, to the end; where a person watches,
    /// with its counts on our stderr under which point of the sweep it is.
    fn run(&mut self, mut command: Command, way: &str, requests: usize, deadline: Duration) -> Ran {
        self.started += 1;
        let heading = format!("point {} of {POINTS}: {way}, {requests} requests", self.started);
        command.env(terminal::counts::HEADING, heading);
        match self.watched {
            true => testkit::run_with_our_stderr(command, deadline),
            false => run(command, deadline),
        }
    }
}

/// The scale binary with one client layer, against our sites.
fn async_way(runs: &mut Runs, layer: &str, requests: usize, base: &str) -> Point {
    let (tasks, latency) = (requests.to_string(), LATENCY.as_millis().to_string());
    let args = [
        "--tasks",
        &tasks,
        "--latency-ms",
        &latency,
        "--client",
        layer,
        "--sites",
        base,
    ];
    let way = format!("async {layer} (one thread)");
    let ran = runs.run(
        command(SCALE_BINARY, &args),
        &way,
        requests,
        Duration::from_secs(300),
    );
    assert!(
        ran.status.success() && ran.stdout.contains(" 0 failed"),
        "{ran:?}"
    );
    let peak = ran
        .usage("Client (this process): ")
        .map_or(f64::NAN, |(_, peak_mib)| peak_mib);
    let point = Point {
        way,
        requests,
        wall_s: ran.seconds_of("fetch_many"),
        ideal_s: LATENCY.as_secs_f64(),
        peak_mib: peak,
    };
    println!("{}", csv_row(&point));
    point
}

/// This program again, in `ONE_WAY` mode; None where the way could not run (say, threads).
fn blocking_way(
    runs: &mut Runs,
    name: &str,
    way: &str,
    requests: usize,
    base: &str,
    workers: usize,
) -> Option<Point> {
    let program = std::env::current_exe().expect("this program's path");
    let program = program.to_str().expect("a UTF-8 path");
    let one_way = command(program, &[ONE_WAY, way, &requests.to_string(), base]);
    let ran = runs.run(one_way, name, requests, Duration::from_secs(900));
    let words: Vec<f64> = ran
        .stdout
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let [wall_s, peak_mib] = words[..] else {
        println!("{name} x {requests}: not feasible here: {}", ran.stdout.trim());
        return None;
    };
    let rounds = requests.div_ceil(workers) as f64;
    let point = Point {
        way: name.to_string(),
        requests,
        wall_s,
        ideal_s: LATENCY.as_secs_f64() * rounds,
        peak_mib,
    };
    println!("{}", csv_row(&point));
    Some(point)
}

/// `ONE_WAY pool|threads N BASE`: fetch N times with blocking reqwest; print `WALL PEAK`.
/// On a terminal, the counts as they go on stderr, as scale draws its own.
fn one_blocking_way(way: &str, requests: usize, base: &str) {
    common::init(); // colours, one-line panics, TLS, and as many open files as allowed
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    let url = format!("{base}/delay/{}", LATENCY.as_millis());
    let (done, results) = mpsc::channel();
    let counts = Counts::start();
    let shown = counts.show_if_watched(true);
    common::interrupt::clear_live_view_on_ctrl_c();
    let fetch = move |client: &reqwest::blocking::Client| {
        counts.started();
        let fetched = client.get(&url).send().and_then(|r| r.bytes()).is_ok();
        counts.ended(!fetched);
        fetched
    };
    let start = Instant::now();
    match way {
        "pool" => {
            let pool = threadpool::ThreadPool::new(common::workers::thread_pool_default());
            for _ in 0..requests {
                let (client, done, fetch) = (client.clone(), done.clone(), fetch.clone());
                pool.execute(move || {
                    let _ = done.send(fetch(&client));
                });
            }
        }
        _ => {
            for _ in 0..requests {
                let (client, done, fetch) = (client.clone(), done.clone(), fetch.clone());
                let spawned = std::thread::Builder::new().spawn(move || {
                    let _ = done.send(fetch(&client));
                });
                if let Err(error) = spawned {
                    println!("cannot start {requests} threads: {error}");
                    return;
                }
            }
        }
    }
    drop(done);
    let succeeded = results.iter().filter(|ok| *ok).count();
    let wall = start.elapsed();
    drop(shown);
    if succeeded < requests {
        println!("{} of {requests} failed", requests - succeeded);
        return;
    }
    println!(
        "{:.4} {:.1}",
        wall.as_secs_f64(),
        testkit::probes::peak_memory_mib(std::process::id()).unwrap_or(f64::NAN)
    );
}

fn csv_row(point: &Point) -> String {
    format!(
        "{},{},{},{:.4},{:.4},{:.1}",
        point.way,
        point.requests,
        LATENCY.as_millis(),
        point.wall_s,
        point.ideal_s,
        point.peak_mib
    )
}

fn write_csv(path: &Path, points: &[Point]) {
    let mut text = String::from("way,requests,latency_ms,wall_s,ideal_s,peak_mib\n");
    for point in points {
        let _ = writeln!(text, "{}", csv_row(point));
    }
    std::fs::write(path, text).expect("the CSV is written");
}

/// Two panels: wall time (with each way's ideal, dashed) and peak memory, both against N.
fn draw(path: &Path, points: &[Point], pool_size: usize) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (1100, 460)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(550);
    let wall_caption = format!(
        "Wall time, {} ms each (dashed: ideal; pool of {pool_size})",
        LATENCY.as_millis()
    );
    let wall_max = points.iter().map(|p| p.wall_s.max(p.ideal_s)).fold(1.0, f64::max) * 1.5;
    let mut wall = panel(&left, &wall_caption, ("seconds", 0.05..wall_max))?;
    let memory_max = points
        .iter()
        .map(|p| p.peak_mib)
        .filter(|m| m.is_finite())
        .fold(1.0, f64::max)
        * 1.5;
    let memory_caption = "Peak memory of the client's process";
    let mut memory = panel(&right, memory_caption, ("MiB", 1.0..memory_max))?;
    for (index, way) in ways(points).into_iter().enumerate() {
        let color = Palette99::pick(index).to_rgba();
        let of_way: Vec<&Point> = points.iter().filter(|p| p.way == way).collect();
        let walls = of_way.iter().map(|p| (p.requests as f64, p.wall_s));
        wall.draw_series(LineSeries::new(walls, color.stroke_width(2)))?
            .label(way)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        let ideals: Vec<(f64, f64)> = of_way.iter().map(|p| (p.requests as f64, p.ideal_s)).collect();
        wall.draw_series(DashedLineSeries::new(ideals, 4, 4, color.stroke_width(1)))?;
        let peaks = of_way.iter().map(|p| (p.requests as f64, p.peak_mib));
        memory.draw_series(LineSeries::new(peaks, color.stroke_width(2)))?;
    }
    wall.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// The ways, each once, in the order the points first name them.
fn ways(points: &[Point]) -> Vec<&str> {
    let mut ways: Vec<&str> = Vec::new();
    for point in points {
        if !ways.contains(&point.way.as_str()) {
            ways.push(&point.way);
        }
    }
    ways
}

/// One panel: N requests (log scale) across, `y` = (its name, its range; log scale) up.
type Panel<'a> = ChartContext<'a, SVGBackend<'a>, Cartesian2d<LogCoord<f64>, LogCoord<f64>>>;

fn panel<'a>(
    area: &DrawingArea<SVGBackend<'a>, plotters::coord::Shift>,
    caption: &str,
    (y_name, y_range): (&str, std::ops::Range<f64>),
) -> Result<Panel<'a>, Box<dyn std::error::Error>> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d((8f64..12_500f64).log_scale(), y_range.log_scale())?;
    chart.configure_mesh().x_desc("requests").y_desc(y_name).draw()?;
    Ok(chart)
}
