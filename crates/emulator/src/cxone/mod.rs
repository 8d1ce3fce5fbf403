//! An emulator of NICE CXone's real API (the `cxone` platform, CONTRACT §6.4), beside the
//! seed emulator and built from the same parts: one router factory ([`app`], or
//! [`issuer_app`] and [`api_app`] for two listeners), [`spawn`] serving it on port-0-capable
//! listeners, the shared gate (request log, token-bucket rate limit, latency, faults incl.
//! dropped connections, `lost` answers and 429 without `Retry-After`, loopback-only
//! `/_emulator/`), and state ([`CxoneState`]) in memory, saved to a file on change.
//!
//! Sources are cited by the ids of the research note `cxone-real-api.md` (S1…S12).
//!
//! # Endpoints
//! Issuer (no auth): `GET /.well-known/openid-configuration`, `POST /auth/token`
//! (form-encoded password grant with an access key and HTTP Basic client auth, S1/S6; the
//! refresh grant with `client_id`, S1), `GET /.well-known/cxone-configuration?tenantId=`
//! (404 for another tenant). Access tokens are HS256 JWTs carrying `iss`, `sub`
//! (`user:<uuid>`, stable per access key), `aud`, `iat`, `exp`, `jti`, `tenantId`, `tenant`,
//! `icBUId`, `icClusterId`, `role.legacyId` (S6). Refresh tokens are opaque, reusable until
//! revoked (no rotation).
//!
//! API under `/inContactAPI/services/vNN.0/` (any version of that shape; others 404; the
//! path is case-sensitive, as published; handlers in `api.rs`). Checked in
//! this order: version (404), `Accept` (406 with the plain text `No known way to render
//! data`), bearer token (401 `{"error":"invalid_token"}` for a missing, expired, revoked or
//! foreign token). Errors are `{"error", "error_description"}` (S1/S2); an unknown skill is
//! 404 `NotFound`/`Invalid skillId`. No ETag anywhere; last write wins (S1, research §3).
//!
//! # Decisions where the research leaves a choice
//! - `Accept`: only a media range naming `application/json` passes; `*/*` and a missing
//!   `Accept` get 406 (S4/S11: clients must send `application/json`; the 406 status itself
//!   is a guess, research §7.2).
//! - PUT bodies must come as `Content-Type: application/json` (415 otherwise; S4/S11 send it).
//! - `GET /skills`: `top` defaults to 50 and is cut to 100 (S4; a larger `top` is not
//!   refused, so a client asking for more still pages correctly by `_links.next` and
//!   `totalRecords`); `top=0` or a non-number is 400 `InvalidParameter`.
//! - PUT schedule-settings requires the `scheduleSettings` wrapper (S1/S10), refuses unknown
//!   fields, accepts `HH:mm` and `HH:mm:ss` on whole minutes (stored as minutes), needs
//!   start < end on active days, keeps fields a body leaves out, and answers 200 with an
//!   empty body (no body published, S1; S4 accepts empty). See `settings.rs`.
//! - PUT time-zones replaces the whole list (S2); a zone not enabled for the business unit
//!   is 400 naming it (research §7.4, a guess); `overrideTime: true` needs both times.
//!   A skill never written dials every business-unit zone in the default window (S8).
//! - `reject_inactive_days` (off by default): the live-client report of S4 (any inactive
//!   day, or start == end, gives 400 `InvalidParameter`), which S4 suspects is tenant-specific.
//! - The business unit's default zone is always among its enabled zones.
//! - 202 with an empty body from start/stop; stop of a stopped skill is 409 unless
//!   `force=true` (S1/S5).
//! - Rate-limited 429s carry no `Retry-After` unless [`CxoneConfig::retry_after`] says so
//!   (S4: "CXone sends no reliable Retry-After").
//!
//! # Quirks: the low-confidence readings ([`Quirks`]), each a config field and CLI flag
//! - `totalRecords` — default a **number**: the published list schema (S5) and the
//!   research's own list of emulator duties (§7.7: "optionally as a string") read it so;
//!   only S4 saw a string, on "some endpoints/versions" wrapped in `resultSet`.
//!   `--total-records string` sends a string.
//! - GET schedule-settings times — default **`HH:mm`**: every published example (S2) and
//!   the request format S4 validates are `HH:mm`; nothing shows the GET format (research
//!   §2.1, low). `--schedule-time-format HH:mm:ss` sends seconds.
//! - GET time-zones items — default named by **`name`**: the only published item shape
//!   for a skill's zones, the aggregate parameters' `timeZoneSettings` (S1/S2/S3), uses
//!   `name`, and the research reads GET time-zones as "probably" that (§2.2, low).
//!   `--time-zone-item-key standardName` names them like the PUT body.
//!
//! # Defaults
//! Client `demo-client:demo-secret`; access key [`DEMO_ACCESS_KEY_ID`] :
//! [`DEMO_ACCESS_KEY_SECRET`] (both hold `+`, `/` and end in `=`, so an unencoded form
//! fails); tenant [`DEMO_TENANT_ID`]; business unit 4600001 in `Eastern Standard Time` with
//! the US Windows zones enabled; cluster `B32`, area `na1`; token lifetime 3600 s; no rate
//! limit, latency or faults; fault kinds 5xx, drop, slow, 429; seed `0x5eed`; no skills.

mod api;
mod config;
mod control;
mod issuer;
mod jwt;
mod serve;
mod settings;
mod skills;
mod state;
pub mod zones;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::json;

pub use api::{API_PREFIX, DEFAULT_TOP, MAX_TOP};
pub use config::{
    AccessKey, CxoneConfig, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_TENANT_ID, Quirks,
    SkillSource, TimeFormat, TotalRecords, ZoneItemKey,
};
pub use serve::{RunningCxone, spawn};
pub use settings::{DAYS, Day, ScheduleSettings, ZoneSetting};
pub use state::{Caller, CxoneState, Skill, TokenCheck};

use crate::harness::{self, Voice};

/// A CXone error answer `{"error", "error_description"}`.
pub(crate) fn cx_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// `http://{Host}` of a request (for a router not told its URLs).
pub(crate) fn host_base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

const CXONE_VOICE: Voice = Voice {
    error: cx_error,
    loopback_only: "Forbidden",
    server_fault: "InternalServerError",
    dropped: "Dropped",
    rate_limited: "TooManyRequests",
    log_media_types: true,
};

/// Every non-control path is limited and faulted, the issuer's too (the client must
/// survive a 429 or 503 from the token endpoint as well).
fn gated(_path: &str) -> bool {
    true
}

async fn gate(State(state): State<CxoneState>, req: Request, next: Next) -> Response {
    harness::gate(state.harness(), &CXONE_VOICE, gated, req, next).await
}

async fn not_found() -> Response {
    cx_error(
        StatusCode::NOT_FOUND,
        "NotFound",
        "no such endpoint; see CONTRACT §6.4 for the cxone emulator",
    )
}

fn issuer_routes(r: Router<CxoneState>) -> Router<CxoneState> {
    r.route(
        "/.well-known/openid-configuration",
        get(issuer::openid_configuration),
    )
    .route("/auth/token", post(issuer::token))
    .route(
        "/.well-known/cxone-configuration",
        get(issuer::cxone_configuration),
    )
}

fn api_routes(r: Router<CxoneState>) -> Router<CxoneState> {
    const P: &str = "/inContactAPI/services/{version}";
    r.route(&format!("{P}/business-unit"), get(api::business_unit))
        .route(&format!("{P}/skills"), get(api::list_skills))
        .route(&format!("{P}/skills/{{id}}"), get(api::get_skill))
        .route(
            &format!("{P}/skills/{{id}}/parameters/schedule-settings"),
            get(api::get_schedule).put(api::put_schedule),
        )
        .route(
            &format!("{P}/skills/{{id}}/parameters/time-zones"),
            get(api::get_zones).put(api::put_zones),
        )
        .route(&format!("{P}/skills/{{id}}/start"), post(api::start))
        .route(&format!("{P}/skills/{{id}}/stop"), post(api::stop))
        .route(&format!("{P}/timezones"), get(api::timezones))
}

fn control_routes(r: Router<CxoneState>) -> Router<CxoneState> {
    r.route("/_emulator/skills", get(control::skills))
        .route(
            "/_emulator/skills/{id}/schedule-settings",
            put(control::write_schedule_settings),
        )
        .route(
            "/_emulator/skills/{id}/time-zones",
            put(control::write_time_zones),
        )
        .route("/_emulator/tokens/revoke", post(control::revoke_tokens))
        .route(
            "/_emulator/requests",
            get(control::requests).delete(control::clear_requests),
        )
}

fn finish(r: Router<CxoneState>, state: CxoneState) -> Router {
    r.fallback(not_found)
        .layer(from_fn_with_state(state.clone(), api::guard))
        .layer(from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

/// Everything on one listener: issuer, API and control.
///
/// # Example
///
/// In process with [`tower::ServiceExt::oneshot`]: a router not told its URLs names the
/// request's `Host` as the API endpoint; an unknown tenant is not found.
///
/// ```
/// use axum::body::Body;
/// use axum::http::{Request, StatusCode, header};
/// use cxsched_emulator::cxone::{CxoneConfig, CxoneState, DEMO_TENANT_ID, app};
/// use tower::ServiceExt as _;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let router = app(CxoneState::new(CxoneConfig::loopback()).unwrap());
///     let get = |uri: String| {
///         Request::get(uri).header(header::HOST, "emu.test:1").body(Body::empty()).unwrap()
///     };
///
///     let uri = format!("/.well-known/cxone-configuration?tenantId={DEMO_TENANT_ID}");
///     let answer = router.clone().oneshot(get(uri)).await.unwrap();
///     assert_eq!(answer.status(), StatusCode::OK);
///     let body = axum::body::to_bytes(answer.into_body(), 1 << 16).await.unwrap();
///     let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
///     assert_eq!(body["api_endpoint"], "http://emu.test:1");
///
///     let other = "/.well-known/cxone-configuration?tenantId=00000000-0000-4000-8000-000000000001";
///     let answer = router.oneshot(get(other.into())).await.unwrap();
///     assert_eq!(answer.status(), StatusCode::NOT_FOUND);
/// });
/// ```
pub fn app(state: CxoneState) -> Router {
    let r = control_routes(api_routes(issuer_routes(Router::new())));
    finish(r, state)
}

/// The issuer's listener when the API has its own: issuer and control.
pub fn issuer_app(state: CxoneState) -> Router {
    finish(control_routes(issuer_routes(Router::new())), state)
}

/// The API's own listener: API and control.
pub fn api_app(state: CxoneState) -> Router {
    finish(control_routes(api_routes(Router::new())), state)
}
