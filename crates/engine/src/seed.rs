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
use crate::gate::Assessment;
use crate::platform::{Conflict, Platform, Target, WriteError, Written};

/// A campaign's live schedule as a plan keeps it: the client's [`Live`], whose body a plan
/// may keep as text only ([`Platform::compact`]).
#[derive(Clone, Debug)]
pub struct SeedLive {
    pub live: Live,
    /// The body as sent, when `live.body` was dropped to save memory.
    pub body_text: Option<Box<str>>,
}

impl SeedLive {
    /// The read with its body as the server sent it.
    pub fn full(&self) -> Live {
        let mut live = self.live.clone();
        if let Some(text) = &self.body_text {
            live.body = serde_json::from_str(text).unwrap_or(Value::Null);
        }
        live
    }
}

/// The seed API through its client.
///
/// # Example
///
/// Reading a campaign the seed emulator knows, with no schedule yet:
///
/// ```
/// use cxsched_api::{Client, ClientConfig, Secret};
/// use cxsched_emulator::{CampaignSource, EmulatorConfig};
/// use cxsched_engine::Platform;
/// use cxsched_engine::platform::Target;
/// use cxsched_engine::seed::Seed;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let id: uuid::Uuid = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab".parse().unwrap();
///     let mut config = EmulatorConfig::loopback();
///     config.campaigns = CampaignSource::Documents(vec![
///         serde_json::json!({"campaignId": id, "timeWindows": []}),
///     ]);
///     let emu = cxsched_emulator::spawn(config).await.unwrap();
///     let client = ClientConfig::new(emu.base_url(), "demo-client", Secret::new("demo-secret"));
///     let seed = Seed::new(Client::new(client).unwrap());
///
///     let live = seed.read(Target::campaign(id)).await.unwrap();
///     assert!(seed.is_empty(&live));
///     assert!(!seed.version(Target::campaign(id), &live).is_empty()); // its ETag
///     assert_eq!(seed.actor(), "demo-client");
///     emu.shutdown().await;
/// });
/// ```
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
    /// The document's own schedule, shared (the engine keeps one per document).
    type Desired = Arc<Schedule>;
    type Live = SeedLive;

    fn name(&self) -> &'static str {
        "seed"
    }

    fn actor(&self) -> String {
        self.client.config().client_id.clone()
    }

    fn targets(
        &self,
        _doc: &Document,
        schedule: &Arc<Schedule>,
        _assessment: &Assessment,
    ) -> Result<Vec<(Target, Arc<Schedule>)>, Vec<Issue>> {
        Ok(vec![(
            Target::campaign(schedule.campaign_id),
            Arc::clone(schedule),
        )])
    }

    async fn read(&self, target: Target) -> Result<SeedLive, ApiError> {
        Ok(SeedLive {
            live: self.client.get_schedule(target.campaign_id).await?,
            body_text: None,
        })
    }

    fn version(&self, _target: Target, live: &SeedLive) -> String {
        live.live.etag.clone()
    }

    fn same(&self, desired: &Arc<Schedule>, live: &SeedLive) -> bool {
        live.live
            .schedule
            .as_ref()
            .is_some_and(|l| same_schedule(desired, l))
    }

    fn is_empty(&self, live: &SeedLive) -> bool {
        live.live.schedule.is_none()
    }

    fn changes(&self, desired: &Arc<Schedule>, live: &SeedLive) -> Vec<String> {
        match &live.live.schedule {
            Some(l) => changes(desired, l),
            None => changes_from_empty(desired),
        }
        .iter()
        .map(ToString::to_string)
        .collect()
    }

    fn live_json(&self, live: &SeedLive) -> Value {
        live.full().body
    }

    fn compact(&self, mut live: SeedLive) -> SeedLive {
        // The body's JSON tree is most of a plan entry's memory: kept as its text instead.
        if !live.live.body.is_null() {
            live.body_text = Some(live.live.body.to_string().into_boxed_str());
            live.live.body = Value::Null;
        }
        live
    }

    fn desired_json(&self, desired: &Arc<Schedule>) -> Value {
        desired.to_wire()
    }

    async fn write(
        &self,
        _target: Target,
        desired: &Arc<Schedule>,
        read: &SeedLive,
    ) -> Result<Written, WriteError> {
        let read = read.full();
        match self.client.write_schedule(desired, &read).await {
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
        desired: &Arc<Schedule>,
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
