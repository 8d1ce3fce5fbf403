//! API settings for the commands that talk to CXone (`get`, `plan`, `apply`): read from
//! flags, then the environment, then a `.env` file (which never overrides the environment).
//!
//! Variables: `CXONE_BASE_URL` (or `CXONE_ENV`, giving `https://{env}.my.cxone.com`),
//! `CXONE_CLIENT_ID`, `CXONE_CLIENT_SECRET`, `WEBHOOK_URL`, `WEBHOOK_SECRET`,
//! `CXSCHED_AUDIT_LOG`. A secret is never a flag's value (a flag can only name the variable
//! that holds it), so it never shows in `ps`, shell history or output.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use cxsched_api::cxone::CxoneConfig;
use cxsched_api::{ClientConfig, Secret};

use crate::commands::UsageError;

/// Which API a command works with (CONTRACT §6).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlatformName {
    // The seed tutorial's campaign schedule API (CONTRACT §4). (Plain comments: doc comments
    // on the values would turn every command's help into the long layout.)
    #[default]
    Seed,
    // NICE CXone's Personal Connection skills (CONTRACT §6).
    Cxone,
}

/// `--platform`, shared by the commands that depend on it (`#[command(flatten)]`).
#[derive(clap::Args, Debug, Clone, Copy, Default)]
pub struct PlatformFlag {
    /// The platform: seed (the tutorial's API) or cxone (NICE CXone skills) [else
    /// CXSCHED_PLATFORM, default seed].
    #[arg(long, value_enum)]
    pub platform: Option<PlatformName>,
}

impl PlatformFlag {
    /// The flag, else `CXSCHED_PLATFORM` (environment, then `.env`), else `seed`.
    ///
    /// # Errors
    /// A `CXSCHED_PLATFORM` that names no platform, or an unreadable `.env`.
    pub fn resolve(&self) -> Result<PlatformName, UsageError> {
        if let Some(p) = self.platform {
            return Ok(p);
        }
        match lookup("CXSCHED_PLATFORM")?.as_deref().map(str::trim) {
            None => Ok(PlatformName::Seed),
            Some("seed") => Ok(PlatformName::Seed),
            Some("cxone") => Ok(PlatformName::Cxone),
            Some(other) => Err(UsageError(format!(
                "CXSCHED_PLATFORM must be seed or cxone, found {other:?}"
            ))),
        }
    }
}

/// One setting from the environment, then `.env` (empty counts as unset): the one way every
/// command reads a variable once its flag is absent.
///
/// # Errors
/// A `.env` file that cannot be read or parsed.
pub fn lookup(name: &str) -> Result<Option<String>, UsageError> {
    Ok(Sources::process()?.get(name))
}

/// `--rate-limit`, else `CXSCHED_RATE_LIMIT`; zero or less means none.
///
/// # Errors
/// A `CXSCHED_RATE_LIMIT` that is not a number, or an unreadable `.env`.
pub fn rate_limit(flag: Option<f64>) -> Result<Option<f64>, UsageError> {
    let value = match flag {
        Some(v) => Some(v),
        None => match lookup("CXSCHED_RATE_LIMIT")? {
            Some(text) => Some(text.trim().parse::<f64>().map_err(|_| {
                UsageError(format!(
                    "CXSCHED_RATE_LIMIT must be a number of requests per second, found {text:?}"
                ))
            })?),
            None => None,
        },
    };
    Ok(value.filter(|r| r.is_finite() && *r > 0.0))
}

/// Flags shared by the commands that call the API (`#[command(flatten)]`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ApiFlags {
    /// API base URL [else CXONE_BASE_URL, or https://{CXONE_ENV}.my.cxone.com].
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// CXone environment name, giving https://{ENV}.my.cxone.com [else CXONE_ENV].
    #[arg(long = "cxone-env", value_name = "ENV")]
    pub cxone_env: Option<String>,
    /// Client id [else CXONE_CLIENT_ID].
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Name of the environment variable that holds the client secret [default:
    /// CXONE_CLIENT_SECRET]; the secret itself is never given as a flag.
    #[arg(long, value_name = "VAR")]
    pub client_secret_env: Option<String>,
    /// Time limit of one HTTP request, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub request_timeout: f64,
    /// Time limit of one operation, retries included, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub deadline: f64,
    /// cxone: the CXone issuer [else CXONE_ISSUER, default https://cxone.niceincontact.com].
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// cxone: the API endpoint, skipping its discovery from the token's tenant [else
    /// CXONE_API_ENDPOINT].
    #[arg(long, value_name = "URL")]
    pub api_endpoint: Option<String>,
    /// cxone: the API version [else CXONE_API_VERSION, default v34.0].
    #[arg(long, value_name = "VERSION")]
    pub api_version: Option<String>,
}

/// Resolved settings. `Debug` shows no secret.
#[derive(Clone, Debug)]
pub struct ApiSettings {
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<Secret>,
    /// `CXSCHED_AUDIT_LOG`, else the default file in the current folder.
    pub audit_log: PathBuf,
    pub request_timeout: Duration,
    pub deadline: Duration,
}

/// Looks a variable up in the process environment.
type Lookup = Box<dyn Fn(&str) -> Option<String>>;

/// Settings a caller inside the process gives the commands it runs (`demo`), seen before the
/// environment — so that nothing writes the process environment.
static INJECTED: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Gives the commands run from now on in this process these settings, as if the environment
/// held them (they win over it).
pub fn inject(settings: &[(&str, &str)]) {
    let mut slot = INJECTED.lock().unwrap_or_else(|p| p.into_inner());
    *slot = settings
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
}

fn injected(name: &str) -> Option<String> {
    INJECTED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// Where settings are looked up after the flags: the process environment, then `.env`.
pub struct Sources {
    env: Lookup,
    dotenv: HashMap<String, String>,
}

impl Sources {
    /// The real environment and the `.env` file of the current folder (or a parent).
    ///
    /// # Errors
    /// A `.env` file that cannot be read or parsed.
    pub fn process() -> Result<Sources, UsageError> {
        let mut dotenv = HashMap::new();
        match dotenvy::dotenv_iter() {
            Ok(iter) => {
                for item in iter {
                    let (k, v) = item.map_err(|e| {
                        UsageError(format!(
                            "the .env file cannot be read: {e}; fix or remove it"
                        ))
                    })?;
                    dotenv.insert(k, v);
                }
            }
            Err(e) if e.not_found() => {}
            Err(e) => return Err(UsageError(format!("the .env file cannot be read: {e}"))),
        }
        Ok(Sources {
            env: Box::new(|k| injected(k).or_else(|| std::env::var(k).ok())),
            dotenv,
        })
    }

    /// Fixed values (for tests): `env` first, then `dotenv`.
    #[cfg(test)]
    pub fn fixed(env: &[(&str, &str)], dotenv: &[(&str, &str)]) -> Sources {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Sources {
            env: Box::new(move |k| env.get(k).cloned()),
            dotenv: dotenv
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
        }
    }

    /// A variable's non-empty value: environment first, then `.env`.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.env)(name)
            .filter(|v| !v.trim().is_empty())
            .or_else(|| {
                self.dotenv
                    .get(name)
                    .filter(|v| !v.trim().is_empty())
                    .cloned()
            })
    }
}

fn seconds(value: f64, flag: &str) -> Result<Duration, UsageError> {
    if value.is_finite() && value > 0.0 && value < 86_400.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(UsageError(format!(
            "{flag} must be a positive number of seconds, found {value}"
        )))
    }
}

impl ApiSettings {
    /// Settings from the flags, the process environment and `.env`.
    ///
    /// # Errors
    /// A missing required setting (the message names the variable to set), a bad
    /// `CXONE_ENV`, a bad timeout, or an unreadable `.env`.
    pub fn from_sources(flags: &ApiFlags) -> Result<ApiSettings, UsageError> {
        ApiSettings::resolve(flags, &Sources::process()?)
    }

    /// Settings from the flags and the given sources.
    ///
    /// # Errors
    /// As [`ApiSettings::from_sources`].
    pub fn resolve(flags: &ApiFlags, sources: &Sources) -> Result<ApiSettings, UsageError> {
        let env_name = flags.cxone_env.clone().or_else(|| sources.get("CXONE_ENV"));
        let base_url = match flags
            .base_url
            .clone()
            .or_else(|| sources.get("CXONE_BASE_URL"))
        {
            Some(url) => url,
            None => match env_name {
                Some(env) => {
                    if env.is_empty()
                        || !env.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    {
                        return Err(UsageError(format!(
                            "CXONE_ENV must be an environment name such as na1 (letters, digits, -), found {env:?}"
                        )));
                    }
                    format!("https://{}.my.cxone.com", env.to_ascii_lowercase())
                }
                None => {
                    return Err(UsageError(
                        "no API base URL: set CXONE_BASE_URL (or CXONE_ENV, giving https://{env}.my.cxone.com) \
                         in the environment or .env, or pass --base-url"
                            .into(),
                    ));
                }
            },
        };
        let client_id = flags.client_id.clone().or_else(|| sources.get("CXONE_CLIENT_ID")).ok_or_else(|| {
            UsageError("no client id: set CXONE_CLIENT_ID in the environment or .env, or pass --client-id".into())
        })?;
        let secret_var = flags
            .client_secret_env
            .as_deref()
            .unwrap_or("CXONE_CLIENT_SECRET");
        let client_secret = sources.get(secret_var).map(Secret::new).ok_or_else(|| {
            UsageError(format!(
                "no client secret: set {secret_var} in the environment or .env"
            ))
        })?;
        Ok(ApiSettings::with_common(
            sources,
            base_url,
            client_id,
            client_secret,
            seconds(flags.request_timeout, "--request-timeout")?,
            seconds(flags.deadline, "--deadline")?,
        ))
    }

    /// Settings with the ones every platform shares (webhooks, audit log) from `sources`.
    fn with_common(
        sources: &Sources,
        base_url: String,
        client_id: String,
        client_secret: Secret,
        request_timeout: Duration,
        deadline: Duration,
    ) -> ApiSettings {
        ApiSettings {
            base_url,
            client_id,
            client_secret,
            webhook_url: sources.get("WEBHOOK_URL"),
            webhook_secret: sources.get("WEBHOOK_SECRET").map(Secret::new),
            audit_log: sources.get("CXSCHED_AUDIT_LOG").map_or_else(
                || PathBuf::from(cxsched_audit::DEFAULT_LOG_FILE),
                PathBuf::from,
            ),
            request_timeout,
            deadline,
        }
    }

    /// Settings for the CXone platform (CONTRACT §6.1): the issuer, the registered
    /// application (HTTP Basic), the user's access key, and optionally the API endpoint and
    /// version. The common settings (webhooks, audit log) come as for the seed platform.
    ///
    /// # Errors
    /// A missing required setting (the message names the variable to set), a bad timeout,
    /// or an unreadable `.env`.
    pub fn cxone(flags: &ApiFlags) -> Result<(CxoneConfig, ApiSettings), UsageError> {
        ApiSettings::resolve_cxone(flags, &Sources::process()?)
    }

    /// [`ApiSettings::cxone`] from the given sources.
    ///
    /// # Errors
    /// As [`ApiSettings::cxone`].
    pub fn resolve_cxone(
        flags: &ApiFlags,
        sources: &Sources,
    ) -> Result<(CxoneConfig, ApiSettings), UsageError> {
        let need = |name: &str, what: &str| {
            sources.get(name).ok_or_else(|| {
                UsageError(format!(
                    "no {what}: set {name} in the environment or .env (see README: connecting \
                     to a CXone tenant)"
                ))
            })
        };
        let issuer = flags
            .issuer
            .clone()
            .or_else(|| sources.get("CXONE_ISSUER"))
            .unwrap_or_else(|| CxoneConfig::DEFAULT_ISSUER.to_owned());
        let client_id = match flags.client_id.clone() {
            Some(id) => id,
            None => need("CXONE_CLIENT_ID", "client id of the registered application")?,
        };
        let secret_var = flags
            .client_secret_env
            .as_deref()
            .unwrap_or("CXONE_CLIENT_SECRET");
        let client_secret = Secret::new(need(secret_var, "client secret")?);
        let key_id = Secret::new(need("CXONE_ACCESS_KEY_ID", "access key id")?);
        let key_secret = Secret::new(need("CXONE_ACCESS_KEY_SECRET", "access key secret")?);
        let mut config = CxoneConfig::new(
            issuer.clone(),
            client_id.clone(),
            client_secret.clone(),
            key_id,
            key_secret,
        );
        config.api_endpoint = flags
            .api_endpoint
            .clone()
            .or_else(|| sources.get("CXONE_API_ENDPOINT"));
        if let Some(v) = flags
            .api_version
            .clone()
            .or_else(|| sources.get("CXONE_API_VERSION"))
        {
            config.api_version = v;
        }
        config.request_timeout = seconds(flags.request_timeout, "--request-timeout")?;
        config.deadline = seconds(flags.deadline, "--deadline")?;
        let common = ApiSettings::with_common(
            sources,
            issuer,
            client_id,
            client_secret,
            config.request_timeout,
            config.deadline,
        );
        Ok((config, common))
    }

    /// The API client configuration these settings give.
    pub fn client_config(&self) -> ClientConfig {
        let mut c = ClientConfig::new(
            self.base_url.clone(),
            self.client_id.clone(),
            self.client_secret.clone(),
        );
        c.request_timeout = self.request_timeout;
        c.deadline = self.deadline;
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags() -> ApiFlags {
        ApiFlags {
            request_timeout: 10.0,
            deadline: 60.0,
            ..ApiFlags::default()
        }
    }

    #[test]
    fn flags_beat_the_environment_which_beats_dotenv() {
        let sources = Sources::fixed(
            &[
                ("CXONE_BASE_URL", "https://env.example"),
                ("CXONE_CLIENT_SECRET", "from-env"),
            ],
            &[
                ("CXONE_BASE_URL", "https://dotenv.example"),
                ("CXONE_CLIENT_ID", "dot-id"),
                ("CXONE_CLIENT_SECRET", "from-dotenv"),
            ],
        );
        let s = ApiSettings::resolve(&flags(), &sources).unwrap();
        assert_eq!(s.base_url, "https://env.example");
        assert_eq!(s.client_id, "dot-id");
        assert_eq!(s.client_secret.expose(), "from-env");
        let with_flag = ApiFlags {
            base_url: Some("https://flag.example".into()),
            ..flags()
        };
        assert_eq!(
            ApiSettings::resolve(&with_flag, &sources).unwrap().base_url,
            "https://flag.example"
        );
        assert!(!format!("{s:?}").contains("from-env"), "no secret in Debug");
    }

    #[test]
    fn cxone_env_gives_the_base_url() {
        let sources = Sources::fixed(
            &[
                ("CXONE_ENV", "NA1"),
                ("CXONE_CLIENT_ID", "i"),
                ("CXONE_CLIENT_SECRET", "s"),
            ],
            &[],
        );
        assert_eq!(
            ApiSettings::resolve(&flags(), &sources).unwrap().base_url,
            "https://na1.my.cxone.com"
        );
        let bad = Sources::fixed(
            &[
                ("CXONE_ENV", "na1.evil.com/"),
                ("CXONE_CLIENT_ID", "i"),
                ("CXONE_CLIENT_SECRET", "s"),
            ],
            &[],
        );
        assert!(
            ApiSettings::resolve(&flags(), &bad)
                .unwrap_err()
                .0
                .contains("CXONE_ENV")
        );
    }

    #[test]
    fn missing_settings_name_the_variable() {
        let none = Sources::fixed(&[], &[]);
        assert!(
            ApiSettings::resolve(&flags(), &none)
                .unwrap_err()
                .0
                .contains("CXONE_BASE_URL")
        );
        let no_id = Sources::fixed(&[("CXONE_BASE_URL", "https://x")], &[]);
        assert!(
            ApiSettings::resolve(&flags(), &no_id)
                .unwrap_err()
                .0
                .contains("CXONE_CLIENT_ID")
        );
        let no_secret = Sources::fixed(
            &[("CXONE_BASE_URL", "https://x"), ("CXONE_CLIENT_ID", "i")],
            &[],
        );
        assert!(
            ApiSettings::resolve(&flags(), &no_secret)
                .unwrap_err()
                .0
                .contains("CXONE_CLIENT_SECRET")
        );
        let other_var = ApiFlags {
            client_secret_env: Some("MY_SECRET".into()),
            ..flags()
        };
        assert!(
            ApiSettings::resolve(&other_var, &no_secret)
                .unwrap_err()
                .0
                .contains("MY_SECRET")
        );
    }
}
