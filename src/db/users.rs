//! Queries on the `users` table. Plain functions over a connection; no web
//! types here.

use diesel::prelude::*;

use super::AnyConnection;
use super::ids::random_id;
use super::schema::users;
use crate::clock::now_unix;

/// A stored account. `password_hash` is a PHC (argon2) or bcrypt string.
#[derive(Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub scopes: String,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("password_hash", &"***")
            .field("scopes", &self.scopes)
            .field("disabled", &self.disabled)
            .finish()
    }
}

impl User {
    /// The granted scopes, in the order they were stored.
    pub fn scope_list(&self) -> Vec<String> {
        self.scopes.split_whitespace().map(str::to_owned).collect()
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUser<'a> {
    id: i64,
    email: &'a str,
    password_hash: &'a str,
    scopes: &'a str,
    disabled: bool,
    created_at: i64,
    updated_at: i64,
}

/// Inserts a user. A taken email surfaces as diesel's `UniqueViolation`.
pub fn insert(
    conn: &mut AnyConnection,
    email: &str,
    password_hash: &str,
    scopes: &[String],
) -> QueryResult<User> {
    let now = now_unix();
    let scopes = scopes.join(" ");
    let new = NewUser {
        id: random_id(),
        email,
        password_hash,
        scopes: &scopes,
        disabled: false,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(users::table)
        .values(&new)
        .execute(conn)?;
    find_by_email(conn, email)?.ok_or(diesel::result::Error::NotFound)
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_id(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<User>> {
    users::table
        .filter(users::id.eq(id))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<User>> {
    users::table
        .order(users::email.asc())
        .select(User::as_select())
        .load(conn)
}

pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// Replaces the hash; returns whether the user exists.
pub fn set_password_hash(
    conn: &mut AnyConnection,
    email: &str,
    password_hash: &str,
) -> QueryResult<bool> {
    let changed = diesel::update(users::table.filter(users::email.eq(email)))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(now_unix()),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Replaces the hash only if it is still `old_hash`, so an upgrade on login
/// never overwrites a password changed meanwhile; returns whether it did.
pub fn upgrade_password_hash(
    conn: &mut AnyConnection,
    id: i64,
    old_hash: &str,
    new_hash: &str,
) -> QueryResult<bool> {
    let changed = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::password_hash.eq(old_hash)),
    )
    .set(users::password_hash.eq(new_hash))
    .execute(conn)?;
    Ok(changed > 0)
}

/// Returns whether the user exists.
pub fn set_disabled(conn: &mut AnyConnection, email: &str, disabled: bool) -> QueryResult<bool> {
    let changed = diesel::update(users::table.filter(users::email.eq(email)))
        .set((
            users::disabled.eq(disabled),
            users::updated_at.eq(now_unix()),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Every scope some user holds, once each.
pub fn distinct_scopes(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
    let lists: Vec<String> = users::table.select(users::scopes).distinct().load(conn)?;
    let mut scopes: Vec<String> = lists
        .iter()
        .flat_map(|list| list.split_whitespace().map(str::to_owned))
        .collect();
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}

/// Replaces a user's scopes; returns whether the user exists.
pub fn set_scopes(conn: &mut AnyConnection, email: &str, scopes: &[String]) -> QueryResult<bool> {
    let changed = diesel::update(users::table.filter(users::email.eq(email)))
        .set((
            users::scopes.eq(scopes.join(" ")),
            users::updated_at.eq(now_unix()),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

#[derive(QueryableByName)]
struct Prefix {
    #[diesel(sql_type = diesel::sql_types::Text)]
    prefix: String,
}

/// The kinds of stored hashes, each once, as the part of the hash before
/// its salt: `$2b$12$` (scheme and cost) for bcrypt, `$argon2id$v=19$m=19456,t=2,p=1$`
/// for argon2. One scan of the table. Trimming the base64 characters off
/// the end leaves that part (twice for argon2: hash, `$`, salt).
pub fn hash_kinds(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
    const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/.";
    let rows: Vec<Prefix> = diesel::sql_query(format!(
        "SELECT DISTINCT rtrim(password_hash, '{BASE64}') AS prefix FROM users \
         WHERE password_hash LIKE '$2%' \
         UNION \
         SELECT DISTINCT rtrim(rtrim(rtrim(password_hash, '{BASE64}'), '$'), '{BASE64}') AS prefix \
         FROM users WHERE password_hash LIKE '$argon2%'"
    ))
    .load(conn)?;
    Ok(rows.into_iter().map(|row| row.prefix).collect())
}
