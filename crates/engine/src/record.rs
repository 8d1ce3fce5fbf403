//! The audit vocabulary of `apply`, in one place that both writes and reads it: the
//! [`Action`]s and [`Outcome`]s an entry can carry, the entries themselves, and
//! [`History`] — what the audit log says cxsched last knew of each target, from which drift
//! is recognised.
//!
//! | action | outcomes | when |
//! |---|---|---|
//! | `apply.intent` | `pending` | appended and synced right before a write is sent (CONTRACT §11) |
//! | `apply.write` | `ok`, `already_in_place`, `failed` | a write was attempted |
//! | `apply.conflict` | `conflict` | the live state changed under us; not overwritten |
//! | `apply.settled` | `landed`, `not_landed`, `unknown` | a later run settled an intent left without an outcome |
//! | `apply.refused` | `refused` | compliance errors or drift, without an override |
//! | `apply.read` | `failed` | the live state could not be read |
//! | `validation.failed` | `failed` | the document is invalid |
//! | `webhook.delivered` / `webhook.failed` | `delivered` / `failed` | a webhook's delivery ended |
//!
//! **Write-ahead.** Each write is bracketed: an `apply.intent` entry (target, the hash of the
//! payload about to be sent, the version read before, a fresh `details.intentId`) is on disk
//! before the request leaves, and the write's outcome (`apply.write` or `apply.conflict`)
//! carries the same `details.intentId`. An intent without an outcome means the process died
//! in between; the next plan reads that target anyway and decides whether the write landed
//! ([`crate::plan::Settlement`]), and `apply` records the verdict as `apply.settled` with the
//! same id. `unknown` (the live state could not be read, or cannot be compared) leaves the
//! intent pending for the next run.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use cxsched_audit::AuditEntry;
use cxsched_audit::chain::INTENT_ID;
use cxsched_webhooks::DeliveryState;
use uuid::Uuid;

use crate::platform::Target;

/// What an audit entry records an attempt of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Intent,
    Write,
    Settled,
    Conflict,
    Refused,
    ReadFailed,
    ValidationFailed,
    WebhookDelivered,
    WebhookFailed,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::Intent,
        Action::Write,
        Action::Settled,
        Action::Conflict,
        Action::Refused,
        Action::ReadFailed,
        Action::ValidationFailed,
        Action::WebhookDelivered,
        Action::WebhookFailed,
    ];

    /// The name written in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Intent => cxsched_audit::chain::INTENT,
            Action::Write => "apply.write",
            Action::Settled => cxsched_audit::chain::SETTLED,
            Action::Conflict => "apply.conflict",
            Action::Refused => "apply.refused",
            Action::ReadFailed => "apply.read",
            Action::ValidationFailed => "validation.failed",
            Action::WebhookDelivered => "webhook.delivered",
            Action::WebhookFailed => "webhook.failed",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Ok,
    AlreadyInPlace,
    Failed,
    Refused,
    Conflict,
    Delivered,
    /// An intent: the write is about to be sent.
    Pending,
    /// Settled: the live state holds what the intent would have written.
    Landed,
    /// Settled: the live state does not hold it; the write did not land (or was undone).
    NotLanded,
    /// Not settled: the live state could not be read or compared; still pending.
    Unknown,
}

impl Outcome {
    pub const ALL: [Outcome; 10] = [
        Outcome::Ok,
        Outcome::AlreadyInPlace,
        Outcome::Failed,
        Outcome::Refused,
        Outcome::Conflict,
        Outcome::Delivered,
        Outcome::Pending,
        Outcome::Landed,
        Outcome::NotLanded,
        Outcome::Unknown,
    ];

    /// The name written in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::AlreadyInPlace => "already_in_place",
            Outcome::Failed => "failed",
            Outcome::Refused => "refused",
            Outcome::Conflict => "conflict",
            Outcome::Delivered => "delivered",
            Outcome::Pending => "pending",
            Outcome::Landed => "landed",
            Outcome::NotLanded => "not_landed",
            Outcome::Unknown => cxsched_audit::chain::SETTLED_UNKNOWN,
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// A new entry about `target` (or about no target).
pub fn entry(action: Action, outcome: Outcome, target: Option<&Target>) -> AuditEntry {
    let mut e = AuditEntry::new(action.as_str(), outcome.as_str());
    if let Some(t) = target {
        e.campaign_id = Some(t.campaign_id.to_string());
        e.skill_id = t.skill_id;
    }
    e
}

/// A fresh intent id (UUID v7: ordered by time).
pub fn new_intent_id() -> String {
    Uuid::now_v7().to_string()
}

/// `details` naming `intent_id`, keeping what `details` said: its members when it is an
/// object, else under `platform`.
pub fn with_intent(details: serde_json::Value, intent_id: &str) -> serde_json::Value {
    match details {
        serde_json::Value::Object(mut m) => {
            m.insert(INTENT_ID.into(), intent_id.into());
            serde_json::Value::Object(m)
        }
        serde_json::Value::Null => serde_json::json!({ INTENT_ID: intent_id }),
        other => serde_json::json!({ INTENT_ID: intent_id, "platform": other }),
    }
}

/// `details` with the rule versions a compliance decision rested on (`rules`), when there
/// are any.
pub fn with_rules(details: serde_json::Value, rules: &[String]) -> serde_json::Value {
    if rules.is_empty() {
        return details;
    }
    let mut m = match details {
        serde_json::Value::Object(m) => m,
        serde_json::Value::Null => serde_json::Map::new(),
        other => serde_json::Map::from_iter([("platform".to_owned(), other)]),
    };
    m.insert("rules".into(), rules.into());
    serde_json::Value::Object(m)
}

/// Sets an entry's action and outcome.
pub fn set(e: &mut AuditEntry, action: Action, outcome: Outcome) {
    e.action = action.as_str().into();
    e.outcome = outcome.as_str().into();
}

/// The entry for a webhook whose delivery ended (`None` while it is still pending).
pub fn webhook_entry(state: DeliveryState, campaign_id: &str) -> Option<AuditEntry> {
    let (action, outcome) = match state {
        DeliveryState::Pending => return None,
        DeliveryState::Delivered => (Action::WebhookDelivered, Outcome::Delivered),
        DeliveryState::Failed => (Action::WebhookFailed, Outcome::Failed),
    };
    let mut e = AuditEntry::new(action.as_str(), outcome.as_str());
    e.campaign_id = Some(campaign_id.to_owned());
    Some(e)
}

/// What the audit log says cxsched last knew of a target's live state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    /// The version cxsched wrote (or found in a conflict): the seed API's ETag, CXone's
    /// fingerprint of what the write left.
    pub version: String,
    /// The last attempt ended in a conflict that nobody has resolved since.
    pub conflicted: bool,
}

/// An intent the audit log holds no outcome or settlement for: a run stopped between
/// appending it and recording how the write ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent {
    pub intent_id: String,
    pub target: Target,
    /// The hash of the payload that was about to be sent.
    pub payload_sha256: Option<String>,
    /// The version read before the write (`etagBefore`).
    pub version_before: Option<String>,
}

/// The last known version per target, and the pending intents, from the audit log.
///
/// # Example
///
/// An audit line recording a write teaches the version cxsched left; a missing log knows
/// nothing:
///
/// ```
/// use cxsched_engine::platform::Target;
/// use cxsched_engine::record::History;
///
/// let dir = tempfile::tempdir().unwrap();
/// let empty = History::read(&dir.path().join("audit.jsonl")).unwrap();
/// assert!(empty.pending().is_empty());
///
/// let id = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab";
/// let target = Target::campaign(id.parse().unwrap());
/// let mut history = History::default();
/// history.learn(&format!(
///     r#"{{"action":"apply.write","outcome":"ok","campaignId":"{id}","etagAfter":"v2"}}"#
/// ));
/// let known = history.get(&target).unwrap();
/// assert_eq!(known.version, "v2");
/// assert!(!known.conflicted);
/// history.learn("not json"); // a torn line carries nothing and is skipped
/// assert_eq!(history.get(&target).unwrap().version, "v2");
/// ```
#[derive(Clone, Debug, Default)]
pub struct History {
    known: HashMap<Target, Known>,
    /// In log order.
    pending: Vec<Intent>,
}

impl History {
    pub fn get(&self, target: &Target) -> Option<&Known> {
        self.known.get(target)
    }

    /// Every pending intent, in log order.
    pub fn pending(&self) -> &[Intent] {
        &self.pending
    }

    /// The pending intents aimed at `target`, in log order.
    pub fn pending_for(&self, target: &Target) -> Vec<Intent> {
        self.pending
            .iter()
            .filter(|i| i.target == *target)
            .cloned()
            .collect()
    }

    /// Reads the log at `path` (a missing log knows nothing). Torn or foreign lines carry
    /// nothing to rely on and are skipped (`audit verify` reports them).
    ///
    /// # Errors
    /// The log exists but cannot be read.
    pub fn read(path: &Path) -> std::io::Result<History> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(History::default()),
            Err(e) => return Err(e),
        };
        let mut history = History::default();
        for line in std::io::BufReader::new(file).lines() {
            history.learn(&line?);
        }
        Ok(history)
    }

    /// Takes one audit line into account.
    pub fn learn(&mut self, line: &str) {
        /// The members of an audit line this needs (the rest is skipped, not built).
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Line {
            action: String,
            outcome: String,
            campaign_id: Option<Uuid>,
            skill_id: Option<u64>,
            etag_before: Option<String>,
            etag_after: Option<String>,
            payload_sha256: Option<String>,
            #[serde(default)]
            details: serde_json::Value,
        }
        let Ok(l) = serde_json::from_str::<Line>(line) else {
            return;
        };
        let (Some(action), Some(outcome)) = (Action::parse(&l.action), Outcome::parse(&l.outcome))
        else {
            return;
        };
        let intent_id = l.details.get(INTENT_ID).and_then(serde_json::Value::as_str);
        match (action, intent_id, l.campaign_id) {
            (Action::Intent, Some(id), Some(campaign_id)) => self.pending.push(Intent {
                intent_id: id.to_owned(),
                target: Target {
                    campaign_id,
                    skill_id: l.skill_id,
                },
                payload_sha256: l.payload_sha256,
                version_before: l.etag_before,
            }),
            (Action::Settled, _, _) if outcome == Outcome::Unknown => {}
            (_, Some(id), _) => {
                if let Some(i) = self.pending.iter().rposition(|p| p.intent_id == id) {
                    self.pending.remove(i);
                }
            }
            _ => {}
        }
        let wrote = (action == Action::Write
            && matches!(outcome, Outcome::Ok | Outcome::AlreadyInPlace))
            || (action == Action::Settled && outcome == Outcome::Landed);
        let conflicted = action == Action::Conflict;
        if let (true, Some(campaign_id), Some(version)) =
            (wrote || conflicted, l.campaign_id, l.etag_after)
        {
            let target = Target {
                campaign_id,
                skill_id: l.skill_id,
            };
            self.known.insert(
                target,
                Known {
                    version,
                    conflicted,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_themselves() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(Action::parse("apply.other"), None);
    }

    #[test]
    fn history_keeps_the_last_write_or_conflict_per_target() {
        let c = Uuid::from_u128(7);
        let line = |action: Action, outcome: Outcome, skill: Option<u64>, v: &str| {
            let mut e = entry(
                action,
                outcome,
                Some(&Target {
                    campaign_id: c,
                    skill_id: skill,
                }),
            );
            e.etag_after = Some(v.into());
            serde_json::to_string(&e).unwrap()
        };
        let mut h = History::default();
        h.learn(&line(Action::Write, Outcome::Ok, None, "\"1\""));
        h.learn(&line(Action::Write, Outcome::Ok, Some(4), "cx-a"));
        h.learn(&line(Action::Write, Outcome::Failed, Some(4), "cx-b"));
        h.learn(&line(Action::Conflict, Outcome::Conflict, None, "\"2\""));
        h.learn("{torn");
        let seed = Target {
            campaign_id: c,
            skill_id: None,
        };
        let skill = Target {
            campaign_id: c,
            skill_id: Some(4),
        };
        assert_eq!(
            h.get(&seed),
            Some(&Known {
                version: "\"2\"".into(),
                conflicted: true
            })
        );
        assert_eq!(h.get(&skill).map(|k| k.version.as_str()), Some("cx-a"));
    }

    #[test]
    fn intents_pair_with_their_outcome_by_id_and_landed_settlements_count_as_writes() {
        let target = Target {
            campaign_id: Uuid::from_u128(9),
            skill_id: Some(3),
        };
        let line = |action: Action, outcome: Outcome, intent: &str, after: Option<&str>| {
            let mut e = entry(action, outcome, Some(&target));
            e.payload_sha256 = Some("p".into());
            e.etag_before = Some("v0".into());
            e.etag_after = after.map(str::to_owned);
            e.details = with_intent(serde_json::Value::Null, intent);
            serde_json::to_string(&e).unwrap()
        };
        let mut h = History::default();
        h.learn(&line(Action::Intent, Outcome::Pending, "a", None));
        assert_eq!(h.pending_for(&target).len(), 1);
        h.learn(&line(Action::Write, Outcome::Ok, "a", Some("v1")));
        assert!(h.pending().is_empty(), "the outcome pairs with its intent");
        h.learn(&line(Action::Intent, Outcome::Pending, "b", None));
        h.learn(&line(Action::Settled, Outcome::Unknown, "b", None));
        assert_eq!(
            h.pending_for(&target),
            vec![Intent {
                intent_id: "b".into(),
                target,
                payload_sha256: Some("p".into()),
                version_before: Some("v0".into()),
            }],
            "an unknown settlement leaves the intent pending"
        );
        assert_eq!(h.get(&target).map(|k| k.version.as_str()), Some("v1"));
        h.learn(&line(Action::Settled, Outcome::Landed, "b", Some("v2")));
        assert!(h.pending().is_empty());
        assert_eq!(h.get(&target).map(|k| k.version.as_str()), Some("v2"));
        h.learn(&line(Action::Intent, Outcome::Pending, "c", None));
        h.learn(&line(Action::Settled, Outcome::NotLanded, "c", Some("v9")));
        assert!(h.pending().is_empty());
        assert_eq!(
            h.get(&target).map(|k| k.version.as_str()),
            Some("v2"),
            "a write that did not land teaches nothing"
        );
    }

    #[test]
    fn intent_ids_are_kept_beside_what_details_said() {
        assert_eq!(
            with_intent(serde_json::json!({"skillId": 4}), "x"),
            serde_json::json!({"skillId": 4, "intentId": "x"})
        );
        assert_eq!(
            with_intent(serde_json::json!("odd"), "x"),
            serde_json::json!({"intentId": "x", "platform": "odd"})
        );
    }
}
