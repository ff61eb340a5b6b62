//! Typed settings, layered: command-line flag > `LATCHKEY_*` environment >
//! TOML file > default. Secrets may also come from `LATCHKEY_X_FILE` or the
//! systemd credentials directory. Every bad or unknown key stops start-up
//! with a message that names it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;

mod sources;

use sources::{Origin, Raw, label, read_env, read_toml};

/// Every key latchkey understands, as written in TOML (env: upper-cased
/// with the `LATCHKEY_` prefix).
pub const KEYS: &[&str] = &[
    "bind",
    "data_dir",
    "database_url",
    "jwt_secret",
    "jwt_alg",
    "access_ttl",
    "refresh_ttl",
    "refresh_idle_ttl",
    "issuer",
    "audience",
    "password_min_length",
    "argon2_m_kib",
    "argon2_t",
    "argon2_p",
    "hash_workers",
    "hash_queue",
    "public_url",
    "trusted_proxies",
    "refresh_grace",
    "rate_limit",
    "log",
    "log_format",
    "account_free_failures",
    "account_delays",
    "account_daily_limit",
    "address_failure_limit",
    "address_failure_window",
    "address_attempt_limit",
];

/// Keys that may also come from `LATCHKEY_X_FILE` or `$CREDENTIALS_DIRECTORY`.
const SECRET_KEYS: &[&str] = &["jwt_secret", "database_url"];

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

/// A string that never prints: `Debug` and `Display` show `***`.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAlg {
    Hs256,
    EdDsa,
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
    pub database_url: Secret,
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
    pub trusted_proxies: Vec<IpNet>,
    pub refresh_grace: Duration,
    pub rate_limit: bool,
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

        let flag_values = [
            ("bind", "bind", flags.bind.clone()),
            (
                "data_dir",
                "data-dir",
                flags.data_dir.as_ref().map(|p| p.display().to_string()),
            ),
            ("database_url", "database-url", flags.database_url.clone()),
        ];
        for (key, flag, value) in flag_values {
            if let Some(value) = value {
                let origin = Origin::Flag(flag);
                raw.insert(key, Raw { value, origin });
            }
        }

        Self::parse(raw, &env)
    }

    fn parse(
        raw: BTreeMap<&'static str, Raw>,
        env: &HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let field = |key: &str| raw.get(key);
        let get = |key: &str| raw.get(key).map(|r| r.value.as_str());
        let fail = |key: &str, message: String| -> ConfigError {
            let origin = raw
                .get(key)
                .map(|r| r.origin.clone())
                .unwrap_or(Origin::Env);
            ConfigError(format!("{}: {message}", label(key, &origin)))
        };

        let bind_text = get("bind").unwrap_or("127.0.0.1:8080");
        let bind: SocketAddr = bind_text.parse().map_err(|_| {
            fail(
                "bind",
                format!(
                    "expected an IP address and port such as 127.0.0.1:8080 or [::]:8080, got {bind_text:?}"
                ),
            )
        })?;
        let data_dir = match get("data_dir") {
            Some("") => return Err(fail("data_dir", "must not be empty".into())),
            Some(dir) => PathBuf::from(dir),
            None => default_data_dir(env),
        };
        let database_url = match get("database_url") {
            Some(url) => {
                if !url.starts_with("sqlite:") && !crate::db::is_postgres_url(url) {
                    return Err(fail(
                        "database_url",
                        "must start with sqlite:// or postgres://".into(),
                    ));
                }
                Secret::new(url)
            }
            None => Secret::new(format!(
                "sqlite://{}",
                data_dir.join("latchkey.db").display()
            )),
        };

        let jwt_alg = match get("jwt_alg").unwrap_or("HS256") {
            "HS256" => JwtAlg::Hs256,
            "EdDSA" => JwtAlg::EdDsa,
            other => {
                return Err(fail(
                    "jwt_alg",
                    format!("expected HS256 or EdDSA, got {other:?}"),
                ));
            }
        };
        let jwt_secret = match field("jwt_secret") {
            Some(r) if r.value.len() < JWT_SECRET_MIN_BYTES => {
                return Err(fail(
                    "jwt_secret",
                    format!(
                        "must be at least {JWT_SECRET_MIN_BYTES} bytes (got {})",
                        r.value.len()
                    ),
                ));
            }
            Some(r) => Some(Secret::new(r.value.clone())),
            None => None,
        };

        let duration = |key: &str, default: &str| -> Result<Duration, ConfigError> {
            let text = get(key).unwrap_or(default);
            let value = humantime::parse_duration(text).map_err(|e| {
                fail(
                    key,
                    format!("invalid duration {text:?} ({e}); write e.g. \"30m\""),
                )
            })?;
            if value.is_zero() {
                return Err(fail(key, "must be longer than zero".into()));
            }
            if value > DURATION_MAX {
                return Err(fail(key, format!("must be at most 10 years, got {text:?}")));
            }
            Ok(value)
        };
        let access_ttl = duration("access_ttl", "30m")?;
        let refresh_ttl = duration("refresh_ttl", "14d")?;
        let refresh_idle_ttl = duration("refresh_idle_ttl", "7d")?;
        // Zero turns the grace off: every second presentation is reuse.
        let refresh_grace = match get("refresh_grace") {
            Some("0") | Some("0s") => Duration::ZERO,
            _ => duration("refresh_grace", "5s")?,
        };

        let number = |key: &str, default: usize, min: usize, max: usize| {
            let Some(text) = get(key) else {
                return Ok(default);
            };
            let value: usize = text
                .parse()
                .map_err(|_| fail(key, format!("expected a whole number, got {text:?}")))?;
            if value < min {
                return Err(fail(key, format!("must be at least {min} (got {value})")));
            }
            if value > max {
                return Err(fail(key, format!("must be at most {max} (got {value})")));
            }
            Ok(value)
        };
        let password_min_length = number(
            "password_min_length",
            15,
            PASSWORD_MIN_LENGTH_FLOOR,
            PASSWORD_MAX_LENGTH,
        )?;
        let number32 = |key: &str, default: usize, min: usize, max: usize| {
            let value = number(key, default, min, max)?;
            u32::try_from(value).map_err(|_| fail(key, format!("must be at most {}", u32::MAX)))
        };
        let argon2 = Argon2Cost {
            m_kib: number32("argon2_m_kib", 19456, 8, ARGON2_M_KIB_MAX)?,
            t: number32("argon2_t", 2, 1, ARGON2_T_MAX)?,
            p: number32("argon2_p", 1, 1, ARGON2_P_MAX)?,
        };
        if let Err(e) = argon2::Params::new(argon2.m_kib, argon2.t, argon2.p, None) {
            // The one joint rule: at least 8 KiB of memory per lane.
            return Err(fail(
                "argon2_m_kib",
                format!(
                    "argon2 parameters rejected: {e} (argon2_m_kib must be at least 8 x argon2_p)"
                ),
            ));
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let hash_workers = number(
            "hash_workers",
            cores.min(HASH_WORKERS_MAX),
            1,
            HASH_WORKERS_MAX,
        )?;
        let hash_queue = number("hash_queue", 4 * hash_workers, 1, HASH_QUEUE_MAX)?;

        let public_url = match get("public_url") {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                Some(url.trim_end_matches('/').to_owned())
            }
            Some(url) => {
                return Err(fail(
                    "public_url",
                    format!("must start with https:// or http://, got {url:?}"),
                ));
            }
            None => None,
        };
        let issuer = match (get("issuer"), &public_url) {
            // Every URL in the metadata starts with it.
            (Some(issuer), _)
                if !issuer.starts_with("https://") && !issuer.starts_with("http://") =>
            {
                return Err(fail(
                    "issuer",
                    format!("must start with https:// or http://, got {issuer:?}"),
                ));
            }
            (Some(issuer), _) => issuer.trim_end_matches('/').to_owned(),
            (None, Some(url)) => url.clone(),
            (None, None) => format!("http://{bind}"),
        };
        let audience = match get("audience") {
            // An empty `aud` would be required of every token yet match none.
            Some("") => return Err(fail("audience", "must not be empty; leave it unset".into())),
            other => other.map(str::to_owned),
        };

        let trusted_proxies = match get("trusted_proxies") {
            Some(list) => list
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|s| !s.is_empty())
                .map(|cidr| parse_cidr(cidr).map_err(|e| fail("trusted_proxies", e)))
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let rate_limit = match get("rate_limit").unwrap_or("on") {
            "on" => true,
            "off" => false,
            other => {
                return Err(fail(
                    "rate_limit",
                    format!("expected \"on\" or \"off\", got {other:?}"),
                ));
            }
        };
        let log = get("log").unwrap_or("info").to_owned();
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&log) {
            return Err(fail("log", format!("invalid filter: {e}")));
        }
        let log_format = match get("log_format").unwrap_or("text") {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(fail(
                    "log_format",
                    format!("expected \"text\" or \"json\", got {other:?}"),
                ));
            }
        };

        let account_free_failures = number32("account_free_failures", 5, 1, LIMIT_MAX)?;
        let account_delays = match get("account_delays") {
            None => [1, 3, 5, 10].map(Duration::from_secs).to_vec(),
            Some(list) => list
                .split(',')
                .map(|d| humantime::parse_duration(d.trim()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    fail(
                        "account_delays",
                        format!("expected durations like \"1s,3s,5s,10s\": {e}"),
                    )
                })?,
        };
        if account_delays.is_empty() {
            return Err(fail("account_delays", "needs at least one duration".into()));
        }
        if account_delays.len() > ACCOUNT_DELAYS_MAX {
            return Err(fail(
                "account_delays",
                format!("at most {ACCOUNT_DELAYS_MAX} durations"),
            ));
        }
        if account_delays.iter().any(|d| *d > DURATION_MAX) {
            return Err(fail(
                "account_delays",
                "each duration must be at most 10 years".into(),
            ));
        }
        let account_daily_limit = number32("account_daily_limit", 100, 1, LIMIT_MAX)?;
        let address_failure_limit = number32("address_failure_limit", 30, 1, LIMIT_MAX)?;
        let address_failure_window = duration("address_failure_window", "5m")?;
        let address_attempt_limit = number32("address_attempt_limit", 300, 1, LIMIT_MAX)?;

        Ok(Self {
            bind,
            data_dir,
            database_url,
            jwt_secret,
            jwt_alg,
            access_ttl,
            refresh_ttl,
            refresh_idle_ttl,
            issuer,
            audience,
            password_min_length,
            argon2,
            hash_workers,
            hash_queue,
            public_url,
            trusted_proxies,
            refresh_grace,
            rate_limit,
            log,
            log_format,
            account_free_failures,
            account_delays,
            account_daily_limit,
            address_failure_limit,
            address_failure_window,
            address_attempt_limit,
            http_workers: None,
            housekeeping_interval: Duration::from_secs(300),
        })
    }
}

fn default_data_dir(env: &HashMap<String, String>) -> PathBuf {
    // systemd may list several state directories separated by ':'.
    match env
        .get("STATE_DIRECTORY")
        .and_then(|dirs| dirs.split(':').next())
    {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from("./data"),
    }
}

fn parse_cidr(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is not an IP address or CIDR"))
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
