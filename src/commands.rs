//! What the command-line subcommands do, apart from serving.

pub mod database;
pub mod import;

use std::io::{IsTerminal, Read};

use anyhow::{Context, bail};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::auth::credentials::{Email, Password};
use crate::auth::jwt;
use crate::auth::keys::{KeyRing, Retirement, StoredKey};
use crate::auth::password;
use crate::cli::{KeysCommand, UserCommand};
use crate::clock;
use crate::config::Settings;
use crate::db::{self, AnyConnection, sessions, users};
use crate::startup::prepare_data_dir;

/// `latchkey migrate`
pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    prepare_data_dir(settings, false)?;
    let applied = db::migrate(settings.database_url.expose())?;
    println!("applied {applied} migration(s)");
    Ok(())
}

/// `latchkey user ...`
pub fn user(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    prepare_data_dir(settings, false)?;
    let url = settings.database_url.expose();
    db::migrate(url)?;
    let mut conn = db::AnyManager::new(url).connect_one()?;
    match command {
        UserCommand::Add {
            email,
            password_stdin,
            mut scopes,
            admin,
        } => {
            let email = parse_email(&email)?;
            if admin && !scopes.iter().any(|s| s == "admin") {
                scopes.push("admin".to_owned());
            }
            for scope in &scopes {
                check_scope(scope)?;
            }
            let password = read_new_password(settings, password_stdin)?;
            let hash = password::hash(settings.argon2, &password)?;
            match users::insert(&mut conn, email.as_str(), &hash, &scopes) {
                Ok(user) => {
                    tracing::info!(
                        event = "user_created",
                        via = "cli",
                        user_id = user.id,
                        "user created"
                    );
                    println!("created user {email}");
                }
                Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                    bail!("a user with email {email} already exists")
                }
                Err(e) => return Err(e).context("cannot create the user"),
            }
        }
        UserCommand::Scopes { email, scopes } => {
            let email = parse_email(&email)?;
            for scope in &scopes {
                check_scope(scope)?;
            }
            if !users::set_scopes(&mut conn, email.as_str(), &scopes)? {
                bail!("no user with email {email}");
            }
            let list = if scopes.is_empty() {
                "-".to_owned()
            } else {
                scopes.join(" ")
            };
            tracing::info!(event = "user_scopes_changed", scopes = %list, "user scopes changed");
            println!("{email} now holds: {list}");
        }
        UserCommand::Passwd {
            email,
            password_stdin,
        } => {
            let email = parse_email(&email)?;
            let user_id = existing_user(&mut conn, &email)?;
            let password = read_new_password(settings, password_stdin)?;
            let hash = password::hash(settings.argon2, &password)?;
            let revoked = db::write_transaction(&mut conn, |conn| {
                users::set_password_hash(conn, email.as_str(), &hash)?;
                sessions::revoke_all_for_user(conn, user_id)
            })?;
            tracing::info!(
                event = "password_changed",
                user_id,
                sessions_revoked = revoked,
                "password changed"
            );
            println!("changed the password of {email} and ended {revoked} session(s)");
        }
        UserCommand::Disable { email } => set_disabled(&mut conn, &email, true)?,
        UserCommand::Enable { email } => set_disabled(&mut conn, &email, false)?,
        UserCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let stored = import::parse(&text, settings.argon2)
                .map_err(anyhow::Error::from)
                .and_then(|rows| import::store(&mut conn, &rows));
            match stored {
                Ok(count) => {
                    tracing::info!(event = "users_imported", count, "users imported");
                    println!("imported {count} user(s)");
                }
                Err(e) => {
                    // Every problem on a line of its own, then the verdict.
                    if let Some(problems) = e.downcast_ref::<import::ImportProblems>() {
                        for problem in &problems.0 {
                            eprintln!("{problem}");
                        }
                    }
                    return Err(e);
                }
            }
        }
        UserCommand::List => {
            for user in users::list(&mut conn)? {
                let status = if user.disabled { "disabled" } else { "active" };
                let scopes = if user.scopes.is_empty() {
                    "-"
                } else {
                    user.scopes.as_str()
                };
                println!(
                    "{}\t{status}\t{scopes}\t{}",
                    user.email,
                    clock::rfc3339(user.created_at)
                );
            }
        }
    }
    Ok(())
}

fn set_disabled(conn: &mut AnyConnection, email: &str, disabled: bool) -> anyhow::Result<()> {
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

/// `latchkey keys ...`
pub fn keys(settings: &Settings, command: KeysCommand) -> anyhow::Result<()> {
    let shared_secret = settings.signing_secret();
    match command {
        KeysCommand::Rotate => {
            if shared_secret.is_some() {
                bail!(
                    "LATCHKEY_JWT_SECRET is set, so there is no key ring to rotate: change the secret on every instance instead"
                );
            }
            prepare_data_dir(settings, true)?;
            let key = KeyRing::rotate(&settings.data_dir, settings.jwt_alg, settings.access_ttl)?;
            tracing::info!(event = "signing_key_rotated", kid = %key.kid, alg = %key.alg, "signing key rotated");
            println!(
                "new {} signing key {}: published now, signing on running servers within {} seconds",
                key.alg,
                key.kid,
                jwt::RELOAD_INTERVAL.as_secs()
            );
        }
        KeysCommand::Retire { kid } => {
            if shared_secret.is_some() {
                bail!(
                    "LATCHKEY_JWT_SECRET is set, so there is no key ring to retire from: change the secret on every instance instead"
                );
            }
            let retirement = KeyRing::retire(&settings.data_dir, &kid, settings.access_ttl)?;
            let wait = jwt::RELOAD_INTERVAL.as_secs();
            match retirement {
                Retirement::AlreadyRetired => println!("key {kid} has already retired"),
                Retirement::Retired { replacement } => {
                    tracing::warn!(event = "signing_key_retired", kid = %kid, "signing key retired now");
                    println!(
                        "retired key {kid}: running servers refuse its tokens and stop publishing it within {wait} seconds"
                    );
                    if let Some(key) = replacement {
                        tracing::info!(event = "signing_key_rotated", kid = %key.kid, alg = %key.alg, "signing key rotated");
                        println!(
                            "it was the signing key: new {} signing key {}, signing on running servers within {wait} seconds",
                            key.alg, key.kid
                        );
                    }
                }
            }
        }
        KeysCommand::List => {
            if let Some(secret) = shared_secret {
                let key = StoredKey::from_secret(secret);
                println!("{}	HS256	-	signing (LATCHKEY_JWT_SECRET)", key.kid);
                return Ok(());
            }
            let ring = KeyRing::read(&KeyRing::path(&settings.data_dir))?.unwrap_or_default();
            let signing = ring.signing_key(settings.jwt_alg).map(|k| k.kid.clone());
            let now = clock::now_unix();
            for key in &ring.keys {
                let state = match key.retire_at {
                    _ if Some(&key.kid) == signing.as_ref() => "signing".to_owned(),
                    Some(at) if at <= now => "retired".to_owned(),
                    Some(at) => format!("verifying until {}", clock::rfc3339(at)),
                    None => "verifying".to_owned(),
                };
                println!(
                    "{}	{}	{}	{state}",
                    key.kid,
                    key.alg,
                    clock::rfc3339(key.created_at)
                );
            }
        }
    }
    Ok(())
}

fn parse_email(input: &str) -> anyhow::Result<Email> {
    Email::parse(input).map_err(|e| anyhow::anyhow!("{e}: {input:?}"))
}

/// RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`.
fn check_scope(scope: &str) -> anyhow::Result<()> {
    let valid = !scope.is_empty()
        && scope
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
    if !valid {
        bail!("invalid scope {scope:?}: use printable ASCII without spaces, quotes or backslashes");
    }
    Ok(())
}

fn read_new_password(settings: &Settings, from_stdin: bool) -> anyhow::Result<Password> {
    let typed = if from_stdin {
        let mut input = String::new();
        std::io::stdin()
            .read_to_string(&mut input)
            .context("cannot read the password from standard input (is it UTF-8?)")?;
        crate::config::strip_one_newline(input)
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ")?;
        let second = rpassword::prompt_password("Repeat the password: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        first
    } else {
        bail!("standard input is not a terminal; pass the password with --password-stdin");
    };
    Password::new_checked(&typed, settings.password_min_length)
        .map_err(|e| anyhow::anyhow!("password rejected: {e}"))
}
