//! The one router: the API of CONTRACT §4 under `/api/v2/`, the control endpoints under
//! `/_emulator/`, and the gate in front of them (request log, rate limit, faults, latency,
//! loopback-only control).

mod control;
mod gate;
mod schedule;
mod token;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::json;

use crate::state::EmulatorState;

pub use gate::DropConnection;

/// The emulator's router, used by `cxsched emulator`, `cxsched demo` and the tests.
pub fn app(state: EmulatorState) -> Router {
    Router::new()
        .route("/api/v2/oauth/token", post(token::issue))
        .route(
            "/api/v2/campaigns/{campaign_id}/schedule",
            get(schedule::read).put(schedule::write),
        )
        .route("/_emulator/campaigns", get(control::campaigns))
        .route(
            "/_emulator/campaigns/{campaign_id}/schedule",
            put(control::write_schedule),
        )
        .route("/_emulator/tokens/revoke", post(control::revoke_tokens))
        .route(
            "/_emulator/requests",
            get(control::requests).delete(control::clear_requests),
        )
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            gate::gate,
        ))
        .with_state(state)
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "no such endpoint; see CONTRACT §4 for the API",
    )
}

/// A JSON error answer `{"code", "message"}`.
pub(crate) fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        axum::Json(json!({"code": code, "message": message.into()})),
    )
        .into_response()
}

/// Adds an `ETag` header.
pub(crate) fn with_etag(mut resp: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp
}
