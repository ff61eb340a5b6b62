//! Outgoing mail: rendering ([`message`]), the durable queue in the
//! database that every instance drains in the background ([`queue`]), and
//! the SMTP client ([`smtp`]). Requests only ever add rows to the queue, so
//! a slow or dead mail server never fails or slows a page.
//!
//! Mail is on when `LATCHKEY_SMTP_URL`, `LATCHKEY_MAIL_FROM` and
//! `LATCHKEY_PUBLIC_URL` (the base of every link) are all set.

pub mod message;
pub mod queue;
mod smtp;

use std::sync::Arc;

use tokio::sync::Notify;

pub use message::{Mail, Notice};

use crate::clock;
use crate::config::{MailSettings, Settings};
use crate::db::{self, AnyConnection, mail_notices, outgoing_mail, users};
use crate::i18n::Lang;
use crate::state::AppState;
use smtp::SmtpSender;

/// An account gets at most one "account throttled" notice this often.
const THROTTLE_NOTICE_SECONDS: i64 = 3600;

/// What puts mail in the queue: it renders and stores. Commands use it
/// alone; the server's [`Mailer`] adds the sender.
#[derive(Debug, Clone)]
pub struct Outbox {
    /// `LATCHKEY_PUBLIC_URL`, without a trailing slash.
    site: String,
}

/// Why mail could not be queued.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("cannot render the mail: {0}")]
    Render(#[from] askama::Error),
    #[error("cannot queue the mail: {0}")]
    Database(#[from] diesel::result::Error),
}

impl Outbox {
    /// The outbox when mail is on; otherwise why it is off, in a sentence
    /// for the operator.
    pub fn of(settings: &Settings) -> Result<Self, String> {
        let mail = &settings.mail;
        match (&mail.smtp_url, &mail.from) {
            (None, None) => {
                return Err("LATCHKEY_SMTP_URL and LATCHKEY_MAIL_FROM are not set".into());
            }
            (Some(_), None) => {
                return Err("LATCHKEY_SMTP_URL is set but LATCHKEY_MAIL_FROM is not".into());
            }
            (None, Some(_)) => {
                return Err("LATCHKEY_MAIL_FROM is set but LATCHKEY_SMTP_URL is not".into());
            }
            (Some(_), Some(_)) => {}
        }
        let Some(site) = &settings.public_url else {
            return Err(
                "LATCHKEY_PUBLIC_URL is not set, and mailed links must start with it".into(),
            );
        };
        Ok(Self { site: site.clone() })
    }

    /// `path` (with its query) as a link a person can follow from a mail.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.site)
    }

    /// Renders `mail` to `recipient` and adds it to the queue.
    pub fn enqueue(
        &self,
        conn: &mut AnyConnection,
        recipient: &str,
        mail: &Mail<'_>,
        lang: Lang,
    ) -> Result<(), QueueError> {
        let rendered = message::render(lang, mail, recipient, &self.site)?;
        let new = outgoing_mail::NewMail {
            recipient,
            subject: &rendered.subject,
            body_text: &rendered.text,
            body_html: &rendered.html,
        };
        outgoing_mail::enqueue(conn, &new, clock::now_millis())?;
        Ok(())
    }
}

/// The server's mail: the outbox, the SMTP client and the queue's bell.
#[derive(Clone)]
pub struct Mailer {
    pub outbox: Outbox,
    sender: SmtpSender,
    settings: MailSettings,
    /// Rung when a mail is queued, so the queue sends it at once.
    bell: Arc<Notify>,
}

impl Mailer {
    /// The mailer, or `None` (with a log line saying why) when mail is off.
    /// A setting that cannot work (a bad sender address, a password
    /// without a user) stops start-up.
    pub fn start(settings: &Settings) -> anyhow::Result<Option<Self>> {
        let outbox = match Outbox::of(settings) {
            Ok(outbox) => outbox,
            Err(why) => {
                let half_set = settings.mail.smtp_url.is_some() || settings.mail.from.is_some();
                if half_set {
                    tracing::warn!(
                        "e-mail is off: {why}; \"Forgot password?\" and notices are unavailable"
                    );
                } else {
                    tracing::info!(
                        "e-mail is off ({why}); \"Forgot password?\" asks people to see an administrator"
                    );
                }
                return Ok(None);
            }
        };
        let hello_name = url::Url::parse(&outbox.site)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "localhost".to_owned());
        let sender = SmtpSender::new(&settings.mail, &hello_name).map_err(anyhow::Error::msg)?;
        Ok(Some(Self {
            outbox,
            sender,
            settings: settings.mail.clone(),
            bell: Arc::new(Notify::new()),
        }))
    }

    /// Wakes the queue: a mail is waiting.
    pub fn ring(&self) {
        self.bell.notify_one();
    }
}

/// Queues `notice` to `email` in the background, when mail is on. Never
/// fails and never waits: a notice is worth less than the page it comes
/// from. Other features (passkeys) call it the same way. `lang` is the
/// language of the request behind the notice, or the default without one.
pub fn notify(state: &AppState, email: &str, notice: Notice, lang: Lang) {
    let Some(mailer) = state.mail.clone() else {
        return;
    };
    let (pool, email) = (state.pool.clone(), email.to_owned());
    tokio::spawn(async move {
        let outbox = mailer.outbox.clone();
        let queued = db::run(&pool, move |conn| {
            let queued = match notice {
                Notice::AccountThrottled => queue_throttle_notice(conn, &outbox, &email, lang),
                _ => outbox
                    .enqueue(conn, &email, &Mail::Notice(notice), lang)
                    .map(|()| true),
            };
            Ok(queued)
        })
        .await;
        match queued {
            Ok(Ok(true)) => {
                tracing::info!(
                    event = "notice_queued",
                    notice = notice.as_str(),
                    "notice mail queued"
                );
                mailer.ring();
            }
            Ok(Ok(false)) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, notice = notice.as_str(), "could not queue a notice mail")
            }
            Err(e) => {
                tracing::warn!(error = %e, notice = notice.as_str(), "could not queue a notice mail")
            }
        }
    });
}

/// The throttling notice goes to existing accounts only (`email` is what
/// was typed), at most once an hour whichever instance decides.
fn queue_throttle_notice(
    conn: &mut AnyConnection,
    outbox: &Outbox,
    email: &str,
    lang: Lang,
) -> Result<bool, QueueError> {
    let Some(user) = users::find_by_email(conn, email)? else {
        return Ok(false);
    };
    let now = clock::now_unix();
    let kind = Notice::AccountThrottled.as_str();
    db::write_transaction(conn, |conn| {
        if !mail_notices::claim_notice(conn, user.id, kind, now, now - THROTTLE_NOTICE_SECONDS)? {
            return Ok(false);
        }
        let notice = Mail::Notice(Notice::AccountThrottled);
        outbox.enqueue(conn, &user.email, &notice, lang)?;
        Ok(true)
    })
}
