//! The database URL, parsed once: which backend, and where.

use std::path::{Path, PathBuf};

use super::Secret;

/// Where the data lives. A PostgreSQL URL may hold a password, so it stays
/// a [`Secret`]; a SQLite path is no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(Secret),
}

impl DatabaseUrl {
    /// Parses `sqlite://PATH` (or `sqlite:PATH`), `postgres://...` or
    /// `postgresql://...`; the error is the message start-up shows.
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Some(path) = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
        {
            // An empty path is a private temporary database per connection:
            // migrated on one, empty ("no such table") on the next.
            if path.is_empty() {
                return Err(
                    "sqlite:// needs a file path, e.g. sqlite:///var/lib/latchkey/latchkey.db"
                        .into(),
                );
            }
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Ok(Self::Postgres(Secret::new(text)))
        } else {
            Err("must start with sqlite:// or postgres://".into())
        }
    }

    /// `latchkey.db` inside the data dir: the default.
    pub fn inside(data_dir: &Path) -> Self {
        Self::Sqlite(data_dir.join("latchkey.db"))
    }

    /// The URL as the database layer opens it. It may hold a password:
    /// pass it on, never print it.
    pub fn url(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => url.expose().to_owned(),
        }
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text)
    }
}
