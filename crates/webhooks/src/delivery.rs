//! Delivering the outbox: signed POSTs with backoff, within a deadline.
//!
//! Events go out oldest first, one at a time (receivers see them in order). Each attempt
//! is signed afresh (`webhook-timestamp` is the send time) over the stored body, with a
//! per-request timeout. A 2xx answer marks the event delivered. 408, 429, 5xx and network
//! failures are retried after an exponential backoff with full jitter (a random wait in
//! `[0, min(cap, base · 2^n)]`, at least `Retry-After` when a 429/503 gives one) while the
//! deadline allows; what is left stays `pending` for a later run. Any other 4xx marks the
//! event `failed` (the receiver refuses it; retrying cannot help). Every attempt is recorded
//! in the event's file, so `webhooks status` shows attempts and the last error.
//!
//! Only one process delivers from an outbox at a time (a lock file); another one waits for
//! it until its own deadline.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::WebhookError;
use crate::outbox::{DeliveryState, Outbox, Record};
use crate::signature::{WebhookSecret, sign};

/// How deliveries are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first backoff's upper bound.
    pub base: Duration,
    /// The largest backoff's upper bound.
    pub cap: Duration,
    /// Each request's timeout.
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_millis(250),
            cap: Duration::from_secs(30),
            request_timeout: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The full-jitter wait before retry number `n` (0-based).
    pub fn backoff(&self, n: u32) -> Duration {
        // The same rule as the API clients' retries.
        cxsched_backoff::full_jitter(n.saturating_add(1), self.base, self.cap, &mut rand::rng())
    }
}

/// What one delivery run did, and what is left.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// Events delivered by this run.
    pub delivered: usize,
    /// Events this run marked permanently failed.
    pub failed: usize,
    /// Events still pending after this run.
    pub pending: usize,
    /// Requests sent by this run.
    pub attempts: usize,
}

/// An HTTP client for deliveries (rustls with the ring provider, installed here if the
/// process has none yet).
///
/// # Errors
/// [`WebhookError::Http`] when the client cannot be built.
pub fn http_client() -> Result<reqwest::Client, WebhookError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("cxsched/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| WebhookError::Http(e.without_url().to_string()))
}

/// Checks a receiver URL: `https`, or `http` to a loopback address only.
///
/// # Errors
/// [`WebhookError::Url`] saying what is wrong and what to write instead.
pub fn check_url(url: &str) -> Result<(), WebhookError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        WebhookError::Url(format!(
            "the webhook URL {url:?} is not a URL ({e}); expected e.g. https://example.com/hooks"
        ))
    })?;
    let host = parsed
        .host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        scheme => Err(WebhookError::Url(format!(
            "the webhook URL uses {scheme}:// to a non-loopback host; use https:// (plain http \
             is allowed only to 127.0.0.1, ::1 or localhost)"
        ))),
    }
}

enum Attempt {
    Delivered(u16),
    Refused(u16, String),
    Retry {
        status: Option<u16>,
        error: String,
        retry_after: Option<Duration>,
    },
}

impl Outbox {
    /// Delivers every pending event to `url` with the default [`RetryPolicy`], until all are
    /// delivered or refused or `deadline` has passed.
    ///
    /// # Errors
    /// [`WebhookError::Outbox`] when the outbox cannot be read or updated. Delivery
    /// failures are not errors: they are counted in the report and recorded per event.
    pub async fn deliver_pending(
        &self,
        http: &reqwest::Client,
        url: &str,
        secret: &WebhookSecret,
        deadline: Duration,
    ) -> Result<DeliveryReport, WebhookError> {
        self.deliver_pending_with(http, url, secret, deadline, &RetryPolicy::default())
            .await
    }

    /// [`Outbox::deliver_pending`] with a given retry policy.
    ///
    /// # Errors
    /// As [`Outbox::deliver_pending`].
    pub async fn deliver_pending_with(
        &self,
        http: &reqwest::Client,
        url: &str,
        secret: &WebhookSecret,
        deadline: Duration,
        policy: &RetryPolicy,
    ) -> Result<DeliveryReport, WebhookError> {
        let until = Instant::now() + deadline;
        let lock = self.lock_file()?;
        loop {
            match fs4::FileExt::try_lock(&lock) {
                Ok(()) => break,
                Err(_) if Instant::now() < until => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(_) => {
                    let pending = self.counts()?.pending;
                    return Ok(DeliveryReport {
                        pending,
                        ..DeliveryReport::default()
                    });
                }
            }
        }
        let result = self.deliver_locked(http, url, secret, until, policy).await;
        let _ = fs4::FileExt::unlock(&lock);
        result
    }

    async fn deliver_locked(
        &self,
        http: &reqwest::Client,
        url: &str,
        secret: &WebhookSecret,
        until: Instant,
        policy: &RetryPolicy,
    ) -> Result<DeliveryReport, WebhookError> {
        let mut report = DeliveryReport::default();
        let pending: Vec<Record> = self
            .list()?
            .into_iter()
            .filter(|r| r.state == DeliveryState::Pending)
            .collect();
        let mut out_of_time = false;
        for mut record in pending {
            if out_of_time {
                report.pending += 1;
                continue;
            }
            let mut retry = 0u32;
            loop {
                let now = Instant::now();
                if now >= until {
                    out_of_time = true;
                    report.pending += 1;
                    break;
                }
                let timeout = policy.request_timeout.min(until - now);
                let outcome = attempt(http, url, secret, &record, timeout).await;
                report.attempts += 1;
                record.attempts += 1;
                record.last_attempt_at = Some(jiff::Timestamp::now());
                match outcome {
                    Attempt::Delivered(status) => {
                        record.state = DeliveryState::Delivered;
                        record.last_status = Some(status);
                        record.last_error = None;
                        record.delivered_at = record.last_attempt_at;
                        self.save(&record)?;
                        report.delivered += 1;
                        tracing::info!(id = %record.id, status, "webhook delivered");
                        break;
                    }
                    Attempt::Refused(status, error) => {
                        record.state = DeliveryState::Failed;
                        record.last_status = Some(status);
                        record.last_error = Some(error);
                        self.save(&record)?;
                        report.failed += 1;
                        tracing::warn!(id = %record.id, status, "webhook refused by the receiver");
                        break;
                    }
                    Attempt::Retry {
                        status,
                        error,
                        retry_after,
                    } => {
                        record.last_status = status;
                        record.last_error = Some(error);
                        self.save(&record)?;
                        let wait = policy.backoff(retry).max(retry_after.unwrap_or_default());
                        retry += 1;
                        if Instant::now() + wait >= until {
                            out_of_time = true;
                            report.pending += 1;
                            break;
                        }
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }
        Ok(report)
    }
}

async fn attempt(
    http: &reqwest::Client,
    url: &str,
    secret: &WebhookSecret,
    record: &Record,
    timeout: Duration,
) -> Attempt {
    let timestamp = jiff::Timestamp::now().as_second();
    let signature = sign(secret, &record.id, timestamp, record.body.as_bytes());
    let sent = http
        .post(url)
        .timeout(timeout)
        .header("content-type", "application/json")
        .header("webhook-id", &record.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(record.body.clone())
        .send()
        .await;
    let response = match sent {
        Ok(r) => r,
        Err(e) => {
            let what = if e.is_timeout() {
                "no answer within the request timeout".to_string()
            } else if e.is_connect() {
                "could not connect to the receiver".to_string()
            } else {
                e.without_url().to_string()
            };
            return Attempt::Retry {
                status: None,
                error: what,
                retry_after: None,
            };
        }
    };
    let status = response.status().as_u16();
    if response.status().is_success() {
        return Attempt::Delivered(status);
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| cxsched_backoff::parse_retry_after(v, std::time::SystemTime::now()));
    let body = response.text().await.unwrap_or_default();
    let snippet: String = body.chars().take(200).collect();
    let error = format!(
        "HTTP {status}{}",
        if snippet.is_empty() {
            String::new()
        } else {
            format!(": {snippet}")
        }
    );
    match status {
        408 | 429 | 500..=599 => Attempt::Retry {
            status: Some(status),
            error,
            retry_after,
        },
        _ => Attempt::Refused(status, error),
    }
}

/// `Retry-After` as seconds or an HTTP date.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_under_a_growing_capped_ceiling() {
        let p = RetryPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
            request_timeout: Duration::from_secs(1),
        };
        for n in 0..30 {
            let ceiling = Duration::from_millis((100u64 << n.min(10)).min(1000));
            for _ in 0..50 {
                assert!(p.backoff(n) <= ceiling);
            }
        }
        // Full jitter: waits spread over the whole range, not clustered at the ceiling.
        let waits: Vec<Duration> = (0..200).map(|_| p.backoff(5)).collect();
        assert!(waits.iter().any(|w| *w < Duration::from_millis(300)));
        assert!(waits.iter().any(|w| *w > Duration::from_millis(700)));
    }

    #[test]
    fn urls_must_be_https_unless_loopback() {
        for ok in [
            "https://hooks.example.com/x",
            "http://127.0.0.1:9/x",
            "http://[::1]/x",
            "http://localhost/x",
        ] {
            check_url(ok).unwrap();
        }
        for bad in [
            "http://hooks.example.com/x",
            "ftp://127.0.0.1/x",
            "not a url",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
