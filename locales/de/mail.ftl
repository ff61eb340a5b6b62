# Mails. $site is the public URL, $email the recipient, $forgot the
# address of the "Passwort vergessen?" page.

mail-hello = Guten Tag,
mail-signature = latchkey auf { $site }
mail-copy-link = Oder kopieren Sie diese Adresse in Ihren Browser:
# The plain-text part: the action, then the link on the next line.
mail-link-label = { $action }:
mail-link-valid-minutes = { $count ->
    [one] Der Link kann einmal verwendet werden und ist { $count } Minute lang gültig.
   *[other] Der Link kann einmal verwendet werden und ist { $count } Minuten lang gültig.
}
mail-link-valid-days = { $count ->
    [one] Der Link kann einmal verwendet werden und ist { $count } Tag lang gültig.
   *[other] Der Link kann einmal verwendet werden und ist { $count } Tage lang gültig.
}

mail-reset-subject = latchkey-Passwort zurücksetzen
mail-reset-intro = Jemand – hoffentlich Sie – hat angefordert, das Passwort des Kontos { $email } auf { $site } zurückzusetzen.
mail-reset-action = Neues Passwort festlegen
mail-reset-ignore = Falls Sie das nicht waren, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.

mail-invite-subject = Ihr latchkey-Konto
mail-invite-intro = Ein Administrator hat auf { $site } ein Konto für { $email } angelegt.
mail-invite-action = Passwort festlegen
mail-invite-ignore = Falls Sie damit nicht gerechnet haben, ignorieren Sie diese E-Mail. Ohne Passwort kann sich niemand bei dem Konto anmelden.

mail-notice-not-you = Falls Sie das nicht waren, legen Sie bitte sofort unter { $forgot } ein neues Passwort fest und informieren Sie Ihren Administrator.
mail-password-changed-subject = Ihr latchkey-Passwort wurde geändert
mail-password-changed-what = Das Passwort Ihres Kontos { $email } wurde geändert, und alle anderen Sitzungen des Kontos wurden beendet.
mail-second-factor-added-subject = Ihrem latchkey-Konto wurde ein zweiter Faktor hinzugefügt
mail-second-factor-added-what = Ihrem Konto { $email } wurde ein zweiter Faktor (eine Authenticator-App oder ein Passkey) hinzugefügt.
mail-second-factor-removed-subject = Von Ihrem latchkey-Konto wurde ein zweiter Faktor entfernt
mail-second-factor-removed-what = Von Ihrem Konto { $email } wurde ein zweiter Faktor entfernt. Möglicherweise genügt zur Anmeldung jetzt allein das Passwort.
mail-throttled-subject = Fehlgeschlagene Anmeldeversuche bei Ihrem latchkey-Konto
mail-throttled-what = Jemand hat für Ihr Konto { $email } mehrmals ein falsches Passwort eingegeben. Anmeldungen bei diesem Konto werden daher eine Zeit lang verzögert.
mail-throttled-advice = Falls Sie das waren, warten Sie kurz und versuchen Sie es dann erneut, oder legen Sie unter { $forgot } ein neues Passwort fest. Falls nicht: Ihr Passwort ist weiterhin sicher, solange niemand es kennt. Diese Benachrichtigung erhalten Sie höchstens einmal pro Stunde.
