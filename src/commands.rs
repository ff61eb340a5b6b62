//! What the command-line subcommands do, apart from serving.

pub mod database;
pub mod import;
pub mod keys;
pub mod user;

use anyhow::bail;

use crate::auth::keys::KeyRing;
use crate::cli::{KeysCommand, UserCommand};
use crate::config::Settings;
use crate::db;
use crate::startup::prepare_data_dir;

/// `latchkey migrate`
pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let url = settings.database_url.url();
    announce_database(&url);
    prepare_data_dir(settings, false)?;
    let applied = db::migrate(&url)?;
    println!("applied {applied} migration(s)");
    Ok(())
}

/// `latchkey user ...`; `create` lets it start a new database.
pub fn user(settings: &Settings, command: UserCommand, create: bool) -> anyhow::Result<()> {
    let url = settings.database_url.url();
    announce_database(&url);
    if !create && !db::is_initialised(&url)? {
        // Most often the right command in the wrong folder (`./data`), or
        // under sudo (root's home): a new, empty database would answer as
        // if the installation had no users.
        bail!(
            "{} does not exist yet: point --data-dir, --database-url or --config at the installation's database (the data dir defaults to ./data, in the current folder), or pass --create to start a new one",
            db::describe(&url)
        );
    }
    prepare_data_dir(settings, false)?;
    db::migrate(&url)?;
    let mut conn = db::AnyManager::new(&url).connect_one()?;
    match command {
        UserCommand::Add {
            email,
            password_stdin,
            scopes,
            admin,
        } => user::add(&mut conn, settings, &email, password_stdin, scopes, admin),
        UserCommand::Scopes { email, scopes, .. } => user::set_scopes(&mut conn, &email, &scopes),
        UserCommand::Passwd {
            email,
            password_stdin,
        } => user::change_password(&mut conn, settings, &email, password_stdin),
        UserCommand::Disable { email } => user::set_disabled(&mut conn, &email, true),
        UserCommand::Enable { email } => user::set_disabled(&mut conn, &email, false),
        UserCommand::Import { file } => user::import(&mut conn, settings, &file),
        UserCommand::List => user::list(&mut conn),
    }
}

/// Which database a command works on, before it does: the first thing to
/// check when users seem to be missing.
pub fn announce_database(url: &str) {
    eprintln!("using {}", db::describe(url));
}

/// `latchkey keys ...`; `create` lets `rotate` start a new key ring.
pub fn keys(settings: &Settings, command: KeysCommand, create: bool) -> anyhow::Result<()> {
    // With a configured secret there is no ring; the commands say so.
    if settings.signing_secret().is_none() {
        let ring = KeyRing::path(&settings.data_dir);
        let shown = std::path::absolute(&ring).unwrap_or_else(|_| ring.clone());
        eprintln!("using the key ring {}", shown.display());
        // A ring made in the wrong folder would sign for no server, and
        // `keys list` there would look like a ring without keys.
        if !create && !ring.exists() {
            bail!(
                "the key ring {} does not exist yet: point --data-dir or --config at the installation's data dir (it defaults to ./data, in the current folder), or pass --create to start a new one",
                shown.display()
            );
        }
    }
    match command {
        KeysCommand::Rotate => keys::rotate(settings),
        KeysCommand::Retire { kid } => keys::retire(settings, &kid),
        KeysCommand::List => keys::list(settings),
    }
}
