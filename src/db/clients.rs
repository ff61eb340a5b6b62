//! Queries on `clients` (registered applications) and `consents` (what a
//! person allowed each of them).

use diesel::prelude::*;

use super::schema::{clients, consents, sessions};
use super::{AnyConnection, write_transaction};
use crate::clock::now_unix;

/// A registered application. Lists are space-separated in the database.
#[derive(Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = clients)]
pub struct Client {
    pub id: String,
    pub name: String,
    /// SHA-256 (hex) of the secret; `None` for a public client.
    pub secret_hash: Option<String>,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub grants: String,
    pub scopes: String,
    pub trusted: bool,
    pub created_at: i64,
    /// `RS256` or `EdDSA`: how its id_tokens are signed.
    pub id_token_alg: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("public", &self.secret_hash.is_none())
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn is_public(&self) -> bool {
        self.secret_hash.is_none()
    }

    pub fn redirect_uris(&self) -> impl Iterator<Item = &str> {
        self.redirect_uris.split_whitespace()
    }

    pub fn post_logout_redirect_uris(&self) -> impl Iterator<Item = &str> {
        self.post_logout_redirect_uris.split_whitespace()
    }

    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scopes.split_whitespace()
    }

    pub fn allows_grant(&self, grant: &str) -> bool {
        self.grants.split_whitespace().any(|g| g == grant)
    }
}

pub fn insert(conn: &mut AnyConnection, client: &Client) -> QueryResult<()> {
    diesel::insert_into(clients::table)
        .values(client)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Client>> {
    clients::table
        .filter(clients::id.eq(id))
        .select(Client::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<Client>> {
    clients::table
        .order((clients::created_at.asc(), clients::id.asc()))
        .select(Client::as_select())
        .load(conn)
}

/// Removes a client with its consents and codes, and revokes every session
/// opened for it; `false` if there was no such client.
pub fn remove(conn: &mut AnyConnection, id: &str) -> QueryResult<bool> {
    write_transaction(conn, |conn| {
        diesel::update(
            sessions::table
                .filter(sessions::client_id.eq(id))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now_unix()))
        .execute(conn)?;
        diesel::delete(consents::table.filter(consents::client_id.eq(id))).execute(conn)?;
        diesel::delete(
            super::schema::authorization_codes::table
                .filter(super::schema::authorization_codes::client_id.eq(id)),
        )
        .execute(conn)?;
        let removed = diesel::delete(clients::table.filter(clients::id.eq(id))).execute(conn)?;
        Ok(removed == 1)
    })
}

/// Replaces a confidential client's secret; `false` if there is no such
/// confidential client.
pub fn set_secret_hash(conn: &mut AnyConnection, id: &str, secret_hash: &str) -> QueryResult<bool> {
    let updated = diesel::update(
        clients::table
            .filter(clients::id.eq(id))
            .filter(clients::secret_hash.is_not_null()),
    )
    .set(clients::secret_hash.eq(secret_hash))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The scopes `user_id` has allowed `client_id`, if any.
pub fn consented_scopes(
    conn: &mut AnyConnection,
    user_id: i64,
    client_id: &str,
) -> QueryResult<Option<String>> {
    consents::table
        .filter(consents::user_id.eq(user_id))
        .filter(consents::client_id.eq(client_id))
        .select(consents::scopes)
        .first(conn)
        .optional()
}

/// Records that `user_id` allowed `client_id` `scopes` (replacing what was
/// allowed before; the caller passes the union).
pub fn record_consent(
    conn: &mut AnyConnection,
    user_id: i64,
    client_id: &str,
    scopes: &str,
) -> QueryResult<()> {
    write_transaction(conn, |conn| {
        diesel::delete(
            consents::table
                .filter(consents::user_id.eq(user_id))
                .filter(consents::client_id.eq(client_id)),
        )
        .execute(conn)?;
        diesel::insert_into(consents::table)
            .values((
                consents::user_id.eq(user_id),
                consents::client_id.eq(client_id),
                consents::scopes.eq(scopes),
                consents::granted_at.eq(now_unix()),
            ))
            .execute(conn)
            .map(drop)
    })
}

/// An application a person has allowed, as the account page lists it.
#[derive(Debug, Clone, Queryable)]
pub struct Grant {
    pub client_id: String,
    pub name: String,
    pub scopes: String,
    pub granted_at: i64,
}

/// The applications `user_id` has allowed, most recent first.
pub fn grants_of_user(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<Grant>> {
    consents::table
        .inner_join(clients::table)
        .filter(consents::user_id.eq(user_id))
        .order(consents::granted_at.desc())
        .select((
            clients::id,
            clients::name,
            consents::scopes,
            consents::granted_at,
        ))
        .load(conn)
}

/// Takes back what `user_id` allowed `client_id`: forgets the consent and
/// ends the application's sessions of that person; `false` if nothing was
/// allowed.
pub fn revoke_grant(conn: &mut AnyConnection, user_id: i64, client_id: &str) -> QueryResult<bool> {
    write_transaction(conn, |conn| {
        let forgotten = diesel::delete(
            consents::table
                .filter(consents::user_id.eq(user_id))
                .filter(consents::client_id.eq(client_id)),
        )
        .execute(conn)?;
        let ended = diesel::update(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::client_id.eq(client_id))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now_unix()))
        .execute(conn)?;
        Ok(forgotten + ended > 0)
    })
}
