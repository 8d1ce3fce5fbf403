//! `cxsched get ID`: the live schedule of a campaign and its ETag (seed), or of a CXone
//! skill with its per-zone curfews and version (`--platform cxone`), as the API returns it.
//! Human output lists the windows; JSON output is `{"campaignId", "etag", "schedule"}` with
//! the body as the server sent it (cxone: `{"skillId", "version", "scheduleSettings",
//! "timeZoneSettings"}`).

use std::io::Write;

use cxsched_api::{ApiError, Client, ErrorKind, Live};
use cxsched_core::model::weekday_name;
use serde_json::json;
use uuid::Uuid;

use super::{Globals, Outcome, RemoteError, UsageError};
use crate::config::{ApiFlags, ApiSettings, PlatformFlag, PlatformName};
use crate::output::{OutputMode, print_json};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The campaign's id (a UUID), or on cxone the skill's id (a positive integer).
    #[arg(value_name = "ID")]
    pub campaign_id: String,
    #[command(flatten)]
    pub platform: PlatformFlag,
    #[command(flatten)]
    pub api: ApiFlags,
}

/// Maps a client error to the exit status it deserves: configuration → 2, the rest → 3.
pub fn api_failure(err: ApiError) -> anyhow::Error {
    if err.kind() == ErrorKind::Config {
        UsageError(err.to_string()).into()
    } else {
        RemoteError(err.to_string()).into()
    }
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    if args.platform.resolve()? == PlatformName::Cxone {
        return run_cxone(&args, globals);
    }
    let id = Uuid::try_parse(args.campaign_id.trim()).ok().filter(|id| !id.is_nil()).ok_or_else(|| {
        UsageError(format!(
            "{:?} is not a campaign id; expected a UUID such as 3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab",
            args.campaign_id
        ))
    })?;
    let settings = ApiSettings::from_sources(&args.api)?;
    let client = Client::new(settings.client_config()).map_err(api_failure)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let live = runtime
        .block_on(client.get_schedule(id))
        .map_err(api_failure)?;
    match globals.output {
        OutputMode::Json => {
            print_json(&json!({"campaignId": id, "etag": live.etag, "schedule": live.body}))?;
        }
        OutputMode::Human => print_human(&live)?,
    }
    Ok(Outcome::Ok)
}

fn print_human(live: &Live) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "campaign {}", live.campaign_id)?;
    writeln!(out, "  ETag: {}", live.etag)?;
    if let Some(status) = live.body.get("status").and_then(|s| s.as_str()) {
        writeln!(out, "  status: {status}")?;
    }
    match &live.schedule {
        Some(s) => {
            if let Some(sid) = s.schedule_id {
                writeln!(out, "  scheduleId: {sid}")?;
            }
            writeln!(out, "  timezone: {}", s.timezone.name)?;
            writeln!(out, "  businessHoursDirective: {}", s.directive.as_str())?;
            writeln!(out, "  maxConcurrentCalls: {}", s.max_concurrent_calls)?;
            if s.windows.is_empty() {
                writeln!(out, "  windows: none (the campaign never dials)")?;
            } else {
                writeln!(out, "  windows:")?;
                for w in cxsched_core::compare::canonical_windows(&s.windows) {
                    writeln!(out, "    {:<9} {}–{}", weekday_name(w.day), w.start, w.end)?;
                }
            }
        }
        None => {
            writeln!(out, "  no valid schedule is set; the server sent:")?;
            let pretty = serde_json::to_string_pretty(&live.body).unwrap_or_default();
            for line in pretty.lines() {
                writeln!(out, "    {line}")?;
            }
        }
    }
    out.flush()
}

/// `get --platform cxone SKILL_ID`.
fn run_cxone(args: &Args, globals: &Globals) -> anyhow::Result<Outcome> {
    use cxsched_engine::Platform;
    let skill: u64 = args
        .campaign_id
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            UsageError(format!(
                "{:?} is not a skill id; on cxone, get takes a skill's id (a positive integer)",
                args.campaign_id
            ))
        })?;
    let (config, _) = ApiSettings::cxone(&args.api)?;
    let client = cxsched_api::cxone::CxoneClient::new(config).map_err(api_failure)?;
    let platform = cxsched_engine::cxone::Cxone::new(client);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let target = cxsched_engine::Target {
        campaign_id: Uuid::nil(),
        skill_id: Some(skill),
    };
    let live = runtime
        .block_on(platform.read(target))
        .map_err(api_failure)?;
    let version = platform.version(target, &live);
    let body = platform.live_json(&live);
    match globals.output {
        OutputMode::Json => print_json(&json!({
            "skillId": skill,
            "version": version,
            "scheduleSettings": body["scheduleSettings"],
            "timeZoneSettings": body["timeZoneSettings"],
        }))?,
        OutputMode::Human => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "skill {skill}")?;
            writeln!(out, "  version: {version}")?;
            let s = &live.schedule.value;
            writeln!(out, "  isScheduled: {}", s.is_scheduled)?;
            for (i, d) in s.days.iter().enumerate() {
                let name = cxsched_core::model::WEEKDAY_NAMES[i];
                match (d.active, d.start, d.end) {
                    (true, Some(a), Some(b)) => {
                        writeln!(out, "    {name:<9} {}–{}", hhmm(a), hhmm(b))?;
                    }
                    _ => writeln!(out, "    {name:<9} off")?,
                }
            }
            let active: Vec<_> = live.zones.value.iter().filter(|z| z.active).collect();
            if active.is_empty() {
                writeln!(out, "  curfews: none active")?;
            } else {
                writeln!(out, "  curfews (recipient local time):")?;
                for z in active {
                    match (z.override_time, z.start, z.end) {
                        (true, Some(a), Some(b)) => {
                            writeln!(out, "    {:<28} {}–{}", z.standard_name, hhmm(a), hhmm(b))?;
                        }
                        _ => writeln!(out, "    {:<28} business unit hours", z.standard_name)?,
                    }
                }
            }
            out.flush()?;
        }
    }
    Ok(Outcome::Ok)
}

/// `HH:mm`, as CXone writes times.
fn hhmm(t: cxsched_core::LocalTime) -> String {
    t.to_string()[..5].to_owned()
}
