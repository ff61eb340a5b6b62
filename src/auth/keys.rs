//! Signing keys. Either the one HS256 secret of `LATCHKEY_JWT_SECRET`, or a
//! key ring kept in `<data dir>/keys.json` (mode 0600): generated on first
//! start, extended by `latchkey keys rotate`, re-read by running servers.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::random::random_token;
use crate::clock::now_unix;
use crate::config::{JwtAlg, Secret};

const RING_FILE: &str = "keys.json";

/// How long a replaced key keeps verifying beyond the access-token
/// lifetime: the servers' reload interval plus clock leeway, with margin.
const RETIRE_MARGIN: Duration = Duration::from_secs(120);

/// One key as stored. `material` is the HS256 secret, or the base64url
/// Ed25519 seed.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredKey {
    pub kid: String,
    pub alg: String,
    pub material: String,
    pub created_at: i64,
    /// After this moment (Unix seconds) the key no longer verifies.
    #[serde(default)]
    pub retire_at: Option<i64>,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("material", &"***")
            .field("created_at", &self.created_at)
            .field("retire_at", &self.retire_at)
            .finish()
    }
}

impl StoredKey {
    /// A fresh random key for `alg`.
    fn generate(alg: JwtAlg) -> anyhow::Result<Self> {
        let material = match alg {
            JwtAlg::Hs256 => random_token(48),
            JwtAlg::EdDsa => random_token(32),
            JwtAlg::Rs256 => generate_rsa_pkcs8()?,
        };
        Ok(Self {
            kid: random_token(12),
            alg: alg.name().to_owned(),
            material,
            created_at: now_unix(),
            retire_at: None,
        })
    }

    /// The single key of a configured HS256 secret. Its id is derived from
    /// the secret, so every instance sharing it announces the same `kid`.
    pub fn from_secret(secret: &Secret) -> Self {
        let digest = Sha256::digest(secret.expose().as_bytes());
        Self {
            kid: URL_SAFE_NO_PAD.encode(&digest[..12]),
            alg: "HS256".to_owned(),
            material: secret.expose().to_owned(),
            created_at: 0,
            retire_at: None,
        }
    }

    pub fn is_retired(&self, now: i64) -> bool {
        self.retire_at.is_some_and(|at| at <= now)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct KeyRing {
    pub keys: Vec<StoredKey>,
}

impl KeyRing {
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(RING_FILE)
    }

    /// Reads the ring, creating it with a key of each of `algs` on first
    /// start. A ring holding no live key of one of them (the algorithm was
    /// changed, or the ring predates id_tokens) gets one.
    pub fn load_or_create(
        data_dir: &Path,
        algs: &[JwtAlg],
        access_ttl: Duration,
    ) -> anyhow::Result<Self> {
        let path = Self::path(data_dir);
        let ring = match Self::read(&path)? {
            Some(ring) => ring,
            None => {
                let ring = Self {
                    keys: algs
                        .iter()
                        .map(|&alg| StoredKey::generate(alg))
                        .collect::<anyhow::Result<_>>()?,
                };
                if create_new(&path, &ring)? {
                    tracing::info!(path = %path.display(), "generated new signing keys");
                    return Ok(ring);
                }
                // Another instance created it at the same moment: use theirs.
                Self::read(&path)?.context("the key ring vanished while starting")?
            }
        };
        let missing: Vec<JwtAlg> = algs
            .iter()
            .copied()
            .filter(|&alg| ring.signing_key(alg).is_none())
            .collect();
        if missing.is_empty() {
            return Ok(ring);
        }
        Self::rotate(data_dir, &missing, access_ttl)?;
        Self::read(&path)?.context("the key ring vanished while starting")
    }

    /// `None` when the file does not exist yet.
    pub fn read(path: &Path) -> anyhow::Result<Option<Self>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read the key ring {}", path.display()));
            }
        };
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the key ring is readable by other users; chmod 600 it");
        }
        let ring: Self = serde_json::from_str(&text)
            .with_context(|| format!("the key ring {} is not valid", path.display()))?;
        Ok(Some(ring))
    }

    /// The key new tokens are signed with: the newest `alg` key that is not
    /// scheduled to retire, else (a rotation to another algorithm) the
    /// newest `alg` key still verifying.
    pub fn signing_key(&self, alg: JwtAlg) -> Option<&StoredKey> {
        signing_key_at(&self.keys, alg, now_unix())
    }

    /// Adds a new key of each of `algs` that becomes its signing key, and
    /// schedules the current keys of that algorithm to retire once every
    /// token they signed has expired.
    pub fn rotate(
        data_dir: &Path,
        algs: &[JwtAlg],
        access_ttl: Duration,
    ) -> anyhow::Result<Vec<StoredKey>> {
        let path = Self::path(data_dir);
        let mut ring = Self::read(&path)?.unwrap_or_default();
        let now = now_unix();
        let mut added = Vec::new();
        for &alg in algs {
            added.push(ring.add_signing_key(alg, access_ttl, now)?);
        }
        replace(&path, &ring)?;
        Ok(added)
    }

    fn add_signing_key(
        &mut self,
        alg: JwtAlg,
        access_ttl: Duration,
        now: i64,
    ) -> anyhow::Result<StoredKey> {
        let retire_at = now + (access_ttl + RETIRE_MARGIN).as_secs() as i64;
        self.keys.retain(|k| !k.is_retired(now));
        for key in self.keys.iter_mut().filter(|k| k.alg == alg.name()) {
            key.retire_at.get_or_insert(retire_at);
        }
        let mut new = StoredKey::generate(alg)?;
        // Strictly newer than any key, even within the same second.
        new.created_at = self
            .keys
            .iter()
            .map(|k| k.created_at + 1)
            .max()
            .unwrap_or(now)
            .max(now);
        self.keys.push(new.clone());
        Ok(new)
    }

    /// Retires key `kid` now (after a leak). Retiring the key that signs for
    /// its algorithm first adds a new key of that algorithm, as `rotate`
    /// does, so servers never run out of a key to sign with. The key's own
    /// algorithm decides, not this command's configuration, which may
    /// differ from the servers'.
    pub fn retire(data_dir: &Path, kid: &str, access_ttl: Duration) -> anyhow::Result<Retirement> {
        let path = Self::path(data_dir);
        let mut ring = Self::read(&path)?.unwrap_or_default();
        let now = now_unix();
        let Some(key) = ring.keys.iter().find(|k| k.kid == kid) else {
            bail!("no key {kid} in the key ring {}", path.display());
        };
        if key.is_retired(now) {
            return Ok(Retirement::AlreadyRetired);
        }
        let signs_for = [JwtAlg::Hs256, JwtAlg::EdDsa, JwtAlg::Rs256]
            .into_iter()
            .find(|&alg| ring.signing_key(alg).is_some_and(|k| k.kid == kid));
        let replacement = match signs_for {
            Some(alg) => Some(ring.add_signing_key(alg, access_ttl, now)?),
            None => None,
        };
        for key in ring.keys.iter_mut().filter(|k| k.kid == kid) {
            key.retire_at = Some(now);
        }
        replace(&path, &ring)?;
        Ok(Retirement::Retired { replacement })
    }
}

/// What `KeyRing::retire` did.
#[derive(Debug)]
pub enum Retirement {
    /// Retired now; `replacement` is the new signing key when the retired
    /// key was the one signing.
    Retired {
        replacement: Option<StoredKey>,
    },
    AlreadyRetired,
}

/// [`KeyRing::signing_key`] among `keys` at the moment `now`: running
/// servers ask again on every signature, so a key that retires meanwhile
/// stops signing without a reload.
pub fn signing_key_at(keys: &[StoredKey], alg: JwtAlg, now: i64) -> Option<&StoredKey> {
    let of_alg = || {
        keys.iter()
            .filter(move |k| k.alg == alg.name() && !k.is_retired(now))
    };
    of_alg()
        .filter(|k| k.retire_at.is_none())
        .max_by_key(|k| k.created_at)
        .or_else(|| of_alg().max_by_key(|k| k.created_at))
}

/// The algorithms a ring keeps a signing key for: the access tokens'
/// (unless `LATCHKEY_JWT_SECRET` signs them) and both id_token
/// algorithms, RS256 and EdDSA.
pub fn ring_algorithms(access: JwtAlg, shared_secret: bool) -> Vec<JwtAlg> {
    let mut algs = Vec::new();
    if !shared_secret {
        algs.push(access);
    }
    for id_token in [JwtAlg::Rs256, JwtAlg::EdDsa] {
        if !algs.contains(&id_token) {
            algs.push(id_token);
        }
    }
    algs
}

impl JwtAlg {
    pub fn name(self) -> &'static str {
        match self {
            JwtAlg::Hs256 => "HS256",
            JwtAlg::EdDsa => "EdDSA",
            JwtAlg::Rs256 => "RS256",
        }
    }
}

/// A new 2048-bit RSA key, as base64url PKCS#8 DER. Generated and later
/// used for signing by aws-lc (constant-time; see the README on why not
/// the `rsa` crate).
fn generate_rsa_pkcs8() -> anyhow::Result<String> {
    use aws_lc_rs::encoding::AsDer;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
        .map_err(|_| anyhow::anyhow!("cannot generate an RSA key"))?;
    let der = pair
        .as_der()
        .map_err(|_| anyhow::anyhow!("cannot encode the RSA key"))?;
    Ok(URL_SAFE_NO_PAD.encode(der.as_ref()))
}

fn private_file(path: &Path) -> anyhow::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}

fn write_temp(path: &Path, ring: &KeyRing) -> anyhow::Result<PathBuf> {
    let temp = path.with_extension(format!("tmp.{}", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    let mut file = private_file(&temp)?;
    file.write_all(serde_json::to_string_pretty(ring)?.as_bytes())?;
    file.sync_all()?;
    Ok(temp)
}

/// Writes `ring` to `path` only if no file is there; `false` if one was.
fn create_new(path: &Path, ring: &KeyRing) -> anyhow::Result<bool> {
    let temp = write_temp(path, ring)?;
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => bail!("cannot store the key ring at {}: {e}", path.display()),
    }
}

/// Replaces `path` atomically: readers see the old ring or the new, whole.
fn replace(path: &Path, ring: &KeyRing) -> anyhow::Result<()> {
    let temp = write_temp(path, ring)?;
    std::fs::rename(&temp, path).with_context(|| format!("cannot replace {}", path.display()))
}
