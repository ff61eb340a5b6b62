//! Which scopes a grant carries: what the user holds, narrowed by what the
//! session was granted and by what the client asks for.

use crate::db::sessions::Session;
use crate::db::users::User;

/// Scopes about the person's identity (OpenID Connect): every user holds
/// them, so `user scopes` never needs to grant them; an application asks
/// for them and the person consents.
pub const IDENTITY_SCOPES: &[&str] = &["openid", "email", "profile", "offline_access"];

/// Whether `user_scopes` (space-separated, as stored) hold `scope`.
pub fn user_holds(user_scopes: &str, scope: &str) -> bool {
    IDENTITY_SCOPES.contains(&scope) || user_scopes.split_whitespace().any(|h| h == scope)
}

/// The session's scopes that its user still holds.
pub fn held_scopes(session: &Session, user: &User) -> Vec<String> {
    session
        .scopes
        .split_whitespace()
        .filter(|s| user_holds(&user.scopes, s))
        .map(str::to_owned)
        .collect()
}

/// The scopes a grant carries: all of `held` without `requested` (or with
/// an empty one, as FastAPI clients send), else exactly those asked for,
/// each of which must be held; `Err` names the first that is not.
pub fn narrow_scopes(held: &[String], requested: Option<&str>) -> Result<Vec<String>, String> {
    let requested: Vec<&str> = requested.unwrap_or("").split_whitespace().collect();
    if requested.is_empty() {
        return Ok(held.to_vec());
    }
    let mut granted: Vec<String> = Vec::new();
    for scope in requested {
        if !held.iter().any(|h| h == scope) {
            return Err(scope.to_owned());
        }
        if !granted.iter().any(|g| g == scope) {
            granted.push(scope.to_owned());
        }
    }
    Ok(granted)
}

/// Checks a scope name: printable ASCII without space, comma, quote or
/// backslash (RFC 6749 §3.3 allows no space, quote or backslash; a comma
/// is nearly always a mistaken list).
pub fn check_scope_name(scope: &str) -> Result<(), String> {
    let fine = !scope.is_empty()
        && scope
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\' | b','));
    if fine {
        Ok(())
    } else {
        Err(format!(
            "invalid scope {scope:?}: use letters, digits and punctuation, without spaces, commas, quotes or backslashes"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_names_refuse_commas_spaces_and_quotes() {
        assert!(check_scope_name("read:items").is_ok());
        for bad in ["", "read,write", "read write", "a\"b", "a\\b", "caf\u{e9}"] {
            assert!(check_scope_name(bad).is_err(), "{bad:?}");
        }
    }

    fn owned(scopes: &[&str]) -> Vec<String> {
        scopes.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn no_request_gets_every_held_scope_and_a_request_narrows_them() {
        let held = owned(&["read", "write"]);
        assert_eq!(narrow_scopes(&held, None), Ok(held.clone()));
        assert_eq!(narrow_scopes(&held, Some(" ")), Ok(held.clone()));
        assert_eq!(
            narrow_scopes(&held, Some("write write")),
            Ok(owned(&["write"]))
        );
        assert_eq!(
            narrow_scopes(&held, Some("read admin")),
            Err("admin".to_owned())
        );
    }
}
