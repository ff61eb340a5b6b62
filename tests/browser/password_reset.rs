//! What a person who forgot their password does in a real browser: the
//! "Forgot password?" link, the mail (from a real SMTP server), the link,
//! the new password, and signing in with it.

use std::time::Duration;

use crate::browser::{Browser, text};
use crate::support::smtp::{SmtpServer, smtp_available, with_mail};
use crate::support::{EMAIL, TestApp};

const FORGOT_LINK: &str = r#"a[href="/password/forgot"]"#;
const FORGOT_EMAIL: &str = r#"form[action="/password/forgot"] input#email[name="email"]"#;
const SEND_LINK: &str = r#"form[action="/password/forgot"] button[type="submit"]"#;
const SENT_NOTICE: &str = r#"p.notice[role="status"]"#;
const NEW_PASSWORD: &str = r#"form[action="/password/reset"] input#new_password[type="password"]"#;
const REPEAT: &str =
    r#"form[action="/password/reset"] input#new_password_confirm[type="password"]"#;
const SET: &str = r#"form[action="/password/reset"] button[type="submit"]"#;
const USERNAME: &str = r#"form[action="/login"] input#username[name="username"]"#;
const PASSWORD_FIELD: &str = r#"form[action="/login"] input#password[name="password"]"#;
const SIGN_IN: &str = r#"form[action="/login"] button[type="submit"]"#;
const ACCOUNT_EMAIL: &str = "#account-email";

const CHOSEN: &str = "the password I chose after forgetting";

#[tokio::test]
async fn a_person_who_forgot_the_password_chooses_a_new_one_from_the_mailed_link() {
    if !smtp_available("browser password reset") {
        return;
    }
    let Some(browser) = Browser::start().await else {
        return;
    };
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = TestApp::spawn_at_own_url_with(|s| with_mail(s, port)).await;

    browser.goto(&app.url("/login")).await;
    browser.wait_for(FORGOT_LINK).await;
    browser.click(FORGOT_LINK).await;
    browser.wait_for(FORGOT_EMAIL).await;
    browser.type_into(FORGOT_EMAIL, EMAIL).await;
    browser.click(SEND_LINK).await;
    let notice = text(&browser.wait_for(SENT_NOTICE).await).await;
    assert!(notice.contains("is on its way"), "{notice:?}");
    browser.screenshot("password-forgot.png").await;

    let mails = smtp.wait_for(1, Duration::from_secs(10)).await;
    let link = mails[0].password_link(&app.address);
    browser.goto(&link).await;
    browser.wait_for(NEW_PASSWORD).await;
    let heading = text(&browser.find("h1").await).await;
    assert_eq!(heading.trim(), "Choose a password");
    browser.type_into(NEW_PASSWORD, CHOSEN).await;
    browser.type_into(REPEAT, CHOSEN).await;
    browser.click(SET).await;

    // On to the sign-in page, which says what happened.
    let notice = text(&browser.wait_for(SENT_NOTICE).await).await;
    assert_eq!(notice.trim(), "Your new password is set. Sign in with it.");
    let (path, query) = browser.location().await;
    assert_eq!(path, "/login");
    assert!(
        query.is_none_or(|q| !q.contains("token")),
        "the token is not carried on"
    );
    browser.type_into(USERNAME, EMAIL).await;
    browser.type_into(PASSWORD_FIELD, CHOSEN).await;
    browser.click(SIGN_IN).await;
    let shown = browser.wait_for(ACCOUNT_EMAIL).await;
    assert_eq!(text(&shown).await.trim(), EMAIL);

    browser.close().await;
}
