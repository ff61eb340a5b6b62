# Shared by several pages: form fields, links, error pages, waits, dates.

field-email = Correo electrónico
field-password = Contraseña
field-new-password = Nueva contraseña
# After a new-password label; $count is the minimum length.
field-password-hint = { $count ->
    [one] (mínimo { $count } carácter)
   *[other] (mínimo { $count } caracteres)
}

back-to-sign-in = Volver a iniciar sesión
back-to-account = Volver a su cuenta
sign-out-button = Cerrar sesión

form-email-invalid = Introduzca una dirección de correo electrónico válida.
form-passwords-differ = Las contraseñas no coinciden.
form-expired-title = Formulario caducado
form-expired-text = Este formulario ha caducado o no procede de este sitio. Vuelva a cargar la página e inténtelo de nuevo.

password-too-short = { $count ->
    [one] La contraseña debe tener al menos { $count } carácter.
   *[other] La contraseña debe tener al menos { $count } caracteres.
}
password-too-long = { $count ->
    [one] La contraseña debe tener como máximo { $count } carácter.
   *[other] La contraseña debe tener como máximo { $count } caracteres.
}
password-common = Esta contraseña es una de las más utilizadas; elija otra.

bad-request-title = Solicitud incorrecta
bad-form-text = No se ha podido leer el formulario.
bad-query-text = No se ha podido leer la solicitud.
too-much-data-title = Demasiados datos
too-much-data-text = El formulario era demasiado grande.
not-found-title = Página no encontrada
not-found-text = No hay nada en esta dirección.
error-title = Algo ha salido mal
error-text = Inténtelo de nuevo más tarde.
busy-title = Inténtelo de nuevo
# $wait is a duration-* message, e.g. "5 segundos".
busy-text = latchkey está ocupado en este momento. Inténtelo de nuevo dentro de { $wait }.
throttled-try-again = Demasiados intentos fallidos. Inténtelo de nuevo dentro de { $wait }.

# Waits, rounded up.
duration-seconds = { $count ->
    [one] { $count } segundo
   *[other] { $count } segundos
}
duration-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
}
duration-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
}

# A date and time, always in UTC: "3 de diciembre de 2026, 19:58 UTC".
date-time = { $day } de { $month ->
    [1] enero
    [2] febrero
    [3] marzo
    [4] abril
    [5] mayo
    [6] junio
    [7] julio
    [8] agosto
    [9] septiembre
    [10] octubre
    [11] noviembre
   *[12] diciembre
} de { $year }, { $time } UTC

# How a session's device is named on the account page.
device-unknown = Dispositivo desconocido
device-browser-on-system = { $browser } en { $system }

# What a scope lets an application do (consent page).
scope-openid = Saber quién es usted (un identificador estable de su cuenta)
scope-email = Ver su dirección de correo electrónico
scope-profile = Ver su perfil básico
scope-offline-access = Mantener la sesión iniciada aunque usted no esté usando la aplicación
scope-admin = Administrar los usuarios de latchkey
scope-other = Usar este permiso de su cuenta

# static/passkey.js, through data- attributes of the page.
passkey-request-failed = La solicitud ha fallado.
passkey-cancelled = No se ha usado la llave de acceso (se ha cancelado o se ha agotado el tiempo).
# The JSON answers of the passkey endpoints, which the script shows.
passkey-error-media-type = El cuerpo de la solicitud debe ser application/json.
passkey-error-too-large = La solicitud era demasiado grande.
passkey-error-forged = Esta página ha caducado o no procede de este sitio. Vuelva a cargarla e inténtelo de nuevo.
passkey-error-unreadable = No se ha podido leer la solicitud.
passkey-error-off = Las llaves de acceso no están disponibles en este servidor.
passkey-error-expired = Se ha tardado demasiado o la página se ha usado dos veces. Inténtelo de nuevo.
passkey-error-refused = No se ha aceptado esa llave de acceso.
passkey-error-duplicate = Esta llave de acceso ya está registrada.
passkey-error-busy = El servicio está ocupado. Inténtelo de nuevo en un momento.
passkey-error-internal = Algo ha salido mal. Inténtelo de nuevo más tarde.
passkey-error-signed-out = Su sesión se ha cerrado. Vuelva a iniciar sesión y, después, añada la llave de acceso.
passkey-error-name = { $count ->
    [one] Asigne a la llave de acceso un nombre de { $count } carácter como máximo.
   *[other] Asigne a la llave de acceso un nombre de { $count } caracteres como máximo.
}

# How long ago something happened (the account page), for the last 30
# days; older moments are shown as a date-time.
time-just-now = hace un momento
time-minutes-ago = { $count ->
    [one] hace { $count } minuto
   *[other] hace { $count } minutos
}
time-hours-ago = { $count ->
    [one] hace { $count } hora
   *[other] hace { $count } horas
}
time-days-ago = { $count ->
    [one] hace { $count } día
   *[other] hace { $count } días
}
