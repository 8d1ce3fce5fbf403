//! `cxsched-backoff`: how long to wait before trying again, the one rule both API clients'
//! retry core (`cxsched-api`'s `retry`) and webhook delivery (`cxsched-webhooks`) follow.
//!
//! - [`full_jitter`]: exponential backoff with full jitter — a uniform wait in
//!   `[0, min(cap, base·2^(n-1))]` before retry `n` — so that many clients failing together
//!   do not retry together.
//! - [`parse_retry_after`]: a server's `Retry-After`, in delay-seconds or as an HTTP date.
//!
//! Pure: the caller passes the random source and "now".

use std::time::{Duration, SystemTime};

use rand::Rng;

/// The full-jitter wait before retry number `retry` (1 for the first retry): uniform in
/// `[0, min(cap, base · 2^(retry-1))]`.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let (base, cap) = (Duration::from_millis(100), Duration::from_secs(1));
/// for retry in 1..=10 {
///     let ceiling = (base * 2u32.pow(retry - 1)).min(cap);
///     assert!(cxsched_backoff::full_jitter(retry, base, cap, &mut rng) <= ceiling);
/// }
/// ```
pub fn full_jitter(retry: u32, base: Duration, cap: Duration, rng: &mut impl Rng) -> Duration {
    let exp = base.saturating_mul(
        1u32.checked_shl(retry.saturating_sub(1).min(20))
            .unwrap_or(u32::MAX),
    );
    exp.min(cap).mul_f64(rng.random::<f64>())
}

/// Reads a `Retry-After` value: delay-seconds or an HTTP date (relative to `now`). A date in
/// the past means "now"; anything else is ignored (`None`).
///
/// # Example
/// ```
/// use std::time::{Duration, SystemTime};
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
/// assert_eq!(cxsched_backoff::parse_retry_after("3", now), Some(Duration::from_secs(3)));
/// assert_eq!(
///     cxsched_backoff::parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
///     Some(Duration::from_secs(3))
/// );
/// assert_eq!(cxsched_backoff::parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn waits_spread_over_the_whole_range_under_the_ceiling() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let (base, cap) = (Duration::from_millis(100), Duration::from_millis(1000));
        let mut spread = false;
        for retry in 1..=10u32 {
            let ceiling = (base * 2u32.pow(retry - 1)).min(cap);
            let waits: Vec<Duration> = (0..200)
                .map(|_| full_jitter(retry, base, cap, &mut rng))
                .collect();
            assert!(waits.iter().all(|w| *w <= ceiling), "retry {retry}");
            spread |= waits.iter().any(|w| *w < ceiling / 4)
                && waits.iter().any(|w| *w > ceiling * 3 / 4);
        }
        assert!(spread);
        // Past the shift limit the ceiling stays at the cap.
        assert!(full_jitter(u32::MAX, base, cap, &mut rng) <= cap);
    }

    #[test]
    fn a_date_in_the_past_means_now() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("-1", now), None);
    }
}
