//! `cxsched get CAMPAIGN_ID`: the live schedule of a campaign and its ETag, as the API
//! returns it. Human output lists the windows; JSON output is
//! `{"campaignId", "etag", "schedule"}` with the body as the server sent it.

use std::io::Write;

use cxsched_api::{ApiError, Client, ErrorKind, Live};
use cxsched_core::model::weekday_name;
use serde_json::json;
use uuid::Uuid;

use super::{Globals, Outcome, RemoteError, UsageError};
use crate::config::{ApiFlags, ApiSettings};
use crate::output::{OutputMode, print_json};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The campaign's id (a UUID).
    #[arg(value_name = "CAMPAIGN_ID")]
    pub campaign_id: String,
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
