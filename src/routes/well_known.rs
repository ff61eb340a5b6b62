//! Discovery: the JWK set and RFC 8414 authorization-server metadata.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::db::{self, users};
use crate::error::ApiError;
use crate::state::AppState;

/// Public keys (EdDSA); an empty set in HS256 mode. The ring file is
/// checked first, so a key added by `latchkey keys rotate` is published at
/// once, without waiting for the background reload.
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    let signer = state.signer.clone();
    match web::block(move || signer.reload()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %format!("{e:#}"), "could not reload the key ring"),
        Err(e) => tracing::warn!(error = %e, "could not reload the key ring"),
    }
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=60"))
        .json(state.signer.jwks())
}

pub async fn metadata(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let issuer = state.settings.issuer.clone();
    let mut scopes = db::run(&state.pool, users::distinct_scopes).await?;
    if !scopes.iter().any(|s| s == "admin") {
        scopes.push("admin".to_owned());
    }
    for identity in ["openid", "email", "profile"] {
        if !scopes.iter().any(|s| s == identity) {
            scopes.push(identity.to_owned());
        }
    }
    scopes.sort();
    let mut grants = vec!["authorization_code", "refresh_token", "client_credentials"];
    if state.settings.password_grant {
        grants.insert(0, "password");
    }
    // "none": public clients, and the built-in seed-compatible client.
    let auth_methods = ["client_secret_basic", "client_secret_post", "none"];
    Ok(HttpResponse::Ok().json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "revocation_endpoint": format!("{issuer}/token/revoke"),
        "introspection_endpoint": format!("{issuer}/token/introspect"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "grant_types_supported": grants,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "authorization_response_iss_parameter_supported": true,
        "scopes_supported": scopes,
    })))
}
