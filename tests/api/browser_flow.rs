//! The browser flow at the HTTP level: pages, cookies, CSRF, redirects,
//! renewal, logout and first-run setup.

use std::collections::HashMap;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{EMAIL, PASSWORD, TestApp, form};

/// One `Set-Cookie` header, split into its value and attributes.
#[derive(Debug)]
struct SetCookie {
    value: String,
    attributes: Vec<String>,
}

impl SetCookie {
    fn has(&self, attribute: &str) -> bool {
        self.attributes
            .iter()
            .any(|a| a.eq_ignore_ascii_case(attribute))
    }
}

fn set_cookies(response: &reqwest::Response) -> HashMap<String, SetCookie> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|line| {
            let mut parts = line.split(';').map(str::trim);
            let (name, value) = parts.next()?.split_once('=')?;
            let attributes = parts.map(str::to_owned).collect();
            Some((
                name.to_owned(),
                SetCookie {
                    value: value.to_owned(),
                    attributes,
                },
            ))
        })
        .collect()
}

/// A browser's view: the CSRF token of the login page and its cookie.
struct LoginForm {
    csrf: String,
}

async fn open_login(app: &TestApp) -> LoginForm {
    let response = app
        .client
        .get(app.url("/login"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let cookies = set_cookies(&response);
    let csrf = cookies
        .get("latchkey_csrf")
        .expect("a CSRF cookie")
        .value
        .clone();
    let body = response.text().await.expect("body");
    assert!(
        body.contains(&format!("name=\"csrf_token\" value=\"{csrf}\"")),
        "the form repeats the cookie"
    );
    LoginForm { csrf }
}

async fn post_login(
    app: &TestApp,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(fields));
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    request.send().await.expect("request")
}

/// Signs in through the form; returns the `Cookie` header a browser would
/// send afterwards, and the cookies as set.
async fn sign_in(app: &TestApp, email: &str) -> (String, HashMap<String, SetCookie>) {
    let login = open_login(app).await;
    let csrf_cookie = format!("latchkey_csrf={}", login.csrf);
    let response = post_login(
        app,
        Some(&csrf_cookie),
        &[
            ("username", email),
            ("password", PASSWORD),
            ("csrf_token", &login.csrf),
            ("next", "/"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let cookies = set_cookies(&response);
    let header = format!(
        "{csrf_cookie}; latchkey_session={}; latchkey_refresh={}",
        cookies["latchkey_session"].value, cookies["latchkey_refresh"].value
    );
    (header, cookies)
}

async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("request")
}

fn assert_page_headers(response: &reqwest::Response) {
    let headers = response.headers();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("referrer-policy"));
    let csp = headers["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("script-src"),
        "no script allowed: {csp}"
    );
}

#[tokio::test]
async fn the_login_page_is_an_accessible_form_with_the_security_headers() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/login?next=/account"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_page_headers(&response);
    let csrf = set_cookies(&response)
        .remove("latchkey_csrf")
        .expect("csrf cookie");
    assert!(csrf.has("HttpOnly") && csrf.has("SameSite=Lax") && csrf.has("Path=/"));
    let body = response.text().await.expect("body");
    for needle in [
        "<label for=\"username\">",
        "<label for=\"password\">",
        "autocomplete=\"username\"",
        "autocomplete=\"current-password\"",
        "type=\"password\"",
        "name=\"next\" value=\"/account\"",
        "href=\"/static/latchkey.css\"",
    ] {
        assert!(body.contains(needle), "missing {needle}");
    }
    assert!(!body.contains("<script"), "works without JavaScript");
}

#[tokio::test]
async fn signing_in_sets_both_cookies_with_every_attribute_and_redirects() {
    let app = TestApp::spawn().await;
    let login = open_login(&app).await;
    let cookie = format!("latchkey_csrf={}", login.csrf);
    let fields = [
        ("username", EMAIL),
        ("password", PASSWORD),
        ("csrf_token", &login.csrf),
        ("next", "/users/me"),
    ];
    let response = post_login(&app, Some(&cookie), &fields).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/users/me");
    let cookies = set_cookies(&response);
    for name in ["latchkey_session", "latchkey_refresh"] {
        let c = cookies.get(name).unwrap_or_else(|| panic!("{name} set"));
        assert!(
            c.has("HttpOnly") && c.has("SameSite=Lax") && c.has("Path=/"),
            "{name}: {c:?}"
        );
        assert!(
            !c.attributes
                .iter()
                .any(|a| a.to_lowercase().starts_with("domain")),
            "no Domain: {c:?}"
        );
        assert!(!c.has("Secure"), "plain http: no Secure");
    }
    let claims =
        jsonwebtoken::dangerous::insecure_decode::<Value>(&cookies["latchkey_session"].value)
            .expect("the session cookie is the access JWT")
            .claims;
    assert_eq!(claims["sub"], EMAIL);
}

#[tokio::test]
async fn behind_https_the_cookies_are_host_prefixed_and_secure() {
    let app = TestApp::spawn_with(|s| s.public_url = Some("https://login.example".into())).await;
    let response = app
        .client
        .get(app.url("/login"))
        .send()
        .await
        .expect("request");
    let csrf = set_cookies(&response)
        .remove("__Host-latchkey_csrf")
        .expect("prefixed csrf cookie");
    assert!(csrf.has("Secure"));
    let cookie = format!("__Host-latchkey_csrf={}", csrf.value);
    let response = post_login(
        &app,
        Some(&cookie),
        &[
            ("username", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &csrf.value),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let cookies = set_cookies(&response);
    for name in ["__Host-latchkey_session", "__Host-latchkey_refresh"] {
        let c = cookies.get(name).unwrap_or_else(|| panic!("{name} set"));
        assert!(
            c.has("Secure") && c.has("HttpOnly") && c.has("Path=/"),
            "{c:?}"
        );
    }
}

#[tokio::test]
async fn next_is_followed_only_to_local_paths() {
    let app = TestApp::spawn().await;
    let login = open_login(&app).await;
    let cookie = format!("latchkey_csrf={}", login.csrf);
    let cases = [
        ("/users/me?x=1", "/users/me?x=1"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\r\n/evil.example", "/"),
        ("", "/"),
    ];
    for (next, expected) in cases {
        let fields = [
            ("username", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &login.csrf),
            ("next", next),
        ];
        let response = post_login(&app, Some(&cookie), &fields).await;
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(response.headers()["location"], expected, "{next:?}");
    }
}

#[tokio::test]
async fn a_failed_login_is_401_with_one_message_the_email_kept_and_escaped() {
    let app = TestApp::spawn().await;
    let login = open_login(&app).await;
    let cookie = format!("latchkey_csrf={}", login.csrf);
    let typed = "<b>mallory</b>@example.com";
    let secret = "my secret attempt";
    let response = post_login(
        &app,
        Some(&cookie),
        &[
            ("username", typed),
            ("password", secret),
            ("csrf_token", &login.csrf),
        ],
    )
    .await;
    assert_eq!(response.status(), 401);
    assert_page_headers(&response);
    assert!(!set_cookies(&response).contains_key("latchkey_session"));
    let body = response.text().await.expect("body");
    assert!(body.contains("Incorrect email or password."));
    assert!(!body.contains("<b>mallory"), "HTML-escaped");
    assert!(
        body.contains("&#60;b&#62;mallory") || body.contains("&lt;b&gt;mallory"),
        "email kept"
    );
    assert!(!body.contains(secret), "the password is never echoed");

    let wrong_password = post_login(
        &app,
        Some(&cookie),
        &[
            ("username", EMAIL),
            ("password", "wrong"),
            ("csrf_token", &login.csrf),
        ],
    )
    .await;
    assert_eq!(wrong_password.status(), 401);
    assert!(
        wrong_password
            .text()
            .await
            .expect("body")
            .contains("Incorrect email or password.")
    );
}

#[tokio::test]
async fn a_missing_or_forged_csrf_token_is_403_without_a_session() {
    let app = TestApp::spawn().await;
    let login = open_login(&app).await;
    let cookie = format!("latchkey_csrf={}", login.csrf);
    let forged = "A".repeat(43);
    let attempts: [(Option<&str>, Option<&str>); 4] = [
        (Some(&cookie), None),
        (Some(&cookie), Some(&forged)),
        (None, Some(&login.csrf)),
        (None, None),
    ];
    for (cookie, field) in attempts {
        let mut fields = vec![("username", EMAIL), ("password", PASSWORD)];
        if let Some(field) = field {
            fields.push(("csrf_token", field));
        }
        let response = post_login(&app, cookie, &fields).await;
        assert_eq!(response.status(), 403, "cookie {cookie:?}, field {field:?}");
        assert!(!set_cookies(&response).contains_key("latchkey_session"));
    }
}

#[tokio::test]
async fn a_password_change_during_a_form_sign_in_is_the_wrong_password_page() {
    let app = TestApp::spawn_with(|s| s.argon2 = crate::token::SLOW_ARGON2).await;
    let login = open_login(&app).await;
    let request = app
        .client
        .post(app.url("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", format!("latchkey_csrf={}", login.csrf))
        .body(form(&[
            ("username", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &login.csrf),
        ]));
    let sign_in = tokio::spawn(request.send());
    crate::token::change_password_during_verification(&app, "another long passphrase").await;

    let response = sign_in.await.expect("task").expect("response");
    assert_eq!(response.status(), 401);
    assert_page_headers(&response);
    assert!(!set_cookies(&response).contains_key("latchkey_session"));
    let body = response.text().await.expect("body");
    assert!(body.contains("Incorrect email or password."));
}

#[tokio::test]
async fn the_account_page_needs_a_session() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/")).send().await.expect("request");
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?next=/");

    let (cookie, _) = sign_in(&app, EMAIL).await;
    let response = get_with_cookie(&app, "/", &cookie).await;
    assert_eq!(response.status(), 200);
    assert_page_headers(&response);
    let body = response.text().await.expect("body");
    assert!(body.contains(&format!("<dd id=\"account-email\">{EMAIL}</dd>")));
    assert!(body.contains("<dd id=\"account-scopes\">read</dd>"));
    assert!(body.contains("action=\"/logout\""));
    assert!(body.contains("id=\"session-ends\""));
}

#[tokio::test]
async fn users_me_accepts_the_cookie_but_prefers_a_bearer_header() {
    let app = TestApp::spawn().await;
    app.add_user("bob@example.com", PASSWORD, &[]);
    let (alice_cookie, _) = sign_in(&app, EMAIL).await;
    let body: Value = get_with_cookie(&app, "/users/me", &alice_cookie)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["email"], EMAIL);

    let bob: Value = app
        .login("bob@example.com", PASSWORD)
        .await
        .json()
        .await
        .expect("json");
    let response = app
        .client
        .get(app.url("/users/me"))
        .header("Cookie", &alice_cookie)
        .bearer_auth(bob["access_token"].as_str().expect("token"))
        .send()
        .await
        .expect("request");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["email"], "bob@example.com");
}

#[tokio::test]
async fn an_admins_browser_session_opens_admin_users() {
    let app = TestApp::spawn().await;
    app.add_user("root@example.com", PASSWORD, &["admin"]);
    let (cookie, _) = sign_in(&app, "root@example.com").await;
    assert_eq!(
        get_with_cookie(&app, "/admin/users", &cookie)
            .await
            .status(),
        200
    );
    let (cookie, _) = sign_in(&app, EMAIL).await;
    assert_eq!(
        get_with_cookie(&app, "/admin/users", &cookie)
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn logout_ends_the_session_on_every_instance() {
    let app = TestApp::spawn().await;
    let other_instance = app.restart().await;
    let (cookie, _) = sign_in(&app, EMAIL).await;
    assert_eq!(
        get_with_cookie(&other_instance, "/users/me", &cookie)
            .await
            .status(),
        200
    );

    let csrf = cookie
        .split("; ")
        .next()
        .and_then(|c| c.strip_prefix("latchkey_csrf="))
        .expect("csrf")
        .to_owned();
    let response = app
        .client
        .post(app.url("/logout"))
        .header("Cookie", &cookie)
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?signed_out=1");
    let cleared = set_cookies(&response);
    for name in ["latchkey_session", "latchkey_refresh"] {
        assert!(
            cleared[name].value.is_empty() && cleared[name].has("Max-Age=0"),
            "{name} cleared"
        );
    }

    // A browser that kept the old cookies gets nowhere, on either instance.
    for instance in [&app, &other_instance] {
        assert_eq!(
            get_with_cookie(instance, "/users/me", &cookie)
                .await
                .status(),
            401
        );
        assert_eq!(get_with_cookie(instance, "/", &cookie).await.status(), 303);
    }
    let page = app
        .client
        .get(app.url("/login?signed_out=1"))
        .send()
        .await
        .expect("request");
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("You have been signed out.")
    );
}

#[tokio::test]
async fn logout_is_post_only_and_csrf_protected() {
    let app = TestApp::spawn().await;
    let (cookie, _) = sign_in(&app, EMAIL).await;
    let get = get_with_cookie(&app, "/logout", &cookie).await;
    assert_eq!(get.status(), 405);
    let forged = app
        .client
        .post(app.url("/logout"))
        .header("Cookie", &cookie)
        .form(&[("csrf_token", "A".repeat(43))])
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), 403);
    assert_eq!(
        get_with_cookie(&app, "/users/me", &cookie).await.status(),
        200,
        "still signed in"
    );
}

/// Cookies whose access token has expired (beyond any leeway) but whose
/// refresh token is valid.
async fn expired_access_cookie(app: &TestApp) -> String {
    let (_, cookies) = sign_in(app, EMAIL).await;
    let access = &cookies["latchkey_session"].value;
    let mut claims = jsonwebtoken::dangerous::insecure_decode::<Value>(access)
        .expect("decode")
        .claims;
    let now = latchkey::clock::now_unix();
    claims["iat"] = json!(now - 7200);
    claims["nbf"] = json!(now - 7200);
    claims["exp"] = json!(now - 3600);
    let mut header = Header::new(Algorithm::HS256);
    header.kid = jsonwebtoken::decode_header(access).expect("header").kid;
    let expired = jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_secret(&app.signing_secret()),
    )
    .expect("sign");
    format!(
        "latchkey_session={expired}; latchkey_refresh={}",
        cookies["latchkey_refresh"].value
    )
}

#[tokio::test]
async fn an_expired_access_cookie_is_renewed_from_the_refresh_cookie() {
    let app = TestApp::spawn().await;
    let cookie = expired_access_cookie(&app).await;
    let response = get_with_cookie(&app, "/", &cookie).await;
    assert_eq!(response.status(), 200, "served, not thrown out");
    let renewed = set_cookies(&response);
    let session = renewed
        .get("latchkey_session")
        .expect("a fresh access cookie");
    assert!(session.has("HttpOnly") && session.has("SameSite=Lax"));
    let fresh = format!(
        "latchkey_session={}; latchkey_refresh={}",
        session.value, renewed["latchkey_refresh"].value
    );
    assert_eq!(
        get_with_cookie(&app, "/users/me", &fresh).await.status(),
        200
    );
}

#[tokio::test]
async fn two_tabs_renewing_at_once_both_stay_signed_in() {
    let app = TestApp::spawn().await;
    let cookie = expired_access_cookie(&app).await;
    let (a, b) = tokio::join!(
        get_with_cookie(&app, "/", &cookie),
        get_with_cookie(&app, "/users/me", &cookie)
    );
    assert_eq!(a.status(), 200);
    assert_eq!(b.status(), 200);
    let (a, b) = (set_cookies(&a), set_cookies(&b));
    assert_eq!(
        a["latchkey_refresh"].value, b["latchkey_refresh"].value,
        "one successor for both tabs"
    );
    let fresh = format!(
        "latchkey_session={}; latchkey_refresh={}",
        a["latchkey_session"].value, a["latchkey_refresh"].value
    );
    assert_eq!(get_with_cookie(&app, "/", &fresh).await.status(), 200);
}

#[tokio::test]
async fn first_run_setup_creates_one_admin_and_then_disappears() {
    let app = TestApp::spawn_empty(|_| {}).await;
    let token = app.setup_token.clone().expect("a setup token on first run");
    assert_eq!(
        app.client
            .get(app.url("/setup"))
            .send()
            .await
            .expect("request")
            .status(),
        404
    );
    assert_eq!(
        app.client
            .get(app.url("/setup?token=wrong"))
            .send()
            .await
            .expect("request")
            .status(),
        404
    );

    let page = app
        .client
        .get(app.url(&format!("/setup?token={token}")))
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), 200);
    assert_page_headers(&page);
    let csrf = set_cookies(&page)
        .remove("latchkey_csrf")
        .expect("csrf")
        .value;
    let cookie = format!("latchkey_csrf={csrf}");
    let submit = |password: &'static str, confirm: &'static str| {
        app.client
            .post(app.url("/setup"))
            .header("Cookie", cookie.clone())
            .form(&[
                ("token", token.as_str()),
                ("csrf_token", csrf.as_str()),
                ("username", "Admin@Example.com"),
                ("password", password),
                ("password_confirm", confirm),
            ])
            .send()
    };

    let short = submit("too short", "too short").await.expect("request");
    assert_eq!(short.status(), 400);
    assert!(
        short
            .text()
            .await
            .expect("body")
            .contains("at least 15 characters")
    );
    let differ = submit(
        "correct horse battery staple",
        "correct horse battery stapel",
    )
    .await
    .expect("request");
    assert_eq!(differ.status(), 400);

    let created = submit(
        "correct horse battery staple",
        "correct horse battery staple",
    )
    .await
    .expect("request");
    assert_eq!(created.status(), 303);
    assert_eq!(created.headers()["location"], "/");
    assert!(
        set_cookies(&created).contains_key("latchkey_session"),
        "signed in at once"
    );

    let admin = app
        .login("admin@example.com", "correct horse battery staple")
        .await;
    let body: Value = admin.json().await.expect("json");
    assert_eq!(body["scope"], "admin");

    let gone = app
        .client
        .get(app.url(&format!("/setup?token={token}")))
        .send()
        .await
        .expect("request");
    assert_eq!(gone.status(), 404);
    let again = submit(
        "correct horse battery staple",
        "correct horse battery staple",
    )
    .await
    .expect("request");
    assert_eq!(again.status(), 404);
}

#[tokio::test]
async fn setup_is_gone_once_a_user_exists_even_with_the_token() {
    let app = TestApp::spawn().await; // alice is added after start
    let token = app.setup_token.clone().expect("started empty");
    let page = app
        .client
        .get(app.url(&format!("/setup?token={token}")))
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), 404);
    assert!(
        app.restart().await.setup_token.is_none(),
        "a server started with users offers no setup"
    );
}

#[tokio::test]
async fn static_files_are_cacheable_with_the_right_types() {
    let app = TestApp::spawn().await;
    let css = app
        .client
        .get(app.url("/static/latchkey.css"))
        .send()
        .await
        .expect("request");
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/css")
    );
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("max-age=")
    );
    let icon = app
        .client
        .get(app.url("/static/favicon.svg"))
        .send()
        .await
        .expect("request");
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
}
