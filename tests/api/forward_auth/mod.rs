//! `/auth/forward` at the HTTP level: what a proxy is told for each kind of
//! browser, the way back after signing in, and the shared cookie domain.
//! `proxies.rs` puts real nginx and Caddy in front.

mod proxies;

use crate::browser_flow::renewal::expired_access_cookie;
use crate::browser_flow::sign_in;
use crate::support::{Browser, location, query_param};
use crate::support::{CHANGES_SEEN_WITHIN, EMAIL, PASSWORD, TestApp, set_cookies};

/// Headers a trusted proxy sends for `https://{host}{uri}`, Caddy-style.
fn forwarded<'a>(proto: &'a str, host: &'a str, uri: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("X-Forwarded-Proto", proto),
        ("X-Forwarded-Host", host),
        ("X-Forwarded-Uri", uri),
    ]
}

fn loopback_proxy(s: &mut latchkey::config::Settings) {
    s.trusted_proxies = vec!["127.0.0.1/32".parse().expect("cidr")];
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn a_session_gets_the_remote_headers_and_no_session_gets_401() {
    let app = TestApp::spawn().await;
    let anonymous = app.get("/auth/forward").await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(header(&anonymous, "cache-control"), Some("no-store"));
    assert_eq!(header(&anonymous, "location"), None);

    let (cookie, _) = sign_in(&app, EMAIL).await;
    let signed_in = app.get_with("/auth/forward", &[("Cookie", &cookie)]).await;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(header(&signed_in, "remote-user"), Some(EMAIL));
    assert_eq!(header(&signed_in, "remote-email"), Some(EMAIL));
    assert_eq!(header(&signed_in, "remote-name"), Some(EMAIL));
    assert_eq!(header(&signed_in, "remote-scopes"), Some("read"));
    assert_eq!(header(&signed_in, "cache-control"), Some("no-store"));
}

#[tokio::test]
async fn a_required_scope_the_person_lacks_is_403() {
    let app = TestApp::spawn().await;
    let (cookie, _) = sign_in(&app, EMAIL).await;
    let with = |path: &'static str| {
        let cookie = cookie.clone();
        let app = &app;
        async move { app.get_with(path, &[("Cookie", &cookie)]).await }
    };
    assert_eq!(with("/auth/forward?scope=read").await.status(), 200);
    assert_eq!(with("/auth/forward?scope=admin").await.status(), 403);
    assert_eq!(with("/auth/forward?scope=read%20admin").await.status(), 403);
    let repeated = with("/auth/forward?scope=read&scope=admin").await;
    assert_eq!(
        repeated.status(),
        400,
        "a repeated scope is a misconfiguration"
    );

    // Scopes taken away elsewhere (here, the test's own connection) hold
    // as soon as the server has seen the change.
    latchkey::db::users::set_scopes(&mut app.connection(), EMAIL, &[]).expect("no scopes");
    tokio::time::sleep(CHANGES_SEEN_WITHIN).await;
    assert_eq!(with("/auth/forward?scope=read").await.status(), 403);
    let plain = with("/auth/forward").await;
    assert_eq!(plain.status(), 200);
    assert_eq!(header(&plain, "remote-scopes"), Some(""));
}

#[tokio::test]
async fn a_trusted_proxy_sends_the_person_to_sign_in_and_back_to_the_original_url() {
    let app = TestApp::spawn_at_own_url_with(loopback_proxy).await;
    let app_origin = "http://127.0.0.1:9999";
    let asked = app
        .get_with(
            "/auth/forward",
            &forwarded("http", "127.0.0.1:9999", "/reports?year=2026&q=a%20b"),
        )
        .await;
    assert_eq!(asked.status(), 302);
    let login = location(&asked);
    assert!(login.starts_with(&app.url("/login?next=")), "{login}");
    let next = query_param(&login, "next").expect("next");
    assert_eq!(next, format!("{app_origin}/reports?year=2026&q=a%20b"));

    let browser = Browser::new(&app);
    let page = browser.get(&login).await;
    let csp = header(&page, "content-security-policy")
        .expect("CSP")
        .to_owned();
    assert!(
        csp.contains(&format!("form-action 'self' {app_origin}")),
        "the form may end at the application: {csp}"
    );
    let signed_in = browser.sign_in(&login, EMAIL, PASSWORD).await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), next);

    // nginx: the same, as a 401 whose Location its error_page follows.
    let nginx = app
        .get_with(
            "/auth/forward",
            &[("X-Original-URL", "http://127.0.0.1:9999/reports")],
        )
        .await;
    assert_eq!(nginx.status(), 401);
    assert_eq!(
        header(&nginx, "location"),
        Some(
            app.url("/login?next=http%3A%2F%2F127.0.0.1%3A9999%2Freports")
                .as_str()
        )
    );
}

#[tokio::test]
async fn forwarded_headers_are_ignored_from_an_untrusted_peer_and_for_foreign_urls() {
    let untrusting = TestApp::spawn_at_own_url().await;
    let asked = untrusting
        .get_with("/auth/forward", &forwarded("http", "127.0.0.1:9999", "/"))
        .await;
    assert_eq!(asked.status(), 401);
    assert_eq!(header(&asked, "location"), None);

    let app = TestApp::spawn_at_own_url_with(loopback_proxy).await;
    for (proto, host, uri) in [
        ("http", "evil.example", "/"),
        ("http", "127.0.0.1.evil.example", "/"),
        ("http", "evil.example@127.0.0.1", "/"),
        ("https", "127.0.0.1:9999", "/"),
        ("gopher", "127.0.0.1:9999", "/"),
        ("http", "127.0.0.1:9999", "relative"),
    ] {
        let asked = app
            .get_with("/auth/forward", &forwarded(proto, host, uri))
            .await;
        assert_eq!(asked.status(), 401, "{proto} {host} {uri}");
        assert_eq!(header(&asked, "location"), None, "{proto} {host} {uri}");
    }
    for url in [
        "http://evil.example/",
        "https://127.0.0.1/",
        "//127.0.0.1/x",
    ] {
        let asked = app
            .get_with("/auth/forward", &[("X-Original-URL", url)])
            .await;
        assert_eq!(asked.status(), 401, "{url}");
        assert_eq!(header(&asked, "location"), None, "{url}");
    }
}

#[tokio::test]
async fn signing_out_or_a_bearer_token_gets_no_one_through() {
    let app = TestApp::spawn().await;
    let (cookie, _) = sign_in(&app, EMAIL).await;
    let signed_in = [("Cookie", cookie.as_str())];
    assert_eq!(
        app.get_with("/auth/forward", &signed_in).await.status(),
        200
    );

    // An API client's token is no browser session.
    let token = app.access_token().await;
    let bearer = app.get_with_bearer("/auth/forward", &token).await;
    assert_eq!(bearer.status(), 401);

    let csrf = cookie
        .split("; ")
        .next()
        .and_then(|c| c.strip_prefix("latchkey_csrf="))
        .expect("csrf");
    let out = app
        .post_form_with("/logout", &[("csrf_token", csrf)], &signed_in)
        .await;
    assert_eq!(out.status(), 303);
    assert_eq!(
        app.get_with("/auth/forward", &signed_in).await.status(),
        401
    );
}

#[tokio::test]
async fn an_expired_access_cookie_is_not_renewed_here_but_by_the_login_page() {
    let app = TestApp::spawn_at_own_url_with(loopback_proxy).await;
    let cookie = expired_access_cookie(&app).await;
    let mut asking = forwarded("http", "127.0.0.1:9999", "/app").to_vec();
    asking.push(("Cookie", &cookie));

    // The proxy forwards the browser's cookies; a renewal here would need
    // it to carry the rotated refresh cookie back.
    let asked = app.get_with("/auth/forward", &asking).await;
    assert_eq!(asked.status(), 302);
    assert!(set_cookies(&asked).is_empty(), "nothing renewed here");

    // The login page renews the session and goes straight back.
    let login = location(&asked);
    let login = login.strip_prefix(&app.url("")).expect("on latchkey");
    let back = app.get_with(login, &[("Cookie", &cookie)]).await;
    assert_eq!(back.status(), 303);
    assert_eq!(location(&back), "http://127.0.0.1:9999/app");
    let renewed = set_cookies(&back);
    let fresh = format!("latchkey_session={}", renewed["latchkey_session"].value);
    let again = app.get_with("/auth/forward", &[("Cookie", &fresh)]).await;
    assert_eq!(again.status(), 200);
}

#[tokio::test]
async fn a_cookie_domain_shares_the_access_cookie_alone_with_its_subdomains() {
    let app = TestApp::spawn_with(|s| {
        loopback_proxy(s);
        s.public_url = Some("https://auth.example.test".into());
        s.cookie_domain = Some("example.test".into());
    })
    .await;
    let page = app.get("/login").await;
    let csrf = set_cookies(&page)
        .remove("__Host-latchkey_csrf")
        .expect("csrf cookie")
        .value;
    let csrf_cookie = format!("__Host-latchkey_csrf={csrf}");
    let sign_in_to = async |next: &str| {
        let fields = [
            ("username", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
            ("next", next),
        ];
        app.post_form_with("/login", &fields, &[("Cookie", &csrf_cookie)])
            .await
    };
    let next = "https://wiki.example.test/page?id=7";
    let response = sign_in_to(next).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), next);
    let cookies = set_cookies(&response);
    let access = &cookies["__Secure-latchkey_session"];
    assert!(
        access.has("Domain=example.test") && access.has("Secure") && access.has("HttpOnly"),
        "{access:?}"
    );
    let refresh = &cookies["__Host-latchkey_refresh"];
    assert!(
        !refresh.attributes.iter().any(|a| a.starts_with("Domain")),
        "the refresh cookie stays on latchkey's host: {refresh:?}"
    );
    assert!(!cookies.contains_key("__Host-latchkey_session"));

    // What the proxy of wiki.example.test forwards: the shared cookie only.
    let shared = format!("__Secure-latchkey_session={}", access.value);
    let allowed = app.get_with("/auth/forward", &[("Cookie", &shared)]).await;
    assert_eq!(allowed.status(), 200);

    for (host, expected) in [
        ("wiki.example.test", 302),
        ("example.test", 302),
        ("example.test.evil.net", 401),
        ("wikiexample.test", 401),
    ] {
        let asked = app
            .get_with("/auth/forward", &forwarded("https", host, "/x"))
            .await;
        assert_eq!(asked.status(), expected, "{host}");
    }
    let off_domain = [
        "https://example.test.evil.net/",
        "https://evil.net\\@wiki.example.test/",
        "https://wiki.example.test@evil.net/",
        "https://evil.net%2f.example.test/",
        "http://wiki.example.test/",
    ];
    for next in off_domain {
        assert_eq!(location(&sign_in_to(next).await), "/", "{next}");
    }

    // Signing out clears the shared cookie where it was set.
    let signed_in = format!(
        "{csrf_cookie}; {shared}; __Host-latchkey_refresh={}",
        refresh.value
    );
    let out = app
        .post_form_with(
            "/logout",
            &[("csrf_token", &csrf)],
            &[("Cookie", &signed_in)],
        )
        .await;
    let cleared = set_cookies(&out);
    let access = &cleared["__Secure-latchkey_session"];
    assert!(
        access.value.is_empty() && access.has("Domain=example.test"),
        "{access:?}"
    );
    assert_eq!(
        app.get_with("/auth/forward", &[("Cookie", &shared)])
            .await
            .status(),
        401
    );
}
