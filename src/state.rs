//! Everything a request handler may reach, built once per server. No global
//! state: each test server gets its own.

use crate::auth::hasher::Hasher;
use crate::auth::jwt::TokenSigner;
use crate::config::Settings;
use crate::db::DbPool;

pub struct AppState {
    pub pool: DbPool,
    pub hasher: Hasher,
    pub tokens: std::sync::Arc<TokenSigner>,
    pub settings: Settings,
    /// The one-time token of `/setup`, while the database holds no user.
    pub setup_token: Option<String>,
}
