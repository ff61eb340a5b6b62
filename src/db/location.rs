//! Which database a URL names, in words fit for a terminal or a log (never
//! a password), and why a SQLite file could not be opened.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::connection::is_postgres_url;
use super::sqlite_file::sqlite_path;

/// "the SQLite database /abs/path/latchkey.db" or "the PostgreSQL database
/// postgres://user@host:5432/db": enough to tell two installations apart.
pub fn describe(url: &str) -> String {
    if is_postgres_url(url) {
        format!("the PostgreSQL database {}", without_password(url))
    } else {
        format!(
            "the SQLite database {}",
            absolute(Path::new(sqlite_path(url))).display()
        )
    }
}

/// The path as the operator would look for it: relative paths are what
/// make `./data` in the wrong folder look like an empty installation.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// The URL without the password and without the query (which may hold
/// `password=` too).
fn without_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let rest = rest.split_once('?').map_or(rest, |(before, _)| before);
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}@{host}")
        }
        None => format!("{scheme}://{rest}"),
    }
}

/// "cannot open the SQLite database PATH: CAUSE", the cause from the file
/// system when it sees one, else SQLite's `error`.
pub(super) fn sqlite_open_error(url: &str, error: impl std::fmt::Display) -> String {
    let cause =
        why_sqlite_cannot_open(Path::new(sqlite_path(url))).unwrap_or_else(|| error.to_string());
    format!("cannot open {}: {cause}", describe(url))
}

/// What SQLite's "unable to open database file" means for `path`, found
/// by asking the file system the same question; `None` when it sees no
/// problem (then SQLite's own words are all there is).
fn why_sqlite_cannot_open(path: &Path) -> Option<String> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let dir_shown = absolute(dir);
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Some(format!("directory {} does not exist", dir_shown.display()));
        }
        Err(e) if e.kind() == ErrorKind::PermissionDenied => {
            return Some(format!("permission denied on {}", dir_shown.display()));
        }
        Err(e) => return Some(format!("{}: {e}", dir_shown.display())),
        Ok(meta) if !meta.is_dir() => {
            return Some(format!("{} is not a directory", dir_shown.display()));
        }
        Ok(_) => {}
    }
    match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Ok(_) => None,
        Err(e) if e.kind() == ErrorKind::PermissionDenied => Some("permission denied".to_owned()),
        Err(e) if e.kind() == ErrorKind::NotFound => Some(format!(
            "the file does not exist and cannot be created in {}",
            dir_shown.display()
        )),
        Err(e) => Some(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_url_is_described_without_its_password() {
        assert_eq!(
            describe("postgres://latchkey:s3cret@db.internal:5432/auth?sslmode=require&password=x"),
            "the PostgreSQL database postgres://latchkey@db.internal:5432/auth"
        );
        assert_eq!(
            describe("postgresql://db.internal/auth"),
            "the PostgreSQL database postgresql://db.internal/auth"
        );
    }

    #[test]
    fn a_relative_sqlite_path_is_described_as_an_absolute_one() {
        let described = describe("sqlite://./data/latchkey.db");
        let cwd = std::env::current_dir().expect("cwd");
        assert!(
            described.starts_with(&format!("the SQLite database {}", cwd.display())),
            "{described}"
        );
    }
}
