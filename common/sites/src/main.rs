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
use std::io::{self, Write};
use std::process::ExitCode;

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
    let args = Args::parse();
    let sites = match StandInSites::start_on(args.port, args.time_scale) {
        Ok(sites) => sites,
        Err(error) => {
            let port = args.port;
            return fail(&format!("error: cannot listen on 127.0.0.1:{port}: {error}"));
        }
    };
    match print_addresses(&sites) {
        // A reader that went away (`| head -1`) has what it wanted: keep serving.
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            return fail(&format!("error: cannot write output: {error}"));
        }
        _ => {}
    }
    // The server runs on its own threads; this one just waits. Ctrl-C ends the process.
    loop {
        std::thread::park();
    }
}

/// Where the sites are, in one write: the four sites' URLs and the other paths.
fn print_addresses(sites: &StandInSites) -> io::Result<()> {
    let mut text = format!("Stand-in sites on http://{} (Ctrl-C to stop):\n", sites.addr());
    for (url, latency) in sites.sites() {
        text += &format!("  {url}  ({} ms)\n", latency.as_millis());
    }
    let (delay, status) = (sites.url("/delay/<ms>"), sites.url("/status/<code>"));
    text += &format!("  {delay}  and  {status}\n");
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Say what went wrong in one line on stderr (ignoring a stderr that cannot take it, where
/// `eprintln!` would panic), and fail.
fn fail(message: &str) -> ExitCode {
    let _ = writeln!(io::stderr(), "{message}");
    ExitCode::FAILURE
}
