//! What an emulator is started with: where it listens, whom it accepts, which campaigns it
//! knows, and how it misbehaves (rate limit, latency, faults). Parsing of the command-line
//! spellings (`ID:SECRET`, `N|PATH`, fault kinds) lives here so that the CLI stays thin.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::error::EmulatorError;

/// One accepted pair of client credentials. The secret never appears in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredential {
    pub id: String,
    pub secret: String,
}

impl fmt::Debug for ClientCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredential")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl FromStr for ClientCredential {
    type Err = EmulatorError;

    /// Parses `ID:SECRET` (the secret may itself contain `:`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((id, secret)) if !id.is_empty() && !secret.is_empty() => Ok(ClientCredential {
                id: id.to_owned(),
                secret: secret.to_owned(),
            }),
            _ => Err(EmulatorError::Config(
                "expected client credentials as ID:SECRET (both non-empty), for example \
                 demo-client:demo-secret"
                    .into(),
            )),
        }
    }
}

impl ClientCredential {
    /// The default pair, `demo-client:demo-secret`.
    pub fn demo() -> ClientCredential {
        ClientCredential {
            id: "demo-client".into(),
            secret: "demo-secret".into(),
        }
    }
}

/// The campaigns the emulator knows at start.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum CampaignSource {
    /// None (useful with `accept_any_campaign`).
    #[default]
    None,
    /// This many generated campaigns with empty schedules (ids drawn from the seeded RNG).
    Count(usize),
    /// Ids (and schedules, where the documents are valid) from a file or folder: schedule
    /// documents (.json, .toml, .yaml, .yml), JSON Lines (.jsonl), or ids one a line.
    Path(PathBuf),
    /// Wire or document values given directly (by `demo` and tests).
    Documents(Vec<serde_json::Value>),
}

impl FromStr for CampaignSource {
    type Err = EmulatorError;

    /// `N` (a count) or a path.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(EmulatorError::Config(
                "--campaigns needs a count or a path to a file or folder".into(),
            ));
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            let n = s.parse::<usize>().map_err(|_| {
                EmulatorError::Config(format!("--campaigns {s}: the count is too large"))
            })?;
            return Ok(CampaignSource::Count(n));
        }
        Ok(CampaignSource::Path(PathBuf::from(s)))
    }
}

/// How a 429 says when to come back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RetryAfterStyle {
    /// `Retry-After: 2`
    #[default]
    Seconds,
    /// `Retry-After: Sun, 06 Nov 1994 08:49:39 GMT`
    HttpDate,
}

impl FromStr for RetryAfterStyle {
    type Err = EmulatorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "seconds" => Ok(RetryAfterStyle::Seconds),
            "date" | "http-date" => Ok(RetryAfterStyle::HttpDate),
            _ => Err(EmulatorError::Config(format!(
                "expected a Retry-After style of seconds or date, found {s:?}"
            ))),
        }
    }
}

/// One way a request can go wrong on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// Answer 500, 502 or 503.
    ServerError,
    /// Close the connection without answering.
    Drop,
    /// Wait [`Faults::slow`] before answering normally.
    Slow,
    /// Carry the request out, then close the connection without answering: a write that
    /// happened although its client never heard so. Not among the default kinds.
    Lost,
    /// Answer 429 without `Retry-After`, as CXone does (its limits are undocumented and
    /// it sends no reliable `Retry-After`). Only the `cxone` emulator draws it; the seed
    /// API's 429s always say when to come back, so [`EmulatorConfig::check`] refuses it.
    TooManyRequests,
}

impl FaultKind {
    pub const ALL: [FaultKind; 4] = [
        FaultKind::ServerError,
        FaultKind::Drop,
        FaultKind::Slow,
        FaultKind::Lost,
    ];

    /// The kinds drawn from unless told otherwise (those the contract names).
    pub const DEFAULT: [FaultKind; 3] = [FaultKind::ServerError, FaultKind::Drop, FaultKind::Slow];

    /// The `cxone` emulator's default kinds: the seed's and 429 without `Retry-After`.
    pub const CXONE_DEFAULT: [FaultKind; 4] = [
        FaultKind::ServerError,
        FaultKind::Drop,
        FaultKind::Slow,
        FaultKind::TooManyRequests,
    ];

    /// The name used on the command line and in the request log.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::ServerError => "5xx",
            FaultKind::Drop => "drop",
            FaultKind::Slow => "slow",
            FaultKind::Lost => "lost",
            FaultKind::TooManyRequests => "429",
        }
    }
}

impl FromStr for FaultKind {
    type Err = EmulatorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FaultKind::ALL
            .into_iter()
            .chain([FaultKind::TooManyRequests])
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                EmulatorError::Config(format!(
                    "expected a fault kind of 5xx, drop, slow, lost or (cxone only) 429, found {s:?}"
                ))
            })
    }
}

/// Injected faults on `/api/` requests.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    /// Share of requests that get a fault, `0.0..=1.0`.
    pub rate: f64,
    /// The kinds drawn from, uniformly.
    pub kinds: Vec<FaultKind>,
    /// How long a slow answer waits.
    pub slow: Duration,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            rate: 0.0,
            kinds: FaultKind::DEFAULT.to_vec(),
            slow: Duration::from_secs(3),
        }
    }
}

/// Everything an emulator is started with.
///
/// # Example
///
/// The loopback defaults with one campaign, and a value [`EmulatorConfig::check`] refuses:
///
/// ```
/// use cxsched_emulator::{CampaignSource, EmulatorConfig, EmulatorState};
///
/// let mut config = EmulatorConfig::loopback();
/// assert_eq!(config.listen.to_string(), "127.0.0.1:0");
/// config.campaigns = CampaignSource::Documents(vec![serde_json::json!({
///     "campaignId": "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab",
///     "timeWindows": []
/// })]);
/// assert!(config.check().is_ok());
/// assert!(EmulatorState::new(config.clone()).is_ok());
///
/// config.faults.rate = 1.5; // a share of requests: 0..=1
/// assert!(config.check().is_err());
/// ```
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Accepted client credentials.
    pub clients: Vec<ClientCredential>,
    pub campaigns: CampaignSource,
    /// Every well-formed UUID is a known campaign with an empty schedule.
    pub accept_any_campaign: bool,
    /// Lifetime of issued access tokens.
    pub token_ttl: Duration,
    /// Token-bucket limit over the `/api/` endpoints, requests per second; `None` is no limit.
    pub rate_limit: Option<f64>,
    pub retry_after: RetryAfterStyle,
    /// Added to every `/api/` answer.
    pub latency: Duration,
    pub faults: Faults,
    /// Loaded at start if present, saved after every change.
    pub state_file: Option<PathBuf>,
    /// Seed of the RNG behind faults and generated ids (same seed, same draws).
    pub seed: u64,
    /// How many request-log entries are kept (oldest dropped first).
    pub request_log_capacity: usize,
}

impl Default for EmulatorConfig {
    fn default() -> EmulatorConfig {
        EmulatorConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            clients: vec![ClientCredential::demo()],
            campaigns: CampaignSource::None,
            accept_any_campaign: false,
            token_ttl: Duration::from_secs(3600),
            rate_limit: None,
            retry_after: RetryAfterStyle::Seconds,
            latency: Duration::ZERO,
            faults: Faults::default(),
            state_file: None,
            seed: 0x5eed,
            request_log_capacity: 100_000,
        }
    }
}

impl EmulatorConfig {
    /// A configuration listening on `127.0.0.1:0` (a free port), otherwise the defaults.
    pub fn loopback() -> EmulatorConfig {
        EmulatorConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..EmulatorConfig::default()
        }
    }

    /// Checks the values that the types do not.
    ///
    /// # Errors
    /// A fault rate outside `0..=1`, a negative or non-finite rate limit, no client
    /// credentials, or a zero token lifetime.
    pub fn check(&self) -> Result<(), EmulatorError> {
        check_faults(&self.faults)?;
        if self.faults.kinds.contains(&FaultKind::TooManyRequests) {
            return Err(EmulatorError::Config(
                "the 429 fault kind (no Retry-After) is the cxone emulator's (--platform cxone); \
                 the seed API's 429s always carry Retry-After"
                    .into(),
            ));
        }
        check_rate_limit(self.rate_limit)?;
        if self.clients.is_empty() {
            return Err(EmulatorError::Config(
                "at least one --client ID:SECRET is needed".into(),
            ));
        }
        if self.token_ttl.is_zero() {
            return Err(EmulatorError::Config(
                "--token-ttl must be at least 1 second".into(),
            ));
        }
        Ok(())
    }
}

/// Checks a fault rate (a share) and that a rate above 0 has kinds to draw from.
pub(crate) fn check_faults(faults: &Faults) -> Result<(), EmulatorError> {
    if !(0.0..=1.0).contains(&faults.rate) {
        return Err(EmulatorError::Config(format!(
            "--fault-rate must be a share from 0 to 1, found {}",
            faults.rate
        )));
    }
    if faults.rate > 0.0 && faults.kinds.is_empty() {
        return Err(EmulatorError::Config(
            "a fault rate above 0 needs at least one fault kind".into(),
        ));
    }
    Ok(())
}

/// Checks a rate limit: `None`, or a positive finite number of requests per second.
pub(crate) fn check_rate_limit(rate_limit: Option<f64>) -> Result<(), EmulatorError> {
    if let Some(r) = rate_limit
        && !(r.is_finite() && r > 0.0)
    {
        return Err(EmulatorError::Config(format!(
            "--rate-limit must be a positive number of requests per second (0 for none), found {r}"
        )));
    }
    Ok(())
}
