//! What a relying party checks on an id_token, with the `openidconnect`
//! crate's verifier: the audience, the issuer, the signature, the nonce,
//! at_hash, expiry; and a key rotation in the middle of a session.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKeySet};
use openidconnect::{
    ClaimsVerificationError, ClientId, IssuerUrl, Nonce, OAuth2TokenResponse,
    SignatureVerificationError, TokenResponse,
};

use super::{Rp, expected_at_hash, kid_of, nonce_absent_or, verified};
use crate::cli::latchkey;
use crate::support::{Browser, ClientSpec, EMAIL, TestApp};

#[tokio::test]
async fn an_rp_refuses_id_tokens_for_another_client_issuer_nonce_or_access_token_altered_or_expired()
 {
    let app = TestApp::spawn_at_own_url().await;
    let a = app.add_client(ClientSpec::default());
    let b = app.add_client(ClientSpec {
        redirect_uris: &["https://b.example/callback"],
        ..ClientSpec::default()
    });
    let (rp_a, rp_b) = (Rp::discover(&app, &a).await, Rp::discover(&app, &b).await);
    let browser = Browser::new(&app);
    let at_a = rp_a.sign_in(&app, &browser).await;
    let at_b = rp_b.sign_in(&app, &browser).await;
    let id_token = at_a.id_token();
    let verifier = rp_a.client.id_token_verifier();
    // As sent, it verifies for A: every refusal below is for one reason.
    let claims = verified(id_token, &verifier, &at_a.nonce);

    // A token for client A shown to client B.
    let as_b = id_token.claims(&rp_b.client.id_token_verifier(), &at_a.nonce);
    verified(
        at_b.id_token(),
        &rp_b.client.id_token_verifier(),
        &at_b.nonce,
    );
    assert!(
        matches!(as_b, Err(ClaimsVerificationError::InvalidAudience(_))),
        "{as_b:?}"
    );
    // An RP expecting another issuer, with the same keys.
    let elsewhere = CoreIdTokenVerifier::new_public_client(
        ClientId::new(a.id.clone()),
        IssuerUrl::new("https://login.example".into()).expect("URL"),
        rp_a.metadata.jwks().clone(),
    );
    let other_issuer = id_token.claims(&elsewhere, &at_a.nonce);
    assert!(
        matches!(other_issuer, Err(ClaimsVerificationError::InvalidIssuer(_))),
        "{other_issuer:?}"
    );

    // Claims altered after signing: the signature no longer holds (A's
    // token relabelled for B is refused by B).
    let verifier_b = rp_b.client.id_token_verifier();
    for (claim, value, checker) in [
        ("email", serde_json::json!("mallory@example.com"), &verifier),
        ("sub", serde_json::json!("someone-else"), &verifier),
        ("aud", serde_json::json!(b.id), &verifier_b),
    ] {
        let altered = altered(id_token, claim, value);
        let result = altered.claims(checker, &at_a.nonce);
        assert!(
            matches!(
                result,
                Err(ClaimsVerificationError::SignatureVerification(
                    SignatureVerificationError::CryptoError(_)
                ))
            ),
            "{claim} altered: {result:?}"
        );
    }

    // The nonce of another sign-in (a token injected into this flow).
    let wrong_nonce = id_token.claims(&verifier, &at_b.nonce);
    assert!(
        matches!(wrong_nonce, Err(ClaimsVerificationError::InvalidNonce(_))),
        "{wrong_nonce:?}"
    );
    let no_nonce = id_token.claims(&verifier, &Nonce::new("a-nonce-never-sent".into()));
    assert!(
        matches!(no_nonce, Err(ClaimsVerificationError::InvalidNonce(_))),
        "{no_nonce:?}"
    );

    // at_hash binds the id_token to its own access token, not to another.
    let own = expected_at_hash(id_token, &verifier, at_a.tokens.access_token());
    let other = expected_at_hash(id_token, &verifier, at_b.tokens.access_token());
    assert_eq!(claims.access_token_hash(), Some(&own));
    assert_ne!(claims.access_token_hash(), Some(&other));

    // Expiry, with the RP's clock moved: just before exp, and just after.
    let exp = claims.expiration();
    assert_eq!(
        (exp - claims.issue_time()).num_seconds(),
        app.settings.access_ttl.as_secs() as i64,
        "an id_token lives as long as an access token"
    );
    let before = verifier
        .clone()
        .set_time_fn(move || exp - Duration::from_secs(2));
    assert!(id_token.claims(&before, &at_a.nonce).is_ok());
    let after = verifier
        .clone()
        .set_time_fn(move || exp + Duration::from_secs(1));
    let expired = id_token.claims(&after, &at_a.nonce);
    assert!(
        matches!(expired, Err(ClaimsVerificationError::Expired(_))),
        "{expired:?}"
    );
}

/// `id_token` with `claim` set to `value` in its payload, the header and
/// signature kept.
fn altered(id_token: &CoreIdToken, claim: &str, value: serde_json::Value) -> CoreIdToken {
    let jwt = id_token.to_string();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWS");
    let mut payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url"))
            .expect("JSON claims");
    assert_ne!(payload[claim], value, "{claim} would not change");
    payload[claim] = value;
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    format!("{}.{payload}.{}", parts[0], parts[2])
        .parse()
        .expect("still a well-formed id_token")
}

#[tokio::test]
async fn after_keys_rotate_a_stale_jwks_lacks_the_new_kid_and_a_fresh_one_verifies_old_and_new() {
    let app = TestApp::spawn_at_own_url().await;
    let registered = app.add_client(ClientSpec::default());
    // The RP keeps the JWKS it fetched at discovery.
    let rp = Rp::discover(&app, &registered).await;
    let stale = rp.client.id_token_verifier();
    let browser = Browser::new(&app);
    let first = rp.sign_in(&app, &browser).await;
    let old_id_token = first.id_token();
    verified(old_id_token, &stale, &first.nonce);
    let old_kid = kid_of(&old_id_token.to_string());

    let dir = app.data_dir().display().to_string();
    let rotated = latchkey(&["--data-dir", &dir, "keys", "rotate"], None);
    assert!(
        rotated.status.success(),
        "{}",
        String::from_utf8_lossy(&rotated.stderr)
    );
    // The server picks up the ring within its reload interval; asking for
    // the JWKS (not with the RP's client) makes that immediate.
    assert_eq!(app.get("/.well-known/jwks.json").await.status(), 200);

    let refreshed = rp
        .client
        .exchange_refresh_token(first.tokens.refresh_token().expect("a refresh token"))
        .expect("a token endpoint")
        .request_async(&rp.http)
        .await
        .expect("the refresh");
    let new_id_token = refreshed.id_token().expect("an id_token");
    let new_kid = kid_of(&new_id_token.to_string());
    assert_ne!(new_kid, old_kid, "signed with the new key");

    let with_stale = new_id_token.claims(&stale, nonce_absent_or(&first.nonce));
    assert!(
        matches!(
            with_stale,
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey
            ))
        ),
        "{with_stale:?}"
    );

    // The RP fetches the JWKS again, as it does on an unknown kid.
    let fresh_keys = CoreJsonWebKeySet::fetch_async(rp.metadata.jwks_uri(), &rp.http)
        .await
        .expect("the JWKS");
    let fresh = rp.verifier_with(fresh_keys);
    let new_claims = new_id_token
        .claims(&fresh, nonce_absent_or(&first.nonce))
        .unwrap_or_else(|e| panic!("the new id_token does not verify: {e:?}"));
    assert_eq!(new_claims.email().map(|e| e.as_str()), Some(EMAIL));
    // The old key is still published: tokens it signed still verify.
    verified(old_id_token, &fresh, &first.nonce);
}
