//! `latchkey client ...`: registering applications. The secret is printed
//! once, on stdout, and only its hash is stored.

use anyhow::{Context, bail};

use super::user::check_scope;
use crate::auth::clients::{
    check_redirect_uri, new_client_id, new_secret as fresh_secret, normalise_grants, secret_hash,
};
use crate::cli::IdTokenAlg;
use crate::clock::{now_unix, rfc3339};
use crate::db::clients::{self, Client};
use crate::db::{AnyConnection, write_transaction};

/// What `client add` was asked for.
pub struct Registration {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub public: bool,
    pub trusted: bool,
    pub scopes: Vec<String>,
    pub grants: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub id_token_alg: IdTokenAlg,
}

/// `latchkey client add`
pub fn add(conn: &mut AnyConnection, registration: Registration) -> anyhow::Result<()> {
    let name = registration.name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        bail!("the application needs a name without control characters");
    }
    for uri in registration
        .redirect_uris
        .iter()
        .chain(&registration.post_logout_redirect_uris)
    {
        check_redirect_uri(uri).map_err(anyhow::Error::msg)?;
    }
    let mut scopes: Vec<String> = Vec::new();
    for scope in &registration.scopes {
        check_scope(scope)?;
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    let grants =
        normalise_grants(&registration.grants, registration.public).map_err(anyhow::Error::msg)?;
    // A client of the code flow needs somewhere to receive codes; a
    // service using client_credentials alone never redirects anyone.
    if grants.iter().any(|g| g == "authorization_code") && registration.redirect_uris.is_empty() {
        bail!("the authorization_code grant needs at least one --redirect-uri");
    }
    let secret = (!registration.public).then(fresh_secret);
    let client = Client {
        id: new_client_id(),
        name: name.to_owned(),
        secret_hash: secret.as_deref().map(secret_hash),
        redirect_uris: dedup(&registration.redirect_uris).join(" "),
        post_logout_redirect_uris: dedup(&registration.post_logout_redirect_uris).join(" "),
        grants: grants.join(" "),
        scopes: scopes.join(" "),
        trusted: registration.trusted,
        created_at: now_unix(),
        id_token_alg: registration.id_token_alg.name().to_owned(),
    };
    clients::insert(conn, &client).context("cannot register the application")?;
    tracing::info!(
        event = "client_created",
        via = "cli",
        client_id = %client.id,
        public = registration.public,
        trusted = registration.trusted,
        "application registered"
    );
    println!("client_id: {}", client.id);
    if let Some(secret) = secret {
        println!("client_secret: {secret}");
    }
    Ok(())
}

/// `latchkey client list`
pub fn list(conn: &mut AnyConnection) -> anyhow::Result<()> {
    for client in clients::list(conn)? {
        let kind = match (client.is_public(), client.trusted) {
            (true, true) => "public,trusted",
            (true, false) => "public",
            (false, true) => "confidential,trusted",
            (false, false) => "confidential",
        };
        println!(
            "{}\t{}\t{kind}\tgrants={}\tscopes={}\tredirect_uris={}\tid_token={}\tcreated={}",
            client.id,
            client.name,
            client.grants.replace(' ', ","),
            client.scopes.replace(' ', ","),
            client.redirect_uris.replace(' ', ","),
            client.id_token_alg,
            rfc3339(client.created_at),
        );
    }
    Ok(())
}

/// `latchkey client remove`
pub fn remove(conn: &mut AnyConnection, client_id: &str) -> anyhow::Result<()> {
    if !clients::remove(conn, client_id)? {
        bail!("no application with client_id {client_id}");
    }
    tracing::info!(
        event = "client_removed",
        via = "cli",
        client_id,
        "application removed"
    );
    println!("removed application {client_id}; its sessions and tokens have ended");
    Ok(())
}

/// `latchkey client secret`
pub fn new_secret(conn: &mut AnyConnection, client_id: &str) -> anyhow::Result<()> {
    let secret = fresh_secret();
    let hash = secret_hash(&secret);
    let replaced = write_transaction(conn, |conn| match clients::find(conn, client_id)? {
        None => Ok::<_, diesel::result::Error>(Err(format!(
            "no application with client_id {client_id}"
        ))),
        Some(client) if client.is_public() => Ok(Err(format!(
            "{client_id} is a public client; it has no secret"
        ))),
        Some(_) => {
            clients::set_secret_hash(conn, client_id, &hash)?;
            Ok(Ok(()))
        }
    })?;
    replaced.map_err(anyhow::Error::msg)?;
    tracing::info!(
        event = "client_secret_changed",
        via = "cli",
        client_id,
        "new client secret"
    );
    println!("client_secret: {secret}");
    Ok(())
}

fn dedup(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}
