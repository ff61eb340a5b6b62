//! First run: with no users, a one-time link from the log opens a form
//! that creates the first administrator. Gone (404) once any user exists.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::form::Form;
use super::html::{self, Field, InError, SetupPage};
use super::login::{error_page, forged, sign_in, unreadable_form};
use crate::auth::credentials::{Email, Password};
use crate::db::{self, users};
use crate::error::ApiError;
use crate::http::client_address::device_of;
use crate::http::cookies::BrowserCookies;
use crate::http::csrf;
use crate::http::language;
use crate::i18n::{Lang, msg};
use crate::state::AppState;

/// `GET /setup?token=...`
pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let t = language::of(&req);
    let query = Form::parse(req.query_string().as_bytes()).unwrap_or_default();
    let token = query.get("token").unwrap_or("");
    match setup_open(&state, token).await {
        Ok(true) => setup_form(&req, &state, StatusCode::OK, None, "", token),
        Ok(false) => not_found(t),
        Err(e) => error_page(t, e),
    }
}

/// `POST /setup`: creates the first administrator and signs them in.
pub async fn submit(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let form = match Form::read(&req, payload).await {
        Ok(form) => form,
        Err(e) => return unreadable_form(t, &e),
    };
    let form = SetupForm::from(form);
    let token = form.token.as_str();
    match setup_open(&state, token).await {
        Ok(true) => {}
        Ok(false) => return not_found(t),
        Err(e) => return error_page(t, e),
    }
    let jar = BrowserCookies::new(&state.settings);
    if let Err(why) = csrf::check(&state.settings, &req, form.csrf_token.as_deref()) {
        return forged(t, &why, "/setup");
    }
    let email_input = form.username.as_str();
    let refuse = |message: &str, field: Field| {
        setup_form(
            &req,
            &state,
            StatusCode::BAD_REQUEST,
            Some((message, InError::field(field))),
            email_input,
            token,
        )
    };
    let Ok(email) = Email::parse(email_input) else {
        return refuse(&t.tr("form-email-invalid"), Field::Email);
    };
    let password = form.password.as_str();
    if Some(password) != form.password_confirm.as_deref() {
        return refuse(&t.tr("form-passwords-differ"), Field::BothNewPasswords);
    }
    let password = match Password::new_checked(password, state.settings.password_min_length) {
        Ok(password) => password,
        Err(e) => return refuse(&html::password_problem(t, &e), Field::NewPassword),
    };
    let hash = match state.hasher.hash(password).await {
        Ok(hash) => hash,
        Err(crate::auth::hasher::HasherError::Saturated(_)) => return html::busy(t, 1),
        Err(e) => return error_page(t, ApiError::internal(e)),
    };
    let admin = vec!["admin".to_owned()];
    let created = db::run(&state.pool, move |conn| {
        db::write_transaction(conn, |conn| {
            // Re-checked under the write lock: two setup forms submitted at
            // once create one administrator.
            if users::count(conn)? > 0 {
                return Ok(None);
            }
            users::insert(conn, email.as_str(), &hash, &admin).map(Some)
        })
    })
    .await;
    match created {
        Ok(Some(user)) => {
            tracing::info!(
                event = "user_created",
                via = "setup",
                user_id = user.id,
                "first administrator created"
            );
            let device = device_of(&req, &state.settings.trusted_proxies);
            sign_in(&state, jar, &user, "/", device, "pwd")
                .await
                .unwrap_or_else(|e| error_page(t, e))
        }
        Ok(None) => not_found(t),
        Err(db::DbError::Query(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            _,
        ))) => not_found(t),
        Err(e) => error_page(t, e.into()),
    }
}

/// The body of `POST /setup`; a missing field is empty, except the
/// confirmation, which then differs from any password.
struct SetupForm {
    token: String,
    csrf_token: Option<String>,
    username: String,
    password: String,
    password_confirm: Option<String>,
}

impl From<Form> for SetupForm {
    fn from(mut form: Form) -> Self {
        Self {
            token: form.take("token").unwrap_or_default(),
            csrf_token: form.take("csrf_token"),
            username: form.take("username").unwrap_or_default(),
            password: form.take("password").unwrap_or_default(),
            password_confirm: form.take("password_confirm"),
        }
    }
}

/// Whether setup is still possible and `token` is its one-time token.
async fn setup_open(state: &AppState, token: &str) -> Result<bool, ApiError> {
    let Some(expected) = state.setup_token.as_deref() else {
        return Ok(false);
    };
    if !csrf::constant_time_eq(expected.as_bytes(), token.as_bytes()) {
        return Ok(false);
    }
    Ok(db::run(&state.pool, users::count).await? == 0)
}

fn setup_form(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    error: Option<(&str, InError)>,
    email: &str,
    token: &str,
) -> HttpResponse {
    let jar = BrowserCookies::new(&state.settings);
    let (builder, csrf_token) = html::with_csrf(req, jar, status);
    let page = SetupPage {
        t: language::of(req),
        error: error.map(|(text, _)| text),
        in_error: error.map_or(InError::NONE, |(_, field)| field),
        email,
        token,
        csrf_token: &csrf_token,
        min_length: state.settings.password_min_length,
    };
    html::render(builder, &page)
}

fn not_found(t: Lang) -> HttpResponse {
    html::message(
        t,
        StatusCode::NOT_FOUND,
        msg("not-found-title"),
        msg("not-found-text"),
    )
}
