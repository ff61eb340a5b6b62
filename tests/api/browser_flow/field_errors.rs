//! A form's error names its field: that field, and only that one, is
//! `aria-invalid`, described by the error text and given the focus.

use latchkey::auth::totp;
use latchkey::db::{second_factor, users};

use super::open_login;
use crate::support::{Browser, EMAIL, PASSWORD, TestApp, hidden_value, set_cookies};

/// The opening tag of the `<input>` whose id is `id`.
fn input_tag<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<input id=\"{id}\""))
        .unwrap_or_else(|| panic!("no input #{id} in {html}"));
    let end = html[start..].find('>').expect("the tag ends") + start;
    &html[start..=end]
}

fn assert_in_error(html: &str, id: &str, error_id: &str) {
    let tag = input_tag(html, id);
    assert!(tag.contains(r#"aria-invalid="true""#), "{tag}");
    assert!(tag.contains(" autofocus"), "the focus goes to it: {tag}");
    let described = tag
        .split("aria-describedby=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("not described: {tag}"));
    assert!(
        described.split(' ').any(|x| x == error_id),
        "{tag} is not described by #{error_id}"
    );
    assert!(
        html.contains(&format!(r#"role="alert" id="{error_id}""#)),
        "the error text is #{error_id} and announced"
    );
}

fn assert_not_in_error(html: &str, id: &str) {
    let tag = input_tag(html, id);
    assert!(!tag.contains("aria-invalid"), "{tag}");
    assert!(!tag.contains(" autofocus"), "the focus stays off it: {tag}");
}

#[tokio::test]
async fn a_setup_password_error_marks_the_password_not_the_email() {
    let app = TestApp::spawn_empty().await;
    let token = app.setup_token.clone().expect("a first run");
    let page = app.get(&format!("/setup?token={token}")).await;
    let csrf = set_cookies(&page)
        .remove("latchkey_csrf")
        .expect("csrf")
        .value;
    let fresh = page.text().await.expect("body");
    assert!(input_tag(&fresh, "username").contains(" autofocus"));
    let hint = input_tag(&fresh, "password");
    assert!(
        hint.contains(r#"aria-describedby="password-hint""#),
        "{hint}"
    );
    assert!(fresh.contains(r#"id="password-hint""#));

    let cookie = format!("latchkey_csrf={csrf}");
    let submit = async |email: &str, password: &str, confirm: &str| {
        let answer = app
            .post_form_with(
                "/setup",
                &[
                    ("token", &token),
                    ("csrf_token", &csrf),
                    ("username", email),
                    ("password", password),
                    ("password_confirm", confirm),
                ],
                &[("Cookie", &cookie)],
            )
            .await;
        assert_eq!(answer.status(), 400);
        answer.text().await.expect("body")
    };

    let short = submit(EMAIL, "too short", "too short").await;
    assert_in_error(&short, "password", "form-error");
    assert_not_in_error(&short, "username");
    assert_not_in_error(&short, "password_confirm");

    let differ = submit(EMAIL, "long enough to be taken", "long enough to be taken!").await;
    assert_in_error(&differ, "password", "form-error");
    assert!(input_tag(&differ, "password_confirm").contains(r#"aria-invalid="true""#));
    assert_not_in_error(&differ, "username");

    let email = submit("not an address", "long enough to be taken", "x").await;
    assert_in_error(&email, "username", "form-error");
    assert_not_in_error(&email, "password");
}

#[tokio::test]
async fn a_login_error_marks_the_field_to_fix() {
    let app = TestApp::spawn().await;
    let login = open_login(&app).await;
    let cookie = login.cookie();
    let submit = async |email: &str, password: &str| {
        app.post_form_with(
            "/login",
            &[
                ("username", email),
                ("password", password),
                ("csrf_token", &login.csrf),
                ("next", "/"),
            ],
            &[("Cookie", &cookie)],
        )
        .await
        .text()
        .await
        .expect("body")
    };

    let no_email = submit("", "something").await;
    assert_in_error(&no_email, "username", "form-error");
    assert_not_in_error(&no_email, "password");

    let wrong = submit(EMAIL, "not the password").await;
    assert_in_error(&wrong, "password", "form-error");
    assert_not_in_error(&wrong, "username");
}

#[tokio::test]
async fn an_account_form_error_marks_the_field_to_fix() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    assert_eq!(
        browser.sign_in("/login", EMAIL, PASSWORD).await.status(),
        303
    );
    let page = browser.get("/").await.text().await.expect("body");
    assert!(!page.contains("aria-invalid"), "no error, nothing marked");
    let csrf = hidden_value(&page, "csrf_token").expect("csrf");
    let change = async |current: &str, new: &str, again: &str| {
        browser
            .post(
                "/account/password",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("current_password", current),
                    ("new_password", new),
                    ("new_password_confirm", again),
                ],
            )
            .await
            .text()
            .await
            .expect("body")
    };
    const NEW: &str = "a brand new passphrase for alice";

    let short = change(PASSWORD, "short", "short").await;
    assert_in_error(&short, "new_password", "password-error");
    assert_not_in_error(&short, "current_password");

    let wrong = change("not my password at all", NEW, NEW).await;
    assert_in_error(&wrong, "current_password", "password-error");
    assert_not_in_error(&wrong, "new_password");

    // With an authenticator app on, its "turn off" form marks its own fields.
    let mut conn = app.connection();
    let alice = users::find_by_email(&mut conn, EMAIL)
        .expect("look up alice")
        .expect("alice");
    second_factor::start_totp(&mut conn, alice.id, &totp::new_secret()).expect("a key");
    second_factor::enable_totp(&mut conn, alice.id, 0, &[]).expect("enabled");
    let turn_off = async |password: &str, code: &str| {
        browser
            .post(
                "/account/totp/disable",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("password", password),
                    ("code", code),
                ],
            )
            .await
            .text()
            .await
            .expect("body")
    };
    let no_code = turn_off(PASSWORD, "").await;
    assert_in_error(&no_code, "totp_code", "totp-error");
    assert_not_in_error(&no_code, "totp_password");
    assert_not_in_error(&no_code, "current_password");
    let wrong = turn_off("not my password at all", "123456").await;
    assert_in_error(&wrong, "totp_password", "totp-error");
    assert_not_in_error(&wrong, "totp_code");
}
