# Signing in and out, setup, password reset, second factor, consent.

login-title = Sign in
login-submit = Sign in
login-forgot-link = Forgot password?
login-passkey-hint = Or, without your password:
login-passkey-button = Sign in with a passkey
login-empty-fields = Enter your email and your password.
login-wrong-credentials = Incorrect email or password.
login-no-account-yet = No account exists yet. Create the first administrator with the one-time setup link in the server's log.
login-session-ended = Your session has ended (signed out elsewhere, or the password was changed). Please sign in again.
login-signed-out = You have been signed out.
login-password-set = Your new password is set. Sign in with it.

logout-title = Sign out
logout-heading = Sign out?
logout-intro = An application asks to sign you out of latchkey. You are signed in as { $email }.
logout-refused-title = Sign-out request refused
logout-refused-different-clients = client_id and id_token_hint name different applications.
logout-refused-no-client = post_logout_redirect_uri needs client_id or id_token_hint to say which application it belongs to.
logout-refused-unregistered-uri = The post_logout_redirect_uri is not registered for this application.
logout-refused-bad-hint = The id_token_hint is not a valid id_token of this service.

setup-title = Create the first administrator
setup-heading = Welcome to latchkey
setup-intro = No one can sign in yet. Create the first administrator; this page disappears afterwards.
setup-repeat = Repeat the password
setup-submit = Create administrator

forgot-title = Forgot password
forgot-heading = Forgot your password?
forgot-intro = Enter the email address of your account and we will mail you a link to choose a new password.
forgot-submit = Send me a link
forgot-no-mail = This server cannot send email, so passwords cannot be reset here. Please ask an administrator to set a new password for you.
# $count: minutes the link works.
forgot-sent = { $count ->
    [one] If an account exists for that address, a link to choose a new password is on its way. It works for { $count } minute. Check your spam folder if it does not arrive.
   *[other] If an account exists for that address, a link to choose a new password is on its way. It works for { $count } minutes. Check your spam folder if it does not arrive.
}
forgot-too-many = Too many requests. Please try again in { $wait }.

reset-title = Choose a password
reset-for-account = For the account { $email }.
reset-repeat = Repeat the new password
reset-submit = Set password
reset-dead-link = This link has expired or has already been used. Ask for a new one below.

second-factor-title = Second step
second-factor-heading = One more step
second-factor-passkey-intro = Confirm with your passkey.
second-factor-passkey-button = Use a passkey
second-factor-passkey-needs-script = Signing in with a passkey needs JavaScript in this browser. Turn it on, or ask an administrator.
second-factor-passkey-unavailable = Your passkey cannot be used on this server now. Ask an administrator.
second-factor-totp-intro = Enter the six-digit code from your authenticator app. Lost it? Enter one of your recovery codes instead.
second-factor-code = Code
second-factor-submit = Continue
second-factor-code-empty = Enter the code from your authenticator app, or a recovery code.
second-factor-code-wrong = That code is not right. Codes change every 30 seconds; each works once.

consent-title = Allow access
consent-heading = Allow { $client }?
consent-wants = { $client } wants to use your latchkey account { $email }.
consent-no-scopes = It asks for no permissions beyond signing you in.
consent-asks = It asks to:
consent-sent-back = You will be sent back to { $host }. You can take this back later by removing the application from your account.
consent-allow = Allow
consent-deny = Deny

authorize-refused-title = Sign-in request refused
# $why is one of the authorize-* messages below.
authorize-refused-text = { $why } Go back to the application and try again, or tell its administrator.
authorize-unreadable = The request could not be read.
authorize-no-decision = The form did not say whether to allow or deny.
authorize-no-client = The request names no application (client_id).
authorize-unknown-client = The application is not registered here.
authorize-no-redirect-uri = The request has no redirect_uri.
authorize-unregistered-redirect-uri = The redirect_uri is not registered for this application.
