# Signing in and out, setup, password reset, second factor, consent.

login-title = Anmelden
login-submit = Anmelden
login-forgot-link = Passwort vergessen?
login-passkey-hint = Oder ohne Passwort:
login-passkey-button = Mit Passkey anmelden
login-empty-fields = Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein.
login-wrong-credentials = E-Mail-Adresse oder Passwort ist falsch.
login-no-account-yet = Es gibt noch kein Konto. Legen Sie den ersten Administrator über den einmaligen Einrichtungslink im Serverprotokoll an.
login-session-ended = Ihre Sitzung wurde beendet (Abmeldung an anderer Stelle oder Passwort geändert). Bitte melden Sie sich erneut an.
login-signed-out = Sie wurden abgemeldet.
login-password-set = Ihr neues Passwort ist festgelegt. Melden Sie sich damit an.

logout-title = Abmelden
logout-heading = Abmelden?
logout-intro = Eine Anwendung möchte Sie von latchkey abmelden. Sie sind als { $email } angemeldet.
logout-refused-title = Abmeldeanfrage abgelehnt
logout-refused-different-clients = client_id und id_token_hint nennen unterschiedliche Anwendungen.
logout-refused-no-client = post_logout_redirect_uri benötigt client_id oder id_token_hint, damit klar ist, zu welcher Anwendung sie gehört.
logout-refused-unregistered-uri = Die post_logout_redirect_uri ist für diese Anwendung nicht registriert.
logout-refused-bad-hint = Der id_token_hint ist kein gültiges id_token dieses Dienstes.

setup-title = Ersten Administrator anlegen
setup-heading = Willkommen bei latchkey
setup-intro = Noch kann sich niemand anmelden. Legen Sie den ersten Administrator an; danach ist diese Seite nicht mehr verfügbar.
setup-repeat = Passwort wiederholen
setup-submit = Administrator anlegen

forgot-title = Passwort vergessen
forgot-heading = Passwort vergessen?
forgot-intro = Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir senden Ihnen einen Link, über den Sie ein neues Passwort festlegen können.
forgot-submit = Link senden
forgot-no-mail = Dieser Server kann keine E-Mails versenden, daher lassen sich Passwörter hier nicht zurücksetzen. Bitten Sie einen Administrator, ein neues Passwort für Sie festzulegen.
# $count: minutes the link works.
forgot-sent = { $count ->
    [one] Falls zu dieser Adresse ein Konto existiert, ist ein Link zum Festlegen eines neuen Passworts unterwegs. Er ist { $count } Minute lang gültig. Sollte er nicht ankommen, sehen Sie bitte in Ihrem Spam-Ordner nach.
   *[other] Falls zu dieser Adresse ein Konto existiert, ist ein Link zum Festlegen eines neuen Passworts unterwegs. Er ist { $count } Minuten lang gültig. Sollte er nicht ankommen, sehen Sie bitte in Ihrem Spam-Ordner nach.
}
forgot-too-many = Zu viele Anfragen. Bitte versuchen Sie es in { $wait } noch einmal.

reset-title = Neues Passwort festlegen
reset-for-account = Für das Konto { $email }.
reset-repeat = Neues Passwort wiederholen
reset-submit = Passwort festlegen
reset-dead-link = Dieser Link ist abgelaufen oder wurde bereits verwendet. Fordern Sie unten einen neuen an.

second-factor-title = Zweiter Schritt
second-factor-heading = Noch ein Schritt
second-factor-passkey-intro = Bestätigen Sie mit Ihrem Passkey.
second-factor-passkey-button = Passkey verwenden
second-factor-passkey-needs-script = Für Ihren Passkey wird in diesem Browser JavaScript benötigt. Aktivieren Sie es oder wenden Sie sich an einen Administrator.
second-factor-passkey-unavailable = Ihr Passkey kann auf diesem Server derzeit nicht verwendet werden. Wenden Sie sich an einen Administrator.
second-factor-totp-intro = Geben Sie den sechsstelligen Code aus Ihrer Authenticator-App ein. App verloren? Geben Sie stattdessen einen Ihrer Wiederherstellungscodes ein.
second-factor-code = Code
second-factor-submit = Weiter
second-factor-code-empty = Geben Sie den Code aus Ihrer Authenticator-App oder einen Wiederherstellungscode ein.
second-factor-code-wrong = Dieser Code ist nicht korrekt. Codes ändern sich alle 30 Sekunden und gelten jeweils nur einmal.

consent-title = Zugriff erlauben
consent-heading = { $client } Zugriff erlauben?
consent-wants = { $client } möchte Ihr latchkey-Konto { $email } verwenden.
consent-no-scopes = Die Anwendung fordert über Ihre Anmeldung hinaus keine Berechtigungen an.
consent-asks = Die Anwendung möchte:
consent-sent-back = Anschließend werden Sie zu { $host } weitergeleitet. Sie können den Zugriff später widerrufen, indem Sie die Anwendung aus Ihrem Konto entfernen.
consent-allow = Erlauben
consent-deny = Ablehnen

authorize-refused-title = Anmeldeanfrage abgelehnt
# $why is one of the authorize-* messages below.
authorize-refused-text = { $why } Kehren Sie zur Anwendung zurück und versuchen Sie es noch einmal, oder wenden Sie sich an deren Administrator.
authorize-unreadable = Die Anfrage konnte nicht gelesen werden.
authorize-no-decision = Das Formular enthielt keine Entscheidung (erlauben oder ablehnen).
authorize-no-client = Die Anfrage nennt keine Anwendung (client_id).
authorize-unknown-client = Die Anwendung ist hier nicht registriert.
authorize-no-redirect-uri = Die Anfrage enthält keine redirect_uri.
authorize-unregistered-redirect-uri = Die redirect_uri ist für diese Anwendung nicht registriert.
