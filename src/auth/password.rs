//! Password hashes: argon2id for everything new; argon2 and passlib-style
//! bcrypt hashes verify, and are upgraded after a successful login.

use std::cell::RefCell;

use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use super::credentials::Password;
use crate::config::Argon2Cost;

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

impl HashError {
    pub fn new(message: String) -> Self {
        Self(message)
    }
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    /// The password matches; `upgraded` holds a new hash when the stored one
    /// uses an older scheme or other argon2 parameters.
    Match {
        upgraded: Option<String>,
    },
    Mismatch,
}

fn argon2id(cost: Argon2Cost) -> Result<Argon2<'static>, HashError> {
    let params =
        Params::new(cost.m_kib, cost.t, cost.p, None).map_err(|e| HashError(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with argon2id at `cost`, as a PHC string.
pub fn hash(cost: Argon2Cost, password: &Password) -> Result<String, HashError> {
    argon2id(cost)?
        .hash_password(password.expose().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Checks `password` against `stored`. An unparseable hash never matches.
pub fn verify(cost: Argon2Cost, password: &Password, stored: &str) -> Verification {
    let matches = if stored.starts_with("$argon2") {
        verify_argon2(cost, password, stored)
    } else if is_bcrypt(stored) {
        bcrypt::verify(password.expose(), stored).unwrap_or(false)
    } else {
        false
    };
    if !matches {
        return Verification::Mismatch;
    }
    let upgraded = if is_current(cost, stored) {
        None
    } else {
        // A failed upgrade is not a failed login; the old hash still works.
        hash(cost, password).ok()
    };
    Verification::Match { upgraded }
}

thread_local! {
    /// This thread's argon2 working memory (19 MiB at the default cost),
    /// kept from one verification to the next. Allocated afresh for each
    /// one, it defeated glibc: freeing a block that large raises glibc's
    /// mmap threshold, so later blocks came from per-thread arenas that kept
    /// several freed copies each, and a login flood left the server at
    /// 337 MiB. Kept per hashing thread it is bounded by workers x m.
    static ARGON2_MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// glibc serves every allocation of 32 MiB or more with a mapping of its
/// own, returned to the system when freed, whatever its mmap threshold
/// has become. The kept memory asks for that much room (address space
/// only: just the blocks used ever become resident), so that
/// [`release_kept_memory`] really gives it back.
const ALWAYS_MAPPED_BLOCKS: usize = 32 * 1024 + 1;

/// Gives this thread's kept argon2 memory back to the system. Hashing
/// threads call it once they have been idle a while, so that a server
/// between bursts of logins holds no hashing memory.
pub fn release_kept_memory() {
    ARGON2_MEMORY.with_borrow_mut(|memory| *memory = Vec::new());
}

/// How many argon2 blocks this thread keeps (for tests).
pub fn kept_memory_blocks() -> usize {
    ARGON2_MEMORY.with_borrow(Vec::len)
}

/// What the argon2 crate's `verify_password` does (same algorithm,
/// version, parameters and output length as the stored hash, and a
/// constant-time comparison), but in this thread's kept memory.
fn verify_argon2(cost: Argon2Cost, password: &Password, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut computed = vec![0u8; expected.len()];
    let pwd = password.expose().as_bytes();
    // Hashes dearer than the configured cost (imported ones) get memory of
    // their own, so one odd hash cannot pin a large block for good.
    let kept = Params::new(cost.m_kib, cost.t, cost.p, None).map_or(0, |p| p.block_count());
    let hashed = if blocks <= kept {
        ARGON2_MEMORY.with_borrow_mut(|memory| {
            if memory.len() < blocks {
                let mut fresh = Vec::with_capacity(blocks.max(ALWAYS_MAPPED_BLOCKS));
                fresh.resize(blocks, Block::new());
                *memory = fresh;
            }
            argon2.hash_password_into_with_memory(pwd, salt, &mut computed, &mut memory[..blocks])
        })
    } else {
        argon2.hash_password_into(pwd, salt, &mut computed)
    };
    // `Output`'s equality is constant-time.
    hashed.is_ok() && Output::new(&computed).is_ok_and(|c| &c == expected)
}

/// The cost of a bcrypt hash in the form passlib writes (`$2a$`, `$2b$`
/// or `$2y$`, a two-digit cost from 4 to 31, 53 characters of bcrypt's
/// base64); `None` for anything else. The one test of "is this bcrypt",
/// for login and import alike.
pub fn bcrypt_cost(stored: &str) -> Option<u32> {
    let bytes = stored.as_bytes();
    let prefix_ok = ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|p| stored.starts_with(p));
    if !prefix_ok || bytes.len() != 60 || bytes[6] != b'$' {
        return None;
    }
    let (tens, ones) = (bytes[4], bytes[5]);
    if !tens.is_ascii_digit() || !ones.is_ascii_digit() {
        return None;
    }
    let cost = u32::from(tens - b'0') * 10 + u32::from(ones - b'0');
    let alphabet = |b: &u8| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'/';
    ((4..=31).contains(&cost) && bytes[7..].iter().all(alphabet)).then_some(cost)
}

pub fn is_bcrypt(stored: &str) -> bool {
    bcrypt_cost(stored).is_some()
}

/// The dearest bcrypt cost an import accepts: 14 already takes about a
/// second per verification, each step doubles it.
pub const BCRYPT_IMPORT_COST_MAX: u32 = 14;
/// How many times the configured argon2 memory or passes an imported hash
/// may use.
pub const ARGON2_IMPORT_FACTOR: u32 = 4;

/// Why verifying `stored` would cost far more than a hash at `cost` (a few
/// logins on such an account would hold every hashing worker); `None` when
/// it is affordable or not a hash we know.
pub fn excessive_cost(cost: Argon2Cost, stored: &str) -> Option<String> {
    if let Some(bcrypt_cost) = bcrypt_cost(stored) {
        return (bcrypt_cost > BCRYPT_IMPORT_COST_MAX)
            .then(|| format!("bcrypt cost {bcrypt_cost} is above {BCRYPT_IMPORT_COST_MAX}"));
    }
    let parsed = PasswordHash::new(stored).ok()?;
    let params = Params::try_from(&parsed).ok()?;
    let m_max = u64::from(cost.m_kib) * u64::from(ARGON2_IMPORT_FACTOR);
    let t_max = u64::from(cost.t) * u64::from(ARGON2_IMPORT_FACTOR);
    if u64::from(params.m_cost()) > m_max {
        return Some(format!(
            "argon2 memory m={} KiB is above {ARGON2_IMPORT_FACTOR} x the configured {} KiB",
            params.m_cost(),
            cost.m_kib
        ));
    }
    if u64::from(params.t_cost()) > t_max {
        return Some(format!(
            "argon2 time t={} is above {ARGON2_IMPORT_FACTOR} x the configured {}",
            params.t_cost(),
            cost.t
        ));
    }
    None
}

/// Whether `stored` is argon2id v19 at exactly the configured cost.
fn is_current(cost: Argon2Cost, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    parsed.algorithm.as_str() == "argon2id"
        && parsed.version == Some(0x13)
        && params.m_cost() == cost.m_kib
        && params.t_cost() == cost.t
        && params.p_cost() == cost.p
}

/// A cost cheap enough for unit tests that hash.
#[cfg(test)]
pub(crate) const CHEAP: Argon2Cost = Argon2Cost {
    m_kib: 64,
    t: 1,
    p: 1,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_hash_verifies_and_needs_no_upgrade() {
        let pw = Password::for_login("correct horse battery staple");
        let stored = hash(CHEAP, &pw).expect("hash");
        assert!(stored.starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
        assert_eq!(
            verify(CHEAP, &pw, &stored),
            Verification::Match { upgraded: None }
        );
        assert_eq!(
            verify(CHEAP, &Password::for_login("wrong"), &stored),
            Verification::Mismatch
        );
    }

    #[test]
    fn other_parameters_are_upgraded_on_success() {
        let pw = Password::for_login("correct horse battery staple");
        let stored = hash(CHEAP, &pw).expect("hash");
        let stronger = Argon2Cost {
            m_kib: 128,
            ..CHEAP
        };
        let Verification::Match {
            upgraded: Some(new),
        } = verify(stronger, &pw, &stored)
        else {
            panic!("expected an upgrade");
        };
        assert!(new.starts_with("$argon2id$v=19$m=128,t=1,p=1$"));
    }

    #[test]
    fn argon2_hashes_of_every_variant_and_cost_verify_as_the_crate_verifies_them() {
        use argon2::password_hash::PasswordVerifier;
        let pw = Password::for_login("correct horse battery staple");
        let wrong = Password::for_login("correct horse battery stapler");
        // Cheaper than the configured cost (the kept memory) and dearer
        // (memory of its own), in every algorithm and version.
        for m_kib in [32, 64, 256] {
            for algorithm in [Algorithm::Argon2id, Algorithm::Argon2i, Algorithm::Argon2d] {
                for version in [Version::V0x13, Version::V0x10] {
                    let params = Params::new(m_kib, 1, 1, Some(24)).expect("params");
                    let crate_hasher = Argon2::new(algorithm, version, params);
                    let stored = crate_hasher
                        .hash_password(pw.expose().as_bytes())
                        .expect("hash")
                        .to_string();
                    let parsed = PasswordHash::new(&stored).expect("parse");
                    for (candidate, expected) in [(&pw, true), (&wrong, false)] {
                        let by_crate = Argon2::default()
                            .verify_password(candidate.expose().as_bytes(), &parsed)
                            .is_ok();
                        assert_eq!(by_crate, expected, "{stored}");
                        assert_eq!(
                            verify_argon2(CHEAP, candidate, &stored),
                            expected,
                            "{stored}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn passlib_bcrypt_hashes_verify_and_are_upgraded() {
        // Made by Python bcrypt 4.0.1 (what passlib uses): password "secret123".
        let stored = "$2b$10$/9J.IJ4.NacP0jcGnfaZsuL9vg5ZWrQ2DowtcO2nX3VhepcaTNprK";
        let result = verify(CHEAP, &Password::for_login("secret123"), stored);
        assert!(
            matches!(result, Verification::Match { upgraded: Some(_) }),
            "{result:?}"
        );
        assert_eq!(
            verify(CHEAP, &Password::for_login("secret124"), stored),
            Verification::Mismatch
        );
    }

    #[test]
    fn garbage_hashes_never_match() {
        let pw = Password::for_login("");
        assert_eq!(verify(CHEAP, &pw, ""), Verification::Mismatch);
        assert_eq!(
            verify(CHEAP, &pw, "$argon2id$nonsense"),
            Verification::Mismatch
        );
        assert_eq!(verify(CHEAP, &pw, "plaintext"), Verification::Mismatch);
    }
}
