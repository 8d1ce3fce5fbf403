//! Deciding, per target, what `apply` would do: read every target concurrently and compare
//! it with the desired state by meaning, and with what the audit log says cxsched last
//! wrote (drift).

use std::collections::HashMap;
use std::sync::Arc;

use cxsched_api::ApiError;
use cxsched_core::Schedule;

use crate::document::{Document, error_lines};
use crate::platform::{Platform, Target};
use crate::pool::{Pool, in_order};
use crate::record::{History, Known};

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
    pub desired: Option<P::Desired>,
    pub live: Option<P::Live>,
    /// The live state's version, when it was read.
    pub version: Option<String>,
    /// Why the status is `Error` or `Conflict`, in a sentence.
    pub detail: Option<String>,
    /// Compliance errors that stop `apply` from writing without an override.
    pub compliance_errors: Vec<String>,
    /// What cxsched last knew of this target (from the audit log), if anything.
    pub last_written: Option<Known>,
    /// The read failed on credentials or the network: nothing could be decided.
    pub remote_failure: bool,
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
            last_written: None,
            remote_failure: false,
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
    /// The compliance errors of a document (see [`crate::gate`]).
    pub gate: &'a (dyn Fn(&Document) -> Vec<String> + Sync),
}

/// Reads the live state of every target of every valid document and compares.
pub async fn plan<P: Platform>(
    platform: Arc<P>,
    docs: Vec<Document>,
    input: PlanInput<'_>,
) -> Vec<Entry<P>> {
    let mut decided: Vec<(usize, Entry<P>)> = Vec::with_capacity(docs.len());
    let mut reads = Pool::new(input.concurrency);
    let mut next = 0usize;
    let mut index = || {
        next += 1;
        next - 1
    };
    // A target named by two documents is an error in both (which one is meant cannot be
    // guessed); find them first.
    let mut sources: HashMap<Target, Vec<String>> = HashMap::new();
    let mut prepared = Vec::with_capacity(docs.len());
    for doc in docs {
        let targets = doc
            .validation
            .schedule
            .as_ref()
            .map(|s| platform.targets(&doc, s, input.now));
        if let Some(Ok(ts)) = &targets {
            for (t, _) in ts {
                sources.entry(*t).or_default().push(doc.source.clone());
            }
        }
        prepared.push((doc, targets));
    }
    for (doc, targets) in prepared {
        let v = &doc.validation;
        let (Some(schedule), Some(targets)) = (&v.schedule, targets) else {
            let entry = Entry::error(
                doc.source.clone(),
                v.campaign_id.clone(),
                format!("invalid document: {}", error_lines(v)),
            );
            decided.push((index(), entry));
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
                decided.push((index(), entry));
                continue;
            }
        };
        let schedule = Arc::new(schedule.clone());
        let compliance_errors = (input.gate)(&doc);
        for (target, desired) in targets {
            let i = index();
            let names = sources.get(&target).map_or(&[][..], Vec::as_slice);
            if names.len() > 1 {
                let mut others: Vec<&str> = names
                    .iter()
                    .filter(|s| **s != doc.source)
                    .map(String::as_str)
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
                decided.push((i, entry));
                continue;
            }
            let platform = Arc::clone(&platform);
            let source = doc.source.clone();
            let last = input.history.get(&target).cloned();
            let compliance_errors = compliance_errors.clone();
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
                            compliance_errors,
                            last_written: last,
                        },
                        live,
                    )
                })
                .await;
        }
    }
    for (i, entry) in reads.finish().await {
        let entry = entry.unwrap_or_else(|e| Entry::error(String::new(), None, e));
        decided.push((i, entry));
    }
    in_order(decided)
}

struct Decided<P: Platform> {
    source: String,
    target: Target,
    schedule: Arc<Schedule>,
    desired: P::Desired,
    compliance_errors: Vec<String>,
    last_written: Option<Known>,
}

fn decide<P: Platform>(platform: &P, d: Decided<P>, live: Result<P::Live, ApiError>) -> Entry<P> {
    let campaign_id = Some(d.target.campaign_id.to_string());
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
            entry.desired = Some(d.desired);
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
    let live = if status == Status::Unchanged {
        // Nothing will be written or shown of it but its version: keep memory flat.
        platform.slim(live)
    } else {
        live
    };
    Entry {
        source: d.source,
        campaign_id,
        target: Some(d.target),
        status,
        schedule: Some(d.schedule),
        desired: Some(d.desired),
        live: Some(live),
        version: Some(version),
        detail,
        compliance_errors: d.compliance_errors,
        last_written: d.last_written,
        remote_failure: false,
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
