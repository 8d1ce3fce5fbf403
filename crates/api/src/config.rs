//! What a client is built from: the base URL, client credentials (the secret wrapped so it
//! never prints), scope, and the time budget (per-request timeout, total deadline per
//! operation, attempts, backoff, optional client-side rate limit).

use std::fmt;
use std::time::Duration;

/// A secret string (client secret, access token). `Debug` and `Display` print `[redacted]`;
/// the value is reachable only through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_owned())
    }
}

/// Exponential backoff with full jitter: before retry `n` (1-based), wait a uniformly random
/// time in `[0, min(cap, base · 2^(n-1))]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            base: Duration::from_millis(200),
            cap: Duration::from_secs(10),
        }
    }
}

/// Everything a [`crate::Client`] is built from.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// `https://…` (or `http://` on a loopback host), without the `/api/v2` part.
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// Space-separated scopes asked for with the token.
    pub scope: String,
    /// Limit of one HTTP exchange.
    pub request_timeout: Duration,
    /// Limit of one operation, retries and waits included.
    pub deadline: Duration,
    /// Most HTTP attempts per operation (token requests not counted).
    pub max_attempts: u32,
    pub backoff: Backoff,
    /// Client-side limit, requests per second over all requests of the client.
    pub rate_limit: Option<f64>,
}

impl ClientConfig {
    /// The scopes needed to read and write schedules.
    pub const DEFAULT_SCOPE: &'static str = "campaign:write campaign:read";

    /// A configuration with the defaults: 10 s per request, 60 s per operation, 8 attempts.
    pub fn new(
        base_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Secret,
    ) -> ClientConfig {
        ClientConfig {
            base_url: base_url.into(),
            client_id: client_id.into(),
            client_secret,
            scope: ClientConfig::DEFAULT_SCOPE.into(),
            request_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(60),
            max_attempts: 8,
            backoff: Backoff::default(),
            rate_limit: None,
        }
    }
}
