//! What both emulators (the seed API and `cxone`) share in front of their handlers: the
//! request log, the token-bucket rate limit, the seeded RNG behind injected faults, added
//! latency, and the gate middleware that applies them (and keeps `/_emulator/` to loopback
//! peers). Each emulator gives the gate its own [`Voice`] (the error body its platform
//! speaks) and says which paths are limited and faulted.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use rand::Rng;
use rand::rngs::StdRng;

use crate::config::{FaultKind, Faults, RetryAfterStyle};
use crate::routes::DropConnection;
use crate::state::LogEntry;

/// Locks a mutex, ignoring poisoning: a panic while holding one of the emulators' locks
/// leaves consistent data (every update is one assignment), so the lock stays usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Compares without stopping at the first difference (lengths still leak, which is fine
/// for an emulator's demo credentials).
pub(crate) fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[derive(Debug)]
struct Bucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// Takes one token, or says how long until one is there.
    fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - self.tokens) / self.rate))
        }
    }
}

/// The misbehaviour settings of one emulator, and the log of what it answered.
pub(crate) struct Harness {
    log: Mutex<VecDeque<LogEntry>>,
    log_capacity: usize,
    rng: Mutex<StdRng>,
    bucket: Option<Mutex<Bucket>>,
    faults: Faults,
    latency: Duration,
    /// How a rate-limited 429 says when to come back; `None` sends no `Retry-After`.
    retry_after: Option<RetryAfterStyle>,
}

/// What a [`Harness`] is built from.
pub(crate) struct HarnessSettings {
    pub rate_limit: Option<f64>,
    pub faults: Faults,
    pub latency: Duration,
    pub retry_after: Option<RetryAfterStyle>,
    pub log_capacity: usize,
}

impl Harness {
    /// A harness drawing from `rng` (which the emulator may have used before, for ids).
    pub(crate) fn new(rng: StdRng, s: HarnessSettings) -> Harness {
        let bucket = s.rate_limit.map(|rate| {
            Mutex::new(Bucket {
                rate,
                capacity: rate.max(1.0),
                tokens: rate.max(1.0),
                at: Instant::now(),
            })
        });
        Harness {
            log: Mutex::new(VecDeque::new()),
            log_capacity: s.log_capacity.max(1),
            rng: Mutex::new(rng),
            bucket,
            faults: s.faults,
            latency: s.latency,
            retry_after: s.retry_after,
        }
    }

    /// The RNG behind faults, also used for ids and secrets.
    pub(crate) fn rng(&self) -> MutexGuard<'_, StdRng> {
        lock(&self.rng)
    }

    /// Appends to the request log (dropping the oldest entries past the capacity).
    pub(crate) fn record(&self, entry: LogEntry) {
        let mut log = lock(&self.log);
        if log.len() >= self.log_capacity {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// The request log, oldest first.
    pub(crate) fn requests(&self) -> Vec<LogEntry> {
        lock(&self.log).iter().cloned().collect()
    }

    /// Empties the request log.
    pub(crate) fn clear_requests(&self) {
        lock(&self.log).clear();
    }

    /// Takes a rate-limit token, or says how long until one is there.
    pub(crate) fn take_rate_token(&self) -> Result<(), Duration> {
        match &self.bucket {
            None => Ok(()),
            Some(b) => lock(b).take(Instant::now()),
        }
    }

    /// Draws whether this request gets a fault, and which.
    pub(crate) fn draw_fault(&self) -> Option<FaultKind> {
        let faults = &self.faults;
        if faults.rate <= 0.0 || faults.kinds.is_empty() {
            return None;
        }
        let mut rng = lock(&self.rng);
        if rng.random::<f64>() < faults.rate {
            Some(faults.kinds[rng.random_range(0..faults.kinds.len())])
        } else {
            None
        }
    }

    /// Draws one of 500, 502, 503.
    pub(crate) fn draw_server_error(&self) -> u16 {
        [500, 502, 503][lock(&self.rng).random_range(0..3usize)]
    }
}

/// How an emulator words the answers the gate gives by itself.
pub(crate) struct Voice {
    /// Builds an error answer from a status, a code and a message.
    pub error: fn(StatusCode, &str, &str) -> Response,
    pub loopback_only: &'static str,
    pub server_fault: &'static str,
    pub dropped: &'static str,
    pub rate_limited: &'static str,
    /// Whether log entries note the `Accept` (is it `application/json`?) and `Content-Type`.
    pub log_media_types: bool,
}

/// True when `Accept` names `application/json` (parameters allowed, `q=0` excluded).
/// Wildcards (`*/*`, `application/*`) do not count: CXone clients must name JSON.
pub(crate) fn accepts_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f64>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            media.eq_ignore_ascii_case("application/json") && !refused
        })
}

/// The gate: loopback-only control paths (neither limited, faulted nor logged), and for
/// every path `gated` says yes to, the rate limit, faults and latency; every non-control
/// request is logged.
pub(crate) async fn gate(
    harness: &Harness,
    voice: &Voice,
    gated: fn(&str) -> bool,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);

    if path.starts_with("/_emulator/") {
        if peer.is_some_and(|p| !p.ip().is_loopback()) {
            return (voice.error)(
                StatusCode::FORBIDDEN,
                voice.loopback_only,
                "the /_emulator/ endpoints answer loopback clients only",
            );
        }
        return next.run(req).await;
    }

    let (accept_json, content_type) = if voice.log_media_types {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (Some(accepts_json(req.headers())), content_type)
    } else {
        (None, None)
    };
    let (resp, fault) = if gated(&path) {
        misbehave(harness, voice, req, next).await
    } else {
        (next.run(req).await, None)
    };
    let dropped = resp.extensions().get::<DropConnection>().is_some();
    harness.record(LogEntry {
        method,
        path,
        status: (!dropped).then(|| resp.status().as_u16()),
        time: jiff::Timestamp::now().to_string(),
        fault,
        accept_json,
        content_type,
    });
    resp
}

async fn misbehave(
    harness: &Harness,
    voice: &Voice,
    req: Request,
    next: Next,
) -> (Response, Option<&'static str>) {
    if let Err(wait) = harness.take_rate_token() {
        return (
            too_many_requests(voice, wait, harness.retry_after),
            Some("rate_limited"),
        );
    }
    let fault = harness.draw_fault();
    match fault {
        Some(FaultKind::ServerError) => {
            let status = StatusCode::from_u16(harness.draw_server_error())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let resp = (voice.error)(
                status,
                voice.server_fault,
                "an injected server fault (--fault-rate)",
            );
            return (resp, Some(FaultKind::ServerError.as_str()));
        }
        Some(FaultKind::Drop) => {
            let mut resp = (voice.error)(
                StatusCode::INTERNAL_SERVER_ERROR,
                voice.dropped,
                "connection dropped",
            );
            resp.extensions_mut().insert(DropConnection);
            return (resp, Some(FaultKind::Drop.as_str()));
        }
        Some(FaultKind::TooManyRequests) => {
            let resp = (voice.error)(
                StatusCode::TOO_MANY_REQUESTS,
                voice.rate_limited,
                "an injected 429 (--fault-rate), sent without Retry-After",
            );
            return (resp, Some(FaultKind::TooManyRequests.as_str()));
        }
        Some(FaultKind::Slow) => tokio::time::sleep(harness.faults.slow).await,
        Some(FaultKind::Lost) | None => {}
    }
    if !harness.latency.is_zero() {
        tokio::time::sleep(harness.latency).await;
    }
    let mut resp = next.run(req).await;
    if fault == Some(FaultKind::Lost) {
        // Done, but the answer never leaves.
        resp.extensions_mut().insert(DropConnection);
    }
    (resp, fault.map(FaultKind::as_str))
}

fn too_many_requests(voice: &Voice, wait: Duration, style: Option<RetryAfterStyle>) -> Response {
    // Whole seconds, rounded up, at least one: what both header forms can express.
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    let mut resp = (voice.error)(
        StatusCode::TOO_MANY_REQUESTS,
        voice.rate_limited,
        &format!("rate limit exceeded; retry after {secs}s"),
    );
    let value = match style {
        None => return resp,
        Some(RetryAfterStyle::Seconds) => secs.to_string(),
        Some(RetryAfterStyle::HttpDate) => {
            // An HTTP date drops the fraction of the current second: add one more second
            // so the date is never earlier than the wait.
            httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(secs + 1))
        }
    };
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}
