//! OpenID Connect as relying parties see it: an RP built on the
//! `openidconnect` crate (discovery, the code flow with PKCE and a nonce,
//! id_token verification through the JWKS, at_hash, userinfo, refresh,
//! key rotation), the checks an RP makes on id_tokens, an Authlib (Python)
//! RP, and RP-initiated logout.

mod authlib_rp;
mod id_token_checks;
mod logout;
mod rp_crate;

use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreIdTokenClaims,
    CoreIdTokenVerifier, CoreProviderMetadata, CoreTokenResponse,
};
use openidconnect::{
    AccessToken, AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge,
    RedirectUrl, Scope, TokenResponse,
};

use crate::applications::walk_to_callback;
use crate::support::{Browser, TestApp, TestClient, query_param};

/// A client configured from discovery (authorization, token and userinfo
/// endpoints as the metadata gives them).
pub type RpClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A relying party on the `openidconnect` crate, configured as one is in
/// real life: the issuer URL, a client id and secret, a redirect URI.
pub struct Rp {
    pub client: RpClient,
    /// What discovery returned, the JWKS included (as fetched then).
    pub metadata: CoreProviderMetadata,
    pub registered: TestClient,
    pub http: reqwest::Client,
}

/// One sign-in's token response and the nonce the RP sent with it.
pub struct SignIn {
    pub tokens: CoreTokenResponse,
    pub nonce: Nonce,
}

impl SignIn {
    pub fn id_token(&self) -> &CoreIdToken {
        self.tokens.id_token().expect("an id_token (scope openid)")
    }
}

/// An HTTP client for the RP's back channel; redirects are not followed
/// (as the crate recommends, against SSRF).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

impl Rp {
    /// OpenID Connect Discovery from `app`'s issuer (the crate also fetches
    /// the JWKS and checks that the document's `issuer` is the URL it
    /// asked).
    pub async fn discover(app: &TestApp, registered: &TestClient) -> Self {
        let http = http_client();
        let issuer = IssuerUrl::new(app.settings.issuer.clone()).expect("issuer URL");
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .expect("discovery");
        let client = CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(registered.id.clone()),
            registered.secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(RedirectUrl::new(registered.redirect_uri.clone()).expect("URI"));
        Self {
            client,
            metadata,
            registered: registered.clone(),
            http,
        }
    }

    /// The code flow with PKCE (S256) and a nonce, scopes `openid email`:
    /// `browser` signs in (if it has no session) and consents (if asked);
    /// state and `iss` are checked at the callback, then the code is
    /// exchanged.
    pub async fn sign_in(&self, app: &TestApp, browser: &Browser) -> SignIn {
        self.sign_in_with(app, browser, &[]).await
    }

    /// The same, asking for `prompts` too.
    pub async fn sign_in_with(
        &self,
        app: &TestApp,
        browser: &Browser,
        prompts: &[CoreAuthPrompt],
    ) -> SignIn {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge);
        for prompt in prompts {
            request = request.add_prompt(prompt.clone());
        }
        let (url, state, nonce) = request.url();
        let callback = walk_to_callback(app, browser, url.as_str()).await;
        assert_eq!(
            query_param(&callback, "state").as_deref(),
            Some(state.secret().as_str()),
            "{callback}"
        );
        assert_eq!(
            query_param(&callback, "iss").as_deref(),
            Some(app.settings.issuer.as_str()),
            "{callback}"
        );
        let code = query_param(&callback, "code").expect("a code");
        let tokens = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .expect("a token endpoint")
            .set_pkce_verifier(verifier)
            .request_async(&self.http)
            .await
            .expect("the code exchange");
        SignIn { tokens, nonce }
    }

    /// A verifier for this RP with `jwks` instead of the one discovery
    /// fetched.
    pub fn verifier_with(
        &self,
        jwks: openidconnect::core::CoreJsonWebKeySet,
    ) -> CoreIdTokenVerifier<'static> {
        CoreIdTokenVerifier::new_public_client(
            ClientId::new(self.registered.id.clone()),
            self.metadata.issuer().clone(),
            jwks,
        )
    }
}

/// The `at_hash` an RP computes for `access_token` with the algorithm and
/// key that verified `id_token`.
pub fn expected_at_hash(
    id_token: &CoreIdToken,
    verifier: &CoreIdTokenVerifier<'_>,
    access_token: &AccessToken,
) -> AccessTokenHash {
    AccessTokenHash::from_token(
        access_token,
        id_token.signing_alg().expect("a signing algorithm"),
        id_token
            .signing_key(verifier)
            .expect("a key for the id_token"),
    )
    .expect("at_hash")
}

/// A nonce check for refreshed id_tokens: none is required (the refresh
/// request sends none), but one that is there must be the sign-in's.
pub fn nonce_absent_or(nonce: &Nonce) -> impl FnOnce(Option<&Nonce>) -> Result<(), String> + '_ {
    move |found| match found {
        None => Ok(()),
        Some(n) if n.secret() == nonce.secret() => Ok(()),
        Some(n) => Err(format!("nonce {} is not the sign-in's", n.secret())),
    }
}

/// The claims of `id_token`, verified by `verifier` with the sign-in's
/// nonce.
pub fn verified<'a>(
    id_token: &'a CoreIdToken,
    verifier: &CoreIdTokenVerifier<'_>,
    nonce: &Nonce,
) -> &'a CoreIdTokenClaims {
    id_token
        .claims(verifier, nonce)
        .unwrap_or_else(|e| panic!("the id_token does not verify: {e:?}"))
}

/// The `kid` in a JWT's header.
pub fn kid_of(jwt: &str) -> String {
    jsonwebtoken::decode_header(jwt)
        .expect("a JWT header")
        .kid
        .expect("a kid")
}
