//! Passkeys over HTTP with a software authenticator: registering from the
//! account page, signing in with the passkey alone (also inside
//! /authorize), as the second factor, and the attacks on the ceremonies.

mod attacks;
mod authenticator;
mod vectors;

use serde_json::{Value as Json, json};

use crate::support::{Browser, EMAIL, PASSWORD, TestApp, hidden_value, location};
use authenticator::SoftPasskey;

/// A server whose public URL is `http://localhost:PORT`, the relying
/// party the passkeys are bound to (an IP address cannot be one).
pub async fn passkey_app() -> TestApp {
    TestApp::spawn_at_own_url_with(|s| {
        s.public_url = Some(format!("http://localhost:{}", s.bind.port()));
    })
    .await
}

pub fn origin(app: &TestApp) -> String {
    app.settings.public_url.clone().expect("public URL")
}

/// A browser signed in with alice's password (no second factor yet).
pub async fn signed_in(app: &TestApp) -> Browser {
    signed_in_as(app, EMAIL, PASSWORD).await
}

/// A browser signed in as a user without a second factor.
pub async fn signed_in_as(app: &TestApp, email: &str, password: &str) -> Browser {
    let browser = Browser::new(app);
    let done = browser.sign_in("/login", email, password).await;
    assert_eq!(location(&done), "/");
    browser
}

/// The CSRF token of the page at `path`: its forms', or the one the
/// passkey block hands the script.
pub async fn csrf_of(browser: &Browser, path: &str) -> String {
    let page = browser.get(path).await;
    assert_eq!(page.status(), 200, "{path}");
    let html = page.text().await.expect("body");
    csrf_in(&html)
}

fn csrf_in(html: &str) -> String {
    hidden_value(html, "csrf_token")
        .or_else(|| {
            let start = html.find("data-csrf=\"")? + "data-csrf=\"".len();
            Some(html[start..].split('"').next()?.to_owned())
        })
        .expect("a CSRF token")
}

/// POSTs `body` as JSON, as the page's script does.
pub async fn post_json(browser: &Browser, path: &str, body: &Json) -> reqwest::Response {
    browser
        .http
        .post(format!("{}{path}", browser.base_url()))
        .json(body)
        .send()
        .await
        .expect("POST")
}

/// Starts a ceremony at `start`; returns its id and the options.
pub async fn begin(browser: &Browser, start: &str, body: Json) -> (String, Json) {
    let begun = post_json(browser, start, &body).await;
    assert_eq!(begun.status(), 200, "{start}");
    let begun: Json = begun.json().await.expect("json");
    (
        begun["ceremony"].as_str().expect("ceremony").to_owned(),
        begun["options"].clone(),
    )
}

/// Registers `passkey` as `name` for whoever `browser` is signed in as.
pub async fn register(
    browser: &Browser,
    passkey: &mut SoftPasskey,
    name: &str,
) -> reqwest::Response {
    let csrf = csrf_of(browser, "/").await;
    let (ceremony, options) = begin(
        browser,
        "/account/passkeys/start",
        json!({"csrf_token": csrf, "name": name}),
    )
    .await;
    let credential = passkey.register(&options);
    post_json(
        browser,
        "/account/passkeys/finish",
        &json!({"csrf_token": csrf, "ceremony": ceremony, "credential": credential}),
    )
    .await
}

/// Signs `browser` in with `passkey` alone from the login page at
/// `login` (which may carry `next`); returns the finish's answer.
pub async fn passkey_sign_in(
    browser: &Browser,
    login: &str,
    answer: impl FnOnce(&Json) -> Json,
) -> reqwest::Response {
    let page = browser.get(login).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    let csrf = hidden_value(&html, "csrf_token").expect("csrf");
    let next = hidden_value(&html, "next").unwrap_or_else(|| "/".into());
    let (ceremony, options) =
        begin(browser, "/login/passkey/start", json!({"csrf_token": csrf})).await;
    let credential = answer(&options);
    post_json(
        browser,
        "/login/passkey/finish",
        &json!({"csrf_token": csrf, "ceremony": ceremony, "credential": credential, "next": next}),
    )
    .await
}

/// alice with one passkey registered; returns it.
pub async fn alice_with_passkey(app: &TestApp) -> SoftPasskey {
    let browser = signed_in(app).await;
    let mut passkey = SoftPasskey::new(&origin(app));
    let added = register(&browser, &mut passkey, "Laptop").await;
    assert_eq!(added.status(), 200);
    passkey
}

pub async fn json_of(response: reqwest::Response) -> Json {
    response.json().await.expect("json")
}

#[tokio::test]
async fn a_passkey_added_on_the_account_page_signs_in_without_the_password() {
    let app = passkey_app().await;
    let browser = signed_in(&app).await;
    let account = browser.get("/").await;
    let csp = account.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    let html = account.text().await.expect("body");
    assert!(html.contains("No passkeys yet."), "{html}");
    assert!(html.contains(r#"<script src="/static/passkey.js" defer></script>"#));
    assert!(html.contains(r#"id="passkey-add""#) && html.contains(" hidden>"));

    let mut passkey = SoftPasskey::new(&origin(&app));
    let added = register(&browser, &mut passkey, "  Work laptop ").await;
    assert_eq!(added.status(), 200);
    assert_eq!(
        json_of(added).await,
        json!({"location": "/?done=passkey-added"})
    );
    let html = browser.get("/").await.text().await.expect("body");
    assert!(html.contains("<strong>Work laptop</strong>"), "{html}");
    assert!(html.contains("never used"), "{html}");

    // A fresh browser, no email, no password.
    let fresh = Browser::new(&app);
    let done = passkey_sign_in(&fresh, "/login", |o| passkey.assert(o)).await;
    assert_eq!(done.status(), 200);
    let cookies = crate::support::set_cookies(&done);
    assert!(cookies.contains_key("latchkey_session"), "{cookies:?}");
    assert!(
        cookies.contains_key("latchkey_device"),
        "a device cookie, as a form sign-in"
    );
    assert_eq!(json_of(done).await, json!({"location": "/"}));
    let html = fresh.get("/").await.text().await.expect("body");
    assert!(html.contains(EMAIL), "signed in as alice");
    assert!(!html.contains("never used"), "{html}");
}

#[tokio::test]
async fn without_a_domain_name_in_the_public_url_no_page_offers_passkeys() {
    // spawn_at_own_url's public URL is http://127.0.0.1:PORT.
    let app = TestApp::spawn_at_own_url().await;
    let page = app.get("/login").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(!csp.contains("script-src"), "{csp}");
    let html = page.text().await.expect("body");
    assert!(!html.contains("<script"), "{html}");
    let browser = signed_in(&app).await;
    let html = browser.get("/").await.text().await.expect("body");
    assert!(
        !html.contains("<script") && !html.contains("Passkeys"),
        "{html}"
    );
    let csrf = csrf_of(&browser, "/").await;
    let start = post_json(
        &browser,
        "/login/passkey/start",
        &json!({"csrf_token": csrf}),
    )
    .await;
    assert_eq!(start.status(), 404);
    assert_eq!(json_of(start).await["error"], "passkeys_off");
}

#[tokio::test]
async fn a_passkey_is_a_second_factor_after_the_password_and_the_password_grant_is_refused() {
    let app = passkey_app().await;
    let mut passkey = alice_with_passkey(&app).await;
    let grant = app.login(EMAIL, PASSWORD).await;
    assert_eq!(grant.status(), 403);
    assert_eq!(json_of(grant).await["error"], "mfa_required");

    let browser = Browser::new(&app);
    let step = browser.sign_in("/login", EMAIL, PASSWORD).await;
    assert_eq!(location(&step), "/login/second-factor");
    assert_eq!(browser.get("/").await.status(), 303, "no session yet");
    let page = browser.get("/login/second-factor").await;
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .contains("script-src 'self'")
    );
    let html = page.text().await.expect("body");
    assert!(html.contains("Use a passkey"), "{html}");
    assert!(
        !html.contains(r#"name="code""#),
        "no TOTP, so no code form: {html}"
    );
    let csrf = csrf_in(&html);
    let (ceremony, options) = begin(
        &browser,
        "/login/second-factor/passkey/start",
        json!({"csrf_token": csrf}),
    )
    .await;
    let allowed = options["publicKey"]["allowCredentials"]
        .as_array()
        .expect("allowCredentials");
    assert_eq!(allowed.len(), 1, "alice's passkey is offered: {options}");
    let done = post_json(
        &browser,
        "/login/second-factor/passkey/finish",
        &json!({"csrf_token": csrf, "ceremony": ceremony, "credential": passkey.assert(&options)}),
    )
    .await;
    assert_eq!(done.status(), 200);
    assert_eq!(json_of(done).await, json!({"location": "/"}));
    assert_eq!(browser.get("/").await.status(), 200, "signed in");
}

#[tokio::test]
async fn inside_authorize_a_passkey_alone_signs_in_and_amr_says_hwk_and_user() {
    use crate::applications::{authorize_path, claims, exchange, tokens};
    use crate::support::{ClientSpec, Pkce, query_param};
    let app = passkey_app().await;
    let mut passkey = alice_with_passkey(&app).await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    let browser = Browser::new(&app);
    let start = browser
        .get(&authorize_path(&client, &pkce, &[("scope", "openid")]))
        .await;
    let login = location(&start);
    assert!(login.starts_with("/login?"), "{login}");
    let done = passkey_sign_in(&browser, &login, |o| passkey.assert(o)).await;
    assert_eq!(done.status(), 200);
    let next = json_of(done).await["location"]
        .as_str()
        .expect("location")
        .to_owned();
    assert!(
        next.starts_with("/authorize?"),
        "back to /authorize: {next}"
    );
    let back = browser.get(&next).await;
    let code = query_param(&location(&back), "code").expect("a code");
    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    let id = claims(body["id_token"].as_str().expect("id_token"));
    assert_eq!(id["amr"], json!(["hwk", "user"]));

    // A synced passkey (backup eligible) is a software key.
    let synced_app = passkey_app().await;
    let browser = signed_in(&synced_app).await;
    let mut synced = SoftPasskey::new(&origin(&synced_app));
    synced.backup_eligible = true;
    assert_eq!(register(&browser, &mut synced, "Phone").await.status(), 200);
    let client = synced_app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    let fresh = Browser::new(&synced_app);
    let login = location(
        &fresh
            .get(&authorize_path(&client, &pkce, &[("scope", "openid")]))
            .await,
    );
    let done = passkey_sign_in(&fresh, &login, |o| synced.assert(o)).await;
    let next = json_of(done).await["location"]
        .as_str()
        .expect("location")
        .to_owned();
    let code = query_param(&location(&fresh.get(&next).await), "code").expect("a code");
    let body = tokens(exchange(&synced_app, &client, &code, &pkce.verifier).await).await;
    let id = claims(body["id_token"].as_str().expect("id_token"));
    assert_eq!(id["amr"], json!(["swk", "user"]));
}

#[tokio::test]
async fn a_removed_passkey_no_longer_signs_in_and_removing_needs_the_password() {
    let app = passkey_app().await;
    let mut passkey = alice_with_passkey(&app).await;
    let browser = Browser::new(&app);
    let done = passkey_sign_in(&browser, "/login", |o| passkey.assert(o)).await;
    assert_eq!(done.status(), 200);
    let page = browser.get("/").await.text().await.expect("body");
    let csrf = hidden_value(&page, "csrf_token").expect("csrf");
    let id = hidden_value(&page, "credential_id").expect("the passkey's id");
    let wrong = browser
        .post(
            "/account/passkeys/remove",
            &[
                ("csrf_token", &csrf),
                ("credential_id", &id),
                ("password", "wrong"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong
            .text()
            .await
            .expect("body")
            .contains("Your password is not right.")
    );
    let removed = browser
        .post(
            "/account/passkeys/remove",
            &[
                ("csrf_token", &csrf),
                ("credential_id", &id),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&removed), "/?done=passkey-removed");
    let page = browser.get("/").await.text().await.expect("body");
    assert!(page.contains("No passkeys yet."), "{page}");

    let fresh = Browser::new(&app);
    let refused = passkey_sign_in(&fresh, "/login", |o| passkey.assert(o)).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(json_of(refused).await["error"], "refused");
    assert_eq!(fresh.get("/").await.status(), 303, "not signed in");
    // No second factor left: the password alone signs in again.
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn the_administrators_mfa_reset_removes_passkeys() {
    use crate::cli::{latchkey, stdout};
    let app = passkey_app().await;
    let mut passkey = alice_with_passkey(&app).await;
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 403);
    let url = app.settings.database_url.url();
    let reset = latchkey(
        &["--database-url", &url, "user", "mfa", "reset", EMAIL],
        None,
    );
    assert!(reset.status.success());
    assert!(stdout(&reset).contains("removed the second factors"));
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
    let browser = Browser::new(&app);
    let refused = passkey_sign_in(&browser, "/login", |o| passkey.assert(o)).await;
    assert_eq!(refused.status(), 401);
}
