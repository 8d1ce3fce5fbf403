//! The seed platform: the tutorial's campaign schedule API (CONTRACT §4). A document writes
//! one target, its campaign; the version is the schedule's ETag, and the client's
//! `write_schedule` never overwrites a stale ETag blindly.

use std::sync::Arc;

use cxsched_api::{ApiError, Client, Live, WriteOutcome};
use cxsched_core::compare::{changes, changes_from_empty, same_schedule};
use cxsched_core::{Issue, Schedule};
use cxsched_webhooks::Event;
use serde_json::Value;

use crate::document::Document;
use crate::platform::{Conflict, Platform, Target, WriteError, Written};

/// The seed API through its client.
#[derive(Clone, Debug)]
pub struct Seed {
    pub client: Arc<Client>,
}

impl Seed {
    pub fn new(client: Client) -> Seed {
        Seed {
            client: Arc::new(client),
        }
    }
}

impl Platform for Seed {
    type Desired = Schedule;
    type Live = Live;

    fn name(&self) -> &'static str {
        "seed"
    }

    fn actor(&self) -> String {
        self.client.config().client_id.clone()
    }

    fn targets(
        &self,
        _doc: &Document,
        schedule: &Schedule,
        _now: jiff::Timestamp,
    ) -> Result<Vec<(Target, Schedule)>, Vec<Issue>> {
        Ok(vec![(
            Target::campaign(schedule.campaign_id),
            schedule.clone(),
        )])
    }

    async fn read(&self, target: Target) -> Result<Live, ApiError> {
        self.client.get_schedule(target.campaign_id).await
    }

    fn version(&self, _target: Target, live: &Live) -> String {
        live.etag.clone()
    }

    fn same(&self, desired: &Schedule, live: &Live) -> bool {
        live.schedule
            .as_ref()
            .is_some_and(|l| same_schedule(desired, l))
    }

    fn is_empty(&self, live: &Live) -> bool {
        live.schedule.is_none()
    }

    fn changes(&self, desired: &Schedule, live: &Live) -> Vec<String> {
        match &live.schedule {
            Some(l) => changes(desired, l),
            None => changes_from_empty(desired),
        }
        .iter()
        .map(ToString::to_string)
        .collect()
    }

    fn live_json(&self, live: &Live) -> Value {
        live.body.clone()
    }

    fn desired_json(&self, desired: &Schedule) -> Value {
        desired.to_wire()
    }

    async fn write(
        &self,
        _target: Target,
        desired: &Schedule,
        read: &Live,
    ) -> Result<Written, WriteError> {
        match self.client.write_schedule(desired, read).await {
            Ok(WriteOutcome::Written {
                etag_after,
                answer_lost,
                ..
            }) => Ok(Written::Written {
                version: etag_after,
                answer_lost,
                details: if answer_lost {
                    serde_json::json!({ "answerLost": true, "confirmedBy": "re-read" })
                } else {
                    Value::Null
                },
            }),
            Ok(WriteOutcome::AlreadyInPlace { etag, .. }) => {
                Ok(Written::AlreadyInPlace { version: etag })
            }
            Err(e) if e.is_conflict() => {
                let (versions, live_version) = match e.conflict() {
                    Some(c) => (
                        [("read", c.read.body.clone()), ("live", c.live.body.clone())],
                        Some(c.live.etag.clone()),
                    ),
                    None => ([("read", read.body.clone()), ("live", Value::Null)], None),
                };
                Err(WriteError::Conflict(Box::new(Conflict {
                    message: e.to_string(),
                    versions,
                    live_version,
                })))
            }
            Err(e) => Err(WriteError::Failed(e)),
        }
    }

    fn event(
        &self,
        _target: Target,
        schedule: &Schedule,
        desired: &Schedule,
        version: &str,
    ) -> Event {
        Event {
            campaign_id: schedule.campaign_id.to_string(),
            timezone: schedule.timezone.name.to_string(),
            windows: desired.to_wire()["timeWindows"].clone(),
            directive: schedule.directive.as_str().to_owned(),
            timestamp: jiff::Timestamp::now(),
            etag_after: version.to_owned(),
            skill_id: None,
        }
    }
}
