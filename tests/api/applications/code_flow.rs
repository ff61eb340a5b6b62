//! The happy path and its bindings: sign-in, consent, code, tokens.

use super::{authorize_path, claims, code_for, exchange, tokens, walk_to_callback};
use crate::support::{Browser, ClientSpec, EMAIL, Pkce, TestApp, location, query_param};

#[tokio::test]
async fn a_person_signs_in_allows_and_the_application_gets_tokens_bound_to_it() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let pkce = Pkce::new();
    let browser = Browser::new(&app);

    // Not signed in: the sign-in page, which carries the request through.
    let first = browser.get(&authorize_path(&client, &pkce, &[])).await;
    assert_eq!(first.status(), 303);
    assert!(location(&first).starts_with("/login?next=%2Fauthorize%3F"));

    let callback = walk_to_callback(&app, &browser, &authorize_path(&client, &pkce, &[])).await;
    assert!(callback.starts_with("https://app.example/callback?"));
    assert_eq!(query_param(&callback, "state").as_deref(), Some("st-1"));
    assert_eq!(
        query_param(&callback, "iss"),
        Some(app.settings.issuer.clone())
    );
    let code = query_param(&callback, "code").expect("code");

    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["scope"], "openid email read");
    let access = body["access_token"].as_str().expect("access token");
    let claims = claims(access);
    assert_eq!(claims["sub"], EMAIL);
    assert_eq!(claims["client_id"], client.id.as_str());
    assert_eq!(claims["aud"], client.id.as_str());
    assert_eq!(app.get_me(access).await.status(), 200);

    // The refresh token works for this client, with its secret.
    let refresh = body["refresh_token"].as_str().expect("refresh token");
    let secret = client.secret.as_deref().expect("confidential");
    let refreshed = app
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("client_id", &client.id),
                ("client_secret", secret),
            ],
        )
        .await;
    let refreshed = tokens(refreshed).await;
    assert_eq!(refreshed["scope"], "openid email read");
}

#[tokio::test]
async fn an_application_gets_only_the_scopes_the_person_holds() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        scopes: &["openid", "read", "admin"],
        trusted: true,
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    let code = code_for(&app, &client, &pkce).await;
    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    // alice holds read, not admin.
    assert_eq!(body["scope"], "openid read");
}

#[tokio::test]
async fn a_public_client_exchanges_with_its_id_and_pkce_alone() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        public: true,
        redirect_uris: &["http://127.0.0.1:7777/cb"],
        ..ClientSpec::default()
    });
    let pkce = Pkce::new();
    let code = code_for(&app, &client, &pkce).await;
    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    assert!(body["refresh_token"].is_string());
}

#[tokio::test]
async fn a_signed_in_person_gets_a_code_at_once_and_login_hint_fills_the_email() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let browser = Browser::new(&app);
    let start = authorize_path(
        &client,
        &Pkce::new(),
        &[("login_hint", "alice@example.com")],
    );
    let first = browser.get(&start).await;
    let login = location(&first);
    assert!(login.contains("login_hint=alice%40example.com"), "{login}");
    let page = browser.get(&login).await.text().await.expect("body");
    assert!(page.contains("value=\"alice@example.com\""), "{page}");
    walk_to_callback(&app, &browser, &start).await;

    // Signed in now: straight back with a code, no page in between.
    let again = browser
        .get(&authorize_path(&client, &Pkce::new(), &[]))
        .await;
    assert_eq!(again.status(), 302);
    assert!(query_param(&location(&again), "code").is_some());
}

#[tokio::test]
async fn prompt_none_login_and_max_age_are_obeyed() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let browser = Browser::new(&app);
    let none = browser
        .get(&authorize_path(
            &client,
            &Pkce::new(),
            &[("prompt", "none")],
        ))
        .await;
    assert_eq!(none.status(), 302);
    let to = location(&none);
    assert_eq!(query_param(&to, "error").as_deref(), Some("login_required"));
    assert_eq!(query_param(&to, "state").as_deref(), Some("st-1"));

    walk_to_callback(&app, &browser, &authorize_path(&client, &Pkce::new(), &[])).await;

    // prompt=login: the password again, even though signed in.
    let login = browser
        .get(&authorize_path(
            &client,
            &Pkce::new(),
            &[("prompt", "login")],
        ))
        .await;
    assert_eq!(login.status(), 303);
    assert!(location(&login).starts_with("/login?"));
    assert!(location(&login).contains("prompt=login"));
    let back = walk_to_callback(
        &app,
        &browser,
        &authorize_path(&client, &Pkce::new(), &[("prompt", "login")]),
    )
    .await;
    assert!(query_param(&back, "code").is_some());

    // A sign-in older than max_age asks again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let stale = browser
        .get(&authorize_path(&client, &Pkce::new(), &[("max_age", "0")]))
        .await;
    assert!(
        location(&stale).starts_with("/login?"),
        "{}",
        location(&stale)
    );
    let fresh_enough = browser
        .get(&authorize_path(
            &client,
            &Pkce::new(),
            &[("max_age", "3600")],
        ))
        .await;
    assert!(query_param(&location(&fresh_enough), "code").is_some());
}

#[tokio::test]
async fn client_credentials_gives_a_client_its_own_token_without_refresh() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec {
        grants: &["client_credentials"],
        scopes: &["read", "write"],
        ..ClientSpec::default()
    });
    let secret = client.secret.clone().expect("confidential");
    let response = app
        .client_basic(
            "/token",
            &client.id,
            &secret,
            &[("grant_type", "client_credentials"), ("scope", "write")],
        )
        .await;
    let body = tokens(response).await;
    assert!(body.get("refresh_token").is_none());
    assert_eq!(body["scope"], "write");
    let claims = claims(body["access_token"].as_str().expect("token"));
    assert_eq!(claims["sub"], client.id.as_str());
    assert_eq!(claims["client_id"], client.id.as_str());
    assert!(claims.get("sid").is_none());

    // A scope the client is not registered for.
    let refused = app
        .client_basic(
            "/token",
            &client.id,
            &secret,
            &[("grant_type", "client_credentials"), ("scope", "admin")],
        )
        .await;
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(body["error"], "invalid_scope");

    // A client registered only for the code flow may not.
    let other = app.add_client(ClientSpec::default());
    let refused = app
        .client_basic(
            "/token",
            &other.id,
            other.secret.as_deref().expect("secret"),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(body["error"], "unauthorized_client");
}

#[tokio::test]
async fn introspection_tells_a_resource_server_what_is_live() {
    let app = TestApp::spawn().await;
    let client = app.add_client(ClientSpec::default());
    let secret = client.secret.clone().expect("confidential");
    let pkce = Pkce::new();
    let code = code_for(&app, &client, &pkce).await;
    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    let access = body["access_token"].as_str().expect("access");
    let refresh = body["refresh_token"].as_str().expect("refresh");

    let unauthenticated = app
        .post_form("/token/introspect", &[("token", access)])
        .await;
    assert_eq!(unauthenticated.status(), 401);

    let live: serde_json::Value = app
        .client_basic(
            "/token/introspect",
            &client.id,
            &secret,
            &[("token", access)],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(live["active"], true);
    assert_eq!(live["sub"], EMAIL);
    assert_eq!(live["client_id"], client.id.as_str());
    assert_eq!(live["scope"], "openid email read");
    assert!(live["exp"].as_i64().is_some() && live["iat"].as_i64().is_some());

    let garbage: serde_json::Value = app
        .client_basic(
            "/token/introspect",
            &client.id,
            &secret,
            &[("token", "nonsense")],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(garbage, serde_json::json!({"active": false}));

    // Revoked by its client: inactive, the access token with it.
    let revoked = app
        .client_basic("/token/revoke", &client.id, &secret, &[("token", refresh)])
        .await;
    assert_eq!(revoked.status(), 200);
    for token in [access, refresh] {
        let after: serde_json::Value = app
            .client_basic(
                "/token/introspect",
                &client.id,
                &secret,
                &[("token", token)],
            )
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(after, serde_json::json!({"active": false}));
    }
}

#[tokio::test]
async fn the_metadata_lists_the_new_endpoints_and_s256_only() {
    let app = TestApp::spawn().await;
    let meta: serde_json::Value = app
        .get("/.well-known/oauth-authorization-server")
        .await
        .json()
        .await
        .expect("json");
    let base = &app.settings.issuer;
    assert_eq!(meta["authorization_endpoint"], format!("{base}/authorize"));
    assert_eq!(
        meta["introspection_endpoint"],
        format!("{base}/token/introspect")
    );
    assert_eq!(
        meta["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        meta["response_types_supported"],
        serde_json::json!(["code"])
    );
    assert_eq!(meta["authorization_response_iss_parameter_supported"], true);
    let methods = meta["token_endpoint_auth_methods_supported"].to_string();
    assert!(methods.contains("client_secret_basic") && methods.contains("client_secret_post"));
    assert!(
        meta["grant_types_supported"]
            .to_string()
            .contains("\"password\"")
    );

    let off = TestApp::spawn_with(|s| s.password_grant = false).await;
    let meta: serde_json::Value = off
        .get("/.well-known/oauth-authorization-server")
        .await
        .json()
        .await
        .expect("json");
    assert!(
        !meta["grant_types_supported"]
            .to_string()
            .contains("\"password\"")
    );
    let refused = off.login(EMAIL, crate::support::PASSWORD).await;
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(body["error"], "unsupported_grant_type");
}
