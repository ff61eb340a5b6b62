//! The command line: `latchkey [serve] | migrate | user ... | keys ... | db ...`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Flags;

/// A small, fast, self-hosted login service.
#[derive(Debug, Parser)]
#[command(
    name = "latchkey",
    version,
    about,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    after_long_help = AFTER_LONG_HELP
)]
pub struct Cli {
    /// TOML configuration file (also LATCHKEY_CONFIG)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Directory for the SQLite file and generated keys [default: ./data, or
    /// $STATE_DIRECTORY under systemd]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://... [default: sqlite://<data dir>/latchkey.db]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Let a user command create the database, or `keys rotate` the key
    /// ring, when there is none yet (serve and migrate always may); without
    /// it they refuse, naming the path
    #[arg(long, global = true)]
    pub create: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default)
    #[command(long_about = SERVE_LONG_ABOUT)]
    Serve {
        /// Listen address [default: 127.0.0.1:8080; a socket passed by
        /// systemd takes precedence]
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Apply pending database migrations, then exit
    Migrate,
    /// Manage users
    #[command(subcommand)]
    User(UserCommand),
    /// Manage applications (OAuth2 clients) that sign people in through latchkey
    #[command(subcommand)]
    Client(ClientCommand),
    /// Manage signing keys
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Copy or back up the database
    #[command(subcommand)]
    Db(DbCommand),
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy a whole installation into an empty database (e.g. SQLite to PostgreSQL): users,
    /// hashes, sessions, live refresh tokens, throttling counters; all or nothing. Signing keys
    /// stay in the data dir
    Copy {
        /// The database to copy: sqlite://PATH or postgres://...
        #[arg(long, value_name = "URL")]
        from: String,
        /// The database to fill; migrated first, and it must hold no user
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Write a consistent copy of the SQLite database to a new file (VACUUM INTO), safe while
    /// servers run; for PostgreSQL use pg_dump
    Backup {
        /// The backup file to create (mode 0600); it must not exist
        #[arg(long, value_name = "PATH")]
        to: PathBuf,
    },
}

/// The signature of an application's id_tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IdTokenAlg {
    #[value(name = "RS256")]
    Rs256,
    #[value(name = "EdDSA")]
    EdDsa,
}

impl IdTokenAlg {
    pub fn name(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::EdDsa => "EdDSA",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register an application; prints its client_id and, unless --public, its client_secret
    /// (shown once, stored hashed)
    Add {
        /// A name people recognise: shown on the consent page
        name: String,
        /// Where codes may be sent, compared exactly (repeatable; at least one for the
        /// authorization_code grant): https, or http on localhost/loopback only
        #[arg(long = "redirect-uri", value_name = "URI")]
        redirect_uris: Vec<String>,
        /// A public client (a single-page or native app that cannot keep a secret): no secret,
        /// PKCE alone
        #[arg(long)]
        public: bool,
        /// A first-party application: no consent page
        #[arg(long)]
        trusted: bool,
        /// A scope the application may ask for (repeatable), e.g. openid, email, profile
        #[arg(long = "scope", value_name = "S")]
        scopes: Vec<String>,
        /// A grant it may use (repeatable): authorization_code (the default; implies
        /// refresh_token), client_credentials (confidential only), password
        #[arg(long = "grant", value_name = "G")]
        grants: Vec<String>,
        /// Where RP-initiated logout may send people back to (repeatable)
        #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
        post_logout_redirect_uris: Vec<String>,
        /// How its id_tokens are signed: RS256 (what every relying party supports) or EdDSA
        #[arg(long, value_enum, default_value = "RS256", value_name = "ALG")]
        id_token_alg: IdTokenAlg,
    },
    /// List applications, one line each: client_id, name, kind, grants, scopes, redirect URIs
    List,
    /// Remove an application: its sessions and tokens end, its consents are forgotten
    Remove {
        /// The application's client_id
        client_id: String,
    },
    /// Give a confidential application a new secret; the old one stops working at once
    Secret {
        /// The application's client_id
        client_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new signing key: published at once, signing on running servers within 10 seconds;
    /// older keys keep verifying until their tokens have expired
    Rotate,
    /// Retire a key now (after a leak): running servers refuse its tokens and stop publishing it
    /// within 10 seconds. Retiring the signing key first adds a new one, as `rotate` does
    Retire {
        /// The key's id (`kid`), as `keys list` shows it. Ids are base64url
        /// and may start with `-`, which must not read as an option.
        #[arg(allow_hyphen_values = true)]
        kid: String,
    },
    /// Show every key with its algorithm, age and state
    List,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; prompts for the password twice unless --password-stdin
    Add {
        /// The user's email (normalised before use: trimmed, lower-cased)
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
    /// Create a user without a password and mail them a link to choose one (valid 7 days);
    /// needs e-mail configured, or --print-link
    Invite {
        /// The user's email (normalised before use: trimmed, lower-cased)
        email: String,
        /// Grant a scope (repeatable)
        #[arg(long = "scope", value_name = "S")]
        scopes: Vec<String>,
        /// Print the link on stdout instead of mailing it (hand it over yourself)
        #[arg(long)]
        print_link: bool,
    },
    /// Replace a user's scopes with the given list (--none: no scopes)
    // Either the new list or `--none`: an empty list by omission would
    // silently take every scope away, admin included.
    #[command(group(clap::ArgGroup::new("new_scopes").required(true).args(["scopes", "none"])))]
    Scopes {
        /// The user's email
        email: String,
        /// A scope to hold (repeatable: one scope each)
        #[arg(long = "scope", value_name = "S")]
        scopes: Vec<String>,
        /// Remove every scope (admin included)
        #[arg(long)]
        none: bool,
    },
    /// Set a new password (ends the user's sessions); prompts twice unless --password-stdin
    Passwd {
        /// The user's email (normalised before use: trimmed, lower-cased)
        email: String,
        /// Read the password from standard input (one trailing newline is removed)
        #[arg(long)]
        password_stdin: bool,
    },
    /// Stop a user from logging in; ends their sessions and refuses their tokens
    Disable {
        /// The user's email
        email: String,
    },
    /// Let a disabled user log in again
    Enable {
        /// The user's email
        email: String,
    },
    /// List users, one line each: email, status, scopes, creation time
    List,
    /// Import users with their existing hashes (argon2 PHC, or bcrypt as passlib writes it)
    /// from JSON lines or CSV with the columns email,hashed_password; all or nothing
    Import {
        /// The file to read (JSON lines or RFC 4180 CSV, told apart by content)
        file: PathBuf,
    },
    /// Second factors of a user
    #[command(subcommand)]
    Mfa(MfaCommand),
}

#[derive(Debug, Subcommand)]
pub enum MfaCommand {
    /// Remove every second factor of a user (a lost phone without recovery codes); the next
    /// sign-in needs the password only
    Reset {
        /// The user's email
        email: String,
    },
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

const LONG_ABOUT: &str = "\
A small, fast, self-hosted login service: an OAuth2 token endpoint (POST \
/token) that exchanges an email and password for a signed JWT, on SQLite \
(zero set-up) or PostgreSQL. Without a command, runs the server.";

const AFTER_HELP: &str = "\
Settings: flag > LATCHKEY_* environment > TOML file (--config) > default. \
See --help for the variables.
Exit status: 0 on success, 1 on failure (with one line on stderr), 2 for a \
mistake on the command line.";

const AFTER_LONG_HELP: &str = "\
Settings, highest precedence first: command-line flag, LATCHKEY_* environment \
variable, TOML file (--config or LATCHKEY_CONFIG; keys are the variable names \
without the prefix, in lower case), default. An unknown key or a bad value \
stops start-up with a message naming it.

Environment:
  LATCHKEY_BIND                  listen address [127.0.0.1:8080]
  LATCHKEY_DATA_DIR              SQLite file and generated secret [./data]
  LATCHKEY_DATABASE_URL          sqlite://PATH or postgres://... [sqlite://<data dir>/latchkey.db]
  LATCHKEY_JWT_SECRET            HS256 secret, >= 32 bytes [generated into the data dir]
  LATCHKEY_JWT_ALG               HS256, or EdDSA (keys published at the JWKS route) [HS256]
  LATCHKEY_ACCESS_TTL            access token lifetime [30m]
  LATCHKEY_REFRESH_TTL           session (refresh family) lifetime [14d]
  LATCHKEY_REFRESH_IDLE_TTL      a refresh token unused this long expires [7d]
  LATCHKEY_ISSUER                iss claim [the public URL, else http://<bind>]
  LATCHKEY_AUDIENCE              aud claim, required when set [unset]
  LATCHKEY_PASSWORD_MIN_LENGTH   minimum length of new passwords [15]
  LATCHKEY_ARGON2_M_KIB          argon2id memory cost for new hashes [19456]
  LATCHKEY_ARGON2_T              argon2id time cost [2]
  LATCHKEY_ARGON2_P              argon2id parallelism [1]
  LATCHKEY_HASH_WORKERS          password-hashing threads [number of cores]
  LATCHKEY_HASH_QUEUE            logins that may wait for a hashing thread [4 x workers]
  LATCHKEY_PUBLIC_URL            the URL users see [unset]
  LATCHKEY_COOKIE_DOMAIN         share the access cookie with subdomains (forward auth) [unset]
  LATCHKEY_TRUSTED_PROXIES       CIDRs whose X-Forwarded-For is believed [none]
  LATCHKEY_REFRESH_GRACE         refresh retry window [5s]
  LATCHKEY_RATE_LIMIT            on or off [on]
  LATCHKEY_PASSWORD_GRANT        on or off: the password grant at POST /token [on]
  LATCHKEY_LOG                   tracing filter [info]
  LATCHKEY_LOG_FORMAT            text or json (JSON lines) [text]
  LATCHKEY_ACCOUNT_FREE_FAILURES failed logins per account before waits begin [5]
  LATCHKEY_ACCOUNT_DELAYS        waits after those, the last repeating [1s,3s,5s,10s]
  LATCHKEY_ACCOUNT_DAILY_LIMIT   failed logins per account per day [100]
  LATCHKEY_ADDRESS_FAILURE_LIMIT failed logins per client address per window [30]
  LATCHKEY_ADDRESS_FAILURE_WINDOW  that window [5m]
  LATCHKEY_ADDRESS_ATTEMPT_LIMIT password attempts per client address per minute [300]
  LATCHKEY_SMTP_URL              smtp://[user[:password]@]host[:port] or smtps://... [unset: no mail]
  LATCHKEY_SMTP_PASSWORD         SMTP password, instead of one in the URL [unset]
  LATCHKEY_MAIL_FROM             sender of mail, e.g. latchkey@example.com [unset: no mail]
  LATCHKEY_DEFAULT_LANGUAGE      pages and mails when Accept-Language names none of en, de, fr, es, pt-BR, ja, zh-CN [en]
LATCHKEY_JWT_SECRET, LATCHKEY_DATABASE_URL, LATCHKEY_SMTP_URL and \
LATCHKEY_SMTP_PASSWORD may also be read from the file \
named by LATCHKEY_<NAME>_FILE, or from $CREDENTIALS_DIRECTORY/LATCHKEY_<NAME> \
(systemd's LoadCredential=).

Exit status: 0 on success, 1 on failure (with one line on stderr), 2 for a \
mistake on the command line.";

const SERVE_LONG_ABOUT: &str = "\
Run the server: apply pending migrations, load or generate the signing \
key ring, listen, serve.

Under systemd (see deploy/ and the README): with latchkey.socket the \
listening socket comes from systemd (LISTEN_FDS) and --bind is ignored; \
READY=1 is sent once migrations ran and the socket listens, STOPPING=1 on \
shutdown, and WATCHDOG=1 every WatchdogSec/2 when a watchdog is set.

On SIGTERM or SIGINT latchkey stops accepting connections, lets in-flight \
requests finish (up to 10 seconds) and exits 0.";
