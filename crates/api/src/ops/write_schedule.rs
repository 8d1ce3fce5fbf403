//! Writing a desired schedule over one that was read, never overwriting blindly.
//!
//! PUT with the ETag that was read. On a stale ETag (409 `ETAG_MISMATCH` or 412) read again:
//! - the live schedule is now what we meant to write (by meaning) → done: our own write when
//!   an earlier attempt of the PUT got no answer (it landed, its answer was lost), else
//!   someone else's, and nothing is written;
//! - it changed to something else since we read it → a conflict carrying both versions;
//! - it is unchanged by meaning (only the ETag moved) → PUT once more with the new ETag.

use std::time::Duration;

use cxsched_core::Schedule;
use cxsched_core::compare::same_schedule;
use serde_json::Value;

use super::get_schedule::Live;
use crate::client::Client;
use crate::error::{ApiError, Conflict, ErrorKind};

/// How a write ended, with the metrics the audit log records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The schedule was written.
    Written {
        etag_before: String,
        etag_after: String,
        schedule_id: Option<String>,
        /// HTTP attempts of the whole operation (reads included).
        attempts: u32,
        latency: Duration,
        /// The write's answer was lost (the connection closed after sending it); the stale
        /// ETag of the retry and a re-read showing the desired schedule confirm it landed.
        answer_lost: bool,
    },
    /// The live schedule already was the desired one; nothing was written.
    AlreadyInPlace {
        etag: String,
        attempts: u32,
        latency: Duration,
    },
}

/// True when `now` differs by meaning from `before` (bodies compared when neither parses).
fn changed(before: &Live, now: &Live) -> bool {
    match (&before.schedule, &now.schedule) {
        (Some(a), Some(b)) => !same_schedule(a, b),
        (None, None) => before.body != now.body,
        _ => true,
    }
}

fn is_desired(desired: &Schedule, live: &Live) -> bool {
    live.schedule
        .as_ref()
        .is_some_and(|s| same_schedule(desired, s))
}

impl Client {
    /// Writes `desired` over the schedule `read` (as read with [`Client::get_schedule`]),
    /// following the stale-ETag rule above.
    ///
    /// # Errors
    /// [`ErrorKind::Conflict`] with [`ApiError::conflict`] holding what was read and what is
    /// live now; otherwise the errors of [`Client::put_schedule`] and [`Client::get_schedule`].
    ///
    /// # Example
    /// ```no_run
    /// use cxsched_api::{Client, ClientConfig, Secret, WriteOutcome};
    /// use cxsched_core::{Format, parse_document};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), cxsched_api::ApiError> {
    /// let config = ClientConfig::new(
    ///     "http://127.0.0.1:8080",
    ///     "demo-client",
    ///     Secret::new("demo-secret"),
    /// );
    /// let client = Client::new(config)?;
    /// let doc = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
    ///   "businessHoursDirective":"STRICT","maxConcurrentCalls":5,
    ///   "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}]}"#;
    /// let desired = parse_document(doc, Format::Json).schedule.expect("a valid document");
    /// // Read the live schedule and its ETag, then write ours over exactly that version.
    /// let live = client.get_schedule(desired.campaign_id).await?;
    /// println!("live ETag {}", live.etag);
    /// match client.write_schedule(&desired, &live).await? {
    ///     WriteOutcome::Written { etag_after, .. } => println!("written, now {etag_after}"),
    ///     other => println!("{other:?}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn write_schedule(
        &self,
        desired: &Schedule,
        read: &Live,
    ) -> Result<WriteOutcome, ApiError> {
        let id = desired.campaign_id;
        let mut attempts = 0u32;
        let mut latency = Duration::ZERO;
        if is_desired(desired, read) {
            return Ok(WriteOutcome::AlreadyInPlace {
                etag: read.etag.clone(),
                attempts,
                latency,
            });
        }
        let body = desired.to_wire();
        let mut base = read.clone();
        for round in 0..2 {
            match self.put_schedule(id, &body, &base.etag).await {
                Ok(w) => {
                    return Ok(WriteOutcome::Written {
                        etag_before: base.etag,
                        etag_after: w.etag,
                        schedule_id: w.schedule_id,
                        attempts: attempts + w.attempts,
                        latency: latency + w.latency,
                        answer_lost: false,
                    });
                }
                Err(e) if e.kind() == ErrorKind::StaleEtag => {
                    attempts += e.attempts();
                    let now = self.get_schedule(id).await?;
                    attempts += now.attempts;
                    latency += now.latency;
                    if e.earlier_attempt_unanswered() && is_desired(desired, &now) {
                        // Our own write, whose answer was lost: written, not "already there".
                        return Ok(WriteOutcome::Written {
                            etag_before: base.etag,
                            etag_after: now.etag,
                            schedule_id: now
                                .body
                                .get("scheduleId")
                                .and_then(Value::as_str)
                                .map(str::to_owned),
                            attempts,
                            latency,
                            answer_lost: true,
                        });
                    }
                    if is_desired(desired, &now) {
                        return Ok(WriteOutcome::AlreadyInPlace {
                            etag: now.etag,
                            attempts,
                            latency,
                        });
                    }
                    if changed(read, &now) || round == 1 {
                        return Err(conflict(read, now, attempts, latency));
                    }
                    base = now;
                }
                Err(e) => return Err(e),
            }
        }
        unreachable!("the second round always returns")
    }
}

fn conflict(read: &Live, now: Live, attempts: u32, latency: Duration) -> ApiError {
    let message = format!(
        "the live schedule changed since it was read (ETag {} → {}); not overwritten. Read: {}. \
         Live now: {}. Review the live schedule (cxsched get {}) and plan again",
        read.etag,
        now.etag,
        read.summary(),
        now.summary(),
        read.campaign_id,
    );
    ApiError::new(
        ErrorKind::Conflict,
        format!("writing the schedule of campaign {}", read.campaign_id),
        message,
    )
    .with_attempts(attempts, latency)
    .with_conflict(Conflict {
        read: read.clone(),
        live: now,
    })
}
