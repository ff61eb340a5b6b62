//! The real server on port 0 with its own fresh SQLite database and one user.

use std::collections::HashMap;

use latchkey::auth::credentials::Password;
use latchkey::auth::password;
use latchkey::config::{Flags, Settings};
use latchkey::db::{self, users};
use latchkey::startup::Application;

pub const EMAIL: &str = "alice@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    address: String,
    /// Keeps the data dir alive as long as the app.
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// Starts the server and seeds alice (scope `read`).
    pub fn spawn() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary data dir");
        let flags = Flags {
            bind: Some("127.0.0.1:0".into()),
            data_dir: Some(dir.path().to_owned()),
            ..Flags::default()
        };
        let mut settings =
            Settings::from_sources(&flags, HashMap::new()).expect("test settings load");
        settings.hash_workers = 2;
        settings.hash_queue = 8;
        settings.http_workers = Some(2);

        let app = Application::build(settings.clone()).expect("application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());

        let hash = password::hash(settings.argon2, &Password::for_login(PASSWORD))
            .expect("hash the seed password");
        let mut conn = db::AnyManager::new(&settings.database_url.url())
            .connect_one()
            .expect("connect to the test database");
        users::insert(&mut conn, EMAIL, &hash, &["read".to_owned()]).expect("insert alice");

        Self { address, _dir: dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }
}
