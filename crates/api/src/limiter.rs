//! The client-side gate every request passes: an optional token bucket shared by all
//! requests of a client (`rate_limit` requests per second, bursts up to one second's worth),
//! and a pause that a 429 sets for everyone, so that one `Retry-After` slows down the whole
//! client and not only the request that got it.
//!
//! A small bucket of our own rather than `governor`: the pause on 429 and the wait bounded
//! by the operation's deadline are the parts that matter here, and they sit in the same lock.

use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
    paused_until: Option<Instant>,
}

/// The shared gate.
#[derive(Debug)]
pub(crate) struct Limiter {
    rate: Option<f64>,
    bucket: Mutex<Bucket>,
}

impl Limiter {
    pub(crate) fn new(rate: Option<f64>) -> Limiter {
        let rate = rate.filter(|r| r.is_finite() && *r > 0.0);
        Limiter {
            rate,
            bucket: Mutex::new(Bucket {
                tokens: rate.map_or(0.0, |r| r.max(1.0)),
                at: Instant::now(),
                paused_until: None,
            }),
        }
    }

    /// How long to wait before a request may go; `None` when it may go now (and a token
    /// was taken).
    fn poll(&self, now: Instant) -> Option<Duration> {
        let mut b = self
            .bucket
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(until) = b.paused_until {
            if until > now {
                return Some(until - now);
            }
            b.paused_until = None;
        }
        let rate = self.rate?;
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * rate).min(rate.max(1.0));
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64((1.0 - b.tokens) / rate))
        }
    }

    /// Waits until a request may go.
    ///
    /// # Errors
    /// The wait needed would end after `deadline`; the error is that wait.
    pub(crate) async fn acquire(&self, deadline: Instant) -> Result<(), Duration> {
        loop {
            let now = Instant::now();
            match self.poll(now) {
                None => return Ok(()),
                Some(wait) if now + wait > deadline => return Err(wait),
                Some(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Holds every request of the client back for `wait` (after a 429).
    pub(crate) fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut b = self
            .bucket
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if b.paused_until.is_none_or(|u| u < until) {
            b.paused_until = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_allows_a_burst_then_paces() {
        let l = Limiter::new(Some(10.0));
        let t0 = Instant::now();
        for _ in 0..10 {
            assert_eq!(l.poll(t0), None);
        }
        let wait = l.poll(t0).expect("the burst is spent");
        assert!(
            wait <= Duration::from_millis(100) && wait > Duration::from_millis(50),
            "{wait:?}"
        );
        assert_eq!(l.poll(t0 + Duration::from_millis(100)), None);
    }

    #[test]
    fn a_pause_holds_everyone_without_a_rate() {
        let l = Limiter::new(None);
        assert_eq!(l.poll(Instant::now()), None);
        l.pause(Duration::from_secs(2));
        let wait = l.poll(Instant::now()).expect("paused");
        assert!(wait > Duration::from_millis(1900));
    }
}
