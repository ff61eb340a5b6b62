//! Typed settings, layered: command-line flag > `LATCHKEY_*` environment >
//! TOML file > default. Secrets may also come from `LATCHKEY_X_FILE` or the
//! systemd credentials directory. Every bad or unknown key stops start-up
//! with a message that names it.
//!
//! `sources` gathers the raw strings, `keys` is the table of every key and
//! how it is read (with the small parsers of `field`), starting from
//! `defaults`. Config is plain data: it reads nothing else of ours.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;

use crate::i18n::Lang;

mod database_url;
mod defaults;
mod field;
mod keys;
mod sources;

pub use database_url::DatabaseUrl;
use field::Field;
use sources::{Raw, read_env, read_flags, read_toml};

/// Every key latchkey understands, as written in TOML (env: upper-cased
/// with the `LATCHKEY_` prefix).
pub const KEYS: &[&str] = &keys::names::<{ keys::TABLE.len() }>(keys::TABLE);

/// Keys that may also come from `LATCHKEY_X_FILE` or `$CREDENTIALS_DIRECTORY`.
const SECRET_KEYS: &[&str] =
    &keys::secret_names::<{ keys::secret_count(keys::TABLE) }>(keys::TABLE);

/// Passwords longer than this are refused for new passwords.
pub const PASSWORD_MAX_LENGTH: usize = 128;
const PASSWORD_MIN_LENGTH_FLOOR: usize = 8;
const JWT_SECRET_MIN_BYTES: usize = 32;
/// Every duration setting: ten years (`"10y"` as humantime reads it), far
/// past any sane lifetime, yet small enough that adding it to today can
/// neither overflow nor leave year 9999.
pub const DURATION_MAX: Duration = Duration::from_secs(315_576_000);
/// argon2 cost ceilings: 1 GiB and 64 passes per hash already take
/// seconds; anything dearer is a typo that would stall every login.
pub const ARGON2_M_KIB_MAX: usize = 1024 * 1024;
pub const ARGON2_T_MAX: usize = 64;
pub const ARGON2_P_MAX: usize = 64;
const HASH_WORKERS_MAX: usize = 1024;
const HASH_QUEUE_MAX: usize = 100_000;
/// Ceiling of the throttling counts: beyond it a limit limits nothing.
const LIMIT_MAX: usize = 1_000_000;
const ACCOUNT_DELAYS_MAX: usize = 100;

/// A string that never prints: `Debug` shows `***`, and there is no
/// `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A signing algorithm of the key ring. Access tokens use `HS256` or
/// `EdDSA` (`LATCHKEY_JWT_ALG`); id_tokens use `RS256`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAlg {
    Hs256,
    EdDsa,
    Rs256,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// argon2id cost for new hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Cost {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

/// Everything the server and the commands need, fully validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
    pub jwt_secret: Option<Secret>,
    pub jwt_alg: JwtAlg,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// A refresh token unused this long expires (capped by `refresh_ttl`).
    pub refresh_idle_ttl: Duration,
    pub issuer: String,
    pub audience: Option<String>,
    pub password_min_length: usize,
    pub argon2: Argon2Cost,
    pub hash_workers: usize,
    pub hash_queue: usize,
    pub public_url: Option<String>,
    /// The domain whose subdomains share the session cookie
    /// (`LATCHKEY_COOKIE_DOMAIN`, forward auth); lower case, no leading dot.
    pub cookie_domain: Option<String>,
    pub trusted_proxies: Vec<IpNet>,
    pub refresh_grace: Duration,
    pub rate_limit: bool,
    /// The password grant at `POST /token` (`LATCHKEY_PASSWORD_GRANT`).
    pub password_grant: bool,
    pub log: String,
    pub log_format: LogFormat,
    /// Failed logins per account before the first wait.
    pub account_free_failures: u32,
    /// Waits after the free failures; the last one repeats.
    pub account_delays: Vec<Duration>,
    /// Failed logins per account per day.
    pub account_daily_limit: u32,
    /// Failed logins per client address per `address_failure_window`.
    pub address_failure_limit: u32,
    pub address_failure_window: Duration,
    /// Password attempts per client address per minute.
    pub address_attempt_limit: u32,
    /// HTTP worker threads; `None` = one per core. Not a config key: tests
    /// lower it to keep thread counts small.
    pub http_workers: Option<usize>,
    /// How often expired sessions, stale throttling counters and the like
    /// are purged. Not a config key: tests shorten it.
    pub housekeeping_interval: Duration,
    /// Outgoing mail (`LATCHKEY_SMTP_URL`, `LATCHKEY_MAIL_FROM`,
    /// `LATCHKEY_SMTP_PASSWORD`); off unless all it needs is given.
    pub mail: MailSettings,
    /// The language of pages when `Accept-Language` names none we speak,
    /// and of mails sent without a request (`LATCHKEY_DEFAULT_LANGUAGE`).
    pub default_language: Lang,
}

/// The SMTP server and sender of outgoing mail.
#[derive(Debug, Clone, Default)]
pub struct MailSettings {
    /// `smtp://` (STARTTLS when offered) or `smtps://` (implicit TLS); may
    /// hold a user and password, so it is kept as a secret.
    pub smtp_url: Option<Secret>,
    /// Overrides a password in the URL.
    pub smtp_password: Option<Secret>,
    /// The `From:` address.
    pub from: Option<String>,
    /// How long the queue sleeps when nothing wakes it, and the first wait
    /// before a retry (doubling after each failure). Not config keys: tests
    /// shorten them.
    pub poll_interval: Duration,
    pub retry_base: Duration,
}

impl MailSettings {
    /// Whether mail can go out: an SMTP server and a sender are set.
    pub fn is_configured(&self) -> bool {
        self.smtp_url.is_some() && self.from.is_some()
    }
}

/// Values given on the command line; they win over everything else.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub config: Option<PathBuf>,
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl Settings {
    /// Loads settings from the process environment and `flags`.
    pub fn load(flags: &Flags) -> Result<Self, ConfigError> {
        Self::from_sources(flags, std::env::vars().collect())
    }

    /// Loads settings from `flags` and an explicit environment, so tests can
    /// vary both without touching the process.
    pub fn from_sources(flags: &Flags, env: HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut raw: BTreeMap<&'static str, Raw> = BTreeMap::new();

        let config_path = flags
            .config
            .clone()
            .or_else(|| env.get("LATCHKEY_CONFIG").map(PathBuf::from));
        if let Some(path) = config_path {
            read_toml(&path, &mut raw)?;
        }
        read_env(&env, &mut raw)?;

        read_flags(flags, &mut raw);

        Self::parse(raw, &env)
    }

    /// Reads every key, in table order, over the defaults.
    fn parse(
        raw: BTreeMap<&'static str, Raw>,
        env: &HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let mut settings = defaults::settings(env);
        for key in keys::TABLE {
            (key.read)(&Field::new(key.name, &raw), &mut settings)?;
        }
        Ok(settings)
    }
}

impl Settings {
    /// The configured HS256 secret when it is what signs; `None` when the
    /// key ring in the data dir signs (no secret, or EdDSA, which ignores it).
    pub fn signing_secret(&self) -> Option<&Secret> {
        self.jwt_secret
            .as_ref()
            .filter(|_| self.jwt_alg == JwtAlg::Hs256)
    }
}

/// RFC 6265 domain-matching: `host` is `domain` or one of its subdomains.
/// Both in lower case.
pub fn domain_matches(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// Removes exactly one trailing `\n` or `\r\n`: what a secret file or
/// `--password-stdin` input ends with, never part of the secret.
pub fn strip_one_newline(mut text: String) -> String {
    if text.ends_with("\r\n") {
        text.truncate(text.len() - 2);
    } else if text.ends_with('\n') {
        text.truncate(text.len() - 1);
    }
    text
}

#[cfg(test)]
mod tests;
