//! What the command-line subcommands do, apart from serving.

pub mod client;
pub mod database;
pub mod import;
pub mod keys;
pub mod user;

use crate::cli::{ClientCommand, KeysCommand, UserCommand};
use crate::config::Settings;
use crate::db;
use crate::startup::prepare_data_dir;

/// `latchkey migrate`
pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    prepare_data_dir(settings, false)?;
    let applied = db::migrate(&settings.database_url.url())?;
    println!("applied {applied} migration(s)");
    Ok(())
}

/// `latchkey user ...`
pub fn user(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    prepare_data_dir(settings, false)?;
    let url = settings.database_url.url();
    db::migrate(&url)?;
    let mut conn = db::AnyManager::new(&url).connect_one()?;
    match command {
        UserCommand::Add {
            email,
            password_stdin,
            scopes,
            admin,
        } => user::add(&mut conn, settings, &email, password_stdin, scopes, admin),
        UserCommand::Scopes { email, scopes } => user::set_scopes(&mut conn, &email, &scopes),
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

/// `latchkey client ...`
pub fn client(settings: &Settings, command: ClientCommand) -> anyhow::Result<()> {
    prepare_data_dir(settings, false)?;
    let url = settings.database_url.url();
    db::migrate(&url)?;
    let mut conn = db::AnyManager::new(&url).connect_one()?;
    match command {
        ClientCommand::Add {
            name,
            redirect_uris,
            public,
            trusted,
            scopes,
            grants,
            post_logout_redirect_uris,
        } => client::add(
            &mut conn,
            client::Registration {
                name,
                redirect_uris,
                public,
                trusted,
                scopes,
                grants,
                post_logout_redirect_uris,
            },
        ),
        ClientCommand::List => client::list(&mut conn),
        ClientCommand::Remove { client_id } => client::remove(&mut conn, &client_id),
        ClientCommand::Secret { client_id } => client::new_secret(&mut conn, &client_id),
    }
}

/// `latchkey keys ...`
pub fn keys(settings: &Settings, command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Rotate => keys::rotate(settings),
        KeysCommand::Retire { kid } => keys::retire(settings, &kid),
        KeysCommand::List => keys::list(settings),
    }
}
