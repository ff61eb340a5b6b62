//! Liveness and readiness probes.

use actix_web::{HttpResponse, web};
use diesel::RunQueryDsl;
use serde_json::json;

use crate::db;
use crate::state::AppState;

/// The process is up and serving.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The process can reach its database.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ping = db::run_not_changing_sessions(&state.pool, |conn| {
        diesel::sql_query("SELECT 1").execute(conn)
    })
    .await;
    match ping {
        Ok(_) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .insert_header(("Retry-After", "1"))
                .json(json!({"status": "unavailable"}))
        }
    }
}
