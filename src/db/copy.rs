//! Copies a whole installation from one database to another (SQLite to
//! PostgreSQL, or back): users with their hashes, registered applications
//! with the consents given to them, sessions with their live refresh
//! tokens, the throttling counters and trusted devices. Signing keys are
//! not in the database; they stay in the data dir (or
//! `LATCHKEY_JWT_SECRET`). Authorization codes live a minute and are not
//! copied.

use std::os::unix::fs::OpenOptionsExt;

use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::clients::Client;
use super::schema::{
    clients, consents, login_failures, refresh_tokens, sessions, trusted_devices, users,
};
use super::sessions::Session;
use super::users::User;
use super::{AnyConnection, AnyManager, is_postgres_url, migrate, sqlite_path, write_transaction};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
struct RefreshTokenRow {
    token_hash: String,
    session_id: i64,
    created_at: i64,
    expires_at: i64,
    used_at: Option<i64>,
    successor_sealed: Option<String>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = login_failures)]
struct LoginFailureRow {
    account_key: String,
    failures: i64,
    day_start: i64,
    day_failures: i64,
    blocked_until_ms: i64,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
struct ConsentRow {
    user_id: i64,
    client_id: String,
    scopes: String,
    granted_at: i64,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = trusted_devices)]
struct TrustedDeviceRow {
    token_hash: String,
    account_key: String,
    created_at: i64,
    expires_at: i64,
}

/// Everything in one installation's database.
struct Snapshot {
    users: Vec<User>,
    clients: Vec<Client>,
    consents: Vec<ConsentRow>,
    sessions: Vec<Session>,
    refresh_tokens: Vec<RefreshTokenRow>,
    login_failures: Vec<LoginFailureRow>,
    trusted_devices: Vec<TrustedDeviceRow>,
}

/// How many rows of each kind were copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub users: usize,
    pub clients: usize,
    pub consents: usize,
    pub sessions: usize,
    pub refresh_tokens: usize,
    pub login_failures: usize,
    pub trusted_devices: usize,
}

/// Copies everything in `from` into `to`, which must hold no user. Both are
/// migrated to this version first. The target is written in one
/// transaction: after a failure it is as it was.
pub fn copy(from: &str, to: &str) -> anyhow::Result<Copied> {
    if from == to {
        bail!("--from and --to name the same database");
    }
    // Opening a SQLite path creates the file: a mistyped source would
    // quietly copy nothing.
    if !is_postgres_url(from) && !std::path::Path::new(sqlite_path(from)).is_file() {
        bail!("no SQLite database at {}", sqlite_path(from));
    }
    migrate(from).context("cannot migrate the source database")?;
    migrate(to).context("cannot migrate the target database")?;
    let mut source = AnyManager::new(from)
        .connect_one()
        .context("cannot open the source database")?;
    let mut target = AnyManager::new(to)
        .connect_one()
        .context("cannot open the target database")?;

    let snapshot = read_snapshot(&mut source).context("cannot read the source database")?;
    write_transaction(&mut target, |conn| write_snapshot(conn, &snapshot))
}

/// Reads every table as of one moment, even while servers keep
/// writing to the source.
fn read_snapshot(conn: &mut AnyConnection) -> anyhow::Result<Snapshot> {
    let begin = match conn {
        AnyConnection::Postgresql(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        // A SQLite read transaction sees one snapshot of a WAL database.
        AnyConnection::Sqlite(_) => "BEGIN",
    };
    conn.batch_execute(begin)?;
    let read = (|| -> QueryResult<Snapshot> {
        Ok(Snapshot {
            users: users::table.select(User::as_select()).load(conn)?,
            clients: clients::table.select(Client::as_select()).load(conn)?,
            consents: consents::table.select(ConsentRow::as_select()).load(conn)?,
            sessions: sessions::table.select(Session::as_select()).load(conn)?,
            refresh_tokens: refresh_tokens::table
                .select(RefreshTokenRow::as_select())
                .load(conn)?,
            login_failures: login_failures::table
                .select(LoginFailureRow::as_select())
                .load(conn)?,
            trusted_devices: trusted_devices::table
                .select(TrustedDeviceRow::as_select())
                .load(conn)?,
        })
    })();
    // Read-only: ending it either way loses nothing.
    conn.batch_execute(if read.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
    Ok(read?)
}

fn write_snapshot(conn: &mut AnyConnection, snapshot: &Snapshot) -> anyhow::Result<Copied> {
    let existing: i64 = users::table.count().get_result(conn)?;
    if existing > 0 {
        bail!(
            "the target database already holds {existing} user(s); copy only into an empty database"
        );
    }
    // Leftover counters or sessions without users would be stale: the
    // target takes the source's state whole.
    diesel::delete(login_failures::table).execute(conn)?;
    diesel::delete(trusted_devices::table).execute(conn)?;
    diesel::delete(refresh_tokens::table).execute(conn)?;
    diesel::delete(sessions::table).execute(conn)?;
    diesel::delete(super::schema::authorization_codes::table).execute(conn)?;
    diesel::delete(consents::table).execute(conn)?;
    diesel::delete(clients::table).execute(conn)?;
    // One row a statement: diesel cannot batch-insert through a connection
    // that may be either backend. Parents before children.
    for row in &snapshot.users {
        diesel::insert_into(users::table)
            .values(row)
            .execute(conn)?;
    }
    for row in &snapshot.clients {
        diesel::insert_into(clients::table)
            .values(row)
            .execute(conn)?;
    }
    for row in &snapshot.consents {
        diesel::insert_into(consents::table)
            .values(row)
            .execute(conn)?;
    }
    for row in &snapshot.sessions {
        diesel::insert_into(sessions::table)
            .values(row)
            .execute(conn)?;
    }
    for row in &snapshot.refresh_tokens {
        diesel::insert_into(refresh_tokens::table)
            .values(row)
            .execute(conn)?;
    }
    for row in &snapshot.login_failures {
        diesel::insert_into(login_failures::table)
            .values(row)
            .execute(conn)?;
    }
    for row in &snapshot.trusted_devices {
        diesel::insert_into(trusted_devices::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(Copied {
        users: snapshot.users.len(),
        clients: snapshot.clients.len(),
        consents: snapshot.consents.len(),
        sessions: snapshot.sessions.len(),
        refresh_tokens: snapshot.refresh_tokens.len(),
        login_failures: snapshot.login_failures.len(),
        trusted_devices: snapshot.trusted_devices.len(),
    })
}

/// Writes a consistent copy of a SQLite database to `path` while servers
/// keep running (SQLite's `VACUUM INTO`). PostgreSQL has `pg_dump`.
pub fn backup_sqlite(url: &str, path: &std::path::Path) -> anyhow::Result<()> {
    if is_postgres_url(url) {
        bail!("this is a PostgreSQL database: back it up with pg_dump (see the README)");
    }
    if !std::path::Path::new(sqlite_path(url)).is_file() {
        bail!("no SQLite database at {}", sqlite_path(url));
    }
    // The copy holds password hashes: private from its first byte. SQLite
    // accepts an empty file as the target of VACUUM INTO.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    let target = path
        .to_str()
        .context("the backup path is not valid UTF-8")?;
    let mut conn = AnyManager::new(url)
        .connect_one()
        .context("cannot open the database")?;
    // VACUUM INTO takes no bound parameter; quote the path as an SQL string.
    let quoted = target.replace('\'', "''");
    conn.batch_execute(&format!("VACUUM INTO '{quoted}'"))
        .with_context(|| format!("cannot write the backup {}", path.display()))
}
