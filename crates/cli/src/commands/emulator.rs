//! `cxsched emulator`: runs the bundled API emulator (CONTRACT §5) until Ctrl-C or SIGTERM.
//! The first line of stdout is `listening on http://HOST:PORT`, so `--listen 127.0.0.1:0`
//! is usable from scripts and tests; notes go to stderr.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use cxsched_emulator::{
    CampaignSource, ClientCredential, EmulatorConfig, FaultKind, Faults, RetryAfterStyle,
};

use super::{Globals, Outcome, UsageError};
use crate::signals::StopSignal;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Accepted client credentials, repeatable [default: demo-client:demo-secret].
    #[arg(long = "client", value_name = "ID:SECRET", value_parser = parse_client)]
    pub clients: Vec<ClientCredential>,
    /// The known campaigns: N generated ones, or ids from a file or folder of schedule
    /// documents (JSON, JSONL, TOML, YAML) or a file of ids one a line.
    #[arg(long, value_name = "N|PATH", value_parser = parse_campaigns)]
    pub campaigns: Option<CampaignSource>,
    /// Every well-formed UUID is a known campaign with an empty schedule.
    #[arg(long)]
    pub accept_any_campaign: bool,
    /// Access token lifetime, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub token_ttl: u64,
    /// Token-bucket limit over the API endpoints, requests per second; 0 = none.
    #[arg(long, value_name = "RPS", default_value_t = 0.0)]
    pub rate_limit: f64,
    /// How a 429 gives Retry-After: seconds or date (an HTTP date).
    #[arg(long, value_name = "STYLE", default_value = "seconds", value_parser = parse_retry_after)]
    pub retry_after: RetryAfterStyle,
    /// Added to every API answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of API requests answered with a fault (5xx, dropped connection, slow answer), 0..1.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub fault_rate: f64,
    /// The fault kinds drawn from, comma-separated: 5xx, drop (closed unanswered), slow, and
    /// lost (carried out, then closed unanswered: a write its client never hears of).
    #[arg(long, value_name = "KINDS", value_delimiter = ',', default_value = "5xx,drop,slow", value_parser = parse_fault)]
    pub fault_kinds: Vec<FaultKind>,
    /// How long a slow answer waits, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 3000)]
    pub slow_ms: u64,
    /// Seed of the fault and id RNG.
    #[arg(long, value_name = "N", default_value_t = 0x5eed)]
    pub seed: u64,
    /// Load state at start if present, save it on change.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
}

fn parse_client(s: &str) -> Result<ClientCredential, String> {
    s.parse()
        .map_err(|e: cxsched_emulator::EmulatorError| e.to_string())
}

fn parse_campaigns(s: &str) -> Result<CampaignSource, String> {
    s.parse()
        .map_err(|e: cxsched_emulator::EmulatorError| e.to_string())
}

fn parse_retry_after(s: &str) -> Result<RetryAfterStyle, String> {
    s.parse()
        .map_err(|e: cxsched_emulator::EmulatorError| e.to_string())
}

fn parse_fault(s: &str) -> Result<FaultKind, String> {
    s.parse()
        .map_err(|e: cxsched_emulator::EmulatorError| e.to_string())
}

impl Args {
    fn config(self) -> EmulatorConfig {
        EmulatorConfig {
            listen: self.listen,
            clients: if self.clients.is_empty() {
                vec![ClientCredential::demo()]
            } else {
                self.clients
            },
            campaigns: self.campaigns.unwrap_or_default(),
            accept_any_campaign: self.accept_any_campaign,
            token_ttl: Duration::from_secs(self.token_ttl),
            rate_limit: (self.rate_limit != 0.0).then_some(self.rate_limit),
            retry_after: self.retry_after,
            latency: Duration::from_millis(self.latency_ms),
            faults: Faults {
                rate: self.fault_rate,
                kinds: self.fault_kinds,
                slow: Duration::from_millis(self.slow_ms),
            },
            state_file: self.state,
            seed: self.seed,
            ..EmulatorConfig::default()
        }
    }
}

pub fn run(args: Args, _globals: &Globals) -> anyhow::Result<Outcome> {
    let config = args.config();
    config.check().map_err(|e| UsageError(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        // Handlers go in before the `listening on` line: whoever reads that line and then
        // sends SIGTERM must get a clean stop, not the default action (death by signal).
        let mut stop = StopSignal::install();
        let emulator = cxsched_emulator::spawn(config).await.map_err(|e| UsageError(e.to_string()))?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on {}", emulator.base_url())?;
            out.flush()?;
        }
        let state = emulator.state();
        for note in state.notes() {
            eprintln!("note: {note}");
        }
        let cfg = state.config();
        let ids: Vec<&str> = cfg.clients.iter().map(|c| c.id.as_str()).collect();
        eprintln!(
            "{} campaign(s) known{}; clients: {}; stop with Ctrl-C",
            state.campaign_ids().len(),
            if cfg.accept_any_campaign { " (and any other UUID)" } else { "" },
            ids.join(", ")
        );
        if !emulator.addr().ip().is_loopback() {
            eprintln!("warning: listening on a non-loopback address; /_emulator/ still answers loopback clients only");
        }
        stop.wait().await;
        emulator.shutdown().await;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(Outcome::Ok)
}
