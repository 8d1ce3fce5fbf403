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
//! - A 401 on a request that carried a bearer token is its own case (not a server error):
//!   the token is forgotten, a new one fetched, and the request repeated at once, once per
//!   401 and at most [`MAX_REFRESHES`] times in one operation.
//!
//! The decisions are a pure state machine, [`RetryState`]: it is told what each attempt got
//! and the time now (it never reads a clock), and answers "retry after D", "give up, with a
//! kind and a reason", or "here is the answer". The transport (`transport.rs`) does the I/O
//! around it. This is a small policy of our own rather than `backon`: it needs the server's
//! `Retry-After` per attempt, the deadline shared with token requests, and a reason for
//! the final error.

use std::time::{Duration, Instant};

use rand::Rng;

use crate::config::Backoff;
use crate::error::ErrorKind;

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

pub use cxsched_backoff::parse_retry_after;

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
    cxsched_backoff::full_jitter(retry, backoff.base, backoff.cap, rng)
}

/// Most token refreshes one operation makes after 401s before handing the 401 back.
pub const MAX_REFRESHES: u32 = 3;

/// The time budget of one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Limit of one HTTP exchange.
    pub request_timeout: Duration,
    /// Limit of the whole operation, retries and waits included.
    pub deadline: Duration,
    /// Most HTTP attempts (a 401 that refreshes the token does not stop the next one).
    pub max_attempts: u32,
    pub backoff: Backoff,
}

/// What one attempt got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Got {
    /// An answer, with its status, the `Retry-After` it carried (already read, see
    /// [`parse_retry_after`]) and its body.
    Answer {
        status: u16,
        retry_after: Option<Duration>,
        body: String,
    },
    /// The attempt timed out (its timeout was the one [`RetryState::begin`] gave).
    Timeout,
    /// The connection failed or was dropped, or the body could not be read.
    Connection { detail: String },
}

/// What to do after an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Try again after `wait`. `pause_everyone`: hold back every request of the client that
    /// long (a server's `Retry-After`). `refresh_token`: forget the token the attempt carried
    /// and get a new one first.
    Retry {
        wait: Duration,
        pause_everyone: Option<Duration>,
        refresh_token: bool,
    },
    /// An answer the policy does not retry: for the caller to interpret.
    Answer { status: u16, body: String },
    /// Stop.
    GiveUp(GiveUp),
}

/// Why an operation stopped retrying, with what kept failing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GiveUp {
    pub kind: ErrorKind,
    /// "gave up after N attempt(s) in S s: why; last failure: …".
    pub message: String,
    /// The status and body of the last failed answer, if the last failure was an answer.
    pub status: Option<u16>,
    pub body: Option<String>,
    pub attempts: u32,
    pub elapsed: Duration,
}

/// A failure an operation met, kept to name the give-up after.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Failed {
    Transient(Transient),
    /// 401 to a bearer token.
    Unauthorized,
}

impl Failed {
    fn error_kind(&self) -> ErrorKind {
        match self {
            Failed::Transient(t) => t.error_kind(),
            Failed::Unauthorized => ErrorKind::Auth,
        }
    }

    fn describe(&self) -> String {
        match self {
            Failed::Transient(t) => t.describe(),
            Failed::Unauthorized => "the access token was refused (401)".into(),
        }
    }
}

#[derive(Clone, Debug)]
struct LastFailure {
    failed: Failed,
    status: Option<u16>,
    body: String,
}

/// The retry decisions of one operation: a pure state machine over virtual time.
///
/// Call [`RetryState::begin`] before each attempt (it says how long the attempt may take,
/// or that the deadline passed), then [`RetryState::after`] with what the attempt got.
#[derive(Clone, Debug)]
pub struct RetryState {
    policy: RetryPolicy,
    started: Instant,
    deadline: Instant,
    /// The request carries a bearer token (a 401 refreshes it).
    bearer: bool,
    attempts: u32,
    refreshes: u32,
    attempt_timeout: Duration,
    last: Option<LastFailure>,
    unanswered: bool,
}

impl RetryState {
    /// An operation that starts at `now` and must end by `deadline`.
    pub fn new(policy: RetryPolicy, now: Instant, deadline: Instant, bearer: bool) -> RetryState {
        RetryState {
            policy,
            started: now,
            deadline,
            bearer,
            attempts: 0,
            refreshes: 0,
            attempt_timeout: policy.request_timeout,
            last: None,
            unanswered: false,
        }
    }

    /// HTTP attempts begun so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// An earlier attempt got no answer (timed out or lost its connection): the server may
    /// have carried it out.
    pub fn unanswered(&self) -> bool {
        self.unanswered
    }

    /// When the operation must end.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Before an attempt at `now`: its timeout (the request timeout, or what is left of the
    /// deadline when that is less).
    ///
    /// # Errors
    /// The deadline has passed: a give-up named after what kept failing (a timeout when
    /// nothing failed before).
    pub fn begin(&mut self, now: Instant) -> Result<Duration, GiveUp> {
        let remaining = self.deadline.saturating_duration_since(now);
        if remaining.is_zero() {
            let kind = self
                .last
                .as_ref()
                .map_or(ErrorKind::Timeout, |l| l.failed.error_kind());
            return Err(self.give_up(now, kind, "the deadline passed"));
        }
        self.attempts += 1;
        self.attempt_timeout = self.policy.request_timeout.min(remaining);
        Ok(self.attempt_timeout)
    }

    /// The client-side gate would hold the request back `wait`, past the deadline.
    pub fn gate_refused(&self, wait: Duration, now: Instant) -> GiveUp {
        let why = format!(
            "holding back {:.1}s for the rate limit would pass the deadline of {:.1}s",
            wait.as_secs_f64(),
            self.policy.deadline.as_secs_f64()
        );
        self.give_up(now, ErrorKind::RateLimited, &why)
    }

    /// What to do after an attempt that got `got`, at `now`. `rng` draws the jitter.
    pub fn after(&mut self, got: Got, now: Instant, rng: &mut impl Rng) -> Decision {
        let transient = match got {
            Got::Answer {
                status: 401, body, ..
            } if self.bearer && self.refreshes < MAX_REFRESHES => {
                // The token expired or was revoked: a new one, and the request again at once
                // (not a failure to back off from). Each 401 refreshes once; revocations can
                // repeat during a long run, so an operation may do this a few times, never in
                // a loop.
                self.refreshes += 1;
                self.last = Some(LastFailure {
                    failed: Failed::Unauthorized,
                    status: Some(401),
                    body,
                });
                return Decision::Retry {
                    wait: Duration::ZERO,
                    pause_everyone: None,
                    refresh_token: true,
                };
            }
            Got::Answer {
                status,
                retry_after,
                body,
            } if is_retryable_status(status) => {
                let t = if status == 429 {
                    Transient::RateLimited { retry_after }
                } else {
                    Transient::ServerError { status }
                };
                self.last = Some(LastFailure {
                    failed: Failed::Transient(t.clone()),
                    status: Some(status),
                    body,
                });
                t
            }
            Got::Answer { status, body, .. } => return Decision::Answer { status, body },
            Got::Timeout => Transient::Timeout,
            Got::Connection { detail } => Transient::Connection { detail },
        };
        if matches!(transient, Transient::Timeout | Transient::Connection { .. }) {
            self.unanswered = true;
            // An attempt cut short by the deadline (its timeout was what was left, not the
            // request timeout) says nothing about the server: what failed before it stays
            // the failure the give-up is named after.
            let cut_by_deadline = matches!(transient, Transient::Timeout)
                && self.attempt_timeout < self.policy.request_timeout
                && self.last.is_some();
            if !cut_by_deadline {
                self.last = Some(LastFailure {
                    failed: Failed::Transient(transient.clone()),
                    status: None,
                    body: String::new(),
                });
            }
        }
        let mut pause_everyone = None;
        if let Transient::RateLimited {
            retry_after: Some(after),
        } = &transient
        {
            if *after > MAX_RETRY_AFTER {
                let why = format!("the server asked to wait {}s", after.as_secs());
                return Decision::GiveUp(self.give_up(now, ErrorKind::RateLimited, &why));
            }
            pause_everyone = Some(*after);
        }
        let wait = wait_before(self.attempts, self.policy.backoff, &transient, rng);
        // Named after what kept failing, like the give-up at the deadline.
        let kind = self
            .last
            .as_ref()
            .map_or_else(|| transient.error_kind(), |l| l.failed.error_kind());
        if self.attempts >= self.policy.max_attempts {
            let why = format!("{} attempts made (the most allowed)", self.attempts);
            return Decision::GiveUp(self.give_up(now, kind, &why));
        }
        if now + wait >= self.deadline {
            let why = format!(
                "the next wait ({:.1}s) would pass the deadline of {:.1}s",
                wait.as_secs_f64(),
                self.policy.deadline.as_secs_f64()
            );
            return Decision::GiveUp(self.give_up(now, kind, &why));
        }
        Decision::Retry {
            wait,
            pause_everyone,
            refresh_token: false,
        }
    }

    fn give_up(&self, now: Instant, kind: ErrorKind, why: &str) -> GiveUp {
        let elapsed = now.saturating_duration_since(self.started);
        let last_text = self
            .last
            .as_ref()
            .map_or_else(|| "none".to_owned(), |l| l.failed.describe());
        GiveUp {
            kind,
            message: format!(
                "gave up after {} attempt(s) in {:.1}s: {why}; last failure: {last_text}",
                self.attempts,
                elapsed.as_secs_f64()
            ),
            status: self.last.as_ref().and_then(|l| l.status),
            body: self
                .last
                .as_ref()
                .filter(|l| l.status.is_some())
                .map(|l| l.body.clone()),
            attempts: self.attempts,
            elapsed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::time::SystemTime;

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

#[cfg(test)]
mod state_machine {
    //! The retry decisions over virtual time: `t0` plus offsets, no clock read, no sleep.
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::time::SystemTime;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            request_timeout: Duration::from_secs(2),
            deadline: Duration::from_secs(10),
            max_attempts: 5,
            backoff: Backoff {
                base: Duration::from_millis(100),
                cap: Duration::from_secs(1),
            },
        }
    }

    fn machine(bearer: bool) -> (RetryState, Instant, StdRng) {
        let t0 = Instant::now();
        let p = policy();
        (
            RetryState::new(p, t0, t0 + p.deadline, bearer),
            t0,
            StdRng::seed_from_u64(3),
        )
    }

    fn answer(status: u16, retry_after: Option<u64>) -> Got {
        Got::Answer {
            status,
            retry_after: retry_after.map(Duration::from_secs),
            body: format!("body {status}"),
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn give_up(d: Decision) -> GiveUp {
        match d {
            Decision::GiveUp(g) => g,
            other => panic!("expected a give-up, got {other:?}"),
        }
    }

    #[test]
    fn an_answer_is_handed_back() {
        let (mut m, t0, mut rng) = machine(true);
        assert_eq!(m.begin(t0), Ok(Duration::from_secs(2)));
        assert_eq!(
            m.after(answer(404, None), t0 + ms(5), &mut rng),
            Decision::Answer {
                status: 404,
                body: "body 404".into()
            }
        );
        assert_eq!(m.attempts(), 1);
        assert!(!m.unanswered());
    }

    #[test]
    fn server_errors_back_off_then_run_out_of_attempts() {
        let (mut m, t0, mut rng) = machine(false);
        let mut now = t0;
        for n in 1..=5u32 {
            m.begin(now).unwrap();
            match m.after(answer(503, None), now, &mut rng) {
                Decision::Retry {
                    wait,
                    pause_everyone: None,
                    refresh_token: false,
                } if n < 5 => {
                    let ceiling = ms(100 * (1 << (n - 1))).min(Duration::from_secs(1));
                    assert!(wait <= ceiling, "retry {n}: {wait:?}");
                    now += wait;
                }
                Decision::GiveUp(g) if n == 5 => {
                    assert_eq!(g.kind, ErrorKind::Unavailable);
                    assert!(g.message.contains("5 attempts made"), "{}", g.message);
                    assert!(g.message.contains("last failure: server error 503"));
                    assert_eq!(g.status, Some(503));
                    assert_eq!(g.body.as_deref(), Some("body 503"));
                    assert_eq!(g.attempts, 5);
                }
                other => panic!("attempt {n}: {other:?}"),
            }
        }
    }

    #[test]
    fn retry_after_in_either_form_is_the_wait_and_pauses_everyone() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        for header in ["3", "Sun, 06 Nov 1994 08:49:40 GMT"] {
            let (mut m, t0, mut rng) = machine(false);
            m.begin(t0).unwrap();
            let got = Got::Answer {
                status: 429,
                retry_after: parse_retry_after(header, now),
                body: String::new(),
            };
            match m.after(got, t0, &mut rng) {
                Decision::Retry {
                    wait,
                    pause_everyone: Some(p),
                    ..
                } => {
                    assert_eq!(p, Duration::from_secs(3), "{header}");
                    assert!(wait >= p && wait <= ms(3300), "{header}: {wait:?}");
                }
                other => panic!("{header}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_429_without_retry_after_is_retried_with_backoff() {
        let (mut m, t0, mut rng) = machine(false);
        m.begin(t0).unwrap();
        match m.after(answer(429, None), t0, &mut rng) {
            Decision::Retry {
                wait,
                pause_everyone: None,
                refresh_token: false,
            } => assert!(wait <= ms(100)),
            other => panic!("{other:?}"),
        }
        // Still limited at the end: named rate limited.
        let mut now = t0;
        let g = loop {
            now += ms(200);
            m.begin(now).unwrap();
            if let Decision::GiveUp(g) = m.after(answer(429, None), now, &mut rng) {
                break g;
            }
        };
        assert_eq!(g.kind, ErrorKind::RateLimited);
        assert!(g.message.contains("rate limited (429)"), "{}", g.message);
    }

    #[test]
    fn a_retry_after_too_long_or_past_the_deadline_gives_up_as_rate_limited() {
        let (mut m, t0, mut rng) = machine(false);
        m.begin(t0).unwrap();
        let g = give_up(m.after(answer(429, Some(301)), t0, &mut rng));
        assert_eq!(g.kind, ErrorKind::RateLimited);
        assert!(
            g.message.contains("the server asked to wait 301s"),
            "{}",
            g.message
        );

        let (mut m, t0, mut rng) = machine(false);
        m.begin(t0).unwrap();
        let g = give_up(m.after(answer(429, Some(20)), t0, &mut rng));
        assert_eq!(g.kind, ErrorKind::RateLimited);
        assert!(
            g.message.contains("would pass the deadline of 10.0s"),
            "{}",
            g.message
        );
    }

    #[test]
    fn the_deadline_cuts_the_last_attempt_short_and_names_what_kept_failing() {
        let (mut m, t0, mut rng) = machine(false);
        m.begin(t0).unwrap();
        let d = m.after(
            Got::Connection {
                detail: "reset".into(),
            },
            t0 + ms(10),
            &mut rng,
        );
        assert!(matches!(d, Decision::Retry { .. }));
        // 9.5 s in: only half a second is left, so the attempt gets that as its timeout.
        let late = t0 + ms(9500);
        assert_eq!(m.begin(late), Ok(ms(500)));
        // It times out because the deadline cut it, which says nothing about the server.
        let d = m.after(Got::Timeout, t0 + Duration::from_secs(10), &mut rng);
        let g = give_up(d);
        assert_eq!(g.kind, ErrorKind::Unavailable, "{}", g.message);
        assert!(
            g.message.contains("connection failed: reset"),
            "{}",
            g.message
        );
        assert!(m.unanswered());
        // And after the deadline no attempt begins.
        let g = m.begin(t0 + Duration::from_secs(11)).unwrap_err();
        assert!(g.message.contains("the deadline passed"), "{}", g.message);
        assert_eq!(g.kind, ErrorKind::Unavailable);
    }

    #[test]
    fn nothing_failed_before_the_deadline_is_a_timeout() {
        let (mut m, t0, _) = machine(false);
        let g = m.begin(t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(g.kind, ErrorKind::Timeout);
        assert!(g.message.contains("last failure: none"), "{}", g.message);
        assert_eq!(g.attempts, 0);
    }

    #[test]
    fn slow_answers_are_timeouts() {
        let (mut m, t0, mut rng) = machine(false);
        let mut now = t0;
        let g = loop {
            m.begin(now).unwrap();
            now += Duration::from_secs(2);
            if let Decision::GiveUp(g) = m.after(Got::Timeout, now, &mut rng) {
                break g;
            }
        };
        assert_eq!(g.kind, ErrorKind::Timeout);
        assert!(g.message.contains("request timed out"), "{}", g.message);
        assert_eq!(g.status, None);
    }

    #[test]
    fn the_client_gate_past_the_deadline_is_rate_limited() {
        let (m, t0, _) = machine(false);
        let g = m.gate_refused(Duration::from_secs(30), t0);
        assert_eq!(g.kind, ErrorKind::RateLimited);
        assert!(g.message.contains("holding back 30.0s"), "{}", g.message);
    }

    #[test]
    fn each_401_refreshes_once_at_most_three_times_then_the_401_is_the_answer() {
        let (mut m, t0, mut rng) = machine(true);
        for _ in 0..MAX_REFRESHES {
            m.begin(t0).unwrap();
            assert_eq!(
                m.after(answer(401, None), t0, &mut rng),
                Decision::Retry {
                    wait: Duration::ZERO,
                    pause_everyone: None,
                    refresh_token: true
                }
            );
        }
        m.begin(t0).unwrap();
        assert_eq!(
            m.after(answer(401, None), t0, &mut rng),
            Decision::Answer {
                status: 401,
                body: "body 401".into()
            }
        );
        assert_eq!(m.attempts(), 4);
    }

    #[test]
    fn a_401_is_its_own_failure_not_a_server_error() {
        let (mut m, t0, mut rng) = machine(true);
        m.begin(t0).unwrap();
        m.after(answer(401, None), t0, &mut rng);
        let g = m.begin(t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(g.kind, ErrorKind::Auth);
        assert!(
            g.message.contains("access token was refused (401)"),
            "{}",
            g.message
        );
        assert!(!g.message.contains("server error"), "{}", g.message);
    }

    #[test]
    fn without_a_bearer_token_a_401_is_an_answer() {
        let (mut m, t0, mut rng) = machine(false);
        m.begin(t0).unwrap();
        assert!(matches!(
            m.after(answer(401, None), t0, &mut rng),
            Decision::Answer { status: 401, .. }
        ));
    }
}
