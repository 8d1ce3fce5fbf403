//! The audit vocabulary of `apply`, in one place that both writes and reads it: the
//! [`Action`]s and [`Outcome`]s an entry can carry, the entries themselves, and
//! [`History`] — what the audit log says cxsched last knew of each target, from which drift
//! is recognised.
//!
//! | action | outcomes | when |
//! |---|---|---|
//! | `apply.write` | `ok`, `already_in_place`, `failed` | a write was attempted |
//! | `apply.conflict` | `conflict` | the live state changed under us; not overwritten |
//! | `apply.refused` | `refused` | compliance errors or drift, without an override |
//! | `apply.read` | `failed` | the live state could not be read |
//! | `validation.failed` | `failed` | the document is invalid |
//! | `webhook.delivered` / `webhook.failed` | `delivered` / `failed` | a webhook's delivery ended |

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use cxsched_audit::AuditEntry;
use cxsched_webhooks::DeliveryState;
use uuid::Uuid;

use crate::platform::Target;

/// What an audit entry records an attempt of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Write,
    Conflict,
    Refused,
    ReadFailed,
    ValidationFailed,
    WebhookDelivered,
    WebhookFailed,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Write,
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
            Action::Write => "apply.write",
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
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Ok,
        Outcome::AlreadyInPlace,
        Outcome::Failed,
        Outcome::Refused,
        Outcome::Conflict,
        Outcome::Delivered,
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

/// The last known version per target, from the audit log.
#[derive(Clone, Debug, Default)]
pub struct History {
    known: HashMap<Target, Known>,
}

impl History {
    pub fn get(&self, target: &Target) -> Option<&Known> {
        self.known.get(target)
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
            etag_after: Option<String>,
        }
        let Ok(l) = serde_json::from_str::<Line>(line) else {
            return;
        };
        let (Some(action), Some(outcome)) = (Action::parse(&l.action), Outcome::parse(&l.outcome))
        else {
            return;
        };
        let wrote =
            action == Action::Write && matches!(outcome, Outcome::Ok | Outcome::AlreadyInPlace);
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
}
