//! `GET /authorize` and the consent form it shows (`POST /authorize`):
//! the authorization-code grant with PKCE (RFC 6749 §4.1, RFC 7636,
//! OAuth 2.1), answered with `code`, `state` and `iss` (RFC 9207).
//!
//! Until the client and its redirect URI are known to be registered, an
//! error is a page and never a redirect (RFC 6749 §4.1.2.1): redirecting
//! to an unchecked URI would make latchkey an open redirector.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use url::Url;

use super::form::Form;
use super::html::{self, ConsentPage, ScopeLine};
use super::login::{error_page, forged};
use crate::auth::authorization::{self, Approved};
use crate::clock::now_unix;
use crate::db::{self, clients};
use crate::error::ApiError;
use crate::http::cookies::BrowserCookies;
use crate::http::csrf;
use crate::http::extract::{BrowserCaller, Caller};
use crate::http::language;
use crate::http::middleware::csp_with_form_target;
use crate::i18n::{Lang, msg};
use crate::state::AppState;

mod redirect;
mod request;

use redirect::{error_redirect, redirect_with, refused_page};
use request::AuthorizationRequest;

/// `GET /authorize`
pub async fn start(
    req: HttpRequest,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let form = match Form::parse(req.query_string().as_bytes()) {
        Ok(form) => form,
        Err(_) => return refused_page(t, msg("authorize-unreadable")),
    };
    let request = match AuthorizationRequest::read(&state, form).await {
        Ok(request) => request,
        Err(answer) => return answer.respond(t, &state),
    };
    let caller = match BrowserCaller::optional(caller) {
        Ok(caller) => caller,
        Err(e) => return error_page(t, e),
    };
    proceed(&req, &state, request, caller).await
}

/// `POST /authorize`: the person's answer on the consent page.
pub async fn decide(
    req: HttpRequest,
    payload: web::Payload,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let mut form = match Form::read(&req, payload).await {
        Ok(form) => form,
        Err(_) => return refused_page(t, msg("authorize-unreadable")),
    };
    if let Err(why) = csrf::check(&state.settings, &req, form.get("csrf_token")) {
        return forged(t, &why, "/authorize");
    }
    let decision = form.take("decision");
    form.take("csrf_token");
    let request = match AuthorizationRequest::read(&state, form).await {
        Ok(request) => request,
        Err(answer) => return answer.respond(t, &state),
    };
    let caller = match BrowserCaller::optional(caller) {
        Ok(Some(caller)) => caller,
        // Signed out in another tab meanwhile: start over through sign-in.
        Ok(None) => return to_login(&request, false),
        Err(e) => return error_page(t, e),
    };
    match decision.as_deref() {
        Some("allow") => {
            let (user_id, client_id, scopes) = (
                caller.user.id,
                request.client.id.clone(),
                authorization::granted_scopes(&caller.user, &request.scopes),
            );
            let recorded = db::run(&state.pool, move |conn| {
                authorization::record_consent(conn, &client_id, user_id, &scopes)
            })
            .await;
            if let Err(e) = recorded {
                return error_page(t, e.into());
            }
            tracing::info!(
                event = "consent_granted",
                user_id,
                client_id = %request.client.id,
                "the person allowed the application"
            );
            issue(t, &state, &request, &caller, StatusCode::SEE_OTHER).await
        }
        Some("deny") => {
            tracing::info!(
                event = "consent_denied",
                user_id = caller.user.id,
                client_id = %request.client.id,
                "the person refused the application"
            );
            let denied = "The person denied the request";
            error_redirect(
                &request,
                "access_denied",
                denied,
                &state,
                StatusCode::SEE_OTHER,
            )
        }
        _ => refused_page(t, msg("authorize-no-decision")),
    }
}

/// The origin a sign-in form's `next` will finally redirect to: an
/// authorization request's registered redirect URI, or an application
/// behind forward auth. The form must be allowed to end there.
pub async fn form_target_of(state: &AppState, next: &str) -> Option<String> {
    // An absolute `next` passed `safe_next`: an application behind forward auth.
    if !next.starts_with('/') {
        return origin_of(next);
    }
    let query = next.strip_prefix("/authorize?")?;
    let mut form = Form::parse(query.as_bytes()).ok()?;
    let (client_id, redirect_uri) = (form.take("client_id")?, form.take("redirect_uri")?);
    let client = db::run(&state.pool, move |conn| clients::find(conn, &client_id))
        .await
        .ok()??;
    client
        .redirect_uris()
        .any(|uri| uri == redirect_uri)
        .then(|| origin_of(&redirect_uri))
        .flatten()
}

/// What a CSP source list calls the origin of `uri`: `scheme://host:port`,
/// or `scheme:` for a native app's private-use scheme.
pub(super) fn origin_of(uri: &str) -> Option<String> {
    let url = Url::parse(uri).ok()?;
    match url.origin() {
        origin @ url::Origin::Tuple(..) => Some(origin.ascii_serialization()),
        url::Origin::Opaque(_) => Some(format!("{}:", url.scheme())),
    }
}

/// Sign-in, then consent, then the code.
async fn proceed(
    req: &HttpRequest,
    state: &AppState,
    request: AuthorizationRequest,
    caller: Option<Caller>,
) -> HttpResponse {
    let t = language::of(req);
    let Some(caller) = caller else {
        if request.prompt.none {
            return request.error("login_required", "The person is not signed in", state);
        }
        return to_login(&request, false);
    };
    let too_old = request
        .max_age
        .is_some_and(|max_age| now_unix() - caller.session_started > max_age);
    if request.prompt.login || too_old {
        if request.prompt.none {
            return request.error("login_required", "The sign-in is older than max_age", state);
        }
        return to_login(&request, true);
    }
    let scopes = authorization::granted_scopes(&caller.user, &request.scopes);
    let (client, user_id) = (request.client.clone(), caller.user.id);
    let asked = scopes.clone();
    let must_ask = match db::run(&state.pool, move |conn| {
        authorization::needs_consent(conn, &client, user_id, &asked)
    })
    .await
    {
        Ok(needed) => needed || (request.prompt.consent && !request.client.trusted),
        Err(e) => return error_page(t, e.into()),
    };
    if !must_ask {
        return issue(t, state, &request, &caller, StatusCode::FOUND).await;
    }
    if request.prompt.none {
        return request.error(
            "consent_required",
            "The person has not allowed this yet",
            state,
        );
    }
    consent_page(req, state, &request, &caller, &scopes)
}

/// Stores a code and sends the browser back to the application with it.
async fn issue(
    t: Lang,
    state: &AppState,
    request: &AuthorizationRequest,
    caller: &Caller,
    status: StatusCode,
) -> HttpResponse {
    let Some(browser_session_id) = caller.claims.session_id() else {
        return error_page(t, ApiError::internal("a browser session without an id"));
    };
    let scopes = authorization::granted_scopes(&caller.user, &request.scopes);
    let (client_id, redirect_uri, challenge, nonce) = (
        request.client.id.clone(),
        request.redirect_uri.clone(),
        request.code_challenge.clone(),
        request.nonce.clone(),
    );
    let (user_id, auth_time) = (caller.user.id, caller.session_started);
    let amr = caller
        .session_amr
        .clone()
        .unwrap_or_else(|| "pwd".to_owned());
    let code = db::run(&state.pool, move |conn| {
        authorization::issue_code(
            conn,
            &Approved {
                client_id: &client_id,
                user_id,
                redirect_uri: &redirect_uri,
                scopes: &scopes,
                code_challenge: &challenge,
                nonce: nonce.as_deref(),
                auth_time,
                browser_session_id,
                amr: &amr,
            },
        )
    })
    .await;
    let code = match code {
        Ok(code) => code,
        Err(e) => return error_page(t, e.into()),
    };
    tracing::info!(
        event = "code_issued",
        user_id,
        client_id = %request.client.id,
        "authorization code issued"
    );
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = &request.state {
        params.push(("state", s));
    }
    params.push(("iss", &state.settings.issuer));
    redirect_with(&request.redirect_uri, &params, status)
}

fn consent_page(
    req: &HttpRequest,
    state: &AppState,
    request: &AuthorizationRequest,
    caller: &Caller,
    scopes: &[String],
) -> HttpResponse {
    let t = language::of(req);
    let jar = BrowserCookies::new(&state.settings);
    let (mut builder, csrf_token) = html::with_csrf(req, jar, StatusCode::OK);
    if let Some(origin) = origin_of(&request.redirect_uri) {
        builder.insert_header((
            header::CONTENT_SECURITY_POLICY,
            csp_with_form_target(&origin),
        ));
    }
    let lines: Vec<ScopeLine> = scopes.iter().map(|s| ScopeLine::of(s)).collect();
    let hidden = request.hidden_fields();
    let page = ConsentPage {
        t,
        client_name: &request.client.name,
        email: &caller.user.email,
        scopes: lines,
        redirect_host: host_of(&request.redirect_uri),
        hidden,
        csrf_token: &csrf_token,
    };
    html::render(builder, &page)
}

/// To the sign-in page, which comes back here afterwards. `again`: the
/// person is signed in but must enter the password anew (`prompt=login`
/// or `max_age`); the request then drops those, so that the fresh sign-in
/// satisfies it.
fn to_login(request: &AuthorizationRequest, again: bool) -> HttpResponse {
    let mut back = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in request.hidden_fields() {
        back.append_pair(name, &value);
    }
    if !again && let Some(max_age) = request.max_age {
        back.append_pair("max_age", &max_age.to_string());
    }
    // Consent still to be asked, whatever the sign-in.
    if request.prompt.consent {
        back.append_pair("prompt", "consent");
    }
    let next = format!("/authorize?{}", back.finish());
    let mut login = url::form_urlencoded::Serializer::new(String::new());
    login.append_pair("next", &next);
    if again {
        login.append_pair("prompt", "login");
    }
    if let Some(hint) = &request.login_hint {
        login.append_pair("login_hint", hint);
    }
    html::see_other(&format!("/login?{}", login.finish())).finish()
}

/// Where the code will go, shown on the consent page.
fn host_of(uri: &str) -> String {
    Url::parse(uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| uri.to_owned())
}
