# Signing in and out, setup, password reset, second factor, consent.

login-title = 登录
login-submit = 登录
login-forgot-link = 忘记密码？
login-passkey-hint = 或者，无需密码：
login-passkey-button = 使用通行密钥登录
login-empty-fields = 请输入您的电子邮箱和密码。
login-wrong-credentials = 电子邮箱或密码不正确。
login-no-account-yet = 尚无任何账号。请使用服务器日志中的一次性设置链接创建第一个管理员。
login-session-ended = 您的会话已结束（您已在其他地方退出登录，或密码已更改）。请重新登录。
login-signed-out = 您已退出登录。
login-password-set = 新密码已设置，请使用新密码登录。

logout-title = 退出登录
logout-heading = 要退出登录吗？
logout-intro = 某个应用请求让您退出 latchkey 登录。您当前的登录身份是 { $email }。
logout-refused-title = 退出登录请求被拒绝
logout-refused-different-clients = client_id 和 id_token_hint 指向不同的应用。
logout-refused-no-client = post_logout_redirect_uri 需要 client_id 或 id_token_hint 来指明它属于哪个应用。
logout-refused-unregistered-uri = 此应用未注册该 post_logout_redirect_uri。
logout-refused-bad-hint = 该 id_token_hint 不是本服务签发的有效 id_token。

setup-title = 创建第一个管理员
setup-heading = 欢迎使用 latchkey
setup-intro = 目前还没有人可以登录。请创建第一个管理员；创建完成后，此页面将不再显示。
setup-repeat = 再次输入密码
setup-submit = 创建管理员

forgot-title = 忘记密码
forgot-heading = 忘记密码了？
forgot-intro = 请输入您账号的电子邮箱地址，我们会通过邮件向您发送一个设置新密码的链接。
forgot-submit = 发送链接
forgot-no-mail = 此服务器无法发送电子邮件，因此无法在此重置密码。请联系管理员为您设置新密码。
# $count: minutes the link works.
forgot-sent = 如果存在使用该地址的账号，设置新密码的链接已发送到该地址，链接在 { $count } 分钟内有效。如果没有收到邮件，请检查垃圾邮件文件夹。
forgot-too-many = 请求过多，请 { $wait }后重试。

reset-title = 设置密码
reset-for-account = 账号：{ $email }
reset-repeat = 再次输入新密码
reset-submit = 设置密码
reset-dead-link = 此链接已过期或已被使用。请在下方重新申请。

second-factor-title = 两步验证
second-factor-heading = 还差一步
second-factor-passkey-intro = 请使用通行密钥进行确认。
second-factor-passkey-button = 使用通行密钥
second-factor-passkey-needs-script = 您的通行密钥需要在此浏览器中启用 JavaScript。请启用 JavaScript，或联系管理员。
second-factor-passkey-unavailable = 目前无法在此服务器上使用您的通行密钥。请联系管理员。
second-factor-totp-intro = 请输入身份验证器应用中显示的 6 位验证码。无法使用该应用？请改为输入一个恢复码。
second-factor-code = 验证码
second-factor-submit = 继续
second-factor-code-empty = 请输入身份验证器应用中的验证码或恢复码。
second-factor-code-wrong = 验证码不正确。验证码每 30 秒更新一次，每个验证码只能使用一次。

consent-title = 授权访问
consent-heading = 允许 { $client } 访问吗？
consent-wants = { $client } 请求使用您的 latchkey 账号 { $email }。
consent-no-scopes = 除登录外，它不请求任何其他权限。
consent-asks = 它请求以下权限：
consent-sent-back = 之后您将返回 { $host }。您以后可以在账号中移除该应用，以撤销此授权。
consent-allow = 允许
consent-deny = 拒绝

authorize-refused-title = 登录请求被拒绝
# $why is one of the authorize-* messages below.
authorize-refused-text = { $why }请返回该应用重试，或告知该应用的管理员。
authorize-unreadable = 无法读取请求。
authorize-no-decision = 表单未指明允许还是拒绝。
authorize-no-client = 请求未指明任何应用（client_id）。
authorize-unknown-client = 该应用未在此注册。
authorize-no-redirect-uri = 请求中缺少 redirect_uri。
authorize-unregistered-redirect-uri = 此应用未注册该 redirect_uri。
