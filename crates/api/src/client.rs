//! The seed platform's client: its configuration, its access token (client-credentials
//! grant, cached and single-flight by [`TokenCache`]) and the request path under its base
//! URL. The request loop itself (gate, timeout, retries, 401 refresh) is the shared
//! [`Transport`]; operations (one file each under `ops/`) build on [`Client::exchange`] and
//! interpret the statuses it hands back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use crate::config::{ClientConfig, Secret};
use crate::error::{ApiError, ErrorKind};
use crate::retry::RetryPolicy;
use crate::token::TokenCache;
use crate::transport::{Answer, Bearer, BoxFuture, Transport};
use crate::urls::{UrlUse, check_url};

/// An async client of the CXone schedule API; cheap to clone (clones share the token, the
/// connection pool and the rate limit).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    base: String,
    config: ClientConfig,
    tokens: TokenCache,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

const BASE_URL: UrlUse<'static> = UrlUse {
    doing: "checking the API base URL",
    example: "https://na1.my.cxone.com",
    credentials_hint: "give them as CXONE_CLIENT_ID and CXONE_CLIENT_SECRET",
};

impl Client {
    /// Builds a client. Installs the rustls `ring` crypto provider for the process once.
    ///
    /// # Errors
    /// [`ErrorKind::Config`]: a base URL that is not a URL, not https (unless loopback), or
    /// carries credentials; an empty client id or secret; an HTTP stack that cannot start.
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        let base = check_url(&config.base_url, &BASE_URL)?;
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
        let policy = RetryPolicy {
            request_timeout: config.request_timeout,
            deadline: config.deadline,
            max_attempts: config.max_attempts,
            backoff: config.backoff,
        };
        let transport = Transport::new(policy, config.rate_limit, "building the API client")?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                base,
                config,
                tokens: TokenCache::default(),
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
        let deadline = self.inner.transport.deadline_from_now();
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
        self.inner
            .transport
            .send(doing, deadline, Some(&*self.inner), build)
            .await
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

impl Inner {
    /// `POST /api/v2/oauth/token` with the client credentials.
    async fn fetch_token(&self, deadline: Instant) -> Result<(Secret, Duration), ApiError> {
        let doing = "getting an access token";
        let config = &self.config;
        let url = format!("{}/api/v2/oauth/token", self.base);
        let build = |http: &reqwest::Client| {
            http.post(&url)
                .basic_auth(&config.client_id, Some(config.client_secret.expose()))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("scope", config.scope.as_str()),
                ])
        };
        let answer = self.transport.send(doing, deadline, None, build).await?;
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
}
