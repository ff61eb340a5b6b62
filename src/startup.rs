//! Builds the running application from [`Settings`]: database, keys,
//! hasher, listener. The binary and the tests build it the same way.

use std::net::TcpListener;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::auth::address_limit::{AddressLimits, AddressPolicy};
use crate::auth::hasher::Hasher;
use crate::auth::jwt::TokenSigner;
use crate::auth::keys::{KeyRing, StoredKey};
use crate::config::Settings;
use crate::db::login_failures::AccountPolicy;
use crate::http::middleware;
use crate::metrics::Metrics;
use crate::state::AppState;
use crate::{db, routes};

/// Seconds in-flight requests get to finish after SIGTERM. Keep it below
/// `TimeoutStopSec=` in deploy/latchkey.service, or systemd kills first.
pub const SHUTDOWN_TIMEOUT_SECONDS: u64 = 10;

pub struct Application {
    port: u16,
    server: Server,
    setup_token: Option<String>,
}

impl Application {
    /// Migrates, loads keys, binds the listener. Blocking: call it before
    /// serving, not from a request handler.
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_on(settings, None)
    }

    /// The same, serving on `inherited` (systemd's socket) when given
    /// instead of binding `bind`.
    pub fn build_on(settings: Settings, inherited: Option<TcpListener>) -> anyhow::Result<Self> {
        let state = build_state(settings)?;
        let socket_activated = inherited.is_some();
        let listener = match inherited {
            Some(listener) => listener,
            None => TcpListener::bind(state.settings.bind)
                .with_context(|| format!("cannot listen on {}", state.settings.bind))?,
        };
        let listener_address = listener.local_addr()?;
        let port = listener_address.port();
        let workers = state.settings.http_workers;
        let state = web::Data::new(state);
        crate::housekeeping::start(&state.clone().into_inner());
        let announced = state.clone();
        let static_dir = static_dir();

        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .configure(routes::configure)
                .service(actix_files::Files::new("/static", &static_dir))
                .default_service(web::to(routes::not_found))
                .wrap(from_fn(crate::http::extract::renew_cookies))
                .wrap(from_fn(middleware::security_headers))
                .wrap(from_fn(middleware::access_log))
                .wrap(from_fn(middleware::record_metrics))
        })
        .shutdown_timeout(SHUTDOWN_TIMEOUT_SECONDS)
        // Signals are handled by `serve::run`, which tells systemd before
        // stopping; tests stop their servers by dropping them.
        .disable_signals()
        .listen(listener)?;
        let server = match workers {
            Some(n) => server.workers(n),
            None => server,
        }
        .run();
        tracing::info!(port, socket_activated, "latchkey is listening");
        if let Some(token) = &announced.setup_token {
            let base = match &announced.settings.public_url {
                Some(url) => url.clone(),
                None => format!("http://{}", listener_address),
            };
            // The one secret latchkey ever logs on purpose: the operator
            // needs it, and it dies with the first user.
            tracing::warn!(
                "no users yet: create the first administrator at {base}/setup?token={token}"
            );
        }
        let setup_token = announced.setup_token.clone();
        Ok(Self {
            port,
            server,
            setup_token,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The one-time token of `/setup`, when the database had no user.
    pub fn setup_token(&self) -> Option<&str> {
        self.setup_token.as_deref()
    }

    /// Stops the server from elsewhere (see `serve::run`).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    let url = settings.database_url.expose();
    let shared_secret = settings.signing_secret().cloned();
    if shared_secret.is_none() && settings.jwt_secret.is_some() {
        tracing::warn!(
            "LATCHKEY_JWT_SECRET is unused with LATCHKEY_JWT_ALG=EdDSA; the key ring signs"
        );
    }
    prepare_data_dir(&settings, shared_secret.is_none())?;
    let applied = db::migrate(url).context("database migration failed")?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    let pool = db::build_pool(url).map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
    let ring_path = shared_secret
        .is_none()
        .then(|| KeyRing::path(&settings.data_dir));
    let ring = match &shared_secret {
        Some(secret) => KeyRing {
            keys: vec![StoredKey::from_secret(secret)],
        },
        None => KeyRing::load_or_create(&settings.data_dir, settings.jwt_alg, settings.access_ttl)?,
    };
    let tokens = Arc::new(TokenSigner::new(
        &ring,
        ring_path,
        settings.jwt_alg,
        &settings.issuer,
        settings.audience.as_deref(),
        settings.access_ttl,
    )?);
    tokens.watch();
    let hasher = Hasher::start(settings.hash_workers, settings.hash_queue, settings.argon2)?;
    let mut conn = pool.get().context("cannot open the database")?;
    let setup_token = (db::users::count(&mut conn)? == 0).then(|| {
        let mut bytes = [0u8; 24];
        rand::fill(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    });
    drop(conn);
    let account_policy = AccountPolicy {
        free_failures: i64::from(settings.account_free_failures),
        delays_ms: settings
            .account_delays
            .iter()
            .map(|d| d.as_millis() as i64)
            .collect(),
        daily_limit: i64::from(settings.account_daily_limit),
    };
    let address_limits = settings.rate_limit.then(|| {
        AddressLimits::new(AddressPolicy {
            failure_limit: settings.address_failure_limit,
            failure_window: settings.address_failure_window,
            attempts_per_minute: settings.address_attempt_limit,
        })
    });
    Ok(AppState {
        pool,
        hasher,
        tokens,
        settings,
        account_policy,
        account_waiters: Default::default(),
        address_limits,
        setup_token,
        metrics: Metrics::default(),
    })
}

/// Creates the data dir (mode 0700) when something will be kept there: the
/// generated signing secret, or a SQLite file inside it.
pub fn prepare_data_dir(settings: &Settings, keeps_secret: bool) -> anyhow::Result<()> {
    let url = settings.database_url.expose();
    let sqlite_inside = !db::is_postgres_url(url)
        && Path::new(db::sqlite_path(url)).starts_with(&settings.data_dir);
    if !keeps_secret && !sqlite_inside {
        return Ok(());
    }
    let dir = &settings.data_dir;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))
}

/// `./static` when run from a checkout or next to the assets, else the
/// assets of the source tree this binary was built from.
fn static_dir() -> PathBuf {
    let local = PathBuf::from("static");
    if local.is_dir() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("static")
}
