//! Strict `application/x-www-form-urlencoded` bodies: a size cap, exact
//! percent-decoding, UTF-8 only, and no parameter given twice (RFC 6749
//! §3.2). Every failure is a client error with a clear message.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, web};

use crate::error::ApiError;

/// Largest form body accepted; larger ones get 413.
pub const FORM_BODY_LIMIT: usize = 16 * 1024;

#[derive(Debug, Default)]
pub struct Form(HashMap<String, String>);

impl Form {
    /// Reads and parses the body of `req`.
    pub async fn read(req: &HttpRequest, payload: web::Payload) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let media_type = content_type.split(';').next().unwrap_or("").trim();
        if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(ApiError::InvalidRequest(
                "the body must be application/x-www-form-urlencoded".into(),
            ));
        }
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|length| length > FORM_BODY_LIMIT) {
            return Err(ApiError::PayloadTooLarge);
        }
        let body = payload
            .to_bytes_limited(FORM_BODY_LIMIT)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?
            .map_err(|_| ApiError::InvalidRequest("the request body could not be read".into()))?;
        Self::parse(&body)
    }

    pub fn parse(body: &[u8]) -> Result<Self, ApiError> {
        let mut fields = HashMap::new();
        for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &b""[..]),
            };
            let name = decode(name)?;
            let value = decode(value)?;
            if fields.contains_key(&name) {
                return Err(ApiError::InvalidRequest(format!(
                    "the parameter {name:?} is repeated"
                )));
            }
            fields.insert(name, value);
        }
        Ok(Self(fields))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Takes the value of `name` out, for the typed form built from this.
    pub fn take(&mut self, name: &str) -> Option<String> {
        self.0.remove(name)
    }
}

fn decode(raw: &[u8]) -> Result<String, ApiError> {
    percent_decode(raw, true).map_err(|e| {
        ApiError::InvalidRequest(match e {
            DecodeError::Escape => "the form body has malformed percent-encoding".into(),
            DecodeError::Utf8 => "the form body is not valid UTF-8".into(),
        })
    })
}

/// Why text could not be percent-decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A `%` not followed by two hex digits.
    Escape,
    /// The decoded bytes are not UTF-8.
    Utf8,
}

/// Strict percent-decoding: every `%` needs two hex digits and the result
/// must be UTF-8. `plus_is_space` for form encoding, not for paths.
pub fn percent_decode(raw: &[u8], plus_is_space: bool) -> Result<String, DecodeError> {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => {
                let high = bytes.next().and_then(|h| hex(*h));
                let low = bytes.next().and_then(|l| hex(*l));
                match (high, low) {
                    (Some(h), Some(l)) => out.push(h << 4 | l),
                    _ => return Err(DecodeError::Escape),
                }
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).map_err(|_| DecodeError::Utf8)
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent_escapes() {
        let form = Form::parse(b"username=a%40b.c&password=p+w%C3%A9&scope=").expect("valid");
        assert_eq!(form.get("username"), Some("a@b.c"));
        assert_eq!(form.get("password"), Some("p w\u{e9}"));
        assert_eq!(form.get("scope"), Some(""));
        assert_eq!(form.get("missing"), None);
    }

    #[test]
    fn refuses_bad_escapes_bad_utf8_and_repeats() {
        assert!(Form::parse(b"a=%zz").is_err());
        assert!(Form::parse(b"a=%4").is_err());
        assert!(Form::parse(b"a=%ff").is_err());
        assert!(Form::parse(b"a=1&a=2").is_err());
    }
}
