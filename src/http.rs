//! What touches a request: extractors, the browser's cookies, CSRF, the
//! client's address and the middleware. Policy lives in `auth`, storage in
//! `db`; this layer turns requests into their terms and back.

pub mod client_address;
pub mod cookies;
pub mod csrf;
pub mod extract;
pub mod language;
pub mod middleware;
