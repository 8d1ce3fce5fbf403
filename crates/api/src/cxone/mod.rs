//! `cxsched_api::cxone`: the client of NICE CXone's real API, the "cxone" platform
//! (CONTRACT §6, research note `cxone-real-api.md`).
//!
//! [`CxoneClient`] owns the connection: OpenID discovery and the access-key grants
//! ([`auth`]), the API endpoint ([`endpoint`]), one cached, single-flight token, and the
//! shared request core (`crate::transport`: gate, timeouts, retries, `Accept:
//! application/json`, a 401 refreshing once). The resources, one file each: [`skills`],
//! [`schedule_settings`], [`time_zones`], [`business_unit`]; refusals become errors in
//! [`errors`]. The API has no ETags: writes are last-writer-wins, and what to compare before
//! and after a write ([`SkillSchedule::same_meaning`], [`ZoneWindow::same_list`]) is here,
//! the policy of when is the caller's (CONTRACT §6.3).
//!
//! Secrets (client secret, access key id and secret, the Basic header, access and refresh
//! tokens) are [`Secret`]s or never kept; every error is passed through a redaction of them
//! as a guard against a server that echoes them.

pub mod auth;
pub mod business_unit;
mod config;
pub mod endpoint;
pub mod errors;
pub mod schedule_settings;
pub mod skills;
pub mod time_zones;
mod times;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

pub use business_unit::{BusinessUnit, WindowsZone};
pub use config::CxoneConfig;
pub use schedule_settings::{DayHours, SkillSchedule};
pub use skills::Skill;
pub use time_zones::ZoneWindow;

use crate::config::Secret;
use crate::error::{ApiError, ErrorKind};
use crate::retry::RetryPolicy;
use crate::token::TokenCache;
use crate::transport::{Answer, Bearer, BoxFuture, Transport};
use crate::urls::{UrlUse, check_url};
use auth::Claims;
use errors::{Target, refusal};

/// A value read, with the body as the platform sent it and what the read took.
#[derive(Clone, Debug)]
pub struct Read<T> {
    pub value: T,
    pub body: Value,
    /// HTTP attempts the read took.
    pub attempts: u32,
    pub latency: Duration,
}

/// What a successful write took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    pub attempts: u32,
    pub latency: Duration,
    /// An earlier attempt got no answer (timed out or lost its connection): the platform may
    /// have carried out the write more than once (harmless for these idempotent PUTs) or the
    /// caller's read-back decides what is live.
    pub unanswered: bool,
}

/// An async client of the CXone ACD API; cheap to clone (clones share the token, the
/// connection pool and the rate limit).
#[derive(Clone)]
pub struct CxoneClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for CxoneClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CxoneClient")
            .field("config", &self.inner.config)
            .field("api_base", &self.api_base())
            .finish_non_exhaustive()
    }
}

/// What the current token left beside it.
#[derive(Default)]
struct Session {
    refresh: Option<Secret>,
    /// The last access tokens issued (newest last), to redact from errors.
    issued: Vec<Secret>,
    claims: Option<Claims>,
}

struct Inner {
    transport: Transport,
    config: CxoneConfig,
    /// The checked issuer, no trailing `/`.
    issuer: String,
    tokens: TokenCache,
    token_endpoint: tokio::sync::OnceCell<String>,
    api_base: tokio::sync::OnceCell<String>,
    session: Mutex<Session>,
}

const BUILDING: &str = "building the CXone client";
const CREDENTIALS_HINT: &str = "give them as CXONE_CLIENT_ID / CXONE_CLIENT_SECRET and \
    CXONE_ACCESS_KEY_ID / CXONE_ACCESS_KEY_SECRET";

/// The URL rule's wording for a URL the platform named.
pub(crate) fn discovered_url(doing: &'static str) -> UrlUse<'static> {
    UrlUse {
        doing,
        example: "https://api-na1.niceincontact.com",
        credentials_hint: CREDENTIALS_HINT,
    }
}

impl Inner {
    fn session(&self) -> MutexGuard<'_, Session> {
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The error with every secret this client holds taken out.
    fn redact(&self, err: ApiError) -> ApiError {
        let session = self.session();
        let c = &self.config;
        let mut secrets: Vec<String> = vec![
            c.client_secret.expose().to_owned(),
            c.access_key_id.expose().to_owned(),
            c.access_key_secret.expose().to_owned(),
        ];
        // As they go on the wire, too.
        for s in secrets.clone() {
            secrets.push(auth::form_encode(&[("", &s)])[1..].to_owned());
        }
        secrets.extend(session.refresh.iter().map(|r| r.expose().to_owned()));
        secrets.extend(session.issued.iter().map(|t| t.expose().to_owned()));
        drop(session);
        err.redacted(secrets.iter().map(String::as_str))
    }
}

impl Bearer for Inner {
    fn token(&self, deadline: Instant) -> BoxFuture<'_, Result<Secret, ApiError>> {
        Box::pin(
            self.tokens
                .get(move || Box::pin(self.fetch_token(deadline))),
        )
    }

    fn invalidate<'a>(&'a self, failed: &'a Secret) -> BoxFuture<'a, ()> {
        Box::pin(self.tokens.invalidate(failed))
    }
}

impl CxoneClient {
    /// Builds a client; nothing is sent until [`CxoneClient::connect`] or an operation.
    /// Installs the rustls `ring` crypto provider for the process once.
    ///
    /// # Errors
    /// [`ErrorKind::Config`]: an issuer or API endpoint that is not a URL, not https (unless
    /// loopback), or carries credentials or a query; an empty client id, client secret,
    /// access key id or secret; an API version that is empty or holds a `/`.
    ///
    /// # Example
    /// ```
    /// use cxsched_api::Secret;
    /// use cxsched_api::cxone::{CxoneClient, CxoneConfig};
    /// let config = CxoneConfig::new(
    ///     "http://example.com".into(), "app".into(), Secret::new("s"),
    ///     Secret::new("KEY="), Secret::new("SECRET="),
    /// );
    /// assert!(CxoneClient::new(config).is_err(), "plain http to a remote host");
    /// ```
    pub fn new(config: CxoneConfig) -> Result<CxoneClient, ApiError> {
        let issuer = check_url(
            &config.issuer,
            &UrlUse {
                doing: "checking the issuer (CXONE_ISSUER)",
                example: CxoneConfig::DEFAULT_ISSUER,
                credentials_hint: CREDENTIALS_HINT,
            },
        )?;
        let api_base = tokio::sync::OnceCell::new();
        if let Some(endpoint) = &config.api_endpoint {
            let endpoint = check_url(
                endpoint,
                &discovered_url("checking the API endpoint (CXONE_API_ENDPOINT)"),
            )?;
            let _ = api_base.set(endpoint::api_base(&endpoint, &config.api_version));
        }
        let empty = |what: &str| {
            Err(ApiError::new(
                ErrorKind::Config,
                BUILDING,
                format!("{what} is empty"),
            ))
        };
        if config.client_id.trim().is_empty() {
            return empty("the client id (CXONE_CLIENT_ID)");
        }
        if config.client_secret.is_empty() {
            return empty("the client secret (CXONE_CLIENT_SECRET)");
        }
        if config.access_key_id.is_empty() {
            return empty("the access key id (CXONE_ACCESS_KEY_ID)");
        }
        if config.access_key_secret.is_empty() {
            return empty("the access key secret (CXONE_ACCESS_KEY_SECRET)");
        }
        let version = config.api_version.trim();
        if version.is_empty() || version.contains(['/', '?', '#', ' ']) {
            return Err(ApiError::new(
                ErrorKind::Config,
                BUILDING,
                format!(
                    "the API version {:?} is not a version like {}",
                    config.api_version,
                    CxoneConfig::DEFAULT_API_VERSION
                ),
            ));
        }
        let policy = RetryPolicy {
            request_timeout: config.request_timeout,
            deadline: config.deadline,
            max_attempts: config.max_attempts,
            backoff: config.backoff,
        };
        let transport = Transport::new(policy, config.rate_limit, BUILDING)?;
        Ok(CxoneClient {
            inner: Arc::new(Inner {
                transport,
                config,
                issuer,
                tokens: TokenCache::default(),
                token_endpoint: tokio::sync::OnceCell::new(),
                api_base,
                session: Mutex::new(Session::default()),
            }),
        })
    }

    pub fn config(&self) -> &CxoneConfig {
        &self.inner.config
    }

    /// Discovery, a token, and the API endpoint; done once (operations call it themselves,
    /// so calling it first only moves the failures up front).
    ///
    /// # Errors
    /// The issuer's discovery failing, the credentials refused ([`ErrorKind::Auth`], saying
    /// which to check), no API endpoint to be found, transport and retry exhaustion.
    pub async fn connect(&self) -> Result<(), ApiError> {
        let inner = &*self.inner;
        let deadline = inner.transport.deadline_from_now();
        inner.token(deadline).await.map_err(|e| inner.redact(e))?;
        inner
            .api_base
            .get_or_try_init(|| async {
                let endpoint = inner.discover_api_endpoint().await?;
                Ok::<_, ApiError>(endpoint::api_base(&endpoint, &inner.config.api_version))
            })
            .await
            .map_err(|e| inner.redact(e))?;
        Ok(())
    }

    /// The token's user (`sub` claim), once a token exists.
    pub fn actor(&self) -> Option<String> {
        self.inner.session().claims.as_ref()?.sub.clone()
    }

    /// The token's `tenantId` claim, once a token exists.
    pub fn tenant_id(&self) -> Option<String> {
        self.inner.session().claims.as_ref()?.tenant_id.clone()
    }

    /// `{api_endpoint}/inContactAPI/services/{version}`, once known.
    pub fn api_base(&self) -> Option<String> {
        self.inner.api_base.get().cloned()
    }

    /// How many token requests this client has made (grants of either kind).
    pub fn token_requests(&self) -> u64 {
        self.inner.tokens.fetches()
    }

    /// Sends a request to `path` under the API base, with retries.
    pub(crate) async fn call(
        &self,
        doing: &str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Answer, ApiError> {
        self.connect().await?;
        let inner = &*self.inner;
        let base = inner.api_base.get().cloned().unwrap_or_default();
        let url = format!("{base}{path}");
        let deadline = inner.transport.deadline_from_now();
        let build = |http: &reqwest::Client| {
            let mut req = http.request(method.clone(), &url);
            if !query.is_empty() {
                req = req.query(query);
            }
            if let Some(b) = body {
                req = req
                    .header(CONTENT_TYPE, "application/json")
                    .body(b.to_string());
            }
            req
        };
        inner
            .transport
            .send(doing, deadline, Some(inner), build)
            .await
            .map_err(|e| inner.redact(e))
    }

    /// A GET whose 200 body `parse` reads.
    pub(crate) async fn read<T>(
        &self,
        doing: &str,
        path: &str,
        target: Target,
        parse: impl Fn(&Value) -> Result<T, String>,
    ) -> Result<Read<T>, ApiError> {
        let answer = self.call(doing, Method::GET, path, &[], None).await?;
        if answer.status != 200 {
            return Err(self.inner.redact(refusal(doing, &answer, target)));
        }
        let body = json_of(doing, &answer)?;
        let value = parse(&body).map_err(|why| protocol(doing, &answer, why))?;
        Ok(Read {
            value,
            body,
            attempts: answer.attempts,
            latency: answer.latency,
        })
    }

    /// A PUT of `body`; any 2xx is success (the success body is unpublished).
    pub(crate) async fn write(
        &self,
        doing: &str,
        path: &str,
        body: &Value,
        target: Target,
    ) -> Result<Sent, ApiError> {
        let answer = self.call(doing, Method::PUT, path, &[], Some(body)).await?;
        if !(200..300).contains(&answer.status) {
            return Err(self.inner.redact(refusal(doing, &answer, target)));
        }
        Ok(Sent {
            attempts: answer.attempts,
            latency: answer.latency,
            unanswered: answer.unanswered,
        })
    }
}

/// The body of a 200 as JSON.
pub(crate) fn json_of(doing: &str, answer: &Answer) -> Result<Value, ApiError> {
    serde_json::from_str(&answer.body)
        .map_err(|_| protocol(doing, answer, "the answer is not JSON".into()))
}

/// An answer that cannot be used.
pub(crate) fn protocol(doing: &str, answer: &Answer, why: String) -> ApiError {
    ApiError::new(ErrorKind::Protocol, doing, why)
        .with_status(answer.status, &answer.body)
        .with_attempts(answer.attempts, answer.latency)
}

/// A string or a number as text (the platform sends ids and counts either way).
pub(crate) fn text_or_number(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
