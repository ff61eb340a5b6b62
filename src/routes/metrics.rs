//! `GET /metrics`: Prometheus scrapes this. It names no user and carries no
//! secret, but it does describe load; keep it off the public internet (the
//! README's nginx example does).

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::metrics::{CONTENT_TYPE, Gauges};
use crate::state::AppState;

pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    // r2d2's state() only takes the pool's internal lock: no I/O, so it is
    // fine on the async worker.
    let pool = state.pool.state();
    let hashing = state.hasher.totals().snapshot();
    let gauges = Gauges {
        hash_jobs_started: hashing.started,
        hash_wait_seconds: hashing.wait_seconds,
        hash_jobs_finished: hashing.finished,
        hash_run_seconds: hashing.run_seconds,
        hash_jobs: state.hasher.in_flight(),
        hash_capacity: state.settings.hash_workers + state.settings.hash_queue,
        pool_connections: pool.connections,
        pool_idle_connections: pool.idle_connections,
        pool_max_connections: state.pool.max_size(),
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, CONTENT_TYPE))
        .body(state.metrics.render(&gauges))
}
