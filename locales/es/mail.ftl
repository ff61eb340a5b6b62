# Mails. $site is the public URL, $email the recipient, $forgot the
# address of the "¿Ha olvidado su contraseña?" page.

mail-hello = Hola:
mail-signature = latchkey en { $site }
mail-copy-link = O copie esta dirección en su navegador:
# The plain-text part: the action, then the link on the next line.
mail-link-label = { $action }:
mail-link-valid-minutes = { $count ->
    [one] El enlace solo se puede usar una vez y es válido durante { $count } minuto.
   *[other] El enlace solo se puede usar una vez y es válido durante { $count } minutos.
}
mail-link-valid-days = { $count ->
    [one] El enlace solo se puede usar una vez y es válido durante { $count } día.
   *[other] El enlace solo se puede usar una vez y es válido durante { $count } días.
}

mail-reset-subject = Restablecer su contraseña de latchkey
mail-reset-intro = Alguien, probablemente usted, ha solicitado restablecer la contraseña de la cuenta { $email } en { $site }.
mail-reset-action = Elegir una nueva contraseña
mail-reset-ignore = Si no ha sido usted, ignore este correo: su contraseña seguirá siendo la misma.

mail-invite-subject = Su cuenta de latchkey
mail-invite-intro = Un administrador ha creado una cuenta para { $email } en { $site }.
mail-invite-action = Elegir su contraseña
mail-invite-ignore = Si no esperaba este correo, ignórelo; sin contraseña, nadie puede iniciar sesión en la cuenta.

mail-notice-not-you = Si no ha sido usted, elija de inmediato una nueva contraseña en { $forgot } y avise a su administrador.
mail-password-changed-subject = Se ha cambiado su contraseña de latchkey
mail-password-changed-what = Se ha cambiado la contraseña de su cuenta { $email } y se han cerrado sus demás sesiones.
mail-second-factor-added-subject = Se ha añadido un segundo factor a su cuenta de latchkey
mail-second-factor-added-what = Se ha añadido un segundo factor (una aplicación de autenticación o una llave de acceso) a su cuenta { $email }.
mail-second-factor-removed-subject = Se ha quitado un segundo factor de su cuenta de latchkey
mail-second-factor-removed-what = Se ha quitado un segundo factor de su cuenta { $email }; es posible que ahora baste con la contraseña para iniciar sesión.
mail-throttled-subject = Inicios de sesión fallidos en su cuenta de latchkey
mail-throttled-what = Alguien ha probado varias contraseñas incorrectas en su cuenta { $email }, por lo que los inicios de sesión en ella se ralentizarán durante un tiempo.
mail-throttled-advice = Si ha sido usted, espere un poco e inténtelo de nuevo, o elija una nueva contraseña en { $forgot }. Si no, su contraseña sigue siendo segura mientras nadie la conozca; recibirá este aviso como máximo una vez por hora.
