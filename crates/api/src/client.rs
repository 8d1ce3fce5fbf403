//! The client and its one request loop: gate (rate limit, 429 pause) → bearer token (cached,
//! single-flight) → HTTP exchange with a timeout and `Accept: application/json` → retry
//! policy ([`crate::retry`]) within the operation's deadline; a 401 invalidates the token,
//! refreshes it once and retries. Operations (one file each under `ops/`) build on
//! [`Client::exchange`] and interpret the statuses it hands back.

use std::sync::{Arc, Once};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{ACCEPT, ETAG, HeaderValue, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Url};
use serde_json::Value;

use crate::config::{ClientConfig, Secret};
use crate::error::{ApiError, ErrorKind};
use crate::limiter::Limiter;
use crate::retry::{self, Transient};
use crate::token::TokenCache;

/// An answer the retry policy did not retry: for the operation to interpret.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub etag: Option<String>,
    pub body: String,
    /// HTTP attempts made (token requests not counted).
    pub attempts: u32,
    pub latency: Duration,
    /// An earlier attempt got no answer (connection lost or timed out): the server may have
    /// carried it out.
    pub unanswered: bool,
}

impl Answer {
    pub(crate) fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// How a request authenticates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// With the cached access token.
    Bearer,
    /// With the client credentials (the token endpoint).
    Client,
}

/// An async client of the CXone schedule API; cheap to clone (clones share the token, the
/// connection pool and the rate limit).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: String,
    config: ClientConfig,
    tokens: TokenCache,
    limiter: Limiter,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

static CRYPTO_PROVIDER: Once = Once::new();

/// Checks a base URL: https, or http to a loopback host; no credentials in it.
fn check_base_url(raw: &str) -> Result<String, ApiError> {
    let doing = "checking the API base URL";
    let url = Url::parse(raw.trim()).map_err(|e| {
        ApiError::new(
            ErrorKind::Config,
            doing,
            format!("{raw:?} is not a URL ({e}); expected for example https://na1.my.cxone.com"),
        )
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::new(
            ErrorKind::Config,
            doing,
            "the base URL must not carry credentials; give them as CXONE_CLIENT_ID and CXONE_CLIENT_SECRET",
        ));
    }
    let host = url.host_str().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(ApiError::new(
                ErrorKind::Config,
                doing,
                format!(
                    "{url} uses plain http to a host that is not loopback; use https:// (plain http \
                     is allowed only to 127.0.0.1, ::1 or localhost, such as the bundled emulator)"
                ),
            ));
        }
        other => {
            return Err(ApiError::new(
                ErrorKind::Config,
                doing,
                format!("unsupported scheme {other:?} in {url}; expected https://"),
            ));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ApiError::new(
            ErrorKind::Config,
            doing,
            format!("{url} must not have a query or fragment"),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

impl Client {
    /// Builds a client. Installs the rustls `ring` crypto provider for the process once.
    ///
    /// # Errors
    /// [`ErrorKind::Config`]: a base URL that is not a URL, not https (unless loopback), or
    /// carries credentials; an empty client id or secret; an HTTP stack that cannot start.
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        let base = check_base_url(&config.base_url)?;
        if config.client_id.trim().is_empty() {
            return Err(ApiError::new(
                ErrorKind::Config,
                "building the API client",
                "the client id is empty",
            ));
        }
        if config.client_secret.is_empty() {
            return Err(ApiError::new(
                ErrorKind::Config,
                "building the API client",
                "the client secret is empty",
            ));
        }
        CRYPTO_PROVIDER.call_once(|| {
            // Fails only when another provider is already installed, which is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let http = reqwest::Client::builder()
            .user_agent(concat!("cxsched/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| {
                ApiError::new(
                    ErrorKind::Config,
                    "building the API client",
                    format!("cannot start the HTTP stack: {e}"),
                )
            })?;
        let limiter = Limiter::new(config.rate_limit);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                config,
                tokens: TokenCache::default(),
                limiter,
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// How many token requests this client has made.
    pub fn token_requests(&self) -> u64 {
        self.inner.tokens.fetches()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.base)
    }

    /// Sends a request to `path` (under the base URL) with retries; hands back the first
    /// answer the retry policy does not retry.
    pub(crate) async fn exchange(
        &self,
        doing: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Result<Answer, ApiError> {
        let started = Instant::now();
        let deadline = started + self.inner.config.deadline;
        let url = self.url(path);
        let build = |http: &reqwest::Client| {
            let mut req = http.request(method.clone(), &url);
            if let Some(b) = body {
                req = req.json(b);
            }
            if let Some(tag) = if_match {
                req = req.header(reqwest::header::IF_MATCH, tag);
            }
            req
        };
        self.send_with_retry(doing, started, deadline, Auth::Bearer, build)
            .await
    }

    async fn bearer(&self, deadline: Instant) -> Result<Secret, ApiError> {
        self.inner
            .tokens
            .get(|| Box::pin(self.fetch_token(deadline)))
            .await
    }

    /// `POST /api/v2/oauth/token` with the client credentials.
    async fn fetch_token(&self, deadline: Instant) -> Result<(Secret, Duration), ApiError> {
        let doing = "getting an access token";
        let config = &self.inner.config;
        let url = self.url("/api/v2/oauth/token");
        let build = |http: &reqwest::Client| {
            http.post(&url)
                .basic_auth(&config.client_id, Some(config.client_secret.expose()))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("scope", config.scope.as_str()),
                ])
        };
        let answer = self
            .send_with_retry(doing, Instant::now(), deadline, Auth::Client, build)
            .await?;
        match answer.status {
            200 => {
                #[derive(serde::Deserialize)]
                struct TokenAnswer {
                    access_token: String,
                    expires_in: Option<u64>,
                }
                let parsed: TokenAnswer = serde_json::from_str(&answer.body).map_err(|e| {
                    ApiError::new(
                        ErrorKind::Protocol,
                        doing,
                        format!("the token answer is not {{access_token, expires_in}} ({e})"),
                    )
                    .with_status(200, "")
                })?;
                let ttl = Duration::from_secs(parsed.expires_in.unwrap_or(300).max(1));
                Ok((Secret::new(parsed.access_token), ttl))
            }
            400 | 401 | 403 => Err(ApiError::new(
                ErrorKind::Auth,
                doing,
                "the token endpoint refused the client credentials or scope; check CXONE_CLIENT_ID and \
                 CXONE_CLIENT_SECRET",
            )
            .with_status(answer.status, &answer.body)
            .with_attempts(answer.attempts, answer.latency)),
            s => Err(ApiError::new(ErrorKind::Protocol, doing, format!("unexpected answer {s} from the token endpoint"))
                .with_status(s, &answer.body)),
        }
    }

    async fn send_with_retry(
        &self,
        doing: &str,
        started: Instant,
        deadline: Instant,
        auth: Auth,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Answer, ApiError> {
        let config = &self.inner.config;
        let mut attempts = 0u32;
        let mut refreshes = 0u32;
        let mut last: Option<(Transient, Option<u16>, String)> = None;
        let mut unanswered = false;
        loop {
            if let Err(wait) = self.inner.limiter.acquire(deadline).await {
                let why = format!(
                    "holding back {:.1}s for the rate limit would pass the deadline of {:.1}s",
                    wait.as_secs_f64(),
                    config.deadline.as_secs_f64()
                );
                return Err(self.give_up(
                    doing,
                    attempts,
                    started,
                    last,
                    ErrorKind::RateLimited,
                    &why,
                ));
            }
            let token = match auth {
                Auth::Bearer => Some(self.bearer(deadline).await?),
                Auth::Client => None,
            };
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                // Named after what kept failing (a server that kept dropping connections is
                // unavailable, not slow); a timeout when nothing failed before.
                let kind = last
                    .as_ref()
                    .map_or(ErrorKind::Timeout, |(t, _, _)| t.error_kind());
                return Err(self.give_up(
                    doing,
                    attempts,
                    started,
                    last,
                    kind,
                    "the deadline passed",
                ));
            }
            attempts += 1;
            let mut req = build(&self.inner.http)
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .timeout(config.request_timeout.min(remaining));
            if let Some(t) = &token {
                req = req.bearer_auth(t.expose());
            }
            let transient = match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let etag = resp
                        .headers()
                        .get(ETAG)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let retry_after = resp
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                    match resp.text().await {
                        Err(e) => Transient::Connection {
                            detail: describe(&e),
                        },
                        Ok(body)
                            if status == 401
                                && auth == Auth::Bearer
                                && refreshes < MAX_REFRESHES =>
                        {
                            // The token expired or was revoked: forget it, get a new one, retry
                            // at once (this does not count as a failure to back off from). Each
                            // 401 refreshes once; revocations can repeat during a long run, so
                            // an operation may do this a few times, never in a loop.
                            refreshes += 1;
                            if let Some(t) = &token {
                                self.inner.tokens.invalidate(t).await;
                            }
                            last = Some((Transient::ServerError { status }, Some(status), body));
                            continue;
                        }
                        Ok(body) if retry::is_retryable_status(status) => {
                            let t = if status == 429 {
                                Transient::RateLimited { retry_after }
                            } else {
                                Transient::ServerError { status }
                            };
                            last = Some((t.clone(), Some(status), body));
                            t
                        }
                        Ok(body) => {
                            return Ok(Answer {
                                status,
                                etag,
                                body,
                                attempts,
                                latency: started.elapsed(),
                                unanswered,
                            });
                        }
                    }
                }
                Err(e) if e.is_timeout() => Transient::Timeout,
                Err(e) => Transient::Connection {
                    detail: describe(&e),
                },
            };
            unanswered |= matches!(transient, Transient::Connection { .. } | Transient::Timeout);
            // An attempt cut short by the operation's deadline (its timeout was what was left,
            // not the request timeout) says nothing about the server: what failed before it
            // stays the failure the give-up is named after.
            let cut_by_deadline = matches!(transient, Transient::Timeout)
                && remaining < config.request_timeout
                && last.is_some();
            if !cut_by_deadline
                && !matches!(
                    transient,
                    Transient::RateLimited { .. } | Transient::ServerError { .. }
                )
            {
                last = Some((transient.clone(), None, String::new()));
            }
            if let Transient::RateLimited {
                retry_after: Some(after),
            } = &transient
            {
                if *after > retry::MAX_RETRY_AFTER {
                    let why = format!("the server asked to wait {}s", after.as_secs());
                    return Err(self.give_up(
                        doing,
                        attempts,
                        started,
                        last,
                        ErrorKind::RateLimited,
                        &why,
                    ));
                }
                self.inner.limiter.pause(*after);
            }
            let wait = retry::wait_before(attempts, config.backoff, &transient, &mut rand::rng());
            // Named after what kept failing (see `last`), like the give-up at the deadline.
            let kind = last
                .as_ref()
                .map_or_else(|| transient.error_kind(), |(t, _, _)| t.error_kind());
            if attempts >= config.max_attempts {
                let why = format!("{attempts} attempts made (the most allowed)");
                return Err(self.give_up(doing, attempts, started, last, kind, &why));
            }
            if Instant::now() + wait >= deadline {
                let why = format!(
                    "the next wait ({:.1}s) would pass the deadline of {:.1}s",
                    wait.as_secs_f64(),
                    config.deadline.as_secs_f64()
                );
                return Err(self.give_up(doing, attempts, started, last, kind, &why));
            }
            tracing::debug!(doing, attempt = attempts, reason = %transient.describe(), wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    fn give_up(
        &self,
        doing: &str,
        attempts: u32,
        started: Instant,
        last: Option<(Transient, Option<u16>, String)>,
        kind: ErrorKind,
        why: &str,
    ) -> ApiError {
        let elapsed = started.elapsed();
        let last_text = last
            .as_ref()
            .map_or_else(|| "none".to_owned(), |(t, _, _)| t.describe());
        let mut err = ApiError::new(
            kind,
            doing,
            format!(
                "gave up after {attempts} attempt(s) in {:.1}s: {why}; last failure: {last_text}",
                elapsed.as_secs_f64()
            ),
        )
        .with_attempts(attempts, elapsed);
        if let Some((_, Some(status), body)) = &last {
            err = err.with_status(*status, body);
        }
        err
    }
}

/// Most token refreshes one operation makes after 401s before reporting the 401.
const MAX_REFRESHES: u32 = 3;

/// A transport error with its causes (the URL is kept; headers never are).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
