//! Links that let a person choose a password: "forgot password" (30
//! minutes) and invitations (7 days). The token is 256 random bits, stored
//! only as its SHA-256, single use; a new link ends the user's older ones.
//! Setting the password through one ends every session of the user and
//! clears the account's login throttle (the mailbox proved who they are);
//! a second factor is still asked at the next sign-in.

use diesel::result::Error as DieselError;

use super::account_key;
use super::random::random_token;
use super::refresh::sha256_hex;
use crate::clock;
use crate::db::password_links::{self, Purpose};
use crate::db::{self, AnyConnection, login_failures, sessions, users, users::User};
use crate::i18n::Lang;
use crate::mail::{Mail, Outbox, QueueError};

/// How long a reset link works.
pub const RESET_MINUTES: u64 = 30;
/// How long an invitation works.
pub const INVITE_DAYS: u64 = 7;
/// Reset mails one account gets per hour at most; more requests are
/// answered alike but send nothing.
pub const RESETS_PER_HOUR: i64 = 3;

/// What the stored hash of an invited user's password is until they choose
/// one: not a hash of any scheme, so it never verifies, and a sign-in
/// fails as with a wrong password (and takes as long).
pub const NO_PASSWORD_YET: &str = "!invited: no password chosen yet";

/// The path of the page a link opens.
pub const RESET_PATH: &str = "/password/reset";

/// A link's secret. `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

impl std::fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkToken(***)")
    }
}

impl LinkToken {
    fn generate() -> Self {
        Self(random_token(32))
    }

    /// A presented token; anything that cannot be one is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = text.len() == 43
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    fn hash(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }
}

/// Queues a reset mail to `email` if it names an enabled user who has not
/// had [`RESETS_PER_HOUR`] already; returns whether one was queued. The
/// caller answers the same either way. The mail is in `lang`, the
/// language of the page that asked.
pub fn request_reset(
    conn: &mut AnyConnection,
    outbox: &Outbox,
    email: &str,
    lang: Lang,
) -> Result<bool, QueueError> {
    let Some(user) = users::find_by_email(conn, email)? else {
        return Ok(false);
    };
    if user.disabled {
        return Ok(false);
    }
    let now = clock::now_unix();
    db::write_transaction(conn, |conn| {
        if password_links::count_resets_since(conn, user.id, now - 3600)? >= RESETS_PER_HOUR {
            return Ok(false);
        }
        let minutes = RESET_MINUTES;
        let token = new_link(conn, &user, Purpose::Reset, now, minutes as i64 * 60)?;
        let link = outbox.link(&format!("{RESET_PATH}?token={}", token.expose()));
        outbox.enqueue(
            conn,
            &user.email,
            &Mail::PasswordReset {
                link: &link,
                minutes,
            },
            lang,
        )?;
        Ok(true)
    })
}

/// Creates an invited user (no password) with `scopes` and its link, in
/// one transaction. A taken email is diesel's `UniqueViolation`.
pub fn invite(
    conn: &mut AnyConnection,
    email: &str,
    scopes: &[String],
) -> Result<(User, LinkToken), DieselError> {
    db::write_transaction(conn, |conn| {
        let user = users::insert(conn, email, NO_PASSWORD_YET, scopes)?;
        let token = new_link(
            conn,
            &user,
            Purpose::Invite,
            clock::now_unix(),
            INVITE_DAYS as i64 * 86_400,
        )?;
        Ok((user, token))
    })
}

fn new_link(
    conn: &mut AnyConnection,
    user: &User,
    purpose: Purpose,
    now: i64,
    lifetime: i64,
) -> Result<LinkToken, DieselError> {
    let token = LinkToken::generate();
    password_links::replace(conn, &token.hash(), user.id, purpose, now, now + lifetime)?;
    Ok(token)
}

/// The user a live link belongs to, without spending it (the page that
/// shows the form).
pub fn holder(conn: &mut AnyConnection, token: &LinkToken) -> Result<Option<User>, DieselError> {
    match password_links::live_user(conn, &token.hash(), clock::now_unix())? {
        Some(user_id) => users::find_by_id(conn, user_id),
        None => Ok(None),
    }
}

/// Spends `token` and sets `password_hash`; ends every session of the
/// user and every other link, and clears the account's login throttle.
/// `None` when the link is unknown, used or expired (nothing changes).
pub fn set_password(
    conn: &mut AnyConnection,
    token: &LinkToken,
    password_hash: &str,
) -> Result<Option<(User, usize)>, DieselError> {
    let now = clock::now_unix();
    db::write_transaction(conn, |conn| {
        let Some(user_id) = password_links::spend(conn, &token.hash(), now)? else {
            return Ok(None);
        };
        let Some(user) = users::find_by_id(conn, user_id)? else {
            return Ok(None);
        };
        users::set_password_hash(conn, &user.email, password_hash)?;
        let ended = sessions::revoke_all_for_user(conn, user.id)?;
        password_links::end_all_for_user(conn, user.id, now)?;
        login_failures::forget(conn, &account_key(&user.email))?;
        Ok(Some((user, ended)))
    })
}
