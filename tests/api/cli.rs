//! The `latchkey` command line, run as a user would run it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::support::{EMAIL, PASSWORD, TestApp};

const NEW_PASSWORD: &str = "a completely different passphrase";

/// Runs the binary with a clean environment and `stdin` as its input.
pub fn latchkey(args: &[&str], stdin: Option<&str>) -> Output {
    latchkey_with_env(args, stdin, &[])
}

/// [`latchkey`] with extra environment variables.
pub fn latchkey_with_env(args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run latchkey");
    if let Some(input) = stdin {
        let written = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes());
        // A command that does not read its input may exit before we write.
        if let Err(e) = written {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    child.wait_with_output().expect("wait")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Fails with exactly one line on stderr that contains `needle`, after
/// the line naming the database when the command works on one.
pub fn assert_fails_with(output: &Output, needle: &str) {
    assert!(
        !output.status.success(),
        "expected failure, stdout: {}",
        stdout(output)
    );
    let err = stderr(output);
    let err = DATABASE_LINES
        .iter()
        .find_map(|start| err.strip_prefix(start))
        .map_or(err.as_str(), |rest| {
            rest.split_once('\n').map_or(rest, |(_, after)| after)
        });
    assert_eq!(err.lines().count(), 1, "one line on stderr, got {err:?}");
    assert!(err.contains(needle), "{err:?} should contain {needle:?}");
}

/// How a command starts that works on a database (`db copy`: two).
const DATABASE_LINES: [&str; 2] = ["using the ", "copying the "];

/// A fresh data dir, which the user commands may create a database in.
fn data_dir_args(dir: &tempfile::TempDir) -> Vec<String> {
    vec![
        "--data-dir".into(),
        dir.path().display().to_string(),
        "--create".into(),
    ]
}

fn with<'a>(base: &'a [String], rest: &[&'a str]) -> Vec<&'a str> {
    base.iter()
        .map(String::as_str)
        .chain(rest.iter().copied())
        .collect()
}

#[test]
fn user_add_creates_a_user_that_user_list_shows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = data_dir_args(&dir);
    let added = latchkey(
        &with(
            &base,
            &[
                "user",
                "add",
                "Bob@Example.com",
                "--password-stdin",
                "--scope",
                "read",
                "--admin",
            ],
        ),
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(added.status.success(), "{}", stderr(&added));
    assert_eq!(stdout(&added), "created user bob@example.com\n");

    let listed = latchkey(&with(&base, &["user", "list"]), None);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let out = stdout(&listed);
    assert_eq!(out.lines().count(), 1);
    let fields: Vec<&str> = out.trim_end().split('\t').collect();
    assert_eq!(&fields[..3], &["bob@example.com", "active", "read admin"]);
    assert!(!out.contains("$argon2"), "never a hash");
}

#[test]
fn a_duplicate_user_is_refused_in_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = data_dir_args(&dir);
    let input = format!("{PASSWORD}\n");
    assert!(
        latchkey(
            &with(
                &base,
                &["user", "add", "bob@example.com", "--password-stdin"]
            ),
            Some(&input)
        )
        .status
        .success()
    );
    let again = latchkey(
        &with(
            &base,
            &["user", "add", "BOB@example.com ", "--password-stdin"],
        ),
        Some(&input),
    );
    assert_fails_with(&again, "a user with email bob@example.com already exists");
}

#[test]
fn weak_passwords_and_bad_emails_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = data_dir_args(&dir);
    let short = latchkey(
        &with(
            &base,
            &["user", "add", "bob@example.com", "--password-stdin"],
        ),
        Some("short\n"),
    );
    assert_fails_with(&short, "at least 15 characters");
    let common = latchkey(
        &with(
            &base,
            &["user", "add", "bob@example.com", "--password-stdin"],
        ),
        Some("1234567890qwertyuiop\n"),
    );
    assert_fails_with(&common, "common");
    let email = latchkey(
        &with(&base, &["user", "add", "not-an-email", "--password-stdin"]),
        Some("x\n"),
    );
    assert_fails_with(&email, "@");
    let scope = latchkey(
        &with(
            &base,
            &[
                "user",
                "add",
                "bob@example.com",
                "--password-stdin",
                "--scope",
                "a\"b",
            ],
        ),
        Some(&format!("{PASSWORD}\n")),
    );
    assert_fails_with(&scope, "invalid scope");
    let listed = latchkey(&with(&base, &["user", "list"]), None);
    assert_eq!(stdout(&listed), "", "nothing was created");
}

#[test]
fn without_a_terminal_the_password_must_come_from_stdin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = latchkey(
        &with(&data_dir_args(&dir), &["user", "add", "bob@example.com"]),
        None,
    );
    assert_fails_with(&output, "--password-stdin");
}

#[tokio::test]
async fn passwd_disable_and_enable_act_on_a_running_server() {
    let app = TestApp::spawn().await;
    let url = app.settings.database_url.url();
    let base = vec!["--database-url".to_owned(), url];

    let changed = latchkey(
        &with(&base, &["user", "passwd", EMAIL, "--password-stdin"]),
        Some(NEW_PASSWORD),
    );
    assert!(changed.status.success(), "{}", stderr(&changed));
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 401);
    assert_eq!(app.login(EMAIL, NEW_PASSWORD).await.status(), 200);

    let disabled = latchkey(&with(&base, &["user", "disable", EMAIL]), None);
    assert!(disabled.status.success(), "{}", stderr(&disabled));
    assert_eq!(app.login(EMAIL, NEW_PASSWORD).await.status(), 401);
    assert!(stdout(&latchkey(&with(&base, &["user", "list"]), None)).contains("\tdisabled\t"));

    let enabled = latchkey(&with(&base, &["user", "enable", EMAIL]), None);
    assert!(enabled.status.success(), "{}", stderr(&enabled));
    assert_eq!(app.login(EMAIL, NEW_PASSWORD).await.status(), 200);
}

#[test]
fn unknown_users_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = data_dir_args(&dir);
    for args in [
        vec!["user", "passwd", "ghost@example.com", "--password-stdin"],
        vec!["user", "disable", "ghost@example.com"],
        vec!["user", "enable", "ghost@example.com"],
    ] {
        let output = latchkey(&with(&base, &args), Some(&format!("{PASSWORD}\n")));
        assert_fails_with(&output, "no user with email ghost@example.com");
    }
}

#[test]
fn an_unreachable_database_is_one_clear_line() {
    let output = latchkey(
        &[
            "--database-url",
            "postgres://latchkey@127.0.0.1:1/none",
            "user",
            "list",
        ],
        None,
    );
    assert_fails_with(&output, "Connection refused");
    let output = latchkey(
        &[
            "--database-url",
            "sqlite:///nonexistent-dir/x/latchkey.db",
            "migrate",
        ],
        None,
    );
    assert_fails_with(
        &output,
        "cannot open the SQLite database /nonexistent-dir/x/latchkey.db: directory /nonexistent-dir/x does not exist",
    );
}

#[test]
fn migrate_applies_pending_migrations_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = data_dir_args(&dir);
    let first = latchkey(&with(&base, &["migrate"]), None);
    assert!(first.status.success(), "{}", stderr(&first));
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations dir")
        .count();
    assert_eq!(
        stdout(&first),
        format!("applied {migrations} migration(s)\n")
    );
    assert_eq!(
        stdout(&latchkey(&with(&base, &["migrate"]), None)),
        "applied 0 migration(s)\n"
    );
}

#[test]
fn bad_configuration_stops_start_up_naming_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("latchkey.toml");
    std::fs::write(&config, "bind = \"127.0.0.1:0\"\nacess_ttl = \"5m\"\n").expect("write");
    let output = latchkey(
        &["--config", config.to_str().expect("utf-8"), "serve"],
        None,
    );
    assert_fails_with(&output, "acess_ttl (in ");

    std::fs::write(&config, "access_ttl = 1800\n").expect("write");
    let output = latchkey(
        &["--config", config.to_str().expect("utf-8"), "migrate"],
        None,
    );
    assert_fails_with(&output, "access_ttl (in ");
}

#[test]
fn help_and_version_answer() {
    let help = latchkey(&["--help"], None);
    assert!(help.status.success());
    for command in ["serve", "migrate", "user"] {
        assert!(stdout(&help).contains(command), "help lists {command}");
    }
    let version = latchkey(&["--version"], None);
    assert_eq!(
        stdout(&version),
        format!("latchkey {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn the_sqlite_database_and_its_wal_and_shm_files_are_created_private() {
    use std::os::unix::fs::PermissionsExt;
    if crate::support::postgres_backend() {
        eprintln!("SQLite only: skipped on PostgreSQL");
        return;
    }
    let app = TestApp::spawn().await;
    // A write, so the running server holds the -wal and -shm files open.
    assert_eq!(app.login(EMAIL, "a wrong password").await.status(), 401);
    for name in ["latchkey.db", "latchkey.db-wal", "latchkey.db-shm"] {
        let path = app.data_dir().join(name);
        let mode = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}: {mode:o}");
    }
}

#[test]
fn an_existing_database_file_open_to_other_users_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let data = tempfile::tempdir().expect("tempdir");
    let db = data.path().join("latchkey.db");
    // SQLite takes an empty file for a new database.
    std::fs::write(&db, "").expect("create");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let dir = data.path().display().to_string();
    let output = latchkey(&["--data-dir", &dir, "user", "list"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the database file is open to other users; chmod 600 it"),
        "{}",
        stderr(&output)
    );

    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let output = latchkey(&["--data-dir", &dir, "user", "list"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("open to other users"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn serve_with_a_bind_that_is_no_socket_address_stops_naming_the_variable() {
    let data = tempfile::tempdir().expect("tempdir");
    let dir = data.path().display().to_string();
    let output = latchkey_with_env(
        &["--data-dir", &dir, "serve"],
        None,
        &[("LATCHKEY_BIND", "not-an-address")],
    );
    assert_fails_with(
        &output,
        "LATCHKEY_BIND: expected an IP address and port such as 127.0.0.1:8080 or [::]:8080, got \"not-an-address\"",
    );
}
