//! [`ApiError`]: one opaque error for everything the client can meet, with a kind and
//! predicates. It keeps what was being done ("PUT schedule of campaign …"), the HTTP status,
//! the server's body (truncated), the field errors of a 422 and, for a conflict, both
//! versions of the schedule. It never holds a secret: request headers are never copied in.

use std::fmt;
use std::time::Duration;

use crate::live::Live;

/// Most characters of a server body kept in an error.
const BODY_LIMIT: usize = 2000;

/// What kind of failure an [`ApiError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client configuration is unusable (bad base URL, plain http to a remote host).
    Config,
    /// Bad client credentials, or a token refused even after a refresh (401).
    Auth,
    /// The token lacks a scope (403).
    Forbidden,
    /// Unknown campaign (404).
    NotFound,
    /// The ETag we sent is stale (409 `ETAG_MISMATCH` or 412).
    StaleEtag,
    /// The live schedule changed since we read it: see [`ApiError::conflict`].
    Conflict,
    /// The server refused the schedule itself (422 with field errors, 409
    /// `OVERLAPPING_WINDOWS`, 400).
    Rejected,
    /// The server requires If-Match (428).
    PreconditionRequired,
    /// Still rate limited (429) when the deadline or attempts ran out.
    RateLimited,
    /// A request timed out, or the operation's deadline passed.
    Timeout,
    /// 5xx answers or connection failures until the deadline or attempts ran out.
    Unavailable,
    /// An answer we cannot use (no ETag, not JSON, an unexpected status).
    Protocol,
}

/// A field error of a 422 answer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

/// Both versions of a schedule that changed under us: what we read before writing and what
/// is live now.
#[derive(Clone, Debug)]
pub struct Conflict {
    pub read: Live,
    pub live: Live,
}

/// An error of the CXone API client.
pub struct ApiError {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    doing: String,
    message: String,
    status: Option<u16>,
    body: Option<String>,
    field_errors: Vec<FieldError>,
    conflict: Option<Conflict>,
    attempts: u32,
    elapsed: Option<Duration>,
    /// An earlier attempt of the request got no answer (see [`ApiError::earlier_attempt_unanswered`]).
    unanswered: bool,
}

impl ApiError {
    pub(crate) fn new(
        kind: ErrorKind,
        doing: impl Into<String>,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            inner: Box::new(Inner {
                kind,
                doing: doing.into(),
                message: message.into(),
                status: None,
                body: None,
                field_errors: Vec::new(),
                conflict: None,
                attempts: 0,
                elapsed: None,
                unanswered: false,
            }),
        }
    }

    pub(crate) fn with_status(mut self, status: u16, body: &str) -> ApiError {
        self.inner.status = Some(status);
        if !body.is_empty() {
            let mut b: String = body.chars().take(BODY_LIMIT).collect();
            if b.len() < body.len() {
                b.push('…');
            }
            self.inner.body = Some(b);
        }
        self
    }

    /// Replaces every occurrence of each of `secrets` in the text kept (what was being done,
    /// the message, the body) by `[redacted]`: a guard for servers that echo what they were
    /// sent.
    pub(crate) fn redacted<'a>(mut self, secrets: impl IntoIterator<Item = &'a str>) -> ApiError {
        for secret in secrets.into_iter().filter(|s| !s.is_empty()) {
            let i = &mut *self.inner;
            for text in [&mut i.doing, &mut i.message]
                .into_iter()
                .chain(i.body.as_mut())
            {
                if text.contains(secret) {
                    *text = text.replace(secret, "[redacted]");
                }
            }
        }
        self
    }

    pub(crate) fn with_field_errors(mut self, errors: Vec<FieldError>) -> ApiError {
        self.inner.field_errors = errors;
        self
    }

    pub(crate) fn with_conflict(mut self, conflict: Conflict) -> ApiError {
        self.inner.conflict = Some(conflict);
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32, elapsed: Duration) -> ApiError {
        self.inner.attempts = attempts;
        self.inner.elapsed = Some(elapsed);
        self
    }

    pub(crate) fn with_unanswered(mut self, unanswered: bool) -> ApiError {
        self.inner.unanswered = unanswered;
        self
    }

    /// True when an attempt before the one refused got no answer (connection lost or timed
    /// out), so the server may have carried that attempt out: a stale ETag after it can be
    /// our own write.
    pub fn earlier_attempt_unanswered(&self) -> bool {
        self.inner.unanswered
    }

    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// What was being done, for example `PUT schedule of campaign 3f1c…`.
    pub fn doing(&self) -> &str {
        &self.inner.doing
    }

    /// The HTTP status of the last answer, if there was one.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The server's body of the last answer (truncated), if any.
    pub fn body(&self) -> Option<&str> {
        self.inner.body.as_deref()
    }

    /// The `{path, message}` errors of a 422 answer.
    pub fn field_errors(&self) -> &[FieldError] {
        &self.inner.field_errors
    }

    /// Both versions, when the live schedule changed since it was read.
    pub fn conflict(&self) -> Option<&Conflict> {
        self.inner.conflict.as_ref()
    }

    /// HTTP attempts made by the operation (0 when it failed before sending).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// A stale ETag or a schedule changed under us.
    pub fn is_conflict(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Conflict | ErrorKind::StaleEtag)
    }

    /// Credentials refused, or a token the server would not accept.
    pub fn is_auth(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Auth | ErrorKind::Forbidden)
    }

    pub fn is_rate_limited(&self) -> bool {
        self.inner.kind == ErrorKind::RateLimited
    }

    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }

    /// The server refused the schedule's content (422, overlapping windows, 400).
    pub fn is_rejected(&self) -> bool {
        self.inner.kind == ErrorKind::Rejected
    }

    /// The network or the server failed (5xx, connection, timeout, rate limit): trying later
    /// may work, and nothing about the schedule was decided.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.inner.kind,
            ErrorKind::Unavailable | ErrorKind::Timeout | ErrorKind::RateLimited
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        write!(f, "{}: {}", i.doing, i.message)?;
        if let Some(s) = i.status {
            write!(f, " (HTTP {s})")?;
        }
        for e in &i.field_errors {
            write!(
                f,
                "\n  {}: {}",
                if e.path.is_empty() { "(body)" } else { &e.path },
                e.message
            )?;
        }
        if i.field_errors.is_empty()
            && let Some(b) = &i.body
        {
            write!(f, "; server said: {b}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("ApiError")
            .field("kind", &i.kind)
            .field("doing", &i.doing)
            .field("message", &i.message)
            .field("status", &i.status)
            .field("body", &i.body)
            .field("field_errors", &i.field_errors)
            .field("conflict", &i.conflict.is_some())
            .field("attempts", &i.attempts)
            .field("elapsed", &i.elapsed)
            .finish()
    }
}

impl std::error::Error for ApiError {}
