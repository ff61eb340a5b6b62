# Mails. $site is the public URL, $email the recipient, $forgot the
# address of the "Mot de passe oublié ?" page.

mail-hello = Bonjour,
mail-signature = latchkey sur { $site }
mail-copy-link = Vous pouvez aussi copier cette adresse dans votre navigateur :
# The plain-text part: the action, then the link on the next line.
mail-link-label = { $action } :
mail-link-valid-minutes = { $count ->
    [one] Le lien ne peut servir qu’une fois et reste valable { $count } minute.
   *[other] Le lien ne peut servir qu’une fois et reste valable { $count } minutes.
}
mail-link-valid-days = { $count ->
    [one] Le lien ne peut servir qu’une fois et reste valable { $count } jour.
   *[other] Le lien ne peut servir qu’une fois et reste valable { $count } jours.
}

mail-reset-subject = Réinitialisez votre mot de passe latchkey
mail-reset-intro = Quelqu’un, sans doute vous, a demandé la réinitialisation du mot de passe du compte { $email } sur { $site }.
mail-reset-action = Choisir un nouveau mot de passe
mail-reset-ignore = Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail : votre mot de passe reste inchangé.

mail-invite-subject = Votre compte latchkey
mail-invite-intro = Un administrateur a créé un compte pour { $email } sur { $site }.
mail-invite-action = Choisir votre mot de passe
mail-invite-ignore = Si vous ne vous attendiez pas à cet e-mail, ignorez-le ; sans mot de passe, personne ne peut se connecter à ce compte.

mail-notice-not-you = Si vous n’êtes pas à l’origine de cette opération, choisissez immédiatement un nouveau mot de passe sur { $forgot } et prévenez votre administrateur.
mail-password-changed-subject = Le mot de passe de votre compte latchkey a été modifié
mail-password-changed-what = Le mot de passe de votre compte { $email } a été modifié, et les autres sessions de ce compte ont été fermées.
mail-second-factor-added-subject = Un deuxième facteur a été ajouté à votre compte latchkey
mail-second-factor-added-what = Un deuxième facteur (une application d’authentification ou une clé d’accès) a été ajouté à votre compte { $email }.
mail-second-factor-removed-subject = Un deuxième facteur a été retiré de votre compte latchkey
mail-second-factor-removed-what = Un deuxième facteur a été retiré de votre compte { $email } ; le mot de passe seul suffit peut-être désormais pour se connecter.
mail-throttled-subject = Échecs de connexion à votre compte latchkey
mail-throttled-what = Quelqu’un a essayé plusieurs mots de passe erronés pour votre compte { $email } ; les connexions à ce compte sont donc ralenties pendant un certain temps.
mail-throttled-advice = Si c’était vous, patientez un peu et réessayez, ou choisissez un nouveau mot de passe sur { $forgot }. Sinon, votre mot de passe reste sûr tant que personne ne le connaît ; vous recevrez cette notification au maximum une fois par heure.
