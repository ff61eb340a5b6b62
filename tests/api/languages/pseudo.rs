//! Every page and state a browser can reach, and a mail, in the `en-XA`
//! pseudo-locale: each message comes out accented inside "⟦" "⟧", so any
//! visible word outside the brackets was not looked up in a catalogue.
//! User data (the email, client and scope names, codes) is allowed
//! explicitly.

use latchkey::auth::totp;
use latchkey::clock::now_unix;
use latchkey::i18n::Lang;

use super::browser_speaking;
use crate::applications::authorize_path;
use crate::mail::{ARRIVES, app_with_mail};
use crate::support::{
    Browser, ClientSpec, EMAIL, PASSWORD, Pkce, TestApp, hidden_value, one_slow_hashing_slot,
};

/// Text outside the catalogues that may show: the product's name and the
/// test's user data.
const ALWAYS_ALLOWED: &[&str] = &["latchkey", EMAIL, "Test App", "openid", "email", "read"];

/// The visible text of `html` (text nodes, and the attributes people see
/// or hear) that has letters outside "⟦…⟧" and outside `allowed`. A
/// message may hold markup (an argument in `<strong>`), so the brackets
/// are counted across text nodes.
fn untranslated(html: &str, allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    let mut depth = 0;
    let mut rest = without_blocks(html, "script");
    rest = without_blocks(&rest, "style");
    for piece in rest.split('<') {
        let (tag, text) = piece.split_once('>').unwrap_or(("", piece));
        if !tag.starts_with('!') {
            for name in [
                "title",
                "aria-label",
                "placeholder",
                "alt",
                "data-msg-failed",
                "data-msg-cancelled",
            ] {
                if let Some(value) = attribute(tag, name) {
                    check(&value, allowed, &mut found, &mut 0);
                }
            }
            let is_button_input = tag.starts_with("input")
                && ["type=\"submit\"", "type=\"button\""]
                    .iter()
                    .any(|t| tag.contains(t));
            if is_button_input && let Some(value) = attribute(tag, "value") {
                check(&value, allowed, &mut found, &mut 0);
            }
        }
        check(&decode(text), allowed, &mut found, &mut depth);
    }
    found
}

fn without_blocks(html: &str, element: &str) -> String {
    let (open, close) = (format!("<{element}"), format!("</{element}>"));
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find(&close)
            .map_or("", |end| &rest[start + end + close.len()..]);
    }
    out.push_str(rest);
    out
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(decode(&tag[start..end]))
}

fn decode(text: &str) -> String {
    text.replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// Adds `text` to `found` when it has letters outside the brackets and
/// the allowed words; `depth` is how many brackets are open before it.
fn check(text: &str, allowed: &[&str], found: &mut Vec<String>, depth: &mut usize) {
    let mut outside = String::new();
    for c in text.chars() {
        match c {
            '⟦' => *depth += 1,
            '⟧' => *depth = depth.saturating_sub(1),
            c if *depth == 0 => outside.push(c),
            _ => {}
        }
    }
    let mut rest = outside;
    for word in ALWAYS_ALLOWED.iter().chain(allowed) {
        rest = rest.replace(word, " ");
    }
    if rest.chars().any(char::is_alphabetic) {
        found.push(text.trim().to_owned());
    }
}

/// Fetches `path` in `browser` (a page of `status`) and fails naming any
/// text no catalogue gave.
async fn read(browser: &Browser, path: &str, status: u16, allowed: &[&str]) -> String {
    let response = browser.get(path).await;
    page(response, path, status, allowed).await
}

async fn page(response: reqwest::Response, what: &str, status: u16, allowed: &[&str]) -> String {
    assert_eq!(response.status(), status, "{what}");
    assert_eq!(response.headers()["content-language"], "en-XA", "{what}");
    let html = response.text().await.expect("body");
    assert!(html.contains("<html lang=\"en-XA\">"), "{what}");
    let found = untranslated(&html, allowed);
    assert!(
        found.is_empty(),
        "{what}: text outside the catalogues: {found:#?}"
    );
    html
}

async fn post(browser: &Browser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    browser.post(path, fields).await
}

#[test]
fn the_reader_finds_plain_words_and_passes_bracketed_ones() {
    let html = "<title>⟦Ŝîĝñ îñ⟧ · latchkey</title><p>⟦å ⟦ñéšţéð⟧⟧ 127.0.0.1</p>\
                <input placeholder=\"e.g. Laptop\"><script>var x = \"words\";</script>\
                <p>Forgot?</p><button aria-label=\"⟦ö⟧\">⟦ö⟧</button>\
                <p>⟦Åļļöŵ <strong>Test App</strong>?⟧</p>";
    assert_eq!(untranslated(html, &[]), ["e.g. Laptop", "Forgot?"]);
}

#[tokio::test]
async fn every_page_of_a_visit_comes_from_the_catalogues() {
    let app = TestApp::spawn().await;
    let browser = browser_speaking(&app, "en-XA");

    // Signing in, and what it may say.
    let login = read(&browser, "/login", 200, &[]).await;
    for notice in ["?signed_out=1", "?password_set", "?session_ended=1"] {
        read(&browser, &format!("/login{notice}"), 200, &[]).await;
    }
    let csrf = hidden_value(&login, "csrf_token").expect("csrf");
    let wrong = post(
        &browser,
        "/login",
        &[
            ("csrf_token", &csrf),
            ("next", "/"),
            ("username", EMAIL),
            ("password", "wrong"),
        ],
    )
    .await;
    page(wrong, "a wrong password", 401, &[]).await;
    let empty = post(
        &browser,
        "/login",
        &[("csrf_token", &csrf), ("username", "")],
    )
    .await;
    page(empty, "empty fields", 400, &[]).await;
    let forged = post(&browser, "/login", &[("csrf_token", "forged")]).await;
    page(forged, "a forged form", 403, &[]).await;
    read(&browser, "/password/forgot", 200, &[]).await;
    read(&browser, "/setup?token=nothing", 404, &[]).await;
    read(&browser, "/authorize?client_id=unknown", 400, &[]).await;

    // The account page and its forms.
    assert_eq!(
        browser.sign_in("/login", EMAIL, PASSWORD).await.status(),
        303
    );
    let account = read(&browser, "/", 200, &[]).await;
    let csrf = hidden_value(&account, "csrf_token").expect("csrf");
    let differ = post(
        &browser,
        "/account/password",
        &[
            ("csrf_token", &csrf),
            ("current_password", PASSWORD),
            ("new_password", "one long new password"),
            ("new_password_confirm", "another long new password"),
        ],
    )
    .await;
    page(differ, "passwords that differ", 400, &[]).await;
    read(&browser, "/?done=session", 200, &[]).await;

    // An application asks: consent, then its sign-out.
    let client = app.add_client(ClientSpec::default());
    let consent = authorize_path(&client, &Pkce::new(), &[("scope", "openid email")]);
    read(&browser, &consent, 200, &[]).await;
    read(&browser, "/logout", 200, &[]).await;

    // An authenticator app: set-up, a wrong code, the recovery codes.
    let setup = post(&browser, "/account/totp/start", &[("csrf_token", &csrf)]).await;
    let html = setup.text().await.expect("body");
    let at = html.find("id=\"totp-secret\">").expect("the key") + "id=\"totp-secret\">".len();
    let secret: String = html[at..].chars().take_while(|c| *c != '<').collect();
    let found = untranslated(&html, &[&secret]);
    assert!(found.is_empty(), "the TOTP set-up: {found:#?}");
    let wrong = post(
        &browser,
        "/account/totp/confirm",
        &[("csrf_token", &csrf), ("code", "000000")],
    )
    .await;
    page(wrong, "a wrong set-up code", 400, &[&secret]).await;
    let code = totp::code_at(&secret, totp::step_at(now_unix())).expect("code");
    let on = post(
        &browser,
        "/account/totp/confirm",
        &[("csrf_token", &csrf), ("code", &code)],
    )
    .await;
    let codes_page = on.text().await.expect("body");
    let codes: Vec<String> = codes_page
        .split("<code>")
        .skip(1)
        .filter_map(|part| part.split_once("</code>").map(|(code, _)| code.to_owned()))
        .collect();
    let allowed: Vec<&str> = codes.iter().map(String::as_str).collect();
    assert_eq!(codes.len(), 10, "{codes_page}");
    let found = untranslated(&codes_page, &allowed);
    assert!(found.is_empty(), "the recovery codes: {found:#?}");
    read(&browser, "/", 200, &[]).await;

    // The second step of the next sign-in.
    let next = browser_speaking(&app, "en-XA");
    let password = next.sign_in("/login", EMAIL, PASSWORD).await;
    assert_eq!(password.status(), 303);
    let second = read(&next, "/login/second-factor", 200, &[]).await;
    let csrf = hidden_value(&second, "csrf_token").expect("csrf");
    let wrong = post(
        &next,
        "/login/second-factor",
        &[("csrf_token", &csrf), ("code", "000000")],
    )
    .await;
    page(wrong, "a wrong second-factor code", 401, &[]).await;
}

/// The page a sign-in gets when every hashing worker and queue slot is
/// taken: its title, its text and the wait it names ("1 second").
#[tokio::test]
async fn the_busy_page_comes_from_the_catalogues() {
    let app = TestApp::spawn_with(one_slow_hashing_slot).await;
    let browser = browser_speaking(&app, "en-XA");
    let login = read(&browser, "/login", 200, &[]).await;
    let csrf = hidden_value(&login, "csrf_token").expect("csrf");
    let emails: Vec<String> = (0..20).map(|i| format!("user{i}@example.com")).collect();
    let (browser, csrf) = (&browser, &csrf);
    let attempts = emails.iter().map(|email| async move {
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("next", "/"),
            ("username", email.as_str()),
            ("password", "wrong"),
        ];
        post(browser, "/login", &fields).await
    });
    let answers = futures_util::future::join_all(attempts).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status().as_u16()).collect();
    let busy = answers
        .into_iter()
        .find(|a| a.status() == 503)
        .unwrap_or_else(|| panic!("no sign-in found the hasher full: {statuses:?}"));
    assert_eq!(busy.headers()["retry-after"], "1");
    let html = page(busy, "the busy page", 503, &[]).await;
    assert!(html.contains(&Lang::Pseudo.tr("busy-title")), "{html}");
    // The text ("latchkey is busy right now...") as well as the title.
    assert!(html.contains("ƀûšý"), "{html}");
}

#[tokio::test]
async fn the_first_run_setup_comes_from_the_catalogues() {
    let app = TestApp::spawn_empty().await;
    let token = app.setup_token.clone().expect("a setup token on first run");
    let browser = browser_speaking(&app, "en-XA");
    let setup = read(&browser, &format!("/setup?token={token}"), 200, &[]).await;
    let csrf = hidden_value(&setup, "csrf_token").expect("csrf");
    let differ = post(
        &browser,
        "/setup",
        &[
            ("csrf_token", &csrf),
            ("token", &token),
            ("username", "admin@example.com"),
            ("password", "a long first password"),
            ("password_confirm", "another long password"),
        ],
    )
    .await;
    page(
        differ,
        "setup with passwords that differ",
        400,
        &["admin@example.com"],
    )
    .await;
}

#[tokio::test]
async fn a_reset_by_mail_and_the_mail_come_from_the_catalogues() {
    let Some((app, smtp)) = app_with_mail("pseudo-locale mail").await else {
        return;
    };
    let browser = browser_speaking(&app, "en-XA");
    let forgot = read(&browser, "/password/forgot", 200, &[]).await;
    let csrf = hidden_value(&forgot, "csrf_token").expect("csrf");
    let sent = post(
        &browser,
        "/password/forgot",
        &[("csrf_token", &csrf), ("email", EMAIL)],
    )
    .await;
    page(sent, "the link is on its way", 200, &[]).await;

    let mails = smtp.wait_for(1, ARRIVES).await;
    let mail = &mails[0];
    let link = mail.password_link(&app.address);
    let site = app.address.clone();
    let allowed = [link.as_str(), site.as_str()];
    assert!(mail.subject.starts_with('⟦'), "{}", mail.subject);
    let found = untranslated(&format!("<title>{}</title>", mail.subject), &allowed);
    assert!(found.is_empty(), "the subject: {found:#?}");
    for line in mail.text().lines() {
        let mut found = Vec::new();
        // The signature's "-- " line is the mail convention, not text.
        check(line, &allowed, &mut found, &mut 0);
        assert!(found.is_empty(), "the text part: {found:#?}");
    }
    let html = mail.html.as_deref().expect("an HTML part");
    let escaped = link.replace('&', "&amp;");
    let found = untranslated(html, &[&link, &escaped, &site]);
    assert!(found.is_empty(), "the HTML part: {found:#?}");

    let reset = read(&browser, &link, 200, &[]).await;
    let csrf = hidden_value(&reset, "csrf_token").expect("csrf");
    let token = hidden_value(&reset, "token").expect("token");
    let short = post(
        &browser,
        "/password/reset",
        &[
            ("csrf_token", &csrf),
            ("token", &token),
            ("new_password", "short"),
            ("new_password_confirm", "short"),
        ],
    )
    .await;
    page(short, "a too short password", 400, &[]).await;
    read(&browser, "/password/reset?token=dead", 410, &[]).await;

    // With a public URL, passkeys are offered on the account page.
    assert_eq!(
        browser.sign_in("/login", EMAIL, PASSWORD).await.status(),
        303
    );
    read(&browser, "/", 200, &[]).await;
}
