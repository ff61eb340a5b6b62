//! The authorization-code grant as policy: which scopes an application
//! gets for a person, whether the person must be asked, the code itself,
//! and its one exchange for a session bound to the application.

use diesel::QueryResult;

use super::pkce;
use super::random::random_token;
use super::refresh::{RefreshToken, sha256_hex};
use super::rotation::{self, Opening, RefreshPolicy};
use super::scopes::user_holds;
use crate::clock::now_unix;
use crate::db::authorization_codes::{self, StoredCode};
use crate::db::clients::{self, Client};
use crate::db::sessions::{self, Device, Session, SignIn};
use crate::db::users::{self, User};
use crate::db::{AnyConnection, write_transaction};

/// How long a code lives (RFC 6749 §4.1.2 recommends at most 10 minutes;
/// a client exchanges it within a second or two).
pub const CODE_TTL_SECONDS: i64 = 60;

/// The scopes an application asks for: each must be registered for it
/// (`Err` names the first that is not); none asked means all registered.
pub fn requested_scopes(client: &Client, requested: Option<&str>) -> Result<Vec<String>, String> {
    let asked: Vec<&str> = requested.unwrap_or("").split_whitespace().collect();
    if asked.is_empty() {
        return Ok(client.scopes().map(str::to_owned).collect());
    }
    let mut scopes: Vec<String> = Vec::new();
    for scope in asked {
        if !client.scopes().any(|s| s == scope) {
            return Err(scope.to_owned());
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    Ok(scopes)
}

/// What the application gets for `user`: the asked scopes the user holds
/// (identity scopes always; others only if granted to the user). An
/// application never gains through a person more than the person has.
pub fn granted_scopes(user: &User, asked: &[String]) -> Vec<String> {
    asked
        .iter()
        .filter(|s| user_holds(&user.scopes, s))
        .cloned()
        .collect()
}

/// Whether the person must be asked before `client` gets `scopes`: never
/// for a trusted (first-party) client, else unless every scope was allowed
/// before.
pub fn needs_consent(
    conn: &mut AnyConnection,
    client: &Client,
    user_id: i64,
    scopes: &[String],
) -> QueryResult<bool> {
    if client.trusted {
        return Ok(false);
    }
    let allowed = clients::consented_scopes(conn, user_id, &client.id)?;
    Ok(match allowed {
        Some(allowed) => !scopes
            .iter()
            .all(|s| allowed.split_whitespace().any(|a| a == s)),
        None => true,
    })
}

/// Records that the person allowed `scopes`, on top of what they allowed
/// before.
pub fn record_consent(
    conn: &mut AnyConnection,
    client_id: &str,
    user_id: i64,
    scopes: &[String],
) -> QueryResult<()> {
    let mut all: Vec<String> = clients::consented_scopes(conn, user_id, client_id)?
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    for scope in scopes {
        if !all.contains(scope) {
            all.push(scope.clone());
        }
    }
    clients::record_consent(conn, user_id, client_id, &all.join(" "))
}

/// An approved authorization request, ready to become a code.
pub struct Approved<'a> {
    pub client_id: &'a str,
    pub user_id: i64,
    pub redirect_uri: &'a str,
    pub scopes: &'a [String],
    pub code_challenge: &'a str,
    pub nonce: Option<&'a str>,
    /// When the person last entered their password (the browser session's
    /// start).
    pub auth_time: i64,
    pub browser_session_id: i64,
}

/// Stores a new code for `approved` and returns it (shown once, to the
/// client through the browser; only its hash is kept).
pub fn issue_code(conn: &mut AnyConnection, approved: &Approved<'_>) -> QueryResult<String> {
    let code = random_token(32);
    authorization_codes::insert(
        conn,
        &StoredCode {
            code_hash: sha256_hex(code.as_bytes()),
            client_id: approved.client_id.to_owned(),
            user_id: approved.user_id,
            redirect_uri: approved.redirect_uri.to_owned(),
            scopes: approved.scopes.join(" "),
            code_challenge: approved.code_challenge.to_owned(),
            nonce: approved.nonce.map(str::to_owned),
            auth_time: approved.auth_time,
            browser_session_id: approved.browser_session_id,
            expires_at: now_unix() + CODE_TTL_SECONDS,
            used_at: None,
            issued_session_id: None,
            amr: "pwd".to_owned(),
        },
    )?;
    Ok(code)
}

/// A code presented at the token endpoint, by an authenticated client.
pub struct Presented<'a> {
    pub code: &'a str,
    /// The application's server, as it asked.
    pub device: &'a Device,
    pub client_id: &'a str,
    pub redirect_uri: Option<&'a str>,
    pub code_verifier: Option<&'a str>,
}

/// What exchanging a code led to.
pub enum Exchange {
    /// A new session for the client, with what an id_token will need.
    Issued {
        session: Box<Session>,
        refresh: RefreshToken,
        user: Box<User>,
        scopes: Vec<String>,
        nonce: Option<String>,
    },
    /// Unknown, expired, another client's, another redirect URI, or a
    /// verifier that does not match. The code is spent all the same: a
    /// code that reached the wrong hands must not be tried twice.
    Refused(&'static str),
    /// The code was used before: what that use issued is now revoked.
    Replayed { revoked_session: Option<i64> },
}

/// Exchanges a code, once, in one write transaction.
pub fn exchange(
    conn: &mut AnyConnection,
    presented: &Presented<'_>,
    policy: RefreshPolicy,
) -> QueryResult<Exchange> {
    let hash = sha256_hex(presented.code.as_bytes());
    write_transaction(conn, |conn| {
        let Some(code) = authorization_codes::find(conn, &hash)? else {
            return Ok(Exchange::Refused("The authorization code is invalid"));
        };
        let now = now_unix();
        if !authorization_codes::claim(conn, &hash, now)? {
            // RFC 6749 §4.1.2: a second use revokes what the first issued.
            if let Some(session_id) = code.issued_session_id {
                sessions::revoke(conn, session_id)?;
            }
            return Ok(Exchange::Replayed {
                revoked_session: code.issued_session_id,
            });
        }
        if code.expires_at <= now {
            return Ok(Exchange::Refused("The authorization code has expired"));
        }
        if code.client_id != presented.client_id {
            return Ok(Exchange::Refused(
                "The authorization code was issued to another client",
            ));
        }
        if presented.redirect_uri != Some(code.redirect_uri.as_str()) {
            return Ok(Exchange::Refused(
                "redirect_uri differs from the one in the authorization request",
            ));
        }
        let verified = presented
            .code_verifier
            .is_some_and(|v| pkce::verifies(v, &code.code_challenge));
        if !verified {
            return Ok(Exchange::Refused(
                "code_verifier is missing or does not match the code_challenge",
            ));
        }
        let Some(user) = users::find_by_id(conn, code.user_id)?.filter(|u| !u.disabled) else {
            return Ok(Exchange::Refused("The user can no longer sign in"));
        };
        // Scopes taken from the user since the code was issued are gone.
        let scopes: Vec<String> = code
            .scopes
            .split_whitespace()
            .filter(|s| user_holds(&user.scopes, s))
            .map(str::to_owned)
            .collect();
        let sign_in = SignIn {
            auth_time: code.auth_time,
            amr: code.amr.clone(),
            browser_session_id: code.browser_session_id,
        };
        let opening = Opening {
            user_id: user.id,
            client_id: Some(&code.client_id),
            sign_in: Some(&sign_in),
            device: presented.device,
            verified_hash: None,
        };
        let Some((session, refresh)) = rotation::create_within(conn, opening, &scopes, policy)?
        else {
            return Ok(Exchange::Refused("The user can no longer sign in"));
        };
        authorization_codes::record_issued(conn, &hash, session.id)?;
        Ok(Exchange::Issued {
            session: Box::new(session),
            refresh,
            user: Box::new(user),
            scopes,
            nonce: code.nonce,
        })
    })
}
