//! E-mail against a real SMTP server (aiosmtpd, `tests/support/smtp.rs`):
//! "forgot password" from request to new password, invitations from the
//! command line, notices, the queue's delivery when the server is down or
//! shared by two instances, and the pages when mail is off.

mod delivery;
mod invite;
mod notices;
mod off;
mod reset;

use std::time::Duration;

use crate::support::smtp::{SmtpServer, smtp_available, with_mail};
use crate::support::{Browser, TestApp, hidden_value};

/// How long a mail may take to arrive through the queue.
pub const ARRIVES: Duration = Duration::from_secs(10);

/// A server at its own URL (links need `LATCHKEY_PUBLIC_URL`) with mail on
/// through a fresh SMTP server; `None` when aiosmtpd is missing outside CI.
pub async fn app_with_mail(test: &str) -> Option<(TestApp, SmtpServer)> {
    app_with_mail_and(test, |_| {}).await
}

pub async fn app_with_mail_and(
    test: &str,
    adjust: impl FnOnce(&mut latchkey::config::Settings),
) -> Option<(TestApp, SmtpServer)> {
    if !smtp_available(test) {
        return None;
    }
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = TestApp::spawn_at_own_url_with(|s| {
        with_mail(s, port);
        adjust(s);
    })
    .await;
    Some((app, smtp))
}

/// Asks for a reset link for `email` from `browser`; returns the answer.
pub async fn forgot(browser: &Browser, email: &str) -> reqwest::Response {
    let page = browser.get("/password/forgot").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    let csrf = hidden_value(&html, "csrf_token").expect("a CSRF field");
    browser
        .post(
            "/password/forgot",
            &[("csrf_token", &csrf), ("email", email)],
        )
        .await
}

/// Opens `link` (from a mail) and submits `password` twice; returns the
/// answer to the form.
pub async fn choose_password(browser: &Browser, link: &str, password: &str) -> reqwest::Response {
    let page = browser.get(link).await;
    assert_eq!(page.status(), 200, "the link's page");
    let html = page.text().await.expect("body");
    let csrf = hidden_value(&html, "csrf_token").expect("a CSRF field");
    let token = hidden_value(&html, "token").expect("the token, carried in the form");
    browser
        .post(
            "/password/reset",
            &[
                ("csrf_token", &csrf),
                ("token", &token),
                ("new_password", password),
                ("new_password_confirm", password),
            ],
        )
        .await
}
