//! The request core both platforms' clients share: one HTTP stack (connection pool, the
//! rustls `ring` provider installed once for the process), the client-side gate
//! ([`crate::limiter`]), a timeout on every attempt, `Accept: application/json` on every
//! request, and the retry loop that carries out the decisions of [`RetryState`] within the
//! operation's deadline.
//!
//! How a bearer token is obtained is the caller's: a [`Bearer`] source (the seed client's
//! client-credentials cache, CXone's password/refresh grants), or none for the token and
//! discovery requests themselves. A 401 to a bearer request invalidates that token, gets a
//! new one and retries at once (once per 401, at most [`crate::retry::MAX_REFRESHES`] per
//! operation).

use std::future::Future;
use std::pin::Pin;
use std::sync::Once;
use std::time::{Duration, Instant, SystemTime};

use reqwest::RequestBuilder;
use reqwest::header::{ACCEPT, ETAG, HeaderValue, RETRY_AFTER};
use serde_json::Value;

use crate::config::Secret;
use crate::error::{ApiError, ErrorKind};
use crate::limiter::Limiter;
use crate::retry::{self, Decision, GiveUp, Got, RetryPolicy, RetryState};

/// A boxed future, for the token sources' methods.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where bearer tokens come from.
pub(crate) trait Bearer: Send + Sync {
    /// The current token, fetched if there is none or it is about to expire; the fetch must
    /// end by `deadline`.
    fn token(&self, deadline: Instant) -> BoxFuture<'_, Result<Secret, ApiError>>;
    /// Forgets `failed` if it is still the current token (it got a 401).
    fn invalidate<'a>(&'a self, failed: &'a Secret) -> BoxFuture<'a, ()>;
}

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

static CRYPTO_PROVIDER: Once = Once::new();

/// Installs the rustls `ring` provider for the process (once; without one, rustls panics).
pub(crate) fn install_crypto_provider() {
    CRYPTO_PROVIDER.call_once(|| {
        // Fails only when another provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The shared HTTP stack, gate and policy of one client.
pub(crate) struct Transport {
    http: reqwest::Client,
    limiter: Limiter,
    policy: RetryPolicy,
}

impl Transport {
    /// # Errors
    /// [`ErrorKind::Config`] when the HTTP stack cannot start.
    pub(crate) fn new(
        policy: RetryPolicy,
        rate_limit: Option<f64>,
        doing: &str,
    ) -> Result<Transport, ApiError> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .user_agent(concat!("cxsched/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(policy.request_timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| {
                ApiError::new(
                    ErrorKind::Config,
                    doing,
                    format!("cannot start the HTTP stack: {e}"),
                )
            })?;
        Ok(Transport {
            http,
            limiter: Limiter::new(rate_limit),
            policy,
        })
    }

    /// The deadline of an operation starting now.
    pub(crate) fn deadline_from_now(&self) -> Instant {
        Instant::now() + self.policy.deadline
    }

    /// Sends the request `build` makes, with retries, until an answer the policy does not
    /// retry or a give-up. `bearer`: the token source, `None` for unauthenticated requests
    /// and those that carry their own credentials.
    pub(crate) async fn send(
        &self,
        doing: &str,
        deadline: Instant,
        bearer: Option<&dyn Bearer>,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Answer, ApiError> {
        let started = Instant::now();
        let mut state = RetryState::new(self.policy, started, deadline, bearer.is_some());
        loop {
            if let Err(wait) = self.limiter.acquire(deadline).await {
                return Err(into_error(doing, state.gate_refused(wait, Instant::now())));
            }
            let token = match bearer {
                Some(b) => Some(b.token(deadline).await?),
                None => None,
            };
            let timeout = state
                .begin(Instant::now())
                .map_err(|g| into_error(doing, g))?;
            let mut req = build(&self.http)
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .timeout(timeout);
            if let Some(t) = &token {
                req = req.bearer_auth(t.expose());
            }
            let mut etag = None;
            let got = match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    etag = resp
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
                        Ok(body) => Got::Answer {
                            status,
                            retry_after,
                            body,
                        },
                        Err(e) if e.is_timeout() => Got::Timeout,
                        Err(e) => Got::Connection {
                            detail: describe(&e),
                        },
                    }
                }
                Err(e) if e.is_timeout() => Got::Timeout,
                Err(e) => Got::Connection {
                    detail: describe(&e),
                },
            };
            let decision = state.after(got, Instant::now(), &mut rand::rng());
            match decision {
                Decision::Answer { status, body } => {
                    return Ok(Answer {
                        status,
                        etag,
                        body,
                        attempts: state.attempts(),
                        latency: started.elapsed(),
                        unanswered: state.unanswered(),
                    });
                }
                Decision::GiveUp(g) => return Err(into_error(doing, g)),
                Decision::Retry {
                    wait,
                    pause_everyone,
                    refresh_token,
                } => {
                    if refresh_token && let (Some(b), Some(t)) = (bearer, &token) {
                        b.invalidate(t).await;
                    }
                    if let Some(p) = pause_everyone {
                        self.limiter.pause(p);
                    }
                    if !wait.is_zero() {
                        tracing::debug!(
                            doing,
                            attempt = state.attempts(),
                            wait_ms = wait.as_millis() as u64,
                            "retrying"
                        );
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }
    }
}

/// The error of a give-up, with the last failed answer's status and body.
fn into_error(doing: &str, g: GiveUp) -> ApiError {
    let mut err = ApiError::new(g.kind, doing, g.message).with_attempts(g.attempts, g.elapsed);
    if let Some(status) = g.status {
        err = err.with_status(status, g.body.as_deref().unwrap_or(""));
    }
    err
}

/// A transport error with its causes (the URL is kept; headers never are).
pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
