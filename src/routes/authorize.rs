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
use crate::auth::pkce;
use crate::clock::now_unix;
use crate::db::{self, clients, clients::Client};
use crate::error::ApiError;
use crate::http::cookies::BrowserCookies;
use crate::http::csrf;
use crate::http::extract::{BrowserCaller, Caller};
use crate::http::middleware::csp_with_form_target;
use crate::state::AppState;

/// `GET /authorize`
pub async fn start(
    req: HttpRequest,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let form = match Form::parse(req.query_string().as_bytes()) {
        Ok(form) => form,
        Err(e) => return refused_page(&e.to_string()),
    };
    let request = match AuthorizationRequest::read(&state, form).await {
        Ok(request) => request,
        Err(answer) => return answer.respond(&state),
    };
    let caller = match signed_in(caller) {
        Ok(caller) => caller,
        Err(e) => return error_page(e),
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
    let mut form = match Form::read(&req, payload).await {
        Ok(form) => form,
        Err(e) => return refused_page(&e.to_string()),
    };
    if let Err(why) = csrf::check(&state.settings, &req, form.get("csrf_token")) {
        return forged(&why, "/authorize");
    }
    let decision = form.take("decision");
    form.take("csrf_token");
    let request = match AuthorizationRequest::read(&state, form).await {
        Ok(request) => request,
        Err(answer) => return answer.respond(&state),
    };
    let caller = match signed_in(caller) {
        Ok(Some(caller)) => caller,
        // Signed out in another tab meanwhile: start over through sign-in.
        Ok(None) => return to_login(&request, false),
        Err(e) => return error_page(e),
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
                return error_page(e.into());
            }
            tracing::info!(
                event = "consent_granted",
                user_id,
                client_id = %request.client.id,
                "the person allowed the application"
            );
            issue(&state, &request, &caller, StatusCode::SEE_OTHER).await
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
        _ => refused_page("The form did not say whether to allow or deny."),
    }
}

/// The origin an authorization request in `next` (a login page's way
/// back) will finally redirect to, if it names a registered client and
/// redirect URI: the login page's form must be allowed to end there.
pub async fn form_target_of(state: &AppState, next: &str) -> Option<String> {
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

/// The browser's session, if any; only a database outage is an error.
fn signed_in(caller: Result<BrowserCaller, ApiError>) -> Result<Option<Caller>, ApiError> {
    match caller {
        // A session of latchkey's own sign-in only.
        Ok(BrowserCaller(caller)) if caller.claims.client_id.is_none() => Ok(Some(caller)),
        Ok(_) | Err(ApiError::MissingToken | ApiError::InvalidToken(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sign-in, then consent, then the code.
async fn proceed(
    req: &HttpRequest,
    state: &AppState,
    request: AuthorizationRequest,
    caller: Option<Caller>,
) -> HttpResponse {
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
        Err(e) => return error_page(e.into()),
    };
    if !must_ask {
        return issue(state, &request, &caller, StatusCode::FOUND).await;
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
    state: &AppState,
    request: &AuthorizationRequest,
    caller: &Caller,
    status: StatusCode,
) -> HttpResponse {
    let Some(browser_session_id) = caller.claims.session_id() else {
        return error_page(ApiError::internal("a browser session without an id"));
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
        Err(e) => return error_page(e.into()),
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

/// What `prompt` asks for (OpenID Connect Core §3.1.2.1): a
/// space-separated list; `none` stands alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Prompt {
    none: bool,
    login: bool,
    consent: bool,
}

impl Prompt {
    fn parse(text: &str) -> Option<Self> {
        let mut prompt = Self::default();
        for value in text.split_whitespace() {
            match value {
                "none" => prompt.none = true,
                "login" => prompt.login = true,
                "consent" => prompt.consent = true,
                // Nothing to choose between: one account per browser.
                "select_account" => {}
                _ => return None,
            }
        }
        let alone = !(prompt.none && (prompt.login || prompt.consent));
        alone.then_some(prompt)
    }
}

/// A checked authorization request: client and redirect URI registered,
/// PKCE S256 present, scopes allowed for the client.
struct AuthorizationRequest {
    client: Client,
    redirect_uri: String,
    /// The scope parameter as sent, if any, and what it names.
    scope_param: Option<String>,
    scopes: Vec<String>,
    state: Option<String>,
    code_challenge: String,
    nonce: Option<String>,
    prompt: Prompt,
    max_age: Option<i64>,
    login_hint: Option<String>,
}

/// Why a request cannot go on, and how to say so.
enum Refusal {
    /// Before the client and redirect URI are trusted: a page.
    Page(String),
    /// After: back to the client with an error (and the page for a
    /// database outage).
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        error: &'static str,
        description: String,
    },
    Unavailable(ApiError),
}

impl Refusal {
    fn respond(self, state: &AppState) -> HttpResponse {
        match self {
            Self::Page(why) => refused_page(&why),
            Self::Redirect {
                redirect_uri,
                state: client_state,
                error,
                description,
            } => redirect_error(
                &redirect_uri,
                client_state.as_deref(),
                error,
                &description,
                state,
                StatusCode::FOUND,
            ),
            Self::Unavailable(e) => error_page(e),
        }
    }
}

impl AuthorizationRequest {
    async fn read(state: &AppState, mut form: Form) -> Result<Self, Refusal> {
        let client_id = form
            .take("client_id")
            .filter(|id| !id.is_empty())
            .ok_or_else(|| Refusal::Page("The request names no application (client_id).".into()))?;
        let lookup = client_id.clone();
        let client = db::run(&state.pool, move |conn| clients::find(conn, &lookup))
            .await
            .map_err(|e| Refusal::Unavailable(e.into()))?
            .ok_or_else(|| {
                tracing::info!(
                    event = "authorize_refused",
                    reason = "unknown client",
                    "authorization request refused"
                );
                Refusal::Page("The application is not registered here.".into())
            })?;
        let redirect_uri = form
            .take("redirect_uri")
            .ok_or_else(|| Refusal::Page("The request has no redirect_uri.".into()))?;
        // Exact string comparison (RFC 9700 §4.1.3): no prefix, no
        // normalisation, no port leeway.
        if !client.redirect_uris().any(|uri| uri == redirect_uri) {
            tracing::info!(event = "authorize_refused", reason = "unregistered redirect_uri", client_id = %client.id, "authorization request refused");
            return Err(Refusal::Page(
                "The redirect_uri is not registered for this application.".into(),
            ));
        }
        let client_state = form.take("state");
        let fail = |error: &'static str, description: &str| Refusal::Redirect {
            redirect_uri: redirect_uri.clone(),
            state: client_state.clone(),
            error,
            description: description.to_owned(),
        };
        match form.take("response_type").as_deref() {
            Some("code") => {}
            None | Some("") => return Err(fail("invalid_request", "response_type is required")),
            Some(_) => {
                return Err(fail(
                    "unsupported_response_type",
                    "Only response_type=code is supported",
                ));
            }
        }
        if !client.allows_grant("authorization_code") {
            return Err(fail(
                "unauthorized_client",
                "This client is not registered for the authorization code grant",
            ));
        }
        let challenge = form.take("code_challenge").filter(|c| !c.is_empty());
        let method = form.take("code_challenge_method");
        let code_challenge = match (challenge, method.as_deref()) {
            (None, _) => return Err(fail("invalid_request", "code_challenge is required (PKCE)")),
            (Some(_), None | Some("plain")) => {
                return Err(fail(
                    "invalid_request",
                    "code_challenge_method must be S256",
                ));
            }
            (Some(c), Some("S256")) if pkce::is_s256_challenge(&c) => c,
            (Some(_), Some("S256")) => {
                return Err(fail(
                    "invalid_request",
                    "code_challenge is not an S256 challenge",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(fail(
                    "invalid_request",
                    "code_challenge_method must be S256",
                ));
            }
        };
        let scope_param = form.take("scope");
        let scopes =
            authorization::requested_scopes(&client, scope_param.as_deref()).map_err(|scope| {
                fail(
                    "invalid_scope",
                    &format!("The scope {scope:?} is not allowed for this application"),
                )
            })?;
        let prompt = match Prompt::parse(&form.take("prompt").unwrap_or_default()) {
            Some(prompt) => prompt,
            None => {
                return Err(fail(
                    "invalid_request",
                    "prompt must be none, or a list of login, consent and select_account",
                ));
            }
        };
        let max_age = match form.take("max_age") {
            None => None,
            Some(text) => match text.parse::<i64>() {
                Ok(seconds) if seconds >= 0 => Some(seconds),
                _ => {
                    return Err(fail(
                        "invalid_request",
                        "max_age must be a number of seconds",
                    ));
                }
            },
        };
        Ok(Self {
            redirect_uri: redirect_uri.clone(),
            client,
            scope_param,
            scopes,
            state: client_state.clone(),
            code_challenge,
            nonce: form.take("nonce").filter(|n| !n.is_empty()),
            prompt,
            max_age,
            login_hint: form.take("login_hint").filter(|h| !h.is_empty()),
        })
    }

    /// The request as form fields, for the consent form and the way back
    /// from sign-in (without `prompt` and `max_age`, added by the caller
    /// when they still apply).
    fn hidden_fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("response_type", "code".to_owned()),
            ("client_id", self.client.id.clone()),
            ("redirect_uri", self.redirect_uri.clone()),
            ("code_challenge", self.code_challenge.clone()),
            ("code_challenge_method", "S256".to_owned()),
        ];
        let optional = [
            ("scope", &self.scope_param),
            ("state", &self.state),
            ("nonce", &self.nonce),
            ("login_hint", &self.login_hint),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                fields.push((name, value.clone()));
            }
        }
        fields
    }

    fn error(&self, error: &'static str, description: &str, state: &AppState) -> HttpResponse {
        error_redirect(self, error, description, state, StatusCode::FOUND)
    }
}

/// A checked request's error, answered with `status` (303 after a form).
fn error_redirect(
    request: &AuthorizationRequest,
    error: &'static str,
    description: &str,
    state: &AppState,
    status: StatusCode,
) -> HttpResponse {
    redirect_error(
        &request.redirect_uri,
        request.state.as_deref(),
        error,
        description,
        state,
        status,
    )
}

/// RFC 6749 §4.1.2.1, with `iss` (RFC 9207).
fn redirect_error(
    redirect_uri: &str,
    client_state: Option<&str>,
    error: &'static str,
    description: &str,
    state: &AppState,
    status: StatusCode,
) -> HttpResponse {
    tracing::info!(
        event = "authorize_error",
        error,
        "authorization request answered with an error"
    );
    let mut params = vec![("error", error), ("error_description", description)];
    if let Some(s) = client_state {
        params.push(("state", s));
    }
    params.push(("iss", &state.settings.issuer));
    redirect_with(redirect_uri, &params, status)
}

/// `redirect_uri` (registered, so it parses) with `params` added to its
/// query, which it may already have.
fn redirect_with(redirect_uri: &str, params: &[(&str, &str)], status: StatusCode) -> HttpResponse {
    let Ok(mut target) = Url::parse(redirect_uri) else {
        return error_page(ApiError::internal(
            "a registered redirect URI does not parse",
        ));
    };
    target.query_pairs_mut().extend_pairs(params);
    HttpResponse::build(status)
        .insert_header((header::LOCATION, target.as_str()))
        .finish()
}

/// The page for a request that cannot be sent back to any application.
fn refused_page(why: &str) -> HttpResponse {
    html::message(
        StatusCode::BAD_REQUEST,
        "Sign-in request refused",
        &format!("{why} Go back to the application and try again, or tell its administrator."),
    )
}

/// Where the code will go, shown on the consent page.
fn host_of(uri: &str) -> String {
    Url::parse(uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| uri.to_owned())
}
