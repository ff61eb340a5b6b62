//! `GET /users/me`: who the bearer of this token is.

use actix_web::HttpResponse;
use serde::Serialize;

use crate::auth::extract::Caller;

#[derive(Serialize)]
struct Me {
    email: String,
    scopes: Vec<String>,
    created_at: String,
}

pub async fn me(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(Me {
        scopes: caller.user.scope_list(),
        created_at: rfc3339(caller.user.created_at),
        email: caller.user.email,
    })
}

/// Unix seconds as an RFC 3339 UTC timestamp, e.g. `2026-11-25T22:07:08Z`.
pub fn rfc3339(unix: i64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.max(0) as u64);
    humantime::format_rfc3339_seconds(time).to_string()
}
