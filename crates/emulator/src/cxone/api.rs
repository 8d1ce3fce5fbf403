//! The API under `/inContactAPI/services/{version}/` (any `vNN.0`): the guard in front of it
//! (version → 404, `Accept` without `application/json` → 406 `No known way to render data`,
//! bearer JWT → 401 `invalid_token`), then `GET /business-unit`, `GET /skills` (paged by
//! `skip`/`top`), `GET /skills/{id}`, schedule-settings and time-zones (GET/PUT),
//! `GET /timezones`, and `POST /skills/{id}/start|stop`. No ETags; last write wins.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::config::TotalRecords;
use super::settings::{self, ZoneSetting};
use super::state::{CxoneState, Skill, TokenCheck};
use super::{cx_error, host_base, zones};
use crate::harness::accepts_json;

/// The prefix every API path starts with.
pub const API_PREFIX: &str = "/inContactAPI/services/";

/// Default and largest page size of `GET /skills` (S4: default 50, at most 100).
pub const DEFAULT_TOP: usize = 50;
pub const MAX_TOP: usize = 100;

/// `vNN.0` (any number of digits, at least one).
fn is_version(v: &str) -> bool {
    v.strip_prefix('v')
        .and_then(|r| r.strip_suffix(".0"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn invalid_token(description: &str) -> Response {
    let mut resp = cx_error(StatusCode::UNAUTHORIZED, "invalid_token", description);
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    resp
}

/// In front of every `/inContactAPI/` path: version, `Accept`, bearer token, in that order.
pub(crate) async fn guard(State(state): State<CxoneState>, req: Request, next: Next) -> Response {
    let Some(rest) = req.uri().path().strip_prefix("/inContactAPI/") else {
        return next.run(req).await;
    };
    let version = rest
        .strip_prefix("services/")
        .and_then(|r| r.split('/').next());
    if !version.is_some_and(is_version) {
        return cx_error(
            StatusCode::NOT_FOUND,
            "NotFound",
            "no such API: paths are /inContactAPI/services/vNN.0/…",
        );
    }
    if !accepts_json(req.headers()) {
        return (
            StatusCode::NOT_ACCEPTABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "No known way to render data",
        )
            .into_response();
    }
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        });
    let Some(token) = token else {
        return invalid_token("a bearer token is required (Authorization: Bearer …)");
    };
    match state.check_token(token.trim()) {
        TokenCheck::Valid(caller) => {
            let mut req = req;
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        TokenCheck::Expired => invalid_token("the access token has expired"),
        TokenCheck::Revoked => invalid_token("the access token is revoked or unknown"),
        TokenCheck::BadSignature => invalid_token("the access token is not a valid token"),
    }
}

/// 404 `NotFound` / `Invalid skillId`.
fn no_skill() -> Response {
    cx_error(StatusCode::NOT_FOUND, "NotFound", "Invalid skillId")
}

fn invalid(description: impl Into<String>) -> Response {
    cx_error(
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        &description.into(),
    )
}

fn skill_id(raw: &str) -> Option<u64> {
    raw.parse::<u64>().ok().filter(|&n| n > 0)
}

fn skill_body(id: u64, s: &Skill) -> Value {
    json!({
        "skillId": id,
        "skillName": s.skill_name,
        "mediaTypeId": 4,
        "mediaTypeName": "Phone",
        "isActive": true,
        "isOutbound": true,
        "outboundStrategy": "Personal Connection",
        "isRunning": s.is_running,
        "campaignId": s.campaign_id,
        "campaignName": s.campaign_name,
    })
}

/// A JSON body of a PUT: the content type must be JSON (415 otherwise), the body JSON (400).
fn json_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, Box<Response>> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(Box::new(cx_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "send the body as Content-Type: application/json",
        )));
    }
    serde_json::from_slice(body)
        .map_err(|e| Box::new(invalid(format!("the body is not JSON: {e}"))))
}

pub(crate) async fn business_unit(State(state): State<CxoneState>) -> Response {
    let c = state.config();
    let zones: Vec<Value> = state
        .zones()
        .iter()
        .map(|name| {
            let display = zones::find(name).map_or(name.as_str(), |z| z.display_name);
            json!({"displayName": display, "standardName": name})
        })
        .collect();
    axum::Json(json!({"businessUnits": [{
        "businessUnitId": c.business_unit_id,
        "businessUnitName": c.business_unit_name,
        "tenantId": c.tenant_id,
        "defaultTimeZone": c.business_unit_timezone,
        "timeZones": zones,
        "startDayOfWeek": 0,
    }]}))
    .into_response()
}

fn page_param(query: &HashMap<String, String>, name: &str) -> Result<Option<usize>, Box<Response>> {
    match query.get(name) {
        None => Ok(None),
        Some(v) => v.parse::<usize>().map(Some).map_err(|_| {
            Box::new(invalid(format!(
                "{name} must be a non-negative integer, found {v:?}"
            )))
        }),
    }
}

pub(crate) async fn list_skills(
    State(state): State<CxoneState>,
    Path(version): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let (skip, top) = match (page_param(&query, "skip"), page_param(&query, "top")) {
        (Ok(skip), Ok(top)) => (skip.unwrap_or(0), top.unwrap_or(DEFAULT_TOP)),
        (Err(e), _) | (_, Err(e)) => return *e,
    };
    if top == 0 {
        return invalid("top must be at least 1");
    }
    let top = top.min(MAX_TOP);
    let all = state.skills();
    let total = all.len();
    let page: Vec<Value> = all
        .iter()
        .skip(skip)
        .take(top)
        .map(|(id, s)| skill_body(*id, s))
        .collect();
    let base = format!(
        "{}{API_PREFIX}{version}/skills",
        state.api_url(|| host_base(&headers))
    );
    let link = |skip: usize| format!("{base}?skip={skip}&top={top}");
    let next = (skip + top < total).then(|| link(skip + top));
    let previous = (skip > 0).then(|| link(skip.saturating_sub(top)));
    let total_records = match state.config().quirks.total_records {
        TotalRecords::Number => json!(total),
        TotalRecords::String => json!(total.to_string()),
    };
    axum::Json(json!({
        "businessUnitId": state.config().business_unit_id,
        "lastPollTime": jiff::Timestamp::now().to_string(),
        "totalRecords": total_records,
        "skills": page,
        "_links": {"self": link(skip), "next": next, "previous": previous},
    }))
    .into_response()
}

pub(crate) async fn get_skill(
    State(state): State<CxoneState>,
    Path((_version, raw)): Path<(String, String)>,
) -> Response {
    match skill_id(&raw).and_then(|id| state.skill(id).map(|s| (id, s))) {
        Some((id, s)) => axum::Json(skill_body(id, &s)).into_response(),
        None => no_skill(),
    }
}

pub(crate) async fn get_schedule(
    State(state): State<CxoneState>,
    Path((_version, raw)): Path<(String, String)>,
) -> Response {
    match skill_id(&raw).and_then(|id| state.skill(id)) {
        Some(s) => axum::Json(s.schedule.flat(state.config().quirks.time_format)).into_response(),
        None => no_skill(),
    }
}

/// Applies a wrapped schedule-settings body to skill `id` (made when `create`).
pub(crate) fn write_schedule(
    state: &CxoneState,
    id: u64,
    body: &Value,
    reject_inactive_days: bool,
    create: bool,
) -> Result<settings::ScheduleSettings, Box<Response>> {
    let result = state.update(id, create, |skill| {
        let next = skill.schedule.with_put(body, reject_inactive_days)?;
        skill.schedule = next.clone();
        Ok::<_, String>(next)
    });
    match result {
        None => Err(Box::new(no_skill())),
        Some(Err(why)) => Err(Box::new(invalid(why))),
        Some(Ok(s)) => Ok(s),
    }
}

pub(crate) async fn put_schedule(
    State(state): State<CxoneState>,
    Path((_version, raw)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(id) = skill_id(&raw).filter(|id| state.skill(*id).is_some()) else {
        return no_skill();
    };
    let value = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(resp) => return *resp,
    };
    let reject = state.config().reject_inactive_days;
    match write_schedule(&state, id, &value, reject, false) {
        // 200 with an empty body (the spec publishes no response body; S4 accepts empty).
        Ok(_) => StatusCode::OK.into_response(),
        Err(resp) => *resp,
    }
}

pub(crate) async fn get_zones(
    State(state): State<CxoneState>,
    Path((_version, raw)): Path<(String, String)>,
) -> Response {
    match skill_id(&raw).and_then(|id| state.skill(id)) {
        Some(s) => {
            let q = state.config().quirks;
            axum::Json(settings::zones_body(
                &s.time_zones,
                state.zones(),
                q.time_format,
                q.zone_item_key,
            ))
            .into_response()
        }
        None => no_skill(),
    }
}

/// Replaces skill `id`'s zone list with a PUT body's (skill made when `create`).
pub(crate) fn write_zones(
    state: &CxoneState,
    id: u64,
    body: &Value,
    create: bool,
) -> Result<(), Box<Response>> {
    let zones: std::collections::BTreeMap<String, ZoneSetting> =
        settings::zones_from_put(body, state.zones()).map_err(|why| Box::new(invalid(why)))?;
    match state.update(id, create, |skill| skill.time_zones = zones) {
        Some(()) => Ok(()),
        None => Err(Box::new(no_skill())),
    }
}

pub(crate) async fn put_zones(
    State(state): State<CxoneState>,
    Path((_version, raw)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(id) = skill_id(&raw).filter(|id| state.skill(*id).is_some()) else {
        return no_skill();
    };
    let value = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(resp) => return *resp,
    };
    match write_zones(&state, id, &value, false) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(resp) => *resp,
    }
}

pub(crate) async fn timezones() -> Response {
    let items: Vec<Value> = zones::ALL
        .iter()
        .map(|z| {
            json!({"displayName": z.display_name, "standardName": z.standard_name, "offset": z.offset})
        })
        .collect();
    axum::Json(json!({"timeZones": items})).into_response()
}

pub(crate) async fn start(
    State(state): State<CxoneState>,
    Path((_version, raw)): Path<(String, String)>,
) -> Response {
    let Some(id) = skill_id(&raw) else {
        return no_skill();
    };
    let started = state.update(id, false, |s| !std::mem::replace(&mut s.is_running, true));
    match started {
        None => no_skill(),
        Some(true) => StatusCode::ACCEPTED.into_response(),
        Some(false) => cx_error(
            StatusCode::CONFLICT,
            "InvalidState",
            "Invalid state. Cannot start skill",
        ),
    }
}

pub(crate) async fn stop(
    State(state): State<CxoneState>,
    Path((_version, raw)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let force = match query.get("force").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => return invalid(format!("force must be true or false, found {other:?}")),
    };
    let Some(id) = skill_id(&raw) else {
        return no_skill();
    };
    let stopped = state.update(id, false, |s| std::mem::replace(&mut s.is_running, false));
    match stopped {
        None => no_skill(),
        Some(was_running) if was_running || force => StatusCode::ACCEPTED.into_response(),
        Some(_) => cx_error(
            StatusCode::CONFLICT,
            "InvalidState",
            "Invalid state. Cannot stop skill",
        ),
    }
}
