//! Emails and passwords, parsed once at the edge.

use unicode_normalization::UnicodeNormalization;

use crate::config::PASSWORD_MAX_LENGTH;

/// Longest password accepted at login; longer input is refused unhashed.
pub const LOGIN_PASSWORD_MAX_BYTES: usize = 512;

/// A normalised email: trimmed, NFKC, invisible code points removed,
/// lower-cased. Two spellings that look alike to a person map to one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("the email address is empty")]
    Empty,
    #[error("the email address is longer than 254 characters")]
    TooLong,
    #[error("the email address needs exactly one @ with text on both sides")]
    Shape,
    #[error("the email address contains spaces or control characters")]
    BadCharacter,
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let normalised: String = input
            .trim()
            .nfkc()
            .filter(|c| !is_invisible(*c))
            .collect::<String>()
            .to_lowercase();
        if normalised.is_empty() {
            return Err(EmailError::Empty);
        }
        if normalised.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        if normalised
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(EmailError::BadCharacter);
        }
        match normalised.split_once('@') {
            Some((local, domain))
                if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
            {
                Ok(Self(normalised))
            }
            _ => Err(EmailError::Shape),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Format characters (Unicode category Cf) and other code points that render
/// as nothing: zero-width spaces and joiners, bidi controls, variation
/// selectors, tag characters, fillers.
fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFFB
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// A password as typed, NFC-normalised so composed and decomposed input
/// verify alike. Never trimmed, truncated or case-folded. `Debug` redacts.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("the password must be at least {0} characters long")]
    TooShort(usize),
    #[error("the password must be at most {PASSWORD_MAX_LENGTH} characters long")]
    TooLong,
    #[error("the password is one of the most common passwords; choose another")]
    Common,
}

impl Password {
    /// Input at login: NFC only. Length rules apply to new passwords, so
    /// that a policy change never locks anyone out.
    pub fn for_login(input: &str) -> Self {
        Self(input.nfc().collect())
    }

    /// A new password, checked against the policy.
    pub fn new_checked(input: &str, min_length: usize) -> Result<Self, PasswordError> {
        let password = Self::for_login(input);
        let length = password.0.chars().count();
        if length < min_length {
            return Err(PasswordError::TooShort(min_length));
        }
        if length > PASSWORD_MAX_LENGTH {
            return Err(PasswordError::TooLong);
        }
        if super::common_passwords::is_common(&password.0) {
            return Err(PasswordError::Common);
        }
        Ok(password)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_that_look_alike_normalise_alike() {
        let plain = Email::parse("alice@example.com").expect("valid");
        assert_eq!(Email::parse("  Alice@Example.COM ").expect("valid"), plain);
        assert_eq!(
            Email::parse("ａｌｉｃｅ@example.com").expect("valid"),
            plain
        );
        assert_eq!(
            Email::parse("ali\u{200B}ce@exam\u{FEFF}ple.com").expect("valid"),
            plain
        );
        // Cyrillic 'а' is a different letter, not a spelling of 'a'.
        assert_ne!(
            Email::parse("\u{0430}lice@example.com").expect("valid"),
            plain
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        assert_eq!(Email::parse("  "), Err(EmailError::Empty));
        assert_eq!(Email::parse("alice"), Err(EmailError::Shape));
        assert_eq!(Email::parse("@example.com"), Err(EmailError::Shape));
        assert_eq!(Email::parse("a@b@c"), Err(EmailError::Shape));
        assert_eq!(
            Email::parse("al ice@example.com"),
            Err(EmailError::BadCharacter)
        );
    }

    #[test]
    fn passwords_are_nfc_normalised_and_never_trimmed() {
        let composed = Password::for_login("caf\u{e9} ");
        let decomposed = Password::for_login("cafe\u{301} ");
        assert_eq!(composed.expose(), decomposed.expose());
        assert!(composed.expose().ends_with(' '));
    }

    #[test]
    fn new_passwords_follow_the_policy() {
        assert_eq!(
            Password::new_checked("short", 15).err(),
            Some(PasswordError::TooShort(15))
        );
        assert_eq!(
            Password::new_checked(&"x".repeat(129), 15).err(),
            Some(PasswordError::TooLong)
        );
        assert_eq!(
            Password::new_checked("1234567890QWERTYuiop", 8).err(),
            Some(PasswordError::Common)
        );
        assert!(Password::new_checked("correct horse battery staple", 15).is_ok());
    }
}
