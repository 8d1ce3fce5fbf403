//! What the `cxone` emulator is started with ([`CxoneConfig`]): listeners, registered
//! clients and access keys, the skills it knows, the business unit (id, zone, enabled
//! zones), the tenant behaviour `reject_inactive_days`, the shared misbehaviour settings
//! (rate limit, latency, faults incl. 429 without `Retry-After`), and the [`Quirks`] for the
//! facts the research note rates *low* (each default is argued in [`crate::cxone`]).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use uuid::Uuid;

use super::zones;
use crate::config::{
    ClientCredential, FaultKind, Faults, RetryAfterStyle, check_faults, check_rate_limit,
};
use crate::error::EmulatorError;

/// The default access key id: ends in `=` and holds `+` and `/`, so a client that does not
/// form-encode it (`+` decodes as a space) is refused.
pub const DEMO_ACCESS_KEY_ID: &str = "DEMOKEY4Kx/9+Zq2=";
/// The default access key secret (same traps as the id).
pub const DEMO_ACCESS_KEY_SECRET: &str = "s3cr3t+/Kd8PzQ==";
/// The default tenant id.
pub const DEMO_TENANT_ID: Uuid = uuid::uuid!("7c1e9a20-3b5d-4f6e-8a9b-0c1d2e3f4a5b");

/// A user's access key (`username`/`password` of the password grant). Neither half
/// appears in `Debug` (the contract never shows a key id either).
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub id: String,
    pub secret: String,
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessKey([redacted])")
    }
}

impl AccessKey {
    /// The default pair, [`DEMO_ACCESS_KEY_ID`]:[`DEMO_ACCESS_KEY_SECRET`].
    pub fn demo() -> AccessKey {
        AccessKey {
            id: DEMO_ACCESS_KEY_ID.into(),
            secret: DEMO_ACCESS_KEY_SECRET.into(),
        }
    }
}

impl FromStr for AccessKey {
    type Err = EmulatorError;

    /// Parses `ID:SECRET` (split at the first `:`; ids have none).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((id, secret)) if !id.is_empty() && !secret.is_empty() => Ok(AccessKey {
                id: id.to_owned(),
                secret: secret.to_owned(),
            }),
            _ => Err(EmulatorError::Config(
                "expected an access key as ID:SECRET (both non-empty)".into(),
            )),
        }
    }
}

/// The skills the emulator knows at start.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum SkillSource {
    /// None (skills can still be made with the control endpoints).
    #[default]
    None,
    /// This many generated skill ids (drawn from the seeded RNG, 7 digits).
    Count(usize),
    /// Ids from the `skillIds` arrays of schedule documents in a file or folder (.json,
    /// .toml, .yaml, .yml, .jsonl), or from a file of ids one a line (other extensions).
    Path(PathBuf),
    /// These ids.
    Ids(Vec<u64>),
}

impl FromStr for SkillSource {
    type Err = EmulatorError;

    /// `N` (a count) or a path.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(EmulatorError::Config(
                "--skills needs a count or a path to a file or folder".into(),
            ));
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            let n = s.parse::<usize>().map_err(|_| {
                EmulatorError::Config(format!("--skills {s}: the count is too large"))
            })?;
            return Ok(SkillSource::Count(n));
        }
        Ok(SkillSource::Path(PathBuf::from(s)))
    }
}

/// How `totalRecords` is sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TotalRecords {
    /// A JSON number (the published schema, S5).
    #[default]
    Number,
    /// A JSON string, as one live client saw on some endpoints (S4).
    String,
}

/// How times are written in GET schedule-settings (and time-zones) answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// `HH:mm`, like every published example (S2, S4).
    #[default]
    HourMinute,
    /// `HH:mm:ss`.
    WithSeconds,
}

/// The key naming a zone in GET time-zones items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ZoneItemKey {
    /// `name`, as in the aggregate parameters' `timeZoneSettings` items (S1/S2/S3).
    #[default]
    Name,
    /// `standardName`, as in the PUT body.
    StandardName,
}

macro_rules! spelled {
    ($t:ty, $what:literal, $($text:literal => $v:expr),+) => {
        impl FromStr for $t {
            type Err = EmulatorError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($v),)+
                    _ => Err(EmulatorError::Config(format!(
                        concat!("expected ", $what, " of ", $(" ", $text),+, ", found {:?}"), s
                    ))),
                }
            }
        }
    };
}
spelled!(TotalRecords, "totalRecords as one", "number" => TotalRecords::Number, "string" => TotalRecords::String);
spelled!(TimeFormat, "a time format", "HH:mm" => TimeFormat::HourMinute, "HH:mm:ss" => TimeFormat::WithSeconds);
spelled!(ZoneItemKey, "a zone item key", "name" => ZoneItemKey::Name, "standardName" => ZoneItemKey::StandardName);

/// Readings of facts the research note rates *low*; the defaults are argued in the docs of
/// [`crate::cxone`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quirks {
    /// `GET /skills`'s `totalRecords`: number (default) or string.
    pub total_records: TotalRecords,
    /// GET schedule-settings and time-zones times: `HH:mm` (default) or `HH:mm:ss`.
    pub time_format: TimeFormat,
    /// GET time-zones items name their zone `name` (default) or `standardName`.
    pub zone_item_key: ZoneItemKey,
}

/// Everything a `cxone` emulator is started with.
///
/// # Example
///
/// ```
/// use cxsched_emulator::cxone::{CxoneConfig, CxoneState, SkillSource};
///
/// let config = CxoneConfig {
///     skills: SkillSource::Ids(vec![7, 8]),
///     ..CxoneConfig::loopback_two_listeners()
/// };
/// assert!(config.api_listen.is_some()); // the API on its own free port
/// assert!(config.check().is_ok());
/// // The business unit's default zone is always enabled, and listed first.
/// assert_eq!(config.enabled_zones()[0], "Eastern Standard Time");
///
/// let state = CxoneState::new(config).unwrap();
/// assert_eq!(state.skill_ids(), [7, 8]);
/// ```
#[derive(Clone, Debug)]
pub struct CxoneConfig {
    /// The issuer's listener (and the API's unless `api_listen`); port 0 picks a free port.
    pub listen: SocketAddr,
    /// A second listener for the API, named by `api_endpoint`.
    pub api_listen: Option<SocketAddr>,
    /// Registered applications (HTTP Basic on the token endpoint).
    pub clients: Vec<ClientCredential>,
    /// Users' access keys (the password grant).
    pub access_keys: Vec<AccessKey>,
    pub skills: SkillSource,
    /// The business unit's `defaultTimeZone`, a Windows zone name; always enabled.
    pub business_unit_timezone: String,
    /// The zones enabled for the business unit (Windows names), in the order answers list them.
    pub business_unit_zones: Vec<String>,
    /// The live-client quirk (S4): a schedule-settings PUT with any day inactive, or with a
    /// start equal to its end, is refused with 400 `InvalidParameter`.
    pub reject_inactive_days: bool,
    /// Lifetime of issued access tokens.
    pub token_ttl: Duration,
    /// Token-bucket limit over every non-control endpoint, requests per second.
    pub rate_limit: Option<f64>,
    /// `Retry-After` on rate-limited 429s; `None` (default) sends none, like CXone (S4).
    pub retry_after: Option<RetryAfterStyle>,
    /// Added to every non-control answer.
    pub latency: Duration,
    /// Injected faults; kinds default to [`FaultKind::CXONE_DEFAULT`].
    pub faults: Faults,
    /// Seed of the RNG behind faults, generated skill ids and the signing secret.
    pub seed: u64,
    /// Loaded at start if present, saved after every change.
    pub state_file: Option<PathBuf>,
    pub tenant_id: Uuid,
    /// `icBUId` and `businessUnitId`.
    pub business_unit_id: i64,
    pub business_unit_name: String,
    /// `icClusterId` and the `cluster` of cxone-configuration.
    pub cluster: String,
    /// The `area` of cxone-configuration.
    pub area: String,
    pub quirks: Quirks,
    /// How many request-log entries are kept (oldest dropped first).
    pub request_log_capacity: usize,
}

impl Default for CxoneConfig {
    fn default() -> CxoneConfig {
        CxoneConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            api_listen: None,
            clients: vec![ClientCredential::demo()],
            access_keys: vec![AccessKey::demo()],
            skills: SkillSource::None,
            business_unit_timezone: "Eastern Standard Time".into(),
            business_unit_zones: zones::US_ZONES.iter().map(|z| (*z).to_owned()).collect(),
            reject_inactive_days: false,
            token_ttl: Duration::from_secs(3600),
            rate_limit: None,
            retry_after: None,
            latency: Duration::ZERO,
            faults: Faults {
                kinds: FaultKind::CXONE_DEFAULT.to_vec(),
                ..Faults::default()
            },
            seed: 0x5eed,
            state_file: None,
            tenant_id: DEMO_TENANT_ID,
            business_unit_id: 4_600_001,
            business_unit_name: "cxsched emulator".into(),
            cluster: "B32".into(),
            area: "na1".into(),
            quirks: Quirks::default(),
            request_log_capacity: 100_000,
        }
    }
}

impl CxoneConfig {
    /// Listening on `127.0.0.1:0` (a free port), otherwise the defaults.
    pub fn loopback() -> CxoneConfig {
        CxoneConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..CxoneConfig::default()
        }
    }

    /// Like [`CxoneConfig::loopback`], with the API on a second free loopback port.
    pub fn loopback_two_listeners() -> CxoneConfig {
        CxoneConfig {
            api_listen: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            ..CxoneConfig::loopback()
        }
    }

    /// The enabled zones, the default zone first if the list lacks it, without repeats.
    pub fn enabled_zones(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if !self
            .business_unit_zones
            .contains(&self.business_unit_timezone)
        {
            out.push(self.business_unit_timezone.clone());
        }
        for z in &self.business_unit_zones {
            if !out.contains(z) {
                out.push(z.clone());
            }
        }
        out
    }

    /// Checks the values that the types do not.
    ///
    /// # Errors
    /// A fault rate outside `0..=1`, a bad rate limit, no clients or access keys, a zero
    /// token lifetime, or a zone the emulator's `GET /timezones` table does not know.
    pub fn check(&self) -> Result<(), EmulatorError> {
        check_faults(&self.faults)?;
        check_rate_limit(self.rate_limit)?;
        if self.clients.is_empty() {
            return Err(EmulatorError::Config(
                "at least one --client ID:SECRET is needed".into(),
            ));
        }
        if self.access_keys.is_empty() {
            return Err(EmulatorError::Config(
                "at least one --access-key ID:SECRET is needed".into(),
            ));
        }
        if self.token_ttl.is_zero() {
            return Err(EmulatorError::Config(
                "--token-ttl must be at least 1 second".into(),
            ));
        }
        for z in self.enabled_zones() {
            if zones::find(&z).is_none() {
                return Err(EmulatorError::Config(format!(
                    "{z:?} is not a Windows zone standard name the emulator knows (GET \
                     /timezones lists them), for example \"Eastern Standard Time\""
                )));
            }
        }
        Ok(())
    }
}
