//! Applications as policy: how a client is registered (which redirect
//! URIs, grants and scopes make sense), its secret, and how a presented
//! secret is checked.

use subtle::ConstantTimeEq;
use url::{Host, Url};

use super::random::random_token;
use super::refresh::sha256_hex;
use crate::db::clients::Client;

/// Grants a client may be registered for.
pub const GRANTS: &[&str] = &[
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
];

/// A fresh client id: 128 random bits in hex, so it never starts with a
/// hyphen on a command line and needs no escaping anywhere.
pub fn new_client_id() -> String {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh client secret: 256 random bits. Returned once; only its hash
/// is stored. A slow hash would add nothing to a secret this long and
/// would put a hashing job on every token request.
pub fn new_secret() -> String {
    random_token(32)
}

pub fn secret_hash(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// Whether `presented` is the client's secret. The hashes are compared in
/// constant time; a public client has no secret to match.
pub fn secret_matches(client: &Client, presented: &str) -> bool {
    let Some(stored) = &client.secret_hash else {
        return false;
    };
    let presented = secret_hash(presented);
    bool::from(stored.as_bytes().ct_eq(presented.as_bytes()))
}

/// Checks a redirect URI at registration (RFC 9700 §4.1): absolute, no
/// fragment, no user info, no wildcard; `https`, or `http` only on a
/// loopback host, or a private-use scheme of a native app (RFC 8252,
/// reverse domain name such as `com.example.app:/callback`).
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    let parsed = Url::parse(uri).map_err(|e| format!("{uri:?} is not an absolute URI ({e})"))?;
    if parsed.fragment().is_some() || uri.contains('#') {
        return Err(format!(
            "{uri:?} has a fragment, which a redirect URI must not have"
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "{uri:?} has user info (user@), which is not allowed"
        ));
    }
    if uri.contains('*') {
        return Err(format!(
            "{uri:?} has a wildcard; redirect URIs are compared exactly"
        ));
    }
    if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{uri:?} contains white space"));
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&parsed) => Ok(()),
        "http" => Err(format!(
            "{uri:?} uses http; only https is allowed, except on localhost or a loopback address"
        )),
        scheme if scheme.contains('.') => Ok(()),
        scheme => Err(format!(
            "{uri:?} has scheme {scheme:?}; use https, http on localhost, or a reverse-domain scheme (com.example.app)"
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The grants a client is registered with: `authorization_code` by
/// default; it implies `refresh_token`. `client_credentials` needs a
/// secret.
pub fn normalise_grants(requested: &[String], public: bool) -> Result<Vec<String>, String> {
    let mut grants: Vec<String> = Vec::new();
    let requested = if requested.is_empty() {
        vec!["authorization_code".to_owned()]
    } else {
        requested.to_vec()
    };
    for grant in &requested {
        if !GRANTS.contains(&grant.as_str()) {
            return Err(format!(
                "unknown grant {grant:?}; grants are {}",
                GRANTS.join(", ")
            ));
        }
        if grant == "client_credentials" && public {
            return Err("client_credentials needs a confidential client (drop --public)".into());
        }
        let implied: &[&str] = match grant.as_str() {
            "authorization_code" => &["authorization_code", "refresh_token"],
            "password" => &["password", "refresh_token"],
            _ => &[],
        };
        for g in std::iter::once(grant.as_str()).chain(implied.iter().copied()) {
            if !grants.iter().any(|have| have == g) {
                grants.push(g.to_owned());
            }
        }
    }
    Ok(grants)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_must_be_https_or_loopback_http_without_fragment_userinfo_or_wildcard() {
        for good in [
            "https://app.example/callback",
            "https://app.example:8443/cb?tenant=1",
            "http://localhost:3000/callback",
            "http://127.0.0.1:9000/cb",
            "http://[::1]/cb",
            "com.example.app:/oauth2redirect",
        ] {
            assert_eq!(check_redirect_uri(good), Ok(()), "{good}");
        }
        for bad in [
            "/callback",
            "app.example/callback",
            "http://app.example/callback",
            "https://app.example/callback#frag",
            "https://user@app.example/callback",
            "https://*.app.example/callback",
            "javascript:alert(1)",
            "data:text/html,hi",
            "https://app.example/a b",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn authorization_code_is_the_default_and_implies_refresh() {
        assert_eq!(
            normalise_grants(&[], false),
            Ok(vec!["authorization_code".into(), "refresh_token".into()])
        );
        assert!(normalise_grants(&["client_credentials".into()], true).is_err());
        assert!(normalise_grants(&["implicit".into()], false).is_err());
        assert_eq!(
            normalise_grants(&["client_credentials".into()], false),
            Ok(vec!["client_credentials".into()])
        );
    }

    #[test]
    fn a_secret_matches_only_itself_and_a_public_client_matches_nothing() {
        let secret = new_secret();
        let mut client = Client {
            id: new_client_id(),
            name: "app".into(),
            secret_hash: Some(secret_hash(&secret)),
            redirect_uris: String::new(),
            post_logout_redirect_uris: String::new(),
            grants: String::new(),
            scopes: String::new(),
            trusted: false,
            created_at: 0,
            id_token_alg: "RS256".into(),
        };
        assert!(secret_matches(&client, &secret));
        assert!(!secret_matches(&client, &new_secret()));
        client.secret_hash = None;
        assert!(!secret_matches(&client, ""));
        assert_eq!(new_client_id().len(), 32);
    }
}
