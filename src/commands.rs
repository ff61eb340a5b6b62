//! What the command-line subcommands do, apart from serving.

pub mod client;
pub mod database;
pub mod import;
pub mod keys;
pub mod user;

use crate::cli::{ClientCommand, KeysCommand, MfaCommand, UserCommand};
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
    let mut conn = open_existing_database(settings, create)?;
    let changes_access = !matches!(command, UserCommand::List);
    let done = match command {
        UserCommand::Add {
            email,
            password_stdin,
            scopes,
            admin,
        } => user::add(&mut conn, settings, &email, password_stdin, scopes, admin),
        UserCommand::Invite {
            email,
            scopes,
            print_link,
        } => user::invite(&mut conn, settings, &email, scopes, print_link),
        UserCommand::Scopes { email, scopes, .. } => user::set_scopes(&mut conn, &email, &scopes),
        UserCommand::Passwd {
            email,
            password_stdin,
        } => user::change_password(&mut conn, settings, &email, password_stdin),
        UserCommand::Disable { email } => user::set_disabled(&mut conn, &email, true),
        UserCommand::Enable { email } => user::set_disabled(&mut conn, &email, false),
        UserCommand::Import { file } => user::import(&mut conn, settings, &file),
        UserCommand::Mfa(MfaCommand::Reset { email }) => {
            user::reset_mfa(&mut conn, settings, &email)
        }
        UserCommand::List => user::list(&mut conn),
    };
    if done.is_ok() && changes_access {
        let_running_servers_notice();
    }
    done
}

/// A running server trusts what it remembers about a session until its
/// change watch sees a commit from elsewhere (`db::CHANGES_SEEN_WITHIN`).
/// Waiting that long before exiting makes a change from the command line
/// hold from the next request on, as the SPEC promises.
fn let_running_servers_notice() {
    std::thread::sleep(db::CHANGES_SEEN_WITHIN);
}

/// `latchkey client ...`
pub fn client(settings: &Settings, command: ClientCommand, create: bool) -> anyhow::Result<()> {
    let mut conn = open_existing_database(settings, create)?;
    match command {
        ClientCommand::Add {
            name,
            redirect_uris,
            public,
            trusted,
            scopes,
            grants,
            post_logout_redirect_uris,
            id_token_alg,
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
                id_token_alg,
            },
        ),
        ClientCommand::List => client::list(&mut conn),
        ClientCommand::Remove { client_id } => {
            let removed = client::remove(&mut conn, &client_id);
            if removed.is_ok() {
                let_running_servers_notice();
            }
            removed
        }
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

/// Which database a command works on, before it does: the first thing to
/// check when users seem to be missing.
pub fn announce_database(url: &str) {
    eprintln!("using {}", db::describe(url));
}

/// The installation's database for a command that changes or lists what
/// it holds: named on stderr, migrated, and refused when it does not exist
/// yet unless `create`.
pub fn open_existing_database(
    settings: &Settings,
    create: bool,
) -> anyhow::Result<db::AnyConnection> {
    let url = settings.database_url.url();
    announce_database(&url);
    if !create && !db::is_initialised(&url)? {
        // Most often the right command in the wrong folder (`./data`), or
        // under sudo (root's home): a new, empty database would answer as
        // if the installation had no users.
        anyhow::bail!(
            "{} does not exist yet: point --data-dir, --database-url or --config at the installation's database (the data dir defaults to ./data, in the current folder), or pass --create to start a new one",
            db::describe(&url)
        );
    }
    prepare_data_dir(settings, false)?;
    db::migrate(&url)?;
    Ok(db::AnyManager::new(&url).connect_one()?)
}

/// Names the key ring the `keys` commands work on, and refuses one that
/// does not exist yet unless `create`. With a configured secret there is
/// no ring, and the commands say so themselves.
pub fn check_key_ring(settings: &Settings, create: bool) -> anyhow::Result<()> {
    if settings.signing_secret().is_some() {
        return Ok(());
    }
    let ring = crate::auth::keys::KeyRing::path(&settings.data_dir);
    let shown = std::path::absolute(&ring).unwrap_or_else(|_| ring.clone());
    eprintln!("using the key ring {}", shown.display());
    // A ring made in the wrong folder would sign for no server, and
    // `keys list` there would look like a ring without keys.
    if !create && !ring.exists() {
        anyhow::bail!(
            "the key ring {} does not exist yet: point --data-dir or --config at the installation's data dir (it defaults to ./data, in the current folder), or pass --create to start a new one",
            shown.display()
        );
    }
    Ok(())
}
