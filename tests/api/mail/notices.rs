//! Notices: password changed, second factor added and removed (on the
//! account page and by the administrator), account throttled (once an
//! hour, whatever the number of failures).

use std::time::Duration;

use crate::cli::latchkey_with_env;
use crate::second_factor::{csrf_of, enable_totp, password_step, second_step};
use crate::support::smtp::SmtpServer;
use crate::support::{Browser, EMAIL, PASSWORD, location};

use super::{ARRIVES, app_with_mail, app_with_mail_and};

const NEW_PASSWORD: &str = "a completely different passphrase";

fn subjects(smtp: &SmtpServer) -> Vec<String> {
    smtp.mails().into_iter().map(|m| m.subject).collect()
}

#[tokio::test]
async fn changing_the_password_on_the_account_page_sends_a_notice() {
    let Some((app, smtp)) = app_with_mail("password change notice").await else {
        return;
    };
    let browser = Browser::new(&app);
    assert_eq!(
        browser.sign_in("/login", EMAIL, PASSWORD).await.status(),
        303
    );
    let csrf = csrf_of(&browser).await;
    let changed = browser
        .post(
            "/account/password",
            &[
                ("csrf_token", csrf.as_str()),
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&changed), "/?done=password");
    let mails = smtp.wait_for(1, ARRIVES).await;
    assert_eq!(mails[0].subject, "Your latchkey password was changed");
    assert_eq!(mails[0].envelope_to, vec![EMAIL.to_owned()]);
    let text = mails[0].text();
    assert!(
        text.contains(&format!("{}/password/forgot", app.address)),
        "{text}"
    );
    assert!(mails[0].html.is_some());
}

#[tokio::test]
async fn a_second_factor_added_and_removed_sends_a_notice_each_time() {
    let Some((app, smtp)) = app_with_mail("second factor notices").await else {
        return;
    };
    let (_, codes) = enable_totp(&app).await;
    smtp.wait_for(1, ARRIVES).await;
    let browser = password_step(&app, "/login").await;
    assert_eq!(second_step(&browser, &codes[0]).await.status(), 303);
    let csrf = csrf_of(&browser).await;
    let off = browser
        .post(
            "/account/totp/disable",
            &[
                ("csrf_token", &csrf),
                ("password", PASSWORD),
                ("code", &codes[1]),
            ],
        )
        .await;
    assert_eq!(location(&off), "/?done=totp-off");
    smtp.wait_for(2, ARRIVES).await;
    assert_eq!(
        subjects(&smtp),
        [
            "A second factor was added to your latchkey account",
            "A second factor was removed from your latchkey account"
        ]
    );

    // The administrator's reset too; the command queues, the server sends.
    enable_totp(&app).await;
    smtp.wait_for(3, ARRIVES).await;
    let url = app.settings.database_url.url();
    let smtp_url = smtp.url();
    let reset = latchkey_with_env(
        &["--database-url", &url, "user", "mfa", "reset", EMAIL],
        None,
        &[
            ("LATCHKEY_SMTP_URL", &smtp_url),
            ("LATCHKEY_MAIL_FROM", "latchkey@example.com"),
            ("LATCHKEY_PUBLIC_URL", &app.address),
        ],
    );
    assert!(reset.status.success(), "{reset:?}");
    let mails = smtp.wait_for(4, ARRIVES).await;
    assert_eq!(
        mails[3].subject,
        "A second factor was removed from your latchkey account"
    );
}

#[tokio::test]
async fn a_throttled_account_is_told_once_an_hour_however_many_failures() {
    let Some((app, smtp)) = app_with_mail_and("throttle notice", |s| {
        s.account_free_failures = 2;
        s.account_delays = vec![Duration::from_millis(200)];
        s.rate_limit = false;
    })
    .await
    else {
        return;
    };
    let mut throttled = 0;
    for _ in 0..12 {
        if app.login(EMAIL, "wrong password").await.status() == 429 {
            throttled += 1;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(throttled >= 2, "throttled {throttled} times");
    // An unknown account's throttling mails nobody.
    for _ in 0..6 {
        app.login("nobody@example.com", "wrong password").await;
    }
    let mails = smtp.wait_for(1, ARRIVES).await;
    assert_eq!(mails[0].subject, "Failed sign-ins to your latchkey account");
    assert_eq!(mails[0].envelope_to, vec![EMAIL.to_owned()]);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(smtp.mails().len(), 1, "{:?}", subjects(&smtp));

    // Another instance on the same database keeps the same hour.
    let other = app
        .another_instance(|s| {
            crate::support::smtp::with_mail(s, smtp.port);
            s.public_url = app.settings.public_url.clone();
            s.account_free_failures = 2;
            s.account_delays = vec![Duration::from_millis(200)];
            s.rate_limit = false;
        })
        .await;
    for _ in 0..6 {
        other.login(EMAIL, "wrong password").await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(smtp.mails().len(), 1, "{:?}", subjects(&smtp));
}
