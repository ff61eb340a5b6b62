//! Where is my data: the commands say which database they work on, never
//! start a new one by accident, and name the path and the cause when one
//! cannot be opened.

use std::process::{Command, Stdio};

use crate::cli::{assert_fails_with, latchkey, latchkey_with_env, stderr, stdout};

const PASSWORD_LINE: &str = "correct horse battery staple\n";

/// `latchkey args` run in `dir`, as someone who typed it there.
fn latchkey_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .output()
        .expect("run latchkey")
}

#[test]
fn a_user_command_in_the_wrong_folder_refuses_and_names_the_database_it_looked_for() {
    let folder = tempfile::tempdir().expect("tempdir");
    let expected = folder.path().join("data").join("latchkey.db");
    for args in [
        &["user", "list"][..],
        &["user", "disable", "bob@example.com"],
    ] {
        let output = latchkey_in(folder.path(), args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(stdout(&output), "", "{args:?}");
        assert_fails_with(
            &output,
            &format!(
                "the SQLite database {} does not exist yet: point --data-dir, --database-url or --config at the installation's database",
                expected.display()
            ),
        );
        assert!(stderr(&output).contains("pass --create to start a new one"));
    }
    assert!(
        !folder.path().join("data").exists(),
        "no data dir was created"
    );
}

#[test]
fn with_create_a_user_command_starts_the_database_and_says_where() {
    let folder = tempfile::tempdir().expect("tempdir");
    let dir = folder.path().join("state");
    let dir = dir.to_str().expect("utf-8");
    let output = latchkey(
        &[
            "--data-dir",
            dir,
            "--create",
            "user",
            "add",
            "bob@example.com",
            "--password-stdin",
        ],
        Some(PASSWORD_LINE),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).lines().next(),
        Some(format!("using the SQLite database {dir}/latchkey.db").as_str())
    );
    let listed = latchkey(&["--data-dir", dir, "user", "list"], None);
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert!(stdout(&listed).starts_with("bob@example.com\t"));
}

#[test]
fn migrate_and_the_user_commands_name_the_database_first_never_its_password() {
    let folder = tempfile::tempdir().expect("tempdir");
    let dir = folder.path().to_str().expect("utf-8");
    let migrated = latchkey(&["--data-dir", dir, "migrate"], None);
    assert!(migrated.status.success(), "{}", stderr(&migrated));
    assert_eq!(
        stderr(&migrated),
        format!("using the SQLite database {dir}/latchkey.db\n")
    );

    let url = "postgres://latchkey:s3cret-password@127.0.0.1:1/auth?password=s3cret-password";
    let output = latchkey(&["--database-url", url, "user", "list"], None);
    let err = stderr(&output);
    assert!(
        err.starts_with("using the PostgreSQL database postgres://latchkey@127.0.0.1:1/auth\n"),
        "{err}"
    );
    assert_fails_with(
        &output,
        "cannot connect to the PostgreSQL database postgres://latchkey@127.0.0.1:1/auth",
    );
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn a_database_that_cannot_be_opened_is_named_with_the_cause_by_migrate_and_serve_alike() {
    let url = "sqlite:///nonexistent/dir/x.db";
    let expected = "cannot open the SQLite database /nonexistent/dir/x.db: directory /nonexistent/dir does not exist";
    let migrate = latchkey(&["--database-url", url, "migrate"], None);
    assert_fails_with(&migrate, expected);
    let serve = latchkey(
        &["--database-url", url, "serve", "--bind", "127.0.0.1:0"],
        None,
    );
    assert!(!serve.status.success());
    let last = stderr(&serve).lines().last().unwrap_or_default().to_owned();
    assert_eq!(last, format!("latchkey: {expected}"));
}

#[test]
fn an_unreadable_database_file_is_reported_as_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().expect("tempdir");
    let db = folder.path().join("latchkey.db");
    std::fs::write(&db, "").expect("create");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::File::open(&db).is_ok() {
        eprintln!("skipped: this user (root?) reads files whatever their mode");
        return;
    }
    let dir = folder.path().to_str().expect("utf-8");
    let output = latchkey(&["--data-dir", dir, "user", "list"], None);
    assert_fails_with(
        &output,
        &format!(
            "cannot open the SQLite database {}: permission denied",
            db.display()
        ),
    );
}

#[test]
fn a_sqlite_url_without_a_path_and_a_data_dir_that_is_a_file_are_refused_plainly() {
    let output = latchkey(&["--database-url", "sqlite://", "user", "list"], None);
    assert_fails_with(
        &output,
        "--database-url: sqlite:// needs a file path, e.g. sqlite:///var/lib/latchkey/latchkey.db",
    );

    let folder = tempfile::tempdir().expect("tempdir");
    let file = folder.path().join("not-a-dir");
    std::fs::write(&file, "").expect("write");
    let output = latchkey_with_env(
        &["migrate"],
        None,
        &[("LATCHKEY_DATA_DIR", file.to_str().expect("utf-8"))],
    );
    assert_fails_with(
        &output,
        &format!(
            "the data directory {} is a file, not a directory",
            file.display()
        ),
    );
}

#[test]
fn keys_commands_in_the_wrong_folder_refuse_and_name_the_key_ring_unless_told_to_create() {
    let folder = tempfile::tempdir().expect("tempdir");
    let ring = folder.path().join("data").join("keys.json");
    for args in [&["keys", "list"][..], &["keys", "rotate"]] {
        let output = latchkey_in(folder.path(), args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_fails_with(
            &output,
            &format!(
                "the key ring {} does not exist yet: point --data-dir or --config at the installation's data dir",
                ring.display()
            ),
        );
    }
    assert!(
        !folder.path().join("data").exists(),
        "no data dir was created"
    );

    let created = latchkey_in(folder.path(), &["--create", "keys", "rotate"]);
    assert!(created.status.success(), "{}", stderr(&created));
    assert_eq!(
        stderr(&created).lines().next(),
        Some(format!("using the key ring {}", ring.display()).as_str())
    );
    let listed = latchkey_in(folder.path(), &["keys", "list"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    // The access-token key and the id_token keys, each signing.
    let list = stdout(&listed);
    assert_eq!(list.lines().count(), 3, "{list}");
    for alg in ["HS256", "RS256", "EdDSA"] {
        assert!(list.contains(alg), "{list}");
    }
}
