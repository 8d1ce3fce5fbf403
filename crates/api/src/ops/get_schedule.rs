//! `GET /api/v2/campaigns/{id}/schedule`: the live schedule, its ETag, and the schedule read
//! by the core's wire rules (fields the server adds, such as `status`, are ignored there).

use std::time::Duration;

use cxsched_core::Schedule;
use cxsched_core::validate::{Profile, validate_value};
use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

use super::{refusal, schedule_path};
use crate::client::Client;
use crate::error::{ApiError, ErrorKind};

/// The wire fields of a schedule; anything else in a GET body is the server's own.
const WIRE_FIELDS: [&str; 6] = [
    "campaignId",
    "scheduleId",
    "timezone",
    "businessHoursDirective",
    "maxConcurrentCalls",
    "timeWindows",
];

/// A live schedule as read.
#[derive(Clone, Debug)]
pub struct Live {
    pub campaign_id: Uuid,
    /// The body as the server sent it.
    pub body: Value,
    /// The strong ETag, quotes included.
    pub etag: String,
    /// The schedule, when the body is a valid one (`None` for a campaign never scheduled).
    pub schedule: Option<Schedule>,
    /// HTTP attempts the read took.
    pub attempts: u32,
    pub latency: Duration,
}

impl Live {
    /// A one-line account: zone, directive, calls and windows, or "no schedule".
    pub fn summary(&self) -> String {
        match &self.schedule {
            Some(s) => format!(
                "{} {} maxConcurrentCalls {} with {} window(s)",
                s.timezone.name,
                s.directive.as_str(),
                s.max_concurrent_calls,
                s.windows.len()
            ),
            None => "no valid schedule".into(),
        }
    }
}

/// Reads the schedule part of a GET body.
pub fn parse_live(body: &Value) -> Option<Schedule> {
    let Value::Object(obj) = body else {
        return None;
    };
    let wire: serde_json::Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| WIRE_FIELDS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    validate_value(&Value::Object(wire), Profile::Wire).schedule
}

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
