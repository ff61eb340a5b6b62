//! Access tokens: JWTs signed with the current key of the ring, verified
//! against every key that has not retired. The ring is re-read in the
//! background, so `latchkey keys rotate` and `keys retire` reach running
//! servers; a scheduled retirement is checked on every use, so it takes
//! effect at its time without any reload.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::keys::{KeyRing, StoredKey, signing_key_at};
use crate::auth::random::random_token;
use crate::clock::now_unix;
use crate::config::JwtAlg;

/// Clock skew tolerated between instances and the services verifying.
const LEEWAY_SECONDS: u64 = 30;

/// How often running servers look for a rotated key ring.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(10);

/// PKCS#8 v1 prefix of an Ed25519 private key (RFC 8410); the 32-byte seed
/// follows.
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// The claims of an access token. `sub` is the email, as in the seed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    pub iss: String,
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    /// The session (refresh family) the token belongs to; revoking the
    /// session revokes the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The application the token was issued to (then also its `aud`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

impl Claims {
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split_whitespace()
    }

    pub fn session_id(&self) -> Option<i64> {
        self.sid.as_deref().and_then(|s| s.parse().ok())
    }
}

/// What latchkey reads of an id_token presented back to it.
#[derive(Debug, Clone, Deserialize)]
pub struct IdTokenHint {
    pub sub: String,
    pub aud: String,
    #[serde(default)]
    pub sid: Option<String>,
}

/// A freshly signed access token.
pub struct AccessToken {
    pub token: String,
    pub expires_in: u64,
    /// What the token says, for callers that act on it at once.
    pub claims: Claims,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token was signed with an unknown key")]
    UnknownKey,
    #[error("the token was signed with a retired key")]
    RetiredKey,
    #[error("the token is invalid: {0}")]
    Invalid(jsonwebtoken::errors::Error),
    #[error("cannot sign the token: {0}")]
    Signing(String),
}

struct LoadedKey {
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// An RSA key, parsed once: jsonwebtoken would parse and check the
    /// private key again for every signature, which cost more than the
    /// signature itself (OIDC refreshes ran at a quarter of plain ones).
    rsa: Option<Arc<aws_lc_rs::rsa::KeyPair>>,
    /// The public JWK, for EdDSA keys.
    jwk: Option<serde_json::Value>,
    /// From this moment (Unix seconds) the key neither verifies nor is
    /// published.
    retire_at: Option<i64>,
}

impl LoadedKey {
    fn is_retired(&self, now: i64) -> bool {
        self.retire_at.is_some_and(|at| at <= now)
    }
}

/// The usable keys of one ring snapshot.
struct Keys {
    /// The ring's keys that had not retired when it was read; which of them
    /// signs is decided anew for each token.
    ring: Vec<StoredKey>,
    by_kid: HashMap<String, LoadedKey>,
    /// Modification time of the ring file this snapshot was read from.
    modified: Option<SystemTime>,
}

pub struct TokenSigner {
    keys: RwLock<Arc<Keys>>,
    /// The ring file to re-read.
    ring_path: Option<PathBuf>,
    /// `LATCHKEY_JWT_SECRET`, which signs access tokens in place of the
    /// ring's HS256 keys (the ring then holds the id_token keys).
    shared_secret: Option<StoredKey>,
    alg: JwtAlg,
    validations: HashMap<Algorithm, Validation>,
    issuer: String,
    audience: Option<String>,
    ttl: Duration,
}

impl TokenSigner {
    /// Signs access tokens with `ring`'s current `alg` key (or with
    /// `shared_secret`) and id_tokens with its RS256 key; `ring_path` is
    /// where the ring is kept, if it is kept in a file.
    pub fn new(
        ring: &KeyRing,
        ring_path: Option<PathBuf>,
        shared_secret: Option<StoredKey>,
        alg: JwtAlg,
        issuer: &str,
        audience: Option<&str>,
        ttl: Duration,
    ) -> anyhow::Result<Self> {
        let keys = load_keys(ring, shared_secret.as_ref(), alg, None)?;
        let validations = [Algorithm::HS256, Algorithm::EdDSA, Algorithm::RS256]
            .into_iter()
            .map(|algorithm| (algorithm, validation(algorithm, issuer, audience)))
            .collect();
        Ok(Self {
            keys: RwLock::new(Arc::new(keys)),
            ring_path,
            shared_secret,
            alg,
            validations,
            issuer: issuer.to_owned(),
            audience: audience.map(str::to_owned),
            ttl,
        })
    }

    /// Re-reads the ring file every [`RELOAD_INTERVAL`] on a thread of its
    /// own, until the signer is dropped.
    pub fn watch(self: &Arc<Self>) {
        if self.ring_path.is_none() {
            return;
        }
        let weak: Weak<Self> = Arc::downgrade(self);
        let spawned = std::thread::Builder::new()
            .name("latchkey-keys".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(RELOAD_INTERVAL);
                    let Some(signer) = weak.upgrade() else { return };
                    if let Err(e) = signer.reload() {
                        tracing::warn!(error = %format!("{e:#}"), "could not reload the key ring; keeping the current keys");
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot watch the key ring; rotated keys need a restart");
        }
    }

    /// Loads the ring again if its file changed (blocking file I/O).
    pub fn reload(&self) -> anyhow::Result<()> {
        let Some(path) = &self.ring_path else {
            return Ok(());
        };
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let current = self.snapshot();
        if modified.is_some() && modified == current.modified {
            return Ok(());
        }
        let ring = KeyRing::read(path)?.context("the key ring file is missing")?;
        let keys = load_keys(&ring, self.shared_secret.as_ref(), self.alg, modified)?;
        let now = now_unix();
        let signing = keys.signing_kid(self.alg, now);
        if signing != current.signing_kid(self.alg, now) {
            tracing::info!(
                event = "signing_key_changed",
                kid = signing.unwrap_or("none"),
                "now signing with a new key"
            );
        }
        match self.keys.write() {
            Ok(mut slot) => *slot = Arc::new(keys),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(keys),
        }
        Ok(())
    }

    fn snapshot(&self) -> Arc<Keys> {
        match self.keys.read() {
            Ok(keys) => Arc::clone(&keys),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// An access token of a session without an application: latchkey's
    /// own pages and the seed-compatible grants.
    pub fn issue(
        &self,
        email: &str,
        scopes: &[String],
        session_id: Option<i64>,
    ) -> Result<AccessToken, TokenError> {
        self.issue_to(email, scopes, session_id, None)
    }

    /// An access token for `subject`, issued to `client_id` if given: the
    /// token then names it as `client_id` and as its audience.
    pub fn issue_to(
        &self,
        subject: &str,
        scopes: &[String],
        session_id: Option<i64>,
        client_id: Option<&str>,
    ) -> Result<AccessToken, TokenError> {
        let keys = self.snapshot();
        let now = now_unix();
        let (kid, key) = keys
            .signing_kid(self.alg, now)
            .and_then(|kid| Some((kid, keys.by_kid.get(kid)?)))
            .ok_or_else(|| TokenError::Signing("no signing key".into()))?;
        let claims = Claims {
            sub: subject.to_owned(),
            exp: now + self.ttl.as_secs() as i64,
            iat: now,
            nbf: now,
            jti: random_token(16),
            iss: self.issuer.clone(),
            scope: scopes.join(" "),
            aud: client_id
                .map(str::to_owned)
                .or_else(|| self.audience.clone()),
            sid: session_id.map(|id| id.to_string()),
            client_id: client_id.map(str::to_owned),
        };
        let mut header = Header::new(key.algorithm);
        header.kid = Some(kid.to_owned());
        let token = jsonwebtoken::encode(&header, &claims, &key.encoding)
            .map_err(|e| TokenError::Signing(e.to_string()))?;
        Ok(AccessToken {
            token,
            expires_in: self.ttl.as_secs(),
            claims,
        })
    }

    /// Signs `claims` as an id_token with the ring's current `alg` key
    /// (RS256, or EdDSA for an application that asked for it).
    pub fn sign_id_token(
        &self,
        claims: &impl Serialize,
        alg: JwtAlg,
    ) -> Result<String, TokenError> {
        let keys = self.snapshot();
        let (kid, key) = keys
            .signing_kid(alg, now_unix())
            .and_then(|kid| Some((kid, keys.by_kid.get(kid)?)))
            .ok_or_else(|| TokenError::Signing(format!("no {} key", alg.name())))?;
        let mut header = Header::new(key.algorithm);
        header.kid = Some(kid.to_owned());
        match &key.rsa {
            Some(pair) => sign_rs256(pair, &header, claims),
            None => jsonwebtoken::encode(&header, claims, &key.encoding)
                .map_err(|e| TokenError::Signing(e.to_string())),
        }
    }

    /// Reads an `id_token_hint` (RP-initiated logout): one of our id_tokens,
    /// signature and issuer checked, but it may have expired (OpenID
    /// Connect RP-Initiated Logout §2); the caller checks the audience.
    pub fn verify_id_token_hint(&self, token: &str) -> Result<IdTokenHint, TokenError> {
        self.with_live_key(token, |key| {
            if !matches!(key.algorithm, Algorithm::RS256 | Algorithm::EdDSA) {
                return Err(TokenError::UnknownKey);
            }
            let mut validation = Validation::new(key.algorithm);
            validation.validate_exp = false;
            validation.validate_aud = false;
            validation.set_issuer(&[&self.issuer]);
            validation.set_required_spec_claims(&["iss", "sub", "aud"]);
            jsonwebtoken::decode::<IdTokenHint>(token, &key.decoding, &validation)
                .map(|data| data.claims)
                .map_err(TokenError::Invalid)
        })
    }

    /// Runs `check` with the key that signed `token` (by its `kid`), if it
    /// has not retired; no copy of the key on this per-request path.
    fn with_live_key<T>(
        &self,
        token: &str,
        check: impl FnOnce(&LoadedKey) -> Result<T, TokenError>,
    ) -> Result<T, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        let keys = self.snapshot();
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| keys.by_kid.get(kid))
            .ok_or(TokenError::UnknownKey)?;
        if key.is_retired(now_unix()) {
            return Err(TokenError::RetiredKey);
        }
        check(key)
    }

    /// Checks signature, algorithm (pinned per key), `kid` (and that its
    /// key has not retired), `exp`, `nbf`, `iss` (and `aud` when configured).
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let claims = self.with_live_key(token, |key| {
            let validation = self
                .validations
                .get(&key.algorithm)
                .ok_or(TokenError::UnknownKey)?;
            jsonwebtoken::decode::<Claims>(token, &key.decoding, validation)
                .map(|data| data.claims)
                .map_err(TokenError::Invalid)
        })?;
        self.check_audience(&claims)?;
        Ok(claims)
    }

    /// With `LATCHKEY_AUDIENCE` set, a token must name it, or be a token
    /// issued to an application, whose audience is that application.
    fn check_audience(&self, claims: &Claims) -> Result<(), TokenError> {
        let Some(expected) = &self.audience else {
            return Ok(());
        };
        let aud = claims.aud.as_deref();
        if aud == Some(expected.as_str()) || (aud.is_some() && aud == claims.client_id.as_deref()) {
            Ok(())
        } else {
            Err(TokenError::Invalid(
                jsonwebtoken::errors::ErrorKind::InvalidAudience.into(),
            ))
        }
    }

    /// The JWK set of the public keys that have not retired: the id_token
    /// keys always, the EdDSA access-token keys; never an HS256 secret.
    pub fn jwks(&self) -> serde_json::Value {
        let keys = self.snapshot();
        let now = now_unix();
        let mut list: Vec<&serde_json::Value> = keys
            .by_kid
            .values()
            .filter(|k| !k.is_retired(now))
            .filter_map(|k| k.jwk.as_ref())
            .collect();
        list.sort_by_key(|jwk| jwk["kid"].as_str().map(str::to_owned));
        json!({ "keys": list })
    }
}

fn validation(algorithm: Algorithm, issuer: &str, audience: Option<&str>) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_nbf = true;
    validation.set_issuer(&[issuer]);
    // The audience is checked by `check_audience`, which also knows the
    // tokens issued to applications.
    validation.validate_aud = false;
    if audience.is_some() {
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "sub", "aud"]);
    } else {
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "sub"]);
    }
    validation
}

impl Keys {
    fn signing_kid(&self, alg: JwtAlg, now: i64) -> Option<&str> {
        signing_key_at(&self.ring, alg, now).map(|k| k.kid.as_str())
    }
}

fn load_keys(
    ring: &KeyRing,
    shared_secret: Option<&StoredKey>,
    alg: JwtAlg,
    modified: Option<SystemTime>,
) -> anyhow::Result<Keys> {
    let now = now_unix();
    // A configured secret replaces the ring's HS256 keys, which may be
    // left from before it was set.
    let ring = KeyRing {
        keys: ring
            .keys
            .iter()
            .filter(|k| shared_secret.is_none() || k.alg != JwtAlg::Hs256.name())
            .chain(shared_secret)
            .cloned()
            .collect(),
    };
    for needed in [alg, JwtAlg::Rs256, JwtAlg::EdDsa] {
        ring.signing_key(needed)
            .with_context(|| format!("the key ring holds no {} signing key", needed.name()))?;
    }
    let live: Vec<StoredKey> = ring
        .keys
        .iter()
        .filter(|k| !k.is_retired(now))
        .cloned()
        .collect();
    let mut by_kid = HashMap::new();
    for key in &live {
        by_kid.insert(
            key.kid.clone(),
            load_key(key).with_context(|| format!("key {}", key.kid))?,
        );
    }
    Ok(Keys {
        ring: live,
        by_kid,
        modified,
    })
}

/// A compact JWS (RFC 7515) signed RSASSA-PKCS1-v1_5 with SHA-256 by a
/// key parsed once; what `jsonwebtoken::encode` writes, without parsing
/// the key for each token.
fn sign_rs256(
    pair: &aws_lc_rs::rsa::KeyPair,
    header: &Header,
    claims: &impl Serialize,
) -> Result<String, TokenError> {
    let header = serde_json::to_vec(header).map_err(|e| TokenError::Signing(e.to_string()))?;
    let claims = serde_json::to_vec(claims).map_err(|e| TokenError::Signing(e.to_string()))?;
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let mut signature = vec![0u8; pair.public_modulus_len()];
    pair.sign(
        &aws_lc_rs::signature::RSA_PKCS1_SHA256,
        &aws_lc_rs::rand::SystemRandom::new(),
        message.as_bytes(),
        &mut signature,
    )
    .map_err(|_| TokenError::Signing("RSA signing failed".into()))?;
    Ok(format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// PKCS#8 DER as PEM, the form jsonwebtoken reads an RSA private key in.
fn pkcs8_pem(der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    pem
}

fn load_key(key: &StoredKey) -> anyhow::Result<LoadedKey> {
    match key.alg.as_str() {
        "HS256" => Ok(LoadedKey {
            algorithm: Algorithm::HS256,
            rsa: None,
            encoding: EncodingKey::from_secret(key.material.as_bytes()),
            decoding: DecodingKey::from_secret(key.material.as_bytes()),
            jwk: None,
            retire_at: key.retire_at,
        }),
        "EdDSA" => {
            let seed: [u8; 32] = URL_SAFE_NO_PAD
                .decode(&key.material)
                .ok()
                .and_then(|bytes| bytes.try_into().ok())
                .context("an EdDSA key must be a 32-byte base64url seed")?;
            let public = ed25519_dalek::SigningKey::from_bytes(&seed)
                .verifying_key()
                .to_bytes();
            let mut der = ED25519_PKCS8_PREFIX.to_vec();
            der.extend_from_slice(&seed);
            Ok(LoadedKey {
                algorithm: Algorithm::EdDSA,
                rsa: None,
                encoding: EncodingKey::from_ed_der(&der),
                decoding: DecodingKey::from_ed_der(&public),
                jwk: Some(json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": URL_SAFE_NO_PAD.encode(public),
                    "kid": key.kid,
                    "use": "sig",
                    "alg": "EdDSA",
                })),
                retire_at: key.retire_at,
            })
        }
        "RS256" => {
            use aws_lc_rs::signature::KeyPair;
            let der = URL_SAFE_NO_PAD
                .decode(&key.material)
                .context("an RS256 key must be base64url PKCS#8")?;
            let pair = aws_lc_rs::rsa::KeyPair::from_pkcs8(&der)
                .map_err(|e| anyhow::anyhow!("not an RSA PKCS#8 key: {e}"))?;
            let public = pair.public_key();
            let n = URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero());
            let e = URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero());
            Ok(LoadedKey {
                algorithm: Algorithm::RS256,
                encoding: EncodingKey::from_rsa_pem(pkcs8_pem(&der).as_bytes())
                    .context("cannot load the RSA key for signing")?,
                rsa: Some(Arc::new(pair)),
                decoding: DecodingKey::from_rsa_components(&n, &e)
                    .context("cannot load the RSA public key")?,
                jwk: Some(json!({
                    "kty": "RSA",
                    "n": n,
                    "e": e,
                    "kid": key.kid,
                    "use": "sig",
                    "alg": "RS256",
                })),
                retire_at: key.retire_at,
            })
        }
        other => anyhow::bail!("unknown key algorithm {other:?}"),
    }
}
