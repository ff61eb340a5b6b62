//! What latchkey mails, rendered with askama into a subject, a plain-text
//! part and an HTML part. Every link starts with `LATCHKEY_PUBLIC_URL`.

use askama::Template;

use crate::i18n::{Arg, Lang, msg};

/// A notice to a user about their account. Passkeys and other second
/// factors use the same two second-factor notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    PasswordChanged,
    SecondFactorAdded,
    SecondFactorRemoved,
    /// Repeated failed sign-ins; sent at most once an hour per account.
    AccountThrottled,
}

impl Notice {
    /// Its name in logs and in the `mail_notices` table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PasswordChanged => "password_changed",
            Self::SecondFactorAdded => "second_factor_added",
            Self::SecondFactorRemoved => "second_factor_removed",
            Self::AccountThrottled => "account_throttled",
        }
    }
}

/// A mail to render.
pub enum Mail<'a> {
    /// "Forgot password?": a link to choose a new one.
    PasswordReset {
        link: &'a str,
        minutes: u64,
    },
    /// `latchkey user invite`: a link to choose a first password.
    Invitation {
        link: &'a str,
        days: u64,
    },
    Notice(Notice),
}

/// A rendered mail.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Template)]
#[template(path = "mail/link.txt")]
struct LinkText<'a> {
    t: Lang,
    intro: &'a str,
    action: &'a str,
    link: &'a str,
    valid_for: &'a str,
    ignore: &'a str,
    site: &'a str,
}

#[derive(Template)]
#[template(path = "mail/link.html")]
struct LinkHtml<'a> {
    t: Lang,
    subject: &'a str,
    intro: &'a str,
    action: &'a str,
    link: &'a str,
    valid_for: &'a str,
    ignore: &'a str,
    site: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice.txt")]
struct NoticeText<'a> {
    t: Lang,
    what: &'a str,
    advice: &'a str,
    site: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct NoticeHtml<'a> {
    t: Lang,
    subject: &'a str,
    what: &'a str,
    advice: &'a str,
    site: &'a str,
}

/// What a link mail says, in the words of one language.
struct LinkWords {
    subject: String,
    intro: String,
    action: String,
    valid_for: String,
    ignore: String,
}

/// Renders `mail` in `t` to `recipient` of the latchkey at `site` (the
/// public URL).
pub fn render(
    t: Lang,
    mail: &Mail<'_>,
    recipient: &str,
    site: &str,
) -> Result<Rendered, askama::Error> {
    let who = [("email", Arg::from(recipient)), ("site", Arg::from(site))];
    match mail {
        Mail::PasswordReset { link, minutes } => {
            let words = LinkWords {
                subject: t.tr("mail-reset-subject"),
                intro: t.tr_with("mail-reset-intro", &who),
                action: t.tr("mail-reset-action"),
                valid_for: t.tr1("mail-link-valid-minutes", "count", *minutes),
                ignore: t.tr("mail-reset-ignore"),
            };
            link_mail(t, &words, link, site)
        }
        Mail::Invitation { link, days } => {
            let words = LinkWords {
                subject: t.tr("mail-invite-subject"),
                intro: t.tr_with("mail-invite-intro", &who),
                action: t.tr("mail-invite-action"),
                valid_for: t.tr1("mail-link-valid-days", "count", *days),
                ignore: t.tr("mail-invite-ignore"),
            };
            link_mail(t, &words, link, site)
        }
        Mail::Notice(notice) => notice_mail(t, *notice, recipient, site),
    }
}

fn link_mail(
    t: Lang,
    words: &LinkWords,
    link: &str,
    site: &str,
) -> Result<Rendered, askama::Error> {
    let text = LinkText {
        t,
        intro: &words.intro,
        action: &words.action,
        link,
        valid_for: &words.valid_for,
        ignore: &words.ignore,
        site,
    }
    .render()?;
    let html = LinkHtml {
        t,
        subject: &words.subject,
        intro: &words.intro,
        action: &words.action,
        link,
        valid_for: &words.valid_for,
        ignore: &words.ignore,
        site,
    }
    .render()?;
    Ok(Rendered {
        subject: words.subject.clone(),
        text,
        html,
    })
}

fn notice_mail(
    t: Lang,
    notice: Notice,
    recipient: &str,
    site: &str,
) -> Result<Rendered, askama::Error> {
    let forgot = format!("{site}/password/forgot");
    let args = [
        ("email", Arg::from(recipient)),
        ("forgot", Arg::from(forgot.as_str())),
    ];
    let (subject, what, advice) = match notice {
        Notice::PasswordChanged => (
            msg("mail-password-changed-subject"),
            msg("mail-password-changed-what"),
            msg("mail-notice-not-you"),
        ),
        Notice::SecondFactorAdded => (
            msg("mail-second-factor-added-subject"),
            msg("mail-second-factor-added-what"),
            msg("mail-notice-not-you"),
        ),
        Notice::SecondFactorRemoved => (
            msg("mail-second-factor-removed-subject"),
            msg("mail-second-factor-removed-what"),
            msg("mail-notice-not-you"),
        ),
        Notice::AccountThrottled => (
            msg("mail-throttled-subject"),
            msg("mail-throttled-what"),
            msg("mail-throttled-advice"),
        ),
    };
    let subject = t.tr(subject.id());
    let what = t.tr_with(what.id(), &args);
    let advice = t.tr_with(advice.id(), &args);
    let text = NoticeText {
        t,
        what: &what,
        advice: &advice,
        site,
    }
    .render()?;
    let html = NoticeHtml {
        t,
        subject: &subject,
        what: &what,
        advice: &advice,
        site,
    }
    .render()?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_part_escapes_what_it_shows_and_the_text_part_does_not() {
        let link = "https://login.example/password/reset?token=a&b";
        let mail = Mail::PasswordReset { link, minutes: 30 };
        let rendered = render(
            Lang::En,
            &mail,
            "o'neil@example.com",
            "https://login.example",
        )
        .expect("render");
        assert!(rendered.text.contains(link));
        assert!(rendered.text.contains("o'neil@example.com"));
        assert!(rendered.text.contains("30 minutes"));
        assert!(rendered.html.contains("token=a&#38;b") || rendered.html.contains("token=a&amp;b"));
        assert!(!rendered.html.contains("o'neil"));
    }
}
