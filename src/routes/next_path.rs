//! Where to send a person after signing in: a local path only, so the
//! login page cannot be turned into an open redirect.

use super::form::percent_decode;

/// `raw` if it is a plain local path, else `/`.
pub fn safe_next(raw: Option<&str>) -> String {
    match raw {
        Some(path) if is_local_path(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A path that every browser resolves on this origin: starts with one
/// `/`, no `\` (browsers treat it as `/`), no control characters (browsers
/// strip tab, CR and LF, so `/\t/evil` becomes `//evil`), and the same holds
/// after percent-decoding, in case a proxy or the app decodes it again.
/// Past the first `?` nothing can change the origin, so a query (such as
/// an authorization request's, with its encoded redirect URI) is only
/// refused for white space and control characters.
fn is_local_path(target: &str) -> bool {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if query.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    let mut current = path.to_owned();
    for _ in 0..3 {
        if !is_plain_local(&current) {
            return false;
        }
        match percent_decode(current.as_bytes(), false) {
            Ok(decoded) if decoded == current => return true,
            Ok(decoded) => current = decoded,
            Err(_) => return false,
        }
    }
    false
}

fn is_plain_local(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/') | Some(b'\\'))
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn local_paths_are_kept() {
        for path in [
            "/",
            "/account",
            "/a/b?c=d&e=f",
            "/docs#top",
            "/caf%C3%A9",
            "/authorize?client_id=a&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid%20email",
            "/authorize?state=%5C%25zz",
        ] {
            assert_eq!(safe_next(Some(path)), path);
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_becomes_root() {
        for path in [
            "",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "%2F%2Fevil.example",
            "/\t/evil.example",
            "/\r\n/evil.example",
            "/%09/evil.example",
            "/%0d%0a/evil.example",
            "/%252F%252Fevil.example",
            "/%zz",
            "/%2F/evil.example?x=1",
            "/x?a=\tb",
        ] {
            assert_eq!(safe_next(Some(path)), "/", "{path:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
