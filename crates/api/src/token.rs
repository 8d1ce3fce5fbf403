//! The access-token cache: one token per client, refreshed shortly before it expires, and
//! fetched by a single request however many tasks need it at once (the first takes the lock
//! and fetches; the others wait on the lock and then find the fresh token).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::config::Secret;
use crate::error::ApiError;

#[derive(Clone)]
struct Token {
    value: Secret,
    refresh_at: Instant,
}

/// The cached token and how many times one was fetched.
#[derive(Default)]
pub(crate) struct TokenCache {
    slot: tokio::sync::Mutex<Option<Token>>,
    fetches: AtomicU64,
}

/// How long before expiry a token is refreshed: a fifth of its lifetime, at most a minute.
pub(crate) fn refresh_margin(ttl: Duration) -> Duration {
    (ttl / 5).min(Duration::from_secs(60))
}

impl TokenCache {
    /// The current token, fetching a new one with `fetch` when there is none or it is about
    /// to expire. `fetch` returns the token and its lifetime.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Secret, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration), ApiError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(t) = slot.as_ref()
            && Instant::now() < t.refresh_at
        {
            return Ok(t.value.clone());
        }
        let asked_at = Instant::now();
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let (value, ttl) = fetch().await?;
        *slot = Some(Token {
            value: value.clone(),
            refresh_at: asked_at + ttl - refresh_margin(ttl),
        });
        Ok(value)
    }

    /// Forgets the cached token if it is still `failed` (another task may have replaced it).
    pub(crate) async fn invalidate(&self, failed: &Secret) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|t| t.value == *failed) {
            *slot = None;
        }
    }

    pub(crate) fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }
}
