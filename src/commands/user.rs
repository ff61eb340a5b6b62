//! `latchkey user ...`: one function per subcommand, each over a
//! connection that `commands::user` opened after migrating.

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::{Context, bail};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::import;
use crate::auth::credentials::{Email, Password};
use crate::auth::password;
use crate::auth::password_link;
use crate::auth::scopes::check_scope_name;
use crate::config::Settings;
use crate::db::{self, AnyConnection, sessions, users};
use crate::mail::{Mail, Notice, Outbox};

/// `latchkey user add`
pub fn add(
    conn: &mut AnyConnection,
    settings: &Settings,
    email: &str,
    password_stdin: bool,
    mut scopes: Vec<String>,
    admin: bool,
) -> anyhow::Result<()> {
    let email = parse_email(email)?;
    if admin && !scopes.iter().any(|s| s == "admin") {
        scopes.push("admin".to_owned());
    }
    for scope in &scopes {
        check_scope(scope)?;
    }
    let password = read_new_password(settings, password_stdin)?;
    let hash = password::hash(settings.argon2, &password)?;
    match users::insert(conn, email.as_str(), &hash, &scopes) {
        Ok(user) => {
            tracing::info!(
                event = "user_created",
                via = "cli",
                user_id = user.id,
                "user created"
            );
            println!("created user {email}");
            Ok(())
        }
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            bail!("a user with email {email} already exists")
        }
        Err(e) => Err(e).context("cannot create the user"),
    }
}

/// `latchkey user invite`: the user, without a password, and a link to
/// choose one, mailed (the running servers' queue sends it) or printed.
/// Refused before anything is created when it could not be delivered.
pub fn invite(
    conn: &mut AnyConnection,
    settings: &Settings,
    email: &str,
    scopes: Vec<String>,
    print_link: bool,
) -> anyhow::Result<()> {
    let email = parse_email(email)?;
    for scope in &scopes {
        check_scope(scope)?;
    }
    let outbox = Outbox::of(settings);
    if !print_link && let Err(why) = &outbox {
        bail!("e-mail is not configured ({why}); pass --print-link to print the link instead");
    }
    if print_link && settings.public_url.is_none() {
        bail!("LATCHKEY_PUBLIC_URL is not set, and the link must start with it");
    }
    let (user, token) = match password_link::invite(conn, email.as_str(), &scopes) {
        Ok(created) => created,
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            bail!("a user with email {email} already exists")
        }
        Err(e) => return Err(e).context("cannot create the user"),
    };
    let path = format!("{}?token={}", password_link::RESET_PATH, token.expose());
    tracing::info!(
        event = "user_invited",
        via = "cli",
        user_id = user.id,
        "user invited"
    );
    match outbox {
        Ok(outbox) if !print_link => {
            let link = outbox.link(&path);
            let days = password_link::INVITE_DAYS;
            outbox
                .enqueue(
                    conn,
                    &user.email,
                    &Mail::Invitation { link: &link, days },
                    settings.default_language,
                )
                .context("the user was created, but the invitation could not be queued")?;
            println!(
                "invited {email}: the link to choose a password (valid {days} days) goes out from the running server's mail queue"
            );
        }
        _ => {
            let base = settings.public_url.as_deref().unwrap_or_default();
            println!("{base}{path}");
            eprintln!(
                "invited {email}: hand them the link above (valid {} days, single use)",
                password_link::INVITE_DAYS
            );
        }
    }
    Ok(())
}

/// `latchkey user scopes`
pub fn set_scopes(conn: &mut AnyConnection, email: &str, scopes: &[String]) -> anyhow::Result<()> {
    let email = parse_email(email)?;
    for scope in scopes {
        check_scope(scope)?;
    }
    if !users::set_scopes(conn, email.as_str(), scopes)? {
        bail!("no user with email {email}");
    }
    let list = if scopes.is_empty() {
        "-".to_owned()
    } else {
        scopes.join(" ")
    };
    tracing::info!(event = "user_scopes_changed", scopes = %list, "user scopes changed");
    if scopes.is_empty() {
        println!("{email} now holds no scope");
    } else {
        println!("{email} now holds: {list}");
    }
    Ok(())
}

/// `latchkey user passwd`
pub fn change_password(
    conn: &mut AnyConnection,
    settings: &Settings,
    email: &str,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let email = parse_email(email)?;
    let user_id = existing_user(conn, &email)?;
    let password = read_new_password(settings, password_stdin)?;
    let hash = password::hash(settings.argon2, &password)?;
    let revoked = db::write_transaction(conn, |conn| {
        users::set_password_hash(conn, email.as_str(), &hash)?;
        // A mailed link must not set another password over this one.
        db::password_links::end_all_for_user(conn, user_id, crate::clock::now_unix())?;
        sessions::revoke_all_for_user(conn, user_id)
    })?;
    tracing::info!(
        event = "password_changed",
        user_id,
        sessions_revoked = revoked,
        "password changed"
    );
    println!("changed the password of {email} and ended {revoked} session(s)");
    queue_notice(conn, settings, email.as_str(), Notice::PasswordChanged);
    Ok(())
}

/// `latchkey user disable` and `latchkey user enable`
pub fn set_disabled(conn: &mut AnyConnection, email: &str, disabled: bool) -> anyhow::Result<()> {
    let email = parse_email(email)?;
    let user_id = existing_user(conn, &email)?;
    db::write_transaction(conn, |conn| {
        users::set_disabled(conn, email.as_str(), disabled)?;
        if disabled {
            sessions::revoke_all_for_user(conn, user_id)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    let event = if disabled {
        "user_disabled"
    } else {
        "user_enabled"
    };
    tracing::info!(event, user_id, "user status changed");
    println!("{} {email}", if disabled { "disabled" } else { "enabled" });
    Ok(())
}

/// The id of the user with `email`, or the one-line error for an unknown one.
fn existing_user(conn: &mut AnyConnection, email: &Email) -> anyhow::Result<i64> {
    match users::find_by_email(conn, email.as_str())? {
        Some(user) => Ok(user.id),
        None => bail!("no user with email {email}"),
    }
}

/// `latchkey user import`
pub fn import(conn: &mut AnyConnection, settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let stored = import::parse(&text, settings.argon2)
        .map_err(anyhow::Error::from)
        .and_then(|rows| import::store(conn, &rows));
    match stored {
        Ok(count) => {
            tracing::info!(event = "users_imported", count, "users imported");
            println!("imported {count} user(s)");
            Ok(())
        }
        Err(e) => {
            // Every problem on a line of its own, then the verdict.
            if let Some(problems) = e.downcast_ref::<import::ImportProblems>() {
                for problem in &problems.0 {
                    eprintln!("{problem}");
                }
            }
            Err(e)
        }
    }
}

/// `latchkey user list`
pub fn list(conn: &mut AnyConnection) -> anyhow::Result<()> {
    for user in users::list(conn)? {
        let status = if user.disabled {
            "disabled"
        } else if user.password_hash == password_link::NO_PASSWORD_YET {
            "invited"
        } else {
            "active"
        };
        let scopes = if user.scopes.is_empty() {
            "-"
        } else {
            user.scopes.as_str()
        };
        println!(
            "{}\t{status}\t{scopes}\t{}",
            user.email,
            crate::clock::rfc3339(user.created_at)
        );
    }
    Ok(())
}

/// Queues a notice when mail is on; a command's work is done either way.
fn queue_notice(conn: &mut AnyConnection, settings: &Settings, email: &str, notice: Notice) {
    let Ok(outbox) = Outbox::of(settings) else {
        return;
    };
    let lang = settings.default_language;
    if let Err(e) = outbox.enqueue(conn, email, &Mail::Notice(notice), lang) {
        eprintln!("warning: could not queue the notice mail to {email}: {e}");
    }
}

fn parse_email(input: &str) -> anyhow::Result<Email> {
    Email::parse(input).map_err(|e| anyhow::anyhow!("{e}: {input:?}"))
}

/// RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`;
/// and no comma, which is how people try to give several at once.
/// A scope given on the command line, with the way to give several when
/// one argument holds a list.
pub(super) fn check_scope(scope: &str) -> anyhow::Result<()> {
    if scope.contains([',', ' ']) {
        let each: Vec<String> = scope
            .split([',', ' '])
            .filter(|part| !part.is_empty())
            .map(|part| format!("--scope {part}"))
            .collect();
        bail!(
            "invalid scope {scope:?}: give one scope per --scope, e.g. {}",
            each.join(" ")
        );
    }
    check_scope_name(scope).map_err(anyhow::Error::msg)
}

/// How often a person at the terminal may try before the command gives up.
const PROMPT_ATTEMPTS: usize = 3;

fn read_new_password(settings: &Settings, from_stdin: bool) -> anyhow::Result<Password> {
    let min = settings.password_min_length;
    if from_stdin {
        let mut input = String::new();
        std::io::stdin()
            .read_to_string(&mut input)
            .context("cannot read the password from standard input (is it UTF-8?)")?;
        let typed = crate::config::strip_one_newline(input);
        if typed.is_empty() {
            // Most often a pipe that never got its input, not a choice.
            bail!("no password on standard input");
        }
        return Password::new_checked(&typed, min)
            .map_err(|e| anyhow::anyhow!("password rejected: {e}"));
    }
    if !std::io::stdin().is_terminal() {
        bail!("standard input is not a terminal; pass the password with --password-stdin");
    }
    eprintln!(
        "Choose a password of {min} to {} characters that is not a commonly used one; a \
         passphrase of a few words is easiest.",
        crate::config::PASSWORD_MAX_LENGTH
    );
    for attempt in 1..=PROMPT_ATTEMPTS {
        let first = rpassword::prompt_password("New password: ")?;
        let problem = match Password::new_checked(&first, min) {
            Err(e) => e.to_string(),
            Ok(password) => {
                let second = rpassword::prompt_password("Repeat the password: ")?;
                if first == second {
                    return Ok(password);
                }
                "the two passwords differ".to_owned()
            }
        };
        if attempt == PROMPT_ATTEMPTS {
            bail!("password rejected: {problem}");
        }
        eprintln!("{problem}; try again.");
    }
    bail!("no password chosen")
}

/// `latchkey user mfa reset`
pub fn reset_mfa(conn: &mut AnyConnection, settings: &Settings, email: &str) -> anyhow::Result<()> {
    let email = parse_email(email)?;
    let Some(user) = users::find_by_email(conn, email.as_str())? else {
        bail!("no user with email {email}");
    };
    let passkeys = crate::db::passkeys::remove_all(conn, user.id)?;
    if crate::db::second_factor::remove_all(conn, user.id)? | (passkeys > 0) {
        tracing::warn!(
            event = "second_factor_removed",
            via = "cli",
            user_id = user.id,
            passkeys_removed = passkeys,
            "every second factor of the user removed by an administrator"
        );
        println!("removed the second factors of {email}; the password alone signs in now");
        queue_notice(conn, settings, &user.email, Notice::SecondFactorRemoved);
    } else {
        println!("{email} has no second factor");
    }
    Ok(())
}
