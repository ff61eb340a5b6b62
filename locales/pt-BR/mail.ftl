# Mails. $site is the public URL, $email the recipient, $forgot the
# address of the "Esqueceu a senha?" page.

mail-hello = Olá,
mail-signature = latchkey em { $site }
mail-copy-link = Ou copie e cole este endereço no seu navegador:
# The plain-text part: the action, then the link on the next line.
mail-link-label = { $action }:
mail-link-valid-minutes = { $count ->
    [one] O link pode ser usado uma única vez e vale por { $count } minuto.
   *[other] O link pode ser usado uma única vez e vale por { $count } minutos.
}
mail-link-valid-days = { $count ->
    [one] O link pode ser usado uma única vez e vale por { $count } dia.
   *[other] O link pode ser usado uma única vez e vale por { $count } dias.
}

mail-reset-subject = Redefina sua senha do latchkey
mail-reset-intro = Alguém, provavelmente você, pediu para redefinir a senha da conta { $email } em { $site }.
mail-reset-action = Escolher uma nova senha
mail-reset-ignore = Se não foi você, ignore este e-mail: sua senha continua a mesma.

mail-invite-subject = Sua conta do latchkey
mail-invite-intro = Um administrador criou uma conta para { $email } em { $site }.
mail-invite-action = Escolher sua senha
mail-invite-ignore = Se você não esperava este e-mail, pode ignorá-lo; sem uma senha, ninguém consegue entrar na conta.

mail-notice-not-you = Se não foi você, escolha uma nova senha imediatamente em { $forgot } e avise o administrador.
mail-password-changed-subject = Sua senha do latchkey foi alterada
mail-password-changed-what = A senha da sua conta { $email } foi alterada, e as outras sessões dela foram encerradas.
mail-second-factor-added-subject = Um segundo fator foi adicionado à sua conta do latchkey
mail-second-factor-added-what = Um segundo fator (um aplicativo autenticador ou uma chave de acesso) foi adicionado à sua conta { $email }.
mail-second-factor-removed-subject = Um segundo fator foi removido da sua conta do latchkey
mail-second-factor-removed-what = Um segundo fator foi removido da sua conta { $email }; agora talvez só a senha baste para entrar.
mail-throttled-subject = Tentativas de login sem sucesso na sua conta do latchkey
mail-throttled-what = Alguém tentou várias senhas erradas na sua conta { $email }, por isso os logins nela ficarão mais lentos por um tempo.
mail-throttled-advice = Se foi você, aguarde um pouco e tente novamente ou escolha uma nova senha em { $forgot }. Se não foi, sua senha continua segura desde que ninguém a conheça; você receberá este aviso no máximo uma vez por hora.
