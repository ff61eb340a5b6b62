//! The wall clock, in the units latchkey stores and shows: Unix seconds for
//! every timestamp column, milliseconds where order within a second matters,
//! and RFC 3339 for people.

/// Current time as Unix seconds, the unit every timestamp column uses.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Current time as Unix milliseconds, for what must be ordered within a
/// second (refresh rotation, throttling).
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
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
