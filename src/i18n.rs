//! The languages of pages and mails. Every word a person reads on a page
//! or in a mail comes from the Fluent catalogues in `locales/<tag>/*.ftl`,
//! compiled into the binary; [`Lang`] picks one of them and
//! [`accept_language`] chooses it from a request's `Accept-Language`.
//! JSON answers, the CLI and logs stay English.
//!
//! Message ids are string literals in the code, so a test can check the
//! catalogues against their users: in templates and Rust the call
//! `t.tr("id")` (or `tr_with`, `tr1`, `tr2`, `tr1_strong`, `tr2_strong`),
//! and where an id is picked
//! before it is looked up, [`msg`]`("id")`.
//!
//! Reads nothing of ours (like [`crate::config`], which parses the default
//! language with it).

mod accept_language;
#[cfg(test)]
mod catalogue_check;
mod pseudo;

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

pub use accept_language::choose;

static_loader! {
    static CATALOGUES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around every argument would end up in
        // form values and mail subjects; our arguments are short and
        // rarely right-to-left.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language latchkey speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    De,
    Fr,
    Es,
    PtBr,
    Ja,
    ZhCn,
    /// `en-XA`, Chromium's name for a pseudo-locale: English with accented
    /// letters, each message inside "⟦" and "⟧", made from the English
    /// catalogue at run time, so untranslated text stands out. Reachable
    /// through `Accept-Language`, never listed.
    Pseudo,
}

impl Lang {
    /// The languages people can choose, in the order the README lists them.
    pub const LISTED: [Lang; 7] = [
        Lang::En,
        Lang::De,
        Lang::Fr,
        Lang::Es,
        Lang::PtBr,
        Lang::Ja,
        Lang::ZhCn,
    ];

    /// Its BCP 47 tag, as in `<html lang>`, `Content-Language` and the
    /// name of its folder under `locales/`.
    pub fn tag(&self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::PtBr => "pt-BR",
            Lang::Ja => "ja",
            Lang::ZhCn => "zh-CN",
            Lang::Pseudo => "en-XA",
        }
    }

    /// The listed language with this tag (any letter case): the value of
    /// `LATCHKEY_DEFAULT_LANGUAGE`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Self::LISTED
            .into_iter()
            .find(|lang| lang.tag().eq_ignore_ascii_case(tag))
    }

    /// The listed tags, for messages: "en, de, fr, es, pt-BR, ja, zh-CN".
    pub fn listed_tags() -> String {
        Self::LISTED.map(|lang| lang.tag()).join(", ")
    }

    fn catalogue(self) -> LanguageIdentifier {
        match self {
            Lang::En | Lang::Pseudo => langid!("en"),
            Lang::De => langid!("de"),
            Lang::Fr => langid!("fr"),
            Lang::Es => langid!("es"),
            Lang::PtBr => langid!("pt-BR"),
            Lang::Ja => langid!("ja"),
            Lang::ZhCn => langid!("zh-CN"),
        }
    }

    /// The message `id`.
    pub fn tr(&self, id: &str) -> String {
        self.tr_with(id, &[])
    }

    /// The message `id` with one argument, for templates.
    pub fn tr1<'a>(&self, id: &str, name: &str, value: impl Into<Arg<'a>>) -> String {
        self.tr_with(id, &[(name, value.into())])
    }

    /// The message `id` with two arguments, for templates.
    pub fn tr2<'a, 'b>(
        &self,
        id: &str,
        name: &str,
        value: impl Into<Arg<'a>>,
        other_name: &str,
        other_value: impl Into<Arg<'b>>,
    ) -> String {
        self.tr_with(
            id,
            &[(name, value.into()), (other_name, other_value.into())],
        )
    }

    /// The message `id` as HTML, its argument `name` in `<strong>`: the
    /// words stay one message whatever order a language puts them in.
    /// Everything is escaped; use it with askama's `|safe`.
    pub fn tr1_strong(&self, id: &str, name: &str, value: &str) -> String {
        self.strong(id, &[(name, value)])
    }

    /// [`Self::tr1_strong`] with two arguments, both in `<strong>`.
    pub fn tr2_strong(
        &self,
        id: &str,
        name: &str,
        value: &str,
        other_name: &str,
        other_value: &str,
    ) -> String {
        self.strong(id, &[(name, value), (other_name, other_value)])
    }

    fn strong(&self, id: &str, args: &[(&str, &str)]) -> String {
        // Each argument goes in as a marker no message or value contains,
        // so the message can be escaped whole and the markers replaced.
        let markers: Vec<String> = (0..args.len())
            .map(|i| format!("{STRONG_MARK}{i}{STRONG_MARK}"))
            .collect();
        let fluent_args: Vec<(&str, Arg<'_>)> = args
            .iter()
            .zip(&markers)
            .map(|((name, _), marker)| (*name, Arg::from(marker.as_str())))
            .collect();
        let mut html = escape_html(&self.tr_with(id, &fluent_args));
        for ((_, value), marker) in args.iter().zip(&markers) {
            let value = escape_html(&value.replace(STRONG_MARK, ""));
            html = html.replace(marker, &format!("<strong>{value}</strong>"));
        }
        html
    }

    /// The message `id` with `args`. A message missing from this
    /// language falls back to English; one missing from English (a test
    /// keeps that from happening) shows its id.
    pub fn tr_with(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let pseudo = *self == Lang::Pseudo;
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(text) if pseudo => FluentValue::from(pseudo::protect(text)),
                    Arg::Text(text) => FluentValue::from(text.as_ref()),
                    Arg::Number(n) => FluentValue::from(*n),
                };
                (Cow::Owned((*name).to_owned()), value)
            })
            .collect();
        let text = CATALOGUES
            .try_lookup_complete(&self.catalogue(), id, Some(&args))
            .unwrap_or_else(|| id.to_owned());
        if pseudo {
            pseudo::transform(&text)
        } else {
            text
        }
    }

    /// `unix` as a date and time people read, e.g. "3 December 2026,
    /// 19:58 UTC"; the format is the catalogue's `date-time`.
    pub fn date_time(&self, unix: i64) -> String {
        let (year, month, day, hour, minute) = civil_from_unix(unix);
        self.tr_with(
            "date-time",
            &[
                ("year", Arg::Number(year)),
                ("month", Arg::Number(month)),
                ("day", Arg::Number(day)),
                ("time", Arg::Text(format!("{hour:02}:{minute:02}").into())),
            ],
        )
    }
}

impl Lang {
    /// How long before `now` the moment `unix` was, for recent moments
    /// ("just now", "5 minutes ago", "3 days ago"); older ones as a date.
    pub fn ago(&self, unix: i64, now: i64) -> String {
        let seconds = (now - unix).max(0);
        match seconds {
            0..60 => self.tr("time-just-now"),
            60..3600 => self.tr1("time-minutes-ago", "count", seconds / 60),
            3600..86_400 => self.tr1("time-hours-ago", "count", seconds / 3600),
            86_400..2_592_000 => self.tr1("time-days-ago", "count", seconds / 86_400),
            _ => self.date_time(unix),
        }
    }
}

/// Marks an argument in [`Lang::tr1_strong`]: a private-use character.
const STRONG_MARK: char = '\u{E002}';

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An argument of a message: text is shown as it is, a number also
/// chooses plural forms.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(text))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(text: &'a String) -> Self {
        Arg::Text(Cow::Borrowed(text))
    }
}

impl<'a> From<&&'a str> for Arg<'a> {
    fn from(text: &&'a str) -> Self {
        Arg::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Arg<'_> {
    fn from(text: String) -> Self {
        Arg::Text(Cow::Owned(text))
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'_> {
            fn from(n: $t) -> Self {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
        impl From<&$t> for Arg<'_> {
            fn from(n: &$t) -> Self {
                Arg::Number(i64::try_from(*n).unwrap_or(i64::MAX))
            }
        }
        // Templates hand over what they bind by reference.
        impl From<&&$t> for Arg<'_> {
            fn from(n: &&$t) -> Self {
                Arg::Number(i64::try_from(**n).unwrap_or(i64::MAX))
            }
        }
    )*};
}

number_args!(i64, u64, u32, usize);

/// A message id picked before it is looked up (e.g. from a `match`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg(&'static str);

/// Marks `id` as a message id, for the catalogue test that reads the code.
pub const fn msg(id: &'static str) -> Msg {
    Msg(id)
}

impl Msg {
    pub fn id(self) -> &'static str {
        self.0
    }
}

/// Year, month (1-12), day, hour and minute (UTC) of `unix`.
fn civil_from_unix(unix: i64) -> (i64, i64, i64, i64, i64) {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, seconds / 3600, seconds % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_become_calendar_dates() {
        assert_eq!(civil_from_unix(0), (1970, 1, 1, 0, 0));
        // 2026-12-03T19:58:00Z
        assert_eq!(civil_from_unix(1_796_327_880), (2026, 12, 3, 19, 58));
        // 2024-02-29T23:59:00Z, a leap day.
        assert_eq!(civil_from_unix(1_709_251_140), (2024, 2, 29, 23, 59));
    }

    #[test]
    fn english_dates_and_plurals_come_from_the_catalogue() {
        assert_eq!(
            Lang::En.date_time(1_796_327_880),
            "3 December 2026, 19:58 UTC"
        );
        assert_eq!(Lang::En.tr1("duration-seconds", "count", 1u32), "1 second");
        assert_eq!(Lang::En.tr1("duration-seconds", "count", 5u32), "5 seconds");
    }

    #[test]
    fn recent_moments_are_told_as_how_long_ago() {
        let now = 1_796_327_880;
        assert_eq!(Lang::En.ago(now - 5, now), "just now");
        assert_eq!(Lang::En.ago(now - 60, now), "1 minute ago");
        assert_eq!(Lang::En.ago(now - 3 * 3600, now), "3 hours ago");
        assert_eq!(
            Lang::En.ago(now - 40 * 86_400, now),
            Lang::En.date_time(now - 40 * 86_400)
        );
    }

    #[test]
    fn the_pseudo_locale_wraps_and_accents_but_keeps_arguments() {
        let text = Lang::Pseudo.tr1("logout-intro", "email", "ann@example.com");
        assert!(text.starts_with('⟦') && text.ends_with('⟧'), "{text}");
        assert!(text.contains("ann@example.com"), "{text}");
        assert!(!text.contains("application"), "{text}");
    }

    #[test]
    fn strong_arguments_are_escaped_and_marked_up_in_any_language() {
        let html =
            Lang::En.tr2_strong("consent-wants", "client", "A&B <App>", "email", "o'n@x.org");
        assert_eq!(
            html,
            "<strong>A&amp;B &lt;App&gt;</strong> wants to use your latchkey account \
             <strong>o&#39;n@x.org</strong>."
        );
        let pseudo = Lang::Pseudo.tr1_strong("reset-for-account", "email", "ann@example.com");
        assert!(
            pseudo.contains("<strong>ann@example.com</strong>"),
            "{pseudo}"
        );
        assert!(pseudo.starts_with('⟦'), "{pseudo}");
    }

    #[test]
    fn only_listed_tags_name_a_default_language() {
        assert_eq!(Lang::from_tag("pt-br"), Some(Lang::PtBr));
        assert_eq!(Lang::from_tag("en-XA"), None);
        assert_eq!(Lang::from_tag("nl"), None);
    }
}
