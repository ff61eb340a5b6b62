//! The background purge: every `housekeeping_interval`, one pass of
//! [`db::housekeeping::purge`] through the same gate as requests. Every
//! instance runs it; the deletes are idempotent.

use std::sync::{Arc, Weak};

use crate::clock;
use crate::db::{self, housekeeping::Purged};
use crate::state::AppState;

/// Starts the purge loop on the current runtime. It ends with the server:
/// it holds the state only weakly.
pub fn start(state: &Arc<AppState>) {
    let weak: Weak<AppState> = Arc::downgrade(state);
    let interval = state.settings.housekeeping_interval;
    tokio::spawn(async move {
        loop {
            actix_web::rt::time::sleep(interval).await;
            let Some(state) = weak.upgrade() else { return };
            match purge_once(&state).await {
                Ok(purged) if purged.total() > 0 => {
                    tracing::info!(
                        event = "housekeeping",
                        sessions = purged.sessions,
                        refresh_tokens = purged.refresh_tokens,
                        sealed_successors = purged.sealed_successors,
                        login_failures = purged.login_failures,
                        trusted_devices = purged.trusted_devices,
                        authorization_codes = purged.authorization_codes,
                        second_factor_challenges = purged.second_factor_challenges,
                        password_links = purged.password_links,
                        failed_mails = purged.failed_mails,
                        "purged expired rows"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "housekeeping failed; will try again"),
            }
        }
    });
}

/// One pass, now.
pub async fn purge_once(state: &AppState) -> Result<Purged, db::DbError> {
    let policy = state.account_policy.clone();
    let grace_millis = state.settings.refresh_grace.as_millis() as i64;
    db::run(&state.pool, move |conn| {
        db::housekeeping::purge(conn, &policy, grace_millis, clock::now_millis())
    })
    .await
}
