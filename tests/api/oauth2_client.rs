//! An OAuth2 client library nobody here wrote talks to latchkey.

use oauth2::basic::BasicClient;
use oauth2::{
    ClientId, ResourceOwnerPassword, ResourceOwnerUsername, Scope, TokenResponse, TokenUrl,
};

use crate::support::{EMAIL, PASSWORD, TestApp};

#[tokio::test]
async fn the_oauth2_crate_gets_a_token_with_the_password_grant() {
    let app = TestApp::spawn().await;
    let client = BasicClient::new(ClientId::new("any-client".into()))
        .set_token_uri(TokenUrl::new(app.url("/token")).expect("url"));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    let token = client
        .exchange_password(
            &ResourceOwnerUsername::new(EMAIL.into()),
            &ResourceOwnerPassword::new(PASSWORD.into()),
        )
        .add_scope(Scope::new("read".into()))
        .request_async(&http)
        .await
        .expect("password grant succeeds");
    assert_eq!(
        token.expires_in(),
        Some(std::time::Duration::from_secs(1800))
    );
    assert_eq!(
        token.scopes().map(|s| s[0].to_string()),
        Some("read".into())
    );
    let me = app.get_me(token.access_token().secret()).await;
    assert_eq!(me.status(), 200);

    let refused = client
        .exchange_password(
            &ResourceOwnerUsername::new(EMAIL.into()),
            &ResourceOwnerPassword::new("wrong".into()),
        )
        .request_async(&http)
        .await;
    match refused {
        Err(oauth2::RequestTokenError::ServerResponse(e)) => {
            assert_eq!(e.error().to_string(), "invalid_grant");
        }
        other => panic!("expected an invalid_grant error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_oauth2_crate_refreshes_a_token() {
    let app = TestApp::spawn().await;
    let client = BasicClient::new(ClientId::new("any-client".into()))
        .set_token_uri(TokenUrl::new(app.url("/token")).expect("url"));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let first = client
        .exchange_password(
            &ResourceOwnerUsername::new(EMAIL.into()),
            &ResourceOwnerPassword::new(PASSWORD.into()),
        )
        .request_async(&http)
        .await
        .expect("password grant succeeds");
    let refresh = first.refresh_token().expect("a refresh token");

    let second = client
        .exchange_refresh_token(refresh)
        .request_async(&http)
        .await
        .expect("refresh grant succeeds");
    assert_ne!(
        second.access_token().secret(),
        first.access_token().secret()
    );
    let rotated = second.refresh_token().expect("a rotated refresh token");
    assert_ne!(rotated.secret(), refresh.secret());
    assert_eq!(
        app.get_me(second.access_token().secret()).await.status(),
        200
    );
}
