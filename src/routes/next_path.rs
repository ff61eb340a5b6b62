//! Where to send a person after signing in: a local path, or an absolute
//! URL that the session cookie itself reaches (an application behind forward
//! auth), so the login page cannot be turned into an open redirect.

use url::Url;

use super::form::percent_decode;
use crate::config::{Settings, domain_matches};

/// `raw` if it is a plain local path or an allowed absolute URL (see
/// [`allowed_absolute`]), else `/`.
pub fn safe_next(settings: &Settings, raw: Option<&str>) -> String {
    match raw {
        Some(path) if is_local_path(path) => path.to_owned(),
        Some(url) => allowed_absolute(settings, url).unwrap_or_else(|| "/".to_owned()),
        None => "/".to_owned(),
    }
}

/// An absolute `next` is allowed where the session cookie goes, since an
/// application there (behind forward auth) is what the person was on its
/// way to:
/// - with `cookie_domain`: `https` on that domain or a subdomain;
/// - without: the public URL's scheme and host (cookies ignore the port).
///
/// Returns the URL as parsed and re-serialised, so that what is checked is
/// what the browser is sent to. Never without a public URL.
pub fn allowed_absolute(settings: &Settings, raw: &str) -> Option<String> {
    // A browser drops tab and newline and reads `\` as `/`; refuse rather
    // than guess how the checked URL and the followed one would differ.
    if raw.is_empty()
        || raw
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    let public = Url::parse(settings.public_url.as_deref()?).ok()?;
    let url = Url::parse(raw).ok()?;
    if !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let host = url.host_str()?;
    let allowed = match settings.cookie_domain.as_deref() {
        Some(domain) => {
            url.scheme() == "https"
                && matches!(url.host(), Some(url::Host::Domain(_)))
                && host.split('.').all(|label| !label.is_empty())
                && domain_matches(host, domain)
        }
        None => url.scheme() == public.scheme() && Some(host) == public.host_str(),
    };
    allowed.then(|| url.to_string())
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
    use super::safe_next as safe_next_with;
    use crate::config::{Flags, Settings};

    fn settings(public_url: Option<&str>, cookie_domain: Option<&str>) -> Settings {
        let env = [
            public_url.map(|url| ("LATCHKEY_PUBLIC_URL".to_owned(), url.to_owned())),
            cookie_domain.map(|d| ("LATCHKEY_COOKIE_DOMAIN".to_owned(), d.to_owned())),
        ];
        Settings::from_sources(&Flags::default(), env.into_iter().flatten().collect())
            .expect("settings load")
    }

    fn safe_next(raw: Option<&str>) -> String {
        safe_next_with(&settings(None, None), raw)
    }

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

    #[test]
    fn urls_on_the_cookie_domain_are_kept() {
        let settings = settings(Some("https://auth.example.com"), Some("example.com"));
        for (raw, kept) in [
            ("https://app.example.com/", "https://app.example.com/"),
            (
                "https://example.com/a?b=c&d=e",
                "https://example.com/a?b=c&d=e",
            ),
            (
                "https://a.b.example.com:8443/x#y",
                "https://a.b.example.com:8443/x#y",
            ),
            ("https://APP.Example.COM/p", "https://app.example.com/p"),
            (
                "https://auth.example.com/account",
                "https://auth.example.com/account",
            ),
        ] {
            assert_eq!(safe_next_with(&settings, Some(raw)), kept, "{raw:?}");
        }
    }

    #[test]
    fn urls_off_the_cookie_domain_become_root() {
        let settings = settings(Some("https://auth.example.com"), Some("example.com"));
        for raw in [
            "http://app.example.com/",
            "https://example.com.evil.net/",
            "https://evilexample.com/",
            "https://example.com@evil.net/",
            "https://user@app.example.com/",
            "https://user:pw@app.example.com/",
            "https://evil.net\\@app.example.com/",
            "https://evil.net\\.example.com/",
            "https:\\\\evil.net/",
            "https://evil.net%2f.example.com/",
            "https://example.com%2eevil.net/",
            "https://evil.net%23.example.com/",
            "https://evil.net#.example.com",
            "https://evil.net?.example.com",
            "https:evil.net",
            "https://.example.com/",
            "https://127.0.0.1/",
            "https://app.example.com\t.evil.net/",
            "https://app.example.com /",
            "javascript://app.example.com/%0aalert(1)",
            "data:text/html,hi",
            "ftp://app.example.com/",
            "//app.example.com/",
        ] {
            assert_eq!(safe_next_with(&settings, Some(raw)), "/", "{raw:?}");
        }
    }

    #[test]
    fn without_a_cookie_domain_only_the_public_host_is_allowed() {
        let settings = settings(Some("http://127.0.0.1:8080"), None);
        assert_eq!(
            safe_next_with(&settings, Some("http://127.0.0.1:9000/app?x=1")),
            "http://127.0.0.1:9000/app?x=1"
        );
        for raw in [
            "https://127.0.0.1:9000/",
            "http://127.0.0.2/",
            "http://localhost:8080/",
            "http://127.0.0.1.evil.net/",
        ] {
            assert_eq!(safe_next_with(&settings, Some(raw)), "/", "{raw:?}");
        }
        // No public URL: nothing absolute at all.
        let settings = self::settings(None, None);
        assert_eq!(
            safe_next_with(&settings, Some("http://127.0.0.1:9000/")),
            "/"
        );
    }
}
