//! `GET` and `PUT /api/v2/campaigns/{id}/schedule`: bearer tokens and scopes, strong ETags,
//! If-Match (428 when missing, `*` matches, a weak tag gives 412, another strong tag gives
//! 409 `ETAG_MISMATCH`), and the body checked by the core crate: 400 for malformed JSON, 422
//! with field paths for shape errors, 409 `OVERLAPPING_WINDOWS` for overlaps.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cxsched_core::Issue;
use cxsched_core::validate::{Profile, validate_value};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{error, with_etag};
use crate::campaigns::stored_schedule;
use crate::state::{EmulatorState, Precondition, TokenCheck, WriteRefused};

/// Checks the bearer token and that it carries `scope`.
fn authorize(state: &EmulatorState, headers: &HeaderMap, scope: &str) -> Result<(), Box<Response>> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        });
    let unauthorized = |code: &str, message: &str| {
        let mut resp = error(StatusCode::UNAUTHORIZED, code, message);
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"cxone\", error=\"invalid_token\""),
        );
        resp
    };
    let Some(token) = token else {
        return Err(Box::new(unauthorized(
            "UNAUTHORIZED",
            "a bearer token is required (Authorization: Bearer …)",
        )));
    };
    let refusal = match state.check_token(token.trim()) {
        TokenCheck::Valid { scopes } if scopes.iter().any(|s| s == scope) => return Ok(()),
        TokenCheck::Unknown => {
            unauthorized("INVALID_TOKEN", "the access token is unknown or revoked")
        }
        TokenCheck::Expired => unauthorized("TOKEN_EXPIRED", "the access token has expired"),
        TokenCheck::Valid { .. } => error(
            StatusCode::FORBIDDEN,
            "INSUFFICIENT_SCOPE",
            format!("the access token lacks the {scope} scope"),
        ),
    };
    Err(Box::new(refusal))
}

fn campaign_id(raw: &str) -> Result<Uuid, Box<Response>> {
    Uuid::try_parse(raw)
        .ok()
        .filter(|id| !id.is_nil() && raw.len() == 36)
        .ok_or_else(|| {
            Box::new(error(
                StatusCode::NOT_FOUND,
                "CAMPAIGN_NOT_FOUND",
                format!("campaign not found: {raw}"),
            ))
        })
}

fn unknown_campaign(id: Uuid) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "CAMPAIGN_NOT_FOUND",
        format!("campaign not found: {id}"),
    )
}

pub(crate) async fn read(
    State(state): State<EmulatorState>,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = authorize(&state, &headers, "campaign:read") {
        return *resp;
    }
    let id = match campaign_id(&raw_id) {
        Ok(id) => id,
        Err(resp) => return *resp,
    };
    match state.campaign(id) {
        Some(c) => with_etag(axum::Json(c.wire_body(id)).into_response(), &c.etag),
        None => unknown_campaign(id),
    }
}

/// The precondition of an `If-Match` header, if there is one.
fn precondition(headers: &HeaderMap) -> Option<Precondition> {
    let values: Vec<&str> = headers
        .get_all(header::IF_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return None;
    }
    let tags: Vec<String> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if tags.iter().any(|t| t == "*") {
        Some(Precondition::Any)
    } else {
        Some(Precondition::Tags(tags))
    }
}

/// True for the core's overlap error (a bare `timeWindows[N]` path naming another window).
fn is_overlap(issue: &Issue) -> bool {
    let bare_window = issue
        .path
        .strip_prefix("timeWindows[")
        .and_then(|rest| rest.strip_suffix(']'))
        .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
    bare_window && issue.message.contains(" overlaps ")
}

/// Checks a schedule body for campaign `id`: the stored form and the schedule id, or the
/// refusal to send.
pub(crate) fn checked_body(
    body: &Value,
    id: Uuid,
    profile: Profile,
) -> Result<(Value, Option<Uuid>), Box<Response>> {
    let validation = validate_value(body, profile);
    let mut shape: Vec<&Issue> = validation
        .errors
        .iter()
        .filter(|i| !is_overlap(i))
        .collect();
    let mismatch;
    if let Some(s) = &validation.campaign_id
        && Uuid::try_parse(s).is_ok_and(|given| given != id)
    {
        mismatch = Issue {
            path: "campaignId".into(),
            message: format!("expected the campaign of the URL ({id}), found {s:?}"),
        };
        shape.push(&mismatch);
    }
    if !shape.is_empty() {
        let resp = (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(json!({
                "code": "VALIDATION_FAILED",
                "message": format!("the schedule has {} error(s)", shape.len()),
                "errors": shape,
            })),
        )
            .into_response();
        return Err(Box::new(resp));
    }
    if let Some(overlap) = validation.errors.iter().find(|i| is_overlap(i)) {
        return Err(Box::new(error(
            StatusCode::CONFLICT,
            "OVERLAPPING_WINDOWS",
            format!("{}: {}", overlap.path, overlap.message),
        )));
    }
    let schedule = validation
        .schedule
        .as_ref()
        .expect("valid when there are no errors");
    Ok((stored_schedule(schedule), schedule.schedule_id))
}

pub(crate) async fn write(
    State(state): State<EmulatorState>,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(resp) = authorize(&state, &headers, "campaign:write") {
        return *resp;
    }
    let id = match campaign_id(&raw_id) {
        Ok(id) => id,
        Err(resp) => return *resp,
    };
    if state.campaign(id).is_none() {
        return unknown_campaign(id);
    }
    let Some(precondition) = precondition(&headers) else {
        return error(
            StatusCode::PRECONDITION_REQUIRED,
            "PRECONDITION_REQUIRED",
            "If-Match is required: GET the schedule and send its ETag (or * to overwrite any version)",
        );
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "MALFORMED_JSON",
                format!("the body is not JSON: {e}"),
            );
        }
    };
    let (stored, schedule_id) = match checked_body(&value, id, Profile::Wire) {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    match state.write(id, &precondition, stored, schedule_id) {
        Ok(c) => with_etag(
            axum::Json(json!({"scheduleId": c.schedule_id, "status": "ACTIVE"})).into_response(),
            &c.etag,
        ),
        Err(WriteRefused::EtagMismatch { current }) => with_etag(
            error(
                StatusCode::CONFLICT,
                "ETAG_MISMATCH",
                format!(
                    "If-Match does not hold the current ETag {current}; GET the schedule again"
                ),
            ),
            &current,
        ),
        Err(WriteRefused::WeakOnly { current }) => with_etag(
            error(
                StatusCode::PRECONDITION_FAILED,
                "PRECONDITION_FAILED",
                "If-Match uses strong comparison: a weak entity tag (W/\"…\") never matches",
            ),
            &current,
        ),
        Err(WriteRefused::UnknownCampaign) => unknown_campaign(id),
    }
}
