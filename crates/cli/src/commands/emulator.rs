//! `cxsched emulator`: runs the bundled API emulator until Ctrl-C or SIGTERM: the seed API
//! (CONTRACT §5, `--platform seed`, the default) or NICE CXone's real API (§6.4,
//! `--platform cxone`). The first line of stdout is `listening on http://HOST:PORT` (for
//! cxone, the issuer), so `--listen 127.0.0.1:0` is usable from scripts and tests; with
//! `--api-listen` a second line `api on http://HOST:PORT` follows. Notes go to stderr.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use cxsched_emulator::cxone::{
    AccessKey, CxoneConfig, Quirks, SkillSource, TimeFormat, TotalRecords, ZoneItemKey,
};
use cxsched_emulator::{
    CampaignSource, ClientCredential, EmulatorConfig, FaultKind, Faults, RetryAfterStyle,
};

use super::{Globals, Outcome, UsageError};
use crate::signals::StopSignal;

/// Which API the emulator serves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Platform {
    // The seed API (CONTRACT §4). (Plain comments: doc comments would turn the help into
    // its long form.)
    #[default]
    Seed,
    // NICE CXone's real API (CONTRACT §6.4).
    Cxone,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The API served: seed (CONTRACT §4) or cxone (NICE CXone's real API).
    #[arg(
        long,
        value_enum,
        env = "CXSCHED_PLATFORM",
        hide_env_values = true,
        default_value = "seed"
    )]
    pub platform: Platform,
    /// Address to listen on (port 0 picks a free port); for cxone, the issuer's.
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
    /// How a rate-limited 429 gives Retry-After: seconds or date (an HTTP date) [default:
    /// seconds; cxone: none, like CXone].
    #[arg(long, value_name = "STYLE", value_parser = parse_retry_after)]
    pub retry_after: Option<RetryAfterStyle>,
    /// Added to every API answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of API requests answered with a fault (5xx, dropped connection, slow answer), 0..1.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub fault_rate: f64,
    /// The fault kinds drawn from, comma-separated: 5xx, drop (closed unanswered), slow,
    /// lost (carried out, then closed unanswered: a write its client never hears of), and
    /// for cxone 429 (without Retry-After) [default: 5xx,drop,slow; cxone: 5xx,drop,slow,429].
    #[arg(long, value_name = "KINDS", value_delimiter = ',', value_parser = parse_fault)]
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
    /// cxone: serve the API on this second address (named by api_endpoint).
    #[arg(long, value_name = "ADDR")]
    pub api_listen: Option<SocketAddr>,
    /// cxone: accepted access keys, repeatable [default: DEMOKEY4Kx/9+Zq2=:s3cr3t+/Kd8PzQ==].
    #[arg(long = "access-key", value_name = "ID:SECRET", value_parser = parse_access_key)]
    pub access_keys: Vec<AccessKey>,
    /// cxone: the known skills: N generated ids, or the skillIds of schedule documents in a
    /// file or folder (JSON, JSONL, TOML, YAML), or a file of ids one a line.
    #[arg(long, value_name = "N|PATH", value_parser = parse_skills)]
    pub skills: Option<SkillSource>,
    /// cxone: the business unit's time zone, a Windows zone name.
    #[arg(long, value_name = "NAME", default_value = "Eastern Standard Time")]
    pub business_unit_timezone: String,
    /// cxone: the zones enabled for the business unit, comma-separated Windows names
    /// [default: the US zones].
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub business_unit_zones: Vec<String>,
    /// cxone: refuse schedule-settings with any day inactive or start = end (400
    /// InvalidParameter), as one live tenant does.
    #[arg(long)]
    pub reject_inactive_days: bool,
    /// cxone: GET /skills sends totalRecords as a number or a string.
    #[arg(long, value_name = "AS", default_value = "number", value_parser = parse_quirk::<TotalRecords>)]
    pub total_records: TotalRecords,
    /// cxone: GET schedule-settings and time-zones times as HH:mm or HH:mm:ss.
    #[arg(long, value_name = "FORMAT", default_value = "HH:mm", value_parser = parse_quirk::<TimeFormat>)]
    pub schedule_time_format: TimeFormat,
    /// cxone: GET time-zones items name their zone by name or standardName.
    #[arg(long, value_name = "KEY", default_value = "name", value_parser = parse_quirk::<ZoneItemKey>)]
    pub time_zone_item_key: ZoneItemKey,
}

fn parse_access_key(s: &str) -> Result<AccessKey, String> {
    s.parse()
        .map_err(|e: cxsched_emulator::EmulatorError| e.to_string())
}

fn parse_skills(s: &str) -> Result<SkillSource, String> {
    s.parse()
        .map_err(|e: cxsched_emulator::EmulatorError| e.to_string())
}

fn parse_quirk<T>(s: &str) -> Result<T, String>
where
    T: std::str::FromStr<Err = cxsched_emulator::EmulatorError>,
{
    s.parse()
        .map_err(|e: cxsched_emulator::EmulatorError| e.to_string())
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

/// Options that only one platform understands, given to the other: a usage error.
fn misplaced(args: &Args) -> Option<&'static str> {
    match args.platform {
        Platform::Seed => [
            (args.api_listen.is_some(), "--api-listen"),
            (!args.access_keys.is_empty(), "--access-key"),
            (args.skills.is_some(), "--skills"),
            (args.reject_inactive_days, "--reject-inactive-days"),
            (
                !args.business_unit_zones.is_empty(),
                "--business-unit-zones",
            ),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name)),
        Platform::Cxone => [
            (args.campaigns.is_some(), "--campaigns"),
            (args.accept_any_campaign, "--accept-any-campaign"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name)),
    }
}

impl Args {
    fn cxone_config(self) -> CxoneConfig {
        let defaults = CxoneConfig::default();
        CxoneConfig {
            listen: self.listen,
            api_listen: self.api_listen,
            clients: if self.clients.is_empty() {
                defaults.clients.clone()
            } else {
                self.clients
            },
            access_keys: if self.access_keys.is_empty() {
                defaults.access_keys.clone()
            } else {
                self.access_keys
            },
            skills: self.skills.unwrap_or_default(),
            business_unit_timezone: self.business_unit_timezone,
            business_unit_zones: if self.business_unit_zones.is_empty() {
                defaults.business_unit_zones.clone()
            } else {
                self.business_unit_zones
            },
            reject_inactive_days: self.reject_inactive_days,
            token_ttl: Duration::from_secs(self.token_ttl),
            rate_limit: (self.rate_limit != 0.0).then_some(self.rate_limit),
            retry_after: self.retry_after,
            latency: Duration::from_millis(self.latency_ms),
            faults: Faults {
                rate: self.fault_rate,
                kinds: if self.fault_kinds.is_empty() {
                    FaultKind::CXONE_DEFAULT.to_vec()
                } else {
                    self.fault_kinds
                },
                slow: Duration::from_millis(self.slow_ms),
            },
            seed: self.seed,
            state_file: self.state,
            quirks: Quirks {
                total_records: self.total_records,
                time_format: self.schedule_time_format,
                zone_item_key: self.time_zone_item_key,
            },
            ..defaults
        }
    }

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
            retry_after: self.retry_after.unwrap_or_default(),
            latency: Duration::from_millis(self.latency_ms),
            faults: Faults {
                rate: self.fault_rate,
                kinds: if self.fault_kinds.is_empty() {
                    FaultKind::DEFAULT.to_vec()
                } else {
                    self.fault_kinds
                },
                slow: Duration::from_millis(self.slow_ms),
            },
            state_file: self.state,
            seed: self.seed,
            ..EmulatorConfig::default()
        }
    }
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    if let Some(name) = misplaced(&args) {
        let other = match args.platform {
            Platform::Seed => "--platform cxone",
            Platform::Cxone => "--platform seed",
        };
        return Err(UsageError(format!("{name} belongs to {other}")).into());
    }
    if args.platform == Platform::Cxone {
        return run_cxone(args.cxone_config(), globals);
    }
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

fn run_cxone(config: CxoneConfig, _globals: &Globals) -> anyhow::Result<Outcome> {
    config.check().map_err(|e| UsageError(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        // As for seed: handlers before the first line of stdout.
        let mut stop = StopSignal::install();
        let two = config.api_listen.is_some();
        let emulator = cxsched_emulator::cxone::spawn(config)
            .await
            .map_err(|e| UsageError(e.to_string()))?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on {}", emulator.issuer_url())?;
            if two {
                writeln!(out, "api on {}", emulator.api_url())?;
            }
            out.flush()?;
        }
        let state = emulator.state();
        for note in state.notes() {
            eprintln!("note: {note}");
        }
        let cfg = state.config();
        let ids: Vec<&str> = cfg.clients.iter().map(|c| c.id.as_str()).collect();
        eprintln!(
            "cxone: {} skill(s) known; business unit {} in {}; tenant {}; clients: {}; stop with Ctrl-C",
            state.skill_ids().len(),
            cfg.business_unit_id,
            cfg.business_unit_timezone,
            cfg.tenant_id,
            ids.join(", ")
        );
        if !emulator.addr().ip().is_loopback() || !emulator.api_addr().ip().is_loopback() {
            eprintln!("warning: listening on a non-loopback address; /_emulator/ still answers loopback clients only");
        }
        stop.wait().await;
        emulator.shutdown().await;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(Outcome::Ok)
}
