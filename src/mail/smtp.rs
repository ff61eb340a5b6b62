//! The SMTP client (lettre over rustls): the server of `LATCHKEY_SMTP_URL`,
//! STARTTLS when it offers it (`smtp://`) or TLS from the first byte
//! (`smtps://`).

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailSettings;
use crate::db::outgoing_mail::QueuedMail;

/// How long one conversation with the SMTP server may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Sends mails through the configured server.
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why a mail did not go out. Its text never holds the mail's bodies.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the recipient {0:?} is not a valid address")]
    BadRecipient(String),
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
}

impl SendError {
    /// Whether trying again later may help.
    pub fn is_permanent(&self) -> bool {
        !matches!(self, Self::Smtp(_))
    }
}

impl SmtpSender {
    /// The client for `mail` (configured), saying `EHLO hello_name`.
    pub fn new(mail: &MailSettings, hello_name: &str) -> Result<Self, String> {
        let (Some(url), Some(from)) = (&mail.smtp_url, &mail.from) else {
            return Err("LATCHKEY_SMTP_URL and LATCHKEY_MAIL_FROM are both needed".into());
        };
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("LATCHKEY_MAIL_FROM is not a valid address: {e}"))?;
        // The URL may hold a password: errors name the key, not the value.
        let url = url::Url::parse(url.expose())
            .map_err(|e| format!("LATCHKEY_SMTP_URL cannot be read: {e}"))?;
        let host = url
            .host_str()
            .ok_or("LATCHKEY_SMTP_URL names no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls_parameters = TlsParameters::new(host.clone())
            .map_err(|e| format!("LATCHKEY_SMTP_URL: TLS set-up failed: {e}"))?;
        let (tls, default_port) = match url.scheme() {
            "smtps" => (Tls::Wrapper(tls_parameters), 465),
            _ => (Tls::Opportunistic(tls_parameters), 587),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(url.port().unwrap_or(default_port))
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT))
            .hello_name(ClientId::Domain(hello_name.to_owned()));
        let user = percent_decoded(url.username());
        let password = match &mail.smtp_password {
            Some(password) => Some(password.expose().to_owned()),
            None => url.password().map(percent_decoded),
        };
        match (user.is_empty(), password) {
            (false, Some(password)) => {
                builder = builder.credentials(Credentials::new(user, password));
            }
            (true, Some(_)) => {
                return Err(
                    "LATCHKEY_SMTP_PASSWORD is set but LATCHKEY_SMTP_URL names no user (smtp://USER@host:port)"
                        .into(),
                );
            }
            (false, None) => {
                return Err(
                    "LATCHKEY_SMTP_URL names a user but no password is given (in the URL or LATCHKEY_SMTP_PASSWORD)"
                        .into(),
                );
            }
            (true, None) => {}
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one mail, plain text and HTML as alternatives.
    pub async fn send(&self, mail: &QueuedMail) -> Result<(), SendError> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|_| SendError::BadRecipient(mail.recipient.clone()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.body_text.clone(),
                mail.body_html.clone(),
            ))
            .map_err(|e| SendError::Build(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| SendError::Smtp(e.to_string()))
    }
}

/// A user or password as written in the URL (`%40` for `@`).
fn percent_decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}
