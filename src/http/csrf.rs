//! CSRF protection for the HTML forms (login, logout, setup), two checks
//! that must both pass:
//! - the request comes from this site's own pages: `Sec-Fetch-Site`, when
//!   the browser sends it, is `same-origin` (or `none`, typed by the user);
//!   else `Origin`, when sent, is the site's own origin. Old clients that
//!   send neither rely on the token alone. This stops a sibling subdomain,
//!   which can plant a cookie for the parent domain over plain http and so
//!   knows the token, from forging a form.
//! - a random token in an HttpOnly cookie that the form must repeat. A
//!   cross-site page can neither read the cookie nor (with `__Host-`) plant
//!   one, so it cannot forge the field, which also stops login CSRF.

use actix_web::HttpRequest;
use actix_web::cookie::Cookie;
use actix_web::http::header;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::client_address::peer_is_trusted;
use super::cookies::BrowserCookies;
use crate::auth::random::random_token;
use crate::config::Settings;

/// A day: long enough for a login page left open, short enough to rotate.
const CSRF_COOKIE_SECONDS: i64 = 86_400;

/// Why a form post was refused as forged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Forged {
    #[error("posted from another site")]
    OtherSite,
    #[error("no valid CSRF token")]
    BadToken,
}

/// The token a form should carry, and the cookie to set if the browser
/// had none yet.
pub fn token_for(jar: BrowserCookies<'_>, req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    if let Some(existing) = jar.read(req, jar.csrf_name()).filter(|t| is_well_formed(t)) {
        return (existing, None);
    }
    let token = random_token(32);
    let cookie = jar.build(jar.csrf_name(), token.clone(), CSRF_COOKIE_SECONDS);
    (token, Some(cookie))
}

/// Checks that a form post comes from this site and that its `csrf_token`
/// field, `submitted`, matches the browser's cookie.
pub fn check(
    settings: &Settings,
    req: &HttpRequest,
    submitted: Option<&str>,
) -> Result<(), Forged> {
    if !is_from_this_site(settings, req) {
        return Err(Forged::OtherSite);
    }
    let jar = BrowserCookies::new(settings);
    match (jar.read(req, jar.csrf_name()), submitted) {
        (Some(cookie), Some(field))
            if is_well_formed(&cookie) && constant_time_eq(cookie.as_bytes(), field.as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(Forged::BadToken),
    }
}

/// OWASP's fetch-metadata rule, with `Origin` for browsers that predate it.
fn is_from_this_site(settings: &Settings, req: &HttpRequest) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let sent = origin.to_str().ok().and_then(normalised_origin);
    sent.is_some() && sent == site_origin(settings, req)
}

/// The origin of this site: from `LATCHKEY_PUBLIC_URL`, else the request's
/// `Host` with the scheme it arrived on (https only when a trusted proxy
/// says so in `X-Forwarded-Proto`; latchkey itself speaks plain http).
fn site_origin(settings: &Settings, req: &HttpRequest) -> Option<String> {
    if let Some(url) = &settings.public_url {
        return normalised_origin(url);
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))?;
    let forwarded_https = peer_is_trusted(req, &settings.trusted_proxies)
        && req
            .headers()
            .get("x-forwarded-proto")
            .is_some_and(|p| p.as_bytes().eq_ignore_ascii_case(b"https"));
    let scheme = if forwarded_https { "https" } else { "http" };
    normalised_origin(&format!("{scheme}://{host}"))
}

/// `scheme://host[:port]` of a URL, lower-cased, without a default port,
/// as browsers write `Origin`; `None` for `null` and other non-URLs.
fn normalised_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{authority}"))
}

fn is_well_formed(token: &str) -> bool {
    token.len() == 43 && URL_SAFE_NO_PAD.decode(token).is_ok()
}

/// Compares secrets without an early exit that would leak where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_as_browsers_write_them() {
        for (url, origin) in [
            ("https://Login.Example.com/", "https://login.example.com"),
            (
                "https://login.example.com:443/auth",
                "https://login.example.com",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://[::1]:80", "http://[::1]"),
        ] {
            assert_eq!(normalised_origin(url).as_deref(), Some(origin), "{url}");
        }
        for not_an_origin in ["null", "", "file:///x", "https://", "https://a@b.example"] {
            assert_eq!(normalised_origin(not_an_origin), None, "{not_an_origin}");
        }
    }
}
