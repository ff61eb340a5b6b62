//! Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1,
//! six digits, 30-second steps, one step of clock skew either way. What
//! authenticator apps expect, through an `otpauth://` URI or its QR code.

use aws_lc_rs::hmac;
use subtle::ConstantTimeEq;

/// Seconds a code stands for.
pub const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
/// 160 bits, as RFC 4226 recommends for HMAC-SHA-1.
const SECRET_BYTES: usize = 20;

/// A new shared secret, base32 (what apps and people type).
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::fill(&mut bytes);
    base32(&bytes)
}

/// The time step of a Unix time.
pub fn step_at(unix: i64) -> i64 {
    unix.div_euclid(STEP_SECONDS)
}

/// The code for `step` (RFC 4226 §5.3 dynamic truncation).
pub fn code_at(secret_base32: &str, step: i64) -> Option<String> {
    let key = base32_decode(secret_base32)?;
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &key);
    let tag = hmac::sign(&key, &step.to_be_bytes());
    let mac = tag.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]) & 0x7fff_ffff;
    Some(format!(
        "{:0width$}",
        binary % 10u32.pow(DIGITS),
        width = DIGITS as usize
    ))
}

/// The step `code` is right for at `now`, within one step either way, if
/// any; steps up to `last_step` were used already and count as wrong.
pub fn matching_step(secret_base32: &str, code: &str, now: i64, last_step: i64) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_at(now);
    (current - 1..=current + 1)
        .filter(|step| *step > last_step)
        .find(|step| {
            code_at(secret_base32, *step)
                .is_some_and(|expected| bool::from(expected.as_bytes().ct_eq(code.as_bytes())))
        })
}

/// The `otpauth://` URI authenticator apps read (the key-uri format).
pub fn otpauth_uri(secret_base32: &str, issuer: &str, account: &str) -> String {
    let label = format!("{issuer}:{account}");
    let mut uri = url::Url::parse("otpauth://totp/").expect("a constant URL");
    uri.set_path(&format!("/{}", encode_label(&label)));
    uri.query_pairs_mut()
        .append_pair("secret", secret_base32)
        .append_pair("issuer", issuer)
        .append_pair("algorithm", "SHA1")
        .append_pair("digits", "6")
        .append_pair("period", "30");
    uri.into()
}

fn encode_label(label: &str) -> String {
    url::form_urlencoded::byte_serialize(label.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// A QR code of `text` as an SVG element, drawn on the server: no script.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

/// Ten recovery codes, `xxxxx-xxxxx` from 31 characters that cannot be
/// mistaken for one another (about 49 random bits each).
pub fn new_recovery_codes() -> Vec<String> {
    const CHARS: &[u8; 31] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..10)
        .map(|_| {
            let mut code = String::with_capacity(11);
            while code.len() < 11 {
                if code.len() == 5 {
                    code.push('-');
                }
                let mut byte = [0u8; 1];
                rand::fill(&mut byte);
                // Rejection keeps every character equally likely.
                if usize::from(byte[0]) < CHARS.len() * 8 {
                    code.push(CHARS[usize::from(byte[0]) % CHARS.len()] as char);
                }
            }
            code
        })
        .collect()
}

/// A recovery code as typed: case and dashes/spaces do not matter.
pub fn normalise_recovery_code(typed: &str) -> String {
    let compact: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match (compact.get(..5), compact.get(5..)) {
        (Some(a), Some(b)) if compact.len() == 10 => format!("{a}-{b}"),
        _ => compact,
    }
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=') {
        let value = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, secret "12345678901234567890", with the
    /// six low digits of the eight-digit values given there.
    #[test]
    fn the_rfc_6238_sha1_vectors_hold() {
        let secret = base32(b"12345678901234567890");
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(
                code_at(&secret, step_at(time)).as_deref(),
                Some(code),
                "{time}"
            );
        }
    }

    #[test]
    fn a_code_matches_one_step_either_way_and_never_a_used_step_again() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let here = step_at(now);
        for step in [here - 1, here, here + 1] {
            let code = code_at(&secret, step).expect("code");
            assert_eq!(matching_step(&secret, &code, now, 0), Some(step));
            assert_eq!(matching_step(&secret, &code, now, step), None, "replay");
        }
        let old = code_at(&secret, here - 2).expect("code");
        assert_eq!(matching_step(&secret, &old, now, 0), None);
        assert_eq!(matching_step(&secret, "12345", now, 0), None);
        assert_eq!(matching_step(&secret, "abcdef", now, 0), None);
    }

    #[test]
    fn the_otpauth_uri_names_issuer_account_and_secret() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "latchkey", "alice@example.com");
        assert!(
            uri.starts_with("otpauth://totp/latchkey%3Aalice%40example.com?"),
            "{uri}"
        );
        assert!(uri.contains("secret=JBSWY3DPEHPK3PXP"));
        assert!(uri.contains("issuer=latchkey"));
        assert!(qr_svg(&uri).is_some_and(|svg| svg.contains("<svg")));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        assert_eq!(normalise_recovery_code(" AbCdE fGhIj "), "abcde-fghij");
        assert_eq!(normalise_recovery_code(&codes[0].to_uppercase()), codes[0]);
    }
}
