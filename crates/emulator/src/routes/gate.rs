//! What stands in front of every handler of the seed API: the shared gate of
//! [`crate::harness`] (request log, loopback-only `/_emulator/`) with the rate limit,
//! injected faults and added latency on `/api/` only, worded in the seed's
//! `{"code", "message"}` errors. Control endpoints are neither limited nor faulted, so tests
//! and `demo` can always steer the emulator.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use crate::harness::{self, Voice};
use crate::state::EmulatorState;

/// Marks a response that must not be sent: the server closes the connection instead.
/// The serving loop of [`crate::spawn`] honours it; `oneshot` tests can see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DropConnection;

fn seed_error(status: StatusCode, code: &str, message: &str) -> Response {
    super::error(status, code, message)
}

const SEED_VOICE: Voice = Voice {
    error: seed_error,
    loopback_only: "LOOPBACK_ONLY",
    server_fault: "INJECTED_FAULT",
    dropped: "DROPPED",
    rate_limited: "RATE_LIMITED",
    log_media_types: false,
};

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

pub(crate) async fn gate(State(state): State<EmulatorState>, req: Request, next: Next) -> Response {
    harness::gate(state.harness(), &SEED_VOICE, is_api, req, next).await
}
