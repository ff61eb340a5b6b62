# Shared by several pages: form fields, links, error pages, waits, dates.

field-email = E-Mail-Adresse
field-password = Passwort
field-new-password = Neues Passwort
# After a new-password label; $count is the minimum length.
field-password-hint = { $count ->
    [one] (mindestens { $count } Zeichen)
   *[other] (mindestens { $count } Zeichen)
}

back-to-sign-in = Zurück zur Anmeldung
back-to-account = Zurück zu Ihrem Konto
sign-out-button = Abmelden

form-email-invalid = Geben Sie eine gültige E-Mail-Adresse ein.
form-passwords-differ = Die beiden Passwörter stimmen nicht überein.
form-expired-title = Formular abgelaufen
form-expired-text = Dieses Formular ist abgelaufen oder stammt nicht von dieser Website. Laden Sie die Seite neu und versuchen Sie es noch einmal.

password-too-short = { $count ->
    [one] Das Passwort muss mindestens { $count } Zeichen lang sein.
   *[other] Das Passwort muss mindestens { $count } Zeichen lang sein.
}
password-too-long = { $count ->
    [one] Das Passwort darf höchstens { $count } Zeichen lang sein.
   *[other] Das Passwort darf höchstens { $count } Zeichen lang sein.
}
password-common = Dieses Passwort gehört zu den am häufigsten verwendeten Passwörtern. Bitte wählen Sie ein anderes.

bad-request-title = Ungültige Anfrage
bad-form-text = Das Formular konnte nicht gelesen werden.
bad-query-text = Die Anfrage konnte nicht gelesen werden.
too-much-data-title = Zu viele Daten
too-much-data-text = Das Formular war zu groß.
not-found-title = Nicht gefunden
not-found-text = Unter dieser Adresse gibt es nichts.
error-title = Etwas ist schiefgelaufen
error-text = Bitte versuchen Sie es später noch einmal.
busy-title = Bitte versuchen Sie es noch einmal
# $wait is a duration-* message, e.g. "5 Sekunden".
busy-text = latchkey ist gerade ausgelastet. Bitte versuchen Sie es in { $wait } noch einmal.
throttled-try-again = Zu viele fehlgeschlagene Versuche. Bitte versuchen Sie es in { $wait } noch einmal.

# Waits, rounded up.
duration-seconds = { $count ->
    [one] { $count } Sekunde
   *[other] { $count } Sekunden
}
duration-minutes = { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
}
duration-hours = { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
}

# A date and time, always in UTC: "3. Dezember 2026 um 19:58 UTC".
date-time = { $day }. { $month ->
    [1] Januar
    [2] Februar
    [3] März
    [4] April
    [5] Mai
    [6] Juni
    [7] Juli
    [8] August
    [9] September
    [10] Oktober
    [11] November
   *[12] Dezember
} { $year } um { $time } UTC

# How a session's device is named on the account page.
device-unknown = Unbekanntes Gerät
device-browser-on-system = { $browser } unter { $system }

# What a scope lets an application do (consent page).
scope-openid = Erfahren, wer Sie sind (eine dauerhafte Kennung Ihres Kontos)
scope-email = Ihre E-Mail-Adresse sehen
scope-profile = Ihr Basisprofil sehen
scope-offline-access = Angemeldet bleiben, auch wenn Sie die Anwendung gerade nicht verwenden
scope-admin = Die Benutzer von latchkey verwalten
scope-other = Diese Berechtigung Ihres Kontos nutzen

# static/passkey.js, through data- attributes of the page.
passkey-request-failed = Die Anfrage ist fehlgeschlagen.
passkey-cancelled = Der Passkey wurde nicht verwendet (abgebrochen oder Zeit abgelaufen).
# The JSON answers of the passkey endpoints, which the script shows.
passkey-error-media-type = Der Inhalt der Anfrage muss application/json sein.
passkey-error-too-large = Die Anfrage war zu groß.
passkey-error-forged = Diese Seite ist abgelaufen oder stammt nicht von dieser Website. Laden Sie sie neu und versuchen Sie es noch einmal.
passkey-error-unreadable = Die Anfrage konnte nicht gelesen werden.
passkey-error-off = Passkeys sind auf diesem Server nicht verfügbar.
passkey-error-expired = Das hat zu lange gedauert, oder die Seite wurde zweimal verwendet. Versuchen Sie es noch einmal.
passkey-error-refused = Dieser Passkey wurde nicht akzeptiert.
passkey-error-duplicate = Dieser Passkey ist bereits registriert.
passkey-error-busy = Der Dienst ist gerade ausgelastet. Versuchen Sie es gleich noch einmal.
passkey-error-internal = Etwas ist schiefgelaufen. Bitte versuchen Sie es später noch einmal.
passkey-error-signed-out = Sie sind abgemeldet. Melden Sie sich erneut an und fügen Sie dann den Passkey hinzu.
passkey-error-name = { $count ->
    [one] Geben Sie dem Passkey einen Namen mit höchstens { $count } Zeichen.
   *[other] Geben Sie dem Passkey einen Namen mit höchstens { $count } Zeichen.
}

# How long ago something happened (the account page), for the last 30
# days; older moments are shown as a date-time.
time-just-now = gerade eben
time-minutes-ago = { $count ->
    [one] vor { $count } Minute
   *[other] vor { $count } Minuten
}
time-hours-ago = { $count ->
    [one] vor { $count } Stunde
   *[other] vor { $count } Stunden
}
time-days-ago = { $count ->
    [one] vor { $count } Tag
   *[other] vor { $count } Tagen
}
