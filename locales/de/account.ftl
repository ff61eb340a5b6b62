# The account page, setting up an authenticator app, recovery codes.

account-title = Ihr Konto
account-heading = Angemeldet
account-scopes = Berechtigungen
account-scopes-none = keine
account-session-ends = Sitzung endet
# Around the date the session ends: "spätestens am <date>".
account-session-ends-before = spätestens am{" "}
account-session-ends-after = {""}
account-sessions-heading = Wo Sie angemeldet sind
account-this-browser = (dieser Browser)
account-session-application = { $name } (Anwendung)
# $address: the IP address; $started: a date-time.
account-session-details = { $address } · gestartet am { $started }
# $date: a date-time, or a time-* message ("vor 5 Minuten").
account-last-used = zuletzt verwendet: { $date }
account-never-used = nie verwendet
account-sign-out-others = Alle anderen Sitzungen beenden
account-applications-heading = Anwendungen mit Zugriff
account-applications-none = Keine.
account-allowed-on = erlaubt am { $date }
account-remove-access = Zugriff entfernen

account-second-factor-heading = Zweiter Faktor
account-totp-on-label = Authenticator-App:
account-totp-on = aktiv
account-recovery-codes-left = { $count ->
    [one] (noch { $count } Wiederherstellungscode).
   *[other] (noch { $count } Wiederherstellungscodes).
}
account-totp-code-label = Code aus der App oder Wiederherstellungscode
account-totp-turn-off = Deaktivieren
account-totp-off = Authenticator-App: inaktiv. Wenn sie aktiv ist, reicht das Passwort allein nicht mehr zur Anmeldung.
account-totp-fields-empty = Geben Sie Ihr Passwort und einen Code ein.
account-totp-code-wrong = Dieser Code ist nicht korrekt.

account-passkeys-heading = Passkeys
account-passkeys-hint = Mit einem Passkey melden Sie sich ohne Passwort an. Nach der Eingabe Ihres Passworts wird er außerdem als zweiter Faktor abgefragt.
account-passkeys-none = Noch keine Passkeys.
account-passkey-added = hinzugefügt am { $date }
account-passkey-remove = Entfernen
account-passkey-name = Name des neuen Passkeys
account-passkey-name-example = z. B. Laptop
account-passkey-add = Passkey hinzufügen
account-passkey-needs-script = Zum Hinzufügen eines Passkeys wird JavaScript benötigt.
account-passkey-password-empty = Geben Sie Ihr Passwort ein, um einen Passkey zu entfernen.
account-passkey-unknown = Dieser Passkey ist nicht registriert.

account-password-heading = Passwort ändern
account-current-password = Aktuelles Passwort
account-new-password-again = Neues Passwort wiederholen
account-password-submit = Passwort ändern
account-password-empty = Geben Sie Ihr aktuelles und ein neues Passwort ein.
account-password-wrong = Ihr Passwort ist nicht korrekt.

account-done-password = Ihr Passwort wurde geändert. Ihre anderen Sitzungen wurden beendet.
account-done-session = Die Sitzung wurde beendet.
account-done-others = Alle anderen Sitzungen wurden beendet.
account-done-application = Die Anwendung hat keinen Zugriff mehr auf Ihr Konto.
account-done-totp-off = Ihre Authenticator-App wird für die Anmeldung nicht mehr benötigt.
account-done-passkey-added = Ihr Passkey wurde hinzugefügt.
account-done-passkey-removed = Der Passkey wurde entfernt.
account-no-session-named = Es wurde keine Sitzung angegeben.
account-no-application-named = Es wurde keine Anwendung angegeben.

totp-setup-title = Authenticator-App einrichten
totp-setup-intro = Scannen Sie diesen QR-Code mit Ihrer Authenticator-App oder geben Sie den Schlüssel dort ein.
totp-setup-qr-label = QR-Code des unten stehenden Schlüssels
totp-setup-key = Schlüssel
# A sentence around a link: before, the link's text, after.
totp-setup-link-before = Oder öffnen Sie auf dem Gerät mit der App diesen Link:{" "}
totp-setup-link = zur Authenticator-App hinzufügen
totp-setup-link-after = .
totp-setup-code = Von der App angezeigter Code
totp-setup-submit = Aktivieren
totp-setup-code-wrong = Dieser Code ist nicht korrekt. Prüfen Sie die Uhrzeit des Geräts mit der App und geben Sie den Code ein, der jetzt angezeigt wird.

recovery-title = Ihre Wiederherstellungscodes
recovery-totp-on = Für die Anmeldung wird jetzt Ihre Authenticator-App benötigt.
recovery-intro = Falls Sie die App verlieren, können Sie sich mit jedem dieser Codes einmal anmelden. Bewahren Sie sie sicher auf: Sie werden nur dieses eine Mal angezeigt.
