//! Rendering plans and apply results, for people and as JSON.

use std::fmt::Write as _;

use serde_json::{Value, json};

use cxsched_engine::{Ending, Entry, Platform, Status, TargetResult};

/// A plan entry as JSON: `{"file","campaignId","status","changes","etag","detail",
/// "complianceErrors"}`.
pub fn plan_json<P: Platform>(p: &P, e: &Entry<P>) -> Value {
    let conflict = e.status == Status::Conflict;
    let mut v = json!({
        "file": e.source,
        "campaignId": e.campaign_id,
        "status": e.status.as_str(),
        "changes": e.changes(p),
        "etag": e.version,
        "lastKnownEtag": e.last_written.as_ref().map(|k| k.version.clone()),
        "detail": e.detail,
        "complianceErrors": e.compliance_errors,
        "live": conflict.then(|| e.live.as_ref().map(|l| p.live_json(l))).flatten(),
        "desired": conflict.then(|| e.desired.as_ref().map(|d| p.desired_json(d))).flatten(),
    });
    if let Some(skill) = e.target.and_then(|t| t.skill_id) {
        v["skillId"] = skill.into();
    }
    if !e.settlements.is_empty() {
        // Intents an earlier run left without an outcome (CONTRACT §11), as apply will
        // record them.
        v["pendingIntents"] = e
            .settlements
            .iter()
            .map(|s| {
                json!({
                    "intentId": s.intent.intent_id,
                    "found": s.found.as_str(),
                    "liveEtag": s.live_version,
                    "detail": s.note(),
                })
            })
            .collect();
    }
    v
}

/// A plan for people: one block per campaign that is not unchanged, then a summary line.
pub fn plan_human<P: Platform>(p: &P, entries: &[Entry<P>]) -> String {
    let mut s = String::new();
    for e in entries {
        let id = label(e.target, e.campaign_id.as_deref());
        let mark = match e.status {
            Status::Unchanged => "=",
            Status::Changed => "~",
            Status::Conflict => "!",
            Status::Error => "x",
        };
        let _ = writeln!(s, "{mark} {id} ({}) {}", e.source, e.status.as_str());
        for c in e.changes(p) {
            let _ = writeln!(s, "    {c}");
        }
        if let Some(d) = &e.detail {
            let _ = writeln!(s, "    {d}");
        }
        for settlement in &e.settlements {
            let _ = writeln!(s, "    {}", settlement.note());
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
pub fn result_json(r: &TargetResult) -> Value {
    let mut v = json!({
        "file": r.source,
        "campaignId": r.campaign_id,
        "status": r.ending.as_str(),
        "etagBefore": r.version_before,
        "etagAfter": r.version_after,
        "latencyMs": r.latency_ms,
        "webhookId": r.webhook_id,
        "message": r.message,
        "conflict": r.versions.as_ref().map(|v| {
            v.0.iter().map(|(label, body)| ((*label).to_owned(), body.clone())).collect::<serde_json::Map<_, _>>()
        }),
    });
    if let Some(skill) = r.target.and_then(|t| t.skill_id) {
        v["skillId"] = skill.into();
    }
    v
}

/// Apply results for people: problems in full, then a summary line.
pub fn results_human(results: &[TargetResult]) -> String {
    let mut s = String::new();
    for r in results {
        let id = label(r.target, r.campaign_id.as_deref());
        if r.ending == Ending::Unchanged && r.message.is_none() {
            continue;
        }
        let _ = writeln!(s, "{} {id} ({})", r.ending.as_str(), r.source);
        if let Some(m) = &r.message {
            let _ = writeln!(s, "    {m}");
        }
        if let (Some(b), Some(a)) = (&r.version_before, &r.version_after) {
            if r.ending == Ending::Written {
                let word = if r.target.is_some_and(|t| t.skill_id.is_some()) {
                    "version"
                } else {
                    "ETag"
                };
                let _ = writeln!(s, "    {word} {b} → {a}");
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

/// How a line names its target: the campaign id, with the skill on CXone.
fn label(target: Option<cxsched_engine::Target>, campaign_id: Option<&str>) -> String {
    match target {
        Some(t) => t.label(),
        None => campaign_id.unwrap_or("?").to_owned(),
    }
}
