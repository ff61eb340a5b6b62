# Signing in and out, setup, password reset, second factor, consent.

login-title = Iniciar sesión
login-submit = Iniciar sesión
login-forgot-link = ¿Ha olvidado su contraseña?
login-passkey-hint = O bien, sin contraseña:
login-passkey-button = Iniciar sesión con una llave de acceso
login-empty-fields = Introduzca su correo electrónico y su contraseña.
login-wrong-credentials = Correo electrónico o contraseña incorrectos.
login-no-account-yet = Todavía no existe ninguna cuenta. Cree el primer administrador con el enlace de configuración de un solo uso que aparece en el registro del servidor.
login-session-ended = Su sesión ha finalizado (se cerró en otro lugar o se cambió la contraseña). Vuelva a iniciar sesión.
login-signed-out = Se ha cerrado la sesión.
login-password-set = Su nueva contraseña se ha guardado. Inicie sesión con ella.

logout-title = Cerrar sesión
logout-heading = ¿Cerrar sesión?
logout-intro = Una aplicación solicita cerrar su sesión de latchkey. Ha iniciado sesión como { $email }.
logout-refused-title = Solicitud de cierre de sesión rechazada
logout-refused-different-clients = client_id e id_token_hint indican aplicaciones distintas.
logout-refused-no-client = post_logout_redirect_uri requiere client_id o id_token_hint para indicar a qué aplicación pertenece.
logout-refused-unregistered-uri = El post_logout_redirect_uri no está registrado para esta aplicación.
logout-refused-bad-hint = El id_token_hint no es un id_token válido de este servicio.

setup-title = Crear el primer administrador
setup-heading = Le damos la bienvenida a latchkey
setup-intro = Todavía nadie puede iniciar sesión. Cree el primer administrador; después, esta página desaparecerá.
setup-repeat = Repetir la contraseña
setup-submit = Crear administrador

forgot-title = Contraseña olvidada
forgot-heading = ¿Ha olvidado su contraseña?
forgot-intro = Introduzca la dirección de correo electrónico de su cuenta y le enviaremos un enlace para elegir una nueva contraseña.
forgot-submit = Enviarme un enlace
forgot-no-mail = Este servidor no puede enviar correos electrónicos, por lo que aquí no se pueden restablecer contraseñas. Pida a un administrador que le asigne una nueva contraseña.
# $count: minutes the link works.
forgot-sent = { $count ->
    [one] Si existe una cuenta con esa dirección, recibirá en breve un enlace para elegir una nueva contraseña. Será válido durante { $count } minuto. Si no lo recibe, revise la carpeta de correo no deseado.
   *[other] Si existe una cuenta con esa dirección, recibirá en breve un enlace para elegir una nueva contraseña. Será válido durante { $count } minutos. Si no lo recibe, revise la carpeta de correo no deseado.
}
forgot-too-many = Demasiadas solicitudes. Inténtelo de nuevo dentro de { $wait }.

reset-title = Elegir una contraseña
reset-for-account = Para la cuenta { $email }.
reset-repeat = Repetir la nueva contraseña
reset-submit = Guardar contraseña
reset-dead-link = Este enlace ha caducado o ya se ha utilizado. Solicite uno nuevo a continuación.

second-factor-title = Segundo paso
second-factor-heading = Un paso más
second-factor-passkey-intro = Confirme con su llave de acceso.
second-factor-passkey-button = Usar una llave de acceso
second-factor-passkey-needs-script = Su llave de acceso necesita JavaScript en este navegador. Actívelo o consulte a un administrador.
second-factor-passkey-unavailable = Ahora mismo no se puede usar su llave de acceso en este servidor. Consulte a un administrador.
second-factor-totp-intro = Introduzca el código de seis dígitos de su aplicación de autenticación. ¿La ha perdido? Introduzca en su lugar uno de sus códigos de recuperación.
second-factor-code = Código
second-factor-submit = Continuar
second-factor-code-empty = Introduzca el código de su aplicación de autenticación o un código de recuperación.
second-factor-code-wrong = Ese código no es correcto. Los códigos cambian cada 30 segundos y cada uno solo sirve una vez.

consent-title = Permitir acceso
consent-heading = ¿Permitir el acceso a { $client }?
consent-wants = { $client } quiere usar su cuenta de latchkey { $email }.
consent-no-scopes = La aplicación no solicita ningún permiso aparte de iniciar su sesión.
consent-asks = La aplicación solicita:
consent-sent-back = Después volverá a { $host }. Puede revocar este acceso más adelante quitando la aplicación de su cuenta.
consent-allow = Permitir
consent-deny = Denegar

authorize-refused-title = Solicitud de inicio de sesión rechazada
# $why is one of the authorize-* messages below.
authorize-refused-text = { $why } Vuelva a la aplicación e inténtelo de nuevo, o avise a su administrador.
authorize-unreadable = No se ha podido leer la solicitud.
authorize-no-decision = El formulario no indicaba si se permite o se deniega el acceso.
authorize-no-client = La solicitud no indica ninguna aplicación (client_id).
authorize-unknown-client = La aplicación no está registrada aquí.
authorize-no-redirect-uri = La solicitud no incluye redirect_uri.
authorize-unregistered-redirect-uri = El redirect_uri no está registrado para esta aplicación.
