//! The queue of outgoing mail: rows are enqueued by requests and commands,
//! claimed for a lease by one instance's sender, deleted once sent.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::ids::random_id;
use super::schema::outgoing_mail;
use super::{AnyConnection, write_transaction};

/// A mail ready to go: what the SMTP sender needs.
#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = outgoing_mail)]
pub struct QueuedMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub created_at: i64,
    pub attempts: i64,
}

/// The bodies may hold a password link: never printed.
impl std::fmt::Debug for QueuedMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueuedMail")
            .field("id", &self.id)
            .field("subject", &self.subject)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// A mail to enqueue.
pub struct NewMail<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
}

/// Adds a mail, due at once. Returns its id.
pub fn enqueue(conn: &mut AnyConnection, mail: &NewMail<'_>, now_ms: i64) -> QueryResult<i64> {
    let id = random_id();
    diesel::insert_into(outgoing_mail::table)
        .values((
            outgoing_mail::id.eq(id),
            outgoing_mail::recipient.eq(mail.recipient),
            outgoing_mail::subject.eq(mail.subject),
            outgoing_mail::body_text.eq(mail.body_text),
            outgoing_mail::body_html.eq(mail.body_html),
            outgoing_mail::created_at.eq(now_ms / 1000),
            outgoing_mail::attempts.eq(0),
            outgoing_mail::next_attempt_ms.eq(now_ms),
            outgoing_mail::claimed_until_ms.eq(0),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Claims up to `limit` due mails for `lease_ms`: no other instance sees
/// them until the lease runs out (a sender that died mid-way). Each claim
/// is a conditional update, so of two instances racing for a row exactly
/// one gets it, on both backends.
pub fn claim_due(
    conn: &mut AnyConnection,
    now_ms: i64,
    lease_ms: i64,
    limit: i64,
) -> QueryResult<Vec<QueuedMail>> {
    write_transaction(conn, |conn| {
        let due: Vec<QueuedMail> = outgoing_mail::table
            .filter(outgoing_mail::failed_at.is_null())
            .filter(outgoing_mail::next_attempt_ms.le(now_ms))
            .filter(outgoing_mail::claimed_until_ms.le(now_ms))
            .order(outgoing_mail::next_attempt_ms.asc())
            .limit(limit)
            .select(QueuedMail::as_select())
            .load(conn)?;
        let mut claimed = Vec::with_capacity(due.len());
        for mail in due {
            let won = diesel::update(
                outgoing_mail::table
                    .filter(outgoing_mail::id.eq(mail.id))
                    .filter(outgoing_mail::failed_at.is_null())
                    .filter(outgoing_mail::claimed_until_ms.le(now_ms)),
            )
            .set(outgoing_mail::claimed_until_ms.eq(now_ms + lease_ms))
            .execute(conn)?;
            if won == 1 {
                claimed.push(mail);
            }
        }
        Ok(claimed)
    })
}

/// A sent mail leaves the queue, and its link with it.
pub fn delete(conn: &mut AnyConnection, id: i64) -> QueryResult<()> {
    diesel::delete(outgoing_mail::table.filter(outgoing_mail::id.eq(id))).execute(conn)?;
    Ok(())
}

/// A failed attempt: released, and due again at `next_attempt_ms`.
pub fn retry_later(
    conn: &mut AnyConnection,
    id: i64,
    attempts: i64,
    next_attempt_ms: i64,
) -> QueryResult<()> {
    diesel::update(outgoing_mail::table.filter(outgoing_mail::id.eq(id)))
        .set((
            outgoing_mail::attempts.eq(attempts),
            outgoing_mail::next_attempt_ms.eq(next_attempt_ms),
            outgoing_mail::claimed_until_ms.eq(0),
        ))
        .execute(conn)?;
    Ok(())
}

/// Given up: the row stays a while for the operator (recipient, subject,
/// attempts), its bodies, which may hold a link, are wiped at once.
pub fn give_up(conn: &mut AnyConnection, id: i64, attempts: i64, now_s: i64) -> QueryResult<()> {
    diesel::update(outgoing_mail::table.filter(outgoing_mail::id.eq(id)))
        .set((
            outgoing_mail::attempts.eq(attempts),
            outgoing_mail::failed_at.eq(now_s),
            outgoing_mail::body_text.eq(""),
            outgoing_mail::body_html.eq(""),
        ))
        .execute(conn)?;
    Ok(())
}

/// Mails given up on before `before_s`.
pub fn purge_failed(conn: &mut AnyConnection, before_s: i64) -> QueryResult<usize> {
    diesel::sql_query("DELETE FROM outgoing_mail WHERE failed_at IS NOT NULL AND failed_at <= $1")
        .bind::<BigInt, _>(before_s)
        .execute(conn)
}
