//! Without SMTP settings the features are off and say so.

use crate::cli::{latchkey_with_env, stderr, stdout};
use crate::support::{Browser, TestApp, hidden_value};

#[tokio::test]
async fn without_smtp_the_forgot_page_says_to_ask_an_administrator() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let page = browser.get("/password/forgot").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains("Please ask an administrator to set a new password for you."));
    assert!(
        !html.contains("name=\"email\""),
        "no form that would send nothing"
    );
    let login = browser.get("/login").await.text().await.expect("body");
    let csrf = hidden_value(&login, "csrf_token").expect("csrf");
    let posted = browser
        .post(
            "/password/forgot",
            &[("csrf_token", &csrf), ("email", "alice@example.com")],
        )
        .await;
    assert_eq!(posted.status(), 503);
    assert!(
        posted
            .text()
            .await
            .expect("body")
            .contains("ask an administrator")
    );
}

#[tokio::test]
async fn without_smtp_an_invitation_is_refused_unless_the_link_is_printed() {
    let app = TestApp::spawn().await;
    let url = app.settings.database_url.url();
    let refused = latchkey_with_env(
        &[
            "--database-url",
            &url,
            "user",
            "invite",
            "carol@example.com",
        ],
        None,
        &[],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("e-mail is not configured"),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains("--print-link"));

    let env = [("LATCHKEY_PUBLIC_URL", app.address.as_str())];
    let printed = latchkey_with_env(
        &[
            "--database-url",
            &url,
            "user",
            "invite",
            "carol@example.com",
            "--print-link",
        ],
        None,
        &env,
    );
    assert!(printed.status.success(), "{}", stderr(&printed));
    let link = stdout(&printed).trim().to_owned();
    assert!(
        link.starts_with(&format!("{}/password/reset?token=", app.address)),
        "{link}"
    );
    let browser = Browser::new(&app);
    assert_eq!(browser.get(&link).await.status(), 200);
}
