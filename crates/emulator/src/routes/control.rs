//! `/_emulator/`: steering the emulator from tests and `demo` (no auth, loopback only):
//! the known campaigns, out-of-band schedule writes (as another administrator would make),
//! revoking every token, and the request log.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cxsched_core::validate::Profile;
use serde_json::{Value, json};
use uuid::Uuid;

use super::schedule::checked_body;
use super::{error, with_etag};
use crate::state::{EmulatorState, Precondition};

pub(crate) async fn campaigns(State(state): State<EmulatorState>) -> Response {
    axum::Json(json!({"campaigns": state.campaign_ids()})).into_response()
}

pub(crate) async fn write_schedule(
    State(state): State<EmulatorState>,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = Uuid::try_parse(&raw_id).ok().filter(|id| !id.is_nil()) else {
        return error(
            StatusCode::NOT_FOUND,
            "CAMPAIGN_NOT_FOUND",
            format!("not a campaign id: {raw_id}"),
        );
    };
    let mut value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "MALFORMED_JSON",
                format!("the body is not JSON: {e}"),
            );
        }
    };
    // The campaign is named by the URL; a body may leave it out.
    if let Value::Object(obj) = &mut value {
        obj.entry("campaignId")
            .or_insert_with(|| id.to_string().into());
    }
    let (stored, schedule_id) = match checked_body(&value, id, Profile::Document) {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    match state.write(id, &Precondition::None, stored, schedule_id) {
        Ok(c) => with_etag(
            axum::Json(json!({"campaignId": id, "scheduleId": c.schedule_id, "etag": c.etag}))
                .into_response(),
            &c.etag,
        ),
        Err(refused) => error(StatusCode::CONFLICT, "REFUSED", format!("{refused:?}")),
    }
}

pub(crate) async fn revoke_tokens(State(state): State<EmulatorState>) -> Response {
    axum::Json(json!({"revoked": state.revoke_tokens()})).into_response()
}

pub(crate) async fn requests(State(state): State<EmulatorState>) -> Response {
    axum::Json(json!({"requests": state.requests()})).into_response()
}

pub(crate) async fn clear_requests(State(state): State<EmulatorState>) -> Response {
    state.clear_requests();
    StatusCode::NO_CONTENT.into_response()
}
