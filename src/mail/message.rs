//! What latchkey mails, rendered with askama into a subject, a plain-text
//! part and an HTML part. Every link starts with `LATCHKEY_PUBLIC_URL`.

use askama::Template;

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
    what: &'a str,
    advice: &'a str,
    site: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct NoticeHtml<'a> {
    subject: &'a str,
    what: &'a str,
    advice: &'a str,
    site: &'a str,
}

/// Renders `mail` to `recipient` of the latchkey at `site` (the public URL).
pub fn render(mail: &Mail<'_>, recipient: &str, site: &str) -> Result<Rendered, askama::Error> {
    match mail {
        Mail::PasswordReset { link, minutes } => {
            let intro = format!(
                "Someone, hopefully you, asked to reset the password of the account {recipient} at {site}."
            );
            let ignore = "If that was not you, ignore this mail: your password stays as it is.";
            link_mail(
                "Reset your latchkey password",
                &intro,
                "Choose a new password",
                link,
                &plural(*minutes, "minute"),
                ignore,
                site,
            )
        }
        Mail::Invitation { link, days } => {
            let intro = format!("An administrator created an account for {recipient} at {site}.");
            let ignore = "If you did not expect this, ignore this mail; without a password nobody can sign in to the account.";
            link_mail(
                "Your latchkey account",
                &intro,
                "Choose your password",
                link,
                &plural(*days, "day"),
                ignore,
                site,
            )
        }
        Mail::Notice(notice) => notice_mail(*notice, recipient, site),
    }
}

fn link_mail(
    subject: &str,
    intro: &str,
    action: &str,
    link: &str,
    valid_for: &str,
    ignore: &str,
    site: &str,
) -> Result<Rendered, askama::Error> {
    let text = LinkText {
        intro,
        action,
        link,
        valid_for,
        ignore,
        site,
    }
    .render()?;
    let html = LinkHtml {
        subject,
        intro,
        action,
        link,
        valid_for,
        ignore,
        site,
    }
    .render()?;
    Ok(Rendered {
        subject: subject.to_owned(),
        text,
        html,
    })
}

fn notice_mail(notice: Notice, recipient: &str, site: &str) -> Result<Rendered, askama::Error> {
    let forgot = format!("{site}/password/forgot");
    let not_you = format!(
        "If that was not you, choose a new password at once at {forgot} and tell your administrator."
    );
    let (subject, what, advice) = match notice {
        Notice::PasswordChanged => (
            "Your latchkey password was changed",
            format!(
                "The password of your account {recipient} was changed, and its other sessions were signed out."
            ),
            not_you,
        ),
        Notice::SecondFactorAdded => (
            "A second factor was added to your latchkey account",
            format!(
                "A second factor (an authenticator app or a passkey) was added to your account {recipient}."
            ),
            not_you,
        ),
        Notice::SecondFactorRemoved => (
            "A second factor was removed from your latchkey account",
            format!(
                "A second factor was removed from your account {recipient}; signing in may now need the password alone."
            ),
            not_you,
        ),
        Notice::AccountThrottled => (
            "Failed sign-ins to your latchkey account",
            format!(
                "Someone tried several wrong passwords for your account {recipient}, so sign-ins to it are slowed down for a while."
            ),
            format!(
                "If that was you, wait a little and try again, or choose a new password at {forgot}. If not, your password is still safe as long as nobody knows it; you will get this notice at most once an hour."
            ),
        ),
    };
    let text = NoticeText {
        what: &what,
        advice: &advice,
        site,
    }
    .render()?;
    let html = NoticeHtml {
        subject,
        what: &what,
        advice: &advice,
        site,
    }
    .render()?;
    Ok(Rendered {
        subject: subject.to_owned(),
        text,
        html,
    })
}

/// "30 minutes", "1 day".
fn plural(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_part_escapes_what_it_shows_and_the_text_part_does_not() {
        let link = "https://login.example/password/reset?token=a&b";
        let mail = Mail::PasswordReset { link, minutes: 30 };
        let rendered =
            render(&mail, "o'neil@example.com", "https://login.example").expect("render");
        assert!(rendered.text.contains(link));
        assert!(rendered.text.contains("o'neil@example.com"));
        assert!(rendered.text.contains("30 minutes"));
        assert!(rendered.html.contains("token=a&#38;b") || rendered.html.contains("token=a&amp;b"));
        assert!(!rendered.html.contains("o'neil"));
    }
}
