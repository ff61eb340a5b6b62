//! The settings when no source gives anything: the defaults of the spec,
//! and those drawn from the environment (`STATE_DIRECTORY`) or the machine
//! (one hash worker per core). Each key's reader starts from these.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::i18n::Lang;

use super::{Argon2Cost, DatabaseUrl, HASH_WORKERS_MAX, JwtAlg, LogFormat, MailSettings, Settings};

pub(super) fn settings(env: &HashMap<String, String>) -> Settings {
    let data_dir = default_data_dir(env);
    let bind = SocketAddr::from(([127, 0, 0, 1], 8080));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let hash_workers = cores.min(HASH_WORKERS_MAX);
    Settings {
        bind,
        database_url: DatabaseUrl::inside(&data_dir),
        data_dir,
        jwt_secret: None,
        jwt_alg: JwtAlg::Hs256,
        access_ttl: Duration::from_secs(30 * 60),
        refresh_ttl: Duration::from_secs(14 * 86_400),
        refresh_idle_ttl: Duration::from_secs(7 * 86_400),
        issuer: format!("http://{bind}"),
        audience: None,
        password_min_length: 15,
        argon2: Argon2Cost {
            m_kib: 19456,
            t: 2,
            p: 1,
        },
        hash_workers,
        hash_queue: 4 * hash_workers,
        public_url: None,
        cookie_domain: None,
        trusted_proxies: Vec::new(),
        refresh_grace: Duration::from_secs(5),
        rate_limit: true,
        password_grant: true,
        log: "info".to_owned(),
        log_format: LogFormat::Text,
        account_free_failures: 5,
        account_delays: [1, 3, 5, 10].map(Duration::from_secs).to_vec(),
        account_daily_limit: 100,
        address_failure_limit: 30,
        address_failure_window: Duration::from_secs(5 * 60),
        address_attempt_limit: 300,
        http_workers: None,
        housekeeping_interval: Duration::from_secs(300),
        mail: MailSettings {
            poll_interval: Duration::from_secs(30),
            retry_base: Duration::from_secs(30),
            ..MailSettings::default()
        },
        default_language: Lang::En,
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
