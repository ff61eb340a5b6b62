//! Applications in tests: registering one straight in the server's
//! database, a browser (a cookie-keeping HTTP client that does not follow
//! redirects) to walk through sign-in and consent, and PKCE pairs.

use latchkey::auth::clients::{new_client_id, new_secret, normalise_grants, secret_hash};
use latchkey::auth::pkce;
use latchkey::db::clients::{self, Client};

use super::TestApp;

/// A registered application, as `latchkey client add` would print it.
#[derive(Debug, Clone)]
pub struct TestClient {
    pub id: String,
    /// `None` for a public client.
    pub secret: Option<String>,
    pub redirect_uri: String,
}

/// What to register.
pub struct ClientSpec<'a> {
    pub redirect_uris: &'a [&'a str],
    pub public: bool,
    pub trusted: bool,
    pub scopes: &'a [&'a str],
    pub grants: &'a [&'a str],
    /// Where RP-initiated logout may send the person back to.
    pub post_logout_redirect_uris: &'a [&'a str],
    /// `RS256` or `EdDSA`.
    pub id_token_alg: &'a str,
}

impl Default for ClientSpec<'_> {
    fn default() -> Self {
        Self {
            redirect_uris: &["https://app.example/callback"],
            public: false,
            trusted: false,
            scopes: &["openid", "email", "read"],
            grants: &[],
            post_logout_redirect_uris: &[],
            id_token_alg: "RS256",
        }
    }
}

impl TestApp {
    pub fn add_client(&self, spec: ClientSpec<'_>) -> TestClient {
        let secret = (!spec.public).then(new_secret);
        let grants: Vec<String> = spec.grants.iter().map(|g| g.to_string()).collect();
        let client = Client {
            id: new_client_id(),
            name: "Test App".into(),
            secret_hash: secret.as_deref().map(secret_hash),
            redirect_uris: spec.redirect_uris.join(" "),
            post_logout_redirect_uris: spec.post_logout_redirect_uris.join(" "),
            grants: normalise_grants(&grants, spec.public)
                .expect("grants")
                .join(" "),
            scopes: spec.scopes.join(" "),
            trusted: spec.trusted,
            created_at: 0,
            id_token_alg: spec.id_token_alg.into(),
        };
        clients::insert(&mut self.connection(), &client).expect("insert client");
        TestClient {
            id: client.id,
            secret,
            redirect_uri: spec.redirect_uris[0].to_owned(),
        }
    }
}

impl TestApp {
    /// `POST path` with `fields`, the client authenticating with HTTP
    /// Basic (`client_secret_basic`).
    pub async fn client_basic(
        &self,
        path: &str,
        id: &str,
        secret: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url(path))
            .basic_auth(id, Some(secret))
            .form(fields)
            .send()
            .await
            .expect("request")
    }
}

/// A PKCE verifier and its S256 challenge.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier = latchkey::auth::random::random_token(32);
        let challenge = pkce::s256(&verifier);
        Self {
            verifier,
            challenge,
        }
    }

    /// `authorize` (`/authorize`, or its absolute URL) asking a code for
    /// `client_id` with this challenge: where an application sends a browser.
    pub fn authorize_url(
        &self,
        authorize: &str,
        client_id: &str,
        redirect_uri: &str,
        scope: &str,
        state: &str,
    ) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", scope)
            .append_pair("state", state)
            .append_pair("code_challenge", &self.challenge)
            .append_pair("code_challenge_method", "S256")
            .finish();
        format!("{authorize}?{query}")
    }
}

/// A browser: keeps cookies, never follows redirects (the tests look at
/// each one).
pub struct Browser {
    pub http: reqwest::Client,
    base: String,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self::with_client(app, http)
    }

    /// A browser over `http`, which must keep cookies and not follow
    /// redirects.
    pub fn with_client(app: &TestApp, http: reqwest::Client) -> Self {
        Self {
            http,
            base: app.url(""),
        }
    }

    /// The server's base URL, `http://host:port`.
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    fn absolute(&self, target: &str) -> String {
        if target.starts_with('/') {
            format!("{}{target}", self.base)
        } else {
            target.to_owned()
        }
    }

    pub async fn get(&self, target: &str) -> reqwest::Response {
        self.http
            .get(self.absolute(target))
            .send()
            .await
            .expect("GET")
    }

    pub async fn post(&self, target: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.absolute(target))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Signs in on the login page that `login_page` (a `/login?...` URL)
    /// shows; returns the answer to the form (a 303 on success).
    pub async fn sign_in(
        &self,
        login_page: &str,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let page = self.get(login_page).await;
        assert_eq!(page.status(), 200, "the login page");
        let html = page.text().await.expect("body");
        let csrf = hidden_value(&html, "csrf_token").expect("a CSRF field");
        let next = hidden_value(&html, "next").unwrap_or_else(|| "/".into());
        self.post(
            "/login",
            &[
                ("csrf_token", &csrf),
                ("next", &next),
                ("username", email),
                ("password", password),
            ],
        )
        .await
    }
}

/// The `Location` of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("a redirect, got {}", response.status()))
        .to_str()
        .expect("ASCII location")
        .to_owned()
}

/// A query parameter of `url`.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    parsed
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The value of the hidden field `name` in a page, HTML entities decoded.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(unescape(&html[start..end]))
}

/// Undoes askama's escaping: numeric entities (`&#38;`) and the named
/// few.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// All hidden fields of the form in a page, in order.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    const START: &str = "type=\"hidden\" name=\"";
    let mut fields = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(START) {
        rest = &rest[at + START.len()..];
        let Some(end) = rest.find('"') else { break };
        let name = &rest[..end];
        if let Some(value) = hidden_value(&format!("name=\"{name}\"{}", &rest[end + 1..]), name) {
            fields.push((name.to_owned(), value));
        }
    }
    fields
}
