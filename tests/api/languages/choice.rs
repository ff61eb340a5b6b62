//! Which language a page is in, and what the answer says about it.

use super::{browser_speaking, html_lang};
use crate::support::TestApp;
use latchkey::i18n::Lang;

/// The language of `/login` for `accept`: `Content-Language`, which must
/// agree with `<html lang>`, and say `Vary: Accept-Language`.
async fn login_language(app: &TestApp, accept: Option<&str>) -> String {
    let mut request = app.client.get(app.url("/login"));
    if let Some(accept) = accept {
        request = request.header("Accept-Language", accept);
    }
    let response = request.send().await.expect("request");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let vary: Vec<&str> = headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        vary.iter().any(|v| v.contains("Accept-Language")),
        "Vary names Accept-Language: {vary:?}"
    );
    let content_language = headers["content-language"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let html = response.text().await.expect("body");
    assert_eq!(html_lang(&html), content_language, "<html lang> agrees");
    content_language
}

#[tokio::test]
async fn the_browsers_languages_choose_the_page_language_by_quality_then_order() {
    let app = TestApp::spawn().await;
    let cases = [
        (Some("de-DE,de;q=0.9,en;q=0.8"), "de"),
        (Some("fr;q=0.5, ja;q=0.9"), "ja"),
        (Some("es, fr"), "es"),
        (Some("de;q=0, fr;q=0.1"), "fr"),
        (Some("pt-PT"), "pt-BR"),
        (Some("zh-Hans-CN, en;q=0.5"), "zh-CN"),
        (Some("zh-TW, ja;q=0.4"), "ja"),
        (Some("nl, sv;q=0.8"), "en"),
        (Some("de;q=banana"), "en"),
        (Some("*"), "en"),
        (None, "en"),
    ];
    for (accept, expected) in cases {
        assert_eq!(login_language(&app, accept).await, expected, "{accept:?}");
    }
}

#[tokio::test]
async fn the_default_language_setting_answers_when_nothing_matches() {
    let app = TestApp::spawn_with(|s| s.default_language = Lang::Fr).await;
    assert_eq!(login_language(&app, None).await, "fr");
    assert_eq!(login_language(&app, Some("nl, sv;q=0.8")).await, "fr");
    assert_eq!(login_language(&app, Some("*")).await, "fr");
    assert_eq!(login_language(&app, Some("ja")).await, "ja");
    assert_eq!(login_language(&app, Some("fr;q=0, ja;q=0.1")).await, "ja");
}

#[tokio::test]
async fn json_answers_stay_english_whatever_the_browser_asks() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/token"))
        .header("Accept-Language", "de")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("username=alice%40example.com&password=wrong")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 401);
    assert!(response.headers().get("content-language").is_none());
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["detail"], "Invalid credentials");
}

#[tokio::test]
async fn the_language_holds_through_a_whole_visit() {
    let app = TestApp::spawn().await;
    let browser = browser_speaking(&app, "ja");
    let signed_in = browser
        .sign_in("/login", crate::support::EMAIL, crate::support::PASSWORD)
        .await;
    assert_eq!(signed_in.status(), 303);
    let account = browser.get("/").await;
    assert_eq!(account.headers()["content-language"], "ja");
    let html = account.text().await.expect("body");
    assert_eq!(html_lang(&html), "ja");
    assert!(
        html.contains(&Lang::Ja.tr("account-heading")),
        "the account page in Japanese (or English until it is translated)"
    );
}
