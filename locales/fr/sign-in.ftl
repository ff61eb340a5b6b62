# Signing in and out, setup, password reset, second factor, consent.

login-title = Se connecter
login-submit = Se connecter
login-forgot-link = Mot de passe oublié ?
login-passkey-hint = Ou, sans mot de passe :
login-passkey-button = Se connecter avec une clé d’accès
login-empty-fields = Saisissez votre adresse e-mail et votre mot de passe.
login-wrong-credentials = Adresse e-mail ou mot de passe incorrect.
login-no-account-yet = Aucun compte n’existe encore. Créez le premier administrateur à l’aide du lien de configuration à usage unique indiqué dans le journal du serveur.
login-session-ended = Votre session a pris fin (déconnexion depuis un autre endroit ou mot de passe modifié). Veuillez vous reconnecter.
login-signed-out = Déconnexion réussie.
login-password-set = Votre nouveau mot de passe est enregistré. Utilisez-le pour vous connecter.

logout-title = Se déconnecter
logout-heading = Se déconnecter ?
logout-intro = Une application demande à vous déconnecter de latchkey. Compte actuellement connecté : { $email }.
logout-refused-title = Demande de déconnexion refusée
logout-refused-different-clients = client_id et id_token_hint désignent des applications différentes.
logout-refused-no-client = Le paramètre post_logout_redirect_uri nécessite client_id ou id_token_hint pour indiquer à quelle application il appartient.
logout-refused-unregistered-uri = Le paramètre post_logout_redirect_uri n’est pas enregistré pour cette application.
logout-refused-bad-hint = Le paramètre id_token_hint n’est pas un id_token valide émis par ce service.

setup-title = Créer le premier administrateur
setup-heading = Bienvenue dans latchkey
setup-intro = Personne ne peut encore se connecter. Créez le premier administrateur ; cette page disparaîtra ensuite.
setup-repeat = Confirmer le mot de passe
setup-submit = Créer l’administrateur

forgot-title = Mot de passe oublié
forgot-heading = Mot de passe oublié ?
forgot-intro = Saisissez l’adresse e-mail de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.
forgot-submit = Envoyer le lien
forgot-no-mail = Ce serveur ne peut pas envoyer d’e-mails ; les mots de passe ne peuvent donc pas être réinitialisés ici. Demandez à un administrateur de définir un nouveau mot de passe pour vous.
# $count: minutes the link works.
forgot-sent = { $count ->
    [one] Si un compte existe pour cette adresse, un lien pour choisir un nouveau mot de passe est en route. Il est valable { $count } minute. S’il n’arrive pas, vérifiez votre dossier de courrier indésirable.
   *[other] Si un compte existe pour cette adresse, un lien pour choisir un nouveau mot de passe est en route. Il est valable { $count } minutes. S’il n’arrive pas, vérifiez votre dossier de courrier indésirable.
}
forgot-too-many = Trop de demandes. Veuillez réessayer dans { $wait }.

reset-title = Choisir un mot de passe
reset-for-account = Pour le compte { $email }.
reset-repeat = Confirmer le nouveau mot de passe
reset-submit = Enregistrer le mot de passe
reset-dead-link = Ce lien a expiré ou a déjà été utilisé. Demandez-en un nouveau ci-dessous.

second-factor-title = Deuxième étape
second-factor-heading = Encore une étape
second-factor-passkey-intro = Confirmez avec votre clé d’accès.
second-factor-passkey-button = Utiliser une clé d’accès
second-factor-passkey-needs-script = Votre clé d’accès nécessite JavaScript dans ce navigateur. Activez-le ou contactez un administrateur.
second-factor-passkey-unavailable = Votre clé d’accès ne peut pas être utilisée sur ce serveur pour le moment. Contactez un administrateur.
second-factor-totp-intro = Saisissez le code à six chiffres affiché par votre application d’authentification. Vous l’avez perdue ? Saisissez plutôt l’un de vos codes de récupération.
second-factor-code = Code
second-factor-submit = Continuer
second-factor-code-empty = Saisissez le code de votre application d’authentification ou un code de récupération.
second-factor-code-wrong = Ce code est incorrect. Les codes changent toutes les 30 secondes, et chacun ne peut servir qu’une fois.

consent-title = Autoriser l’accès
consent-heading = Autoriser { $client } ?
consent-wants = { $client } souhaite utiliser votre compte latchkey { $email }.
consent-no-scopes = L’application ne demande aucune autorisation en dehors de votre connexion.
consent-asks = L’application souhaite :
consent-sent-back = Vous reviendrez ensuite sur { $host }. Vous pourrez révoquer cet accès plus tard en retirant l’application de votre compte.
consent-allow = Autoriser
consent-deny = Refuser

authorize-refused-title = Demande de connexion refusée
# $why is one of the authorize-* messages below.
authorize-refused-text = { $why } Revenez à l’application et réessayez, ou contactez son administrateur.
authorize-unreadable = La requête n’a pas pu être lue.
authorize-no-decision = Le formulaire n’indiquait ni autorisation ni refus.
authorize-no-client = La requête ne désigne aucune application (client_id).
authorize-unknown-client = Cette application n’est pas enregistrée ici.
authorize-no-redirect-uri = La requête ne contient pas de redirect_uri.
authorize-unregistered-redirect-uri = Le paramètre redirect_uri n’est pas enregistré pour cette application.
