//! Discovery: the JWK set, RFC 8414 authorization-server metadata and
//! OpenID Connect Discovery.

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

/// RFC 8414 authorization-server metadata.
pub async fn metadata(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(discovery(&state).await?))
}

/// OpenID Connect Discovery 1.0: the same document with what relying
/// parties also look for.
pub async fn openid_configuration(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let mut document = discovery(&state).await?;
    document["subject_types_supported"] = json!(["public"]);
    document["id_token_signing_alg_values_supported"] = json!(["RS256", "EdDSA"]);
    document["claims_supported"] = json!([
        "iss",
        "sub",
        "aud",
        "azp",
        "exp",
        "iat",
        "auth_time",
        "nonce",
        "amr",
        "at_hash",
        "sid",
        "email",
        "email_verified",
        "preferred_username"
    ]);
    document["prompt_values_supported"] = json!(["none", "login", "consent"]);
    document["claims_parameter_supported"] = json!(false);
    document["request_parameter_supported"] = json!(false);
    document["request_uri_parameter_supported"] = json!(false);
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(document))
}

async fn discovery(state: &AppState) -> Result<serde_json::Value, ApiError> {
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
    Ok(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
        "end_session_endpoint": format!("{issuer}/logout"),
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
    }))
}
