//! The browser's cookies: the access JWT, the refresh token, the CSRF token
//! and the device cookie. HttpOnly, SameSite=Lax, Path=/, no Domain; `__Host-` names
//! and `Secure` when the public URL is https.
//!
//! With `LATCHKEY_COOKIE_DOMAIN` the access cookie alone carries `Domain`
//! (so that forward auth sees it on every subdomain) and is named
//! `__Secure-`. The refresh cookie stays on latchkey's own host: the
//! applications behind the proxy see a token that expires within minutes,
//! never the one that renews the session.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time};

use crate::config::Settings;

/// The names and attributes of the cookies latchkey sets in a browser,
/// which depend on whether the public URL is https; reads and builds them.
/// Not a jar: it holds no cookies.
#[derive(Debug, Clone, Copy)]
pub struct BrowserCookies<'a> {
    secure: bool,
    shared_domain: Option<&'a str>,
}

impl<'a> BrowserCookies<'a> {
    pub fn new(settings: &'a Settings) -> Self {
        let secure = settings
            .public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"));
        Self {
            secure,
            shared_domain: settings.cookie_domain.as_deref(),
        }
    }

    pub fn session_name(self) -> &'static str {
        if self.shared_domain.is_some() {
            "__Secure-latchkey_session"
        } else if self.secure {
            "__Host-latchkey_session"
        } else {
            "latchkey_session"
        }
    }

    pub fn refresh_name(self) -> &'static str {
        if self.secure {
            "__Host-latchkey_refresh"
        } else {
            "latchkey_refresh"
        }
    }

    /// The device cookie (see `auth::device`): kept across sign-outs.
    pub fn device_name(self) -> &'static str {
        if self.secure {
            "__Host-latchkey_device"
        } else {
            "latchkey_device"
        }
    }

    /// A password accepted, the second factor still to come (minutes).
    pub fn second_factor_name(self) -> &'static str {
        if self.secure {
            "__Host-latchkey_second_factor"
        } else {
            "latchkey_second_factor"
        }
    }

    pub fn csrf_name(self) -> &'static str {
        if self.secure {
            "__Host-latchkey_csrf"
        } else {
            "latchkey_csrf"
        }
    }

    /// The value of cookie `name` on `req`, if any.
    pub fn read(self, req: &HttpRequest, name: &str) -> Option<String> {
        req.cookie(name).map(|c| c.value().to_owned())
    }

    /// A cookie with every attribute latchkey requires; `max_age` in seconds.
    pub fn build(self, name: &'static str, value: String, max_age: i64) -> Cookie<'static> {
        Cookie::build(name, value)
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .secure(self.secure)
            .max_age(time::Duration::seconds(max_age))
            .finish()
    }

    /// The two cookies of a signed-in browser; both live as long as the
    /// session may, the access token inside expires sooner and is renewed.
    pub fn session(
        self,
        access: String,
        refresh: String,
        session_seconds: i64,
    ) -> [Cookie<'static>; 2] {
        [
            self.session_cookie(access, session_seconds),
            self.build(self.refresh_name(), refresh, session_seconds),
        ]
    }

    /// Cookies that delete the session cookies.
    pub fn cleared(self) -> [Cookie<'static>; 2] {
        [
            self.session_cookie(String::new(), 0),
            self.build(self.refresh_name(), String::new(), 0),
        ]
    }

    /// The access cookie, shared with the cookie domain's subdomains when
    /// one is configured.
    fn session_cookie(self, access: String, max_age: i64) -> Cookie<'static> {
        let mut cookie = self.build(self.session_name(), access, max_age);
        if let Some(domain) = self.shared_domain {
            cookie.set_domain(domain.to_owned());
        }
        cookie
    }
}
