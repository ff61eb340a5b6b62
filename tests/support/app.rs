//! `TestApp`: the real server on port 0 with its own fresh database, and
//! the requests the tests send it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use latchkey::auth::credentials::Password;
use latchkey::auth::password;
use latchkey::config::{DatabaseUrl, Flags, Settings};
use latchkey::db::{self, users};
use latchkey::startup::Application;

use super::{BACKEND_ENV, EMAIL, PASSWORD, POSTGRES_ENV, PgDatabase, form, postgres_backend};

pub struct TestApp {
    pub address: String,
    /// The `/setup` token the server announced, if it started with no user.
    pub setup_token: Option<String>,
    pub settings: Settings,
    pub client: reqwest::Client,
    /// Keeps the data dir alive as long as the app.
    pub dir: Arc<tempfile::TempDir>,
    /// The PostgreSQL database, shared with instances started by
    /// [`TestApp::restart_with`] and [`TestApp::another_instance`]; dropped
    /// with the last of them.
    pub database: Option<Arc<PgDatabase>>,
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

/// Starting servers: a fresh one (with alice, or empty, or on PostgreSQL
/// whatever the run's backend), and another one beside a running one.
impl TestApp {
    /// A server with one user, alice, holding scope `read`, on the backend
    /// [`BACKEND_ENV`] names.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// The same, with its settings changed by `adjust` first.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let app = Self::fresh(adjust);
        app.add_user(EMAIL, PASSWORD, &["read"]);
        app
    }

    /// A server with alice whose issuer and public URL are its real
    /// address. Binding port 0 leaves the issuer `http://127.0.0.1:0`,
    /// which a relying party that compares discovery's `issuer` with the
    /// URL it fetched refuses; so the port is taken first and handed over.
    pub async fn spawn_at_own_url() -> Self {
        Self::spawn_at_own_url_with(|_| {}).await
    }

    /// The same, with its settings changed by `adjust` first.
    pub async fn spawn_at_own_url_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let bound = listener.local_addr().expect("local address");
        let url = format!("http://{bound}");
        let (settings, dir, database) = Self::fresh_settings(|s| {
            s.bind = bound;
            s.public_url = Some(url.clone());
            s.issuer = url.clone();
            adjust(s);
        });
        let app = Application::build_on(settings.clone(), Some(listener))
            .await
            .expect("application builds");
        let app = Self::running(app, settings, dir, database);
        app.add_user(EMAIL, PASSWORD, &["read"]);
        app
    }

    /// A server whose database holds no user yet (first run).
    pub async fn spawn_empty() -> Self {
        Self::fresh(|_| {})
    }

    /// A server with alice on a fresh PostgreSQL database whatever the
    /// run's backend; `None` (with a loud note) when no server is configured.
    pub async fn spawn_postgres_with(adjust: impl FnOnce(&mut Settings)) -> Option<Self> {
        let database = PgDatabase::create()?;
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = test_settings(&dir);
        settings.database_url = DatabaseUrl::parse(&database.url).expect("database URL");
        adjust(&mut settings);
        let app = Self::start(settings, Arc::new(dir), Some(Arc::new(database)));
        app.add_user(EMAIL, PASSWORD, &["read"]);
        Some(app)
    }

    /// Starts another server on this one's data dir (signing keys) and
    /// settings, changed by `adjust`: a restart, or a second instance
    /// beside this one (e.g. moved to another database).
    pub async fn restart_with(&self, adjust: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = self.settings.clone();
        adjust(&mut settings);
        Self::start(settings, self.dir.clone(), self.database.clone())
    }

    /// Starts a server with its own data dir and fresh settings changed by
    /// `adjust`, over this one's database: another instance of the same
    /// service, on another host.
    pub async fn another_instance(&self, adjust: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = test_settings(&dir);
        settings.database_url = self.settings.database_url.clone();
        adjust(&mut settings);
        Self::start(settings, Arc::new(dir), self.database.clone())
    }

    /// A server on a fresh data dir and database, with no user.
    fn fresh(adjust: impl FnOnce(&mut Settings)) -> Self {
        let (settings, dir, database) = Self::fresh_settings(adjust);
        Self::start(settings, dir, database)
    }

    /// Settings on a fresh data dir and database, changed by `adjust`.
    fn fresh_settings(
        adjust: impl FnOnce(&mut Settings),
    ) -> (Settings, Arc<tempfile::TempDir>, Option<Arc<PgDatabase>>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = test_settings(&dir);
        let database = postgres_backend().then(|| {
            let database = PgDatabase::create()
                .unwrap_or_else(|| panic!("{BACKEND_ENV}=postgres needs {POSTGRES_ENV}"));
            settings.database_url = DatabaseUrl::parse(&database.url).expect("database URL");
            Arc::new(database)
        });
        adjust(&mut settings);
        (settings, Arc::new(dir), database)
    }

    fn start(
        settings: Settings,
        dir: Arc<tempfile::TempDir>,
        database: Option<Arc<PgDatabase>>,
    ) -> Self {
        let app = Application::build(settings.clone()).expect("application builds");
        Self::running(app, settings, dir, database)
    }

    /// Serves `app` in the background.
    fn running(
        app: Application,
        settings: Settings,
        dir: Arc<tempfile::TempDir>,
        database: Option<Arc<PgDatabase>>,
    ) -> Self {
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
}

/// Requests, answered or the test fails.
impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_with(path, &[]).await
    }

    /// `GET path` with extra `headers` (e.g. a `Cookie`).
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request")
    }

    /// `POST path` with `fields` as an `application/x-www-form-urlencoded`
    /// body.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.post_form_with(path, fields, &[]).await
    }

    /// The same with extra `headers` (e.g. a `Cookie`, an `Origin`).
    pub async fn post_form_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form(fields));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request")
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
        self.post_form(
            "/token",
            &[("grant_type", "refresh_token"), ("refresh_token", token)],
        )
        .await
    }

    /// `POST /token` with a username and password.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/token", &[("username", email), ("password", password)])
            .await
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

    /// `GET path` with a bearer token.
    pub async fn get_with_bearer(&self, path: &str, token: &str) -> reqwest::Response {
        self.get_with(path, &[("Authorization", &format!("Bearer {token}"))])
            .await
    }

    /// `GET /users/me` with a bearer token.
    pub async fn get_me(&self, token: &str) -> reqwest::Response {
        self.get_with_bearer("/users/me", token).await
    }
}

/// What the server keeps: users, the database, the data dir.
impl TestApp {
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
