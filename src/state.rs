//! Everything a request handler may reach, built once per server. No global
//! state: each test server gets its own.

use crate::auth::hasher::Hasher;
use crate::auth::jwt::TokenSigner;
use crate::config::Settings;
use crate::db::DbPool;
use crate::metrics::Metrics;

pub struct AppState {
    pub pool: DbPool,
    pub hasher: Hasher,
    pub tokens: TokenSigner,
    pub settings: Settings,
    pub metrics: Metrics,
}
