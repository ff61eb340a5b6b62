//! A throwaway PostgreSQL database per test.

use super::POSTGRES_ENV;

/// A throwaway PostgreSQL database, dropped when the test ends.
pub struct PgDatabase {
    pub url: String,
    admin_url: String,
    name: String,
}

impl PgDatabase {
    /// A fresh database on [`POSTGRES_ENV`]; `None` (with a loud note) when
    /// no server is configured.
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
