//! An expired access cookie renewed from the refresh cookie, once even for
//! two tabs at a time.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::sign_in;
use crate::support::{EMAIL, TestApp, set_cookies};

/// Cookies whose access token has expired (beyond any leeway) but whose
/// refresh token is valid.
pub async fn expired_access_cookie(app: &TestApp) -> String {
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
    let response = app.get_with("/", &[("Cookie", &cookie)]).await;
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
        app.get_with("/users/me", &[("Cookie", &fresh)])
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn two_tabs_renewing_at_once_both_stay_signed_in() {
    let app = TestApp::spawn().await;
    let cookie = expired_access_cookie(&app).await;
    let expired = [("Cookie", cookie.as_str())];
    let (a, b) = tokio::join!(
        app.get_with("/", &expired),
        app.get_with("/users/me", &expired)
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
    assert_eq!(app.get_with("/", &[("Cookie", &fresh)]).await.status(), 200);
}
