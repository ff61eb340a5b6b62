//! The command line: `latchkey [serve] | migrate | user ...`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Flags;

/// A small, fast, self-hosted login service.
#[derive(Debug, Parser)]
#[command(name = "latchkey", version, about, long_about = None)]
pub struct Cli {
    /// TOML configuration file (also LATCHKEY_CONFIG)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Directory for the SQLite file and generated keys [default: ./data]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://... [default: sqlite://<data dir>/latchkey.db]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default)
    Serve {
        /// Listen address [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Apply pending database migrations, then exit
    Migrate,
    /// Manage users
    #[command(subcommand)]
    User(UserCommand),
    /// Manage signing keys
    #[command(subcommand)]
    Keys(KeysCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new signing key: published at once, signing on running servers within 10 seconds;
    /// older keys keep verifying until their tokens have expired
    Rotate,
    /// Show every key with its algorithm, age and state
    List,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; prompts for the password twice unless --password-stdin
    Add {
        email: String,
        /// Read the password from standard input (one trailing newline is removed)
        #[arg(long)]
        password_stdin: bool,
        /// Grant a scope (repeatable)
        #[arg(long = "scope", value_name = "S")]
        scopes: Vec<String>,
        /// Grant the admin scope
        #[arg(long)]
        admin: bool,
    },
    /// Replace a user's scopes with the given list (none: no scopes)
    Scopes {
        email: String,
        /// A scope to hold (repeatable)
        #[arg(long = "scope", value_name = "S")]
        scopes: Vec<String>,
    },
    /// Set a new password (revokes the user's sessions)
    Passwd {
        email: String,
        /// Read the password from standard input (one trailing newline is removed)
        #[arg(long)]
        password_stdin: bool,
    },
    /// Stop a user from logging in (revokes the user's sessions)
    Disable { email: String },
    /// Let a disabled user log in again
    Enable { email: String },
    /// List users, one line each
    List,
}

impl Cli {
    pub fn flags(&self) -> Flags {
        let bind = match &self.command {
            Some(Command::Serve { bind }) => bind.clone(),
            _ => None,
        };
        Flags {
            config: self.config.clone(),
            bind,
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
        }
    }
}
