# Signing in and out, setup, password reset, second factor, consent.

login-title = Entrar
login-submit = Entrar
login-forgot-link = Esqueceu a senha?
login-passkey-hint = Ou, sem usar sua senha:
login-passkey-button = Entrar com uma chave de acesso
login-empty-fields = Digite seu e-mail e sua senha.
login-wrong-credentials = E-mail ou senha incorretos.
login-no-account-yet = Ainda não existe nenhuma conta. Crie o primeiro administrador com o link de configuração de uso único que está no log do servidor.
login-session-ended = Sua sessão foi encerrada (você saiu em outro lugar ou a senha foi alterada). Entre novamente.
login-signed-out = Você saiu da sua conta.
login-password-set = Sua nova senha foi definida. Use-a para entrar.

logout-title = Sair
logout-heading = Sair?
logout-intro = Um aplicativo está pedindo para desconectar você do latchkey. Você está conectado como { $email }.
logout-refused-title = Solicitação de saída recusada
logout-refused-different-clients = client_id e id_token_hint indicam aplicativos diferentes.
logout-refused-no-client = post_logout_redirect_uri precisa de client_id ou id_token_hint para indicar a qual aplicativo pertence.
logout-refused-unregistered-uri = O post_logout_redirect_uri não está registrado para este aplicativo.
logout-refused-bad-hint = O id_token_hint não é um id_token válido deste serviço.

setup-title = Criar o primeiro administrador
setup-heading = Boas-vindas ao latchkey
setup-intro = Ninguém consegue entrar ainda. Crie o primeiro administrador; depois disso, esta página deixa de existir.
setup-repeat = Repita a senha
setup-submit = Criar administrador

forgot-title = Esqueci a senha
forgot-heading = Esqueceu sua senha?
forgot-intro = Digite o endereço de e-mail da sua conta e enviaremos um link para você escolher uma nova senha.
forgot-submit = Enviar link
forgot-no-mail = Este servidor não pode enviar e-mails, então não é possível redefinir a senha aqui. Peça a um administrador para definir uma nova senha para você.
# $count: minutes the link works.
forgot-sent = { $count ->
    [one] Se existir uma conta com esse endereço, um link para escolher uma nova senha está a caminho. Ele vale por { $count } minuto. Se o e-mail não chegar, verifique sua pasta de spam.
   *[other] Se existir uma conta com esse endereço, um link para escolher uma nova senha está a caminho. Ele vale por { $count } minutos. Se o e-mail não chegar, verifique sua pasta de spam.
}
forgot-too-many = Muitas solicitações. Tente novamente em { $wait }.

reset-title = Escolha uma senha
reset-for-account = Para a conta { $email }.
reset-repeat = Repita a nova senha
reset-submit = Definir senha
reset-dead-link = Este link expirou ou já foi usado. Peça um novo abaixo.

second-factor-title = Segunda etapa
second-factor-heading = Só mais uma etapa
second-factor-passkey-intro = Confirme com sua chave de acesso.
second-factor-passkey-button = Usar uma chave de acesso
second-factor-passkey-needs-script = Sua chave de acesso precisa de JavaScript neste navegador. Ative o JavaScript ou fale com um administrador.
second-factor-passkey-unavailable = No momento, sua chave de acesso não pode ser usada neste servidor. Fale com um administrador.
second-factor-totp-intro = Digite o código de seis dígitos do seu aplicativo autenticador. Perdeu o aplicativo? Digite um dos seus códigos de recuperação.
second-factor-code = Código
second-factor-submit = Continuar
second-factor-code-empty = Digite o código do seu aplicativo autenticador ou um código de recuperação.
second-factor-code-wrong = Esse código não está correto. Os códigos mudam a cada 30 segundos, e cada um só pode ser usado uma vez.

consent-title = Permitir acesso
consent-heading = Permitir que { $client } acesse sua conta?
consent-wants = { $client } quer usar sua conta { $email } do latchkey.
consent-no-scopes = Nenhuma permissão é solicitada além de fazer seu login.
consent-asks = O aplicativo pede permissão para:
consent-sent-back = Em seguida, você voltará para { $host }. Para revogar esse acesso depois, basta remover o aplicativo da sua conta.
consent-allow = Permitir
consent-deny = Negar

authorize-refused-title = Solicitação de login recusada
# $why is one of the authorize-* messages below.
authorize-refused-text = { $why } Volte ao aplicativo e tente novamente ou avise o administrador dele.
authorize-unreadable = Não foi possível ler a solicitação.
authorize-no-decision = O formulário não indicou se o acesso deve ser permitido ou negado.
authorize-no-client = A solicitação não indica nenhum aplicativo (client_id).
authorize-unknown-client = O aplicativo não está registrado aqui.
authorize-no-redirect-uri = A solicitação não tem redirect_uri.
authorize-unregistered-redirect-uri = O redirect_uri não está registrado para este aplicativo.
