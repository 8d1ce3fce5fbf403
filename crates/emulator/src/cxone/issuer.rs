//! The issuer (no auth): `GET /.well-known/openid-configuration`, `POST /auth/token`
//! (password grant with an access key and HTTP Basic client auth, or the refresh grant with
//! `client_id`) and `GET /.well-known/cxone-configuration?tenantId=` (the API's base URL as
//! `api_endpoint`). Token errors are RFC 6749 bodies: 401 `invalid_client` for a missing or
//! wrong client, 400 `invalid_grant` for a wrong access key or refresh token (the published
//! spec, S1; one client reports 401 here, S11), 400 `invalid_request` and
//! `unsupported_grant_type`.

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::state::{CxoneState, Issued};
use super::{cx_error, host_base};
use crate::routes::token::{basic_credentials, oauth_error};

#[derive(Deserialize)]
pub(crate) struct TokenForm {
    grant_type: Option<String>,
    username: Option<String>,
    password: Option<String>,
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

pub(crate) async fn openid_configuration(
    State(state): State<CxoneState>,
    headers: HeaderMap,
) -> Response {
    let base = state.issuer_url(|| host_base(&headers));
    axum::Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/auth/authorize"),
        "token_endpoint": format!("{base}/auth/token"),
        "userinfo_endpoint": format!("{base}/auth/userinfo"),
        "jwks_uri": format!("{base}/auth/jwks"),
        "end_session_endpoint": format!("{base}/auth/authorize/logout"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "grant_types_supported": ["password", "refresh_token"],
        "scopes_supported": ["openid"],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["HS256"],
    }))
    .into_response()
}

fn token_answer(issued: Issued) -> Response {
    let mut resp = axum::Json(json!({
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "refresh_token": issued.refresh_token,
        "id_token": issued.id_token,
        "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
    }))
    .into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

pub(crate) async fn token(
    State(state): State<CxoneState>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected an application/x-www-form-urlencoded body",
        );
    };
    let basic = basic_credentials(&headers);
    match form.grant_type.as_deref() {
        None => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required",
        ),
        Some("password") => {
            let client = basic
                .clone()
                .or_else(|| form.client_id.clone().zip(form.client_secret.clone()));
            let Some((client_id, client_secret)) = client else {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "client authentication is required (HTTP Basic with the client id and secret)",
                );
            };
            if !state.client_ok(&client_id, &client_secret) {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "unknown client or wrong secret",
                );
            }
            let (Some(key_id), Some(key_secret)) = (&form.username, &form.password) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "the password grant needs username (the access key id) and password (its secret)",
                );
            };
            if !state.access_key_ok(key_id, key_secret) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown access key or wrong secret (access keys must be form-encoded: \
                     + / = are %2B %2F %3D)",
                );
            }
            token_answer(state.issue(key_id, &client_id))
        }
        Some("refresh_token") => {
            let Some(client_id) = form.client_id.as_deref() else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "client_id is required with grant_type=refresh_token",
                );
            };
            let client_known = match &basic {
                Some((id, secret)) => id == client_id && state.client_ok(id, secret),
                None => state.config().clients.iter().any(|c| c.id == client_id),
            };
            if !client_known {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "unknown client or wrong secret",
                );
            }
            let Some(refresh) = form.refresh_token.as_deref() else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "refresh_token is required",
                );
            };
            match state.refresh(refresh, client_id) {
                Some(issued) => token_answer(issued),
                None => oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the refresh token is unknown, revoked or another client's",
                ),
            }
        }
        Some(_) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "supported grants are password and refresh_token",
        ),
    }
}

#[derive(Deserialize)]
pub(crate) struct TenantQuery {
    #[serde(rename = "tenantId")]
    tenant_id: Option<String>,
}

pub(crate) async fn cxone_configuration(
    State(state): State<CxoneState>,
    headers: HeaderMap,
    query: Result<Query<TenantQuery>, QueryRejection>,
) -> Response {
    let c = state.config();
    let Some(tenant) = query.ok().and_then(|Query(q)| q.tenant_id) else {
        return cx_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the tenantId query parameter is required",
        );
    };
    if !uuid::Uuid::try_parse(&tenant).is_ok_and(|t| t == c.tenant_id) {
        return cx_error(StatusCode::NOT_FOUND, "NotFound", "unknown tenant");
    }
    let issuer = state.issuer_url(|| host_base(&headers));
    let api = state.api_url(|| host_base(&headers));
    axum::Json(json!({
        "private": false,
        "area": c.area,
        "cluster": c.cluster,
        "domain": "niceincontact.com",
        "acdDomain": "nice-incontact.com",
        "uhDomain": "nice-incontact.com",
        "ui_endpoint": issuer,
        "auth_endpoint": issuer,
        "api_endpoint": api,
        "tenantId": c.tenant_id,
    }))
    .into_response()
}
