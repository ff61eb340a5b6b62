//! `latchkey user import FILE`: existing users with their existing hashes,
//! from JSON lines or CSV (the seed's column names `email` and
//! `hashed_password`). All or nothing: any bad line, duplicate or existing
//! email imports nothing, and every problem is reported by line number.
//! Hashes are never printed.

use std::collections::HashMap;

use argon2::password_hash::phc::PasswordHash;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::auth::credentials::Email;
use crate::auth::password;
use crate::config::Argon2Cost;
use crate::db::{self, AnyConnection, users};

/// One accepted line.
pub struct ImportRow {
    pub line: usize,
    pub email: Email,
    pub hash: String,
}

/// What went wrong with a file, line by line.
#[derive(Debug, thiserror::Error)]
#[error("nothing imported: {} problem(s)", .0.len())]
pub struct ImportProblems(pub Vec<String>);

/// Parses `text`, telling JSON lines from CSV by its first character.
/// Hashes far dearer than `cost` are refused (see
/// [`password::excessive_cost`]).
pub fn parse(text: &str, cost: Argon2Cost) -> Result<Vec<ImportRow>, ImportProblems> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw = if text.trim_start().starts_with('{') {
        parse_json_lines(text)
    } else {
        parse_csv(text)
    }?;
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (line, email, hash) in raw {
        let email = match Email::parse(&email) {
            Ok(email) => email,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        if !is_supported_hash(&hash) {
            problems.push(format!(
                "line {line}: hashed_password of {email} is neither an argon2 PHC string nor a bcrypt hash (2a, 2b or 2y)"
            ));
            continue;
        }
        if let Some(reason) = password::excessive_cost(cost, &hash) {
            problems.push(format!(
                "line {line}: hashed_password of {email} is too costly to verify ({reason}); have the user reset the password instead"
            ));
            continue;
        }
        if let Some(first) = first_line.get(email.as_str()) {
            problems.push(format!("line {line}: {email} is already on line {first}"));
            continue;
        }
        first_line.insert(email.as_str().to_owned(), line);
        rows.push(ImportRow { line, email, hash });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(ImportProblems(problems))
    }
}

type RawRow = (usize, String, String);

fn parse_json_lines(text: &str) -> Result<Vec<RawRow>, ImportProblems> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(line) {
            Ok(value) => value,
            Err(e) => {
                problems.push(format!("line {number}: not valid JSON ({e})"));
                continue;
            }
        };
        match (value["email"].as_str(), value["hashed_password"].as_str()) {
            (Some(email), Some(hash)) => rows.push((number, email.to_owned(), hash.to_owned())),
            _ => problems.push(format!(
                "line {number}: needs the string fields \"email\" and \"hashed_password\""
            )),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(ImportProblems(problems))
    }
}

fn parse_csv(text: &str) -> Result<Vec<RawRow>, ImportProblems> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ImportProblems(vec![format!("line 1: not a CSV header ({e})")]))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(email_at), Some(hash_at)) = (column("email"), column("hashed_password")) else {
        return Err(ImportProblems(vec![
            "line 1: the CSV header must name the columns email and hashed_password".to_owned(),
        ]));
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| line_at(text, p.byte()));
                match (record.get(email_at), record.get(hash_at)) {
                    (Some(email), Some(hash)) => {
                        rows.push((line, email.to_owned(), hash.to_owned()))
                    }
                    _ => problems.push(format!(
                        "line {line}: missing the email or hashed_password field"
                    )),
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(text, p.byte()));
                problems.push(format!("line {line}: not valid CSV ({})", csv_reason(&e)));
            }
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(ImportProblems(problems))
    }
}

/// The 1-based line where the record at byte `offset` starts. Counted
/// here because with CRLF line ends the csv crate places a record at the
/// `\n` that ends the previous line, one line short.
fn line_at(text: &str, offset: u64) -> usize {
    let bytes = text.as_bytes();
    let mut start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    bytes[..start].iter().filter(|b| **b == b'\n').count() + 1
}

/// The kind of a CSV error, without the record's content (it may hold a hash).
fn csv_reason(error: &csv::Error) -> &'static str {
    match error.kind() {
        csv::ErrorKind::UnequalLengths { .. } => {
            "wrong number of fields; quote fields that hold commas, as argon2 hashes do"
        }
        csv::ErrorKind::Utf8 { .. } => "not UTF-8",
        _ => "malformed record",
    }
}

/// argon2 PHC strings (any variant; upgraded on first login) and the
/// bcrypt forms passlib writes.
fn is_supported_hash(hash: &str) -> bool {
    if hash.starts_with("$argon2") {
        return PasswordHash::new(hash)
            .is_ok_and(|parsed| argon2::Params::try_from(&parsed).is_ok());
    }
    password::is_bcrypt(hash)
}

/// Inserts every row in one transaction, or none: an email that already
/// exists is a problem reported by line.
pub fn store(conn: &mut AnyConnection, rows: &[ImportRow]) -> anyhow::Result<usize> {
    let mut existing = Vec::new();
    for row in rows {
        if users::find_by_email(conn, row.email.as_str())?.is_some() {
            existing.push(format!(
                "line {}: a user with email {} already exists",
                row.line, row.email
            ));
        }
    }
    if !existing.is_empty() {
        return Err(ImportProblems(existing).into());
    }
    let inserted = db::write_transaction(conn, |conn| {
        for row in rows {
            users::insert(conn, row.email.as_str(), &row.hash, &[])?;
        }
        Ok::<_, DieselError>(rows.len())
    });
    match inserted {
        Ok(count) => Ok(count),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            anyhow::bail!(
                "nothing imported: a user was created by someone else meanwhile; run the import again"
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::password::CHEAP;

    const BCRYPT: &str = "$2b$10$/9J.IJ4.NacP0jcGnfaZsuL9vg5ZWrQ2DowtcO2nX3VhepcaTNprK";

    #[test]
    fn csv_with_bom_quotes_and_crlf_is_read() {
        let text = format!("\u{feff}email,hashed_password\r\n\"Bob@Example.com\",{BCRYPT}\r\n");
        let rows = parse(&text, CHEAP).expect("valid");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].email.as_str(), "bob@example.com");
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn json_lines_are_told_apart_from_csv() {
        let text =
            format!("{{\"email\": \"a@example.com\", \"hashed_password\": \"{BCRYPT}\"}}\n\n");
        assert_eq!(parse(&text, CHEAP).expect("valid").len(), 1);
    }

    #[test]
    fn every_bad_line_is_reported_by_number_without_the_hash() {
        let text = format!(
            "email,hashed_password\na@example.com,{BCRYPT}\nnot-an-email,{BCRYPT}\nb@example.com,plaintext-password\nA@example.com,{BCRYPT}\n"
        );
        let problems = parse(&text, CHEAP).err().expect("refused").0;
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("line 3:"));
        assert!(problems[1].starts_with("line 4:"));
        assert!(problems[2].starts_with("line 5:") && problems[2].contains("line 2"));
        assert!(
            problems
                .iter()
                .all(|p| !p.contains("plaintext-password") && !p.contains(BCRYPT))
        );
    }

    /// A well-formed hash of the given bcrypt cost (never verified here).
    fn bcrypt_of_cost(cost: u32) -> String {
        format!("$2b${cost:02}${}", &BCRYPT[7..])
    }

    fn argon2_of(m_kib: u32, t: u32) -> String {
        format!(
            "$argon2id$v=19$m={m_kib},t={t},p=1$c2FsdHNhbHRzYWx0c2FsdA$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWhhc2g"
        )
    }

    #[test]
    fn hashes_far_dearer_than_the_configured_cost_are_refused_by_line() {
        let cost = Argon2Cost {
            m_kib: 1024,
            t: 2,
            p: 1,
        };
        let accepted = [bcrypt_of_cost(14), argon2_of(4 * 1024, 8), argon2_of(64, 1)];
        for (i, hash) in accepted.iter().enumerate() {
            let text =
                format!("{{\"email\": \"ok{i}@example.com\", \"hashed_password\": \"{hash}\"}}\n");
            assert!(parse(&text, cost).is_ok(), "{hash} must be accepted");
        }
        let text = format!(
            "email,hashed_password\na@example.com,{}\nb@example.com,{}\nc@example.com,\"{}\"\nd@example.com,\"{}\"\n",
            BCRYPT,
            bcrypt_of_cost(15),
            argon2_of(4 * 1024 + 1, 2),
            argon2_of(1024, 9),
        );
        let problems = parse(&text, cost).err().expect("refused").0;
        assert_eq!(
            problems,
            [
                "line 3: hashed_password of b@example.com is too costly to verify (bcrypt cost 15 is above 14); have the user reset the password instead",
                "line 4: hashed_password of c@example.com is too costly to verify (argon2 memory m=4097 KiB is above 4 x the configured 1024 KiB); have the user reset the password instead",
                "line 5: hashed_password of d@example.com is too costly to verify (argon2 time t=9 is above 4 x the configured 2); have the user reset the password instead",
            ]
        );
    }

    #[test]
    fn login_and_import_agree_on_what_a_bcrypt_hash_is() {
        assert!(password::is_bcrypt(BCRYPT));
        assert_eq!(password::bcrypt_cost(BCRYPT), Some(10));
        // Login used to take any `$2b$` prefix for bcrypt; import refused
        // these. Now both refuse them.
        for bad in [
            "$2b$10$short",
            "$2b$99$/9J.IJ4.NacP0jcGnfaZsuL9vg5ZWrQ2DowtcO2nX3VhepcaTNprK",
            "$2b$03$/9J.IJ4.NacP0jcGnfaZsuL9vg5ZWrQ2DowtcO2nX3VhepcaTNprK",
            "$2b$1x$/9J.IJ4.NacP0jcGnfaZsuL9vg5ZWrQ2DowtcO2nX3VhepcaTNprK",
            "$2x$10$/9J.IJ4.NacP0jcGnfaZsuL9vg5ZWrQ2DowtcO2nX3VhepcaTNprK",
            "$2b$é$/9J.IJ4.NacP0jcGnfaZsuL9vg5ZWrQ2DowtcO2nX3VhepcaTNpr",
        ] {
            assert!(!password::is_bcrypt(bad), "{bad}");
            assert!(!is_supported_hash(bad), "{bad}");
        }
    }
}
