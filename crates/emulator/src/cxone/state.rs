//! The `cxone` emulator's state ([`CxoneState`]): the skills (running flag, schedule
//! settings, time-zone settings), issued access and refresh tokens, the signing secret, the
//! base URLs it names, and the shared [`Harness`]; skills saved to and loaded from the state
//! file when one is configured. Locks are held for microseconds, never across an `.await`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::config::CxoneConfig;
use super::settings::{ScheduleSettings, ZoneSetting};
use super::{jwt, skills};
use crate::error::EmulatorError;
use crate::harness::{Harness, HarnessSettings, ct_eq, lock};
use crate::state::LogEntry;

/// One Personal Connection skill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Skill {
    pub skill_name: String,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub is_running: bool,
    pub schedule: ScheduleSettings,
    /// Zones written to this skill; a business-unit zone missing here has the default
    /// setting (dialed, in the business unit's window).
    pub time_zones: BTreeMap<String, ZoneSetting>,
}

impl Skill {
    fn fresh(id: u64, campaign_id: i64, campaign_name: String) -> Skill {
        Skill {
            skill_name: format!("PC Skill {id}"),
            campaign_id,
            campaign_name,
            is_running: false,
            schedule: ScheduleSettings::default(),
            time_zones: BTreeMap::new(),
        }
    }
}

/// What the saved state file holds.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Store {
    skills: BTreeMap<u64, Skill>,
}

/// The claims of a valid access token that handlers use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// `user:<uuid>`.
    pub sub: String,
}

/// What a bearer token is worth right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenCheck {
    Valid(Caller),
    Expired,
    /// Revoked, or never issued by this emulator run.
    Revoked,
    /// Not a JWT, or not signed by this emulator.
    BadSignature,
}

/// Tokens issued by one token-endpoint answer.
#[derive(Clone, Debug)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub id_token: String,
    pub expires_in: u64,
}

#[derive(Clone, Debug)]
struct RefreshGrant {
    access_key_id: String,
    client_id: String,
}

#[derive(Default)]
struct Tokens {
    /// `jti` of every live access token → when it expires.
    access: HashMap<String, Instant>,
    refresh: HashMap<String, RefreshGrant>,
}

/// The base URLs the emulator names (set by [`super::spawn`] once bound).
#[derive(Clone, Debug, Default)]
struct Urls {
    issuer: Option<String>,
    api: Option<String>,
}

struct Inner {
    config: CxoneConfig,
    zones: Vec<String>,
    store: Mutex<Store>,
    tokens: Mutex<Tokens>,
    urls: Mutex<Urls>,
    secret: [u8; 32],
    harness: Harness,
    notes: Vec<String>,
}

/// The shared state behind the `cxone` routers; cheap to clone.
#[derive(Clone)]
pub struct CxoneState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for CxoneState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CxoneState")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A stable UUID from a text (the user behind an access key).
fn derived_uuid(text: &str) -> Uuid {
    let digest = Sha256::digest(text.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

impl CxoneState {
    /// Builds the state: loads the state file if present, then adds the configured skills
    /// it does not already hold.
    ///
    /// # Errors
    /// A bad configuration, an unreadable skills source or an unreadable state file.
    pub fn new(config: CxoneConfig) -> Result<CxoneState, EmulatorError> {
        config.check()?;
        let mut rng = StdRng::seed_from_u64(config.seed);
        let loaded = skills::load(&config.skills, &mut rng)?;
        let mut store = match &config.state_file {
            Some(path) if path.exists() => read_state(path)?,
            _ => Store::default(),
        };
        let mut campaigns: Vec<Option<String>> = Vec::new();
        for s in loaded.skills {
            let index = match campaigns.iter().position(|c| *c == s.campaign) {
                Some(i) if s.campaign.is_some() => i,
                _ => {
                    campaigns.push(s.campaign.clone());
                    campaigns.len() - 1
                }
            };
            let campaign_id = 1001 + i64::try_from(index).unwrap_or(0);
            let name = s
                .campaign
                .unwrap_or_else(|| format!("Campaign {campaign_id}"));
            store
                .skills
                .entry(s.id)
                .or_insert_with(|| Skill::fresh(s.id, campaign_id, name));
        }
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        let harness = Harness::new(
            rng,
            HarnessSettings {
                rate_limit: config.rate_limit,
                faults: config.faults.clone(),
                latency: config.latency,
                retry_after: config.retry_after,
                log_capacity: config.request_log_capacity,
            },
        );
        let state = CxoneState {
            inner: Arc::new(Inner {
                zones: config.enabled_zones(),
                store: Mutex::new(store),
                tokens: Mutex::new(Tokens::default()),
                urls: Mutex::new(Urls::default()),
                secret,
                harness,
                notes: loaded.notes,
                config,
            }),
        };
        state.save(&lock(&state.inner.store));
        Ok(state)
    }

    pub fn config(&self) -> &CxoneConfig {
        &self.inner.config
    }

    /// Notes from loading skills (documents without `skillIds`).
    pub fn notes(&self) -> &[String] {
        &self.inner.notes
    }

    /// The zones enabled for the business unit, the default zone first if it was not listed.
    pub fn zones(&self) -> &[String] {
        &self.inner.zones
    }

    /// Sets the base URLs answers name: the issuer's, and the API's (`api_endpoint`;
    /// `None` = the issuer's). [`super::spawn`] does this; a router served otherwise names
    /// `http://{Host}` until told.
    pub fn set_urls(&self, issuer: String, api: Option<String>) {
        *lock(&self.inner.urls) = Urls {
            issuer: Some(issuer),
            api,
        };
    }

    /// The issuer base URL, or `fallback` (built from the request's Host) when not set.
    pub fn issuer_url(&self, fallback: impl FnOnce() -> String) -> String {
        lock(&self.inner.urls)
            .issuer
            .clone()
            .unwrap_or_else(fallback)
    }

    /// The API base URL (`api_endpoint`), or `fallback` when neither URL is set.
    pub fn api_url(&self, fallback: impl FnOnce() -> String) -> String {
        let urls = lock(&self.inner.urls);
        urls.api
            .clone()
            .or_else(|| urls.issuer.clone())
            .unwrap_or_else(fallback)
    }

    /// The known skill ids, ascending.
    pub fn skill_ids(&self) -> Vec<u64> {
        lock(&self.inner.store).skills.keys().copied().collect()
    }

    /// Every skill, by id.
    pub fn skills(&self) -> Vec<(u64, Skill)> {
        lock(&self.inner.store)
            .skills
            .iter()
            .map(|(id, s)| (*id, s.clone()))
            .collect()
    }

    pub fn skill(&self, id: u64) -> Option<Skill> {
        lock(&self.inner.store).skills.get(&id).cloned()
    }

    /// Changes skill `id` (made first when `create`), saves, and returns what `change` gave.
    /// `None` for an unknown skill when not creating.
    pub(crate) fn update<T>(
        &self,
        id: u64,
        create: bool,
        change: impl FnOnce(&mut Skill) -> T,
    ) -> Option<T> {
        let mut store = lock(&self.inner.store);
        if create && !store.skills.contains_key(&id) {
            let campaign_id = 1001 + i64::try_from(store.skills.len()).unwrap_or(0);
            store.skills.insert(
                id,
                Skill::fresh(id, campaign_id, format!("Campaign {campaign_id}")),
            );
        }
        let out = change(store.skills.get_mut(&id)?);
        self.save(&store);
        Some(out)
    }

    /// Checks client credentials against the registered ones.
    pub fn client_ok(&self, id: &str, secret: &str) -> bool {
        self.inner.config.clients.iter().fold(false, |ok, c| {
            ok | (ct_eq(&c.id, id) & ct_eq(&c.secret, secret))
        })
    }

    /// Checks an access key against the configured ones.
    pub fn access_key_ok(&self, id: &str, secret: &str) -> bool {
        self.inner.config.access_keys.iter().fold(false, |ok, k| {
            ok | (ct_eq(&k.id, id) & ct_eq(&k.secret, secret))
        })
    }

    /// The `sub` of the user an access key belongs to: `user:<uuid>`, stable per key id.
    pub fn user_of(&self, access_key_id: &str) -> String {
        format!(
            "user:{}",
            derived_uuid(&format!("access-key:{access_key_id}"))
        )
    }

    /// Issues access, refresh and id tokens for an access key and client.
    pub fn issue(&self, access_key_id: &str, client_id: &str) -> Issued {
        let c = &self.inner.config;
        let ttl = c.token_ttl;
        let expires_in = ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0);
        let (jti, refresh) = {
            let mut rng = self.inner.harness.rng();
            let mut a = [0u8; 16];
            let mut r = [0u8; 24];
            rng.fill_bytes(&mut a);
            rng.fill_bytes(&mut r);
            (hex::encode(a), hex::encode(r))
        };
        let iat = unix_now();
        let iss = self.issuer_url(|| "http://localhost".into());
        let sub = self.user_of(access_key_id);
        let claims = json!({
            "iss": iss,
            "sub": sub,
            "aud": client_id,
            "iat": iat,
            "exp": iat + expires_in,
            "jti": jti,
            "tenantId": c.tenant_id,
            "tenant": "cxsched-emulator",
            "icBUId": c.business_unit_id,
            "icClusterId": c.cluster,
            "role": {"legacyId": "Administrator"},
        });
        let id_claims = json!({
            "iss": iss,
            "sub": sub,
            "aud": client_id,
            "iat": iat,
            "exp": iat + expires_in,
            "tenantId": c.tenant_id,
            "icBUId": c.business_unit_id,
            "icClusterId": c.cluster,
            "icDomain": "niceincontact.com",
        });
        let now = Instant::now();
        let mut tokens = lock(&self.inner.tokens);
        if tokens.access.len() >= 10_000 {
            tokens.access.retain(|_, t| *t > now);
        }
        tokens.access.insert(jti, now + ttl);
        tokens.refresh.insert(
            refresh.clone(),
            RefreshGrant {
                access_key_id: access_key_id.to_owned(),
                client_id: client_id.to_owned(),
            },
        );
        drop(tokens);
        Issued {
            access_token: jwt::sign(&self.inner.secret, &claims),
            refresh_token: refresh,
            id_token: jwt::sign(&self.inner.secret, &id_claims),
            expires_in,
        }
    }

    /// Issues new tokens for a refresh token given by `client_id` (the client it was issued
    /// to); `None` when unknown, revoked, or another client's. Refresh tokens stay valid
    /// until revoked (no rotation).
    pub fn refresh(&self, refresh_token: &str, client_id: &str) -> Option<Issued> {
        let grant = lock(&self.inner.tokens)
            .refresh
            .get(refresh_token)
            .cloned()?;
        (ct_eq(&grant.client_id, client_id)).then(|| self.issue(&grant.access_key_id, client_id))
    }

    /// What a bearer token is worth now.
    pub fn check_token(&self, token: &str) -> TokenCheck {
        let Some(claims) = jwt::verify(&self.inner.secret, token) else {
            return TokenCheck::BadSignature;
        };
        let jti = claims.get("jti").and_then(Value::as_str).unwrap_or("");
        let expires_at = lock(&self.inner.tokens).access.get(jti).copied();
        match expires_at {
            None => TokenCheck::Revoked,
            Some(t) if t <= Instant::now() => TokenCheck::Expired,
            Some(_) => TokenCheck::Valid(Caller {
                sub: claims
                    .get("sub")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            }),
        }
    }

    /// Makes every issued access and refresh token invalid; returns how many access tokens
    /// there were.
    pub fn revoke_tokens(&self) -> usize {
        let mut tokens = lock(&self.inner.tokens);
        let n = tokens.access.len();
        tokens.access.clear();
        tokens.refresh.clear();
        n
    }

    /// The request log, oldest first.
    pub fn requests(&self) -> Vec<LogEntry> {
        self.inner.harness.requests()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.inner.harness.clear_requests();
    }

    pub(crate) fn harness(&self) -> &Harness {
        &self.inner.harness
    }

    /// Token lifetime as configured.
    pub fn token_ttl(&self) -> Duration {
        self.inner.config.token_ttl
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
    crate::state::read_state_file(path, "a cxone emulator")
}

fn write_state(path: &Path, store: &Store) -> std::io::Result<()> {
    crate::state::write_state_file(path, store)
}
