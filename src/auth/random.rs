//! Random tokens: `bytes` from the OS-seeded generator, base64url without
//! padding, so they fit in URLs, cookies and headers unescaped. Every
//! random token latchkey mints (refresh tokens, device cookies, jti, the
//! setup token, signing keys) comes from here.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// `bytes` random bytes, base64url-encoded without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::fill(&mut buffer[..]);
    URL_SAFE_NO_PAD.encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_has_the_length_of_its_bytes_in_base64url_and_differs_each_time() {
        let token = random_token(32);
        assert_eq!(token.len(), 43);
        assert!(URL_SAFE_NO_PAD.decode(&token).is_ok());
        assert_ne!(token, random_token(32));
    }
}
