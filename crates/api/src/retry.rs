//! The retry policy: which answers are worth another try, how long to wait before it, and
//! when to give up.
//!
//! - Retried: 429 (waiting what `Retry-After` says, in seconds or as an HTTP date), 5xx,
//!   connection failures and timeouts. Everything else is an answer the caller interprets.
//! - Waits: exponential backoff with full jitter (uniform in `[0, min(cap, base·2^(n-1))]`),
//!   so that many clients failing together do not retry together; a server's `Retry-After`
//!   is honoured as given (it is a floor, not a hint), plus a little jitter.
//! - Bounds: a total deadline per operation and a number of attempts, whichever comes first.
//!   A wait that would end past the deadline is not started: the operation fails at once,
//!   saying why.
//!
//! This is a small policy of our own rather than `backon`: it needs the server's
//! `Retry-After` per attempt, the deadline shared with token requests, and a reason for
//! the final error, which are simpler to keep in one loop than to thread through a
//! generic retry combinator.

use std::time::{Duration, SystemTime};

use rand::Rng;

use crate::config::Backoff;

/// The longest `Retry-After` honoured; beyond it the server is treated as unavailable.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// Why an attempt is worth repeating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transient {
    /// 429, with the wait the server asked for.
    RateLimited { retry_after: Option<Duration> },
    /// A 5xx answer.
    ServerError { status: u16 },
    /// The request timed out.
    Timeout,
    /// The connection failed or was dropped.
    Connection { detail: String },
}

impl Transient {
    /// The kind of error to report when retrying this failure ran out of time or attempts.
    pub fn error_kind(&self) -> crate::ErrorKind {
        match self {
            Transient::RateLimited { .. } => crate::ErrorKind::RateLimited,
            Transient::Timeout => crate::ErrorKind::Timeout,
            Transient::ServerError { .. } | Transient::Connection { .. } => {
                crate::ErrorKind::Unavailable
            }
        }
    }

    /// A short account for the final error.
    pub fn describe(&self) -> String {
        match self {
            Transient::RateLimited {
                retry_after: Some(d),
            } => {
                format!("rate limited (429, Retry-After {:.1}s)", d.as_secs_f64())
            }
            Transient::RateLimited { retry_after: None } => "rate limited (429)".into(),
            Transient::ServerError { status } => format!("server error {status}"),
            Transient::Timeout => "request timed out".into(),
            Transient::Connection { detail } => format!("connection failed: {detail}"),
        }
    }
}

/// True for statuses retried by the policy.
pub fn is_retryable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// Reads a `Retry-After` value: delay-seconds or an HTTP date (relative to `now`).
/// A date in the past means "now". Anything else is ignored (`None`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait before retry number `retry` (1 for the first retry).
pub fn wait_before(
    retry: u32,
    backoff: Backoff,
    transient: &Transient,
    rng: &mut impl Rng,
) -> Duration {
    if let Transient::RateLimited {
        retry_after: Some(after),
    } = transient
    {
        // The server's floor, plus up to 10% so that clients told the same second spread out.
        let spread = after.mul_f64(0.1).max(Duration::from_millis(10));
        return *after + spread.mul_f64(rng.random::<f64>());
    }
    let exp = backoff.base.saturating_mul(
        1u32.checked_shl(retry.saturating_sub(1).min(20))
            .unwrap_or(u32::MAX),
    );
    let ceiling = exp.min(backoff.cap);
    ceiling.mul_f64(rng.random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn full_jitter_stays_under_the_exponential_ceiling() {
        let backoff = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let t = Transient::Timeout;
        let mut saw_spread = false;
        for retry in 1..=10u32 {
            let ceiling =
                Duration::from_millis(100 * (1u64 << (retry - 1))).min(Duration::from_millis(1000));
            let waits: Vec<Duration> = (0..200)
                .map(|_| wait_before(retry, backoff, &t, &mut rng))
                .collect();
            assert!(
                waits.iter().all(|w| *w <= ceiling),
                "retry {retry}: over {ceiling:?}"
            );
            saw_spread |= waits.iter().any(|w| *w < ceiling / 4)
                && waits.iter().any(|w| *w > ceiling * 3 / 4);
        }
        assert!(saw_spread, "waits should spread over the whole range");
    }

    #[test]
    fn a_servers_retry_after_is_a_floor() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let t = Transient::RateLimited {
            retry_after: Some(Duration::from_secs(2)),
        };
        for _ in 0..100 {
            let w = wait_before(1, Backoff::default(), &t, &mut rng);
            assert!(
                w >= Duration::from_secs(2) && w <= Duration::from_millis(2200),
                "{w:?}"
            );
        }
    }

    #[test]
    fn only_429_and_5xx_are_retryable() {
        for s in [429, 500, 502, 503, 504] {
            assert!(is_retryable_status(s), "{s}");
        }
        for s in [200, 400, 401, 403, 404, 409, 412, 422, 428] {
            assert!(!is_retryable_status(s), "{s}");
        }
    }
}
