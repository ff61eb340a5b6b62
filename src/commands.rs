//! What the command-line subcommands do, apart from serving.

use std::io::{IsTerminal, Read};

use anyhow::{Context, bail};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::auth::credentials::{Email, Password};
use crate::auth::password;
use crate::cli::UserCommand;
use crate::config::Settings;
use crate::db::{self, AnyConnection, users};
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
                Ok(_) => println!("created user {email}"),
                Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                    bail!("a user with email {email} already exists")
                }
                Err(e) => return Err(e).context("cannot create the user"),
            }
        }
        UserCommand::Passwd {
            email,
            password_stdin,
        } => {
            let email = parse_email(&email)?;
            ensure_exists(&mut conn, &email)?;
            let password = read_new_password(settings, password_stdin)?;
            let hash = password::hash(settings.argon2, &password)?;
            if !users::set_password_hash(&mut conn, email.as_str(), &hash)? {
                bail!("no user with email {email}");
            }
            println!("changed the password of {email}");
        }
        UserCommand::Disable { email } => set_disabled(&mut conn, &email, true)?,
        UserCommand::Enable { email } => set_disabled(&mut conn, &email, false)?,
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
                    crate::routes::rfc3339(user.created_at)
                );
            }
        }
    }
    Ok(())
}

fn set_disabled(conn: &mut AnyConnection, email: &str, disabled: bool) -> anyhow::Result<()> {
    let email = parse_email(email)?;
    if !users::set_disabled(conn, email.as_str(), disabled)? {
        bail!("no user with email {email}");
    }
    println!("{} {email}", if disabled { "disabled" } else { "enabled" });
    Ok(())
}

fn ensure_exists(conn: &mut AnyConnection, email: &Email) -> anyhow::Result<()> {
    if users::find_by_email(conn, email.as_str())?.is_none() {
        bail!("no user with email {email}");
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
        strip_one_newline(input)
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

fn strip_one_newline(mut text: String) -> String {
    if text.ends_with("\r\n") {
        text.truncate(text.len() - 2);
    } else if text.ends_with('\n') {
        text.truncate(text.len() - 1);
    }
    text
}
