//! What a caller records: one [`AuditEntry`] per attempt (validation failure, write,
//! conflict, webhook delivery), and the guard that keeps secrets out of the log.
//!
//! The log itself adds the chain fields (`seq`, `id`, `ts`, `prev`, `hash`); see
//! [`crate::chain`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::AuditError;

/// One attempt, as the caller describes it. Every field is written (as `null` when absent)
/// so that entries have one shape.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditEntry {
    /// What was attempted: `apply.intent`, `apply.write`, `apply.settled`, `apply.refused`,
    /// `apply.conflict`, `validation.failed`, `webhook.delivered`, `webhook.failed`, …
    pub action: String,
    /// The campaign concerned, when there is one.
    pub campaign_id: Option<String>,
    /// The CXone skill concerned, on that platform (absent from seed-platform entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_id: Option<u64>,
    /// Who acted: the API client id (never its secret).
    pub actor: Option<String>,
    /// How it ended: `ok`, `failed`, `refused`, `conflict`, …
    pub outcome: String,
    /// The live schedule's ETag read before the attempt.
    pub etag_before: Option<String>,
    /// The ETag the API returned after a write.
    pub etag_after: Option<String>,
    /// SHA-256 (hex) of the payload sent, see [`payload_sha256`].
    pub payload_sha256: Option<String>,
    /// How long the attempt took, in milliseconds.
    pub latency_ms: Option<u64>,
    /// The error, as shown to the user, when the attempt failed.
    pub error: Option<String>,
    /// Why a refusal was overridden, as the operator gave it.
    pub override_reason: Option<String>,
    /// The tz database version used (for example `2026f`).
    pub tzdb: Option<String>,
    /// The rule pack (name and version) used for compliance decisions.
    pub rule_pack: Option<String>,
    /// Anything else worth keeping, as free JSON (checked for secret-looking members).
    #[serde(default)]
    pub details: serde_json::Value,
}

impl AuditEntry {
    /// A new entry with an action and outcome; the other fields are filled by the caller.
    pub fn new(action: impl Into<String>, outcome: impl Into<String>) -> AuditEntry {
        AuditEntry {
            action: action.into(),
            outcome: outcome.into(),
            ..AuditEntry::default()
        }
    }

    /// Refuses entries that look like they carry a secret: a `details` member named like a
    /// secret (`secret`, `password`, `token`, `authorization`, `apiKey`, …) or any text field
    /// whose value looks like a credential (`whsec_…`, `Bearer …`, `Basic …`).
    ///
    /// # Errors
    /// [`AuditError::SecretLike`] naming the field, never its value.
    pub fn check_no_secrets(&self) -> Result<(), AuditError> {
        let texts = [
            ("action", Some(&self.action)),
            ("campaignId", self.campaign_id.as_ref()),
            ("actor", self.actor.as_ref()),
            ("outcome", Some(&self.outcome)),
            ("etagBefore", self.etag_before.as_ref()),
            ("etagAfter", self.etag_after.as_ref()),
            ("error", self.error.as_ref()),
            ("overrideReason", self.override_reason.as_ref()),
        ];
        for (field, value) in texts {
            if value.is_some_and(|v| looks_like_credential(v)) {
                return Err(AuditError::SecretLike {
                    field: field.into(),
                });
            }
        }
        check_value("details", &self.details)
    }
}

/// SHA-256 of a payload, lower-case hex: what goes in `payloadSha256`.
pub fn payload_sha256(payload: &[u8]) -> String {
    hex::encode(Sha256::digest(payload))
}

/// Member names that hold secrets, compared case-insensitively without `_` and `-`.
const SECRET_NAMES: &[&str] = &[
    "secret",
    "clientsecret",
    "webhooksecret",
    "password",
    "passwd",
    "token",
    "accesstoken",
    "refreshtoken",
    "authorization",
    "apikey",
    "privatekey",
];

fn is_secret_name(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_NAMES.contains(&folded.as_str())
}

fn looks_like_credential(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("whsec_") || t.starts_with("Bearer ") || t.starts_with("Basic ")
}

fn check_value(path: &str, value: &serde_json::Value) -> Result<(), AuditError> {
    match value {
        serde_json::Value::String(s) if looks_like_credential(s) => {
            Err(AuditError::SecretLike { field: path.into() })
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_value(&format!("{path}[{i}]"), v)),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            let at = format!("{path}.{k}");
            if is_secret_name(k) && !v.is_null() {
                Err(AuditError::SecretLike { field: at })
            } else {
                check_value(&at, v)
            }
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_secret_looking_members_and_values_without_echoing_them() {
        let mut e = AuditEntry::new("apply.write", "ok");
        e.details = serde_json::json!({"request": {"client_secret": "hunter2"}});
        let err = e.check_no_secrets().unwrap_err().to_string();
        assert!(err.contains("details.request.client_secret"), "{err}");
        assert!(!err.contains("hunter2"));

        let mut e = AuditEntry::new("webhook.failed", "failed");
        e.error = Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into());
        assert!(e.check_no_secrets().is_err());

        let mut e = AuditEntry::new("apply.write", "ok");
        e.details = serde_json::json!({"headers": ["Bearer abc"]});
        assert!(e.check_no_secrets().is_err());
    }

    #[test]
    fn accepts_ordinary_entries() {
        let mut e = AuditEntry::new("apply.write", "ok");
        e.actor = Some("demo-client".into());
        e.details = serde_json::json!({"tokenScope": "campaign:write", "windows": 3});
        e.check_no_secrets().unwrap();
    }
}
