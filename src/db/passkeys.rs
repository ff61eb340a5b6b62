//! Queries on `passkeys` and `passkey_ceremonies`. What a credential may
//! do is decided in `auth::passkeys`; here a ceremony is taken with one
//! DELETE, so its challenge is answered once even on two instances.

use diesel::prelude::*;

use super::schema::{passkey_ceremonies, passkeys};
use super::{AnyConnection, write_transaction};

/// A registered passkey.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = passkeys)]
pub struct StoredPasskey {
    pub credential_id: String,
    pub user_id: i64,
    pub user_handle: String,
    pub name: String,
    /// webauthn-rs's `Passkey` as JSON: public key and counter.
    pub credential: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// The passkeys of `user_id`, oldest first.
pub fn of_user(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<StoredPasskey>> {
    passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .order((passkeys::created_at.asc(), passkeys::credential_id.asc()))
        .select(StoredPasskey::as_select())
        .load(conn)
}

/// Whether `user_id` has any passkey.
pub fn has_any(conn: &mut AnyConnection, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        passkeys::table.filter(passkeys::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// The passkey with `credential_id`, whoever holds it.
pub fn find(conn: &mut AnyConnection, credential_id: &str) -> QueryResult<Option<StoredPasskey>> {
    passkeys::table
        .filter(passkeys::credential_id.eq(credential_id))
        .select(StoredPasskey::as_select())
        .first(conn)
        .optional()
}

/// Stores a new passkey; `false` if its credential id is registered
/// already (to anyone).
pub fn insert(conn: &mut AnyConnection, passkey: &StoredPasskey) -> QueryResult<bool> {
    write_transaction(conn, |conn| {
        if find(conn, &passkey.credential_id)?.is_some() {
            return Ok(false);
        }
        diesel::insert_into(passkeys::table)
            .values((
                passkeys::credential_id.eq(&passkey.credential_id),
                passkeys::user_id.eq(passkey.user_id),
                passkeys::user_handle.eq(&passkey.user_handle),
                passkeys::name.eq(&passkey.name),
                passkeys::credential.eq(&passkey.credential),
                passkeys::created_at.eq(passkey.created_at),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

/// Records a use: the credential with its new counter, replacing
/// `previous` only if nobody else changed it meanwhile, so a cloned
/// authenticator racing the real one cannot both pass with one counter
/// value. `true` if this call recorded it.
pub fn record_use(
    conn: &mut AnyConnection,
    credential_id: &str,
    previous: &str,
    updated: &str,
    now: i64,
) -> QueryResult<bool> {
    let changed = diesel::update(
        passkeys::table
            .filter(passkeys::credential_id.eq(credential_id))
            .filter(passkeys::credential.eq(previous)),
    )
    .set((
        passkeys::credential.eq(updated),
        passkeys::last_used_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Removes `user_id`'s passkey `credential_id`; `false` if there was none.
pub fn remove(conn: &mut AnyConnection, user_id: i64, credential_id: &str) -> QueryResult<bool> {
    let removed = diesel::delete(
        passkeys::table
            .filter(passkeys::user_id.eq(user_id))
            .filter(passkeys::credential_id.eq(credential_id)),
    )
    .execute(conn)?;
    Ok(removed == 1)
}

/// Removes every passkey of `user_id`; how many there were.
pub fn remove_all(conn: &mut AnyConnection, user_id: i64) -> QueryResult<usize> {
    diesel::delete(passkeys::table.filter(passkeys::user_id.eq(user_id))).execute(conn)
}

/// A ceremony between its start and its finish.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = passkey_ceremonies)]
pub struct Ceremony {
    pub id_hash: String,
    pub purpose: String,
    pub user_id: Option<i64>,
    pub binding: Option<String>,
    pub name: Option<String>,
    /// webauthn-rs's ceremony state as JSON (holds the challenge).
    pub state: String,
    pub expires_at: i64,
}

/// Stores a ceremony, first forgetting expired ones: sign-in ceremonies
/// are started by anyone, so the table must not grow with that traffic.
pub fn insert_ceremony(conn: &mut AnyConnection, ceremony: &Ceremony, now: i64) -> QueryResult<()> {
    diesel::delete(passkey_ceremonies::table.filter(passkey_ceremonies::expires_at.le(now)))
        .execute(conn)?;
    diesel::insert_into(passkey_ceremonies::table)
        .values((
            passkey_ceremonies::id_hash.eq(&ceremony.id_hash),
            passkey_ceremonies::purpose.eq(&ceremony.purpose),
            passkey_ceremonies::user_id.eq(ceremony.user_id),
            passkey_ceremonies::binding.eq(&ceremony.binding),
            passkey_ceremonies::name.eq(&ceremony.name),
            passkey_ceremonies::state.eq(&ceremony.state),
            passkey_ceremonies::expires_at.eq(ceremony.expires_at),
        ))
        .execute(conn)
        .map(drop)
}

/// Takes the ceremony `id_hash` for `purpose`: returns it if it is live
/// and deletes it either way, so each challenge is answered at most once.
pub fn take_ceremony(
    conn: &mut AnyConnection,
    id_hash: &str,
    purpose: &str,
    now: i64,
) -> QueryResult<Option<Ceremony>> {
    write_transaction(conn, |conn| {
        let found = passkey_ceremonies::table
            .filter(passkey_ceremonies::id_hash.eq(id_hash))
            .select(Ceremony::as_select())
            .first(conn)
            .optional()?;
        let Some(found) = found else {
            return Ok(None);
        };
        let taken = diesel::delete(
            passkey_ceremonies::table.filter(passkey_ceremonies::id_hash.eq(id_hash)),
        )
        .execute(conn)?;
        Ok((taken == 1 && found.purpose == purpose && found.expires_at > now).then_some(found))
    })
}
