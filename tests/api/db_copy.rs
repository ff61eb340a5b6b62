//! `latchkey db copy` moves an installation between databases with nothing
//! lost, and `latchkey db backup` copies a running SQLite database. These
//! start from a SQLite installation whatever `TEST_BACKEND` says: SQLite is
//! what the copy reads and what the backup knows.

use latchkey::config::{DatabaseUrl, Settings};
use latchkey::db::users;
use serde_json::Value;

use crate::cli::{assert_fails_with, latchkey, stderr, stdout};
use crate::support::{CHEAP_ARGON2, ClientSpec, EMAIL, PASSWORD, PgDatabase, TestApp};

const DISABLED_EMAIL: &str = "bob@example.com";

fn on_sqlite(settings: &mut Settings) {
    let file = settings.data_dir.join("latchkey.db");
    settings.database_url =
        DatabaseUrl::parse(&format!("sqlite://{}", file.display())).expect("database URL");
    settings.argon2 = CHEAP_ARGON2;
    settings.refresh_grace = std::time::Duration::ZERO;
}

async fn tokens_of(response: reqwest::Response) -> (String, String) {
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    (
        body["access_token"].as_str().expect("access").to_owned(),
        body["refresh_token"].as_str().expect("refresh").to_owned(),
    )
}

/// Every user column, for comparing two databases.
fn all_users(app: &TestApp) -> Vec<(String, String, String, bool, i64, i64)> {
    users::list(&mut app.connection())
        .expect("list users")
        .into_iter()
        .map(|u| {
            (
                u.email,
                u.password_hash,
                u.scopes,
                u.disabled,
                u.created_at,
                u.updated_at,
            )
        })
        .collect()
}

#[tokio::test]
async fn a_sqlite_install_copied_to_postgres_keeps_users_sessions_and_counters() {
    let Some(target) = PgDatabase::create() else {
        return;
    };
    let source = TestApp::spawn_with(on_sqlite).await;
    source.add_user(DISABLED_EMAIL, PASSWORD, &["read", "write"]);
    users::set_disabled(&mut source.connection(), DISABLED_EMAIL, true).expect("disable");
    let (access, first_refresh) = tokens_of(source.login(EMAIL, PASSWORD).await).await;
    let (_, live_refresh) = tokens_of(source.refresh(&first_refresh).await).await;
    for _ in 0..2 {
        let response = source
            .login("mallory@example.com", "a guess that is wrong")
            .await;
        assert_eq!(response.status(), 401);
    }
    let app_client = source.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });

    let from = source.settings.database_url.url();
    let copied = latchkey(&["db", "copy", "--from", &from, "--to", &target.url], None);
    assert!(copied.status.success(), "{}", stderr(&copied));
    assert_eq!(
        stdout(&copied),
        "copied 2 user(s), 1 application(s), 0 consent(s), 1 session(s), 2 refresh token(s), \
         1 throttling counter(s), 0 trusted device(s); signing keys stay in the data dir\n"
    );

    // The same data dir (signing keys) over the copy.
    let copy = source
        .restart_with(|s| s.database_url = DatabaseUrl::parse(&target.url).expect("database URL"))
        .await;
    assert_eq!(all_users(&copy), all_users(&source), "users unchanged");
    assert_eq!(copy.get_me(&access).await.status(), 200, "old access token");
    assert_eq!(copy.login(EMAIL, PASSWORD).await.status(), 200, "hash kept");
    assert_eq!(
        copy.login(DISABLED_EMAIL, PASSWORD).await.status(),
        401,
        "still disabled"
    );

    // The application and its secret came along.
    let own = copy
        .client_basic(
            "/token",
            &app_client.id,
            app_client.secret.as_deref().expect("secret"),
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        )
        .await;
    assert_eq!(
        own.status(),
        400,
        "authenticated; only the token is refused"
    );

    let (_, successor) = tokens_of(copy.refresh(&live_refresh).await).await;
    // The token rotated before the copy is still known as used: reuse.
    assert_eq!(copy.refresh(&first_refresh).await.status(), 400);
    assert_eq!(
        copy.refresh(&successor).await.status(),
        400,
        "reuse revoked the family on the copy"
    );

    // Copying again would mix two installations: refused, target intact.
    let again = latchkey(&["db", "copy", "--from", &from, "--to", &target.url], None);
    assert_fails_with(&again, "already holds 2 user(s)");
    assert_eq!(all_users(&copy).len(), 2);
}

#[tokio::test]
async fn copy_refuses_a_missing_sqlite_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = format!("sqlite://{}/nothing-here.db", dir.path().display());
    let target = format!("sqlite://{}/target.db", dir.path().display());
    let output = latchkey(&["db", "copy", "--from", &missing, "--to", &target], None);
    assert!(
        stderr(&output).starts_with(&format!(
            "copying the SQLite database {}/nothing-here.db into the SQLite database {}/target.db\n",
            dir.path().display(),
            dir.path().display()
        )),
        "{}",
        stderr(&output)
    );
    assert_fails_with(&output, "no SQLite database at");
    assert!(
        !dir.path().join("nothing-here.db").exists(),
        "no empty source file was created"
    );
}

#[tokio::test]
async fn a_backup_taken_while_serving_starts_a_server_with_the_same_users() {
    let app = TestApp::spawn_with(on_sqlite).await;
    let (access, _) = tokens_of(app.login(EMAIL, PASSWORD).await).await;
    let backup = app.data_dir().join("backup.db");
    let url = app.settings.database_url.url();
    let backup_arg = backup.display().to_string();

    let output = latchkey(
        &["--database-url", &url, "db", "backup", "--to", &backup_arg],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "using the SQLite database {}\n",
            app.data_dir().join("latchkey.db").display()
        )
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&backup)
        .expect("backup")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the backup holds hashes: private");

    let restored = app
        .restart_with(|s| {
            s.database_url =
                DatabaseUrl::parse(&format!("sqlite://{backup_arg}")).expect("database URL")
        })
        .await;
    assert_eq!(restored.login(EMAIL, PASSWORD).await.status(), 200);
    assert_eq!(restored.get_me(&access).await.status(), 200);

    let again = latchkey(
        &["--database-url", &url, "db", "backup", "--to", &backup_arg],
        None,
    );
    assert_fails_with(&again, "it must not exist yet");
}
