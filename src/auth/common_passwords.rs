//! The list of common passwords refused for new passwords: 19,640 entries,
//! lower-cased, compiled by Royce Williams from breach corpora and shipped
//! as data by Django (BSD licence), stored here in byte order.

use std::sync::LazyLock;

static LIST: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| include_str!("common-passwords.txt").lines().collect());

/// Whether `password`, compared without regard to case, is on the list.
pub fn is_common(password: &str) -> bool {
    LIST.binary_search(&password.to_lowercase().as_str())
        .is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_is_sorted_so_binary_search_works() {
        assert!(super::LIST.windows(2).all(|w| w[0] < w[1]));
        assert!(super::LIST.len() > 10_000);
        assert!(super::is_common("QWERTY"));
        assert!(!super::is_common("correct horse battery staple"));
    }
}
