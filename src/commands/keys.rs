//! `latchkey keys ...`: the signing key ring in the data dir.

use anyhow::bail;

use crate::auth::jwt;
use crate::auth::keys::{KeyRing, Retirement, StoredKey};
use crate::config::Settings;
use crate::startup::prepare_data_dir;

/// `latchkey keys rotate`
pub fn rotate(settings: &Settings) -> anyhow::Result<()> {
    if settings.signing_secret().is_some() {
        bail!(
            "LATCHKEY_JWT_SECRET is set, so there is no key ring to rotate: change the secret on every instance instead"
        );
    }
    prepare_data_dir(settings, true)?;
    let key = KeyRing::rotate(&settings.data_dir, settings.jwt_alg, settings.access_ttl)?;
    tracing::info!(event = "signing_key_rotated", kid = %key.kid, alg = %key.alg, "signing key rotated");
    println!(
        "new {} signing key {}: published now, signing on running servers within {} seconds",
        key.alg,
        key.kid,
        jwt::RELOAD_INTERVAL.as_secs()
    );
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
    if let Some(secret) = settings.signing_secret() {
        let key = StoredKey::from_secret(secret);
        println!("{}	HS256	-	signing (LATCHKEY_JWT_SECRET)", key.kid);
        return Ok(());
    }
    let ring = KeyRing::read(&KeyRing::path(&settings.data_dir))?.unwrap_or_default();
    let signing = ring.signing_key(settings.jwt_alg).map(|k| k.kid.clone());
    let now = crate::clock::now_unix();
    for key in &ring.keys {
        let state = match key.retire_at {
            _ if Some(&key.kid) == signing.as_ref() => "signing".to_owned(),
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
