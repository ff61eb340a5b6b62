//! Pages and mails in the reader's language: the choice from
//! `Accept-Language` and `LATCHKEY_DEFAULT_LANGUAGE`, what an answer says
//! about it, translated pages and mails, and the `en-XA` pseudo-locale,
//! through which every page is read for text that no catalogue gave.

mod choice;
mod pseudo;
mod translated;

use crate::support::{Browser, TestApp};

/// A browser whose every request says `Accept-Language: accept`.
pub fn browser_speaking(app: &TestApp, accept: &str) -> Browser {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT_LANGUAGE,
        accept.parse().expect("a header value"),
    );
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client");
    Browser::with_client(app, http)
}

/// The value of `<html lang="...">` in `html`.
pub fn html_lang(html: &str) -> &str {
    let start = html.find("<html lang=\"").expect("<html lang>") + "<html lang=\"".len();
    let end = html[start..].find('"').expect("closing quote") + start;
    &html[start..end]
}
