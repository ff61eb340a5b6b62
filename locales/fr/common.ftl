# Shared by several pages: form fields, links, error pages, waits, dates.

field-email = Adresse e-mail
field-password = Mot de passe
field-new-password = Nouveau mot de passe
# After a new-password label; $count is the minimum length.
field-password-hint = { $count ->
    [one] (au moins { $count } caractère)
   *[other] (au moins { $count } caractères)
}

back-to-sign-in = Retour à la connexion
back-to-account = Retour à votre compte
sign-out-button = Se déconnecter

form-email-invalid = Saisissez une adresse e-mail valide.
form-passwords-differ = Les deux mots de passe ne correspondent pas.
form-expired-title = Formulaire expiré
form-expired-text = Ce formulaire a expiré ou ne provient pas de ce site. Actualisez la page et réessayez.

password-too-short = { $count ->
    [one] Le mot de passe doit contenir au moins { $count } caractère.
   *[other] Le mot de passe doit contenir au moins { $count } caractères.
}
password-too-long = { $count ->
    [one] Le mot de passe doit contenir au maximum { $count } caractère.
   *[other] Le mot de passe doit contenir au maximum { $count } caractères.
}
password-common = Ce mot de passe fait partie des plus courants ; choisissez-en un autre.

bad-request-title = Requête incorrecte
bad-form-text = Le formulaire n’a pas pu être lu.
bad-query-text = La requête n’a pas pu être lue.
too-much-data-title = Trop de données
too-much-data-text = Le formulaire était trop volumineux.
not-found-title = Page introuvable
not-found-text = Il n’y a rien à cette adresse.
error-title = Un problème est survenu
error-text = Veuillez réessayer plus tard.
busy-title = Veuillez réessayer
# $wait is a duration-* message, e.g. "5 secondes".
busy-text = latchkey est momentanément surchargé. Veuillez réessayer dans { $wait }.
throttled-try-again = Trop de tentatives infructueuses. Veuillez réessayer dans { $wait }.

# Waits, rounded up.
duration-seconds = { $count ->
    [one] { $count } seconde
   *[other] { $count } secondes
}
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
}

# A date and time, always in UTC: "1er décembre 2026 à 19:58 UTC".
date-time = { $day ->
    [1] 1er
   *[other] { $day }
} { $month ->
    [1] janvier
    [2] février
    [3] mars
    [4] avril
    [5] mai
    [6] juin
    [7] juillet
    [8] août
    [9] septembre
    [10] octobre
    [11] novembre
   *[12] décembre
} { $year } à { $time } UTC

# How a session's device is named on the account page.
device-unknown = Appareil inconnu
device-browser-on-system = { $browser } sur { $system }

# What a scope lets an application do (consent page).
scope-openid = Savoir qui vous êtes (un identifiant stable de votre compte)
scope-email = Voir votre adresse e-mail
scope-profile = Voir votre profil de base
scope-offline-access = Rester connectée même lorsque vous n’utilisez pas l’application
scope-admin = Administrer les utilisateurs de latchkey
scope-other = Utiliser cette autorisation de votre compte

# static/passkey.js, through data- attributes of the page.
passkey-request-failed = La requête a échoué.
passkey-cancelled = La clé d’accès n’a pas été utilisée (opération annulée ou délai dépassé).
# The JSON answers of the passkey endpoints, which the script shows.
passkey-error-media-type = Le corps de la requête doit être au format application/json.
passkey-error-too-large = La requête était trop volumineuse.
passkey-error-forged = Cette page a expiré ou ne provient pas de ce site. Actualisez-la et réessayez.
passkey-error-unreadable = La requête n’a pas pu être lue.
passkey-error-off = Les clés d’accès ne sont pas disponibles sur ce serveur.
passkey-error-expired = Le délai a été dépassé, ou la page a été utilisée deux fois. Réessayez.
passkey-error-refused = Cette clé d’accès n’a pas été acceptée.
passkey-error-duplicate = Cette clé d’accès est déjà enregistrée.
passkey-error-busy = Le service est surchargé. Réessayez dans un instant.
passkey-error-internal = Un problème est survenu. Veuillez réessayer plus tard.
passkey-error-signed-out = Votre session est fermée. Reconnectez-vous, puis ajoutez la clé d’accès.
passkey-error-name = { $count ->
    [one] Donnez à la clé d’accès un nom de { $count } caractère au maximum.
   *[other] Donnez à la clé d’accès un nom de { $count } caractères au maximum.
}

# How long ago something happened (the account page), for the last 30
# days; older moments are shown as a date-time.
time-just-now = à l’instant
time-minutes-ago = { $count ->
    [one] il y a { $count } minute
   *[other] il y a { $count } minutes
}
time-hours-ago = { $count ->
    [one] il y a { $count } heure
   *[other] il y a { $count } heures
}
time-days-ago = { $count ->
    [one] il y a { $count } jour
   *[other] il y a { $count } jours
}
