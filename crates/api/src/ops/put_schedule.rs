//! `PUT /api/v2/campaigns/{id}/schedule` with `If-Match`: one conditional write, nothing
//! more. The stale-ETag rule lives in [`super::write_schedule`].

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

use super::{refusal, schedule_path};
use crate::client::Client;
use crate::error::{ApiError, ErrorKind};

/// What a successful write answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub schedule_id: Option<String>,
    pub status: Option<String>,
    /// The new ETag.
    pub etag: String,
    pub attempts: u32,
    pub latency: Duration,
}

impl Client {
    /// Writes `body` as the schedule of `campaign_id` if its ETag is still `if_match`.
    ///
    /// # Errors
    /// [`ErrorKind::StaleEtag`] (409 `ETAG_MISMATCH` or 412), [`ErrorKind::Rejected`] (422
    /// with [`ApiError::field_errors`], 409 `OVERLAPPING_WINDOWS`, 400),
    /// [`ErrorKind::PreconditionRequired`] (428), auth, not found, transport and retry
    /// exhaustion; a success without an ETag is [`ErrorKind::Protocol`].
    pub async fn put_schedule(
        &self,
        campaign_id: Uuid,
        body: &Value,
        if_match: &str,
    ) -> Result<Written, ApiError> {
        let doing = format!("PUT schedule of campaign {campaign_id}");
        let if_match = (!if_match.is_empty()).then_some(if_match);
        let answer = self
            .exchange(
                &doing,
                Method::PUT,
                &schedule_path(campaign_id),
                Some(body),
                if_match,
            )
            .await?;
        if !(200..300).contains(&answer.status) {
            return Err(refusal(&doing, &answer));
        }
        let json = answer.json().unwrap_or(Value::Null);
        let field = |k: &str| json.get(k).and_then(Value::as_str).map(str::to_owned);
        let etag = answer.etag.clone().ok_or_else(|| {
            ApiError::new(
                ErrorKind::Protocol,
                &doing,
                "the write was accepted but the answer has no ETag",
            )
            .with_status(answer.status, &answer.body)
            .with_attempts(answer.attempts, answer.latency)
        })?;
        Ok(Written {
            schedule_id: field("scheduleId"),
            status: field("status"),
            etag,
            attempts: answer.attempts,
            latency: answer.latency,
        })
    }
}
