//! RFC 9700 and RFC 6749 §10: redirect tricks, PKCE downgrade, code
//! replay and theft, mix-up.

use super::{authorize_path, code_for, exchange, tokens};
use crate::support::{Browser, ClientSpec, Pkce, TestApp, location, query_param};

async fn page_without_redirect(app: &TestApp, path: &str) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 400, "{path}");
    assert!(
        response.headers().get("location").is_none(),
        "{path} redirected"
    );
    crate::support::assert_page_headers(&response);
    let body = response.text().await.expect("body");
    assert!(body.contains("Sign-in request refused"), "{body}");
}

#[tokio::test]
async fn a_redirect_uri_that_is_not_exactly_registered_gets_a_page_never_a_redirect() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        redirect_uris: &["https://app.example/callback", "http://127.0.0.1:8000/cb"],
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    for uri in [
        "https://app.example/callback/",
        "https://app.example:444/callback",
        "https://app.example/callback/extra",
        "https://app.example/callback?x=1",
        "https://app.example/callback#frag",
        "https://evil@app.example/callback",
        "https://app.example.evil.net/callback",
        "http://app.example/callback",
        "HTTPS://APP.EXAMPLE/callback",
        "https://app.example/Callback",
        "https://app.example/%63allback",
        "http://127.0.0.1:8001/cb",
        "http://localhost:8000/cb",
        "",
    ] {
        let mut bad = client.clone();
        bad.redirect_uri = uri.to_owned();
        page_without_redirect(&app, &authorize_path(&bad, &pkce, &[])).await;
    }
    // An unknown or missing client: a page too.
    let mut unknown = client.clone();
    unknown.id = "0123456789abcdef0123456789abcdef".into();
    page_without_redirect(&app, &authorize_path(&unknown, &pkce, &[])).await;
    page_without_redirect(
        &app,
        "/authorize?response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback",
    )
    .await;
    // A repeated parameter is ambiguous: refused before anything else.
    let repeated = format!(
        "{}&client_id={}",
        authorize_path(&client, &pkce, &[]),
        client.id
    );
    page_without_redirect(&app, &repeated).await;
}

/// The error an authorization request is sent back with.
async fn redirected_error(app: &TestApp, path: &str) -> (String, Option<String>) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 302, "{path}");
    let to = location(&response);
    assert!(to.starts_with("https://app.example/callback?"), "{to}");
    assert_eq!(query_param(&to, "iss"), Some(app.settings.issuer.clone()));
    assert!(query_param(&to, "code").is_none());
    (
        query_param(&to, "error").expect("an error"),
        query_param(&to, "state"),
    )
}

#[tokio::test]
async fn pkce_is_required_as_s256_and_other_errors_go_back_with_state() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let query = |pairs: &[(&str, &str)]| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("client_id", &client.id)
            .append_pair("redirect_uri", &client.redirect_uri)
            .append_pair("state", "s t/ä?&=");
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        format!("/authorize?{}", q.finish())
    };
    let challenge = Pkce::new().challenge;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("response_type", "code")], "invalid_request"),
        (
            vec![("response_type", "code"), ("code_challenge", &challenge)],
            "invalid_request",
        ),
        (
            vec![
                ("response_type", "code"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "plain"),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("response_type", "code"),
                ("code_challenge", "too-short"),
                ("code_challenge_method", "S256"),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("response_type", "token"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ],
            "unsupported_response_type",
        ),
        (
            vec![
                ("response_type", "code"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
                ("scope", "openid admin"),
            ],
            "invalid_scope",
        ),
        (
            vec![
                ("response_type", "code"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
                ("prompt", "sometimes"),
            ],
            "invalid_request",
        ),
    ];
    for (pairs, expected) in cases {
        let (error, state) = redirected_error(&app, &query(&pairs)).await;
        assert_eq!(error, expected, "{pairs:?}");
        // state goes back untouched, whatever it holds.
        assert_eq!(state.as_deref(), Some("s t/ä?&="));
    }
}

#[tokio::test]
async fn a_wrong_or_missing_verifier_is_refused_and_spends_the_code() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let pkce = Pkce::new();
    let code = code_for(&app, &client, &pkce).await;
    let wrong = exchange(&app, &client, &code, &Pkce::new().verifier).await;
    crate::support::assert_invalid_grant(wrong).await;
    // The stolen code is dead even for the right verifier now.
    let right = exchange(&app, &client, &code, &pkce.verifier).await;
    crate::support::assert_invalid_grant(right).await;

    let code = code_for(&app, &client, &pkce).await;
    let missing = exchange(&app, &client, &code, "").await;
    crate::support::assert_invalid_grant(missing).await;
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_what_the_first_use_issued() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let pkce = Pkce::new();
    let code = code_for(&app, &client, &pkce).await;
    let first = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    let access = first["access_token"].as_str().expect("access");
    assert_eq!(app.get_me(access).await.status(), 200);

    let replay = exchange(&app, &client, &code, &pkce.verifier).await;
    crate::support::assert_invalid_grant(replay).await;
    assert_eq!(app.get_me(access).await.status(), 401);
    let secret = client.secret.as_deref().expect("secret");
    let refresh = app
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", first["refresh_token"].as_str().expect("r")),
                ("client_id", &client.id),
                ("client_secret", secret),
            ],
        )
        .await;
    crate::support::assert_invalid_grant(refresh).await;
}

#[tokio::test]
async fn a_code_works_only_for_its_client_and_its_redirect_uri() {
    let app = TestApp::spawn().await;
    let victim = app.add_client(ClientSpec {
        redirect_uris: &["https://app.example/callback", "https://app.example/other"],
        ..ClientSpec::default()
    });
    let attacker = app.add_client(ClientSpec::default());
    let pkce = Pkce::new();

    let code = code_for(&app, &victim, &pkce).await;
    let stolen = exchange(&app, &attacker, &code, &pkce.verifier).await;
    crate::support::assert_invalid_grant(stolen).await;

    let code = code_for(&app, &victim, &pkce).await;
    let mut elsewhere = victim.clone();
    elsewhere.redirect_uri = "https://app.example/other".into();
    let moved = exchange(&app, &elsewhere, &code, &pkce.verifier).await;
    crate::support::assert_invalid_grant(moved).await;
}

#[tokio::test]
async fn a_refresh_token_stays_with_its_client() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let other = app.add_client(ClientSpec::default());
    let pkce = Pkce::new();
    let code = code_for(&app, &client, &pkce).await;
    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    let refresh = body["refresh_token"].as_str().expect("refresh");

    // Without a client (the seed's way), or as another client: refused.
    crate::support::assert_invalid_grant(app.refresh(refresh).await).await;
    let as_other = app
        .client_basic(
            "/token",
            &other.id,
            other.secret.as_deref().expect("secret"),
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
    crate::support::assert_invalid_grant(as_other).await;
    // Another client cannot revoke it either; its own client can refresh.
    let revoke = app
        .client_basic(
            "/token/revoke",
            &other.id,
            other.secret.as_deref().expect("secret"),
            &[("token", refresh)],
        )
        .await;
    assert_eq!(revoke.status(), 200);
    let own = app
        .client_basic(
            "/token",
            &client.id,
            client.secret.as_deref().expect("secret"),
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
    assert_eq!(own.status(), 200);
}

#[tokio::test]
async fn an_access_token_never_acts_as_a_browser_sign_in_at_authorize() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let token = app.access_token().await;
    let response = app
        .get_with(
            &authorize_path(&client, &Pkce::new(), &[]),
            &[("Authorization", &format!("Bearer {token}"))],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login?"));
    let _ = Browser::new(&app);
}

#[tokio::test]
async fn prompt_takes_a_list_but_none_stands_alone() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let browser = Browser::new(&app);
    crate::applications::walk_to_callback(
        &app,
        &browser,
        &authorize_path(&client, &Pkce::new(), &[]),
    )
    .await;
    let both = browser
        .get(&authorize_path(
            &client,
            &Pkce::new(),
            &[("prompt", "login consent")],
        ))
        .await;
    assert_eq!(both.status(), 303, "login again first");
    assert!(
        location(&both).contains("prompt%3Dconsent"),
        "consent still asked afterwards"
    );
    let (error, _) = redirected_error(
        &app,
        &authorize_path(&client, &Pkce::new(), &[("prompt", "none login")]),
    )
    .await;
    assert_eq!(error, "invalid_request");
}
