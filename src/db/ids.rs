//! Row ids.

/// A random positive 63-bit id: portable across both backends, which share
/// no autoincrement syntax.
pub fn random_id() -> i64 {
    let mut bytes = [0u8; 8];
    rand::fill(&mut bytes);
    (u64::from_le_bytes(bytes) >> 1) as i64
}
