//! What a person sees turning on an authenticator app and then signing in
//! with it: the key and its QR code, the recovery codes, the second step.

use latchkey::auth::totp;
use latchkey::clock::now_unix;

use crate::browser::{Browser, text};
use crate::support::{EMAIL, PASSWORD, TestApp};

const USERNAME: &str = r#"form[action="/login"] input#username[name="username"]"#;
const PASSWORD_FIELD: &str =
    r#"form[action="/login"] input#password[name="password"][type="password"]"#;
const SIGN_IN: &str = r#"form[action="/login"] button[type="submit"]"#;
const ACCOUNT_EMAIL: &str = "#account-email";
const SIGN_OUT: &str = r#"form[method="post"][action="/logout"] button[type="submit"]"#;
const SIGNED_OUT_NOTICE: &str = r#"p.notice[role="status"]"#;
const SECOND_FACTOR_STATE: &str = "#second-factor-state";
const SET_UP: &str = r#"form[method="post"][action="/account/totp/start"] button[type="submit"]"#;
const SECRET: &str = "code#totp-secret";
const QR_CODE: &str = r#"div.qr[role="img"] svg"#;
const CONFIRM_CODE: &str = r#"form[action="/account/totp/confirm"] input#code[name="code"]"#;
const TURN_ON: &str = r#"form[action="/account/totp/confirm"] button[type="submit"]"#;
const RECOVERY_CODES: &str = "ul#recovery-codes li code";
const SECOND_STEP_CODE: &str = r#"form[action="/login/second-factor"] input#code[name="code"]"#;
const CONTINUE: &str = r#"form[action="/login/second-factor"] button[type="submit"]"#;

async fn enter_password(browser: &Browser, app: &TestApp) {
    browser.goto(&app.url("/login?next=/")).await;
    browser.wait_for(USERNAME).await;
    browser.type_into(USERNAME, EMAIL).await;
    browser.type_into(PASSWORD_FIELD, PASSWORD).await;
    browser.click(SIGN_IN).await;
}

#[tokio::test]
async fn a_person_turns_on_an_authenticator_app_and_signs_in_with_its_code() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;

    enter_password(&browser, &app).await;
    browser.wait_for(ACCOUNT_EMAIL).await;
    let state = text(&browser.find(SECOND_FACTOR_STATE).await).await;
    assert!(state.starts_with("Authenticator app: off"), "{state:?}");
    assert_eq!(
        text(&browser.find(SET_UP).await).await.trim(),
        "Set up an authenticator app"
    );
    browser.click(SET_UP).await;

    let secret = text(&browser.wait_for(SECRET).await)
        .await
        .trim()
        .to_owned();
    assert_eq!(secret.len(), 32, "a 160-bit key in base32: {secret:?}");
    let (_, _, width, height) = browser
        .find(QR_CODE)
        .await
        .rectangle()
        .await
        .expect("the QR code's size");
    assert!(
        width >= 100.0 && height >= 100.0,
        "the QR code is drawn large enough to scan: {width}x{height}"
    );
    browser.screenshot("totp-setup.png").await;

    let now = now_unix();
    let code = totp::code_at(&secret, totp::step_at(now)).expect("a code");
    browser.type_into(CONFIRM_CODE, &code).await;
    browser.click(TURN_ON).await;
    browser.wait_for(RECOVERY_CODES).await;
    let heading = text(&browser.find("h1").await).await;
    assert_eq!(heading.trim(), "Your recovery codes");
    let codes = browser
        .client
        .find_all(fantoccini::Locator::Css(RECOVERY_CODES))
        .await
        .expect("the recovery codes");
    assert_eq!(codes.len(), 10, "ten recovery codes are shown");

    browser.goto(&app.url("/")).await;
    browser.wait_for(SIGN_OUT).await;
    browser.click(SIGN_OUT).await;
    browser.wait_for(SIGNED_OUT_NOTICE).await;

    // The password alone now leads to the second step, not the account.
    enter_password(&browser, &app).await;
    browser.wait_for(SECOND_STEP_CODE).await;
    assert_eq!(browser.location().await.0, "/login/second-factor");
    let heading = text(&browser.find("h1").await).await;
    assert_eq!(heading.trim(), "One more step");
    browser.screenshot("second-factor.png").await;

    // The next step's code: the set-up's code is spent.
    let next = totp::code_at(&secret, totp::step_at(now) + 1).expect("a code");
    browser.type_into(SECOND_STEP_CODE, &next).await;
    browser.click(CONTINUE).await;
    let shown_email = browser.wait_for(ACCOUNT_EMAIL).await;
    assert_eq!(text(&shown_email).await.trim(), EMAIL);
    assert_eq!(browser.location().await.0, "/");
    let state = text(&browser.find(SECOND_FACTOR_STATE).await).await;
    assert!(
        state.starts_with("Authenticator app: on"),
        "the account page says {state:?}"
    );

    browser.close().await;
}
