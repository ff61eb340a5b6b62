//! `GET /admin/users`: every account, for holders of scope `admin`.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::clock::rfc3339;
use crate::db::{self, users};
use crate::error::ApiError;
use crate::http::extract::Caller;
use crate::state::AppState;

#[derive(Serialize)]
struct UserEntry {
    email: String,
    scopes: Vec<String>,
    disabled: bool,
    created_at: String,
}

pub async fn list_users(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require_scope("admin")?;
    let all = db::run(&state.pool, users::list).await?;
    let entries: Vec<UserEntry> = all
        .into_iter()
        .map(|user| UserEntry {
            scopes: user.scope_list(),
            disabled: user.disabled,
            created_at: rfc3339(user.created_at),
            email: user.email,
        })
        .collect();
    Ok(HttpResponse::Ok().json(entries))
}
