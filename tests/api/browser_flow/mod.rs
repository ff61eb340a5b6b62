//! The browser flow at the HTTP level: pages, cookies, CSRF, redirects,
//! renewal, logout and first-run setup, one file per step a person takes.

mod account;
mod account_actions;
mod field_errors;
mod first_visit;
mod login_page;
mod logout;
pub mod renewal;
mod setup;
mod sign_in;

use std::collections::HashMap;

use crate::support::{PASSWORD, SetCookie, TestApp, set_cookies};

/// A browser's view of the login page: its CSRF token, which the form
/// repeats from the cookie.
pub struct LoginForm {
    pub csrf: String,
}

impl LoginForm {
    /// The `Cookie` header a browser sends back with the form.
    pub fn cookie(&self) -> String {
        format!("latchkey_csrf={}", self.csrf)
    }
}

/// Opens `GET /login` as a browser would.
pub async fn open_login(app: &TestApp) -> LoginForm {
    let response = app.get("/login").await;
    assert_eq!(response.status(), 200);
    let cookies = set_cookies(&response);
    let csrf = cookies
        .get("latchkey_csrf")
        .expect("a CSRF cookie")
        .value
        .clone();
    let body = response.text().await.expect("body");
    assert!(
        body.contains(&format!("name=\"csrf_token\" value=\"{csrf}\"")),
        "the form repeats the cookie"
    );
    LoginForm { csrf }
}

/// Signs in through the form; returns the `Cookie` header a browser would
/// send afterwards, and the cookies as set.
pub async fn sign_in(app: &TestApp, email: &str) -> (String, HashMap<String, SetCookie>) {
    let login = open_login(app).await;
    let csrf_cookie = login.cookie();
    let response = app
        .post_form_with(
            "/login",
            &[
                ("username", email),
                ("password", PASSWORD),
                ("csrf_token", &login.csrf),
                ("next", "/"),
            ],
            &[("Cookie", &csrf_cookie)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let cookies = set_cookies(&response);
    let header = format!(
        "{csrf_cookie}; latchkey_session={}; latchkey_refresh={}",
        cookies["latchkey_session"].value, cookies["latchkey_refresh"].value
    );
    (header, cookies)
}
