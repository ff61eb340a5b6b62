# The account page, setting up an authenticator app, recovery codes.

account-title = Your account
account-heading = Signed in
account-scopes = Scopes
account-scopes-none = none
account-session-ends = Session ends
# Around the date the session ends: "<date> at the latest". Either may be
# empty; keep a space where the language needs one.
account-session-ends-before = {""}
account-session-ends-after = {" "}at the latest
account-sessions-heading = Where you are signed in
account-this-browser = (this browser)
account-session-application = { $name } (application)
# $address: the IP address; $started: a date-time.
account-session-details = { $address } · started { $started }
# $date: a date-time, or a time-* message ("5 minutes ago").
account-last-used = last used { $date }
account-never-used = never used
account-sign-out-others = Sign out everywhere else
account-applications-heading = Applications you allowed
account-applications-none = None.
account-allowed-on = allowed { $date }
account-remove-access = Remove access

account-second-factor-heading = Second factor
account-totp-on-label = Authenticator app:
account-totp-on = on
account-recovery-codes-left = { $count ->
    [one] ({ $count } recovery code left).
   *[other] ({ $count } recovery codes left).
}
account-totp-code-label = Code from the app, or a recovery code
account-totp-turn-off = Turn off
account-totp-off = Authenticator app: off. With it on, a password alone no longer signs you in.
account-totp-fields-empty = Enter your password and a code.
account-totp-code-wrong = That code is not right.

account-passkeys-heading = Passkeys
account-passkeys-hint = A passkey signs you in without your password, and is asked for after your password as a second factor.
account-passkeys-none = No passkeys yet.
account-passkey-added = added { $date }
account-passkey-remove = Remove
account-passkey-name = Name of the new passkey
account-passkey-name-example = e.g. Laptop
account-passkey-add = Add a passkey
account-passkey-needs-script = Adding a passkey needs JavaScript.
account-passkey-password-empty = Enter your password to remove a passkey.
account-passkey-unknown = That passkey is not registered.

account-password-heading = Change your password
account-current-password = Current password
account-new-password-again = New password again
account-password-submit = Change password
account-password-empty = Enter your current password and a new one.
account-password-wrong = Your password is not right.

account-done-password = Your password has been changed. Your other sessions have ended.
account-done-session = That session has ended.
account-done-others = You have been signed out everywhere else.
account-done-application = The application no longer has access to your account.
account-done-totp-off = Your authenticator app is no longer needed to sign in.
account-done-passkey-added = Your passkey has been added.
account-done-passkey-removed = That passkey has been removed.
account-no-session-named = No session was named.
account-no-application-named = No application was named.

totp-setup-title = Set up an authenticator app
totp-setup-intro = Scan this QR code with your authenticator app, or type the key into it.
totp-setup-qr-label = QR code of the key below
totp-setup-key = Key
# A sentence around a link: before, the link's text, after.
totp-setup-link-before = Or open this link on the device with the app:{" "}
totp-setup-link = add to authenticator
totp-setup-link-after = .
totp-setup-code = Code shown by the app
totp-setup-submit = Turn on
totp-setup-code-wrong = That code is not right. Check the clock of the device the app runs on, and enter the code it shows now.

recovery-title = Your recovery codes
recovery-totp-on = Your authenticator app is now needed to sign in.
recovery-intro = If you lose the app, each of these codes signs you in once. Keep them somewhere safe: this is the only time they are shown.
