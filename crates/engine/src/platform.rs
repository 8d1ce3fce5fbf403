//! The interface a platform implements for the engine, and the types it speaks in.
//!
//! A platform knows how to find the [`Target`]s a document writes (the seed API: its
//! campaign; CXone: each of its skills), read one, tell whether what is live means what is
//! desired, describe the difference, fingerprint the live state (its *version*: the seed
//! API's ETag, CXone's hash of what is live), and write without overwriting a change made by
//! someone else since it was read ([`Platform::write`]). Everything else — the compliance
//! gate, drift against the audit log, concurrency, the audit entries, webhooks, stopping on
//! Ctrl-C — is the engine's, and so the same on every platform.

use std::future::Future;
use std::sync::Arc;

use cxsched_api::ApiError;
use cxsched_core::{Issue, Schedule};
use cxsched_webhooks::Event;
use serde_json::Value;
use uuid::Uuid;

use crate::document::Document;
use crate::gate::{Assessment, Judgement};

/// What one write is aimed at: a campaign on the seed API, one skill of a campaign on CXone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    /// The document's identity (audit entries, webhooks).
    pub campaign_id: Uuid,
    /// The CXone skill, on that platform.
    pub skill_id: Option<u64>,
}

impl Target {
    /// A seed-platform target.
    pub fn campaign(campaign_id: Uuid) -> Target {
        Target {
            campaign_id,
            skill_id: None,
        }
    }

    /// How reports name it: the campaign id, and `skill N` on CXone.
    pub fn label(&self) -> String {
        match self.skill_id {
            Some(s) => format!("{} skill {s}", self.campaign_id),
            None => self.campaign_id.to_string(),
        }
    }
}

/// How a write ended when it did not fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    /// Written; `version` is what is live now (ETag or fingerprint).
    Written {
        version: String,
        /// The write's answer was lost, and a re-read found the desired state in place.
        answer_lost: bool,
        /// What the platform adds to the audit entry's details (for example the read-back).
        details: Value,
    },
    /// The live state already meant the desired one when we came to write.
    AlreadyInPlace { version: String },
}

/// How a write failed.
#[derive(Debug)]
pub enum WriteError {
    /// The live state changed since it was read (or differs from what we wrote, read back):
    /// not overwritten. Both versions, labelled (`read`/`live`, or `written`/`read back`).
    Conflict(Box<Conflict>),
    /// The platform refused the write or could not be reached.
    Failed(ApiError),
}

impl From<ApiError> for WriteError {
    fn from(e: ApiError) -> WriteError {
        WriteError::Failed(e)
    }
}

/// Both versions of a state that changed under a write.
#[derive(Debug)]
pub struct Conflict {
    pub message: String,
    pub versions: [(&'static str, Value); 2],
    /// The version now live, recorded so the next plan knows it.
    pub live_version: Option<String>,
}

/// A platform the engine plans and applies against.
///
/// # Example
///
/// The seed platform ([`crate::seed::Seed`]) finds one target in a document, its campaign,
/// and compares by meaning, not by spelling:
///
/// ```
/// # use std::sync::Arc;
/// # use cxsched_api::{Client, ClientConfig, Secret};
/// # use cxsched_core::{Format, parse_document};
/// # use cxsched_emulator::{CampaignSource, EmulatorConfig};
/// # use cxsched_engine::Document;
/// # use cxsched_engine::seed::Seed;
/// # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// # let id = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab";
/// # let mut config = EmulatorConfig::loopback();
/// # config.campaigns = CampaignSource::Documents(vec![
/// #     serde_json::json!({"campaignId": id, "timeWindows": []}),
/// # ]);
/// # let emu = cxsched_emulator::spawn(config).await.unwrap();
/// # let client = ClientConfig::new(emu.base_url(), "demo-client", Secret::new("demo-secret"));
/// # let seed = Arc::new(Seed::new(Client::new(client).unwrap()));
/// # let text = format!(
/// #     r#"{{"campaignId":"{id}","timezone":"America/New_York","businessHoursDirective":"STRICT",
/// #     "maxConcurrentCalls":10,
/// #     "timeWindows":[{{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}}]}}"#
/// # );
/// # let validation = parse_document(&text, Format::Json);
/// # let doc = Document { source: "doc.json".into(), base_dir: ".".into(), validation };
/// use cxsched_engine::Platform;
/// use cxsched_engine::platform::Target;
///
/// let schedule = Arc::new(*doc.validation.schedule.clone().unwrap());
/// let targets = seed.targets(&doc, &schedule, &Default::default()).unwrap();
/// assert_eq!(targets.len(), 1);
/// let (target, desired) = &targets[0];
/// assert_eq!(*target, Target::campaign(id.parse().unwrap()));
/// assert_eq!(target.label(), id);
///
/// let live = seed.read(*target).await.unwrap();
/// assert!(!seed.same(desired, &live)); // nothing live yet
/// assert_eq!(seed.desired_json(desired)["timeWindows"][0]["dayOfWeek"], "MONDAY");
/// # emu.shutdown().await;
/// # });
/// ```
pub trait Platform: Send + Sync + 'static {
    /// What one target should hold.
    type Desired: Send + Sync + 'static;
    /// What one target holds, as read.
    type Live: Send + Sync + 'static;

    /// `seed` or `cxone`.
    fn name(&self) -> &'static str;

    /// Whom the audit log names as the actor (never a secret).
    fn actor(&self) -> String;

    /// Work done once before a plan (CXone: connect, read the business unit).
    ///
    /// # Errors
    /// The platform cannot be reached or refuses us: nothing can be decided.
    fn prepare(&self) -> impl Future<Output = Result<(), ApiError>> + Send {
        async { Ok(()) }
    }

    /// The targets a valid document writes and what each should hold.
    ///
    /// # Errors
    /// What makes the document unusable on this platform, each with its field path and what
    /// to do (CXone: no `skillIds`, two windows on one weekday, a zone the business unit is
    /// not in).
    fn targets(
        &self,
        doc: &Document,
        schedule: &Arc<Schedule>,
        assessment: &Assessment,
    ) -> Result<Vec<(Target, Self::Desired)>, Vec<Issue>>;

    /// How the compliance gate judges a document on this platform.
    fn judgement(&self) -> Judgement {
        Judgement::Scheduled
    }

    /// Reads what `target` holds.
    ///
    /// # Errors
    /// As the client's.
    fn read(&self, target: Target) -> impl Future<Output = Result<Self::Live, ApiError>> + Send;

    /// The live state's version: what the audit log records as written, and compares later.
    fn version(&self, target: Target, live: &Self::Live) -> String;

    /// Whether `live` means what `desired` says (window order, spelling and links aside).
    fn same(&self, desired: &Self::Desired, live: &Self::Live) -> bool;

    /// True when the live state holds no schedule at all (a target never scheduled).
    fn is_empty(&self, live: &Self::Live) -> bool;

    /// What writing `desired` over `live` would change, one line each.
    fn changes(&self, desired: &Self::Desired, live: &Self::Live) -> Vec<String>;

    /// The live state as JSON, as the platform sent it (for conflicts and `get`).
    fn live_json(&self, live: &Self::Live) -> Value;

    /// What would be sent, as JSON (its hash goes in the audit log).
    fn desired_json(&self, desired: &Self::Desired) -> Value;

    /// The live state of a target that will be written, with what a plan never needs again
    /// dropped (the default keeps everything).
    fn compact(&self, live: Self::Live) -> Self::Live {
        live
    }

    /// Writes `desired` to `target`, whose state was `read` by the plan, never overwriting a
    /// change made since: the seed API by its ETag, CXone by reading again first and reading
    /// back after.
    ///
    /// # Errors
    /// [`WriteError::Conflict`] with both versions, or the client's error.
    fn write(
        &self,
        target: Target,
        desired: &Self::Desired,
        read: &Self::Live,
    ) -> impl Future<Output = Result<Written, WriteError>> + Send;

    /// The webhook announcing a write of `desired` (from `schedule`) that left `version`.
    fn event(
        &self,
        target: Target,
        schedule: &Schedule,
        desired: &Self::Desired,
        version: &str,
    ) -> Event;
}
