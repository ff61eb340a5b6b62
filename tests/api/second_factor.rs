//! TOTP as a second factor: set-up from the account page, the second step
//! of signing in (also inside /authorize), replay, throttling, recovery
//! codes, the password grant's refusal, turning it off, and the
//! administrator's reset.

use latchkey::auth::totp;
use latchkey::clock::now_unix;

use crate::cli::{latchkey, stdout};
use crate::support::{
    Browser, ClientSpec, EMAIL, PASSWORD, Pkce, TestApp, hidden_value, location, query_param,
};

/// A browser signed in with the password only (no second factor yet).
async fn signed_in(app: &TestApp) -> Browser {
    let browser = Browser::new(app);
    assert_eq!(
        browser.sign_in("/login", EMAIL, PASSWORD).await.status(),
        303
    );
    browser
}

pub async fn csrf_of(browser: &Browser) -> String {
    let page = browser.get("/").await.text().await.expect("body");
    hidden_value(&page, "csrf_token").expect("csrf")
}

/// Turns TOTP on for alice; returns the secret and the recovery codes.
pub async fn enable_totp(app: &TestApp) -> (String, Vec<String>) {
    let browser = signed_in(app).await;
    let csrf = csrf_of(&browser).await;
    let setup = browser
        .post("/account/totp/start", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(setup.status(), 200);
    let html = setup.text().await.expect("body");
    assert!(html.contains("<svg"), "a QR code drawn inline");
    assert!(!html.contains("<script"), "no script");
    let start = html.find("id=\"totp-secret\">").expect("the key") + "id=\"totp-secret\">".len();
    let secret: String = html[start..].chars().take_while(|c| *c != '<').collect();
    assert!(html.contains("otpauth://totp/latchkey"), "the otpauth link");

    let wrong = browser
        .post(
            "/account/totp/confirm",
            &[("csrf_token", &csrf), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status(), 400);
    // Not on yet: the password alone still signs in.
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);

    let code = totp::code_at(&secret, totp::step_at(now_unix())).expect("code");
    let on = browser
        .post(
            "/account/totp/confirm",
            &[("csrf_token", &csrf), ("code", &code)],
        )
        .await;
    assert_eq!(on.status(), 200);
    let html = on.text().await.expect("body");
    let codes: Vec<String> = html
        .split("<li><code>")
        .skip(1)
        .filter_map(|rest| rest.split('<').next())
        .map(str::to_owned)
        .collect();
    assert_eq!(codes.len(), 10, "{html}");
    let account = browser.get("/").await.text().await.expect("body");
    assert!(
        account.contains("<strong>on</strong> (10 recovery codes left)"),
        "{account}"
    );
    (secret, codes)
}

/// Enters the password in a fresh browser; returns it at the second step.
pub async fn password_step(app: &TestApp, start: &str) -> Browser {
    let browser = Browser::new(app);
    let mut response = browser.get(start).await;
    if response.status() == 303 && location(&response).starts_with("/login") {
        let login = location(&response);
        response = browser.sign_in(&login, EMAIL, PASSWORD).await;
    } else {
        response = browser.sign_in("/login", EMAIL, PASSWORD).await;
    }
    assert_eq!(location(&response), "/login/second-factor");
    browser
}

pub async fn second_step(browser: &Browser, code: &str) -> reqwest::Response {
    let page = browser.get("/login/second-factor").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    let csrf = hidden_value(&html, "csrf_token").expect("csrf");
    browser
        .post(
            "/login/second-factor",
            &[("csrf_token", &csrf), ("code", code)],
        )
        .await
}

#[tokio::test]
async fn with_totp_on_the_password_alone_never_signs_in_and_a_code_works_once() {
    let app = TestApp::spawn().await;
    let (secret, codes) = enable_totp(&app).await;

    let browser = password_step(&app, "/login").await;
    assert_eq!(browser.get("/").await.status(), 303, "no session yet");

    let wrong = second_step(&browser, "123456").await;
    assert_eq!(wrong.status(), 401);
    let next_step = totp::code_at(&secret, totp::step_at(now_unix()) + 1).expect("code");
    let right = second_step(&browser, &next_step).await;
    assert_eq!(right.status(), 303);
    assert_eq!(browser.get("/").await.status(), 200, "signed in");

    // The same code in another browser: a replay.
    let other = password_step(&app, "/login").await;
    assert_eq!(second_step(&other, &next_step).await.status(), 401);
    // A recovery code works, once.
    assert_eq!(
        second_step(&other, &codes[0].to_uppercase()).await.status(),
        303
    );
    let third = password_step(&app, "/login").await;
    assert_eq!(second_step(&third, &codes[0]).await.status(), 401);

    // The password grant does not bypass it.
    let grant = app.login(EMAIL, PASSWORD).await;
    assert_eq!(grant.status(), 403);
    let body: serde_json::Value = grant.json().await.expect("json");
    assert_eq!(body["error"], "mfa_required");
    assert!(body.get("access_token").is_none());
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_wrong_passwords() {
    let app = TestApp::spawn().await;
    enable_totp(&app).await;
    let browser = password_step(&app, "/login").await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(second_step(&browser, "999999").await.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[401; 5], "{statuses:?}");
    assert_eq!(statuses[6], 429, "{statuses:?}");
    // The same counter as passwords: the password step is throttled too.
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn inside_authorize_the_second_step_comes_before_the_code_and_amr_says_otp() {
    let app = TestApp::spawn().await;
    let (secret, _) = enable_totp(&app).await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    let start = crate::applications::authorize_path(&client, &pkce, &[("scope", "openid")]);
    let browser = password_step(&app, &start).await;
    let code = totp::code_at(&secret, totp::step_at(now_unix()) + 1).expect("code");
    let done = second_step(&browser, &code).await;
    assert_eq!(done.status(), 303);
    let back = browser.get(&location(&done)).await;
    let callback = location(&back);
    let code = query_param(&callback, "code").expect("a code after the second step");
    let body = crate::applications::tokens(
        crate::applications::exchange(&app, &client, &code, &pkce.verifier).await,
    )
    .await;
    let id = crate::applications::claims(body["id_token"].as_str().expect("id_token"));
    assert_eq!(id["amr"], serde_json::json!(["pwd", "otp"]));
}

#[tokio::test]
async fn turning_totp_off_needs_the_password_and_a_code_and_the_admin_can_reset_it() {
    let app = TestApp::spawn().await;
    let (_, codes) = enable_totp(&app).await;
    let browser = password_step(&app, "/login").await;
    assert_eq!(second_step(&browser, &codes[0]).await.status(), 303);
    let csrf = csrf_of(&browser).await;
    let wrong = browser
        .post(
            "/account/totp/disable",
            &[
                ("csrf_token", &csrf),
                ("password", "not the password"),
                ("code", &codes[1]),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 401);
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
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);

    // On again, then reset by the administrator.
    enable_totp(&app).await;
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 403);
    let url = app.settings.database_url.url();
    let reset = latchkey(
        &["--database-url", &url, "user", "mfa", "reset", EMAIL],
        None,
    );
    assert!(reset.status.success());
    assert!(stdout(&reset).contains("removed the second factors"));
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
}

/// The code `oathtool` (Debian's, an implementation nobody here wrote)
/// gives for `secret` at Unix time `unix`; `None` when it is not installed,
/// which fails the test in CI (`.ci/run` installs it) and skips it loudly
/// elsewhere.
fn oathtool_code(secret: &str, unix: i64) -> Option<String> {
    let output = match std::process::Command::new("oathtool")
        .args(["--totp", "-b", "--now", &format!("@{unix}"), secret])
        .output()
    {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let in_ci =
                std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
            assert!(!in_ci, "oathtool is not installed, and CI is set");
            // Straight to stderr, past the harness's output capture.
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"\n!!! SKIPPED: oathtool is not installed, so this test did not run !!!\n",
            );
            return None;
        }
        Err(error) => panic!("oathtool: {error}"),
    };
    assert!(
        output.status.success(),
        "oathtool: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let code = String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "oathtool printed {code:?}"
    );
    Some(code)
}

#[tokio::test]
async fn codes_from_oathtool_confirm_the_set_up_and_sign_in() {
    if oathtool_code("JBSWY3DPEHPK3PXP", 0).is_none() {
        return;
    }
    let app = TestApp::spawn().await;
    let browser = signed_in(&app).await;
    let csrf = csrf_of(&browser).await;
    let account = browser.get("/").await.text().await.expect("body");
    assert!(account.contains("Set up an authenticator app"), "{account}");
    let setup = browser
        .post("/account/totp/start", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(setup.status(), 200);
    let html = setup.text().await.expect("body");
    let start = html.find("id=\"totp-secret\">").expect("the key") + "id=\"totp-secret\">".len();
    let secret: String = html[start..].chars().take_while(|c| *c != '<').collect();

    // Confirmed with oathtool's code for now.
    let now = now_unix();
    let code = oathtool_code(&secret, now).expect("oathtool");
    let on = browser
        .post(
            "/account/totp/confirm",
            &[("csrf_token", &csrf), ("code", &code)],
        )
        .await;
    assert_eq!(on.status(), 200, "oathtool's code {code} for {secret}");
    assert!(on.text().await.expect("body").contains("<li><code>"));
    assert_eq!(
        app.login(EMAIL, PASSWORD).await.status(),
        403,
        "on: the password alone no longer signs in"
    );

    // Signing in: the password, then oathtool's code for the next step (the
    // confirming step's code would be a replay).
    let fresh = password_step(&app, "/login").await;
    assert_eq!(
        second_step(&fresh, &code).await.status(),
        401,
        "the confirming code again"
    );
    let next = oathtool_code(&secret, now + totp::STEP_SECONDS).expect("oathtool");
    assert_eq!(second_step(&fresh, &next).await.status(), 303);
    let page = fresh.get("/").await;
    assert_eq!(page.status(), 200, "signed in");
    let page = page.text().await.expect("body");
    assert!(
        page.contains("<strong>on</strong> (10 recovery codes left)"),
        "{page}"
    );
}
