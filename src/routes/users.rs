//! `GET /users/me`: who the bearer of this token is.

use actix_web::HttpResponse;
use serde::Serialize;

use crate::clock::rfc3339;
use crate::http::extract::Caller;

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
