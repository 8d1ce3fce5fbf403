//! The seed platform's schedule as read: [`Live`] (body, ETag, the schedule by the core's
//! wire rules) and [`parse_live`]. A model, not an operation: the errors ([`crate::Conflict`])
//! and the operations both use it.

use std::time::Duration;

use cxsched_core::Schedule;
use cxsched_core::validate::{Profile, validate_value};
use serde_json::Value;
use uuid::Uuid;

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
    validate_value(&Value::Object(wire), Profile::Wire)
        .schedule
        .map(|s| *s)
}
