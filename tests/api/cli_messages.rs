//! What the first hour at the command line says: settings refused by name,
//! a missing password called missing, scopes given one at a time.

use crate::cli::{assert_fails_with, latchkey, latchkey_with_env, stderr, stdout};

const PASSWORD_LINE: &str = "correct horse battery staple\n";

/// A fresh data dir with bob (scopes read and admin) in it; the arguments
/// that point a command at it.
fn with_bob(folder: &tempfile::TempDir) -> Vec<String> {
    let args = vec!["--data-dir".to_owned(), folder.path().display().to_string()];
    let mut add: Vec<&str> = args.iter().map(String::as_str).collect();
    add.extend([
        "--create",
        "user",
        "add",
        "bob@example.com",
        "--password-stdin",
        "--scope",
        "read",
        "--admin",
    ]);
    let added = latchkey(&add, Some(PASSWORD_LINE));
    assert!(added.status.success(), "{}", stderr(&added));
    args
}

fn run(base: &[String], rest: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.extend(rest);
    latchkey(&args, stdin)
}

fn scopes_of_bob(base: &[String]) -> String {
    let listed = stdout(&run(base, &["user", "list"], None));
    listed.split('\t').nth(2).unwrap_or_default().to_owned()
}

#[test]
fn a_log_filter_that_is_not_one_stops_start_up_naming_latchkey_log() {
    let folder = tempfile::tempdir().expect("tempdir");
    let dir = folder.path().to_str().expect("utf-8");
    for filter in ["verbose", "info,verbose"] {
        let output = latchkey_with_env(
            &["--data-dir", dir, "serve", "--bind", "127.0.0.1:0"],
            None,
            &[("LATCHKEY_LOG", filter)],
        );
        assert_fails_with(
            &output,
            "LATCHKEY_LOG: \"verbose\" is not a level: use one of trace, debug, info, warn, error, off or target=level",
        );
    }
}

#[test]
fn a_misspelt_variable_is_refused_with_the_closest_name() {
    let output = latchkey_with_env(&["migrate"], None, &[("LATCHKEY_ACESS_TTL", "5m")]);
    assert_fails_with(
        &output,
        "LATCHKEY_ACESS_TTL: unknown setting, did you mean LATCHKEY_ACCESS_TTL?",
    );
}

#[test]
fn an_empty_password_stdin_is_called_missing_not_short() {
    let folder = tempfile::tempdir().expect("tempdir");
    let base = with_bob(&folder);
    for input in ["", "\n"] {
        let output = run(
            &base,
            &["user", "passwd", "bob@example.com", "--password-stdin"],
            Some(input),
        );
        assert_fails_with(&output, "no password on standard input");
    }
}

#[test]
fn several_scopes_in_one_scope_flag_are_refused_with_the_way_to_give_them() {
    let folder = tempfile::tempdir().expect("tempdir");
    let base = with_bob(&folder);
    let output = run(
        &base,
        &["user", "scopes", "bob@example.com", "--scope", "read,write"],
        None,
    );
    assert_fails_with(
        &output,
        "invalid scope \"read,write\": give one scope per --scope, e.g. --scope read --scope write",
    );
    assert_eq!(scopes_of_bob(&base), "read admin", "nothing changed");

    let output = run(
        &base,
        &[
            "user",
            "add",
            "carol@example.com",
            "--password-stdin",
            "--scope",
            "read write",
        ],
        Some(PASSWORD_LINE),
    );
    assert_fails_with(&output, "e.g. --scope read --scope write");
}

#[test]
fn user_scopes_without_a_scope_clears_nothing_unless_told_none() {
    let folder = tempfile::tempdir().expect("tempdir");
    let base = with_bob(&folder);
    let output = run(&base, &["user", "scopes", "bob@example.com"], None);
    assert_eq!(output.status.code(), Some(2), "a usage mistake");
    assert!(stderr(&output).contains("--none"), "{}", stderr(&output));
    assert_eq!(scopes_of_bob(&base), "read admin", "the admin keeps admin");

    let output = run(
        &base,
        &["user", "scopes", "bob@example.com", "--none"],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "bob@example.com now holds no scope\n");
    assert_eq!(scopes_of_bob(&base), "-");

    let output = run(
        &base,
        &["user", "scopes", "bob@example.com", "--scope", "read"],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "bob@example.com now holds: read\n");
}
