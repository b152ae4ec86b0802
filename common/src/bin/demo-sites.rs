//! Serve the stand-in sites on their own, for curl, a browser, or the article's own Python code.
//!
//! ```text
//! cargo run -p common --bin demo-sites                # any free port
//! cargo run -p common --bin demo-sites -- --port 8000
//! ```
//!
//! It prints the four URLs, then serves until you press Ctrl-C.

use clap::Parser;
use common::say;
use common::sites::StandInSites;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Serve the stand-in sites until Ctrl-C")]
struct Args {
    /// Port to listen on (0 lets the OS pick a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Multiply every wait by F; 0.1 answers 10x sooner.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = common::cli::non_negative_number)]
    time_scale: f64,
}

fn main() -> ExitCode {
    common::init();
    let args: Args = common::cli::parse();
    // The server's threads, or one line saying why the OS refuses them.
    common::workers::check_threads(
        StandInSites::threads_needed(),
        "the OS allows fewer (`ulimit -u`)",
    );
    let sites = match StandInSites::start_on(args.port, args.time_scale) {
        Ok(sites) => sites,
        Err(error) => {
            let reason = common::output::strip_os_error(&error.to_string());
            common::output::write_error_line(&format!(
                "error: cannot listen on 127.0.0.1:{}: {reason}",
                args.port
            ));
            return ExitCode::FAILURE;
        }
    };
    say!("Stand-in sites on http://{} (Ctrl-C to stop):", sites.addr());
    for (url, latency) in sites.sites() {
        say!("  {url}  ({} ms)", latency.as_millis());
    }
    say!(
        "  {}  and  {}",
        sites.url("/delay/<ms>"),
        sites.url("/status/<code>")
    );
    // The server runs on its own threads; this one just waits. Ctrl-C ends the process.
    loop {
        std::thread::park();
    }
}
