//! What a [`crate::cxone::CxoneClient`] is built from (CONTRACT §6.1): the issuer, the
//! registered application (client id and secret), the user's access key (id and secret, all
//! three wrapped in [`Secret`] so they never print), an optional API endpoint that skips
//! discovery, the API version, and the same time budget as the seed client.

use std::time::Duration;

use crate::config::{Backoff, Secret};

/// Everything a [`crate::cxone::CxoneClient`] is built from.
#[derive(Clone, Debug)]
pub struct CxoneConfig {
    /// The OpenID issuer, `https://…` (or `http://` on a loopback host); default
    /// [`CxoneConfig::DEFAULT_ISSUER`].
    pub issuer: String,
    /// The registered application's id (`CXONE_CLIENT_ID`), sent as HTTP Basic.
    pub client_id: String,
    /// The registered application's secret (`CXONE_CLIENT_SECRET`).
    pub client_secret: Secret,
    /// The user's access key id (`CXONE_ACCESS_KEY_ID`); the password grant's `username`.
    pub access_key_id: Secret,
    /// The access key's secret (`CXONE_ACCESS_KEY_SECRET`); the grant's `password`.
    pub access_key_secret: Secret,
    /// `https://api-na1.niceincontact.com` and the like; when set, the
    /// `/.well-known/cxone-configuration` discovery is skipped.
    pub api_endpoint: Option<String>,
    /// The ACD API version in the path, default [`CxoneConfig::DEFAULT_API_VERSION`].
    pub api_version: String,
    /// Limit of one HTTP exchange.
    pub request_timeout: Duration,
    /// Limit of one operation, retries and waits included.
    pub deadline: Duration,
    /// Most HTTP attempts per operation (token and discovery requests not counted).
    pub max_attempts: u32,
    pub backoff: Backoff,
    /// Client-side limit, requests per second over all requests of the client.
    pub rate_limit: Option<f64>,
}

impl CxoneConfig {
    /// NICE's global issuer.
    pub const DEFAULT_ISSUER: &'static str = "https://cxone.niceincontact.com";
    /// The version the developer portal documents (research §1.2).
    pub const DEFAULT_API_VERSION: &'static str = "v34.0";

    /// A configuration with the defaults, like [`crate::ClientConfig::new`]: 10 s per
    /// request, 60 s per operation, 8 attempts, no client-side rate limit, discovery of the
    /// API endpoint, version v34.0.
    pub fn new(
        issuer: String,
        client_id: String,
        client_secret: Secret,
        access_key_id: Secret,
        access_key_secret: Secret,
    ) -> CxoneConfig {
        CxoneConfig {
            issuer,
            client_id,
            client_secret,
            access_key_id,
            access_key_secret,
            api_endpoint: None,
            api_version: CxoneConfig::DEFAULT_API_VERSION.into(),
            request_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(60),
            max_attempts: 8,
            backoff: Backoff::default(),
            rate_limit: None,
        }
    }
}
