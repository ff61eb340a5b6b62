//! `latchkey client ...` against a running server's database.

use super::{authorize_path, exchange, tokens, walk_to_callback};
use crate::cli::{assert_fails_with, latchkey, stderr, stdout};
use crate::support::{Browser, Pkce, TestApp, TestClient, query_param};

fn run(app: &TestApp, args: &[&str]) -> std::process::Output {
    let url = app.settings.database_url.url();
    let mut all = vec!["--database-url", url.as_str()];
    all.extend_from_slice(args);
    latchkey(&all, None)
}

/// The value of `name: value` on stdout.
fn printed(output: &std::process::Output, name: &str) -> Option<String> {
    stdout(output)
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name}: ")).map(str::to_owned))
}

#[tokio::test]
async fn client_add_prints_a_secret_once_that_works_and_remove_ends_its_tokens() {
    let app = TestApp::spawn().await;
    let added = run(
        &app,
        &[
            "client",
            "add",
            "Wiki",
            "--redirect-uri",
            "https://wiki.example/cb",
            "--scope",
            "openid",
            "--trusted",
        ],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let client = TestClient {
        id: printed(&added, "client_id").expect("client_id"),
        secret: printed(&added, "client_secret"),
        redirect_uri: "https://wiki.example/cb".into(),
    };
    assert_eq!(client.secret.as_ref().map(String::len), Some(43));

    let listed = run(&app, &["client", "list"]);
    let list = stdout(&listed);
    assert!(list.contains(&client.id) && list.contains("Wiki"), "{list}");
    assert!(list.contains("confidential,trusted"), "{list}");
    assert!(
        !list.contains(client.secret.as_deref().unwrap_or("-")),
        "the secret is never shown again"
    );

    let pkce = Pkce::new();
    let browser = Browser::new(&app);
    let callback = walk_to_callback(&app, &browser, &authorize_path(&client, &pkce, &[])).await;
    let code = query_param(&callback, "code").expect("code");
    let body = tokens(exchange(&app, &client, &code, &pkce.verifier).await).await;
    let access = body["access_token"].as_str().expect("access").to_owned();
    assert_eq!(app.get_me(&access).await.status(), 200);

    // A new secret: the old one stops working at once.
    let renewed = run(&app, &["client", "secret", &client.id]);
    let new_secret = printed(&renewed, "client_secret").expect("a new secret");
    let refresh = body["refresh_token"].as_str().expect("refresh");
    let fields = [("grant_type", "refresh_token"), ("refresh_token", refresh)];
    let old = app
        .client_basic(
            "/token",
            &client.id,
            client.secret.as_deref().expect("s"),
            &fields,
        )
        .await;
    assert_eq!(old.status(), 401);

    let removed = run(&app, &["client", "remove", &client.id]);
    assert!(removed.status.success(), "{}", stderr(&removed));
    assert_eq!(
        app.get_me(&access).await.status(),
        401,
        "its tokens died with it"
    );
    let after = app
        .client_basic("/token", &client.id, &new_secret, &fields)
        .await;
    assert_eq!(after.status(), 401);
    assert_fails_with(
        &run(&app, &["client", "remove", &client.id]),
        "no application",
    );
}

#[tokio::test]
async fn client_add_refuses_what_rfc_9700_forbids() {
    let app = TestApp::spawn().await;
    for (args, needle) in [
        (
            vec!["--redirect-uri", "http://wiki.example/cb"],
            "only https",
        ),
        (
            vec!["--redirect-uri", "https://*.wiki.example/cb"],
            "wildcard",
        ),
        (
            vec!["--redirect-uri", "https://wiki.example/cb#x"],
            "fragment",
        ),
        (vec!["--redirect-uri", "/cb"], "absolute"),
        (
            vec![
                "--redirect-uri",
                "https://wiki.example/cb",
                "--scope",
                "read,write",
            ],
            "give one scope per --scope",
        ),
        (
            vec![
                "--redirect-uri",
                "https://wiki.example/cb",
                "--public",
                "--grant",
                "client_credentials",
            ],
            "confidential",
        ),
        (
            vec![
                "--redirect-uri",
                "https://wiki.example/cb",
                "--grant",
                "implicit",
            ],
            "unknown grant",
        ),
    ] {
        let mut all = vec!["client", "add", "Wiki"];
        all.extend(args);
        assert_fails_with(&run(&app, &all), needle);
    }
    assert_fails_with(
        &run(&app, &["client", "add", "Wiki"]),
        "needs at least one --redirect-uri",
    );
    let none = run(&app, &["client", "list"]);
    assert_eq!(stdout(&none), "", "nothing was registered");
    // A service that only uses client_credentials needs no redirect URI.
    let service = run(
        &app,
        &[
            "client",
            "add",
            "Reporting job",
            "--grant",
            "client_credentials",
        ],
    );
    assert!(service.status.success(), "{}", stderr(&service));
    assert!(stdout(&run(&app, &["client", "list"])).contains("Reporting job"));
}
