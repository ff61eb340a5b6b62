//! The server-rendered pages (askama templates in `templates/`) and how
//! they become responses.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use askama::Template;

use crate::auth::credentials::PasswordError;
use crate::config::PASSWORD_MAX_LENGTH;
use crate::http::cookies::BrowserCookies;
use crate::http::csrf;
use crate::i18n::{Lang, Msg, msg};

/// A field a form's error can be about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Email,
    /// The password of a sign-in, or the current one on the account page.
    Password,
    /// A new password (setup, reset, account).
    NewPassword,
    /// Its repetition.
    NewPasswordConfirm,
    /// A new password and its repetition, which differ: both are retyped.
    BothNewPasswords,
    /// The password of the account page's "turn off" second-factor form.
    SecondFactorPassword,
    /// The code of that form.
    SecondFactorCode,
}

/// The field a page's error is about, if any: the page marks it
/// `aria-invalid`, ties it to the error text and puts the focus there, so
/// a person who cannot see the page hears what to fix and lands on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InError(Option<Field>);

impl InError {
    /// No field in error (no error, or one about the whole form).
    pub const NONE: Self = Self(None);

    pub fn field(field: Field) -> Self {
        Self(Some(field))
    }

    /// Whether `field` is in error: the two new passwords stand or fall
    /// together.
    pub fn is(self, field: Field) -> bool {
        match self.0 {
            Some(Field::BothNewPasswords) => {
                matches!(field, Field::NewPassword | Field::NewPasswordConfirm)
            }
            Some(in_error) => in_error == field,
            None => false,
        }
    }

    /// Whether any field is in error (then it, not the page's first
    /// field, takes the focus).
    pub fn any(self) -> bool {
        self.0.is_some()
    }
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage<'a> {
    /// The language of the page.
    pub t: Lang,
    pub notice: Option<&'a str>,
    pub error: Option<&'a str>,
    pub in_error: InError,
    pub email: &'a str,
    pub csrf_token: &'a str,
    pub next: &'a str,
    /// Whether to offer "Sign in with a passkey" (needs the script).
    pub passkeys: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage<'a> {
    /// The language of the page.
    pub t: Lang,
    pub email: &'a str,
    pub scopes: Vec<String>,
    pub session_ends: String,
    pub session_ends_text: String,
    pub csrf_token: &'a str,
    pub notice: Option<&'a str>,
    /// What went wrong with the password form, shown beside it.
    pub password_error: Option<&'a str>,
    pub min_length: usize,
    pub sessions: Vec<SessionLine>,
    pub grants: Vec<GrantLine>,
    /// `Some(recovery codes left)` when an authenticator app is on.
    pub second_factor: Option<i64>,
    pub totp_error: Option<&'a str>,
    /// The field `password_error` or `totp_error` is about.
    pub in_error: InError,
    /// `None` when the server offers no passkeys.
    pub passkeys: Option<Vec<PasskeyLine>>,
}

/// One of the person's passkeys on the account page.
pub struct PasskeyLine {
    pub credential_id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

/// One of the person's sessions on the account page.
pub struct SessionLine {
    pub id: i64,
    /// "Firefox on Linux", or an application's name.
    pub name: String,
    pub address: String,
    pub started: String,
    pub last_used: String,
    pub current: bool,
}

/// An application the person has allowed.
pub struct GrantLine {
    pub client_id: String,
    pub name: String,
    pub scopes: String,
    pub granted: String,
}

#[derive(Template)]
#[template(path = "setup.html")]
pub struct SetupPage<'a> {
    /// The language of the page.
    pub t: Lang,
    pub error: Option<&'a str>,
    pub in_error: InError,
    pub email: &'a str,
    pub token: &'a str,
    pub csrf_token: &'a str,
    pub min_length: usize,
}

#[derive(Template)]
#[template(path = "consent.html")]
pub struct ConsentPage<'a> {
    /// The language of the page.
    pub t: Lang,
    pub client_name: &'a str,
    pub email: &'a str,
    pub scopes: Vec<ScopeLine>,
    /// Where the answer goes (the redirect URI's host), so the person can
    /// tell a look-alike application.
    pub redirect_host: String,
    /// The authorization request, carried through the form.
    pub hidden: Vec<(&'static str, String)>,
    pub csrf_token: &'a str,
}

/// One scope on the consent page: its name and what it lets the
/// application do.
pub struct ScopeLine {
    pub name: String,
    pub meaning: Msg,
}

impl ScopeLine {
    pub fn of(scope: &str) -> Self {
        let meaning = match scope {
            "openid" => msg("scope-openid"),
            "email" => msg("scope-email"),
            "profile" => msg("scope-profile"),
            "offline_access" => msg("scope-offline-access"),
            "admin" => msg("scope-admin"),
            _ => msg("scope-other"),
        };
        Self {
            name: scope.to_owned(),
            meaning,
        }
    }
}

#[derive(Template)]
#[template(path = "logout.html")]
pub struct LogoutPage<'a> {
    /// The language of the page.
    pub t: Lang,
    pub email: &'a str,
    /// Where to go afterwards, carried through the form.
    pub hidden: Vec<(&'static str, String)>,
    pub csrf_token: &'a str,
}

#[derive(Template)]
#[template(path = "second_factor.html")]
pub struct SecondFactorPage<'a> {
    /// The language of the page.
    pub t: Lang,
    pub error: Option<&'a str>,
    pub csrf_token: &'a str,
    /// The person has an authenticator app: the code form.
    pub totp: bool,
    /// The person has a passkey and the server offers them: the button.
    pub passkey: bool,
}

#[derive(Template)]
#[template(path = "totp_setup.html")]
pub struct TotpSetupPage<'a> {
    /// The language of the page.
    pub t: Lang,
    /// The QR code, an SVG drawn here from the otpauth URI.
    pub qr_svg: &'a str,
    pub secret: &'a str,
    pub otpauth_uri: &'a str,
    pub error: Option<&'a str>,
    pub csrf_token: &'a str,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodesPage<'a> {
    /// The language of the page.
    pub t: Lang,
    pub codes: &'a [String],
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub t: Lang,
    pub title: String,
    pub message: String,
}

/// A response builder for an HTML page with `status`.
pub fn builder(status: StatusCode) -> HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.content_type("text/html; charset=utf-8");
    builder
}

/// A builder for a page with a form: it sets the CSRF cookie when the
/// browser has none yet, and returns the token the form must repeat.
pub fn with_csrf(
    req: &HttpRequest,
    jar: BrowserCookies<'_>,
    status: StatusCode,
) -> (HttpResponseBuilder, String) {
    let (token, new_cookie) = csrf::token_for(jar, req);
    let mut builder = builder(status);
    if let Some(cookie) = new_cookie {
        builder.cookie(cookie);
    }
    (builder, token)
}

/// Renders `page` into `builder`; a template failure is logged and becomes
/// a bare 500 without internals.
pub fn render(mut builder: HttpResponseBuilder, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => builder.body(body),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Internal server error")
        }
    }
}

/// A page with one message, e.g. for 403, 404, 429 and 503.
pub fn message(t: Lang, status: StatusCode, title: Msg, text: Msg) -> HttpResponse {
    message_text(t, status, title, &t.tr(text.id()))
}

/// [`message`] with a text already in the page's language.
pub fn message_text(t: Lang, status: StatusCode, title: Msg, text: &str) -> HttpResponse {
    let page = MessagePage {
        t,
        title: t.tr(title.id()),
        message: text.to_owned(),
    };
    render(builder(status), &page)
}

/// 503 with `Retry-After`, as a page that says when to try again.
pub fn busy(t: Lang, retry_after: u32) -> HttpResponse {
    let mut response = builder(StatusCode::SERVICE_UNAVAILABLE);
    response.insert_header((header::RETRY_AFTER, retry_after));
    let wait = duration(t, u64::from(retry_after));
    let page = MessagePage {
        t,
        title: t.tr("busy-title"),
        message: t.tr1("busy-text", "wait", wait),
    };
    render(response, &page)
}

/// `303 See Other` to `location`.
pub fn see_other(location: &str) -> HttpResponseBuilder {
    let mut builder = HttpResponse::SeeOther();
    builder.insert_header((header::LOCATION, location.to_owned()));
    builder
}

/// What a throttled form says: "... try again in 5 seconds."
pub fn try_again_in(t: Lang, retry_after: u64) -> String {
    t.tr1("throttled-try-again", "wait", duration(t, retry_after))
}

/// What is wrong with a new password, as a sentence on a page.
pub fn password_problem(t: Lang, problem: &PasswordError) -> String {
    match problem {
        PasswordError::TooShort(min) => t.tr1("password-too-short", "count", *min),
        PasswordError::TooLong => t.tr1("password-too-long", "count", PASSWORD_MAX_LENGTH),
        PasswordError::Common => t.tr("password-common"),
    }
}

/// A wait people read: "1 second", "5 seconds", "3 minutes", "2 hours";
/// rounded up, so nobody comes back too early.
pub fn duration(t: Lang, seconds: u64) -> String {
    match seconds {
        0..120 => t.tr1("duration-seconds", "count", seconds),
        120..7200 => t.tr1("duration-minutes", "count", seconds.div_ceil(60)),
        _ => t.tr1("duration-hours", "count", seconds.div_ceil(3600)),
    }
}
