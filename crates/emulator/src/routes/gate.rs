//! What stands in front of every handler: the request log, the loopback-only rule for
//! `/_emulator/`, and, for `/api/` only, the token-bucket rate limit, injected faults and
//! added latency. Control endpoints are neither limited nor faulted, so tests and `demo` can
//! always steer the emulator.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::error;
use crate::config::{FaultKind, RetryAfterStyle};
use crate::state::{EmulatorState, LogEntry};

/// Marks a response that must not be sent: the server closes the connection instead.
/// The serving loop of [`crate::spawn`] honours it; `oneshot` tests can see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DropConnection;

pub(crate) async fn gate(State(state): State<EmulatorState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);

    if path.starts_with("/_emulator/") {
        if peer.is_some_and(|p| !p.ip().is_loopback()) {
            return error(
                StatusCode::FORBIDDEN,
                "LOOPBACK_ONLY",
                "the /_emulator/ endpoints answer loopback clients only",
            );
        }
        return next.run(req).await;
    }

    let (resp, fault) = if path.starts_with("/api/") {
        api(&state, req, next).await
    } else {
        (next.run(req).await, None)
    };
    let dropped = resp.extensions().get::<DropConnection>().is_some();
    state.record(LogEntry {
        method,
        path,
        status: (!dropped).then(|| resp.status().as_u16()),
        time: jiff::Timestamp::now().to_string(),
        fault,
    });
    resp
}

async fn api(state: &EmulatorState, req: Request, next: Next) -> (Response, Option<&'static str>) {
    let config = state.config();
    if let Err(wait) = state.take_rate_token() {
        return (
            too_many_requests(wait, config.retry_after),
            Some("rate_limited"),
        );
    }
    let fault = state.draw_fault();
    match fault {
        Some(FaultKind::ServerError) => {
            let status = StatusCode::from_u16(state.draw_server_error())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let resp = error(
                status,
                "INJECTED_FAULT",
                "an injected server fault (--fault-rate)",
            );
            return (resp, Some(FaultKind::ServerError.as_str()));
        }
        Some(FaultKind::Drop) => {
            let mut resp = error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "DROPPED",
                "connection dropped",
            );
            resp.extensions_mut().insert(DropConnection);
            return (resp, Some(FaultKind::Drop.as_str()));
        }
        Some(FaultKind::Slow) => tokio::time::sleep(config.faults.slow).await,
        Some(FaultKind::Lost) | None => {}
    }
    if !config.latency.is_zero() {
        tokio::time::sleep(config.latency).await;
    }
    let mut resp = next.run(req).await;
    if fault == Some(FaultKind::Lost) {
        // Done, but the answer never leaves.
        resp.extensions_mut().insert(DropConnection);
    }
    (resp, fault.map(FaultKind::as_str))
}

fn too_many_requests(wait: Duration, style: RetryAfterStyle) -> Response {
    // Whole seconds, rounded up, at least one: what both header forms can express.
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    let value = match style {
        RetryAfterStyle::Seconds => secs.to_string(),
        RetryAfterStyle::HttpDate => {
            // An HTTP date drops the fraction of the current second: add one more second
            // so the date is never earlier than the wait.
            httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(secs + 1))
        }
    };
    let mut resp = error(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        format!("rate limit exceeded; retry after {secs}s"),
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}
