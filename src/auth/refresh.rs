//! Refresh tokens as values: 256 random bits, stored only as a SHA-256
//! hash. A rotated token's successor is sealed under a pad derived from the
//! rotated token itself, so the database alone cannot reveal it.

use crate::auth::random::random_token;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

const TOKEN_BYTES: usize = 32;

/// A refresh token as handed to a client. `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

impl std::fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshToken(***)")
    }
}

impl RefreshToken {
    pub fn generate() -> Self {
        Self(random_token(TOKEN_BYTES))
    }

    /// A presented token; anything of the wrong shape is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        (bytes.len() == TOKEN_BYTES).then(|| Self(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database stores and looks up.
    pub fn hash(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }

    /// Encrypts `successor` for the holder of `self`: XOR with a pad that
    /// only `self` derives. Each token seals exactly one successor, so the
    /// pad is never reused.
    pub fn seal(&self, successor: &RefreshToken) -> String {
        let Ok(plain) = URL_SAFE_NO_PAD.decode(&successor.0) else {
            return String::new();
        };
        let sealed: Vec<u8> = plain.iter().zip(self.pad()).map(|(a, b)| a ^ b).collect();
        URL_SAFE_NO_PAD.encode(sealed)
    }

    /// The successor sealed by [`seal`](Self::seal), if `sealed` is intact.
    pub fn unseal(&self, sealed: &str) -> Option<RefreshToken> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() != TOKEN_BYTES {
            return None;
        }
        let plain: Vec<u8> = bytes.iter().zip(self.pad()).map(|(a, b)| a ^ b).collect();
        Some(Self(URL_SAFE_NO_PAD.encode(plain)))
    }

    fn pad(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"latchkey successor pad v1\0");
        hasher.update(self.0.as_bytes());
        hasher.finalize().into()
    }
}

/// The SHA-256 of `bytes` as lower-case hex: how latchkey stores values it
/// must find again but never reveal (refresh tokens, throttling keys).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_round_trip() {
        let token = RefreshToken::generate();
        assert_eq!(
            URL_SAFE_NO_PAD
                .decode(token.expose())
                .expect("base64")
                .len(),
            32
        );
        assert_eq!(RefreshToken::parse(token.expose()), Some(token.clone()));
        assert_eq!(RefreshToken::parse("short"), None);
        assert_ne!(token.hash(), token.expose());
        assert_eq!(token.hash().len(), 64);
    }

    #[test]
    fn only_the_predecessor_unseals_its_successor() {
        let old = RefreshToken::generate();
        let new = RefreshToken::generate();
        let sealed = old.seal(&new);
        assert_ne!(sealed, new.expose());
        assert_eq!(old.unseal(&sealed), Some(new.clone()));
        assert_ne!(RefreshToken::generate().unseal(&sealed), Some(new));
    }
}
