//! `latchkey keys ...`: the signing key ring in the data dir.

use anyhow::bail;

use crate::auth::jwt;
use crate::auth::keys::{KeyRing, Retirement, StoredKey, ring_algorithms};
use crate::config::{JwtAlg, Settings};
use crate::startup::prepare_data_dir;

/// `latchkey keys rotate`
/// Rotates every algorithm the ring signs with: the access tokens' and
/// those of id_tokens (RS256, EdDSA). With `LATCHKEY_JWT_SECRET` set, the access tokens'
/// secret is not in the ring: only the id_token keys rotate, and the
/// secret must be changed in the configuration.
pub fn rotate(settings: &Settings) -> anyhow::Result<()> {
    let shared = settings.signing_secret().is_some();
    let ring = KeyRing::read(&KeyRing::path(&settings.data_dir))?.unwrap_or_default();
    if shared && ring.keys.is_empty() {
        bail!(
            "LATCHKEY_JWT_SECRET is set and the key ring holds nothing else: change the secret on every instance instead"
        );
    }
    prepare_data_dir(settings, true)?;
    let algs = ring_algorithms(settings.jwt_alg, shared);
    for key in KeyRing::rotate(&settings.data_dir, &algs, settings.access_ttl)? {
        tracing::info!(event = "signing_key_rotated", kid = %key.kid, alg = %key.alg, "signing key rotated");
        println!(
            "new {} signing key {}: published now, signing on running servers within {} seconds",
            key.alg,
            key.kid,
            jwt::RELOAD_INTERVAL.as_secs()
        );
    }
    if shared {
        println!(
            "access tokens are signed with LATCHKEY_JWT_SECRET: to rotate it, change the secret on every instance"
        );
    }
    Ok(())
}

/// `latchkey keys retire`
pub fn retire(settings: &Settings, kid: &str) -> anyhow::Result<()> {
    if settings.signing_secret().is_some() {
        bail!(
            "LATCHKEY_JWT_SECRET is set, so there is no key ring to retire from: change the secret on every instance instead"
        );
    }
    let retirement = KeyRing::retire(&settings.data_dir, kid, settings.access_ttl)?;
    let wait = jwt::RELOAD_INTERVAL.as_secs();
    match retirement {
        Retirement::AlreadyRetired => println!("key {kid} has already retired"),
        Retirement::Retired { replacement } => {
            tracing::warn!(event = "signing_key_retired", kid = %kid, "signing key retired now");
            println!(
                "retired key {kid}: running servers refuse its tokens and stop publishing it within {wait} seconds"
            );
            if let Some(key) = replacement {
                tracing::info!(event = "signing_key_rotated", kid = %key.kid, alg = %key.alg, "signing key rotated");
                println!(
                    "it was the signing key: new {} signing key {}, signing on running servers within {wait} seconds",
                    key.alg, key.kid
                );
            }
        }
    }
    Ok(())
}

/// `latchkey keys list`
pub fn list(settings: &Settings) -> anyhow::Result<()> {
    let shared = settings.signing_secret();
    if let Some(secret) = shared {
        let key = StoredKey::from_secret(secret);
        println!("{}	HS256	-	signing (LATCHKEY_JWT_SECRET)", key.kid);
    }
    let ring = KeyRing::read(&KeyRing::path(&settings.data_dir))?.unwrap_or_default();
    let shared_secret = shared.is_some();
    let signing: Vec<String> = ring_algorithms(settings.jwt_alg, shared_secret)
        .into_iter()
        .filter_map(|alg| ring.signing_key(alg).map(|k| k.kid.clone()))
        .collect();
    let now = crate::clock::now_unix();
    // With a shared secret the ring's HS256 keys sign nothing.
    for key in ring
        .keys
        .iter()
        .filter(|k| shared.is_none() || k.alg != JwtAlg::Hs256.name())
    {
        let state = match key.retire_at {
            _ if signing.contains(&key.kid) => "signing".to_owned(),
            Some(at) if at <= now => "retired".to_owned(),
            Some(at) => format!("verifying until {}", crate::clock::rfc3339(at)),
            None => "verifying".to_owned(),
        };
        println!(
            "{}	{}	{}	{state}",
            key.kid,
            key.alg,
            crate::clock::rfc3339(key.created_at)
        );
    }
    Ok(())
}
