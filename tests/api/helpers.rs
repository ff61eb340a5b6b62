//! Test support: the real server on port 0 with its own fresh database.

use std::collections::HashMap;
use std::path::PathBuf;

use latchkey::auth::credentials::Password;
use latchkey::auth::password;
use latchkey::config::{Argon2Cost, Flags, Settings};
use latchkey::db::{self, users};
use latchkey::startup::Application;

pub const EMAIL: &str = "alice@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

/// The environment variable naming a PostgreSQL server for the tests, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`. `.ci/run` always sets it.
pub const POSTGRES_ENV: &str = "TEST_POSTGRES_URL";

/// The environment variable choosing the backend under every `TestApp`:
/// `postgres` (a fresh database on `TEST_POSTGRES_URL` per test) or unset /
/// `sqlite` (a fresh file in the test's data dir).
pub const BACKEND_ENV: &str = "TEST_BACKEND";

/// Whether this run puts every `TestApp` on PostgreSQL. A misspelt backend
/// stops the run rather than quietly testing SQLite twice.
pub fn postgres_backend() -> bool {
    match std::env::var(BACKEND_ENV).as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Ok("") | Err(_) => false,
        Ok(other) => panic!("{BACKEND_ENV}={other}: use postgres or sqlite"),
    }
}

pub struct TestApp {
    pub address: String,
    /// The `/setup` token the server announced, if it started with no user.
    pub setup_token: Option<String>,
    pub settings: Settings,
    pub client: reqwest::Client,
    /// Keeps the data dir alive as long as the app.
    pub dir: std::sync::Arc<tempfile::TempDir>,
    /// The PostgreSQL database, shared with instances started by
    /// [`TestApp::restart`]; dropped with the last of them.
    pub database: Option<std::sync::Arc<PgDatabase>>,
}

/// Settings for a test server: port 0, a fresh data dir, small pools.
pub fn test_settings(dir: &tempfile::TempDir) -> Settings {
    let flags = Flags {
        bind: Some("127.0.0.1:0".into()),
        data_dir: Some(dir.path().to_owned()),
        ..Flags::default()
    };
    let mut settings = Settings::from_sources(&flags, HashMap::new()).expect("test settings load");
    settings.hash_workers = 2;
    settings.hash_queue = 8;
    settings.http_workers = Some(2);
    settings
}

impl TestApp {
    /// A server on SQLite with one user, alice, holding scope `read`.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let app = Self::spawn_empty(adjust).await;
        app.add_user(EMAIL, PASSWORD, &["read"]);
        app
    }

    /// A server whose database holds no user yet (first run), on the
    /// backend [`BACKEND_ENV`] names.
    pub async fn spawn_empty(adjust: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = test_settings(&dir);
        let database = postgres_backend().then(|| {
            let database = PgDatabase::create()
                .unwrap_or_else(|| panic!("{BACKEND_ENV}=postgres needs {POSTGRES_ENV}"));
            settings.database_url =
                latchkey::config::DatabaseUrl::parse(&database.url).expect("database URL");
            std::sync::Arc::new(database)
        });
        adjust(&mut settings);
        Self::start(settings, std::sync::Arc::new(dir), database)
    }

    /// The same, on a fresh PostgreSQL database; `None` (with a loud note)
    /// when no server is configured.
    pub async fn spawn_postgres() -> Option<Self> {
        Self::spawn_postgres_with(|_| {}).await
    }

    pub async fn spawn_postgres_with(adjust: impl FnOnce(&mut Settings)) -> Option<Self> {
        let database = PgDatabase::create()?;
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = test_settings(&dir);
        settings.database_url =
            latchkey::config::DatabaseUrl::parse(&database.url).expect("database URL");
        adjust(&mut settings);
        let app = Self::start(
            settings,
            std::sync::Arc::new(dir),
            Some(std::sync::Arc::new(database)),
        );
        app.add_user(EMAIL, PASSWORD, &["read"]);
        Some(app)
    }

    /// Starts another server on this one's data dir and settings (a
    /// restart, or a second instance).
    pub async fn restart(&self) -> Self {
        Self::start(
            self.settings.clone(),
            self.dir.clone(),
            self.database.clone(),
        )
    }

    /// Starts another server on this one's data dir, with its settings
    /// changed by `adjust` (e.g. moved to another database).
    pub async fn restart_with(&self, adjust: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = self.settings.clone();
        adjust(&mut settings);
        Self::start(settings, self.dir.clone(), self.database.clone())
    }

    /// Starts a server on `settings` (its own data dir) over this one's
    /// database: another instance of the same service, on another host.
    pub async fn another_instance(&self, adjust: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = test_settings(&dir);
        settings.database_url = self.settings.database_url.clone();
        adjust(&mut settings);
        Self::start(settings, std::sync::Arc::new(dir), self.database.clone())
    }

    fn start(
        settings: Settings,
        dir: std::sync::Arc<tempfile::TempDir>,
        database: Option<std::sync::Arc<PgDatabase>>,
    ) -> Self {
        let app = Application::build(settings.clone()).expect("application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let setup_token = app.setup_token().map(str::to_owned);
        tokio::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            address,
            setup_token,
            settings,
            client,
            dir,
            database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn add_user(&self, email: &str, password: &str, scopes: &[&str]) {
        let hash =
            password::hash(self.settings.argon2, &Password::for_login(password)).expect("hash");
        self.insert_user(email, &hash, scopes);
    }

    pub fn insert_user(&self, email: &str, hash: &str, scopes: &[&str]) {
        let mut conn = self.connection();
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        users::insert(&mut conn, email, hash, &scopes).expect("insert user");
    }

    pub fn connection(&self) -> db::AnyConnection {
        db::AnyManager::new(&self.settings.database_url.url())
            .connect_one()
            .expect("test connection")
    }

    /// `POST /token` with a raw form body.
    pub async fn post_token(&self, body: &str) -> reqwest::Response {
        self.client
            .post(self.url("/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .await
            .expect("request")
    }

    /// `POST /token` with `grant_type=refresh_token`.
    pub async fn refresh(&self, token: &str) -> reqwest::Response {
        self.post_token(&form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
        ]))
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let body = form(&[("username", email), ("password", password)]);
        self.post_token(&body).await
    }

    /// A fresh access token for alice.
    pub async fn access_token(&self) -> String {
        let response = self.login(EMAIL, PASSWORD).await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.expect("json");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    pub async fn get_me(&self, token: &str) -> reqwest::Response {
        self.client
            .get(self.url("/users/me"))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// The HS256 secret the server signs with (from its key ring).
    pub fn signing_secret(&self) -> Vec<u8> {
        let ring = latchkey::auth::keys::KeyRing::read(&latchkey::auth::keys::KeyRing::path(
            &self.data_dir(),
        ))
        .expect("read the key ring")
        .expect("a key ring exists");
        let key = ring
            .signing_key(latchkey::config::JwtAlg::Hs256)
            .expect("an HS256 key");
        key.material.clone().into_bytes()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.settings.data_dir.clone()
    }
}

/// Encodes pairs as an `application/x-www-form-urlencoded` body.
pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Cheap argon2 parameters, for tests that hash many times.
pub const CHEAP_ARGON2: Argon2Cost = Argon2Cost {
    m_kib: 64,
    t: 1,
    p: 1,
};

/// A throwaway PostgreSQL database, dropped when the test ends.
pub struct PgDatabase {
    pub url: String,
    admin_url: String,
    name: String,
}

impl PgDatabase {
    pub fn create() -> Option<Self> {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
            eprintln!(
                "!!! SKIPPED: {POSTGRES_ENV} is not set, so this PostgreSQL test did not run !!!"
            );
            return None;
        };
        let mut random = [0u8; 8];
        rand::fill(&mut random);
        let name = format!("latchkey_test_{}", u64::from_le_bytes(random));
        let mut admin = diesel::PgConnection::establish(&admin_url)
            .expect("connect to the PostgreSQL test server");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        let url = format!("{base}/{name}");
        Some(Self {
            url,
            admin_url,
            name,
        })
    }

    /// Drops the database under the running server.
    pub fn drop_now(admin_url: &str, name: &str) {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        Self::drop_now(&self.admin_url, &self.name);
    }
}

/// A refused refresh: `400` with `error` = `invalid_grant`.
pub async fn assert_invalid_grant(response: reqwest::Response) {
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"], "invalid_grant");
}
