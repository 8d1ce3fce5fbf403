//! Deciding, per campaign, what `apply` would do: read the live schedules concurrently and
//! compare them with the desired ones by meaning.

use std::collections::HashMap;
use std::sync::Arc;

use cxsched_api::{ApiError, Client, Live};
use cxsched_core::compare::{Change, changes, changes_from_empty, same_schedule};
use cxsched_core::{Schedule, validate::Profile, validate_value};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::desired::Desired;

/// What a plan decided for one campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Live already means the same as desired: nothing to write.
    Unchanged,
    /// Live differs: `apply` would write.
    Changed,
    /// Live was changed outside cxsched since our last write, and differs from desired:
    /// writing would overwrite someone else's change.
    Conflict,
    /// The document is invalid, or the live schedule could not be read.
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

/// What the audit log says cxsched last knew of a campaign's live schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    /// The ETag cxsched wrote, or found in a conflict.
    pub etag: String,
    /// The last attempt ended in a conflict that nobody has resolved since.
    pub conflicted: bool,
}

/// One campaign's line of a plan.
pub struct Entry {
    pub source: String,
    pub campaign_id: Option<String>,
    pub status: Status,
    pub desired: Option<Schedule>,
    pub live: Option<Live>,
    pub changes: Vec<Change>,
    /// Why the status is `Error` or `Conflict`, in a sentence.
    pub detail: Option<String>,
    /// Compliance errors that stop `apply` from writing without an override.
    pub compliance_errors: Vec<String>,
    /// What cxsched last knew of this campaign (from the audit log), if anything.
    pub last_written: Option<Known>,
    /// The read failed on credentials or the network: nothing could be decided.
    pub remote_failure: bool,
}

impl Entry {
    fn error(source: String, campaign_id: Option<String>, detail: String) -> Entry {
        Entry {
            source,
            campaign_id,
            status: Status::Error,
            desired: None,
            live: None,
            changes: Vec::new(),
            detail: Some(detail),
            compliance_errors: Vec::new(),
            last_written: None,
            remote_failure: false,
        }
    }
}

/// Reads the live schedules of every valid document (at most `concurrency` at once; the
/// client's rate limit applies to all) and compares.
///
/// `last_written` maps campaign ids to what cxsched last knew of them (from the audit log);
/// `gate` gives the compliance errors of a desired schedule.
pub async fn plan(
    client: Arc<Client>,
    docs: Vec<Desired>,
    concurrency: usize,
    last_written: &HashMap<Uuid, Known>,
    gate: &(dyn Fn(&Desired) -> Vec<String> + Sync),
) -> Vec<Entry> {
    let semaphore = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut reads = tokio::task::JoinSet::new();
    let mut entries: Vec<Option<Entry>> = Vec::with_capacity(docs.len());
    for (i, doc) in docs.into_iter().enumerate() {
        let v = doc.validation();
        let Some(desired) = v.schedule.clone() else {
            let detail = v
                .errors
                .iter()
                .map(|e| {
                    if e.path.is_empty() {
                        e.message.clone()
                    } else {
                        format!("{}: {}", e.path, e.message)
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            entries.push(Some(Entry::error(
                doc.source().to_owned(),
                v.campaign_id.clone(),
                format!("invalid document: {detail}"),
            )));
            continue;
        };
        let compliance_errors = gate(&doc);
        entries.push(None);
        let client = Arc::clone(&client);
        let semaphore = Arc::clone(&semaphore);
        let source = doc.source().to_owned();
        let last = last_written.get(&desired.campaign_id).cloned();
        reads.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let live = client.get_schedule(desired.campaign_id).await;
            (i, decide(source, desired, live, compliance_errors, last))
        });
    }
    while let Some(joined) = reads.join_next().await {
        match joined {
            Ok((i, entry)) => entries[i] = Some(entry),
            Err(e) => tracing::error!("a plan task failed: {e}"),
        }
    }
    entries.into_iter().flatten().collect()
}

fn decide(
    source: String,
    desired: Schedule,
    live: Result<Live, ApiError>,
    compliance_errors: Vec<String>,
    last_written: Option<Known>,
) -> Entry {
    let campaign_id = Some(desired.campaign_id.to_string());
    let live = match live {
        Ok(live) => live,
        Err(e) => {
            let mut entry = Entry::error(
                source,
                campaign_id,
                format!("cannot read the live schedule: {e}"),
            );
            entry.remote_failure = e.is_auth() || e.is_transient() || e.is_timeout();
            entry.desired = Some(desired);
            return entry;
        }
    };
    let live_schedule = live
        .schedule
        .clone()
        .or_else(|| validate_value(&live.body, Profile::Wire).schedule);
    let (status, changes, detail) = match &live_schedule {
        Some(l) if same_schedule(&desired, l) => (Status::Unchanged, Vec::new(), None),
        Some(l) => {
            let diff = changes(&desired, l);
            match &last_written {
                Some(known) if known.conflicted => (
                    Status::Conflict,
                    diff,
                    Some(format!(
                        "an earlier apply found this schedule changed by someone else (ETag {}) \
                         and did not overwrite it{}. Reconcile the document with the live \
                         schedule, or apply with --overwrite-drift REASON",
                        known.etag,
                        if known.etag == live.etag { "" } else { "; it has changed again since" }
                    )),
                ),
                Some(known) if known.etag != live.etag => (
                    Status::Conflict,
                    diff,
                    Some(format!(
                        "the live schedule was changed outside cxsched since our last write \
                         (we wrote ETag {}, live is {}); applying would overwrite that \
                         change. Reconcile the document with the live schedule, or apply with \
                         --overwrite-drift REASON",
                        known.etag, live.etag
                    )),
                ),
                _ => (Status::Changed, diff, None),
            }
        }
        // A live schedule we cannot read as a schedule (new campaign, empty body): write it.
        None => (
            Status::Changed,
            changes_from_empty(&desired),
            Some("the live schedule is empty (or not a schedule): the whole document will be written".into()),
        ),
    };
    Entry {
        source,
        campaign_id,
        status,
        desired: Some(desired),
        live: Some(live),
        changes,
        detail,
        compliance_errors,
        last_written,
        remote_failure: false,
    }
}
