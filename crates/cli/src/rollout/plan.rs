//! Deciding, per campaign, what `apply` would do: read the live schedules concurrently and
//! compare them with the desired ones by meaning.

use std::collections::HashMap;
use std::sync::Arc;

use cxsched_api::{ApiError, Client, Live};
use cxsched_core::Schedule;
use cxsched_core::compare::{Change, changes, changes_from_empty, same_schedule};
use uuid::Uuid;

use super::desired::Desired;
use super::{Pool, in_order};

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
    /// What writing the desired schedule would change (computed when shown, not kept).
    pub fn changes(&self) -> Vec<Change> {
        if self.status == Status::Unchanged {
            return Vec::new();
        }
        match (&self.desired, &self.live) {
            (Some(d), Some(live)) => match &live.schedule {
                Some(l) => changes(d, l),
                None => changes_from_empty(d),
            },
            _ => Vec::new(),
        }
    }

    fn error(source: String, campaign_id: Option<String>, detail: String) -> Entry {
        Entry {
            source,
            campaign_id,
            status: Status::Error,
            desired: None,
            live: None,
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
    let mut decided: Vec<(usize, Entry)> = Vec::with_capacity(docs.len());
    let mut reads = Pool::new(concurrency);
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
            let entry = Entry::error(
                doc.source().to_owned(),
                v.campaign_id.clone(),
                format!("invalid document: {detail}"),
            );
            decided.push((i, entry));
            continue;
        };
        let compliance_errors = gate(&doc);
        let client = Arc::clone(&client);
        let source = doc.source().to_owned();
        let last = last_written.get(&desired.campaign_id).cloned();
        reads
            .spawn(i, async move {
                let live = client.get_schedule(desired.campaign_id).await;
                decide(source, desired, live, compliance_errors, last)
            })
            .await;
    }
    for (i, entry) in reads.finish().await {
        let entry = entry.unwrap_or_else(|e| Entry::error(String::new(), None, e));
        decided.push((i, entry));
    }
    in_order(decided)
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
    let (status, detail) = match &live.schedule {
        Some(l) if same_schedule(&desired, l) => (Status::Unchanged, None),
        Some(_) => match &last_written {
            Some(known) if known.conflicted => (
                Status::Conflict,
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
                Some(format!(
                    "the live schedule was changed outside cxsched since our last write \
                     (we wrote ETag {}, live is {}); applying would overwrite that \
                     change. Reconcile the document with the live schedule, or apply with \
                     --overwrite-drift REASON",
                    known.etag, live.etag
                )),
            ),
            _ => (Status::Changed, None),
        },
        // A live schedule that is not a schedule (a campaign never scheduled): write it.
        None => (
            Status::Changed,
            Some("the live schedule is empty (or not a schedule): the whole document will be written".into()),
        ),
    };
    let mut live = live;
    if status == Status::Unchanged {
        // Nothing will be written or shown of it but its ETag: keep memory flat for large runs.
        live.body = serde_json::Value::Null;
        live.schedule = None;
    }
    Entry {
        source,
        campaign_id,
        status,
        desired: Some(desired),
        live: Some(live),
        detail,
        compliance_errors,
        last_written,
        remote_failure: false,
    }
}
