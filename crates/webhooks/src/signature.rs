//! Standard Webhooks signatures, pure: the secret, signing and verifying.
//!
//! Per the Standard Webhooks specification, the signed content is
//! `{webhook-id}.{webhook-timestamp}.{body}` and the signature is `v1,` followed by the
//! base64 of its HMAC-SHA256 under the secret. Secrets are written `whsec_` + base64 of the
//! key bytes; any other text is taken as the raw key bytes.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::WebhookError;

type HmacSha256 = Hmac<Sha256>;

/// The prefix of a secret given as base64.
pub const SECRET_PREFIX: &str = "whsec_";

/// A webhook signing key. Its `Debug` never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

impl WebhookSecret {
    /// Reads a secret: `whsec_` + base64, or otherwise the text's own bytes.
    ///
    /// # Errors
    /// [`WebhookError::Secret`] when it is empty or its `whsec_` part is not base64 (the
    /// message never contains the secret).
    pub fn parse(text: &str) -> Result<WebhookSecret, WebhookError> {
        let key = match text.strip_prefix(SECRET_PREFIX) {
            Some(b64) => STANDARD.decode(b64.trim()).map_err(|_| {
                WebhookError::Secret(
                    "the webhook secret starts with whsec_ but the rest is not base64; copy it \
                     again from the receiver's settings"
                        .into(),
                )
            })?,
            None => text.as_bytes().to_vec(),
        };
        if key.is_empty() {
            return Err(WebhookError::Secret("the webhook secret is empty".into()));
        }
        Ok(WebhookSecret(key))
    }

    /// A secret from raw key bytes.
    pub fn from_bytes(key: Vec<u8>) -> WebhookSecret {
        WebhookSecret(key)
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length")
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

fn signed_content(mac: &mut HmacSha256, msg_id: &str, timestamp: i64, body: &[u8]) {
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
}

/// The `webhook-signature` header value for a message: `v1,<base64 HMAC-SHA256>`.
///
/// # Example
/// ```
/// use cxsched_webhooks::{WebhookSecret, sign, verify};
///
/// // The Standard Webhooks secret format: `whsec_` and the base64 key.
/// let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
/// let body = br#"{"type":"schedule.activated"}"#;
/// let header = sign(&secret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", 1_767_225_600, body);
/// assert!(header.starts_with("v1,"));
/// assert!(verify(&secret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", 1_767_225_600, body, &header));
/// assert!(!verify(&secret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", 1_767_225_601, body, &header));
/// ```
pub fn sign(secret: &WebhookSecret, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = secret.mac();
    signed_content(&mut mac, msg_id, timestamp, body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// True when any `v1` signature in a `webhook-signature` header (space-separated list)
/// matches, compared in constant time. Timestamp freshness is the receiver's policy and is
/// not checked here.
pub fn verify(
    secret: &WebhookSecret,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
    header: &str,
) -> bool {
    header
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|b64| {
            let Ok(sig) = STANDARD.decode(b64) else {
                return false;
            };
            let mut mac = secret.mac();
            signed_content(&mut mac, msg_id, timestamp, body);
            mac.verify_slice(&sig).is_ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example published with the Standard Webhooks specification.
    #[test]
    fn the_specifications_published_example() {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        let sig = sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(verify(
            &secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            body,
            &sig
        ));
        assert!(!verify(
            &secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265331,
            body,
            &sig
        ));
    }

    #[test]
    fn debug_and_errors_never_show_the_secret() {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert!(!format!("{secret:?}").contains("MfKQ"));
        let err = WebhookSecret::parse("whsec_not*base64!")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("not*base64"), "{err}");
    }

    #[test]
    fn raw_secrets_are_their_bytes() {
        let a = WebhookSecret::parse("plain-key").unwrap();
        assert_eq!(a, WebhookSecret::from_bytes(b"plain-key".to_vec()));
        assert!(WebhookSecret::parse("").is_err());
    }
}
