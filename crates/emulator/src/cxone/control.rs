//! `/_emulator/` of the `cxone` emulator (no auth, loopback only): the known skills with
//! their settings, out-of-band writes of schedule-settings and time-zones (same bodies as
//! the API's PUTs, as another administrator would make in the UI; an unknown skill id makes
//! the skill, and the `reject_inactive_days` quirk does not apply), revoking every token,
//! and the request log.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::api::{write_schedule, write_zones};
use super::config::{TimeFormat, ZoneItemKey};
use super::cx_error;
use super::settings::zones_body;
use super::state::CxoneState;

pub(crate) async fn skills(State(state): State<CxoneState>) -> Response {
    let list: Vec<Value> = state
        .skills()
        .into_iter()
        .map(|(id, s)| {
            let zones = zones_body(
                &s.time_zones,
                state.zones(),
                TimeFormat::HourMinute,
                ZoneItemKey::StandardName,
            );
            json!({
                "skillId": id,
                "skillName": s.skill_name,
                "isRunning": s.is_running,
                "scheduleSettings": s.schedule.flat(TimeFormat::HourMinute),
                "timeZoneSettings": zones["timeZoneSettings"],
            })
        })
        .collect();
    axum::Json(json!({"skillIds": state.skill_ids(), "skills": list})).into_response()
}

fn parse(raw: &str, body: &Bytes) -> Result<(u64, Value), Box<Response>> {
    let id = raw.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| {
        Box::new(cx_error(
            StatusCode::NOT_FOUND,
            "NotFound",
            "Invalid skillId (a positive integer)",
        ))
    })?;
    let value = serde_json::from_slice(body).map_err(|e| {
        Box::new(cx_error(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            &format!("the body is not JSON: {e}"),
        ))
    })?;
    Ok((id, value))
}

pub(crate) async fn write_schedule_settings(
    State(state): State<CxoneState>,
    Path(raw): Path<String>,
    body: Bytes,
) -> Response {
    let (id, value) = match parse(&raw, &body) {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    match write_schedule(&state, id, &value, false, true) {
        Ok(s) => {
            axum::Json(json!({"skillId": id, "scheduleSettings": s.flat(TimeFormat::HourMinute)}))
                .into_response()
        }
        Err(resp) => *resp,
    }
}

pub(crate) async fn write_time_zones(
    State(state): State<CxoneState>,
    Path(raw): Path<String>,
    body: Bytes,
) -> Response {
    let (id, value) = match parse(&raw, &body) {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    match write_zones(&state, id, &value, true) {
        Ok(()) => axum::Json(json!({"skillId": id})).into_response(),
        Err(resp) => *resp,
    }
}

pub(crate) async fn revoke_tokens(State(state): State<CxoneState>) -> Response {
    axum::Json(json!({"revoked": state.revoke_tokens()})).into_response()
}

pub(crate) async fn requests(State(state): State<CxoneState>) -> Response {
    axum::Json(json!({"requests": state.requests()})).into_response()
}

pub(crate) async fn clear_requests(State(state): State<CxoneState>) -> Response {
    state.clear_requests();
    StatusCode::NO_CONTENT.into_response()
}
