//! A relying party on the `openidconnect` crate, which nobody here wrote,
//! signs a person in from discovery to a refreshed id_token.

use std::time::Duration;

use openidconnect::core::{
    CoreAuthPrompt, CoreJsonWebKeyType, CoreJwsSigningAlgorithm, CoreUserInfoClaims,
};
use openidconnect::{JsonWebKey, OAuth2TokenResponse, TokenResponse};

use super::{Rp, expected_at_hash, nonce_absent_or, verified};
use crate::support::{Browser, ClientSpec, EMAIL, TestApp};

#[tokio::test]
async fn an_openidconnect_rp_discovers_signs_in_verifies_calls_userinfo_and_refreshes() {
    let app = TestApp::spawn_at_own_url().await;
    let registered = app.add_client(ClientSpec::default());
    let rp = Rp::discover(&app, &registered).await;

    // Discovery: every endpoint under the issuer, and a JWKS with keys.
    assert_eq!(rp.metadata.issuer().as_str(), app.url(""));
    assert_eq!(
        rp.metadata.jwks_uri().url().as_str(),
        app.url("/.well-known/jwks.json")
    );
    assert!(
        !rp.metadata.jwks().keys().is_empty(),
        "the JWKS publishes the id_token keys"
    );

    let browser = Browser::new(&app);
    let first = rp.sign_in(&app, &browser).await;
    let id_token = first.id_token();
    let verifier = rp.client.id_token_verifier();
    let claims = verified(id_token, &verifier, &first.nonce);

    assert_eq!(
        id_token.signing_alg().expect("signed"),
        &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256
    );
    assert_eq!(claims.issuer().as_str(), app.settings.issuer);
    assert_eq!(
        claims
            .audiences()
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>(),
        [registered.id.as_str()]
    );
    assert_eq!(
        claims.nonce().map(|n| n.secret()),
        Some(first.nonce.secret())
    );
    let subject = claims.subject().clone();
    assert!(
        !subject.is_empty() && subject.as_str() != EMAIL,
        "sub is an opaque id, not the email: {}",
        subject.as_str()
    );
    assert_eq!(claims.email().map(|e| e.as_str()), Some(EMAIL));
    let auth_time = claims.auth_time().expect("auth_time");
    assert!(claims.expiration() > claims.issue_time(), "exp after iat");

    // at_hash: the access token that came with the id_token.
    let access_token = first.tokens.access_token();
    assert_eq!(
        claims.access_token_hash(),
        Some(&expected_at_hash(id_token, &verifier, access_token))
    );

    // userinfo, with the access token; the crate checks that sub matches.
    let info: CoreUserInfoClaims = rp
        .client
        .user_info(access_token.clone(), Some(subject.clone()))
        .expect("a userinfo endpoint")
        .request_async(&rp.http)
        .await
        .expect("userinfo");
    assert_eq!(info.subject(), &subject);
    assert_eq!(info.email().map(|e| e.as_str()), Some(EMAIL));

    // Refresh a second later: a new id_token that verifies, about the same
    // sign-in (auth_time unchanged), for the new access token.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refresh_token = first.tokens.refresh_token().expect("a refresh token");
    let refreshed = rp
        .client
        .exchange_refresh_token(refresh_token)
        .expect("a token endpoint")
        .request_async(&rp.http)
        .await
        .expect("the refresh");
    let new_id_token = refreshed.id_token().expect("a refresh brings an id_token");
    assert_ne!(new_id_token.to_string(), id_token.to_string());
    let new_claims = new_id_token
        .claims(&verifier, nonce_absent_or(&first.nonce))
        .unwrap_or_else(|e| panic!("the refreshed id_token does not verify: {e:?}"));
    assert_eq!(new_claims.subject(), &subject);
    assert_eq!(
        new_claims.auth_time(),
        Some(auth_time),
        "auth_time unchanged"
    );
    assert!(
        new_claims.issue_time() > claims.issue_time(),
        "a new iat for the new id_token"
    );
    assert_ne!(refreshed.access_token().secret(), access_token.secret());
    assert_eq!(
        new_claims.access_token_hash(),
        Some(&expected_at_hash(
            new_id_token,
            &verifier,
            refreshed.access_token()
        ))
    );
    let info: CoreUserInfoClaims = rp
        .client
        .user_info(refreshed.access_token().clone(), Some(subject.clone()))
        .expect("a userinfo endpoint")
        .request_async(&rp.http)
        .await
        .expect("userinfo with the refreshed access token");
    assert_eq!(info.subject(), &subject);
}

#[tokio::test]
async fn a_new_sign_in_with_prompt_login_moves_auth_time_and_a_silent_one_keeps_it() {
    let app = TestApp::spawn_at_own_url().await;
    let registered = app.add_client(ClientSpec::default());
    let rp = Rp::discover(&app, &registered).await;
    let verifier = rp.client.id_token_verifier();
    let browser = Browser::new(&app);
    let first = rp.sign_in(&app, &browser).await;
    let signed_in_at = verified(first.id_token(), &verifier, &first.nonce)
        .auth_time()
        .expect("auth_time");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Signed in already: no password asked, the same sign-in.
    let silent = rp
        .sign_in_with(&app, &browser, &[CoreAuthPrompt::None])
        .await;
    let claims = verified(silent.id_token(), &verifier, &silent.nonce);
    assert_eq!(claims.auth_time(), Some(signed_in_at));
    assert!(claims.issue_time() > signed_in_at);

    // prompt=login: the password again, a new sign-in time.
    let again = rp
        .sign_in_with(&app, &browser, &[CoreAuthPrompt::Login])
        .await;
    let claims = verified(again.id_token(), &verifier, &again.nonce);
    let new_time = claims.auth_time().expect("auth_time");
    assert!(new_time > signed_in_at, "{new_time} after {signed_in_at}");
}

#[tokio::test]
async fn with_eddsa_access_tokens_id_tokens_are_still_rs256_and_verify_from_the_mixed_jwks() {
    let app = TestApp::spawn_at_own_url_with(|s| s.jwt_alg = latchkey::config::JwtAlg::EdDsa).await;
    let registered = app.add_client(ClientSpec::default());
    let rp = Rp::discover(&app, &registered).await;
    let published: Vec<&CoreJsonWebKeyType> = rp
        .metadata
        .jwks()
        .keys()
        .iter()
        .map(|k| k.key_type())
        .collect();
    for kind in [CoreJsonWebKeyType::RSA, CoreJsonWebKeyType::OctetKeyPair] {
        assert!(published.contains(&&kind), "{kind:?} in {published:?}");
    }

    let browser = Browser::new(&app);
    let signed_in = rp.sign_in(&app, &browser).await;
    let id_token = signed_in.id_token();
    assert_eq!(
        id_token.signing_alg().expect("signed"),
        &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256
    );
    let claims = verified(id_token, &rp.client.id_token_verifier(), &signed_in.nonce);
    assert_eq!(claims.email().map(|e| e.as_str()), Some(EMAIL));
    // The access token is EdDSA, as configured.
    let access = signed_in.tokens.access_token().secret();
    assert_eq!(
        jsonwebtoken::decode_header(access).expect("a JWT").alg,
        jsonwebtoken::Algorithm::EdDSA
    );
}

#[tokio::test]
async fn an_application_registered_for_eddsa_gets_id_tokens_whose_at_hash_the_rp_accepts() {
    let app = TestApp::spawn_at_own_url().await;
    let registered = app.add_client(ClientSpec {
        id_token_alg: "EdDSA",
        ..ClientSpec::default()
    });
    let rp = Rp::discover(&app, &registered).await;
    let browser = Browser::new(&app);
    let signed_in = rp.sign_in(&app, &browser).await;
    let id_token = signed_in.id_token();
    assert_eq!(
        id_token.signing_alg().expect("signed"),
        &CoreJwsSigningAlgorithm::EdDsa
    );
    let verifier = rp.client.id_token_verifier();
    let claims = verified(id_token, &verifier, &signed_in.nonce);
    // For Ed25519 the hash is SHA-512 (OpenID Connect Core, errata set 2,
    // §3.1.3.6), as the crate computes it.
    assert_eq!(
        claims.access_token_hash(),
        Some(&expected_at_hash(
            id_token,
            &verifier,
            signed_in.tokens.access_token()
        ))
    );

    let refreshed = rp
        .client
        .exchange_refresh_token(signed_in.tokens.refresh_token().expect("a refresh token"))
        .expect("a token endpoint")
        .request_async(&rp.http)
        .await
        .expect("the refresh");
    let new_id_token = refreshed.id_token().expect("an id_token");
    let new_claims = new_id_token
        .claims(&verifier, nonce_absent_or(&signed_in.nonce))
        .unwrap_or_else(|e| panic!("the refreshed id_token does not verify: {e:?}"));
    assert_eq!(
        new_claims.access_token_hash(),
        Some(&expected_at_hash(
            new_id_token,
            &verifier,
            refreshed.access_token()
        ))
    );
}
