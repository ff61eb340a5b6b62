# The account page, setting up an authenticator app, recovery codes.

account-title = Votre compte
account-heading = Session ouverte
account-scopes = Autorisations
account-scopes-none = aucune
account-session-ends = Fin de la session
# Around the date the session ends: "au plus tard le <date>".
account-session-ends-before = au plus tard le{" "}
account-session-ends-after = {""}
account-sessions-heading = Vos sessions ouvertes
account-this-browser = (ce navigateur)
account-session-application = { $name } (application)
# $address: the IP address; $started: a date-time.
account-session-details = { $address } · ouverte le { $started }
# $date: a date-time, or a time-* message ("il y a 5 minutes").
account-last-used = dernière utilisation : { $date }
account-never-used = jamais utilisée
account-sign-out-others = Fermer toutes les autres sessions
account-applications-heading = Applications autorisées
account-applications-none = Aucune.
account-allowed-on = autorisée le { $date }
account-remove-access = Retirer l’accès

account-second-factor-heading = Deuxième facteur
account-totp-on-label = Application d’authentification :
account-totp-on = activée
account-recovery-codes-left = { $count ->
    [one] ({ $count } code de récupération restant).
   *[other] ({ $count } codes de récupération restants).
}
account-totp-code-label = Code de l’application ou code de récupération
account-totp-turn-off = Désactiver
account-totp-off = Application d’authentification : désactivée. Une fois qu’elle est activée, le mot de passe seul ne suffit plus pour se connecter.
account-totp-fields-empty = Saisissez votre mot de passe et un code.
account-totp-code-wrong = Ce code est incorrect.

account-passkeys-heading = Clés d’accès
account-passkeys-hint = Une clé d’accès vous connecte sans mot de passe ; elle vous est aussi demandée après votre mot de passe, comme deuxième facteur.
account-passkeys-none = Aucune clé d’accès pour l’instant.
account-passkey-added = ajoutée le { $date }
account-passkey-remove = Supprimer
account-passkey-name = Nom de la nouvelle clé d’accès
account-passkey-name-example = ex. : Ordinateur portable
account-passkey-add = Ajouter une clé d’accès
account-passkey-needs-script = L’ajout d’une clé d’accès nécessite JavaScript.
account-passkey-password-empty = Saisissez votre mot de passe pour supprimer une clé d’accès.
account-passkey-unknown = Cette clé d’accès n’est pas enregistrée.

account-password-heading = Changer de mot de passe
account-current-password = Mot de passe actuel
account-new-password-again = Confirmer le nouveau mot de passe
account-password-submit = Changer le mot de passe
account-password-empty = Saisissez votre mot de passe actuel et un nouveau mot de passe.
account-password-wrong = Votre mot de passe est incorrect.

account-done-password = Votre mot de passe a été changé. Vos autres sessions ont été fermées.
account-done-session = Cette session a été fermée.
account-done-others = Toutes vos autres sessions ont été fermées.
account-done-application = L’application n’a plus accès à votre compte.
account-done-totp-off = Votre application d’authentification n’est plus nécessaire pour vous connecter.
account-done-passkey-added = Votre clé d’accès a été ajoutée.
account-done-passkey-removed = La clé d’accès a été supprimée.
account-no-session-named = Aucune session n’a été indiquée.
account-no-application-named = Aucune application n’a été indiquée.

totp-setup-title = Configurer une application d’authentification
totp-setup-intro = Scannez ce code QR avec votre application d’authentification, ou saisissez-y la clé secrète.
totp-setup-qr-label = QR code de la clé secrète ci-dessous
totp-setup-key = Clé secrète
# A sentence around a link: before, the link's text, after.
totp-setup-link-before = Ou ouvrez ce lien sur l’appareil où se trouve l’application :{" "}
totp-setup-link = ajouter à l’application d’authentification
totp-setup-link-after = .
totp-setup-code = Code affiché par l’application
totp-setup-submit = Activer
totp-setup-code-wrong = Ce code est incorrect. Vérifiez l’heure de l’appareil où se trouve l’application, puis saisissez le code qu’elle affiche maintenant.

recovery-title = Vos codes de récupération
recovery-totp-on = Votre application d’authentification est désormais nécessaire pour vous connecter.
recovery-intro = Si vous perdez l’application, chacun de ces codes vous permet de vous connecter une fois. Conservez-les en lieu sûr : ils ne seront plus jamais affichés.
