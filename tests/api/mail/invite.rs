//! `latchkey user invite`: a user without a password, a mailed link to
//! choose one; until then no password signs in.

use crate::cli::{latchkey_with_env, stderr, stdout};
use crate::support::Browser;

use super::{ARRIVES, app_with_mail, choose_password};

const BOB: &str = "bob@example.com";
const BOBS_PASSWORD: &str = "bob chose this long passphrase";

#[tokio::test]
async fn an_invited_user_chooses_a_password_through_the_mailed_link() {
    let Some((app, smtp)) = app_with_mail("invite end to end").await else {
        return;
    };
    let url = app.settings.database_url.url();
    let smtp_url = smtp.url();
    let env = [
        ("LATCHKEY_SMTP_URL", smtp_url.as_str()),
        ("LATCHKEY_MAIL_FROM", "latchkey@example.com"),
        ("LATCHKEY_PUBLIC_URL", app.address.as_str()),
    ];
    let invited = latchkey_with_env(
        &[
            "--database-url",
            &url,
            "user",
            "invite",
            BOB,
            "--scope",
            "read",
        ],
        None,
        &env,
    );
    assert!(invited.status.success(), "{}", stderr(&invited));
    assert!(stdout(&invited).contains("invited bob@example.com"));

    let listed = latchkey_with_env(&["--database-url", &url, "user", "list"], None, &[]);
    assert!(
        stdout(&listed).contains("bob@example.com\tinvited\tread\t"),
        "{}",
        stdout(&listed)
    );

    // No password works before the invitation is used.
    assert_eq!(
        app.login(BOB, "!invited: no password chosen yet")
            .await
            .status(),
        401
    );

    let mails = smtp.wait_for(1, ARRIVES).await;
    assert_eq!(mails[0].subject, "Your latchkey account");
    assert_eq!(mails[0].envelope_to, vec![BOB.to_owned()]);
    assert_eq!(mails[0].to, BOB);
    assert!(mails[0].text().contains("7 days"));
    let link = mails[0].password_link(&app.address);

    let browser = Browser::new(&app);
    let set = choose_password(&browser, &link, BOBS_PASSWORD).await;
    assert_eq!(set.status(), 303);
    let tokens = app.login(BOB, BOBS_PASSWORD).await;
    assert_eq!(tokens.status(), 200);
    let body: serde_json::Value = tokens.json().await.expect("json");
    assert_eq!(body["scope"], "read");
    assert_eq!(browser.get(&link).await.status(), 410, "used once");

    // Inviting an existing user is refused.
    let again = latchkey_with_env(&["--database-url", &url, "user", "invite", BOB], None, &env);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("already exists"));
}
