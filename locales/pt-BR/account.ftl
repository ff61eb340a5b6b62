# The account page, setting up an authenticator app, recovery codes.

account-title = Sua conta
account-heading = Você está conectado
account-scopes = Permissões
account-scopes-none = nenhuma
account-session-ends = Fim da sessão
# Around the date the session ends: "no máximo em <date>".
account-session-ends-before = no máximo em{" "}
account-session-ends-after = {""}
account-sessions-heading = Onde você está conectado
account-this-browser = (este navegador)
account-session-application = { $name } (aplicativo)
# $address: the IP address; $started: a date-time.
account-session-details = { $address } · iniciada em { $started }
# $date: a date-time, or a time-* message ("há 5 minutos").
account-last-used = último uso: { $date }
account-never-used = nunca usada
account-sign-out-others = Sair de todas as outras sessões
account-applications-heading = Aplicativos que você autorizou
account-applications-none = Nenhum.
account-allowed-on = autorizado em { $date }
account-remove-access = Remover acesso

account-second-factor-heading = Segundo fator
account-totp-on-label = Aplicativo autenticador:
account-totp-on = ativado
account-recovery-codes-left = { $count ->
    [0] ({ $count } códigos de recuperação restantes).
    [one] ({ $count } código de recuperação restante).
   *[other] ({ $count } códigos de recuperação restantes).
}
account-totp-code-label = Código do aplicativo ou um código de recuperação
account-totp-turn-off = Desativar
account-totp-off = Aplicativo autenticador: desativado. Com ele ativado, só a senha não basta mais para entrar.
account-totp-fields-empty = Digite sua senha e um código.
account-totp-code-wrong = Esse código não está correto.

account-passkeys-heading = Chaves de acesso
account-passkeys-hint = Com uma chave de acesso, você entra sem senha; ela também é pedida depois da senha, como segundo fator.
account-passkeys-none = Nenhuma chave de acesso ainda.
account-passkey-added = adicionada em { $date }
account-passkey-remove = Remover
account-passkey-name = Nome da nova chave de acesso
account-passkey-name-example = ex.: Notebook
account-passkey-add = Adicionar uma chave de acesso
account-passkey-needs-script = Para adicionar uma chave de acesso, é preciso ter o JavaScript ativado.
account-passkey-password-empty = Digite sua senha para remover uma chave de acesso.
account-passkey-unknown = Essa chave de acesso não está registrada.

account-password-heading = Alterar sua senha
account-current-password = Senha atual
account-new-password-again = Repita a nova senha
account-password-submit = Alterar senha
account-password-empty = Digite sua senha atual e uma nova senha.
account-password-wrong = Sua senha está incorreta.

account-done-password = Sua senha foi alterada. Suas outras sessões foram encerradas.
account-done-session = Essa sessão foi encerrada.
account-done-others = Todas as suas outras sessões foram encerradas.
account-done-application = O aplicativo não tem mais acesso à sua conta.
account-done-totp-off = Seu aplicativo autenticador não é mais necessário para entrar.
account-done-passkey-added = Sua chave de acesso foi adicionada.
account-done-passkey-removed = Essa chave de acesso foi removida.
account-no-session-named = Nenhuma sessão foi indicada.
account-no-application-named = Nenhum aplicativo foi indicado.

totp-setup-title = Configurar um aplicativo autenticador
totp-setup-intro = Escaneie este código QR com seu aplicativo autenticador ou digite a chave de configuração nele.
totp-setup-qr-label = QR code da chave de configuração abaixo
totp-setup-key = Chave de configuração
# A sentence around a link: before, the link's text, after.
totp-setup-link-before = Ou abra este link no dispositivo que tem o aplicativo:{" "}
totp-setup-link = adicionar ao autenticador
totp-setup-link-after = .
totp-setup-code = Código mostrado pelo aplicativo
totp-setup-submit = Ativar
totp-setup-code-wrong = Esse código não está correto. Verifique se o relógio do dispositivo está certo e digite o código que aparece agora.

recovery-title = Seus códigos de recuperação
recovery-totp-on = Agora seu aplicativo autenticador é necessário para entrar.
recovery-intro = Se você perder o aplicativo, cada um destes códigos permite entrar uma vez. Guarde-os em um lugar seguro: esta é a única vez que eles são mostrados.
