//! The webhook events cxsched sends, and their stable ids.
//!
//! The `webhook-id` of an event is derived from what it announces (event type, campaign,
//! and the ETag the write produced), not drawn at random: a repeated activation of the same
//! schedule version, or a retried `apply`, yields the same id, so receivers drop duplicates.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The event type sent after a successful schedule write.
pub const SCHEDULE_ACTIVATED: &str = "SCHEDULE_ACTIVATED";

/// A schedule was written and is live (CONTRACT §4).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub campaign_id: String,
    /// The schedule's zone, as sent to the API.
    pub timezone: String,
    /// The `timeWindows` as sent to the API.
    pub windows: serde_json::Value,
    /// `STRICT`, `FLEXIBLE` or `IGNORE`.
    pub directive: String,
    /// When the write happened.
    pub timestamp: jiff::Timestamp,
    /// The ETag the API returned for the write (on CXone, the skill's version after it);
    /// part of the event's identity.
    pub etag_after: String,
    /// The CXone skill written (absent on the seed platform, and then from the body).
    pub skill_id: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Payload<'a> {
    event: &'static str,
    campaign_id: &'a str,
    timezone: &'a str,
    windows: &'a serde_json::Value,
    directive: &'a str,
    timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    skill_id: Option<u64>,
}

impl Event {
    /// The stable `webhook-id`: `msg_` + 32 hex digits of SHA-256 over the event type,
    /// campaign id and ETag after the write.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        for part in [SCHEDULE_ACTIVATED, &self.campaign_id, &self.etag_after] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        format!("msg_{}", &hex::encode(h.finalize())[..32])
    }

    /// The JSON body: `{"event","campaignId","timezone","windows","directive","timestamp"}`.
    pub fn body(&self) -> String {
        serde_json::to_string(&Payload {
            event: SCHEDULE_ACTIVATED,
            campaign_id: &self.campaign_id,
            timezone: &self.timezone,
            windows: &self.windows,
            directive: &self.directive,
            timestamp: self.timestamp.to_string(),
            skill_id: self.skill_id,
        })
        .expect("an event always serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(etag: &str) -> Event {
        Event {
            campaign_id: "3f2504e0-4f89-41d3-9a0c-0305e82c3301".into(),
            timezone: "America/New_York".into(),
            windows: serde_json::json!([{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}]),
            directive: "STRICT".into(),
            timestamp: "2026-03-09T14:00:00Z".parse().unwrap(),
            etag_after: etag.into(),
            skill_id: None,
        }
    }

    #[test]
    fn the_id_is_stable_per_campaign_and_etag() {
        assert_eq!(event("\"v2\"").id(), event("\"v2\"").id());
        assert_ne!(event("\"v2\"").id(), event("\"v3\"").id());
        assert!(event("\"v2\"").id().starts_with("msg_"));
    }

    #[test]
    fn the_body_has_the_contract_fields() {
        let v: serde_json::Value = serde_json::from_str(&event("x").body()).unwrap();
        assert_eq!(v["event"], "SCHEDULE_ACTIVATED");
        assert_eq!(v["campaignId"], "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
        assert_eq!(v["timestamp"], "2026-03-09T14:00:00Z");
        assert_eq!(v["windows"][0]["dayOfWeek"], "MONDAY");
        assert_eq!(v.as_object().unwrap().len(), 6);
    }
}
