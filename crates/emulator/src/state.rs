//! The emulator's in-memory state: campaigns with their schedules and ETags, issued tokens,
//! and the shared [`Harness`] (request log, rate-limit bucket, fault RNG); saved to and loaded from a
//! state file when one is configured.
//!
//! All of it sits behind plain mutexes held for microseconds (never across an `.await`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::campaigns;
use crate::config::EmulatorConfig;
use crate::error::EmulatorError;
use crate::harness::{Harness, HarnessSettings, ct_eq, lock};

/// The stored side of one campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Campaign {
    /// Counts writes; part of the ETag.
    pub version: u64,
    /// The current strong ETag, quotes included (`"3a…"`).
    pub etag: String,
    pub schedule_id: Uuid,
    /// The wire fields of the schedule without the ids; `None` until first written.
    pub schedule: Option<Value>,
}

impl Campaign {
    /// The body of `GET …/schedule`.
    pub fn wire_body(&self, id: Uuid) -> Value {
        let mut body = serde_json::Map::new();
        body.insert("campaignId".into(), id.to_string().into());
        body.insert("scheduleId".into(), self.schedule_id.to_string().into());
        body.insert(
            "status".into(),
            if self.schedule.is_some() {
                "ACTIVE"
            } else {
                "DRAFT"
            }
            .into(),
        );
        match &self.schedule {
            Some(Value::Object(fields)) => {
                for (k, v) in fields {
                    body.insert(k.clone(), v.clone());
                }
            }
            _ => {
                body.insert("timezone".into(), Value::Null);
                body.insert("businessHoursDirective".into(), Value::Null);
                body.insert("maxConcurrentCalls".into(), Value::Null);
                body.insert("timeWindows".into(), Value::Array(Vec::new()));
            }
        }
        Value::Object(body)
    }
}

/// What the saved state file holds.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Store {
    /// Mixed into ETags so that tags of one emulator never match another's by accident.
    salt: String,
    campaigns: BTreeMap<Uuid, Campaign>,
}

impl Store {
    fn etag(&self, id: Uuid, version: u64) -> String {
        let digest = Sha256::digest(format!("{}:{id}:{version}", self.salt));
        format!("\"{}\"", &hex::encode(digest)[..24])
    }

    fn fresh(&self, id: Uuid, schedule_id: Option<Uuid>, schedule: Option<Value>) -> Campaign {
        Campaign {
            version: 1,
            etag: self.etag(id, 1),
            schedule_id: schedule_id.unwrap_or_else(|| derived_schedule_id(id)),
            schedule,
        }
    }
}

/// An issued access token.
#[derive(Clone, Debug)]
struct IssuedToken {
    scopes: Vec<String>,
    expires_at: Instant,
}

/// What a bearer token is worth right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenCheck {
    Valid { scopes: Vec<String> },
    Expired,
    Unknown,
}

/// The If-Match precondition of a write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Precondition {
    /// `If-Match: *`: any current version.
    Any,
    /// A list of entity tags as sent (weak ones included, which never match).
    Tags(Vec<String>),
    /// Out-of-band writes: no precondition.
    None,
}

/// Why a write was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteRefused {
    /// A strong tag that is not the current one.
    EtagMismatch {
        current: String,
    },
    /// Only weak tags, which never satisfy If-Match.
    WeakOnly {
        current: String,
    },
    UnknownCampaign,
}

/// One line of the request log.
#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    pub method: String,
    pub path: String,
    /// `None` when the connection was dropped without an answer.
    pub status: Option<u16>,
    /// RFC 3339, UTC.
    pub time: String,
    /// The injected fault, if any (`5xx`, `drop`, `slow`, `lost`, `429`, `rate_limited`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<&'static str>,
    /// `cxone` only: whether the request's `Accept` named `application/json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_json: Option<bool>,
    /// `cxone` only: the request's `Content-Type`, if it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

struct Inner {
    config: EmulatorConfig,
    store: Mutex<Store>,
    tokens: Mutex<HashMap<String, IssuedToken>>,
    harness: Harness,
    notes: Vec<String>,
}

/// The shared state behind the router; cheap to clone.
#[derive(Clone)]
pub struct EmulatorState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for EmulatorState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorState")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl EmulatorState {
    /// Builds the state: loads the state file if present, then adds the configured campaigns
    /// it does not already hold.
    ///
    /// # Errors
    /// A bad configuration, an unreadable campaigns source or an unreadable state file.
    pub fn new(config: EmulatorConfig) -> Result<EmulatorState, EmulatorError> {
        config.check()?;
        let mut rng = StdRng::seed_from_u64(config.seed);
        let loaded = campaigns::load(&config.campaigns, &mut rng)?;
        let mut store = match &config.state_file {
            Some(path) if path.exists() => read_state(path)?,
            _ => Store {
                salt: format!("{:016x}", rng.next_u64()),
                campaigns: BTreeMap::new(),
            },
        };
        for c in loaded.campaigns {
            if !store.campaigns.contains_key(&c.id) {
                let fresh = store.fresh(c.id, c.schedule_id, c.schedule);
                store.campaigns.insert(c.id, fresh);
            }
        }
        let harness = Harness::new(
            rng,
            HarnessSettings {
                rate_limit: config.rate_limit,
                faults: config.faults.clone(),
                latency: config.latency,
                retry_after: Some(config.retry_after),
                log_capacity: config.request_log_capacity,
            },
        );
        let state = EmulatorState {
            inner: Arc::new(Inner {
                store: Mutex::new(store),
                tokens: Mutex::new(HashMap::new()),
                harness,
                notes: loaded.notes,
                config,
            }),
        };
        state.save(&lock(&state.inner.store));
        Ok(state)
    }

    pub fn config(&self) -> &EmulatorConfig {
        &self.inner.config
    }

    /// Notes from loading campaigns (documents that gave no schedule, skipped lines).
    pub fn notes(&self) -> &[String] {
        &self.inner.notes
    }

    /// The known campaign ids, sorted.
    pub fn campaign_ids(&self) -> Vec<Uuid> {
        lock(&self.inner.store).campaigns.keys().copied().collect()
    }

    /// Checks client credentials against the configured ones (constant-time per pair).
    pub fn client_ok(&self, id: &str, secret: &str) -> bool {
        self.inner.config.clients.iter().fold(false, |ok, c| {
            ok | (ct_eq(&c.id, id) & ct_eq(&c.secret, secret))
        })
    }

    /// Issues a token with these scopes; returns it and its lifetime.
    pub fn issue_token(&self, scopes: Vec<String>) -> (String, Duration) {
        let mut bytes = [0u8; 24];
        self.inner.harness.rng().fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let ttl = self.inner.config.token_ttl;
        let now = Instant::now();
        let mut tokens = lock(&self.inner.tokens);
        if tokens.len() >= 10_000 {
            tokens.retain(|_, t| t.expires_at > now);
        }
        tokens.insert(
            token.clone(),
            IssuedToken {
                scopes,
                expires_at: now + ttl,
            },
        );
        (token, ttl)
    }

    /// What a bearer token is worth now.
    pub fn check_token(&self, token: &str) -> TokenCheck {
        match lock(&self.inner.tokens).get(token) {
            None => TokenCheck::Unknown,
            Some(t) if t.expires_at <= Instant::now() => TokenCheck::Expired,
            Some(t) => TokenCheck::Valid {
                scopes: t.scopes.clone(),
            },
        }
    }

    /// Makes every issued token invalid; returns how many there were.
    pub fn revoke_tokens(&self) -> usize {
        let mut tokens = lock(&self.inner.tokens);
        let n = tokens.len();
        tokens.clear();
        n
    }

    /// The campaign `id`, if known (with `accept_any_campaign`, every id is known).
    pub fn campaign(&self, id: Uuid) -> Option<Campaign> {
        let mut store = lock(&self.inner.store);
        if let Some(c) = store.campaigns.get(&id) {
            return Some(c.clone());
        }
        if self.inner.config.accept_any_campaign && !id.is_nil() {
            let fresh = store.fresh(id, None, None);
            store.campaigns.insert(id, fresh.clone());
            return Some(fresh);
        }
        None
    }

    /// Writes a schedule if the precondition holds; returns the campaign as written.
    /// `Precondition::None` (out-of-band) also creates unknown campaigns.
    ///
    /// # Errors
    /// The precondition fails, or the campaign is unknown.
    pub fn write(
        &self,
        id: Uuid,
        precondition: &Precondition,
        schedule: Value,
        schedule_id: Option<Uuid>,
    ) -> Result<Campaign, WriteRefused> {
        let mut store = lock(&self.inner.store);
        let creatable = *precondition == Precondition::None
            || (self.inner.config.accept_any_campaign && !id.is_nil());
        if !store.campaigns.contains_key(&id) {
            if !creatable {
                return Err(WriteRefused::UnknownCampaign);
            }
            let fresh = store.fresh(id, None, None);
            store.campaigns.insert(id, fresh);
        }
        let current = store.campaigns[&id].etag.clone();
        if let Precondition::Tags(tags) = precondition
            && !tags.contains(&current)
        {
            return Err(if tags.iter().all(|t| t.starts_with("W/")) {
                WriteRefused::WeakOnly { current }
            } else {
                WriteRefused::EtagMismatch { current }
            });
        }
        let version = store.campaigns[&id].version + 1;
        let etag = store.etag(id, version);
        let c = store.campaigns.get_mut(&id).expect("inserted above");
        c.version = version;
        c.etag = etag;
        if let Some(sid) = schedule_id {
            c.schedule_id = sid;
        }
        c.schedule = Some(schedule);
        let written = c.clone();
        self.save(&store);
        Ok(written)
    }

    /// Appends to the request log (dropping the oldest entries past the capacity).
    pub fn record(&self, entry: LogEntry) {
        self.inner.harness.record(entry);
    }

    /// The request log, oldest first.
    pub fn requests(&self) -> Vec<LogEntry> {
        self.inner.harness.requests()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.inner.harness.clear_requests();
    }

    /// The shared misbehaviour (rate limit, faults, latency, log) the gate applies.
    pub(crate) fn harness(&self) -> &Harness {
        &self.inner.harness
    }

    fn save(&self, store: &Store) {
        let Some(path) = &self.inner.config.state_file else {
            return;
        };
        if let Err(e) = write_state(path, store) {
            tracing::warn!("cannot save the emulator state to {}: {e}", path.display());
        }
    }
}

fn read_state(path: &Path) -> Result<Store, EmulatorError> {
    read_state_file(path, "an emulator")
}

fn write_state(path: &Path, store: &Store) -> std::io::Result<()> {
    write_state_file(path, store)
}

/// Reads an emulator's state file (`kind` names it in the error: "an emulator").
pub(crate) fn read_state_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    kind: &str,
) -> Result<T, EmulatorError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| EmulatorError::file(path, format!("cannot read the state file: {e}")))?;
    serde_json::from_str(&text).map_err(|e| {
        EmulatorError::file(
            path,
            format!("not {kind} state file ({e}); remove it or name another with --state"),
        )
    })
}

/// Writes an emulator's state file whole: a temporary file renamed over it.
pub(crate) fn write_state_file<T: serde::Serialize>(path: &Path, store: &T) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let text = serde_json::to_vec_pretty(store).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// A stable schedule id for a campaign that was never given one.
fn derived_schedule_id(campaign: Uuid) -> Uuid {
    let digest = Sha256::digest(format!("schedule:{campaign}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}
