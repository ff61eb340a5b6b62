//! Queries on `authorization_codes`, stored by the SHA-256 of the code.
//! Whether a code may be exchanged is decided in `auth::authorization`;
//! here a code is claimed with one conditional UPDATE, so two exchanges
//! racing with the same code never both win, on either backend.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::authorization_codes;

/// An authorization code as stored, and what it is bound to.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = authorization_codes)]
pub struct StoredCode {
    pub code_hash: String,
    pub client_id: String,
    pub user_id: i64,
    pub redirect_uri: String,
    pub scopes: String,
    /// The S256 challenge (base64url of SHA-256 of the verifier).
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub auth_time: i64,
    pub browser_session_id: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub issued_session_id: Option<i64>,
    /// How the person signed in (`pwd`, later `pwd otp`, ...).
    pub amr: String,
}

pub fn insert(conn: &mut AnyConnection, code: &StoredCode) -> QueryResult<()> {
    diesel::insert_into(authorization_codes::table)
        .values(code)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut AnyConnection, code_hash: &str) -> QueryResult<Option<StoredCode>> {
    authorization_codes::table
        .filter(authorization_codes::code_hash.eq(code_hash))
        .select(StoredCode::as_select())
        .first(conn)
        .optional()
}

/// Marks the code used at `now`; `true` if this call was the first.
pub fn claim(conn: &mut AnyConnection, code_hash: &str, now: i64) -> QueryResult<bool> {
    let claimed = diesel::update(
        authorization_codes::table
            .filter(authorization_codes::code_hash.eq(code_hash))
            .filter(authorization_codes::used_at.is_null()),
    )
    .set(authorization_codes::used_at.eq(now))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Records the session the code's exchange opened, for revocation on replay.
pub fn record_issued(
    conn: &mut AnyConnection,
    code_hash: &str,
    session_id: i64,
) -> QueryResult<()> {
    diesel::update(authorization_codes::table.filter(authorization_codes::code_hash.eq(code_hash)))
        .set(authorization_codes::issued_session_id.eq(session_id))
        .execute(conn)
        .map(drop)
}

/// Forgets codes that expired before `before` (kept a while after expiry
/// so that a late replay is still recognised as one).
pub fn purge(conn: &mut AnyConnection, before: i64) -> QueryResult<usize> {
    diesel::delete(authorization_codes::table.filter(authorization_codes::expires_at.le(before)))
        .execute(conn)
}
