//! `GET|POST /userinfo` (OpenID Connect Core §5.3): what an application's
//! access token with scope `openid` may know of its person.

use actix_web::HttpResponse;
use actix_web::http::header;
use serde_json::json;

use crate::auth::id_token::subject;
use crate::error::ApiError;
use crate::http::extract::Caller;

pub async fn userinfo(caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require_scope("openid")?;
    let scopes: Vec<&str> = caller.scopes().collect();
    let mut claims = json!({ "sub": subject(&caller.user) });
    if scopes.contains(&"email") {
        claims["email"] = json!(caller.user.email);
        claims["email_verified"] = json!(false);
    }
    if scopes.contains(&"profile") {
        claims["preferred_username"] = json!(caller.user.email);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(claims))
}
