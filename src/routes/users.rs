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

/// The last second RFC 3339 can write, 9999-12-31T23:59:59Z.
const LAST_WRITABLE_SECOND: i64 = 253_402_300_799;

/// Unix seconds as an RFC 3339 UTC timestamp, e.g. `2026-11-25T22:07:08Z`.
/// Times outside 1970..=9999 are written as the nearest end: humantime
/// panics past year 9999, and a page must not fail over a stored date.
pub fn rfc3339(unix: i64) -> String {
    let seconds = unix.clamp(0, LAST_WRITABLE_SECOND) as u64;
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn times_outside_what_rfc3339_can_write_are_clamped_instead_of_panicking() {
        assert_eq!(rfc3339(1_764_108_428), "2025-11-25T22:07:08Z");
        assert_eq!(rfc3339(253_402_300_800), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(i64::MIN), "1970-01-01T00:00:00Z");
    }
}
