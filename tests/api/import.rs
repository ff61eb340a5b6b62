//! Moving existing users in: `latchkey user import`, then their first login
//! upgrades the hash.

use diesel::RunQueryDsl;
use diesel::sql_types::Text;

use crate::cli::{latchkey, stderr, stdout};
use crate::support::{CHEAP_ARGON2, TestApp};

/// Made by Python bcrypt 4.0.1 (what passlib uses) for "secret123".
const BCRYPT_2B: &str = "$2b$10$/9J.IJ4.NacP0jcGnfaZsuL9vg5ZWrQ2DowtcO2nX3VhepcaTNprK";
/// The same library, `$2a$` prefix, for "another old password".
const BCRYPT_2A: &str = "$2a$10$kHjhw6p6DggZXxlwrbgNCOtQFxsDLBJ6YakvBU2yTlZrJP9b4HkVu";

#[derive(diesel::QueryableByName)]
struct Hash {
    #[diesel(sql_type = Text)]
    password_hash: String,
}

fn stored_hash(app: &TestApp, email: &str) -> String {
    diesel::sql_query("SELECT password_hash FROM users WHERE email = $1")
        .bind::<Text, _>(email)
        .get_result::<Hash>(&mut app.connection())
        .expect("user row")
        .password_hash
}

fn import(app: &TestApp, name: &str, content: &str) -> std::process::Output {
    let path = app.dir.path().join(name);
    std::fs::write(&path, content).expect("write import file");
    let url = app.settings.database_url.url();
    latchkey(
        &[
            "--database-url",
            &url,
            "user",
            "import",
            path.to_str().expect("utf-8"),
        ],
        None,
    )
}

#[tokio::test]
async fn passlib_bcrypt_users_log_in_with_their_old_passwords_and_are_upgraded() {
    let app = TestApp::spawn().await;
    let old_argon2 = latchkey::auth::password::hash(
        CHEAP_ARGON2,
        &latchkey::auth::credentials::Password::for_login("an argon2 veteran"),
    )
    .expect("hash");
    let csv = format!(
        "\u{feff}email,hashed_password\r\n\"Carol@Example.com\",{BCRYPT_2B}\r\ndave@example.com,{BCRYPT_2A}\r\nerin@example.com,\"{old_argon2}\"\r\n"
    );
    let output = import(&app, "users.csv", &csv);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "imported 3 user(s)\n");
    assert!(!stdout(&output).contains("$2b$") && !stderr(&output).contains("$2b$"));

    for (email, password, old) in [
        ("carol@example.com", "secret123", BCRYPT_2B),
        ("dave@example.com", "another old password", BCRYPT_2A),
        ("erin@example.com", "an argon2 veteran", old_argon2.as_str()),
    ] {
        assert_eq!(stored_hash(&app, email), old, "imported unchanged");
        assert_eq!(app.login(email, "not the old password").await.status(), 401);
        assert_eq!(app.login(email, password).await.status(), 200, "{email}");
        let upgraded = stored_hash(&app, email);
        assert!(
            upgraded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{email}: {upgraded}"
        );
        assert_eq!(
            app.login(email, password).await.status(),
            200,
            "the upgraded hash verifies"
        );
    }
}

#[tokio::test]
async fn json_lines_import_too() {
    let app = TestApp::spawn().await;
    let lines = format!(
        "{{\"email\": \"frank@example.com\", \"hashed_password\": \"{BCRYPT_2B}\"}}\n{{\"email\": \"grace@example.com\", \"hashed_password\": \"{BCRYPT_2A}\", \"id\": 7}}\n"
    );
    let output = import(&app, "users.jsonl", &lines);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        app.login("frank@example.com", "secret123").await.status(),
        200
    );
}

#[tokio::test]
async fn one_bad_line_imports_nothing_and_every_problem_is_named_by_line() {
    let app = TestApp::spawn().await;
    let csv = format!(
        "email,hashed_password\nhenry@example.com,{BCRYPT_2B}\nnot-an-email,{BCRYPT_2B}\nivy@example.com,hunter2-in-plain-text\nHENRY@example.com,{BCRYPT_2A}\nalice@example.com,{BCRYPT_2A}\n"
    );
    let output = import(&app, "bad.csv", &csv);
    assert!(!output.status.success());
    let err = stderr(&output);
    for needle in ["line 3:", "line 4:", "line 5:", "nothing imported"] {
        assert!(err.contains(needle), "{needle} in {err}");
    }
    assert!(
        !err.contains("hunter2") && !err.contains("$2b$") && !err.contains("$2a$"),
        "no hash or secret: {err}"
    );
    let listed = stdout(&latchkey(
        &[
            "--database-url",
            &app.settings.database_url.url(),
            "user",
            "list",
        ],
        None,
    ));
    assert!(!listed.contains("henry"), "nothing was imported: {listed}");

    // With the bad lines gone, the existing alice is still refused, by line.
    let csv = format!(
        "email,hashed_password\nhenry@example.com,{BCRYPT_2B}\nalice@example.com,{BCRYPT_2A}\n"
    );
    let output = import(&app, "existing.csv", &csv);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("line 3: a user with email alice@example.com already exists"));
    let listed = stdout(&latchkey(
        &[
            "--database-url",
            &app.settings.database_url.url(),
            "user",
            "list",
        ],
        None,
    ));
    assert!(!listed.contains("henry"));
}

#[tokio::test]
async fn hashes_far_dearer_than_the_configured_cost_are_refused_by_line() {
    let app = TestApp::spawn().await;
    // Well-formed, never verified: bcrypt cost 31, and argon2 with 4 GiB.
    let bcrypt_31 = format!("$2b$31${}", &BCRYPT_2B[7..]);
    let argon2_4gib = "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWhhc2g";
    let csv = format!(
        "email,hashed_password\njack@example.com,{BCRYPT_2B}\nkim@example.com,{bcrypt_31}\nlee@example.com,\"{argon2_4gib}\"\n"
    );
    let output = import(&app, "dear.csv", &csv);
    assert!(!output.status.success());
    let database = latchkey::db::describe(&app.settings.database_url.url());
    assert_eq!(
        stderr(&output),
        format!(
            "using {database}\n\
             line 3: hashed_password of kim@example.com is too costly to verify (bcrypt cost 31 is above 14); have the user reset the password instead\n\
             line 4: hashed_password of lee@example.com is too costly to verify (argon2 memory m=4194304 KiB is above 4 x the configured 19456 KiB); have the user reset the password instead\n\
             latchkey: nothing imported: 2 problem(s)\n"
        )
    );
    assert_eq!(
        app.login("jack@example.com", "secret123").await.status(),
        401
    );
}
