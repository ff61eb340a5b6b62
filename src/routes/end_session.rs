//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at
//! `GET /logout`: an application sends the person here to sign out of
//! latchkey, and may name where to come back to. The session ends at once
//! when the `id_token_hint` names it; otherwise the person confirms on a
//! page (a link alone must not sign anyone out). `POST /logout` (the
//! confirmation, and latchkey's own sign-out button) then ends it.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use url::Url;

use super::form::Form;
use super::html::{self, LogoutPage};
use super::login::error_page;
use crate::auth::jwt::TokenError;
use crate::db::{self, clients};
use crate::error::ApiError;
use crate::http::cookies::BrowserCookies;
use crate::http::extract::BrowserCaller;
use crate::http::language;
use crate::http::middleware::csp_with_form_target;
use crate::i18n::{Lang, Msg, msg};
use crate::state::AppState;

/// Where to send the person once signed out, as the application asked.
#[derive(Debug, Clone, Default)]
pub struct Return {
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
    pub client_id: Option<String>,
}

impl Return {
    /// The URL to go to after signing out: the registered
    /// `post_logout_redirect_uri` with `state`, else the sign-in page.
    pub fn target(&self) -> String {
        let Some(uri) = &self.post_logout_redirect_uri else {
            return "/login?signed_out=1".to_owned();
        };
        match Url::parse(uri) {
            Ok(mut url) => {
                if let Some(s) = &self.state {
                    url.query_pairs_mut().append_pair("state", s);
                }
                url.into()
            }
            Err(_) => "/login?signed_out=1".to_owned(),
        }
    }

    fn hidden_fields(&self) -> Vec<(&'static str, String)> {
        [
            ("post_logout_redirect_uri", &self.post_logout_redirect_uri),
            ("state", &self.state),
            ("client_id", &self.client_id),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.clone().map(|v| (name, v)))
        .collect()
    }
}

/// Why a logout request cannot be followed where it asks to go.
pub struct Refused(pub Msg);

/// Reads the return the application asked for from `form` (query or
/// body): a `post_logout_redirect_uri` must be registered for the client
/// that `client_id` or the hint's audience names. `hint_aud` is the
/// audience of a verified `id_token_hint`.
pub async fn read_return(
    state: &AppState,
    form: &mut Form,
    hint_aud: Option<String>,
) -> Result<Return, Refused> {
    let uri = form
        .take("post_logout_redirect_uri")
        .filter(|u| !u.is_empty());
    let client_id = form.take("client_id").filter(|c| !c.is_empty());
    let back = Return {
        state: form.take("state"),
        client_id: client_id.clone(),
        post_logout_redirect_uri: None,
    };
    let Some(uri) = uri else {
        return Ok(back);
    };
    if client_id.is_some() && hint_aud.is_some() && client_id != hint_aud {
        return Err(Refused(msg("logout-refused-different-clients")));
    }
    let Some(client_id) = client_id.or(hint_aud) else {
        return Err(Refused(msg("logout-refused-no-client")));
    };
    let lookup = client_id.clone();
    let client = db::run(&state.pool, move |conn| clients::find(conn, &lookup))
        .await
        .ok()
        .flatten();
    match client {
        Some(client) if client.post_logout_redirect_uris().any(|u| u == uri) => Ok(Return {
            post_logout_redirect_uri: Some(uri),
            client_id: Some(client_id),
            ..back
        }),
        _ => Err(Refused(msg("logout-refused-unregistered-uri"))),
    }
}

/// `GET /logout`
pub async fn start(
    req: HttpRequest,
    caller: Result<BrowserCaller, ApiError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let t = language::of(&req);
    let mut form = match Form::parse(req.query_string().as_bytes()) {
        Ok(form) => form,
        Err(_) => return refused(t, msg("bad-query-text")),
    };
    let hint = match form.take("id_token_hint").filter(|h| !h.is_empty()) {
        None => None,
        Some(token) => match state.signer.verify_id_token_hint(&token) {
            Ok(hint) => Some(hint),
            // Signed by a key since retired (or never ours): it proves
            // nothing, so the person is asked, as without a hint.
            Err(TokenError::UnknownKey | TokenError::RetiredKey) => None,
            Err(e) => {
                tracing::info!(event = "logout_hint_refused", error = %e, "id_token_hint refused");
                return refused(t, msg("logout-refused-bad-hint"));
            }
        },
    };
    let back = match read_return(&state, &mut form, hint.as_ref().map(|h| h.aud.clone())).await {
        Ok(back) => back,
        Err(Refused(why)) => return refused(t, why),
    };
    let caller = match BrowserCaller::optional(caller) {
        Ok(caller) => caller,
        Err(e) => return error_page(t, e),
    };
    let Some(caller) = caller else {
        // Nobody is signed in here: nothing to end.
        return html::see_other(&back.target()).finish();
    };
    let session_id = caller.claims.session_id();
    let hint_names_session = hint
        .as_ref()
        .and_then(|h| h.sid.as_deref())
        .is_some_and(|sid| Some(sid) == session_id.map(|id| id.to_string()).as_deref());
    if hint_names_session {
        return super::login::end_browser_session(&req, &state, &back).await;
    }
    let jar = BrowserCookies::new(&state.settings);
    let (mut builder, csrf_token) = html::with_csrf(&req, jar, StatusCode::OK);
    if let Some(origin) = back
        .post_logout_redirect_uri
        .as_deref()
        .and_then(super::authorize::origin_of)
    {
        builder.insert_header((
            header::CONTENT_SECURITY_POLICY,
            csp_with_form_target(&origin),
        ));
    }
    let page = LogoutPage {
        t,
        email: &caller.user.email,
        hidden: back.hidden_fields(),
        csrf_token: &csrf_token,
    };
    html::render(builder, &page)
}

/// The page for a sign-out request that cannot be followed.
pub fn refused(t: Lang, why: Msg) -> HttpResponse {
    html::message(t, StatusCode::BAD_REQUEST, msg("logout-refused-title"), why)
}
