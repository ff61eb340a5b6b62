//! An authorization request, read and checked: the client and its exact
//! redirect URI first (until then errors are pages), then PKCE, scopes,
//! `prompt` and `max_age` (errors go back to the client).

use super::redirect::{error_redirect, redirect_error, refused_page};
use crate::auth::authorization;
use crate::auth::pkce;
use crate::db::{self, clients, clients::Client};
use crate::error::ApiError;
use crate::i18n::{Lang, Msg, msg};
use crate::routes::form::Form;
use crate::routes::login::error_page;
use crate::state::AppState;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;

/// What `prompt` asks for (OpenID Connect Core §3.1.2.1): a
/// space-separated list; `none` stands alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Prompt {
    pub(super) none: bool,
    pub(super) login: bool,
    pub(super) consent: bool,
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
pub(super) struct AuthorizationRequest {
    pub(super) client: Client,
    pub(super) redirect_uri: String,
    /// The scope parameter as sent, if any, and what it names.
    pub(super) scope_param: Option<String>,
    pub(super) scopes: Vec<String>,
    pub(super) state: Option<String>,
    pub(super) code_challenge: String,
    pub(super) nonce: Option<String>,
    pub(super) prompt: Prompt,
    pub(super) max_age: Option<i64>,
    pub(super) login_hint: Option<String>,
}

/// Why a request cannot go on, and how to say so.
pub(super) enum Refusal {
    /// Before the client and redirect URI are trusted: a page.
    Page(Msg),
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
    pub(super) fn respond(self, t: Lang, state: &AppState) -> HttpResponse {
        match self {
            Self::Page(why) => refused_page(t, why),
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
            Self::Unavailable(e) => error_page(t, e),
        }
    }
}

impl AuthorizationRequest {
    pub(super) async fn read(state: &AppState, mut form: Form) -> Result<Self, Refusal> {
        let client_id = form
            .take("client_id")
            .filter(|id| !id.is_empty())
            .ok_or_else(|| Refusal::Page(msg("authorize-no-client")))?;
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
                Refusal::Page(msg("authorize-unknown-client"))
            })?;
        let redirect_uri = form
            .take("redirect_uri")
            .ok_or_else(|| Refusal::Page(msg("authorize-no-redirect-uri")))?;
        // Exact string comparison (RFC 9700 §4.1.3): no prefix, no
        // normalisation, no port leeway.
        if !client.redirect_uris().any(|uri| uri == redirect_uri) {
            tracing::info!(event = "authorize_refused", reason = "unregistered redirect_uri", client_id = %client.id, "authorization request refused");
            return Err(Refusal::Page(msg("authorize-unregistered-redirect-uri")));
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
    pub(super) fn hidden_fields(&self) -> Vec<(&'static str, String)> {
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

    pub(super) fn error(
        &self,
        error: &'static str,
        description: &str,
        state: &AppState,
    ) -> HttpResponse {
        error_redirect(self, error, description, state, StatusCode::FOUND)
    }
}
