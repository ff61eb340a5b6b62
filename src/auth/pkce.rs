//! PKCE (RFC 7636), S256 only: OAuth 2.1 and RFC 9700 require it of every
//! client, and `plain` protects nothing against a stolen authorization
//! request.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A verifier or an S256 challenge: 43 to 128 characters of
/// `[A-Za-z0-9-._~]` (an S256 challenge is always 43).
fn is_pkce_text(text: &str, min: usize) -> bool {
    (min..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Whether `challenge` can be an S256 challenge (base64url of 32 bytes).
pub fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && is_pkce_text(challenge, 43)
        && URL_SAFE_NO_PAD
            .decode(challenge)
            .is_ok_and(|b| b.len() == 32)
}

/// The S256 challenge of `verifier`.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `verifier` is well-formed and hashes to `challenge`.
pub fn verifies(verifier: &str, challenge: &str) -> bool {
    is_pkce_text(verifier, 43) && bool::from(s256(verifier).as_bytes().ct_eq(challenge.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_appendix_b_example_verifies() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(s256(verifier), challenge);
        assert!(is_s256_challenge(challenge));
        assert!(verifies(verifier, challenge));
        assert!(!verifies(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj",
            challenge
        ));
    }

    #[test]
    fn short_or_odd_verifiers_and_challenges_are_refused() {
        let short = "a".repeat(42);
        assert!(!verifies(&short, &s256(&short)));
        let odd = format!("{}!", "a".repeat(42));
        assert!(!verifies(&odd, &s256(&odd)));
        assert!(!is_s256_challenge("plain-challenge"));
        assert!(!is_s256_challenge(&"a".repeat(44)));
    }
}
