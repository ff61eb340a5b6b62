//! "Forgot password?": the mail, the link, the new password; the same
//! answer for unknown addresses; limits per account and per address.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use latchkey::db::schema::password_links;

use super::{ARRIVES, app_with_mail, app_with_mail_and, choose_password, forgot};
use crate::support::{Browser, EMAIL, PASSWORD, assert_page_headers, hidden_value, location};

const NEW_PASSWORD: &str = "a brand new passphrase for alice";

#[tokio::test]
async fn a_forgotten_password_is_replaced_through_the_mailed_link_which_works_once() {
    let Some((app, smtp)) = app_with_mail("reset end to end").await else {
        return;
    };
    // A session from before the reset, in a browser and an API client.
    let before = Browser::new(&app);
    assert_eq!(
        before.sign_in("/login", EMAIL, PASSWORD).await.status(),
        303
    );
    let tokens: serde_json::Value = app.login(EMAIL, PASSWORD).await.json().await.expect("json");
    let refresh = tokens["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();

    let browser = Browser::new(&app);
    let login = browser.get("/login").await.text().await.expect("body");
    assert!(
        login.contains("href=\"/password/forgot\""),
        "the login page links to it"
    );
    let answer = forgot(&browser, EMAIL).await;
    assert_eq!(answer.status(), 200);
    assert!(
        answer
            .text()
            .await
            .expect("body")
            .contains("a link to choose a new password is on its way")
    );

    let mails = smtp.wait_for(1, ARRIVES).await;
    let mail = &mails[0];
    assert_eq!(mail.envelope_to, vec![EMAIL.to_owned()]);
    assert_eq!(mail.subject, "Reset your latchkey password");
    assert_eq!(mail.from, "latchkey <latchkey@example.com>");
    assert_eq!(mail.content_type, "multipart/alternative");
    let link = mail.password_link(&app.address);
    assert!(mail.text().contains("30 minutes"));
    let html = mail.html.as_deref().expect("an HTML part");
    assert!(html.contains(&link.replace('&', "&amp;")) || html.contains(&link));

    // The page carries the token in its form, and says nothing to others.
    let page = browser.get(&link).await;
    assert_eq!(page.status(), 200);
    assert_page_headers(&page);
    assert_eq!(page.headers()["referrer-policy"], "same-origin");
    let html = page.text().await.expect("body");
    assert!(
        html.contains("action=\"/password/reset\""),
        "posts without the token in the URL"
    );
    assert!(html.contains(EMAIL));

    // Too short first: refused, and the link still works.
    let csrf = hidden_value(&html, "csrf_token").expect("csrf");
    let token = hidden_value(&html, "token").expect("token");
    let short = browser
        .post(
            "/password/reset",
            &[
                ("csrf_token", &csrf),
                ("token", &token),
                ("new_password", "short"),
                ("new_password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(short.status(), 400);

    let set = choose_password(&browser, &link, NEW_PASSWORD).await;
    assert_eq!(set.status(), 303);
    assert_eq!(location(&set), "/login?password_set");
    let notice = browser
        .get("/login?password_set")
        .await
        .text()
        .await
        .expect("body");
    assert!(notice.contains("Your new password is set"));

    // Old password, old sessions and old refresh tokens are dead.
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 401);
    assert_eq!(app.refresh(&refresh).await.status(), 400);
    let old_page = before.get("/").await;
    assert_ne!(old_page.status(), 200, "the old browser session ended");
    assert_eq!(app.login(EMAIL, NEW_PASSWORD).await.status(), 200);

    // The link works once.
    let again = browser.get(&link).await;
    assert_eq!(again.status(), 410);
    assert!(
        again
            .text()
            .await
            .expect("body")
            .contains("expired or has already been used")
    );
    let replay = browser
        .post(
            "/password/reset",
            &[
                ("csrf_token", &csrf),
                ("token", &token),
                ("new_password", "yet another long passphrase"),
                ("new_password_confirm", "yet another long passphrase"),
            ],
        )
        .await;
    assert_eq!(replay.status(), 410);
    assert_eq!(app.login(EMAIL, NEW_PASSWORD).await.status(), 200);

    // And a "password changed" notice follows.
    let mails = smtp.wait_for(2, ARRIVES).await;
    assert_eq!(mails[1].subject, "Your latchkey password was changed");
}

#[tokio::test]
async fn a_link_is_stored_hashed_and_dies_after_thirty_minutes() {
    let Some((app, smtp)) = app_with_mail("reset link expiry").await else {
        return;
    };
    let browser = Browser::new(&app);
    assert_eq!(forgot(&browser, EMAIL).await.status(), 200);
    let link = smtp.wait_for(1, ARRIVES).await[0].password_link(&app.address);
    let token = link.split("token=").nth(1).expect("token").to_owned();

    let mut conn = app.connection();
    let (hash, created, expires): (String, i64, i64) = password_links::table
        .select((
            password_links::token_hash,
            password_links::created_at,
            password_links::expires_at,
        ))
        .first(&mut conn)
        .expect("one link");
    assert_ne!(hash, token, "not stored as is");
    assert_eq!(hash.len(), 64, "a SHA-256");
    assert_eq!(expires - created, 30 * 60);

    // Thirty minutes later (moved in the database: no clock to wind).
    diesel::update(password_links::table)
        .set((
            password_links::created_at.eq(created - 1800),
            password_links::expires_at.eq(expires - 1800),
        ))
        .execute(&mut conn)
        .expect("age the link");
    assert_eq!(browser.get(&link).await.status(), 410);
    assert_eq!(choose_password_status(&browser, &token).await, 410);
    assert_eq!(
        app.login(EMAIL, PASSWORD).await.status(),
        200,
        "the password stays"
    );
}

/// Posts a new password for `token` with a fresh form's CSRF token.
async fn choose_password_status(browser: &Browser, token: &str) -> u16 {
    let page = browser
        .get("/password/forgot")
        .await
        .text()
        .await
        .expect("body");
    let csrf = hidden_value(&page, "csrf_token").expect("csrf");
    browser
        .post(
            "/password/reset",
            &[
                ("csrf_token", &csrf),
                ("token", token),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", NEW_PASSWORD),
            ],
        )
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_page_and_no_mail() {
    let Some((app, smtp)) = app_with_mail("reset unknown address").await else {
        return;
    };
    let browser = Browser::new(&app);
    let unknown = forgot(&browser, "nobody@example.com").await;
    let known = forgot(&browser, EMAIL).await;
    assert_eq!(unknown.status(), known.status());
    let (unknown, known) = (
        unknown.text().await.expect("body"),
        known.text().await.expect("body"),
    );
    assert_eq!(unknown, known, "the very same page");
    smtp.wait_for(1, ARRIVES).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1, "only alice's");
    assert_eq!(mails[0].envelope_to, vec![EMAIL.to_owned()]);
}

// Two threads: the server's mail queue runs on the test's runtime, and
// must not hold up the client timing the answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_and_unknown_addresses_take_the_same_time() {
    let Some((app, _smtp)) = app_with_mail_and("reset timing", |s| s.rate_limit = false).await
    else {
        return;
    };
    let browser = Browser::new(&app);
    let page = browser
        .get("/password/forgot")
        .await
        .text()
        .await
        .expect("body");
    let csrf = hidden_value(&page, "csrf_token").expect("csrf");
    let timed = |email: &'static str| {
        let (browser, csrf) = (&browser, csrf.clone());
        async move {
            let started = Instant::now();
            let answer = browser
                .post(
                    "/password/forgot",
                    &[("csrf_token", &csrf), ("email", email)],
                )
                .await;
            assert_eq!(answer.status(), 200);
            started.elapsed().as_secs_f64()
        }
    };
    let mut ratios = Vec::new();
    for i in 0..21 {
        let (known, unknown) = if i % 2 == 0 {
            (timed(EMAIL).await, timed("nobody@example.com").await)
        } else {
            let unknown = timed("nobody@example.com").await;
            (timed(EMAIL).await, unknown)
        };
        ratios.push(unknown / known);
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    assert!(
        (0.67..1.5).contains(&median),
        "an unknown address takes {median:.2} times as long as a known one (all: {ratios:.2?})"
    );
}

#[tokio::test]
async fn one_account_gets_at_most_three_reset_mails_an_hour_and_the_same_answer_beyond() {
    let Some((app, smtp)) = app_with_mail_and("reset per account", |s| s.rate_limit = false).await
    else {
        return;
    };
    let browser = Browser::new(&app);
    let mut pages = Vec::new();
    for _ in 0..5 {
        let answer = forgot(&browser, EMAIL).await;
        assert_eq!(answer.status(), 200);
        pages.push(answer.text().await.expect("body"));
        // Each request's mail is queued before the next is counted.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(
        pages.iter().all(|p| *p == pages[0]),
        "every answer is the same"
    );
    smtp.wait_for(3, ARRIVES).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 3);
    // Only the newest link works.
    let links: Vec<String> = mails
        .iter()
        .map(|m| m.password_link(&app.address))
        .collect();
    assert_eq!(browser.get(&links[0]).await.status(), 410);
    assert_eq!(browser.get(&links[2]).await.status(), 200);
}

#[tokio::test]
async fn one_address_is_throttled_alike_for_known_and_unknown_accounts() {
    let Some((app, _smtp)) = app_with_mail("reset per address").await else {
        return;
    };
    let browser = Browser::new(&app);
    for i in 0..5 {
        let email = format!("someone{i}@example.com");
        assert_eq!(forgot(&browser, &email).await.status(), 200, "request {i}");
    }
    for email in [EMAIL, "nobody@example.com"] {
        let refused = forgot(&browser, email).await;
        assert_eq!(refused.status(), 429);
        assert!(refused.headers().contains_key("retry-after"));
        let page = refused.text().await.expect("body");
        assert!(page.contains("Too many requests. Please try again in"));
    }
}

#[tokio::test]
async fn a_forged_request_is_refused() {
    let Some((app, smtp)) = app_with_mail("reset CSRF").await else {
        return;
    };
    let browser = Browser::new(&app);
    let forged = browser
        .post(
            "/password/forgot",
            &[("csrf_token", "made-up"), ("email", EMAIL)],
        )
        .await;
    assert_eq!(forged.status(), 403);
    let other_site = app
        .post_form_with(
            "/password/forgot",
            &[("email", EMAIL)],
            &[
                ("Origin", "https://evil.example"),
                ("Sec-Fetch-Site", "cross-site"),
            ],
        )
        .await;
    assert_eq!(other_site.status(), 403);
    let page = browser.get("/password/forgot").await;
    assert_page_headers(&page);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(smtp.mails().is_empty());
}

#[tokio::test]
async fn a_reset_does_not_skip_the_second_factor() {
    let Some((app, smtp)) = app_with_mail("reset with TOTP").await else {
        return;
    };
    let secret = crate::second_factor::enable_totp(&app).await.0;
    let browser = Browser::new(&app);
    assert_eq!(forgot(&browser, EMAIL).await.status(), 200);
    let mails = smtp.wait_for(2, ARRIVES).await;
    let reset = mails
        .iter()
        .find(|m| m.subject.starts_with("Reset"))
        .expect("the reset mail");
    let set = choose_password(&browser, &reset.password_link(&app.address), NEW_PASSWORD).await;
    assert_eq!(set.status(), 303);
    let signed = browser.sign_in("/login", EMAIL, NEW_PASSWORD).await;
    assert_eq!(
        location(&signed),
        "/login/second-factor",
        "the code is still asked"
    );
    assert!(!secret.is_empty());
}

#[tokio::test]
async fn a_reset_ends_the_accounts_sign_in_throttling() {
    let Some((app, smtp)) = app_with_mail_and("reset clears throttling", |s| {
        s.account_free_failures = 2;
        s.account_delays = vec![Duration::from_secs(600)];
        s.rate_limit = false;
    })
    .await
    else {
        return;
    };
    for _ in 0..3 {
        app.login(EMAIL, "wrong password").await;
    }
    assert_eq!(
        app.login(EMAIL, PASSWORD).await.status(),
        429,
        "throttled for ten minutes"
    );
    let browser = Browser::new(&app);
    assert_eq!(forgot(&browser, EMAIL).await.status(), 200);
    // The throttling notice, then the reset.
    let mails = smtp.wait_for(2, ARRIVES).await;
    let reset = mails
        .iter()
        .find(|m| m.subject.starts_with("Reset"))
        .expect("the reset mail");
    let set = choose_password(&browser, &reset.password_link(&app.address), NEW_PASSWORD).await;
    assert_eq!(set.status(), 303);
    assert_eq!(
        app.login(EMAIL, NEW_PASSWORD).await.status(),
        200,
        "no longer throttled"
    );
}

#[tokio::test]
async fn links_long_dead_are_purged_in_the_background_and_live_ones_stay() {
    let Some((app, smtp)) = app_with_mail_and("reset link purge", |s| {
        s.housekeeping_interval = Duration::from_millis(200);
    })
    .await
    else {
        return;
    };
    let browser = Browser::new(&app);
    assert_eq!(forgot(&browser, EMAIL).await.status(), 200);
    smtp.wait_for(1, ARRIVES).await;
    let mut conn = app.connection();
    let two_hours_ago = latchkey::clock::now_unix() - 7200;
    diesel::update(password_links::table)
        .set((
            password_links::created_at.eq(two_hours_ago),
            password_links::expires_at.eq(two_hours_ago + 1800),
        ))
        .execute(&mut conn)
        .expect("age the link");
    assert_eq!(forgot(&browser, EMAIL).await.status(), 200);
    let live = smtp.wait_for(2, ARRIVES).await[1].password_link(&app.address);
    let mut left = 2;
    for _ in 0..100 {
        left = password_links::table
            .count()
            .get_result::<i64>(&mut conn)
            .expect("count");
        if left == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(left, 1, "the dead link is purged");
    assert_eq!(browser.get(&live).await.status(), 200, "the live one stays");
}
