//! `GET /api/v2/campaigns/{id}/schedule`: the live schedule, its ETag, and the schedule read
//! by the core's wire rules (fields the server adds, such as `status`, are ignored there).

use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

use super::{refusal, schedule_path};
use crate::client::Client;
use crate::error::{ApiError, ErrorKind};
pub use crate::live::{Live, parse_live};

impl Client {
    /// Reads the live schedule of a campaign and its ETag.
    ///
    /// # Errors
    /// Not found, auth, transport and retry exhaustion (see [`ApiError`]); a 200 without an
    /// ETag or with a body that is not JSON is [`ErrorKind::Protocol`].
    pub async fn get_schedule(&self, campaign_id: Uuid) -> Result<Live, ApiError> {
        let doing = format!("GET schedule of campaign {campaign_id}");
        let answer = self
            .exchange(&doing, Method::GET, &schedule_path(campaign_id), None, None)
            .await?;
        if answer.status != 200 {
            return Err(refusal(&doing, &answer));
        }
        let protocol = |message: &str| {
            ApiError::new(ErrorKind::Protocol, &doing, message)
                .with_status(answer.status, &answer.body)
                .with_attempts(answer.attempts, answer.latency)
        };
        let body: Value =
            serde_json::from_str(&answer.body).map_err(|_| protocol("the answer is not JSON"))?;
        let etag = answer
            .etag
            .clone()
            .ok_or_else(|| protocol("the answer has no ETag header"))?;
        Ok(Live {
            campaign_id,
            schedule: parse_live(&body),
            body,
            etag,
            attempts: answer.attempts,
            latency: answer.latency,
        })
    }
}
