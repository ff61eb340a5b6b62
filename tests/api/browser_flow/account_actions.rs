//! What the account page lets a person do: change the password, see and
//! end sessions, take back an application's access; each form forged is
//! refused.

use crate::applications::{authorize_path, exchange, tokens, walk_to_callback};
use crate::support::{
    Browser, CHANGES_SEEN_WITHIN, ClientSpec, EMAIL, PASSWORD, Pkce, TestApp, hidden_value,
    location, query_param,
};

const NEW_PASSWORD: &str = "a brand new passphrase for alice";

/// A browser signed in as alice, with a recognisable User-Agent.
async fn browser(app: &TestApp, user_agent: &str) -> Browser {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .expect("client");
    let browser = Browser::with_client(app, http);
    let signed_in = browser.sign_in("/login", EMAIL, PASSWORD).await;
    assert_eq!(signed_in.status(), 303);
    browser
}

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

async fn account_page(browser: &Browser) -> String {
    let page = browser.get("/").await;
    assert_eq!(page.status(), 200);
    page.text().await.expect("body")
}

#[tokio::test]
async fn the_account_lists_sessions_by_browser_and_ends_one_or_all_others() {
    let app = TestApp::spawn().await;
    let laptop = browser(&app, FIREFOX).await;
    let phone = browser(&app, CHROME_ANDROID).await;
    let api_token = app.access_token().await;

    let page = account_page(&laptop).await;
    assert!(page.contains("Firefox on Linux"), "{page}");
    assert!(page.contains("Chrome on Android"), "{page}");
    assert!(page.contains("(this browser)"));
    assert!(page.contains("127.0.0.1"));

    // End the phone's session from the laptop.
    let csrf = hidden_value(&page, "csrf_token").expect("csrf");
    let phone_id = session_id_of(&page, "Chrome on Android");
    let ended = laptop
        .post(
            "/account/sessions/end",
            &[("csrf_token", &csrf), ("session_id", &phone_id)],
        )
        .await;
    assert_eq!(location(&ended), "/?done=session");
    assert_eq!(
        phone.get("/").await.status(),
        303,
        "the phone is signed out"
    );
    assert_eq!(
        app.get_me(&api_token).await.status(),
        200,
        "others untouched"
    );

    // Everywhere else: the API client's session too, not this one.
    let ended = laptop
        .post("/account/sessions/end-others", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(location(&ended), "/?done=others");
    assert_eq!(app.get_me(&api_token).await.status(), 401);
    let after = laptop
        .get("/?done=others")
        .await
        .text()
        .await
        .expect("body");
    assert!(after.contains("You have been signed out everywhere else."));
    assert!(!after.contains("Chrome on Android"), "{after}");

    // Someone else's session id ends nothing.
    let other = app.access_token().await;
    let forged_id = laptop
        .post(
            "/account/sessions/end",
            &[("csrf_token", &csrf), ("session_id", "12345")],
        )
        .await;
    assert_eq!(location(&forged_id), "/?done=session");
    assert_eq!(app.get_me(&other).await.status(), 200);
}

/// The id in the "sign out" form of the session listed as `name`.
fn session_id_of(page: &str, name: &str) -> String {
    let at = page
        .find(name)
        .unwrap_or_else(|| panic!("{name} is listed"));
    hidden_value(&page[at..], "session_id").expect("a sign-out form")
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let laptop = browser(&app, FIREFOX).await;
    let phone = browser(&app, CHROME_ANDROID).await;
    let page = account_page(&laptop).await;
    let csrf = hidden_value(&page, "csrf_token").expect("csrf");
    let change = async |current: &str, new: &str, again: &str| {
        laptop
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
    };

    let wrong = change("not my password at all", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong
            .text()
            .await
            .expect("body")
            .contains("Your password is not right.")
    );
    let short = change(PASSWORD, "short", "short").await;
    assert_eq!(short.status(), 400);
    assert!(
        short
            .text()
            .await
            .expect("body")
            .contains("at least 15 characters")
    );
    let differ = change(PASSWORD, NEW_PASSWORD, "something else entirely!").await;
    assert!(
        differ
            .text()
            .await
            .expect("body")
            .contains("The two passwords differ.")
    );
    assert_eq!(
        app.login(EMAIL, PASSWORD).await.status(),
        200,
        "unchanged so far"
    );

    let done = change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(location(&done), "/?done=password");
    assert_eq!(laptop.get("/").await.status(), 200, "this browser stays");
    assert_eq!(
        phone.get("/").await.status(),
        303,
        "the phone is signed out"
    );
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 401);
    assert_eq!(app.login(EMAIL, NEW_PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn an_allowed_application_is_listed_and_its_access_can_be_taken_back() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let pkce = Pkce::new();
    let laptop = browser(&app, FIREFOX).await;
    let callback = walk_to_callback(&app, &laptop, &authorize_path(&client, &pkce, &[])).await;
    let code = query_param(&callback, "code").expect("code");
    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    let access = body["access_token"].as_str().expect("access");

    let page = account_page(&laptop).await;
    assert!(page.contains("Test App"), "{page}");
    assert!(
        page.contains("Test App (application)"),
        "its session is listed"
    );
    let csrf = hidden_value(&page, "csrf_token").expect("csrf");
    let removed = laptop
        .post(
            "/account/applications/revoke",
            &[("csrf_token", &csrf), ("client_id", &client.id)],
        )
        .await;
    assert_eq!(location(&removed), "/?done=application");
    assert_eq!(app.get_me(access).await.status(), 401, "its tokens ended");
    // Consent is asked again.
    let again = laptop
        .get(&authorize_path(&client, &Pkce::new(), &[]))
        .await;
    assert_eq!(again.status(), 200);
}

#[tokio::test]
async fn every_account_form_refuses_a_forged_post() {
    let app = TestApp::spawn().await;
    let laptop = browser(&app, FIREFOX).await;
    for path in [
        "/account/password",
        "/account/sessions/end",
        "/account/sessions/end-others",
        "/account/applications/revoke",
    ] {
        let no_token = laptop
            .post(path, &[("current_password", PASSWORD), ("session_id", "1")])
            .await;
        assert_eq!(no_token.status(), 403, "{path}");
        let page = account_page(&laptop).await;
        let csrf = hidden_value(&page, "csrf_token").expect("csrf");
        let cross_site = laptop
            .http
            .post(app.url(path))
            .header("Origin", "https://evil.example")
            .form(&[("csrf_token", csrf.as_str())])
            .send()
            .await
            .expect("post");
        assert_eq!(cross_site.status(), 403, "{path}");
    }
    // Still signed in, password unchanged.
    assert_eq!(laptop.get("/").await.status(), 200);
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
}

/// Settings that make two instances one service: the README tells
/// operators to share the signing secret and the issuer.
fn one_service(settings: &mut latchkey::config::Settings) {
    settings.jwt_secret = Some(latchkey::config::Secret::new(
        "a shared HS256 secret of at least 32 bytes, same on all",
    ));
    settings.issuer = "https://login.example".into();
}

#[tokio::test]
async fn sessions_ended_on_one_instance_are_refused_by_the_other_within_milliseconds() {
    let a = TestApp::spawn_with(one_service).await;
    let b = a.another_instance(one_service).await;
    let laptop = browser(&a, FIREFOX).await;
    let phone = browser(&a, CHROME_ANDROID).await;
    let tablet = browser(&a, FIREFOX).await;
    // The same cookie jars, sent to instance B.
    let on_b = |on_a: &Browser| Browser::with_client(&b, on_a.http.clone());
    let (laptop_b, phone_b, tablet_b) = (on_b(&laptop), on_b(&phone), on_b(&tablet));
    for (name, browser) in [
        ("laptop", &laptop_b),
        ("phone", &phone_b),
        ("tablet", &tablet_b),
    ] {
        assert_eq!(
            browser.get("/").await.status(),
            200,
            "B honours the {name}'s session from A"
        );
    }

    // "Sign out" of the phone's session, on A.
    let page = account_page(&laptop).await;
    let csrf = hidden_value(&page, "csrf_token").expect("csrf");
    let phone_id = session_id_of(&page, "Chrome on Android");
    let ended = laptop
        .post(
            "/account/sessions/end",
            &[("csrf_token", &csrf), ("session_id", &phone_id)],
        )
        .await;
    assert_eq!(location(&ended), "/?done=session");
    tokio::time::sleep(CHANGES_SEEN_WITHIN).await;
    let refused = phone_b.get("/").await;
    assert_eq!(refused.status(), 303, "B refuses the phone");
    assert!(location(&refused).starts_with("/login"));
    assert_eq!(tablet_b.get("/").await.status(), 200, "the tablet stays");

    // "Sign out everywhere else", on A.
    let ended = laptop
        .post("/account/sessions/end-others", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(location(&ended), "/?done=others");
    tokio::time::sleep(CHANGES_SEEN_WITHIN).await;
    let refused = tablet_b.get("/").await;
    assert_eq!(refused.status(), 303, "B refuses the tablet");
    assert!(location(&refused).starts_with("/login"));
    assert_eq!(phone_b.get("/").await.status(), 303, "still refused");
    assert_eq!(
        laptop_b.get("/").await.status(),
        200,
        "the browser that ended them stays signed in on B"
    );
}
