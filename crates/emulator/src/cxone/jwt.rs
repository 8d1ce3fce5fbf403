//! Access and id tokens as JWTs: `header.payload.signature`, each part base64url without
//! padding, signed with HMAC-SHA256 under the emulator's secret (`alg: HS256`; CXone signs
//! with RS256, which a client only reading claims cannot tell apart).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length")
}

/// Signs `claims` into a compact JWT.
pub fn sign(secret: &[u8], claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "JWT"}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let mut m = mac(secret);
    m.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// The claims of `token` if it is a well-formed JWT signed with `secret`.
pub fn verify(secret: &[u8], token: &str) -> Option<Value> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut m = mac(secret);
    m.update(header.as_bytes());
    m.update(b".");
    m.update(payload.as_bytes());
    m.verify_slice(&signature).ok()?;
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if header.get("alg")? != "HS256" {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_and_a_changed_one_does_not() {
        let t = sign(b"k", &json!({"sub": "user:x"}));
        assert_eq!(t.split('.').count(), 3);
        assert!(!t.contains('='));
        assert_eq!(verify(b"k", &t).unwrap()["sub"], "user:x");
        assert!(verify(b"other", &t).is_none());
        let forged = format!(
            "{}.{}.{}",
            t.split('.').next().unwrap(),
            URL_SAFE_NO_PAD.encode(r#"{"sub":"user:y"}"#),
            t.rsplit('.').next().unwrap()
        );
        assert!(verify(b"k", &forged).is_none());
    }
}
