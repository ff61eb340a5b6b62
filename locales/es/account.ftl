# The account page, setting up an authenticator app, recovery codes.

account-title = Su cuenta
account-heading = Sesión iniciada
account-scopes = Permisos
account-scopes-none = ninguno
account-session-ends = La sesión finaliza
# Around the date the session ends: "a más tardar el <date>".
account-session-ends-before = a más tardar el{" "}
account-session-ends-after = {""}
account-sessions-heading = Dónde ha iniciado sesión
account-this-browser = (este navegador)
account-session-application = { $name } (aplicación)
# $address: the IP address; $started: a date-time.
account-session-details = { $address } · iniciada el { $started }
# $date: a date-time, or a time-* message ("hace 5 minutos").
account-last-used = último uso: { $date }
account-never-used = sin usar
account-sign-out-others = Cerrar todas las demás sesiones
account-applications-heading = Aplicaciones autorizadas
account-applications-none = Ninguna.
account-allowed-on = autorizada el { $date }
account-remove-access = Quitar acceso

account-second-factor-heading = Segundo factor
account-totp-on-label = Aplicación de autenticación:
account-totp-on = activada
account-recovery-codes-left = { $count ->
    [one] (queda { $count } código de recuperación).
   *[other] (quedan { $count } códigos de recuperación).
}
account-totp-code-label = Código de la aplicación o código de recuperación
account-totp-turn-off = Desactivar
account-totp-off = Aplicación de autenticación: desactivada. Si la activa, la contraseña por sí sola ya no bastará para iniciar sesión.
account-totp-fields-empty = Introduzca su contraseña y un código.
account-totp-code-wrong = Ese código no es correcto.

account-passkeys-heading = Llaves de acceso
account-passkeys-hint = Una llave de acceso le permite iniciar sesión sin contraseña y, además, se le pide después de la contraseña como segundo factor.
account-passkeys-none = Todavía no hay llaves de acceso.
account-passkey-added = añadida el { $date }
account-passkey-remove = Quitar
account-passkey-name = Nombre de la nueva llave de acceso
account-passkey-name-example = p. ej., Portátil
account-passkey-add = Añadir una llave de acceso
account-passkey-needs-script = Para añadir una llave de acceso se necesita JavaScript.
account-passkey-password-empty = Introduzca su contraseña para quitar una llave de acceso.
account-passkey-unknown = Esa llave de acceso no está registrada.

account-password-heading = Cambiar la contraseña
account-current-password = Contraseña actual
account-new-password-again = Repetir la nueva contraseña
account-password-submit = Cambiar contraseña
account-password-empty = Introduzca su contraseña actual y una nueva.
account-password-wrong = Su contraseña no es correcta.

account-done-password = Se ha cambiado su contraseña. Sus demás sesiones se han cerrado.
account-done-session = Se ha cerrado esa sesión.
account-done-others = Se han cerrado todas sus demás sesiones.
account-done-application = La aplicación ya no tiene acceso a su cuenta.
account-done-totp-off = Ya no se necesita su aplicación de autenticación para iniciar sesión.
account-done-passkey-added = Se ha añadido su llave de acceso.
account-done-passkey-removed = Se ha quitado la llave de acceso.
account-no-session-named = No se ha indicado ninguna sesión.
account-no-application-named = No se ha indicado ninguna aplicación.

totp-setup-title = Configurar una aplicación de autenticación
totp-setup-intro = Escanee este código QR con su aplicación de autenticación o escriba la clave en ella.
totp-setup-qr-label = Código QR de la clave que aparece abajo
totp-setup-key = Clave
# A sentence around a link: before, the link's text, after.
totp-setup-link-before = O abra este enlace en el dispositivo que tiene la aplicación:{" "}
totp-setup-link = añadir a la aplicación de autenticación
totp-setup-link-after = .
totp-setup-code = Código que muestra la aplicación
totp-setup-submit = Activar
totp-setup-code-wrong = Ese código no es correcto. Compruebe la hora del dispositivo que tiene la aplicación e introduzca el código que muestra ahora.

recovery-title = Sus códigos de recuperación
recovery-totp-on = A partir de ahora, necesitará su aplicación de autenticación para iniciar sesión.
recovery-intro = Si pierde la aplicación, cada uno de estos códigos le permite iniciar sesión una vez. Guárdelos en un lugar seguro: es la única vez que se muestran.
