//! How the platform's refusals become [`ApiError`]s: the platform's own words from its error
//! body `{"error", "error_description"}` (research §4; medium: the 401 body and most error
//! codes are unpublished, so a body of another shape, `{"message"}` or plain text, is quoted
//! as it is) and a hint on what to do.

use serde_json::Value;

use crate::error::{ApiError, ErrorKind};
use crate::transport::Answer;

/// The `error` code and a one-line account (`"InvalidParameter: Invalid skillId"`) of an
/// error body, when it has one.
pub(crate) fn platform_words(body: &str) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        let text = body.trim();
        let plain = (!text.is_empty() && text.len() <= 300).then(|| text.to_owned());
        return (None, plain);
    };
    let field = |k: &str| {
        value
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let code = field("error");
    let description = field("error_description").or_else(|| field("message"));
    let words = match (&code, description) {
        (Some(c), Some(d)) => Some(format!("{c}: {d}")),
        (Some(c), None) => Some(c.clone()),
        (None, d) => d,
    };
    (code, words)
}

/// What a request was about, for the message and hint of its refusal.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target {
    /// A skill's own resource or one of its parameters.
    Skill(u64),
    /// `PUT /skills/{id}/parameters/schedule-settings`.
    SchedulePut(u64),
    /// `PUT /skills/{id}/parameters/time-zones`.
    TimeZonesPut(u64),
    /// The business unit, the zone list, the skill list.
    Tenant,
}

/// The error for an answer that is not a success.
pub(crate) fn refusal(doing: &str, answer: &Answer, target: Target) -> ApiError {
    let (_, words) = platform_words(&answer.body);
    let (kind, message): (ErrorKind, String) = match (answer.status, target) {
        (400, Target::SchedulePut(_)) => (
            ErrorKind::Rejected,
            "the platform refused the schedule; some tenants refuse any inactive day or a \
             window whose start equals its end (research §2.1): give every weekday a window, \
             or ask NICE support whether the tenant accepts inactive days"
                .into(),
        ),
        (400, Target::TimeZonesPut(_)) => (
            ErrorKind::Rejected,
            "the platform refused the time-zone windows; every standardName must be a zone the \
             business unit enables (GET /business-unit, GET /timezones)"
                .into(),
        ),
        (400, _) => (
            ErrorKind::Rejected,
            "the platform refused the request".into(),
        ),
        (401, _) => (
            ErrorKind::Auth,
            "the platform refused the access token even after getting a new one; check that the \
             access key's user is active"
                .into(),
        ),
        (403, _) => (
            ErrorKind::Forbidden,
            "the access key's user lacks the security permission for this (ACD skills: view / \
             edit)"
                .into(),
        ),
        (404, Target::Skill(id) | Target::SchedulePut(id) | Target::TimeZonesPut(id)) => (
            ErrorKind::NotFound,
            format!(
                "skill {id} is unknown to the business unit, or not a Personal Connection skill; \
                 list the skills with GET /skills"
            ),
        ),
        (404, Target::Tenant) => (
            ErrorKind::NotFound,
            "the platform does not know this resource; check CXONE_API_VERSION".into(),
        ),
        (406, _) => (
            ErrorKind::Protocol,
            "the platform would not render JSON (406; it needs Accept: application/json)".into(),
        ),
        (409, _) => (
            ErrorKind::Rejected,
            "the platform refused the change in the skill's current state (409)".into(),
        ),
        (s, _) => (ErrorKind::Protocol, format!("unexpected answer {s}")),
    };
    let message = match words {
        Some(w) => format!("{message}; the platform said: {w}"),
        None => message,
    };
    ApiError::new(kind, doing, message)
        .with_status(answer.status, &answer.body)
        .with_attempts(answer.attempts, answer.latency)
        .with_unanswered(answer.unanswered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            etag: None,
            body: body.into(),
            attempts: 1,
            latency: Duration::ZERO,
            unanswered: false,
        }
    }

    #[test]
    fn the_platforms_words_are_kept() {
        assert_eq!(
            platform_words(r#"{"error":"InvalidParameter","error_description":"bad day"}"#),
            (
                Some("InvalidParameter".into()),
                Some("InvalidParameter: bad day".into())
            )
        );
        assert_eq!(
            platform_words("No known way to render data").1.as_deref(),
            Some("No known way to render data")
        );
        assert_eq!(
            platform_words(r#"{"message":"Invalid skillId"}"#)
                .1
                .as_deref(),
            Some("Invalid skillId")
        );
    }

    #[test]
    fn a_400_on_a_schedule_put_is_rejected_with_the_inactive_day_hint() {
        let e = refusal(
            "PUT",
            &answer(400, r#"{"error":"InvalidParameter"}"#),
            Target::SchedulePut(7),
        );
        assert_eq!(e.kind(), ErrorKind::Rejected);
        let text = e.to_string();
        assert!(
            text.contains("InvalidParameter") && text.contains("inactive day"),
            "{text}"
        );
    }

    #[test]
    fn a_406_is_a_protocol_error_and_a_404_names_the_skill() {
        let e = refusal(
            "GET",
            &answer(406, "No known way to render data"),
            Target::Skill(7),
        );
        assert_eq!(e.kind(), ErrorKind::Protocol);
        let e = refusal(
            "GET",
            &answer(404, r#"{"error":"Invalid skillId"}"#),
            Target::Skill(7),
        );
        assert!(e.is_not_found() && e.to_string().contains("skill 7"), "{e}");
    }
}
