//! Every page, in every state a person meets it in, passes axe-core with
//! no violation, in the light and the dark colour scheme.

use latchkey::auth::password_link;
use latchkey::auth::totp;
use latchkey::clock::now_unix;
use serde_json::json;

use crate::axe::assert_accessible;
use crate::browser::{Browser, text};
use crate::support::smtp::{free_port, with_mail};
use crate::support::{Browser as HttpBrowser, ClientSpec, EMAIL, PASSWORD, Pkce, TestApp};

const USERNAME: &str = r#"form[action="/login"] input#username"#;
const PASSWORD_FIELD: &str = r#"form[action="/login"] input#password"#;
const SIGN_IN: &str = r#"form[action="/login"] button[type="submit"]"#;
/// The form's own error, by id: the passkey block's hidden error is a
/// `p.error[role="alert"]` too, so a class-only match could find it on the
/// page being left and go stale when the answer arrives.
const ERROR: &str = r#"p#form-error.error[role="alert"]"#;
const NOTICE: &str = r#"p.notice[role="status"]"#;
const ACCOUNT_EMAIL: &str = "#account-email";

/// latchkey on `localhost` (so passkeys are offered, with their script)
/// and with mail configured (so the forgot-password form is shown; no
/// mail is sent by these pages, so nothing listens on the SMTP port).
async fn full_featured_app() -> TestApp {
    let smtp_port = free_port();
    TestApp::spawn_at_own_url_with(|s| {
        s.public_url = Some(format!("http://localhost:{}", s.bind.port()));
        with_mail(s, smtp_port);
    })
    .await
}

fn url(app: &TestApp, path: &str) -> String {
    format!(
        "{}{path}",
        app.settings.public_url.as_deref().expect("public URL")
    )
}

async fn open(browser: &Browser, app: &TestApp, path: &str, shows: &str) {
    browser.goto(&url(app, path)).await;
    browser.wait_for(shows).await;
}

async fn sign_in(browser: &Browser, app: &TestApp, password: &str) {
    open(browser, app, "/login?next=/", USERNAME).await;
    browser.type_into(USERNAME, EMAIL).await;
    browser.type_into(PASSWORD_FIELD, password).await;
    browser.click(SIGN_IN).await;
}

/// The field matching `field` has the focus, is marked invalid and is
/// described by the error text `#error_id`, which is announced.
async fn assert_error_tied_to(browser: &Browser, field: &str, error_id: &str) {
    let tie = browser
        .client
        .execute(
            "const f = document.activeElement; \
             const e = document.getElementById(arguments[1]); \
             return { focused: f.matches(arguments[0]), \
                      invalid: f.getAttribute('aria-invalid'), \
                      describedby: (f.getAttribute('aria-describedby') || '').split(' '), \
                      role: e && e.getAttribute('role') };",
            vec![json!(field), json!(error_id)],
        )
        .await
        .expect("read the field's ties");
    assert_eq!(
        tie["focused"],
        json!(true),
        "`{field}` has the focus: {tie}"
    );
    assert_eq!(tie["invalid"], json!("true"), "{tie}");
    assert!(
        tie["describedby"]
            .as_array()
            .is_some_and(|ids| ids.contains(&json!(error_id))),
        "`{field}` is described by #{error_id}: {tie}"
    );
    assert_eq!(tie["role"], json!("alert"), "{tie}");
}

#[tokio::test]
async fn the_sign_in_and_password_pages_pass_axe_in_light_and_dark() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = full_featured_app().await;

    open(&browser, &app, "/login", USERNAME).await;
    assert_accessible(&browser, "the login page").await;

    sign_in(&browser, &app, "not the right password").await;
    let error = text(&browser.wait_for(ERROR).await).await;
    assert!(error.contains("Incorrect"), "{error:?}");
    assert_error_tied_to(&browser, "input#password", "form-error").await;
    assert_accessible(&browser, "the login page with an error").await;

    open(&browser, &app, "/login?next=/&session_ended=1", NOTICE).await;
    assert_accessible(&browser, "the login page saying the session ended").await;

    open(&browser, &app, "/password/forgot", "input#email").await;
    assert_accessible(&browser, "the forgot-password page").await;
    browser.type_into("input#email", "not an address").await;
    browser
        .click(r#"form[action="/password/forgot"] button"#)
        .await;
    browser.wait_for(ERROR).await;
    assert_error_tied_to(&browser, "input#email", "form-error").await;
    assert_accessible(&browser, "the forgot-password page with an error").await;

    let (_, token) = password_link::invite(&mut app.connection(), "bob@example.com", &[])
        .expect("an invitation link");
    let reset = format!("/password/reset?token={}", token.expose());
    open(&browser, &app, &reset, "input#new_password").await;
    assert_accessible(&browser, "the choose-a-password page").await;
    browser
        .type_into("input#new_password", "a long enough new password")
        .await;
    browser
        .type_into("input#new_password_confirm", "a different one entirely")
        .await;
    browser
        .click(r#"form[action="/password/reset"] button"#)
        .await;
    browser.wait_for(ERROR).await;
    // Both passwords are retyped: the focus goes to the first.
    assert_error_tied_to(&browser, "input#new_password", "form-error").await;
    assert_accessible(&browser, "the choose-a-password page with an error").await;

    // A message page: a link that leads nowhere.
    open(&browser, &app, "/setup?token=wrong", "h1").await;
    assert_eq!(text(&browser.find("h1").await).await.trim(), "Not found");
    assert_accessible(&browser, "a message page").await;

    browser.close().await;
}

#[tokio::test]
async fn the_first_run_setup_page_passes_axe_in_light_and_dark() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_empty().await;
    let token = app.setup_token.clone().expect("a first run");

    browser
        .goto(&app.url(&format!("/setup?token={token}")))
        .await;
    browser.wait_for("input#password_confirm").await;
    assert_accessible(&browser, "the setup page").await;
    // The length rule is read out with the field, not as part of its name.
    let hint = browser
        .client
        .execute(
            "const f = document.getElementById('password'); \
             const ids = (f.getAttribute('aria-describedby') || '').split(' '); \
             return ids.map(id => document.getElementById(id)?.textContent ?? '').join(' ');",
            vec![],
        )
        .await
        .expect("read the field's description");
    assert!(
        hint.as_str().is_some_and(|h| h.contains("at least")),
        "the password field is described by {hint}"
    );

    browser.type_into("input#username", EMAIL).await;
    browser.type_into("input#password", PASSWORD).await;
    browser
        .type_into("input#password_confirm", "something else")
        .await;
    browser.click(r#"form[action="/setup"] button"#).await;
    browser.wait_for(ERROR).await;
    // Not back to the email field, which was right.
    assert_error_tied_to(&browser, "input#password", "form-error").await;
    assert_accessible(&browser, "the setup page with an error").await;

    browser.close().await;
}

#[tokio::test]
async fn the_account_second_factor_consent_and_sign_out_pages_pass_axe_in_light_and_dark() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = full_featured_app().await;
    // Another session, so the account page lists one to end.
    let phone = HttpBrowser::new(&app);
    assert_eq!(phone.sign_in("/login", EMAIL, PASSWORD).await.status(), 303);
    let redirect_uri = format!("http://127.0.0.1:{}/callback", free_port());
    let client = app.add_client(ClientSpec {
        redirect_uris: &[&redirect_uri],
        ..ClientSpec::default()
    });

    sign_in(&browser, &app, PASSWORD).await;
    browser.wait_for("#passkey-add:not([hidden])").await;
    assert_eq!(
        browser
            .client
            .find_all(fantoccini::Locator::Css("ul.sessions li"))
            .await
            .expect("the sessions")
            .len(),
        2
    );
    assert_accessible(&browser, "the account page").await;

    browser.type_into("input#current_password", "wrong").await;
    browser
        .type_into("input#new_password", "a long enough new password")
        .await;
    browser
        .type_into("input#new_password_confirm", "a long enough new password")
        .await;
    browser
        .click(r#"form[action="/account/password"] button"#)
        .await;
    browser.wait_for("p#password-error").await;
    assert_error_tied_to(&browser, "input#current_password", "password-error").await;
    assert_accessible(&browser, "the account page with a password error").await;

    open(&browser, &app, "/logout", r#"form[action="/logout"]"#).await;
    assert_eq!(text(&browser.find("h1").await).await.trim(), "Sign out?");
    assert_accessible(&browser, "the sign-out page").await;

    // Consent, then the application on the account page.
    let pkce = Pkce::new();
    let authorize = pkce.authorize_url(
        &url(&app, "/authorize"),
        &client.id,
        &redirect_uri,
        "openid email",
        "s",
    );
    browser.goto(&authorize).await;
    browser.wait_for(r#"button[value="allow"]"#).await;
    assert_accessible(&browser, "the consent page").await;
    browser.click(r#"button[value="allow"]"#).await;
    // The grant is stored before the redirect to the application is sent:
    // once the consent page has gone, the account page lists it.
    browser.wait_until_gone(r#"button[value="allow"]"#).await;
    open(&browser, &app, "/", "ul.grants li").await;

    // The authenticator app: set-up, recovery codes, the account with it on.
    browser
        .click(r#"form[action="/account/totp/start"] button"#)
        .await;
    let secret = text(&browser.wait_for("code#totp-secret").await)
        .await
        .trim()
        .to_owned();
    assert_accessible(&browser, "the authenticator set-up page").await;
    let now = now_unix();
    let code = totp::code_at(&secret, totp::step_at(now)).expect("a code");
    browser.type_into("input#code", &code).await;
    browser
        .click(r#"form[action="/account/totp/confirm"] button"#)
        .await;
    browser.wait_for("ul#recovery-codes").await;
    assert_accessible(&browser, "the recovery codes page").await;
    open(&browser, &app, "/", "input#totp_code").await;
    assert_accessible(
        &browser,
        "the account page with sessions, an application, passkeys and an authenticator app",
    )
    .await;

    // The second step, wrong and then right.
    browser
        .click(r#"form[action="/logout"] button[type="submit"]"#)
        .await;
    browser.wait_for(NOTICE).await;
    sign_in(&browser, &app, PASSWORD).await;
    browser.wait_for("input#code").await;
    assert_accessible(&browser, "the second-step page").await;
    browser.type_into("input#code", "000000").await;
    browser
        .click(r#"form[action="/login/second-factor"] button"#)
        .await;
    browser.wait_for("p#code-error").await;
    assert_error_tied_to(&browser, "input#code", "code-error").await;
    assert_accessible(&browser, "the second-step page with an error").await;
    let next = totp::code_at(&secret, totp::step_at(now) + 1).expect("a code");
    browser.type_into("input#code", &next).await;
    browser
        .click(r#"form[action="/login/second-factor"] button"#)
        .await;
    browser.wait_for(ACCOUNT_EMAIL).await;

    browser.close().await;
}
