//! Builds the running application from [`Settings`]: database, keys,
//! hasher, listener. The binary and the tests build it the same way.

use std::net::{SocketAddr, TcpListener};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;

use crate::config::{DatabaseUrl, Settings};
use crate::http::middleware;
use crate::routes;
use crate::state::AppState;

mod build_state;

use build_state::build_state;

/// Seconds in-flight requests get to finish after SIGTERM. Keep it below
/// `TimeoutStopSec=` in deploy/latchkey.service, or systemd kills first.
pub const SHUTDOWN_TIMEOUT_SECONDS: u64 = 10;

pub struct Application {
    port: u16,
    server: Server,
    setup_token: Option<String>,
}

impl Application {
    /// Migrates, loads keys, binds the listener. Blocking: tests call it
    /// directly; `serve::run` calls [`Self::build_on`] instead.
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::serve(build_state(settings)?, None)
    }

    /// The same, serving on `inherited` (systemd's socket) when given
    /// instead of binding `bind`. Migrations, the pool, the key ring and
    /// the hasher's dummy hash block, so they run off the async thread.
    pub async fn build_on(
        settings: Settings,
        inherited: Option<TcpListener>,
    ) -> anyhow::Result<Self> {
        let state = actix_web::rt::task::spawn_blocking(move || build_state(settings))
            .await
            .context("start-up stopped unexpectedly")??;
        Self::serve(state, inherited)
    }

    /// Binds (unless given a listener) and starts serving `state`.
    fn serve(state: AppState, inherited: Option<TcpListener>) -> anyhow::Result<Self> {
        let socket_activated = inherited.is_some();
        let listener = match inherited {
            Some(listener) => listener,
            None => TcpListener::bind(state.settings.bind)
                .with_context(|| format!("cannot listen on {}", state.settings.bind))?,
        };
        let listener_address = listener.local_addr()?;
        let port = listener_address.port();
        let setup_token = state.setup_token.clone();
        let public_url = state.settings.public_url.clone();
        let state = web::Data::new(state);
        crate::housekeeping::start(&state.clone().into_inner());
        crate::mail::queue::start(&state.clone().into_inner());
        let server = http_server(state, listener)?;
        tracing::info!(port, socket_activated, "latchkey is listening");
        if let Some(token) = &setup_token {
            announce_setup(public_url, listener_address, token);
        }
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

/// The route table and middleware over `state`, serving on `listener`.
fn http_server(state: web::Data<AppState>, listener: TcpListener) -> std::io::Result<Server> {
    let workers = state.settings.http_workers;
    let static_dir = static_dir();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .configure(routes::configure)
            .service(actix_files::Files::new("/static", &static_dir))
            .default_service(web::to(routes::not_found))
            .wrap(from_fn(crate::http::extract::renew_cookies))
            .wrap(from_fn(crate::http::language::content_language))
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
    };
    Ok(server.run())
}

/// Logs where the first administrator is created.
fn announce_setup(public_url: Option<String>, listener_address: SocketAddr, token: &str) {
    let base = public_url.unwrap_or_else(|| format!("http://{listener_address}"));
    // The one secret latchkey ever logs on purpose: the operator needs it,
    // and it dies with the first user.
    tracing::warn!("no users yet: create the first administrator at {base}/setup?token={token}");
}

/// Creates the data dir (mode 0700) when something will be kept there: the
/// generated signing secret, or a SQLite file inside it.
pub fn prepare_data_dir(settings: &Settings, keeps_secret: bool) -> anyhow::Result<()> {
    let sqlite_inside = matches!(&settings.database_url,
        DatabaseUrl::Sqlite(path) if path.starts_with(&settings.data_dir));
    if !keeps_secret && !sqlite_inside {
        return Ok(());
    }
    let dir = &settings.data_dir;
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!(
            "the data directory {} is a file, not a directory (see --data-dir, LATCHKEY_DATA_DIR)",
            dir.display()
        );
    }
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
