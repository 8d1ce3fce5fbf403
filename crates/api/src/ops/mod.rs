//! The API operations, one file each, and how their answers' statuses become errors.

pub mod get_schedule;
pub mod put_schedule;
pub mod write_schedule;

use uuid::Uuid;

use crate::error::{ApiError, ErrorKind, FieldError};
use crate::transport::Answer;

/// `/api/v2/campaigns/{id}/schedule`.
pub(crate) fn schedule_path(campaign_id: Uuid) -> String {
    format!("/api/v2/campaigns/{campaign_id}/schedule")
}

/// The `code` of an error body `{"code", "message"}`, if any.
fn code(answer: &Answer) -> Option<String> {
    answer.json()?.get("code")?.as_str().map(str::to_owned)
}

/// The error for an answer that is not a success.
pub(crate) fn refusal(doing: &str, answer: &Answer) -> ApiError {
    let (kind, message): (ErrorKind, String) = match (answer.status, code(answer).as_deref()) {
        (401, _) => (
            ErrorKind::Auth,
            "the server refused the access token even after getting a new one".into(),
        ),
        (403, _) => (
            ErrorKind::Forbidden,
            "the access token lacks the scope for this; the client must be granted campaign:read and \
             campaign:write"
                .into(),
        ),
        (404, _) => (ErrorKind::NotFound, "the campaign is unknown to the server".into()),
        (409, Some("OVERLAPPING_WINDOWS")) => {
            (ErrorKind::Rejected, "the server refused overlapping windows".into())
        }
        (409, Some("ETAG_MISMATCH")) | (412, _) => (
            ErrorKind::StaleEtag,
            "the ETag sent is no longer the current one (the schedule changed since it was read)".into(),
        ),
        (409, _) => (ErrorKind::StaleEtag, "the server reported a conflict".into()),
        (422, _) => (ErrorKind::Rejected, "the server refused the schedule".into()),
        (400, _) => (ErrorKind::Rejected, "the server refused the request as malformed".into()),
        (428, _) => (
            ErrorKind::PreconditionRequired,
            "the server requires If-Match with the schedule's ETag".into(),
        ),
        (s, _) => (ErrorKind::Protocol, format!("unexpected answer {s}")),
    };
    let mut err = ApiError::new(kind, doing, message)
        .with_status(answer.status, &answer.body)
        .with_attempts(answer.attempts, answer.latency)
        .with_unanswered(answer.unanswered);
    if answer.status == 422 {
        err = err.with_field_errors(field_errors(answer));
    }
    err
}

/// The `errors: [{path, message}]` of a 422 body (plain strings are kept with an empty path).
fn field_errors(answer: &Answer) -> Vec<FieldError> {
    let Some(body) = answer.json() else {
        return Vec::new();
    };
    let Some(items) = body.get("errors").and_then(|e| e.as_array()) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| match item {
            serde_json::Value::String(s) => FieldError {
                path: String::new(),
                message: s.clone(),
            },
            other => FieldError {
                path: other
                    .get("path")
                    .and_then(|p| p.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                message: other
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map_or_else(|| other.to_string(), str::to_owned),
            },
        })
        .collect()
}
