//! The one router: the API of CONTRACT §4 under `/api/v2/`, the control endpoints under
//! `/_emulator/`, and the gate in front of them (request log, rate limit, faults, latency,
//! loopback-only control).

mod control;
mod gate;
mod schedule;
pub(crate) mod token;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::json;

use crate::state::EmulatorState;

pub use gate::DropConnection;

/// The emulator's router, used by `cxsched emulator`, `cxsched demo` and the tests.
///
/// # Example
///
/// In process, one request at a time with [`tower::ServiceExt::oneshot`]: a read without a
/// token is refused, and a client-credentials grant with the demo client gets one.
///
/// ```
/// use axum::body::Body;
/// use axum::http::{Request, StatusCode, header};
/// use base64::Engine as _;
/// use cxsched_emulator::{EmulatorConfig, EmulatorState, app};
/// use tower::ServiceExt as _;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let router = app(EmulatorState::new(EmulatorConfig::loopback()).unwrap());
///
///     let read = Request::get("/api/v2/campaigns/3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab/schedule")
///         .body(Body::empty())
///         .unwrap();
///     let answer = router.clone().oneshot(read).await.unwrap();
///     assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
///
///     let basic = base64::engine::general_purpose::STANDARD.encode("demo-client:demo-secret");
///     let grant = Request::post("/api/v2/oauth/token")
///         .header(header::AUTHORIZATION, format!("Basic {basic}"))
///         .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
///         .body(Body::from("grant_type=client_credentials&scope=campaign%3Aread"))
///         .unwrap();
///     let answer = router.oneshot(grant).await.unwrap();
///     assert_eq!(answer.status(), StatusCode::OK);
///     let body = axum::body::to_bytes(answer.into_body(), 1 << 16).await.unwrap();
///     let token: serde_json::Value = serde_json::from_slice(&body).unwrap();
///     assert!(token["access_token"].is_string());
/// });
/// ```
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
