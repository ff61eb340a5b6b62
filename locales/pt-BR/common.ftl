# Shared by several pages: form fields, links, error pages, waits, dates.
# Message ids are used in templates/ and src/; keep them in every language.

field-email = E-mail
field-password = Senha
field-new-password = Nova senha
# After a new-password label; $count is the minimum length.
field-password-hint = { $count ->
    [one] (mínimo de { $count } caractere)
   *[other] (mínimo de { $count } caracteres)
}

back-to-sign-in = Voltar para o login
back-to-account = Voltar para sua conta
sign-out-button = Sair

form-email-invalid = Digite um endereço de e-mail válido.
form-passwords-differ = As duas senhas não coincidem.
form-expired-title = Formulário expirado
form-expired-text = Este formulário expirou ou não veio deste site. Recarregue a página e tente novamente.

password-too-short = { $count ->
    [one] A senha precisa ter pelo menos { $count } caractere.
   *[other] A senha precisa ter pelo menos { $count } caracteres.
}
password-too-long = { $count ->
    [one] A senha pode ter no máximo { $count } caractere.
   *[other] A senha pode ter no máximo { $count } caracteres.
}
password-common = Essa senha é uma das mais usadas. Escolha outra.

bad-request-title = Solicitação inválida
bad-form-text = Não foi possível ler o formulário.
bad-query-text = Não foi possível ler a solicitação.
too-much-data-title = Dados em excesso
too-much-data-text = O formulário é grande demais.
not-found-title = Página não encontrada
not-found-text = Não há nada aqui.
error-title = Algo deu errado
error-text = Tente novamente mais tarde.
busy-title = Tente novamente
# $wait is a duration-* message, e.g. "5 segundos".
busy-text = O latchkey está sobrecarregado no momento. Tente novamente em { $wait }.
throttled-try-again = Muitas tentativas sem sucesso. Tente novamente em { $wait }.

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

# A date and time, always in UTC: "3 de dezembro de 2026 às 19:58 UTC",
# with "1º" for the first day of a month.
date-time = { $day ->
    [1] 1º
   *[other] { $day }
} de { $month ->
    [1] janeiro
    [2] fevereiro
    [3] março
    [4] abril
    [5] maio
    [6] junho
    [7] julho
    [8] agosto
    [9] setembro
    [10] outubro
    [11] novembro
   *[12] dezembro
} de { $year } às { $time } UTC

# How a session's device is named on the account page.
device-unknown = Dispositivo desconhecido
device-browser-on-system = { $browser } no { $system }

# What a scope lets an application do (consent page).
scope-openid = Saber quem você é (um identificador fixo da sua conta)
scope-email = Ver seu endereço de e-mail
scope-profile = Ver seu perfil básico
scope-offline-access = Continuar conectado mesmo quando você não estiver usando o aplicativo
scope-admin = Administrar os usuários do latchkey
scope-other = Usar esta permissão da sua conta

# static/passkey.js, through data- attributes of the page.
passkey-request-failed = A solicitação falhou.
passkey-cancelled = A chave de acesso não foi usada (a operação foi cancelada ou o tempo esgotou).
# The JSON answers of the passkey endpoints, which the script shows.
passkey-error-media-type = O corpo da solicitação precisa ser application/json.
passkey-error-too-large = A solicitação é grande demais.
passkey-error-forged = Esta página expirou ou não veio deste site. Recarregue a página e tente novamente.
passkey-error-unreadable = Não foi possível ler a solicitação.
passkey-error-off = As chaves de acesso não estão disponíveis neste servidor.
passkey-error-expired = A operação demorou demais ou a página foi usada duas vezes. Tente novamente.
passkey-error-refused = Essa chave de acesso não foi aceita.
passkey-error-duplicate = Esta chave de acesso já está registrada.
passkey-error-busy = O serviço está sobrecarregado. Tente novamente daqui a pouco.
passkey-error-internal = Algo deu errado. Tente novamente mais tarde.
passkey-error-signed-out = Você não está mais conectado. Entre novamente e depois adicione a chave de acesso.
passkey-error-name = { $count ->
    [one] Dê à chave de acesso um nome com no máximo { $count } caractere.
   *[other] Dê à chave de acesso um nome com no máximo { $count } caracteres.
}

# How long ago something happened (the account page), for the last 30
# days; older moments are shown as a date-time.
time-just-now = agora mesmo
time-minutes-ago = { $count ->
    [one] há { $count } minuto
   *[other] há { $count } minutos
}
time-hours-ago = { $count ->
    [one] há { $count } hora
   *[other] há { $count } horas
}
time-days-ago = { $count ->
    [one] há { $count } dia
   *[other] há { $count } dias
}
