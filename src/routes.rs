//! The whole route table on one screen.

mod account;
mod admin;
mod authorize;
mod client_auth;
mod end_session;
mod form;
mod forward_auth;
mod health;
mod html;
mod introspect;
mod login;
mod metrics;
mod next_path;
mod openapi;
mod passkey_json;
mod passkey_login;
mod second_step;
mod setup;
pub mod token;
mod user_agent;
mod userinfo;
mod users;
mod well_known;

use actix_web::http::{Method, header};
use actix_web::{HttpResponse, web};
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/")
            .route(web::get().to(account::page))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    )
    .service(
        web::resource("/account/password")
            .route(web::post().to(account::change_password))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/account/sessions/end")
            .route(web::post().to(account::end_session))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/account/sessions/end-others")
            .route(web::post().to(account::end_other_sessions))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/account/applications/revoke")
            .route(web::post().to(account::revoke_application))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/login/second-factor")
            .route(web::get().to(second_step::page))
            .route(web::post().to(second_step::submit))
            .default_service(web::to(method_not_allowed(&[
                Method::GET,
                Method::HEAD,
                Method::POST,
            ]))),
    )
    .service(
        web::resource("/account/passkeys/start")
            .route(web::post().to(account::start_passkey))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/account/passkeys/finish")
            .route(web::post().to(account::finish_passkey))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/account/passkeys/remove")
            .route(web::post().to(account::remove_passkey))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/login/passkey/start")
            .route(web::post().to(passkey_login::start))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/login/passkey/finish")
            .route(web::post().to(passkey_login::finish))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/login/second-factor/passkey/start")
            .route(web::post().to(passkey_login::second_factor_start))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/login/second-factor/passkey/finish")
            .route(web::post().to(passkey_login::second_factor_finish))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/account/totp/start")
            .route(web::post().to(account::start_totp))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/account/totp/confirm")
            .route(web::post().to(account::confirm_totp))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/account/totp/disable")
            .route(web::post().to(account::disable_totp))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/login")
            .route(web::get().to(login::page))
            .route(web::post().to(login::submit))
            .default_service(web::to(method_not_allowed(&[
                Method::GET,
                Method::HEAD,
                Method::POST,
            ]))),
    )
    .service(
        web::resource("/logout")
            .route(web::get().to(end_session::start))
            .route(web::post().to(login::logout))
            .default_service(web::to(method_not_allowed(&[
                Method::GET,
                Method::HEAD,
                Method::POST,
            ]))),
    )
    .service(
        web::resource("/setup")
            .route(web::get().to(setup::page))
            .route(web::post().to(setup::submit))
            .default_service(web::to(method_not_allowed(&[
                Method::GET,
                Method::HEAD,
                Method::POST,
            ]))),
    )
    .service(
        web::resource("/authorize")
            .route(web::get().to(authorize::start))
            .route(web::post().to(authorize::decide))
            .default_service(web::to(method_not_allowed(&[
                Method::GET,
                Method::HEAD,
                Method::POST,
            ]))),
    )
    .service(
        web::resource("/auth/forward")
            .route(web::get().to(forward_auth::check))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    )
    .service(
        web::resource("/token")
            .route(web::post().to(token::token))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/token/revoke")
            .route(web::post().to(token::revoke))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/token/introspect")
            .route(web::post().to(introspect::introspect))
            .default_service(web::to(method_not_allowed(&[Method::POST]))),
    )
    .service(
        web::resource("/admin/users")
            .route(web::get().to(admin::list_users))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    )
    .service(
        web::resource("/.well-known/jwks.json")
            .route(web::get().to(well_known::jwks))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    )
    .service(
        web::resource("/.well-known/oauth-authorization-server")
            .route(web::get().to(well_known::metadata))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    )
    .service(
        web::resource("/userinfo")
            .route(web::get().to(userinfo::userinfo))
            .route(web::post().to(userinfo::userinfo))
            .default_service(web::to(method_not_allowed(&[
                Method::GET,
                Method::HEAD,
                Method::POST,
            ]))),
    )
    .service(
        web::resource("/.well-known/openid-configuration")
            .route(web::get().to(well_known::openid_configuration))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    )
    .service(
        web::resource("/users/me")
            .route(web::get().to(users::me))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    )
    .service(
        web::resource("/openapi.json")
            .route(web::get().to(openapi::document))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    )
    .service(
        web::resource("/healthz")
            .route(web::get().to(health::healthz))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    )
    .service(
        web::resource("/readyz")
            .route(web::get().to(health::readyz))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    )
    .service(
        web::resource("/metrics")
            .route(web::get().to(metrics::metrics))
            .default_service(web::to(method_not_allowed(&[Method::GET, Method::HEAD]))),
    );
}

/// A handler answering 405 with the methods the resource does allow.
fn method_not_allowed(
    allowed: &[Method],
) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone + 'static {
    let allow = allowed
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    move || {
        std::future::ready(
            HttpResponse::MethodNotAllowed()
                .insert_header((header::ALLOW, allow.clone()))
                .json(json!({"detail": "Method Not Allowed"})),
        )
    }
}

/// Anything without a route.
pub async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(json!({"detail": "Not Found"}))
}
