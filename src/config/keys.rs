//! The one table of settings: every key latchkey understands, whether it
//! may come from a secret file, and how its value is read into
//! [`Settings`]. [`super::KEYS`] and [`super::SECRET_KEYS`] are drawn from
//! it, so a key cannot be listed without being read.
//!
//! Keys are read in table order, so a key may use those read before it
//! (the default `database_url` lies inside `data_dir`).

use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;

use super::field::Field;
use super::{
    ACCOUNT_DELAYS_MAX, ARGON2_M_KIB_MAX, ARGON2_P_MAX, ARGON2_T_MAX, Argon2Cost, ConfigError,
    DURATION_MAX, DatabaseUrl, HASH_QUEUE_MAX, HASH_WORKERS_MAX, JWT_SECRET_MIN_BYTES, JwtAlg,
    LIMIT_MAX, LogFormat, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH_FLOOR, Secret, Settings,
};
use crate::i18n::Lang;

type Read = fn(&Field<'_>, &mut Settings) -> Result<(), ConfigError>;

/// One setting: its TOML name (env: upper-cased, `LATCHKEY_` prefix).
pub(super) struct Key {
    pub(super) name: &'static str,
    /// May also come from `LATCHKEY_X_FILE` or `$CREDENTIALS_DIRECTORY`.
    pub(super) secret: bool,
    pub(super) read: Read,
}

const fn plain(name: &'static str, read: Read) -> Key {
    Key {
        name,
        secret: false,
        read,
    }
}

const fn secret(name: &'static str, read: Read) -> Key {
    Key {
        name,
        secret: true,
        read,
    }
}

pub(super) const TABLE: &[Key] = &[
    plain("bind", read_bind),
    plain("data_dir", read_data_dir),
    secret("database_url", read_database_url),
    plain("jwt_alg", |f, s| {
        let options = [("HS256", JwtAlg::Hs256), ("EdDSA", JwtAlg::EdDsa)];
        s.jwt_alg = f.choice(s.jwt_alg, &options, "HS256 or EdDSA")?;
        Ok(())
    }),
    secret("jwt_secret", read_jwt_secret),
    plain("access_ttl", |f, s| {
        s.access_ttl = f.duration(s.access_ttl)?;
        Ok(())
    }),
    plain("refresh_ttl", |f, s| {
        s.refresh_ttl = f.duration(s.refresh_ttl)?;
        Ok(())
    }),
    plain("refresh_idle_ttl", |f, s| {
        s.refresh_idle_ttl = f.duration(s.refresh_idle_ttl)?;
        Ok(())
    }),
    plain("refresh_grace", |f, s| {
        // Zero turns the grace off: every second presentation is reuse.
        s.refresh_grace = match f.text() {
            Some("0") | Some("0s") => Duration::ZERO,
            _ => f.duration(s.refresh_grace)?,
        };
        Ok(())
    }),
    plain("password_min_length", |f, s| {
        let (min, max) = (PASSWORD_MIN_LENGTH_FLOOR, PASSWORD_MAX_LENGTH);
        s.password_min_length = f.number(s.password_min_length, min, max)?;
        Ok(())
    }),
    plain("argon2_m_kib", |f, s| {
        s.argon2.m_kib = f.number32(s.argon2.m_kib, 8, ARGON2_M_KIB_MAX)?;
        Ok(())
    }),
    plain("argon2_t", |f, s| {
        s.argon2.t = f.number32(s.argon2.t, 1, ARGON2_T_MAX)?;
        Ok(())
    }),
    plain("argon2_p", read_argon2_p),
    plain("hash_workers", |f, s| {
        s.hash_workers = f.number(s.hash_workers, 1, HASH_WORKERS_MAX)?;
        s.hash_queue = 4 * s.hash_workers;
        Ok(())
    }),
    plain("hash_queue", |f, s| {
        s.hash_queue = f.number(s.hash_queue, 1, HASH_QUEUE_MAX)?;
        Ok(())
    }),
    plain("public_url", read_public_url),
    plain("cookie_domain", read_cookie_domain),
    plain("issuer", read_issuer),
    plain("audience", |f, s| {
        s.audience = match f.text() {
            // An empty `aud` would be required of every token yet match none.
            Some("") => return Err(f.fail("must not be empty; leave it unset")),
            other => other.map(str::to_owned),
        };
        Ok(())
    }),
    plain("trusted_proxies", |f, s| {
        let separator = |c: char| c == ',' || c.is_whitespace();
        let cidr = |text: &str| (!text.is_empty()).then(|| parse_cidr(text)).transpose();
        s.trusted_proxies = f.list(separator, cidr)?.unwrap_or_default();
        Ok(())
    }),
    plain("rate_limit", |f, s| {
        let options = [("on", true), ("off", false)];
        s.rate_limit = f.choice(s.rate_limit, &options, "\"on\" or \"off\"")?;
        Ok(())
    }),
    plain("password_grant", |f, s| {
        let options = [("on", true), ("off", false)];
        s.password_grant = f.choice(s.password_grant, &options, "\"on\" or \"off\"")?;
        Ok(())
    }),
    plain("log", |f, s| {
        if let Some(filter) = f.text() {
            s.log = filter.to_owned();
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&s.log) {
            return Err(f.fail(format!("invalid filter: {e}")));
        }
        check_bare_levels(&s.log).map_err(|e| f.fail(e))
    }),
    plain("log_format", |f, s| {
        let options = [("text", LogFormat::Text), ("json", LogFormat::Json)];
        s.log_format = f.choice(s.log_format, &options, "\"text\" or \"json\"")?;
        Ok(())
    }),
    plain("account_free_failures", |f, s| {
        s.account_free_failures = f.number32(s.account_free_failures, 1, LIMIT_MAX)?;
        Ok(())
    }),
    plain("account_delays", read_account_delays),
    plain("account_daily_limit", |f, s| {
        s.account_daily_limit = f.number32(s.account_daily_limit, 1, LIMIT_MAX)?;
        Ok(())
    }),
    plain("address_failure_limit", |f, s| {
        s.address_failure_limit = f.number32(s.address_failure_limit, 1, LIMIT_MAX)?;
        Ok(())
    }),
    plain("address_failure_window", |f, s| {
        s.address_failure_window = f.duration(s.address_failure_window)?;
        Ok(())
    }),
    plain("address_attempt_limit", |f, s| {
        s.address_attempt_limit = f.number32(s.address_attempt_limit, 1, LIMIT_MAX)?;
        Ok(())
    }),
    secret("smtp_url", read_smtp_url),
    secret("smtp_password", |f, s| {
        s.mail.smtp_password = match f.text() {
            Some("") => return Err(f.fail("must not be empty; leave it unset")),
            other => other.map(Secret::new),
        };
        Ok(())
    }),
    plain("mail_from", read_mail_from),
    plain("default_language", |f, s| {
        if let Some(tag) = f.text() {
            s.default_language = Lang::from_tag(tag).ok_or_else(|| {
                f.fail(format!(
                    "expected one of {}, got {tag:?}",
                    Lang::listed_tags()
                ))
            })?;
        }
        Ok(())
    }),
];

/// The names of the keys in `table`.
pub(super) const fn names<const N: usize>(table: &[Key]) -> [&'static str; N] {
    let mut names = [""; N];
    let mut i = 0;
    while i < N {
        names[i] = table[i].name;
        i += 1;
    }
    names
}

/// How many keys in `table` are secrets.
pub(super) const fn secret_count(table: &[Key]) -> usize {
    let (mut count, mut i) = (0, 0);
    while i < table.len() {
        if table[i].secret {
            count += 1;
        }
        i += 1;
    }
    count
}

/// The names of the secret keys in `table`, `N` of them.
pub(super) const fn secret_names<const N: usize>(table: &[Key]) -> [&'static str; N] {
    let mut names = [""; N];
    let (mut found, mut i) = (0, 0);
    while i < table.len() {
        if table[i].secret {
            names[found] = table[i].name;
            found += 1;
        }
        i += 1;
    }
    names
}

fn read_bind(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    let Some(text) = f.text() else {
        return Ok(());
    };
    s.bind = text.parse().map_err(|_| {
        f.fail(format!(
            "expected an IP address and port such as 127.0.0.1:8080 or [::]:8080, got {text:?}"
        ))
    })?;
    // The default issuer follows the address (see `read_issuer`).
    s.issuer = format!("http://{}", s.bind);
    Ok(())
}

fn read_data_dir(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    match f.text() {
        Some("") => return Err(f.fail("must not be empty")),
        Some(dir) => s.data_dir = PathBuf::from(dir),
        None => {}
    }
    s.database_url = DatabaseUrl::inside(&s.data_dir);
    Ok(())
}

fn read_database_url(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    if let Some(text) = f.text() {
        s.database_url = DatabaseUrl::parse(text).map_err(|e| f.fail(e))?;
    }
    Ok(())
}

fn read_jwt_secret(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    let Some(text) = f.text() else {
        return Ok(());
    };
    if text.len() < JWT_SECRET_MIN_BYTES {
        return Err(f.fail(format!(
            "must be at least {JWT_SECRET_MIN_BYTES} bytes (got {})",
            text.len()
        )));
    }
    s.jwt_secret = Some(Secret::new(text));
    Ok(())
}

/// The last of the three argon2 keys, so it also checks them together.
fn read_argon2_p(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    s.argon2.p = f.number32(s.argon2.p, 1, ARGON2_P_MAX)?;
    let Argon2Cost { m_kib, t, p } = s.argon2;
    if let Err(e) = argon2::Params::new(m_kib, t, p, None) {
        // The one joint rule: at least 8 KiB of memory per lane.
        return Err(f.fail_on(
            "argon2_m_kib",
            format!("argon2 parameters rejected: {e} (argon2_m_kib must be at least 8 x argon2_p)"),
        ));
    }
    Ok(())
}

fn read_public_url(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    s.public_url = match f.text() {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
            Some(url.trim_end_matches('/').to_owned())
        }
        Some(url) => {
            return Err(f.fail(format!("must start with https:// or http://, got {url:?}")));
        }
        None => None,
    };
    if let Some(url) = &s.public_url {
        s.issuer = url.clone();
    }
    Ok(())
}

/// A registrable domain whose subdomains share the browser session (forward
/// auth): it must hold the public URL's host, and the public URL must be
/// https, since the cookie is then `__Secure-` and goes to every subdomain.
fn read_cookie_domain(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    let Some(text) = f.text() else {
        return Ok(());
    };
    let domain = text.trim().trim_start_matches('.').to_ascii_lowercase();
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    // One label alone (`com`, `localhost`) would share the cookie with
    // every site under it.
    if !domain.contains('.') || !domain.split('.').all(label_ok) {
        return Err(f.fail(format!(
            "must be a domain name with at least two labels, such as \"example.com\", got {text:?}"
        )));
    }
    let public_host = s
        .public_url
        .as_deref()
        .filter(|url| url.starts_with("https://"))
        .and_then(|url| url::Url::parse(url).ok())
        .and_then(|url| match url.host() {
            Some(url::Host::Domain(host)) => Some(host.to_owned()),
            _ => None,
        });
    let Some(host) = public_host else {
        return Err(f.fail(
            "needs public_url (LATCHKEY_PUBLIC_URL) set to an https:// URL with a domain name: \
             the shared cookie is Secure and names that domain",
        ));
    };
    if !crate::config::domain_matches(&host, &domain) {
        return Err(f.fail(format!(
            "must be the public URL's host {host:?} or a parent domain of it, got {text:?}"
        )));
    }
    s.cookie_domain = Some(domain);
    Ok(())
}

/// Defaults to the public URL, else to `http://` and the bind address.
fn read_issuer(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    match f.text() {
        // Every URL in the metadata starts with it.
        Some(issuer) if !issuer.starts_with("https://") && !issuer.starts_with("http://") => Err(f
            .fail(format!(
                "must start with https:// or http://, got {issuer:?}"
            ))),
        Some(issuer) => {
            s.issuer = issuer.trim_end_matches('/').to_owned();
            Ok(())
        }
        None => Ok(()),
    }
}

fn read_account_delays(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    let delay = |text: &str| {
        humantime::parse_duration(text.trim())
            .map(Some)
            .map_err(|e| format!("expected durations like \"1s,3s,5s,10s\": {e}"))
    };
    let Some(delays) = f.list(|c| c == ',', delay)? else {
        return Ok(());
    };
    if delays.is_empty() {
        return Err(f.fail("needs at least one duration"));
    }
    if delays.len() > ACCOUNT_DELAYS_MAX {
        return Err(f.fail(format!("at most {ACCOUNT_DELAYS_MAX} durations")));
    }
    if delays.iter().any(|d| *d > DURATION_MAX) {
        return Err(f.fail("each duration must be at most 10 years"));
    }
    s.account_delays = delays;
    Ok(())
}

/// tracing reads a bare word such as `verbose` as a target to show at
/// every level, and then shows nothing else: the setup link would vanish
/// without a word. A target has to be written `target=level` instead.
fn check_bare_levels(filter: &str) -> Result<(), String> {
    const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "off"];
    for directive in filter.split(',').map(str::trim) {
        let bare = !directive.is_empty() && !directive.contains(['=', '[']);
        if bare && !LEVELS.contains(&directive.to_ascii_lowercase().as_str()) {
            return Err(format!(
                "{directive:?} is not a level: use one of {} or target=level, e.g. \"info,latchkey=debug\"",
                LEVELS.join(", ")
            ));
        }
    }
    Ok(())
}

/// `smtp://[user[:password]@]host[:port]` or `smtps://...`; the error
/// never repeats the URL, which may hold a password.
fn read_smtp_url(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    let Some(text) = f.text() else {
        return Ok(());
    };
    let url = url::Url::parse(text).map_err(|e| {
        f.fail(format!(
            "expected smtp://host:port or smtps://host:port: {e}"
        ))
    })?;
    if !matches!(url.scheme(), "smtp" | "smtps") {
        return Err(f.fail(format!(
            "the scheme must be smtp:// or smtps://, got {}://",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(f.fail("names no host"));
    }
    s.mail.smtp_url = Some(Secret::new(text));
    Ok(())
}

/// A bare address (`latchkey@example.com`) or a name and address
/// (`latchkey <latchkey@example.com>`).
fn read_mail_from(f: &Field<'_>, s: &mut Settings) -> Result<(), ConfigError> {
    let Some(text) = f.text() else {
        return Ok(());
    };
    let address = match (text.rfind('<'), text.strip_suffix('>')) {
        (Some(open), Some(inner)) => &inner[open + 1..],
        _ => text,
    };
    let valid = address
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
        && !address.contains(char::is_whitespace);
    if !valid {
        return Err(f.fail(format!(
            "expected an address such as latchkey@example.com or \"latchkey <latchkey@example.com>\", got {text:?}"
        )));
    }
    s.mail.from = Some(text.to_owned());
    Ok(())
}

fn parse_cidr(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is not an IP address or CIDR"))
}
