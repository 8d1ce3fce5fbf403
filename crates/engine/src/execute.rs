//! Writing a plan: concurrent writes under the client's rate limit, every attempt recorded in
//! the audit log, a signed webhook queued in the outbox after each write, and a clean stop
//! when the stop flag is raised (no new writes start; those in flight finish and are
//! reported).
//!
//! The audit log is written ahead (CONTRACT §11): first the settlements of intents an
//! earlier run left pending (decided by the plan's read), then, per write, an `apply.intent`
//! entry synced before the request is sent — when it cannot be recorded, nothing is sent —
//! and the outcome carrying the same `details.intentId`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cxsched_audit::{AuditEntry, AuditLog, payload_sha256};
use cxsched_webhooks::Outbox;
use serde_json::Value;

use crate::plan::{Entry, Settlement, Status};
use crate::platform::{Conflict, Platform, Target, WriteError, Written};
use crate::pool::{Pool, Slots};
use crate::record::{self, Action, Outcome};

/// How `apply` treats what the plan found.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub concurrency: usize,
    /// Write targets with compliance errors anyway, for this stated reason.
    pub override_reason: Option<String>,
    /// Overwrite targets changed outside cxsched since our last write, for this reason.
    pub overwrite_drift: Option<String>,
    /// Who acts (never a secret).
    pub actor: String,
    /// The rule pack used for the compliance gate (name and version).
    pub rule_pack: String,
}

/// How one target ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Written,
    /// The live state already meant the desired one (nothing written).
    Unchanged,
    /// The live state changed between our read and our write; not overwritten.
    Conflict,
    /// Not written: compliance errors or out-of-band drift, without an override.
    Refused,
    /// The write failed (the platform refused it, or it could not be completed).
    Failed,
    /// The document is invalid or the live state could not be read.
    Invalid,
    /// The stop came before this target's write started.
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

/// One target's result.
pub struct TargetResult {
    pub source: String,
    pub campaign_id: Option<String>,
    pub target: Option<Target>,
    pub ending: Ending,
    pub version_before: Option<String>,
    pub version_after: Option<String>,
    pub message: Option<String>,
    /// For a conflict or a refused drift: the two versions that disagree, labelled.
    pub versions: Option<Versions>,
    pub latency_ms: Option<u64>,
    /// The webhook queued for this write.
    pub webhook_id: Option<String>,
}

impl TargetResult {
    fn new<P: Platform>(entry: &Entry<P>, ending: Ending, message: Option<String>) -> TargetResult {
        TargetResult {
            source: entry.source.clone(),
            campaign_id: entry.campaign_id.clone(),
            target: entry.target,
            ending,
            version_before: entry.version.clone(),
            version_after: None,
            message,
            versions: None,
            latency_ms: None,
            webhook_id: None,
        }
    }
}

/// Two labelled versions of a target's state: `read`/`live` for a write conflict (what we
/// read before writing, what is live now), `live`/`desired` for a refused drift.
pub struct Versions(pub [(&'static str, Value); 2]);

/// Shared sinks of an apply run.
pub struct Sinks {
    pub audit: Mutex<AuditLog>,
    pub outbox: Option<Outbox>,
    /// First audit failure, if any: the run must not report success.
    pub audit_failure: Mutex<Option<String>>,
}

impl Sinks {
    pub fn new(audit: AuditLog, outbox: Option<Outbox>) -> Sinks {
        Sinks {
            audit: Mutex::new(audit),
            outbox,
            audit_failure: Mutex::new(None),
        }
    }

    /// Appends an entry; a failure is remembered (and makes the run fail), not fatal here.
    pub fn record(&self, entry: AuditEntry, settings: &Settings) {
        let _ = self.record_checked(entry, settings);
    }

    /// Appends an entry and says whether it is on disk; a failure is also remembered (and
    /// makes the run fail).
    ///
    /// # Errors
    /// Why the entry could not be appended.
    pub fn record_checked(&self, mut entry: AuditEntry, settings: &Settings) -> Result<(), String> {
        entry.actor = Some(settings.actor.clone());
        entry.tzdb = Some(cxsched_core::tzdb_version().to_owned());
        entry.rule_pack = Some(settings.rule_pack.clone());
        let result = self
            .audit
            .lock()
            .map_err(|_| "the audit log lock is poisoned".to_owned())
            .and_then(|mut log| log.append(&entry).map(drop).map_err(|e| e.to_string()));
        if let Err(e) = &result {
            let mut slot = self.audit_failure.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert(e.clone());
        }
        result
    }

    /// The first audit failure of the run, if any.
    pub fn failure(&self) -> Option<String> {
        self.audit_failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// What a run is told from outside: stop when the flag is raised; tick after each target.
pub struct Control {
    pub stop: Arc<AtomicBool>,
    pub progress: Arc<dyn Fn() + Send + Sync>,
}

/// Runs the writes of `entries` and returns one result per entry, in plan order.
///
/// Every attempt is recorded in `sinks.audit` (an intent before each write, its outcome
/// after); [`Sinks::failure`] says whether the audit log could not be written.
///
/// # Example
///
/// A plan against the seed emulator (as in [`crate::plan::plan`]'s example) applied, with
/// the audit log in a temporary folder:
///
/// ```
/// # use std::sync::Arc;
/// # use cxsched_api::{Client, ClientConfig, Secret};
/// # use cxsched_core::{Format, parse_document};
/// # use cxsched_emulator::{CampaignSource, EmulatorConfig};
/// # use cxsched_engine::Document;
/// # use cxsched_engine::seed::Seed;
/// # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// # let id = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab";
/// # let mut config = EmulatorConfig::loopback();
/// # config.campaigns = CampaignSource::Documents(vec![
/// #     serde_json::json!({"campaignId": id, "timeWindows": []}),
/// # ]);
/// # let emu = cxsched_emulator::spawn(config).await.unwrap();
/// # let client = ClientConfig::new(emu.base_url(), "demo-client", Secret::new("demo-secret"));
/// # let seed = Arc::new(Seed::new(Client::new(client).unwrap()));
/// # let text = format!(
/// #     r#"{{"campaignId":"{id}","timezone":"America/New_York","businessHoursDirective":"STRICT",
/// #     "maxConcurrentCalls":10,
/// #     "timeWindows":[{{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}}]}}"#
/// # );
/// # let validation = parse_document(&text, Format::Json);
/// # let doc = Document { source: "doc.json".into(), base_dir: ".".into(), validation };
/// use std::sync::atomic::AtomicBool;
/// use cxsched_audit::AuditLog;
/// use cxsched_engine::execute::{Control, Ending, Settings, Sinks, execute};
/// use cxsched_engine::plan::{PlanInput, plan};
/// use cxsched_engine::record::History;
///
/// let history = History::default();
/// let input = PlanInput { concurrency: 4, history: &history, now: jiff::Timestamp::now(), gate: false };
/// let entries = plan(Arc::clone(&seed), vec![doc], input).await;
///
/// let dir = tempfile::tempdir().unwrap();
/// let log = dir.path().join("audit.jsonl");
/// let sinks = Arc::new(Sinks::new(AuditLog::open(&log).unwrap(), None)); // no webhooks
/// let settings = Arc::new(Settings {
///     concurrency: 4,
///     actor: "demo-client".into(),
///     rule_pack: "none".into(),
///     ..Settings::default()
/// });
/// let control = Control { stop: Arc::new(AtomicBool::new(false)), progress: Arc::new(|| {}) };
/// let results = execute(seed, entries, settings, Arc::clone(&sinks), control).await;
///
/// assert_eq!(results[0].ending, Ending::Written);
/// assert_eq!(sinks.failure(), None);
/// // The audit log now says what was written: the next plan compares against it.
/// let history = History::read(&log).unwrap();
/// let known = history.get(&results[0].target.unwrap()).unwrap();
/// assert_eq!(Some(&known.version), results[0].version_after.as_ref());
/// # emu.shutdown().await;
/// # });
/// ```
pub async fn execute<P: Platform>(
    platform: Arc<P>,
    entries: Vec<Entry<P>>,
    settings: Arc<Settings>,
    sinks: Arc<Sinks>,
    control: Control,
) -> Vec<TargetResult> {
    let Control { stop, progress } = control;
    // Settle what earlier runs left pending before anything new is written.
    for s in entries.iter().flat_map(|e| &e.settlements) {
        sinks.record(settled_entry(s), &settings);
    }
    let mut ended: Slots<TargetResult> = Slots::new(entries.len());
    let mut writes = Pool::new(settings.concurrency);
    // Targets whose task is in flight, by index, to report one that fails internally rather
    // than lose it (an entry leaves when its task ends).
    let mut who: HashMap<usize, (String, Option<String>, Option<Target>)> = HashMap::new();
    let settle = |ended: &mut Slots<TargetResult>,
                  who: &mut HashMap<usize, (String, Option<String>, Option<Target>)>,
                  done: Vec<(usize, Result<TargetResult, String>)>| {
        for (i, result) in done {
            let whom = who.remove(&i);
            let result = result.unwrap_or_else(|e| {
                let (source, campaign_id, target) = whom.unwrap_or_default();
                TargetResult {
                    source,
                    campaign_id,
                    target,
                    ending: Ending::Failed,
                    version_before: None,
                    version_after: None,
                    message: Some(e),
                    versions: None,
                    latency_ms: None,
                    webhook_id: None,
                }
            });
            ended.put(i, result);
        }
    };
    for (i, entry) in entries.into_iter().enumerate() {
        match gate(&*platform, &entry, &settings) {
            Gate::Done(decided) => {
                let (result, audit) = *decided;
                if let Some(a) = audit {
                    sinks.record(a, &settings);
                }
                progress();
                ended.put(i, result);
            }
            Gate::Write(_) if stop.load(Ordering::SeqCst) => {
                progress();
                ended.put(i, not_started(&entry));
            }
            Gate::Write(override_reason) => {
                who.insert(
                    i,
                    (
                        entry.source.clone(),
                        entry.campaign_id.clone(),
                        entry.target,
                    ),
                );
                let (platform, settings, sinks, stop, progress) = (
                    Arc::clone(&platform),
                    Arc::clone(&settings),
                    Arc::clone(&sinks),
                    Arc::clone(&stop),
                    Arc::clone(&progress),
                );
                writes
                    .spawn(i, async move {
                        // The stop may have come while this task waited for a place.
                        let result = if stop.load(Ordering::SeqCst) {
                            not_started(&entry)
                        } else {
                            write_one(&*platform, entry, override_reason, &settings, &sinks).await
                        };
                        progress();
                        result
                    })
                    .await;
                settle(&mut ended, &mut who, writes.take_done());
            }
        }
    }
    settle(&mut ended, &mut who, writes.finish().await);
    ended.into_vec()
}

enum Gate {
    /// Decided without writing: the result, and the audit entry to record (if any).
    Done(Box<(TargetResult, Option<AuditEntry>)>),
    /// Write, with the override reason that allowed it (if one was needed).
    Write(Option<String>),
}

fn gate<P: Platform>(platform: &P, entry: &Entry<P>, settings: &Settings) -> Gate {
    let audit = |action: Action, outcome: Outcome, error: Option<String>| {
        let mut a = record::entry(action, outcome, entry.target.as_ref());
        if a.campaign_id.is_none() {
            a.campaign_id = entry.campaign_id.clone();
        }
        a.etag_before = entry.version.clone();
        a.payload_sha256 = entry
            .desired
            .as_ref()
            .map(|d| payload_sha256(platform.desired_json(d).to_string().as_bytes()));
        a.error = error;
        a.details = record::with_rules(a.details, &entry.rules);
        a
    };
    match entry.status {
        Status::Unchanged => Gate::Done(Box::new((
            TargetResult::new(entry, Ending::Unchanged, None),
            None,
        ))),
        Status::Error => {
            let action = if entry.desired.is_none() {
                Action::ValidationFailed
            } else {
                Action::ReadFailed
            };
            Gate::Done(Box::new((
                TargetResult::new(entry, Ending::Invalid, entry.detail.clone()),
                Some(audit(action, Outcome::Failed, entry.detail.clone())),
            )))
        }
        Status::Conflict if settings.overwrite_drift.is_none() => {
            let mut r = TargetResult::new(entry, Ending::Refused, entry.detail.clone());
            r.versions = match (&entry.live, &entry.desired) {
                (Some(l), Some(d)) => Some(Versions([
                    ("live", platform.live_json(l)),
                    ("desired", platform.desired_json(d)),
                ])),
                _ => None,
            };
            Gate::Done(Box::new((
                r,
                Some(audit(
                    Action::Refused,
                    Outcome::Refused,
                    entry.detail.clone(),
                )),
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
                        TargetResult::new(entry, Ending::Refused, Some(why.clone())),
                        Some(audit(Action::Refused, Outcome::Refused, Some(why))),
                    )))
                }
            }
        }
    }
}

/// The `apply.settled` entry of a settlement.
fn settled_entry(s: &Settlement) -> AuditEntry {
    let mut e = record::entry(Action::Settled, s.found, Some(&s.intent.target));
    e.etag_before = s.intent.version_before.clone();
    e.payload_sha256 = s.intent.payload_sha256.clone();
    if s.found == Outcome::Landed {
        // What cxsched last wrote, for drift (as a write's `etagAfter`).
        e.etag_after = s.live_version.clone();
    }
    e.details = record::with_intent(
        serde_json::json!({ "liveVersion": s.live_version, "how": s.how }),
        &s.intent.intent_id,
    );
    e
}

fn not_started<P: Platform>(entry: &Entry<P>) -> TargetResult {
    TargetResult::new(
        entry,
        Ending::NotStarted,
        Some("interrupted before this write started; run apply again".into()),
    )
}

async fn write_one<P: Platform>(
    platform: &P,
    entry: Entry<P>,
    override_reason: Option<String>,
    settings: &Settings,
    sinks: &Sinks,
) -> TargetResult {
    let (Some(target), Some(schedule), Some(desired), Some(live)) =
        (entry.target, &entry.schedule, &entry.desired, &entry.live)
    else {
        unreachable!("the gate only writes entries with a target, a desired and a live state")
    };
    let body = platform.desired_json(desired);
    let mut audit = record::entry(Action::Write, Outcome::Ok, Some(&target));
    audit.etag_before = entry.version.clone();
    audit.payload_sha256 = Some(payload_sha256(body.to_string().as_bytes()));
    audit.override_reason = override_reason;
    let mut result = TargetResult::new(&entry, Ending::Written, None);
    // Write-ahead: the intent is on disk before anything is sent.
    let intent_id = record::new_intent_id();
    let mut intent = audit.clone();
    record::set(&mut intent, Action::Intent, Outcome::Pending);
    intent.details = record::with_rules(record::with_intent(Value::Null, &intent_id), &entry.rules);
    if let Err(e) = sinks.record_checked(intent, settings) {
        result.ending = Ending::Failed;
        result.message = Some(format!(
            "not written: the intent to write could not be recorded in the audit log, and a \
             write is never sent unrecorded ({e}); fix the audit log and apply again"
        ));
        return result;
    }
    audit.details = record::with_rules(record::with_intent(Value::Null, &intent_id), &entry.rules);
    let started = Instant::now();
    let outcome = platform.write(target, desired, live).await;
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    audit.latency_ms = Some(latency_ms);
    result.latency_ms = Some(latency_ms);
    match outcome {
        Ok(Written::Written {
            version,
            answer_lost,
            details,
        }) => {
            audit.etag_after = Some(version.clone());
            result.version_after = Some(version.clone());
            if answer_lost {
                result.message = Some(
                    "the answer to the write was lost; re-reading found the desired schedule in \
                     place"
                        .into(),
                );
            }
            audit.details =
                record::with_rules(record::with_intent(details, &intent_id), &entry.rules);
            sinks.record(audit, settings);
            if let Some(outbox) = &sinks.outbox {
                let event = platform.event(target, schedule, desired, &version);
                match outbox.enqueue(&event) {
                    Ok(id) => result.webhook_id = Some(id),
                    Err(e) => {
                        result.message =
                            Some(format!("written, but the webhook could not be queued: {e}"));
                    }
                }
            }
        }
        Ok(Written::AlreadyInPlace { version }) => {
            record::set(&mut audit, Action::Write, Outcome::AlreadyInPlace);
            audit.etag_after = Some(version.clone());
            result.ending = Ending::Unchanged;
            result.version_after = Some(version);
            result.message =
                Some("the live schedule already matched when we wrote; nothing written".into());
            sinks.record(audit, settings);
        }
        Err(WriteError::Conflict(c)) => {
            let Conflict {
                message,
                versions,
                live_version,
            } = *c;
            record::set(&mut audit, Action::Conflict, Outcome::Conflict);
            audit.error = Some(message.clone());
            audit.etag_after = live_version;
            result.versions = Some(Versions(versions));
            result.ending = Ending::Conflict;
            result.message = Some(format!(
                "the live schedule changed after we read it; not overwritten. {message}"
            ));
            sinks.record(audit, settings);
        }
        Err(WriteError::Failed(e)) => {
            record::set(&mut audit, Action::Write, Outcome::Failed);
            audit.error = Some(e.to_string());
            result.ending = Ending::Failed;
            result.message = Some(e.to_string());
            sinks.record(audit, settings);
        }
    }
    result
}
