//! The `oauth2` crate (nobody here wrote it) runs the code flow with PKCE.

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge, RedirectUrl,
    Scope, TokenResponse, TokenUrl,
};

use super::walk_to_callback;
use crate::support::{Browser, ClientSpec, TestApp, query_param};

#[tokio::test]
async fn the_oauth2_crate_runs_the_authorization_code_flow_with_pkce() {
    let app = TestApp::spawn().await;
    let registered = app.add_client(ClientSpec::default());
    let client = BasicClient::new(ClientId::new(registered.id.clone()))
        .set_client_secret(ClientSecret::new(
            registered.secret.clone().expect("secret"),
        ))
        .set_auth_uri(AuthUrl::new(app.url("/authorize")).expect("url"))
        .set_token_uri(TokenUrl::new(app.url("/token")).expect("url"))
        .set_redirect_uri(RedirectUrl::new(registered.redirect_uri.clone()).expect("url"));
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("openid".into()))
        .add_scope(Scope::new("read".into()))
        .set_pkce_challenge(challenge)
        .url();
    let path = url.as_str().trim_start_matches(&app.url(""));
    let browser = Browser::new(&app);
    let callback = walk_to_callback(&app, &browser, path).await;
    assert_eq!(
        query_param(&callback, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    let code = query_param(&callback, "code").expect("code");

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the code exchange succeeds");
    assert_eq!(
        app.get_me(token.access_token().secret()).await.status(),
        200
    );
    let refreshed = client
        .exchange_refresh_token(token.refresh_token().expect("refresh token"))
        .request_async(&http)
        .await
        .expect("the refresh succeeds");
    assert_eq!(
        app.get_me(refreshed.access_token().secret()).await.status(),
        200
    );
}
