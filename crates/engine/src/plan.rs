//! Deciding, per target, what `apply` would do: read every target concurrently and compare
//! it with the desired state by meaning, and with what the audit log says cxsched last
//! wrote (drift). A target with an intent the audit log left without an outcome (a run
//! died between appending it and recording the write's end, CONTRACT §11) is settled from
//! the same read: see [`Settlement`].

use std::collections::HashMap;
use std::sync::Arc;

use cxsched_api::ApiError;
use cxsched_audit::payload_sha256;
use cxsched_core::Schedule;

use crate::document::{Document, error_lines};
use crate::gate::{self, Assessment, Judgement};
use crate::platform::{Platform, Target};
use crate::pool::{Pool, Slots};
use crate::record::{History, Intent, Known, Outcome};

/// What a plan decided for one target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Live already means the same as desired: nothing to write.
    Unchanged,
    /// Live differs: `apply` would write.
    Changed,
    /// Live was changed outside cxsched since our last write, and differs from desired:
    /// writing would overwrite someone else's change.
    Conflict,
    /// The document is invalid (for this platform), or the live state could not be read.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Changed => "changed",
            Status::Conflict => "conflict",
            Status::Error => "error",
        }
    }
}

/// One target's line of a plan.
pub struct Entry<P: Platform> {
    pub source: String,
    pub campaign_id: Option<String>,
    /// The target, once the document is valid.
    pub target: Option<Target>,
    pub status: Status,
    /// The document's schedule (shared by the targets of one document).
    pub schedule: Option<Arc<Schedule>>,
    /// What the target should hold, and what it held when read: kept (boxed, so that the
    /// many unchanged entries of a large run stay small) only when the target will be
    /// written or shown.
    pub desired: Option<Box<P::Desired>>,
    pub live: Option<Box<P::Live>>,
    /// The live state's version, when it was read.
    pub version: Option<String>,
    /// Why the status is `Error` or `Conflict`, in a sentence.
    pub detail: Option<String>,
    /// Compliance errors that stop `apply` from writing without an override.
    pub compliance_errors: Vec<String>,
    /// The rule versions the compliance gate applied (see
    /// [`cxsched_compliance::Prepared::rules_in_force`]), named in the audit entries.
    pub rules: Arc<[String]>,
    /// What cxsched last knew of this target (from the audit log), if anything.
    pub last_written: Option<Known>,
    /// The read failed on credentials or the network: nothing could be decided.
    pub remote_failure: bool,
    /// This target's pending intents and what the live state says of each; `apply`
    /// records them (`apply.settled`) before any write, `plan` only shows them.
    pub settlements: Vec<Settlement>,
}

/// What the live state says of an intent left without an outcome.
///
/// How it is decided, the same way on every platform (CONTRACT §11):
///
/// - When the document still describes the target as the intent meant it (the hash of
///   what would be sent now equals the intent's `payloadSha256`), the live state is compared
///   **by meaning** with the desired state ([`Platform::same`]): the seed API's ETag is made
///   by the server and cannot be foreseen, and CXone's fingerprint depends on the time-zones
///   a write left untouched, so neither version is predicted; the meaning is what the write
///   was for. Equal: `landed` (whoever put it there, the target holds what we wrote, and its
///   version becomes what cxsched last wrote); different: `not_landed`.
/// - When the document changed since, the intended state is not at hand: if the live
///   version is still the one read before the intent, nothing landed (`not_landed`);
///   otherwise it cannot be told (`unknown`).
/// - When the read failed: `unknown`.
///
/// `unknown` leaves the intent pending: the next run tries again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub intent: Intent,
    /// [`Outcome::Landed`], [`Outcome::NotLanded`] or [`Outcome::Unknown`].
    pub found: Outcome,
    /// The live version read, when it was read.
    pub live_version: Option<String>,
    /// How it was decided, in a sentence.
    pub how: String,
}

impl Settlement {
    /// How a plan shows it, in a sentence.
    pub fn note(&self) -> String {
        let what = match self.found {
            Outcome::Landed => "the write landed",
            Outcome::NotLanded => "the write did not land",
            _ => "whether the write landed is unknown; it stays pending",
        };
        format!(
            "an earlier apply stopped between announcing a write (intent {}) and recording how \
             it ended: {what} ({}); apply records this before writing",
            self.intent.intent_id, self.how
        )
    }
}

/// Decides what the live state (or the failure to read it) says of each pending intent.
fn settle<P: Platform>(
    platform: &P,
    target: Target,
    desired: &P::Desired,
    live: Result<&P::Live, &ApiError>,
    pending: Vec<Intent>,
) -> Vec<Settlement> {
    if pending.is_empty() {
        return Vec::new();
    }
    let desired_hash = payload_sha256(platform.desired_json(desired).to_string().as_bytes());
    pending
        .into_iter()
        .map(|intent| {
            let (found, live_version, how) = match live {
                Err(e) => (
                    Outcome::Unknown,
                    None,
                    format!("the live state could not be read: {e}"),
                ),
                Ok(live) => {
                    let version = platform.version(target, live);
                    let (found, how) = if intent.payload_sha256.as_deref() == Some(&desired_hash) {
                        if platform.same(desired, live) {
                            (
                                Outcome::Landed,
                                "the live state means what the intent was to write",
                            )
                        } else {
                            (
                                Outcome::NotLanded,
                                "the live state does not mean what the intent was to write",
                            )
                        }
                    } else if intent.version_before.as_deref() == Some(version.as_str()) {
                        (
                            Outcome::NotLanded,
                            "the live state is still the version read before the intent",
                        )
                    } else {
                        (
                            Outcome::Unknown,
                            "the document changed since, and so did the live state: the two \
                             cannot be compared; apply the document as it was then, or review \
                             the target",
                        )
                    };
                    (found, Some(version), how.to_owned())
                }
            };
            Settlement {
                intent,
                found,
                live_version,
                how,
            }
        })
        .collect()
}

impl<P: Platform> Entry<P> {
    fn error(source: String, campaign_id: Option<String>, detail: String) -> Entry<P> {
        Entry {
            source,
            campaign_id,
            target: None,
            status: Status::Error,
            schedule: None,
            desired: None,
            live: None,
            version: None,
            detail: Some(detail),
            compliance_errors: Vec::new(),
            rules: Arc::new([]),
            last_written: None,
            remote_failure: false,
            settlements: Vec::new(),
        }
    }

    /// What writing the desired state would change (computed when shown, not kept).
    pub fn changes(&self, platform: &P) -> Vec<String> {
        if self.status == Status::Unchanged {
            return Vec::new();
        }
        match (&self.desired, &self.live) {
            (Some(d), Some(l)) => platform.changes(d, l),
            _ => Vec::new(),
        }
    }
}

/// What a plan needs besides the documents.
pub struct PlanInput<'a> {
    /// Most reads in flight at once (the client's rate limit applies to all).
    pub concurrency: usize,
    /// What the audit log says cxsched last wrote.
    pub history: &'a History,
    /// "Now", from which horizons start.
    pub now: jiff::Timestamp,
    /// Whether the compliance gate judges the documents (see [`crate::gate`]): their error
    /// findings block `apply` unless overridden. Off, a plan still compiles what the
    /// platform writes from the law (CXone's curfews).
    pub gate: bool,
}

/// Reads the live state of every target of every valid document and compares.
///
/// Unchanged targets keep nothing but their version; invalid documents, targets named by
/// two documents and failed reads are [`Status::Error`] entries, never a panic.
///
/// # Example
///
/// A document planned against the seed emulator, whose campaign holds no schedule yet:
///
/// ```
/// use std::sync::Arc;
/// use cxsched_api::{Client, ClientConfig, Secret};
/// use cxsched_core::{Format, parse_document};
/// use cxsched_emulator::{CampaignSource, EmulatorConfig};
/// use cxsched_engine::plan::{PlanInput, Status, plan};
/// use cxsched_engine::record::History;
/// use cxsched_engine::{Document, seed::Seed};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let id = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab";
///     let mut config = EmulatorConfig::loopback(); // port 0
///     config.campaigns = CampaignSource::Documents(vec![
///         serde_json::json!({"campaignId": id, "timeWindows": []}),
///     ]);
///     let emu = cxsched_emulator::spawn(config).await.unwrap();
///     let client = ClientConfig::new(emu.base_url(), "demo-client", Secret::new("demo-secret"));
///     let seed = Arc::new(Seed::new(Client::new(client).unwrap()));
///
///     let text = format!(
///         r#"{{"campaignId":"{id}","timezone":"America/New_York","businessHoursDirective":"STRICT",
///         "maxConcurrentCalls":10,
///         "timeWindows":[{{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}}]}}"#
///     );
///     let validation = parse_document(&text, Format::Json);
///     let doc = Document { source: "doc.json".into(), base_dir: ".".into(), validation };
///
///     let history = History::default(); // no audit log yet: no drift to find
///     let input = PlanInput {
///         concurrency: 4,
///         history: &history,
///         now: jiff::Timestamp::now(),
///         gate: false,
///     };
///     let entries = plan(Arc::clone(&seed), vec![doc], input).await;
///     assert_eq!(entries.len(), 1);
///     assert_eq!(entries[0].status, Status::Changed);
///     assert_eq!(entries[0].campaign_id.as_deref(), Some(id));
///     assert!(entries[0].changes(&seed).iter().any(|c| c.contains("MONDAY")));
///     emu.shutdown().await;
/// });
/// ```
pub async fn plan<P: Platform>(
    platform: Arc<P>,
    docs: Vec<Document>,
    input: PlanInput<'_>,
) -> Vec<Entry<P>> {
    let mut reads = Pool::new(input.concurrency);
    let mut next = 0usize;
    let mut index = || {
        next += 1;
        next - 1
    };
    // A target named by two documents is an error in both (which one is meant cannot be
    // guessed); find them first (by document index).
    let mut sources: HashMap<Target, Vec<usize>> = HashMap::new();
    let mut prepared = Vec::with_capacity(docs.len());
    let mut total = 0usize;
    for (d, mut doc) in docs.into_iter().enumerate() {
        // One shared copy of the document's schedule serves all its targets: the targets and
        // the compliance gate are settled now, then the document's own copy is dropped.
        let shared = doc.validation.schedule.clone().map(|s| Arc::new(*s));
        // One check of the document serves the gate and the platform (curfews).
        let judgement = platform.judgement();
        let assessment = if input.gate || judgement == Judgement::UnderCurfews {
            gate::assess(&doc, input.now, judgement)
        } else {
            Assessment::default()
        };
        let targets = shared
            .as_ref()
            .map(|s| platform.targets(&doc, s, &assessment));
        let gated = match &targets {
            Some(Ok(_)) if input.gate => Gated {
                errors: assessment.errors,
                rules: assessment.rules.into(),
            },
            _ => Gated::default(),
        };
        doc.validation.schedule = None;
        match &targets {
            Some(Ok(ts)) => {
                total += ts.len();
                for (t, _) in ts {
                    sources.entry(*t).or_default().push(d);
                }
            }
            _ => total += 1,
        }
        prepared.push((doc, shared, targets, gated));
    }
    let names: Vec<String> = prepared
        .iter()
        .map(|(doc, _, _, _)| doc.source.clone())
        .collect();
    let mut decided: Slots<Entry<P>> = Slots::new(total);
    let settle = |decided: &mut Slots<Entry<P>>, done: Vec<(usize, Result<Entry<P>, String>)>| {
        for (i, entry) in done {
            let entry = entry.unwrap_or_else(|e| Entry::error(String::new(), None, e));
            decided.put(i, entry);
        }
    };
    for (doc, shared, targets, gated) in prepared {
        let v = &doc.validation;
        let (Some(schedule), Some(targets)) = (shared, targets) else {
            let entry = Entry::error(
                doc.source.clone(),
                v.campaign_id.clone(),
                format!("invalid document: {}", error_lines(v)),
            );
            decided.put(index(), entry);
            continue;
        };
        let targets = match targets {
            Ok(t) => t,
            Err(issues) => {
                let detail = error_lines(&cxsched_core::Validation {
                    errors: issues,
                    ..Default::default()
                });
                let entry = Entry::error(
                    doc.source.clone(),
                    v.campaign_id.clone(),
                    format!(
                        "invalid document for the {} platform: {detail}",
                        platform.name()
                    ),
                );
                decided.put(index(), entry);
                continue;
            }
        };
        for (target, desired) in targets {
            let i = index();
            let by = sources.get(&target).map_or(&[][..], Vec::as_slice);
            if by.len() > 1 {
                let mut others: Vec<&str> = by
                    .iter()
                    .map(|&d| names[d].as_str())
                    .filter(|s| *s != doc.source)
                    .collect();
                others.dedup();
                let detail = if others.is_empty() {
                    format!(
                        "{} is named twice in this document; keep one",
                        target.label()
                    )
                } else {
                    format!(
                        "{} is also written by {}; a target is described by one document, keep one",
                        target.label(),
                        others.join(", ")
                    )
                };
                let mut entry = Entry::error(doc.source.clone(), v.campaign_id.clone(), detail);
                entry.target = Some(target);
                decided.put(i, entry);
                continue;
            }
            let platform = Arc::clone(&platform);
            let source = doc.source.clone();
            let last = input.history.get(&target).cloned();
            let pending = input.history.pending_for(&target);
            let gated = gated.clone();
            let schedule = Arc::clone(&schedule);
            reads
                .spawn(i, async move {
                    let live = platform.read(target).await;
                    decide(
                        &*platform,
                        Decided {
                            source,
                            target,
                            schedule,
                            desired,
                            gated,
                            last_written: last,
                            pending,
                        },
                        live,
                    )
                })
                .await;
            settle(&mut decided, reads.take_done());
        }
    }
    settle(&mut decided, reads.finish().await);
    decided.into_vec()
}

/// What the compliance gate decided of a document, shared by its targets.
#[derive(Clone)]
struct Gated {
    errors: Vec<String>,
    rules: Arc<[String]>,
}

impl Default for Gated {
    fn default() -> Gated {
        Gated {
            errors: Vec::new(),
            rules: Arc::new([]),
        }
    }
}

struct Decided<P: Platform> {
    source: String,
    target: Target,
    schedule: Arc<Schedule>,
    desired: P::Desired,
    gated: Gated,
    last_written: Option<Known>,
    pending: Vec<Intent>,
}

fn decide<P: Platform>(
    platform: &P,
    mut d: Decided<P>,
    live: Result<P::Live, ApiError>,
) -> Entry<P> {
    let campaign_id = Some(d.target.campaign_id.to_string());
    let settlements = settle(
        platform,
        d.target,
        &d.desired,
        live.as_ref(),
        std::mem::take(&mut d.pending),
    );
    // A write that landed is what cxsched last wrote, as if its outcome had been recorded.
    if let Some(s) = settlements.iter().rfind(|s| s.found == Outcome::Landed)
        && let Some(version) = &s.live_version
    {
        d.last_written = Some(Known {
            version: version.clone(),
            conflicted: false,
        });
    }
    let live = match live {
        Ok(live) => live,
        Err(e) => {
            let what = if d.target.skill_id.is_some() {
                "the skill's live schedule"
            } else {
                "the live schedule"
            };
            let mut entry = Entry::error(d.source, campaign_id, format!("cannot read {what}: {e}"));
            entry.remote_failure = e.is_auth() || e.is_transient() || e.is_timeout();
            entry.target = Some(d.target);
            entry.schedule = Some(d.schedule);
            entry.desired = Some(Box::new(d.desired));
            entry.settlements = settlements;
            return entry;
        }
    };
    let version = platform.version(d.target, &live);
    let (status, detail) = if platform.same(&d.desired, &live) {
        (Status::Unchanged, None)
    } else if platform.is_empty(&live) {
        (
            Status::Changed,
            Some("the live schedule is empty (or not a schedule): the whole document will be written".into()),
        )
    } else {
        match &d.last_written {
            Some(known) if known.conflicted => (
                Status::Conflict,
                Some(format!(
                    "an earlier apply found this schedule changed by someone else ({} {}) \
                     and did not overwrite it{}. Reconcile the document with the live \
                     schedule, or apply with --overwrite-drift REASON",
                    version_word(platform),
                    known.version,
                    if known.version == version {
                        ""
                    } else {
                        "; it has changed again since"
                    }
                )),
            ),
            Some(known) if known.version != version => (
                Status::Conflict,
                Some(format!(
                    "the live schedule was changed outside cxsched since our last write \
                     (we wrote {w} {}, live is {}); applying would overwrite that \
                     change. Reconcile the document with the live schedule, or apply with \
                     --overwrite-drift REASON",
                    known.version,
                    version,
                    w = version_word(platform),
                )),
            ),
            _ => (Status::Changed, None),
        }
    };
    // An unchanged target is neither written nor shown but by its version: keep nothing
    // else of it, so memory stays flat for large runs.
    let (desired, live) = if status == Status::Unchanged {
        (None, None)
    } else {
        (
            Some(Box::new(d.desired)),
            Some(Box::new(platform.compact(live))),
        )
    };
    Entry {
        source: d.source,
        campaign_id,
        target: Some(d.target),
        status,
        schedule: Some(d.schedule),
        desired,
        live,
        version: Some(version),
        detail,
        compliance_errors: d.gated.errors,
        rules: d.gated.rules,
        last_written: d.last_written,
        remote_failure: false,
        settlements,
    }
}

/// How a platform's version is named in messages.
fn version_word<P: Platform>(platform: &P) -> &'static str {
    if platform.name() == "seed" {
        "ETag"
    } else {
        "version"
    }
}
