//! Getting and keeping a CXone access token (CONTRACT §6.1, research §1.1):
//!
//! - OpenID discovery: `GET {issuer}/.well-known/openid-configuration` → `token_endpoint`
//!   (https unless loopback, like every URL; fetched once per client).
//! - The password grant with the user's access key: `POST token_endpoint`,
//!   `Content-Type: application/x-www-form-urlencoded`,
//!   `grant_type=password&username=<key id>&password=<key secret>` (form-encoded: the keys
//!   end in `=` and may hold `+` and `/`), HTTP Basic `client_id:client_secret`. The Basic
//!   credentials are sent as given, not form-encoded first (what NICE's examples and the
//!   clients in the research do; RFC 6749 §2.3.1 would encode them).
//! - The refresh grant `grant_type=refresh_token&refresh_token=…&client_id=…` (Basic too)
//!   when the last answer gave a refresh token; if it fails for any reason, a new password
//!   grant.
//! - The answer `{access_token, token_type, expires_in, refresh_token, id_token}`; it holds
//!   tokens, so it is parsed and dropped, never kept or put in an error. Refusals keep only
//!   `error` and `error_description`.
//! - The access token's JWT payload is decoded (base64url) for `tenantId`, `sub`, `icBUId`
//!   and `exp`. **The signature is not checked**: the token came straight from the token
//!   endpoint over TLS, and the claims only route requests and name the actor in the audit
//!   log; the API checks the token itself.
//!
//! Caching and single flight are [`crate::token::TokenCache`]'s (refreshed a fifth of its
//! lifetime early, at most a minute); the refresh token and the claims of the current token
//! sit beside it.

use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

use super::Inner;
use super::errors::platform_words;
use crate::config::Secret;
use crate::error::{ApiError, ErrorKind};
use crate::urls::check_url;

/// The claims of an access token that cxsched uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Claims {
    pub tenant_id: Option<String>,
    /// The user, e.g. `user:<uuid>`: the actor of audit entries.
    pub sub: Option<String>,
    /// The business unit number (may be negative; sent as a number or a string).
    pub bu_id: Option<i64>,
    /// Expiry, seconds since the Unix epoch.
    pub exp: Option<i64>,
}

/// Reads the payload of a JWT (`header.payload.signature`) without checking its signature.
///
/// # Errors
/// Not three dot-separated parts, a payload that is not base64url, or not a JSON object.
pub(crate) fn decode_claims(jwt: &str) -> Result<Claims, String> {
    let mut parts = jwt.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the access token is not a JWT (header.payload.signature)".into());
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .or_else(|_| URL_SAFE.decode(payload))
        .map_err(|e| format!("the access token's payload is not base64url ({e})"))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("the access token's payload is not JSON ({e})"))?;
    let Value::Object(obj) = value else {
        return Err("the access token's payload is not a JSON object".into());
    };
    let text = |k: &str| match obj.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let number = |k: &str| match obj.get(k) {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    Ok(Claims {
        tenant_id: text("tenantId"),
        sub: text("sub"),
        bu_id: number("icBUId"),
        exp: number("exp"),
    })
}

/// `application/x-www-form-urlencoded` (WHATWG URL): ASCII letters, digits and `*-._` kept,
/// space as `+`, every other byte as `%XX`, so `=`, `+` and `/` in keys survive.
pub(crate) fn form_encode(pairs: &[(&str, &str)]) -> String {
    fn push(out: &mut String, text: &str) {
        for b in text.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                    out.push(char::from(b));
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
    }
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push(&mut out, k);
        out.push('=');
        push(&mut out, v);
    }
    out
}

/// What a successful token answer gave (the access token stays a [`Secret`]).
pub(crate) struct Granted {
    pub access: Secret,
    pub refresh: Option<Secret>,
    pub ttl: Duration,
    pub claims: Option<Claims>,
}

/// Reads a 200 answer of the token endpoint. Errors never quote the body (it holds tokens).
pub(crate) fn parse_token_answer(body: &str, now: SystemTime) -> Result<Granted, String> {
    let value: Value =
        serde_json::from_str(body).map_err(|_| "the token answer is not JSON".to_owned())?;
    let access = match value.get("access_token") {
        Some(Value::String(s)) if !s.is_empty() => Secret::new(s.clone()),
        _ => return Err("the token answer has no access_token".into()),
    };
    if let Some(t) = value.get("token_type").and_then(Value::as_str)
        && !t.eq_ignore_ascii_case("bearer")
    {
        return Err(format!(
            "the token answer's token_type is {t:?}, expected \"Bearer\""
        ));
    }
    let refresh = match value.get("refresh_token") {
        Some(Value::String(s)) if !s.is_empty() => Some(Secret::new(s.clone())),
        _ => None,
    };
    let claims = decode_claims(access.expose()).ok();
    let from_exp = || {
        let exp = claims.as_ref()?.exp?;
        let now = now.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
        u64::try_from(exp).ok()?.checked_sub(now)
    };
    let secs = match value.get("expires_in") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .or_else(from_exp)
    .unwrap_or(3600);
    Ok(Granted {
        access,
        refresh,
        ttl: Duration::from_secs(secs.max(1)),
        claims,
    })
}

/// The error for a token endpoint's refusal, with the platform's words and what to check.
pub(crate) fn token_refusal(doing: &str, status: u16, body: &str) -> ApiError {
    let (code, words) = platform_words(body);
    let hint = match code.as_deref() {
        Some("invalid_client" | "unauthorized_client") => {
            "the application was refused: check CXONE_CLIENT_ID / CXONE_CLIENT_SECRET"
        }
        Some("invalid_grant") => {
            "the access key was refused: check CXONE_ACCESS_KEY_ID / CXONE_ACCESS_KEY_SECRET"
        }
        _ => {
            "check CXONE_CLIENT_ID / CXONE_CLIENT_SECRET (the application) and \
             CXONE_ACCESS_KEY_ID / CXONE_ACCESS_KEY_SECRET (the user's access key)"
        }
    };
    let (kind, what) = match status {
        400 | 401 | 403 => (
            ErrorKind::Auth,
            "the token endpoint refused the credentials",
        ),
        _ => (
            ErrorKind::Protocol,
            "unexpected answer from the token endpoint",
        ),
    };
    let said = words.map_or_else(String::new, |w| format!(" (the platform said: {w})"));
    // Only the error fields are kept, never the raw body.
    let kept = code.map_or_else(String::new, |c| serde_json::json!({"error": c}).to_string());
    ApiError::new(kind, doing, format!("{what}{said}; {hint}")).with_status(status, &kept)
}

impl Inner {
    /// The token endpoint, from the issuer's OpenID configuration (once).
    pub(crate) async fn token_endpoint(&self) -> Result<String, ApiError> {
        self.token_endpoint
            .get_or_try_init(|| async {
                let doing = "reading the issuer's OpenID configuration";
                let url = format!("{}/.well-known/openid-configuration", self.issuer);
                let deadline = self.transport.deadline_from_now();
                let answer = self
                    .transport
                    .send(doing, deadline, None, |http| http.get(&url))
                    .await?;
                if answer.status != 200 {
                    return Err(ApiError::new(
                        if answer.status == 404 {
                            ErrorKind::Config
                        } else {
                            ErrorKind::Protocol
                        },
                        doing,
                        format!(
                            "{url} answered {}; check CXONE_ISSUER (for example {})",
                            answer.status,
                            super::CxoneConfig::DEFAULT_ISSUER
                        ),
                    )
                    .with_status(answer.status, &answer.body));
                }
                let endpoint = answer
                    .json()
                    .and_then(|v| v.get("token_endpoint")?.as_str().map(str::to_owned))
                    .ok_or_else(|| {
                        ApiError::new(
                            ErrorKind::Protocol,
                            doing,
                            "the OpenID configuration has no token_endpoint",
                        )
                        .with_status(answer.status, &answer.body)
                    })?;
                check_url(
                    &endpoint,
                    &super::discovered_url("checking the token endpoint"),
                )
            })
            .await
            .cloned()
    }

    /// A new access token: the refresh grant when there is a refresh token, else (or when
    /// that fails) the password grant. Records the claims and the refresh token.
    pub(crate) async fn fetch_token(
        &self,
        deadline: Instant,
    ) -> Result<(Secret, Duration), ApiError> {
        let endpoint = self.token_endpoint().await?;
        let refresh = self.session().refresh.clone();
        let granted = match refresh {
            Some(r) => {
                let form = form_encode(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", r.expose()),
                    ("client_id", &self.config.client_id),
                ]);
                match self
                    .grant(&endpoint, "refreshing the access token", form, deadline)
                    .await
                {
                    Ok(g) => g,
                    Err(e) => {
                        tracing::debug!(error = %e, "the refresh grant failed; asking with the access key");
                        self.password_grant(&endpoint, deadline).await?
                    }
                }
            }
            None => self.password_grant(&endpoint, deadline).await?,
        };
        let mut session = self.session();
        session.refresh = granted.refresh;
        if session.issued.len() >= 4 {
            session.issued.remove(0);
        }
        session.issued.push(granted.access.clone());
        if granted.claims.is_some() {
            session.claims = granted.claims;
        }
        Ok((granted.access, granted.ttl))
    }

    async fn password_grant(&self, endpoint: &str, deadline: Instant) -> Result<Granted, ApiError> {
        let form = form_encode(&[
            ("grant_type", "password"),
            ("username", self.config.access_key_id.expose()),
            ("password", self.config.access_key_secret.expose()),
        ]);
        self.grant(endpoint, "getting an access token", form, deadline)
            .await
    }

    async fn grant(
        &self,
        endpoint: &str,
        doing: &str,
        form: String,
        deadline: Instant,
    ) -> Result<Granted, ApiError> {
        let config = &self.config;
        let build = |http: &reqwest::Client| {
            http.post(endpoint)
                .basic_auth(&config.client_id, Some(config.client_secret.expose()))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form.clone())
        };
        let answer = self
            .transport
            .send(doing, deadline, None, build)
            .await
            .map_err(|e| self.redact(e))?;
        if answer.status != 200 {
            return Err(self.redact(
                token_refusal(doing, answer.status, &answer.body)
                    .with_attempts(answer.attempts, answer.latency),
            ));
        }
        parse_token_answer(&answer.body, SystemTime::now())
            .map_err(|why| ApiError::new(ErrorKind::Protocol, doing, why).with_status(200, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &Value) -> String {
        let b = |v: &[u8]| URL_SAFE_NO_PAD.encode(v);
        format!(
            "{}.{}.{}",
            b(br#"{"alg":"RS256","typ":"JWT"}"#),
            b(payload.to_string().as_bytes()),
            b(b"signature")
        )
    }

    #[test]
    fn claims_are_read_from_the_payload() {
        let token = jwt(&serde_json::json!({
            "tenantId": "11111111-2222-3333-4444-555555555555",
            "sub": "user:abc", "icBUId": -4_600_123, "exp": 1_900_000_000, "iat": 1_899_996_400
        }));
        let c = decode_claims(&token).unwrap();
        assert_eq!(
            c.tenant_id.as_deref(),
            Some("11111111-2222-3333-4444-555555555555")
        );
        assert_eq!(c.sub.as_deref(), Some("user:abc"));
        assert_eq!(c.bu_id, Some(-4_600_123));
        assert_eq!(c.exp, Some(1_900_000_000));
        let c = decode_claims(&jwt(&serde_json::json!({"icBUId": "42"}))).unwrap();
        assert_eq!(c.bu_id, Some(42));
        assert_eq!(c.tenant_id, None);
    }

    #[test]
    fn non_jwts_are_refused() {
        for bad in [
            "opaque",
            "a.b",
            "a.!!!.c",
            "a.b.c.d",
            &format!("a.{}.c", URL_SAFE_NO_PAD.encode("[1]")),
        ] {
            assert!(decode_claims(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_with_padding_plus_and_slash_are_form_encoded() {
        assert_eq!(
            form_encode(&[
                ("grant_type", "password"),
                ("username", "AB+c/d=="),
                ("password", "x y&z=")
            ]),
            "grant_type=password&username=AB%2Bc%2Fd%3D%3D&password=x+y%26z%3D"
        );
        assert_eq!(form_encode(&[("k", "é")]), "k=%C3%A9");
    }

    #[test]
    fn a_token_answer_gives_the_lifetime_from_expires_in_or_exp() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_899_996_400);
        let access = jwt(&serde_json::json!({"exp": 1_900_000_000, "tenantId": "t"}));
        let body = serde_json::json!({"access_token": access, "token_type": "Bearer",
            "expires_in": 3600, "refresh_token": "r", "id_token": "i"});
        let g = parse_token_answer(&body.to_string(), now).unwrap();
        assert_eq!(g.ttl, Duration::from_secs(3600));
        assert_eq!(g.refresh.as_ref().map(Secret::expose), Some("r"));
        assert_eq!(g.claims.unwrap().tenant_id.as_deref(), Some("t"));
        let body = serde_json::json!({"access_token": access, "token_type": "bearer"});
        let g = parse_token_answer(&body.to_string(), now).unwrap();
        assert_eq!(g.ttl, Duration::from_secs(3600), "from exp");
        assert!(g.refresh.is_none());
    }

    #[test]
    fn a_bad_token_answer_is_described_without_its_body() {
        for body in [
            "not json SECRET",
            r#"{"refresh_token":"SECRET"}"#,
            r#"{"access_token":"SECRET","token_type":"mac"}"#,
        ] {
            let why = parse_token_answer(body, SystemTime::now()).err().unwrap();
            assert!(!why.contains("SECRET"), "{why}");
        }
    }

    #[test]
    fn token_refusals_say_which_credentials_to_check() {
        let e = token_refusal(
            "t",
            401,
            r#"{"error":"invalid_client","error_description":"Bad client"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::Auth);
        let text = e.to_string();
        assert!(
            text.contains("CXONE_CLIENT_ID / CXONE_CLIENT_SECRET") && text.contains("Bad client"),
            "{text}"
        );
        let e = token_refusal("t", 400, r#"{"error":"invalid_grant"}"#);
        assert!(
            e.to_string()
                .contains("CXONE_ACCESS_KEY_ID / CXONE_ACCESS_KEY_SECRET"),
            "{e}"
        );
        assert_eq!(e.status(), Some(400));
    }
}
