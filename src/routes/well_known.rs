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
    scopes.sort();
    Ok(HttpResponse::Ok().json(json!({
        "issuer": issuer,
        "token_endpoint": format!("{issuer}/token"),
        "revocation_endpoint": format!("{issuer}/token/revoke"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "grant_types_supported": ["password", "refresh_token"],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": scopes,
    })))
}
