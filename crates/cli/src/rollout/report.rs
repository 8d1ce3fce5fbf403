//! Rendering plans and apply results, for people and as JSON.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::execute::{CampaignResult, Ending};
use super::plan::{Entry, Status};

/// A plan entry as JSON: `{"file","campaignId","status","changes","etag","detail",
/// "complianceErrors"}`.
pub fn plan_json(e: &Entry) -> Value {
    json!({
        "file": e.source,
        "campaignId": e.campaign_id,
        "status": e.status.as_str(),
        "changes": e.changes().iter().map(ToString::to_string).collect::<Vec<_>>(),
        "etag": e.live.as_ref().map(|l| l.etag.clone()),
        "lastKnownEtag": e.last_written.as_ref().map(|k| k.etag.clone()),
        "detail": e.detail,
        "complianceErrors": e.compliance_errors,
        "live": (e.status == Status::Conflict).then(|| e.live.as_ref().map(|l| l.body.clone())).flatten(),
        "desired": (e.status == Status::Conflict).then(|| e.desired.as_ref().map(|d| d.to_wire())).flatten(),
    })
}

/// A plan for people: one block per campaign that is not unchanged, then a summary line.
pub fn plan_human(entries: &[Entry]) -> String {
    let mut s = String::new();
    for e in entries {
        let id = e.campaign_id.as_deref().unwrap_or("?");
        let mark = match e.status {
            Status::Unchanged => "=",
            Status::Changed => "~",
            Status::Conflict => "!",
            Status::Error => "x",
        };
        let _ = writeln!(s, "{mark} {id} ({}) {}", e.source, e.status.as_str());
        for c in e.changes() {
            let _ = writeln!(s, "    {c}");
        }
        if let Some(d) = &e.detail {
            let _ = writeln!(s, "    {d}");
        }
        if !e.compliance_errors.is_empty() {
            let _ = writeln!(
                s,
                "    blocked by {} compliance error(s) (see `cxsched check {}`); apply needs --override REASON",
                e.compliance_errors.len(),
                e.source
            );
            for c in e.compliance_errors.iter().take(5) {
                let _ = writeln!(s, "      - {c}");
            }
        }
    }
    let count = |st: Status| entries.iter().filter(|e| e.status == st).count();
    let _ = writeln!(
        s,
        "plan: {} to change, {} unchanged, {} in conflict, {} with errors",
        count(Status::Changed),
        count(Status::Unchanged),
        count(Status::Conflict),
        count(Status::Error)
    );
    s
}

/// An apply result as JSON.
pub fn result_json(r: &CampaignResult) -> Value {
    json!({
        "file": r.source,
        "campaignId": r.campaign_id,
        "status": r.ending.as_str(),
        "etagBefore": r.etag_before,
        "etagAfter": r.etag_after,
        "latencyMs": r.latency_ms,
        "webhookId": r.webhook_id,
        "message": r.message,
        "conflict": r.versions.as_ref().map(|v| {
            v.0.iter().map(|(label, body)| ((*label).to_owned(), body.clone())).collect::<serde_json::Map<_, _>>()
        }),
    })
}

/// Apply results for people: problems in full, then a summary line.
pub fn results_human(results: &[CampaignResult]) -> String {
    let mut s = String::new();
    for r in results {
        let id = r.campaign_id.as_deref().unwrap_or("?");
        if r.ending == Ending::Unchanged && r.message.is_none() {
            continue;
        }
        let _ = writeln!(s, "{} {id} ({})", r.ending.as_str(), r.source);
        if let Some(m) = &r.message {
            let _ = writeln!(s, "    {m}");
        }
        if let (Some(b), Some(a)) = (&r.etag_before, &r.etag_after) {
            if r.ending == Ending::Written {
                let _ = writeln!(s, "    ETag {b} → {a}");
            }
        }
        if let Some(v) = &r.versions {
            for (label, body) in &v.0 {
                let _ = writeln!(s, "    {label:<8} {body}");
            }
        }
    }
    let count = |e: Ending| results.iter().filter(|r| r.ending == e).count();
    let _ = writeln!(
        s,
        "apply: {} written, {} unchanged, {} conflict, {} refused, {} failed, {} errors, {} not started",
        count(Ending::Written),
        count(Ending::Unchanged),
        count(Ending::Conflict),
        count(Ending::Refused),
        count(Ending::Failed),
        count(Ending::Invalid),
        count(Ending::NotStarted)
    );
    s
}
