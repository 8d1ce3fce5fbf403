//! `cxsched webhooks flush` and `cxsched webhooks status`: deliver what the durable webhook
//! outbox still holds, and show every event's state (attempts, last error, delivery time).
//!
//! The outbox folder comes from `--outbox`, then `CXSCHED_OUTBOX`, then `./cxsched-outbox`;
//! the receiver from `--url`, then `WEBHOOK_URL`; the signing secret only from
//! `WEBHOOK_SECRET` (environment or `.env`), never from a flag, and it is never printed.

use crate::config::lookup;
use std::path::PathBuf;
use std::time::Duration;

use cxsched_webhooks::{DeliveryState, Outbox, WebhookSecret};
use serde_json::json;

use super::{Globals, Outcome, UsageError};
use crate::output::{self, OutputMode};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Deliver the pending events now, signed, with backoff, within a bounded wait.
    Flush(FlushArgs),
    /// Show the events in the outbox and their delivery state.
    Status(StatusArgs),
}

#[derive(clap::Args, Debug)]
pub struct FlushArgs {
    /// The outbox folder [default: $CXSCHED_OUTBOX, else ./cxsched-outbox].
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
    /// The receiver [default: $WEBHOOK_URL]; https, or http to a loopback address.
    #[arg(long)]
    pub url: Option<String>,
    /// Longest time to keep retrying, in seconds; what is left stays pending.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub wait: u64,
    /// Put events the receiver refused back to pending before delivering.
    #[arg(long)]
    pub retry_failed: bool,
}

#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    /// The outbox folder [default: $CXSCHED_OUTBOX, else ./cxsched-outbox].
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
}

/// The outbox folder to use (flag, `CXSCHED_OUTBOX`, default).
///
/// # Errors
/// An unreadable `.env`.
pub fn outbox_dir(given: Option<PathBuf>) -> Result<PathBuf, UsageError> {
    Ok(match given {
        Some(dir) => dir,
        None => lookup("CXSCHED_OUTBOX")?.map_or_else(
            || PathBuf::from(cxsched_webhooks::DEFAULT_OUTBOX_DIR),
            PathBuf::from,
        ),
    })
}

pub fn run(command: Command, globals: &Globals) -> anyhow::Result<Outcome> {
    match command {
        Command::Flush(args) => flush(args, globals),
        Command::Status(args) => status(args, globals),
    }
}

fn flush(args: FlushArgs, globals: &Globals) -> anyhow::Result<Outcome> {
    let dir = outbox_dir(args.outbox)?;
    let outbox = Outbox::open(&dir).map_err(|e| UsageError(e.to_string()))?;
    if args.retry_failed {
        outbox.requeue_failed()?;
    }
    let before = outbox.counts()?;
    let report = if before.pending == 0 {
        cxsched_webhooks::DeliveryReport {
            failed: 0,
            ..Default::default()
        }
    } else {
        let url = match args.url {
            Some(u) => Some(u),
            None => lookup("WEBHOOK_URL")?,
        }
        .ok_or_else(|| {
            UsageError(format!(
                "{} event(s) are pending but no receiver is configured; set WEBHOOK_URL or \
                 give --url",
                before.pending
            ))
        })?;
        cxsched_webhooks::check_url(&url).map_err(|e| UsageError(e.to_string()))?;
        let secret = lookup("WEBHOOK_SECRET")?.ok_or_else(|| {
            UsageError("no webhook signing secret; set WEBHOOK_SECRET (whsec_… or raw)".into())
        })?;
        let secret = WebhookSecret::parse(&secret).map_err(|e| UsageError(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let http = cxsched_webhooks::http_client()?;
            outbox
                .deliver_pending(&http, &url, &secret, Duration::from_secs(args.wait))
                .await
        })?
    };
    let failed_total = outbox.counts()?.failed;
    match globals.output {
        OutputMode::Json => output::print_json(&json!({
            "outbox": dir.display().to_string(),
            "delivered": report.delivered,
            "failed": report.failed,
            "pending": report.pending,
            "attempts": report.attempts,
            "failedTotal": failed_total,
        }))?,
        OutputMode::Human => {
            println!(
                "{}: delivered {}, refused by the receiver {}, still pending {} ({} requests)",
                dir.display(),
                report.delivered,
                report.failed,
                report.pending,
                report.attempts
            );
            if report.pending > 0 {
                println!(
                    "  pending events stay in the outbox; run `cxsched webhooks flush` again later"
                );
            }
            if failed_total > 0 {
                println!(
                    "  {failed_total} event(s) were refused; see `cxsched webhooks status`, fix the \
                     receiver, then `cxsched webhooks flush --retry-failed`"
                );
            }
        }
    }
    Ok(Outcome::failed_if(report.pending > 0 || failed_total > 0))
}

fn status(args: StatusArgs, globals: &Globals) -> anyhow::Result<Outcome> {
    let dir = outbox_dir(args.outbox)?;
    if !dir.is_dir() {
        return Err(UsageError(format!(
            "{}: no webhook outbox there; give --outbox or set CXSCHED_OUTBOX",
            dir.display()
        ))
        .into());
    }
    let outbox = Outbox::open(&dir).map_err(|e| UsageError(e.to_string()))?;
    let records = outbox.list()?;
    let count = |s: DeliveryState| records.iter().filter(|r| r.state == s).count();
    match globals.output {
        OutputMode::Json => {
            let events: Vec<serde_json::Value> = records
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id,
                        "event": r.event,
                        "campaignId": r.campaign_id,
                        "state": r.state.as_str(),
                        "attempts": r.attempts,
                        "createdAt": r.created_at.to_string(),
                        "lastAttemptAt": r.last_attempt_at.map(|t| t.to_string()),
                        "lastStatus": r.last_status,
                        "lastError": r.last_error,
                        "deliveredAt": r.delivered_at.map(|t| t.to_string()),
                    })
                })
                .collect();
            output::print_json(&json!({
                "outbox": dir.display().to_string(),
                "pending": count(DeliveryState::Pending),
                "delivered": count(DeliveryState::Delivered),
                "failed": count(DeliveryState::Failed),
                "events": events,
            }))?;
        }
        OutputMode::Human => {
            println!(
                "{}: {} pending, {} delivered, {} failed",
                dir.display(),
                count(DeliveryState::Pending),
                count(DeliveryState::Delivered),
                count(DeliveryState::Failed)
            );
            for r in &records {
                let when = r
                    .delivered_at
                    .or(r.last_attempt_at)
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "never tried".into());
                let error = r
                    .last_error
                    .as_deref()
                    .map(|e| format!("  last error: {e}"))
                    .unwrap_or_default();
                println!(
                    "  {} {:<9} {} {} attempt(s), {when}{error}",
                    r.id,
                    r.state.as_str(),
                    r.campaign_id,
                    r.attempts
                );
            }
        }
    }
    Ok(Outcome::Ok)
}
