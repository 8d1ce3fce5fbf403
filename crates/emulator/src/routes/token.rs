//! `POST /api/v2/oauth/token`: the client-credentials grant. Client credentials come in HTTP
//! Basic (or, as RFC 6749 also allows, in the form body); scopes are `campaign:read` and
//! `campaign:write`, both when none is asked for. Errors use RFC 6749 §5.2 bodies.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::json;

use crate::state::EmulatorState;

/// The scopes this API knows.
pub(crate) const SCOPES: [&str; 2] = ["campaign:read", "campaign:write"];

#[derive(Deserialize)]
pub(crate) struct TokenForm {
    grant_type: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// An OAuth error answer `{"error", "error_description"}` (401s say how to authenticate);
/// the CXone issuer answers the same way.
pub(crate) fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    let mut resp = (
        status,
        axum::Json(json!({"error": code, "error_description": description})),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"cxone\""),
        );
    }
    resp
}

/// The `ID:SECRET` of an HTTP Basic header, if well formed.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

pub(crate) async fn issue(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected an application/x-www-form-urlencoded body with grant_type=client_credentials",
        );
    };
    let credentials = basic_credentials(&headers)
        .or_else(|| form.client_id.clone().zip(form.client_secret.clone()));
    let Some((id, secret)) = credentials else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication is required (HTTP Basic with the client id and secret)",
        );
    };
    if !state.client_ok(&id, &secret) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        );
    }
    if form.grant_type.as_deref() != Some("client_credentials") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only grant_type=client_credentials is supported",
        );
    }
    let requested: Vec<String> = form
        .scope
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if let Some(bad) = requested.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("unknown scope {bad:?}; known scopes are campaign:read and campaign:write"),
        );
    }
    let scopes = if requested.is_empty() {
        SCOPES.iter().map(|s| (*s).to_owned()).collect()
    } else {
        requested
    };
    let scope = scopes.join(" ");
    let (token, ttl) = state.issue_token(scopes);
    let mut resp = axum::Json(json!({
        "access_token": token,
        "expires_in": ttl.as_secs(),
        "token_type": "Bearer",
        "scope": scope,
    }))
    .into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
