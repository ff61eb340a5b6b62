//! CSRF protection for the HTML forms (login, logout, setup): a random
//! token in an HttpOnly cookie that the form must repeat. A cross-site page
//! can neither read the cookie nor (with `__Host-`) plant one, so it cannot
//! forge the field, which also stops login CSRF.

use actix_web::HttpRequest;
use actix_web::cookie::Cookie;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::cookies::CookieJar;

/// A day: long enough for a login page left open, short enough to rotate.
const CSRF_COOKIE_SECONDS: i64 = 86_400;

/// The token a form should carry, and the cookie to set if the browser
/// had none yet.
pub fn token_for(jar: CookieJar, req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    if let Some(existing) = jar.read(req, jar.csrf_name()).filter(|t| is_well_formed(t)) {
        return (existing, None);
    }
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let cookie = jar.build(jar.csrf_name(), token.clone(), CSRF_COOKIE_SECONDS);
    (token, Some(cookie))
}

/// Whether the submitted field matches the browser's cookie.
pub fn is_valid(jar: CookieJar, req: &HttpRequest, submitted: Option<&str>) -> bool {
    match (jar.read(req, jar.csrf_name()), submitted) {
        (Some(cookie), Some(field)) if is_well_formed(&cookie) => {
            constant_time_eq(cookie.as_bytes(), field.as_bytes())
        }
        _ => false,
    }
}

fn is_well_formed(token: &str) -> bool {
    token.len() == 43 && URL_SAFE_NO_PAD.decode(token).is_ok()
}

/// Compares secrets without an early exit that would leak where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
