//! Serve the stand-in sites on their own, for curl, a browser, or the article's own Python code.
//!
//! ```text
//! cargo run -p demo-sites                # any free port
//! cargo run -p demo-sites -- --port 8000
//! ```
//!
//! It prints the four URLs, then serves until you press Ctrl-C.

use clap::Parser;
use demo_sites::StandInSites;
use std::process::ExitCode;
use terminal::output::strip_os_error;
use terminal::{Error, say};

#[derive(Parser)]
#[command(about = "Serve the stand-in sites until Ctrl-C")]
struct Args {
    /// Port to listen on (0 lets the OS pick a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Multiply every wait by F; 0.1 answers 10x sooner.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = demo_sites::parse_time_scale)]
    time_scale: f64,
}

fn main() -> ExitCode {
    terminal::output::choose_colours();
    terminal::exit_status(serve()) // or its error in one line, and exit status 1 (a usage error 2)
}

/// Serve until Ctrl-C, or return why it cannot.
fn serve() -> Result<ExitCode, Error> {
    let args: Args = terminal::parse()?; // clap's Args::parse(), honouring TERM=dumb and a full disk
    // The server's threads, or why the OS refuses them.
    terminal::threads::check_threads(
        StandInSites::threads_needed(),
        "the OS allows fewer (`ulimit -u`)",
    )?;
    let sites = StandInSites::start_on(args.port, args.time_scale).map_err(|error| {
        let (port, reason) = (args.port, strip_os_error(&error.to_string()));
        Error::Cannot(format!("cannot listen on 127.0.0.1:{port}: {reason}"))
    })?;
    say!("Stand-in sites on http://{} (Ctrl-C to stop):", sites.addr());
    for (url, latency) in sites.sites() {
        say!("  {url}  ({} ms)", latency.as_millis());
    }
    let (delay, status) = (sites.url("/delay/<ms>"), sites.url("/status/<code>"));
    say!("  {delay}  and  {status}");
    // Where to find the sites could not be written (a full disk): no use serving unseen.
    terminal::output::check_written()?;
    // The server runs on its own threads; this one just waits. Ctrl-C ends the process.
    // (A reader that went away, `| head -1`, has what it wanted: it keeps serving.)
    loop {
        std::thread::park();
    }
}
