# Mails. $site is the public URL, $email the recipient, $forgot the
# address of the "Forgot password?" page.

mail-hello = Hello,
mail-signature = latchkey at { $site }
mail-copy-link = Or copy this address into your browser:
# The plain-text part: the action, then the link on the next line.
mail-link-label = { $action }:
mail-link-valid-minutes = { $count ->
    [one] The link works once, for { $count } minute.
   *[other] The link works once, for { $count } minutes.
}
mail-link-valid-days = { $count ->
    [one] The link works once, for { $count } day.
   *[other] The link works once, for { $count } days.
}

mail-reset-subject = Reset your latchkey password
mail-reset-intro = Someone, hopefully you, asked to reset the password of the account { $email } at { $site }.
mail-reset-action = Choose a new password
mail-reset-ignore = If that was not you, ignore this mail: your password stays as it is.

mail-invite-subject = Your latchkey account
mail-invite-intro = An administrator created an account for { $email } at { $site }.
mail-invite-action = Choose your password
mail-invite-ignore = If you did not expect this, ignore this mail; without a password nobody can sign in to the account.

mail-notice-not-you = If that was not you, choose a new password at once at { $forgot } and tell your administrator.
mail-password-changed-subject = Your latchkey password was changed
mail-password-changed-what = The password of your account { $email } was changed, and its other sessions were signed out.
mail-second-factor-added-subject = A second factor was added to your latchkey account
mail-second-factor-added-what = A second factor (an authenticator app or a passkey) was added to your account { $email }.
mail-second-factor-removed-subject = A second factor was removed from your latchkey account
mail-second-factor-removed-what = A second factor was removed from your account { $email }; signing in may now need the password alone.
mail-throttled-subject = Failed sign-ins to your latchkey account
mail-throttled-what = Someone tried several wrong passwords for your account { $email }, so sign-ins to it are slowed down for a while.
mail-throttled-advice = If that was you, wait a little and try again, or choose a new password at { $forgot }. If not, your password is still safe as long as nobody knows it; you will get this notice at most once an hour.
