//! The SQLite database file: where a URL puts it, and keeping it private.

/// Creates a missing SQLite file with mode 0600 before SQLite opens it:
/// it holds password hashes, and SQLite would create it with the umask's
/// mode. SQLite gives the `-wal` and `-shm` files the main file's mode.
/// An existing file is left as it is (see [`warn_if_readable`]); any
/// failure is left for SQLite to report.
pub(super) fn create_private_file(path: &str) {
    use std::os::unix::fs::OpenOptionsExt;
    if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
        return;
    }
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
}

/// Warns about each of the SQLite file and its `-wal` and `-shm` files
/// that group or others may read: it holds password hashes.
pub(super) fn warn_if_readable(path: &str) {
    use std::os::unix::fs::PermissionsExt;
    for file in [
        path.to_owned(),
        format!("{path}-wal"),
        format!("{path}-shm"),
    ] {
        if let Ok(meta) = std::fs::metadata(&file)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %file, "the database file is open to other users; chmod 600 it");
        }
    }
}

/// The file path of a `sqlite://PATH` (or `sqlite:PATH`) URL.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}
