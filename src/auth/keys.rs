//! The HS256 signing secret: from `LATCHKEY_JWT_SECRET`, or generated into
//! the data dir on first start (mode 0600) and reused, so restarts keep
//! every issued token valid.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::config::Secret;

const SECRET_FILE: &str = "jwt_secret";

/// A signing secret and its key id. The id is derived from the secret, so
/// every instance sharing a secret announces the same `kid`.
pub struct SigningSecret {
    pub kid: String,
    pub secret: Secret,
}

impl SigningSecret {
    pub fn new(secret: Secret) -> Self {
        let digest = Sha256::digest(secret.expose().as_bytes());
        let kid = URL_SAFE_NO_PAD.encode(&digest[..12]);
        Self { kid, secret }
    }

    /// The configured secret, else the one kept in `data_dir`, created on
    /// first use.
    pub fn load(configured: Option<&Secret>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(secret) = configured {
            return Ok(Self::new(secret.clone()));
        }
        Ok(Self::new(load_or_create(&data_dir.join(SECRET_FILE))?))
    }
}

fn load_or_create(path: &Path) -> anyhow::Result<Secret> {
    match std::fs::read_to_string(path) {
        Ok(text) => return check_existing(path, text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => anyhow::bail!("cannot read the signing secret {}: {e}", path.display()),
    }
    let mut random = [0u8; 48];
    rand::fill(&mut random);
    let secret = URL_SAFE_NO_PAD.encode(random);

    // Write a private temporary file, then link it into place: a second
    // instance starting at the same moment either wins or reads ours whole.
    let temp = path.with_extension(format!("tmp.{}", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", temp.display()))?;
    file.write_all(secret.as_bytes())?;
    file.sync_all()?;
    drop(file);
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a new signing secret");
            Ok(Secret::new(secret))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            check_existing(path, std::fs::read_to_string(path)?)
        }
        Err(e) => anyhow::bail!("cannot store the signing secret at {}: {e}", path.display()),
    }
}

fn check_existing(path: &Path, text: String) -> anyhow::Result<Secret> {
    let secret = text.trim_end_matches(['\r', '\n']).to_owned();
    if secret.len() < 32 {
        anyhow::bail!(
            "the signing secret in {} is shorter than 32 bytes",
            path.display()
        );
    }
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(path = %path.display(), "the signing secret is readable by other users; chmod 600 it");
    }
    Ok(Secret::new(secret))
}
