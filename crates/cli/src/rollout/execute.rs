//! Writing a plan: concurrent schedule writes under the client's rate limit, every attempt
//! recorded in the audit log, a signed webhook queued in the outbox after each write, and a
//! clean stop on Ctrl-C (no new writes start; those in flight finish and are reported).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cxsched_api::{Client, WriteOutcome};
use cxsched_audit::{AuditEntry, AuditLog, payload_sha256};
use cxsched_webhooks::{Event, Outbox};
use indicatif::ProgressBar;

use super::plan::{Entry, Status};
use super::{Pool, in_order};

/// How `apply` treats what the plan found.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub concurrency: usize,
    /// Write campaigns with compliance errors anyway, for this stated reason.
    pub override_reason: Option<String>,
    /// Overwrite schedules changed outside cxsched since our last write, for this reason.
    pub overwrite_drift: Option<String>,
    /// Who acts: the API client id.
    pub actor: String,
    /// The rule pack used for the compliance gate (name and version).
    pub rule_pack: String,
}

/// How one campaign ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Written,
    /// The live schedule already meant the desired one (nothing written).
    Unchanged,
    /// The live schedule changed between our read and our write; not overwritten.
    Conflict,
    /// Not written: compliance errors or out-of-band drift, without an override.
    Refused,
    /// The write failed (the API refused it, or it could not be completed).
    Failed,
    /// The document is invalid or the live schedule could not be read.
    Invalid,
    /// Ctrl-C came before this campaign's write started.
    NotStarted,
}

impl Ending {
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::Written => "written",
            Ending::Unchanged => "unchanged",
            Ending::Conflict => "conflict",
            Ending::Refused => "refused",
            Ending::Failed => "failed",
            Ending::Invalid => "error",
            Ending::NotStarted => "not_started",
        }
    }

    /// Whether this ending makes the command's exit status 1.
    pub fn is_failure(self) -> bool {
        !matches!(self, Ending::Written | Ending::Unchanged)
    }
}

/// One campaign's result.
pub struct CampaignResult {
    pub source: String,
    pub campaign_id: Option<String>,
    pub ending: Ending,
    pub etag_before: Option<String>,
    pub etag_after: Option<String>,
    pub message: Option<String>,
    /// For a conflict or a refused drift: the two versions that disagree, labelled.
    pub versions: Option<Versions>,
    pub latency_ms: Option<u64>,
    /// The webhook queued for this write.
    pub webhook_id: Option<String>,
}

/// Two labelled versions of a schedule: `read`/`live` for a write conflict (what we read
/// before writing, what is live now), `live`/`desired` for a refused drift.
pub struct Versions(pub [(&'static str, serde_json::Value); 2]);

/// Shared sinks of an apply run.
pub struct Sinks {
    pub audit: Mutex<AuditLog>,
    pub outbox: Option<Outbox>,
    /// First audit failure, if any: the run must not report success.
    pub audit_failure: Mutex<Option<String>>,
}

impl Sinks {
    /// Appends an entry; a failure is remembered (and makes the run fail), not fatal here.
    pub fn record(&self, mut entry: AuditEntry, settings: &Settings) {
        entry.actor = Some(settings.actor.clone());
        entry.tzdb = Some(cxsched_core::tzdb_version().to_owned());
        entry.rule_pack = Some(settings.rule_pack.clone());
        let result = self
            .audit
            .lock()
            .map_err(|_| "the audit log lock is poisoned".to_owned())
            .and_then(|mut log| log.append(&entry).map(drop).map_err(|e| e.to_string()));
        if let Err(e) = result {
            let mut slot = self.audit_failure.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert(e);
        }
    }
}

/// Runs the writes of `entries` and returns one result per entry, in plan order.
pub async fn execute(
    client: Arc<Client>,
    entries: Vec<Entry>,
    settings: Arc<Settings>,
    sinks: Arc<Sinks>,
    stop: Arc<AtomicBool>,
    progress: ProgressBar,
) -> Vec<CampaignResult> {
    let mut ended: Vec<(usize, CampaignResult)> = Vec::with_capacity(entries.len());
    let mut writes = Pool::new(settings.concurrency);
    // Campaigns whose task failed internally, by index, to report them rather than lose them.
    let mut who: HashMap<usize, (String, Option<String>)> = HashMap::new();
    for (i, entry) in entries.into_iter().enumerate() {
        match gate(&entry, &settings) {
            Gate::Done(decided) => {
                let (result, audit) = *decided;
                if let Some(a) = audit {
                    sinks.record(a, &settings);
                }
                progress.inc(1);
                ended.push((i, result));
            }
            Gate::Write(_) if stop.load(Ordering::SeqCst) => {
                progress.inc(1);
                ended.push((i, not_started(&entry)));
            }
            Gate::Write(override_reason) => {
                who.insert(i, (entry.source.clone(), entry.campaign_id.clone()));
                let (client, settings, sinks, stop, progress) = (
                    Arc::clone(&client),
                    Arc::clone(&settings),
                    Arc::clone(&sinks),
                    Arc::clone(&stop),
                    progress.clone(),
                );
                writes
                    .spawn(i, async move {
                        // Ctrl-C may have come while this task waited for a place.
                        let result = if stop.load(Ordering::SeqCst) {
                            not_started(&entry)
                        } else {
                            write_one(&client, entry, override_reason, &settings, &sinks).await
                        };
                        progress.inc(1);
                        result
                    })
                    .await;
            }
        }
    }
    for (i, result) in writes.finish().await {
        let result = result.unwrap_or_else(|e| {
            let (source, campaign_id) = who.remove(&i).unwrap_or_default();
            CampaignResult {
                source,
                campaign_id,
                ending: Ending::Failed,
                etag_before: None,
                etag_after: None,
                message: Some(e),
                versions: None,
                latency_ms: None,
                webhook_id: None,
            }
        });
        ended.push((i, result));
    }
    in_order(ended)
}

enum Gate {
    /// Decided without writing: the result, and the audit entry to record (if any).
    Done(Box<(CampaignResult, Option<AuditEntry>)>),
    /// Write, with the override reason that allowed it (if one was needed).
    Write(Option<String>),
}

fn gate(entry: &Entry, settings: &Settings) -> Gate {
    let base = |ending: Ending, message: Option<String>| CampaignResult {
        source: entry.source.clone(),
        campaign_id: entry.campaign_id.clone(),
        ending,
        etag_before: entry.live.as_ref().map(|l| l.etag.clone()),
        etag_after: None,
        message,
        versions: None,
        latency_ms: None,
        webhook_id: None,
    };
    let audit = |action: &str, outcome: &str, error: Option<String>| {
        let mut a = AuditEntry::new(action, outcome);
        a.campaign_id = entry.campaign_id.clone();
        a.etag_before = entry.live.as_ref().map(|l| l.etag.clone());
        a.payload_sha256 = entry
            .desired
            .as_ref()
            .map(|d| payload_sha256(d.to_wire().to_string().as_bytes()));
        a.error = error;
        a
    };
    match entry.status {
        Status::Unchanged => Gate::Done(Box::new((base(Ending::Unchanged, None), None))),
        Status::Error => {
            let action = if entry.desired.is_none() {
                "validation.failed"
            } else {
                "apply.read"
            };
            Gate::Done(Box::new((
                base(Ending::Invalid, entry.detail.clone()),
                Some(audit(action, "failed", entry.detail.clone())),
            )))
        }
        Status::Conflict if settings.overwrite_drift.is_none() => {
            let mut r = base(Ending::Refused, entry.detail.clone());
            r.versions = versions_of(entry);
            Gate::Done(Box::new((
                r,
                Some(audit("apply.refused", "refused", entry.detail.clone())),
            )))
        }
        Status::Changed | Status::Conflict => {
            let drift = (entry.status == Status::Conflict)
                .then(|| settings.overwrite_drift.clone())
                .flatten();
            if entry.compliance_errors.is_empty() {
                return Gate::Write(drift);
            }
            match &settings.override_reason {
                Some(reason) => {
                    let reason = match drift {
                        Some(d) => format!("{reason}; drift: {d}"),
                        None => reason.clone(),
                    };
                    Gate::Write(Some(reason))
                }
                None => {
                    let why = format!(
                        "not written: {} compliance error(s) (see `cxsched check {}`); fix the \
                         schedule, or apply with --override REASON to write it anyway",
                        entry.compliance_errors.len(),
                        entry.source
                    );
                    Gate::Done(Box::new((
                        base(Ending::Refused, Some(why.clone())),
                        Some(audit("apply.refused", "refused", Some(why))),
                    )))
                }
            }
        }
    }
}

fn versions_of(entry: &Entry) -> Option<Versions> {
    Some(Versions([
        ("live", entry.live.as_ref()?.body.clone()),
        ("desired", entry.desired.as_ref()?.to_wire()),
    ]))
}

fn not_started(entry: &Entry) -> CampaignResult {
    CampaignResult {
        source: entry.source.clone(),
        campaign_id: entry.campaign_id.clone(),
        ending: Ending::NotStarted,
        etag_before: entry.live.as_ref().map(|l| l.etag.clone()),
        etag_after: None,
        message: Some("interrupted before this write started; run apply again".into()),
        versions: None,
        latency_ms: None,
        webhook_id: None,
    }
}

async fn write_one(
    client: &Client,
    entry: Entry,
    override_reason: Option<String>,
    settings: &Settings,
    sinks: &Sinks,
) -> CampaignResult {
    let (Some(desired), Some(live)) = (&entry.desired, &entry.live) else {
        unreachable!("the gate only writes entries with a desired and a live schedule")
    };
    let body = desired.to_wire();
    let mut audit = AuditEntry::new("apply.write", "ok");
    audit.campaign_id = entry.campaign_id.clone();
    audit.etag_before = Some(live.etag.clone());
    audit.payload_sha256 = Some(payload_sha256(body.to_string().as_bytes()));
    audit.override_reason = override_reason;
    let mut result = CampaignResult {
        source: entry.source.clone(),
        campaign_id: entry.campaign_id.clone(),
        ending: Ending::Written,
        etag_before: Some(live.etag.clone()),
        etag_after: None,
        message: None,
        versions: None,
        latency_ms: None,
        webhook_id: None,
    };
    let started = Instant::now();
    let outcome = client.write_schedule(desired, live).await;
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    audit.latency_ms = Some(latency_ms);
    result.latency_ms = Some(latency_ms);
    match outcome {
        Ok(WriteOutcome::Written {
            etag_after,
            answer_lost,
            ..
        }) => {
            audit.etag_after = Some(etag_after.clone());
            result.etag_after = Some(etag_after.clone());
            if answer_lost {
                audit.details = serde_json::json!({ "answerLost": true, "confirmedBy": "re-read" });
                result.message = Some(
                    "the answer to the write was lost; re-reading found the desired schedule in \
                     place"
                        .into(),
                );
            }
            sinks.record(audit, settings);
            if let Some(outbox) = &sinks.outbox {
                let event = Event {
                    campaign_id: desired.campaign_id.to_string(),
                    timezone: desired.timezone.name.to_string(),
                    windows: body["timeWindows"].clone(),
                    directive: desired.directive.as_str().to_owned(),
                    timestamp: jiff::Timestamp::now(),
                    etag_after,
                };
                match outbox.enqueue(&event) {
                    Ok(id) => result.webhook_id = Some(id),
                    Err(e) => {
                        result.message =
                            Some(format!("written, but the webhook could not be queued: {e}"));
                    }
                }
            }
        }
        Ok(WriteOutcome::AlreadyInPlace { etag, .. }) => {
            audit.outcome = "already_in_place".into();
            audit.etag_after = Some(etag.clone());
            result.ending = Ending::Unchanged;
            result.etag_after = Some(etag);
            result.message =
                Some("the live schedule already matched when we wrote; nothing written".into());
            sinks.record(audit, settings);
        }
        Err(e) if e.is_conflict() => {
            audit.action = "apply.conflict".into();
            audit.outcome = "conflict".into();
            audit.error = Some(e.to_string());
            if let Some(c) = e.conflict() {
                audit.etag_after = Some(c.live.etag.clone());
                result.versions = Some(Versions([
                    ("read", c.read.body.clone()),
                    ("live", c.live.body.clone()),
                ]));
            }
            result.ending = Ending::Conflict;
            result.message = Some(format!(
                "the live schedule changed after we read it; not overwritten. {e}"
            ));
            sinks.record(audit, settings);
        }
        Err(e) => {
            audit.outcome = "failed".into();
            audit.error = Some(e.to_string());
            result.ending = Ending::Failed;
            result.message = Some(e.to_string());
            sinks.record(audit, settings);
        }
    }
    result
}
