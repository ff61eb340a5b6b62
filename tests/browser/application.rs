//! "Sign in with latchkey" on another site: a tiny application this test
//! serves on 127.0.0.1 sends Chromium to `/authorize`; the person signs in,
//! sees the consent page, answers, and lands back on the application.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;

use crate::browser::{Browser, text};
use crate::support::{ClientSpec, EMAIL, PASSWORD, Pkce, TestApp, TestClient, query_param};

const SIGN_IN_LINK: &str = "a#sign-in";
const USERNAME: &str = r#"form[action="/login"] input#username[name="username"]"#;
const PASSWORD_FIELD: &str = r#"form[action="/login"] input#password[type="password"]"#;
const SIGN_IN: &str = r#"form[action="/login"] button[type="submit"]"#;
const CONSENT_FORM: &str = r#"form[method="post"][action="/authorize"]"#;
const ALLOW: &str = r#"form[action="/authorize"] button[name="decision"][value="allow"]"#;
const DENY: &str = r#"form[action="/authorize"] button[name="decision"][value="deny"]"#;
const CALLBACK_PAGE: &str = "h1#back-at-the-application";
const STATE: &str = "state-from-the-application";

/// The application's side: its page with the link, and what its
/// `/callback` received.
struct Application {
    url: String,
    callbacks: Arc<Mutex<Vec<String>>>,
    server: actix_web::dev::ServerHandle,
}

impl Application {
    /// Binds a port first: the redirect URI must be registered before the
    /// link on the page can name the client.
    fn bind() -> (TcpListener, String) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the application's port");
        let port = listener.local_addr().expect("local address").port();
        (listener, format!("http://127.0.0.1:{port}"))
    }

    /// Serves `GET /` (a link to `authorize_url`) and `GET /callback`.
    fn serve(listener: TcpListener, url: String, authorize_url: String) -> Self {
        let callbacks = Arc::new(Mutex::new(Vec::new()));
        let seen = web::Data::from(callbacks.clone());
        let link = web::Data::new(authorize_url);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(seen.clone())
                .app_data(link.clone())
                .route("/", web::get().to(home))
                .route("/callback", web::get().to(callback))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("serve the application")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url,
            callbacks,
            server: handle,
        }
    }

    /// The query strings `/callback` was called with, in order.
    fn callbacks(&self) -> Vec<String> {
        self.callbacks.lock().expect("callbacks lock").clone()
    }

    async fn stop(self) {
        self.server.stop(false).await;
    }
}

async fn home(link: web::Data<String>) -> HttpResponse {
    let href = link.replace('&', "&amp;").replace('"', "&quot;");
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!doctype html><title>Example application</title>\
         <h1>Example application</h1>\
         <p><a id=\"sign-in\" href=\"{href}\">Sign in with latchkey</a></p>"
        ))
}

async fn callback(req: HttpRequest, seen: web::Data<Mutex<Vec<String>>>) -> HttpResponse {
    seen.lock()
        .expect("callbacks lock")
        .push(req.query_string().to_owned());
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body("<!doctype html><title>Back</title><h1 id=\"back-at-the-application\">Back at the application</h1>")
}

/// latchkey with a confidential client registered for the application's
/// callback, the application serving its link, and Chromium having clicked
/// the link and submitted latchkey's login form.
struct SignedIn {
    browser: Browser,
    app: TestApp,
    application: Application,
    client: TestClient,
    pkce: Pkce,
}

async fn sign_in_from_the_application(browser: Browser, trusted: bool) -> SignedIn {
    let app = TestApp::spawn().await;
    let (listener, application_url) = Application::bind();
    let redirect_uri = format!("{application_url}/callback");
    let client = app.add_client(ClientSpec {
        redirect_uris: &[&redirect_uri],
        public: false,
        trusted,
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    let authorize = pkce.authorize_url(
        &app.url("/authorize"),
        &client.id,
        &redirect_uri,
        "email read",
        STATE,
    );
    let application = Application::serve(listener, application_url, authorize);

    browser.goto(&application.url).await;
    browser.wait_for(SIGN_IN_LINK).await;
    assert_eq!(
        text(&browser.find(SIGN_IN_LINK).await).await.trim(),
        "Sign in with latchkey"
    );
    browser.click(SIGN_IN_LINK).await;

    // latchkey's own login page, which goes on to the authorization.
    browser.wait_for(USERNAME).await;
    assert_eq!(browser.location().await.0, "/login");
    browser.type_into(USERNAME, EMAIL).await;
    browser.type_into(PASSWORD_FIELD, PASSWORD).await;
    browser.click(SIGN_IN).await;
    SignedIn {
        browser,
        app,
        application,
        client,
        pkce,
    }
}

/// Waits for the consent page of a non-trusted client and checks it.
async fn assert_consent_page(signed_in: &SignedIn) {
    let browser = &signed_in.browser;
    browser.wait_for(CONSENT_FORM).await;
    assert_eq!(browser.location().await.0, "/authorize");
    let heading = text(&browser.find("h1").await).await;
    assert_eq!(heading.trim(), "Allow Test App?");
    let page = text(&browser.find("main").await).await;
    for shown in [
        EMAIL,
        "See your email address",
        "read",
        "You will be sent back to 127.0.0.1",
    ] {
        assert!(
            page.contains(shown),
            "the consent page lacks {shown:?}: {page}"
        );
    }
    assert_eq!(text(&browser.find(ALLOW).await).await.trim(), "Allow");
    assert_eq!(text(&browser.find(DENY).await).await.trim(), "Deny");
    assert!(
        signed_in.application.callbacks().is_empty(),
        "nothing reaches the application before the person answers"
    );
}

/// Waits for the application's callback page; returns the one callback
/// URL it received, which is also where the browser is.
async fn back_at_the_application(signed_in: &SignedIn) -> String {
    let browser = &signed_in.browser;
    browser.wait_for(CALLBACK_PAGE).await;
    let (path, query) = browser.location().await;
    assert_eq!(path, "/callback");
    let received = signed_in.application.callbacks();
    assert_eq!(received.len(), 1, "the callback ran once: {received:?}");
    assert_eq!(query.as_deref(), Some(received[0].as_str()));
    let callback = format!("{}/callback?{}", signed_in.application.url, received[0]);
    assert_eq!(query_param(&callback, "state").as_deref(), Some(STATE));
    assert_eq!(
        query_param(&callback, "iss").as_deref(),
        Some(signed_in.app.settings.issuer.as_str())
    );
    callback
}

/// The application's back end exchanges the code (client_secret_basic,
/// with the PKCE verifier) and uses the access token.
async fn exchange_and_use(signed_in: &SignedIn, callback: &str) {
    let (app, client) = (&signed_in.app, &signed_in.client);
    assert_eq!(query_param(callback, "error"), None, "{callback}");
    let code = query_param(callback, "code").expect("a code in the callback");
    let secret = client.secret.as_deref().expect("a confidential client");
    let exchanged = app
        .client
        .post(app.url("/token"))
        .basic_auth(&client.id, Some(secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", client.redirect_uri.as_str()),
            ("code_verifier", signed_in.pkce.verifier.as_str()),
        ])
        .send()
        .await
        .expect("POST /token");
    assert_eq!(exchanged.status(), 200);
    let tokens: Value = exchanged.json().await.expect("token JSON");
    assert_eq!(tokens["scope"], "email read");
    assert!(tokens["refresh_token"].is_string(), "{tokens}");
    let access = tokens["access_token"].as_str().expect("an access token");
    let me = app.get_me(access).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.expect("/users/me JSON");
    assert_eq!(me["email"], EMAIL);
}

impl SignedIn {
    async fn finish(self) {
        self.browser.close().await;
        self.application.stop().await;
    }
}

#[tokio::test]
async fn a_link_on_an_application_leads_through_sign_in_to_the_consent_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let signed_in = sign_in_from_the_application(browser, false).await;
    assert_consent_page(&signed_in).await;
    signed_in.browser.screenshot("consent.png").await;
    signed_in.finish().await;
}

#[tokio::test]
async fn a_person_allows_an_application_which_gets_a_working_code() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let signed_in = sign_in_from_the_application(browser, false).await;
    assert_consent_page(&signed_in).await;
    signed_in.browser.click(ALLOW).await;
    let callback = back_at_the_application(&signed_in).await;
    exchange_and_use(&signed_in, &callback).await;
    signed_in.finish().await;
}

#[tokio::test]
async fn a_person_denies_an_application_which_gets_no_code() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let signed_in = sign_in_from_the_application(browser, false).await;
    assert_consent_page(&signed_in).await;
    signed_in.browser.click(DENY).await;
    let callback = back_at_the_application(&signed_in).await;
    assert_eq!(
        query_param(&callback, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(&callback, "code"), None);
    signed_in.finish().await;
}

#[tokio::test]
async fn a_trusted_application_gets_its_code_right_after_sign_in() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let signed_in = sign_in_from_the_application(browser, true).await;
    let callback = back_at_the_application(&signed_in).await;
    exchange_and_use(&signed_in, &callback).await;
    signed_in.finish().await;
}
