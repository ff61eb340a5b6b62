//! `latchkey db ...`: moving and backing up an installation's database.

use crate::cli::DbCommand;
use crate::config::Settings;
use crate::db::copy;

pub fn run(settings: &Settings, command: DbCommand) -> anyhow::Result<()> {
    match command {
        DbCommand::Copy { from, to } => {
            eprintln!(
                "copying {} into {}",
                crate::db::describe(&from),
                crate::db::describe(&to)
            );
            let copied = copy::copy(&from, &to)?;
            println!(
                "copied {} user(s), {} application(s), {} consent(s), {} session(s), {} refresh token(s), {} throttling counter(s), {} trusted device(s); signing keys stay in the data dir",
                copied.users,
                copied.clients,
                copied.consents,
                copied.sessions,
                copied.refresh_tokens,
                copied.login_failures,
                copied.trusted_devices
            );
        }
        DbCommand::Backup { to } => {
            super::announce_database(&settings.database_url.url());
            copy::backup_sqlite(&settings.database_url.url(), &to)?;
            println!("backed up the database to {}", to.display());
        }
    }
    Ok(())
}
