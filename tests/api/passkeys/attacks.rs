//! The attack list of the passkey ceremonies: no user verification, a
//! counter set back, another person's credential, another origin or RP
//! id, a challenge answered twice or late, forged requests, and failures
//! counted on the account they aim at.

use diesel::RunQueryDsl;
use serde_json::json;

use super::authenticator::SoftPasskey;
use super::{
    alice_with_passkey, begin, csrf_of, json_of, origin, passkey_app, passkey_sign_in, post_json,
    register, signed_in, signed_in_as,
};
use crate::support::{Browser, EMAIL, PASSWORD, location};

#[tokio::test]
async fn without_user_verification_a_passkey_is_neither_added_nor_accepted() {
    let app = passkey_app().await;
    let browser = signed_in(&app).await;
    let mut presence_only = SoftPasskey::new(&origin(&app));
    presence_only.user_verified = false;
    let refused = register(&browser, &mut presence_only, "Key").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(json_of(refused).await["error"], "refused");
    let html = browser.get("/").await.text().await.expect("body");
    assert!(html.contains("No passkeys yet."), "{html}");

    let mut passkey = alice_with_passkey(&app).await;
    passkey.user_verified = false;
    let fresh = Browser::new(&app);
    let refused = passkey_sign_in(&fresh, "/login", |o| passkey.assert(o)).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(fresh.get("/").await.status(), 303, "not signed in");
}

#[tokio::test]
async fn a_counter_that_goes_back_is_refused_as_a_possible_clone() {
    let app = passkey_app().await;
    let mut passkey = alice_with_passkey(&app).await;
    for _ in 0..2 {
        let done = passkey_sign_in(&Browser::new(&app), "/login", |o| passkey.assert(o)).await;
        assert_eq!(done.status(), 200);
    }
    // The stored counter is 2 now: a clone still at 1, or at 2, fails.
    for counter in [1, 2] {
        passkey.counter = counter;
        let clone = Browser::new(&app);
        let refused = passkey_sign_in(&clone, "/login", |o| passkey.assert_as_is(o)).await;
        assert_eq!(refused.status(), 401, "counter {counter}");
        assert_eq!(clone.get("/").await.status(), 303);
    }
    passkey.counter = 2;
    let done = passkey_sign_in(&Browser::new(&app), "/login", |o| passkey.assert(o)).await;
    assert_eq!(done.status(), 200, "the real one, moving on, still works");
}

#[tokio::test]
async fn another_persons_passkey_is_refused_as_second_factor_and_under_a_forged_user_handle() {
    let app = passkey_app().await;
    let mut alices = alice_with_passkey(&app).await;
    app.add_user("bob@example.com", "bobs long password", &["read"]);
    let bob = signed_in_as(&app, "bob@example.com", "bobs long password").await;
    let mut bobs = SoftPasskey::new(&origin(&app));
    assert_eq!(register(&bob, &mut bobs, "Bob's").await.status(), 200);

    // alice's password, then bob's passkey.
    let browser = Browser::new(&app);
    let step = browser.sign_in("/login", EMAIL, PASSWORD).await;
    assert_eq!(location(&step), "/login/second-factor");
    let csrf = csrf_of(&browser, "/login/second-factor").await;
    let (ceremony, options) = begin(
        &browser,
        "/login/second-factor/passkey/start",
        json!({"csrf_token": csrf}),
    )
    .await;
    let refused = post_json(
        &browser,
        "/login/second-factor/passkey/finish",
        &json!({"csrf_token": csrf, "ceremony": ceremony, "credential": bobs.assert(&options)}),
    )
    .await;
    assert_eq!(refused.status(), 401);
    assert_eq!(browser.get("/").await.status(), 303, "not signed in");

    // bob's key claiming alice's user handle signs in as nobody.
    bobs.user_handle = alices.user_handle.clone();
    let fresh = Browser::new(&app);
    let refused = passkey_sign_in(&fresh, "/login", |o| bobs.assert(o)).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(fresh.get("/").await.status(), 303);
    // alice's own still works after all that.
    let done = passkey_sign_in(&Browser::new(&app), "/login", |o| alices.assert(o)).await;
    assert_eq!(done.status(), 200);
}

#[tokio::test]
async fn another_origin_or_relying_party_is_refused() {
    let app = passkey_app().await;
    let port = app.settings.bind.port();
    // A registration answered as if on another origin.
    let browser = signed_in(&app).await;
    let mut elsewhere = SoftPasskey::new(&format!("http://localhost:{}", port + 1));
    let refused = register(&browser, &mut elsewhere, "Elsewhere").await;
    assert_eq!(refused.status(), 401);
    let passkey = alice_with_passkey(&app).await;
    for (origin, rp_id) in [
        (
            format!("http://localhost:{}", port + 1),
            "localhost".to_owned(),
        ),
        (
            format!("http://evil.localhost:{port}"),
            "localhost".to_owned(),
        ),
        (format!("http://localhost:{port}"), "example.com".to_owned()),
    ] {
        let mut phished = passkey.clone_key_into(SoftPasskey::new(&super::origin(&app)));
        phished.origin = origin.clone();
        phished.rp_id = rp_id.clone();
        let browser = Browser::new(&app);
        let refused = passkey_sign_in(&browser, "/login", |o| phished.assert(o)).await;
        assert_eq!(refused.status(), 401, "{origin} {rp_id}");
        assert_eq!(browser.get("/").await.status(), 303);
    }
}

#[tokio::test]
async fn a_challenge_is_answered_once_and_not_after_it_expired() {
    let app = passkey_app().await;
    let mut passkey = alice_with_passkey(&app).await;
    let browser = Browser::new(&app);
    let csrf = csrf_of(&browser, "/login").await;
    let (ceremony, options) = begin(
        &browser,
        "/login/passkey/start",
        json!({"csrf_token": csrf}),
    )
    .await;
    let answer = passkey.assert(&options);
    let body = json!({"csrf_token": csrf, "ceremony": ceremony, "credential": answer});
    let first = post_json(&browser, "/login/passkey/finish", &body).await;
    assert_eq!(first.status(), 200);
    let replay = Browser::new(&app);
    let csrf = csrf_of(&replay, "/login").await;
    let body = json!({"csrf_token": csrf, "ceremony": ceremony, "credential": answer});
    let again = post_json(&replay, "/login/passkey/finish", &body).await;
    assert_eq!(again.status(), 400);
    assert_eq!(json_of(again).await["error"], "expired");
    assert_eq!(
        replay.get("/").await.status(),
        303,
        "the replay signed nobody in"
    );

    // A challenge past its five minutes.
    let late = Browser::new(&app);
    let csrf = csrf_of(&late, "/login").await;
    let (ceremony, options) =
        begin(&late, "/login/passkey/start", json!({"csrf_token": csrf})).await;
    diesel::sql_query("UPDATE passkey_ceremonies SET expires_at = 0")
        .execute(&mut app.connection())
        .expect("expire");
    let answer = passkey.assert(&options);
    let body = json!({"csrf_token": csrf, "ceremony": ceremony, "credential": answer});
    let expired = post_json(&late, "/login/passkey/finish", &body).await;
    assert_eq!(expired.status(), 400);
    assert_eq!(late.get("/").await.status(), 303);

    // A registration's ceremony finishes no sign-in.
    app.add_user("bob@example.com", "bobs long password", &["read"]);
    let account = signed_in_as(&app, "bob@example.com", "bobs long password").await;
    let csrf = csrf_of(&account, "/").await;
    let (ceremony, options) = begin(
        &account,
        "/account/passkeys/start",
        json!({"csrf_token": csrf, "name": "Other"}),
    )
    .await;
    let body = json!({"csrf_token": csrf, "ceremony": ceremony, "credential": passkey.assert(&json!({"publicKey": options["publicKey"]}))});
    let wrong_kind = post_json(&account, "/login/passkey/finish", &body).await;
    assert_eq!(wrong_kind.status(), 400);
}

#[tokio::test]
async fn ceremony_endpoints_refuse_forged_and_malformed_requests() {
    let app = passkey_app().await;
    let browser = signed_in(&app).await;
    let csrf = csrf_of(&browser, "/").await;
    for path in [
        "/login/passkey/start",
        "/login/passkey/finish",
        "/login/second-factor/passkey/start",
        "/login/second-factor/passkey/finish",
        "/account/passkeys/start",
        "/account/passkeys/finish",
    ] {
        let no_token = post_json(&browser, path, &json!({"name": "x"})).await;
        assert_eq!(no_token.status(), 403, "{path} without a token");
        assert_eq!(json_of(no_token).await["error"], "forged");
        let cross_site = browser
            .http
            .post(format!("{}{path}", browser.base_url()))
            .header("sec-fetch-site", "cross-site")
            .json(&json!({"csrf_token": csrf, "name": "x"}))
            .send()
            .await
            .expect("POST");
        assert_eq!(cross_site.status(), 403, "{path} from another site");
        let as_form = browser
            .post(path, &[("csrf_token", csrf.as_str()), ("name", "x")])
            .await;
        assert_eq!(as_form.status(), 415, "{path} as a form");
        let garbage = browser
            .http
            .post(format!("{}{path}", browser.base_url()))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .expect("POST");
        assert_eq!(garbage.status(), 400, "{path} with broken JSON");
        let huge = browser
            .http
            .post(format!("{}{path}", browser.base_url()))
            .header("content-type", "application/json")
            .body(vec![b' '; 100_000])
            .send()
            .await
            .expect("POST");
        assert_eq!(huge.status(), 413, "{path} too large");
    }
    let remove = browser
        .post(
            "/account/passkeys/remove",
            &[("credential_id", "x"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(remove.status(), 403, "the removal form needs its token");

    // No name, or one too long.
    for name in ["", &"x".repeat(61)] {
        let bad = post_json(
            &browser,
            "/account/passkeys/start",
            &json!({"csrf_token": csrf, "name": name}),
        )
        .await;
        assert_eq!(bad.status(), 400);
    }
    // Signed out: no registration.
    let nobody = Browser::new(&app);
    let csrf = csrf_of(&nobody, "/login").await;
    let signed_out = post_json(
        &nobody,
        "/account/passkeys/start",
        &json!({"csrf_token": csrf, "name": "x"}),
    )
    .await;
    assert_eq!(signed_out.status(), 401);
    // No password step: no second-factor ceremony.
    let no_step = post_json(
        &nobody,
        "/login/second-factor/passkey/start",
        &json!({"csrf_token": csrf}),
    )
    .await;
    assert_eq!(no_step.status(), 400);
}

#[tokio::test]
async fn failed_assertions_count_on_the_account_of_the_credential() {
    let app = passkey_app().await;
    let passkey = alice_with_passkey(&app).await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let mut wrong = passkey.clone_key_into(SoftPasskey::new(&origin(&app)));
        wrong.origin = "http://localhost:1".into();
        let browser = Browser::new(&app);
        let answer = passkey_sign_in(&browser, "/login", |o| wrong.assert(o)).await;
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[401; 5], "{statuses:?}");
    assert_eq!(statuses[6], 429, "{statuses:?}");
    // The same counter as passwords.
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 429);

    // A credential nobody registered counts on no account.
    let other = passkey_app().await;
    for _ in 0..7 {
        let mut stranger = SoftPasskey::new(&origin(&other));
        stranger.user_handle = Some(vec![7; 16]);
        let answer = passkey_sign_in(&Browser::new(&other), "/login", |o| stranger.assert(o)).await;
        assert_eq!(answer.status(), 401);
    }
    assert_eq!(other.login(EMAIL, PASSWORD).await.status(), 200);
}
