# The account page, setting up an authenticator app, recovery codes.

account-title = 您的账号
account-heading = 已登录
account-scopes = 权限
account-scopes-none = 无
account-session-ends = 会话结束时间
# Around the date the session ends: "最迟 <date>".
account-session-ends-before = 最迟{" "}
account-session-ends-after = {""}
account-sessions-heading = 您的登录会话
account-this-browser = （此浏览器）
account-session-application = { $name }（应用）
# $address: the IP address; $started: a date-time.
account-session-details = { $address } · 开始于 { $started }
# $date: a date-time, or a time-* message ("5 分钟前").
account-last-used = 上次使用：{ $date }
account-never-used = 从未使用
account-sign-out-others = 退出其他所有会话
account-applications-heading = 您已授权的应用
account-applications-none = 无。
account-allowed-on = 授权时间：{ $date }
account-remove-access = 撤销访问权限

account-second-factor-heading = 两步验证
account-totp-on-label = 身份验证器应用：
account-totp-on = 已开启
account-recovery-codes-left = （剩余 { $count } 个恢复码）
account-totp-code-label = 应用中的验证码或恢复码
account-totp-turn-off = 关闭
account-totp-off = 身份验证器应用：未开启。开启后，仅凭密码将无法登录。
account-totp-fields-empty = 请输入您的密码和验证码。
account-totp-code-wrong = 验证码不正确。

account-passkeys-heading = 通行密钥
account-passkeys-hint = 使用通行密钥，您无需密码即可登录；输入密码后，通行密钥也会作为两步验证的第二步使用。
account-passkeys-none = 还没有通行密钥。
account-passkey-added = 添加时间：{ $date }
account-passkey-remove = 移除
account-passkey-name = 新通行密钥的名称
account-passkey-name-example = 例如：笔记本电脑
account-passkey-add = 添加通行密钥
account-passkey-needs-script = 添加通行密钥需要启用 JavaScript。
account-passkey-password-empty = 请输入密码以移除通行密钥。
account-passkey-unknown = 该通行密钥未注册。

account-password-heading = 更改密码
account-current-password = 当前密码
account-new-password-again = 再次输入新密码
account-password-submit = 更改密码
account-password-empty = 请输入当前密码和新密码。
account-password-wrong = 密码不正确。

account-done-password = 密码已更改。您的其他会话均已结束。
account-done-session = 该会话已结束。
account-done-others = 您已退出其他所有会话。
account-done-application = 该应用已无法访问您的账号。
account-done-totp-off = 登录时不再需要身份验证器应用。
account-done-passkey-added = 已添加您的通行密钥。
account-done-passkey-removed = 已移除该通行密钥。
account-no-session-named = 未指定会话。
account-no-application-named = 未指定应用。

totp-setup-title = 设置身份验证器应用
totp-setup-intro = 请使用身份验证器应用扫描此二维码，或在应用中手动输入密钥。
totp-setup-qr-label = 下方密钥的二维码
totp-setup-key = 密钥
# A sentence around a link: before, the link's text, after.
totp-setup-link-before = 或者，在安装了该应用的设备上打开此链接：
totp-setup-link = 添加到身份验证器
totp-setup-link-after = {""}
totp-setup-code = 应用显示的验证码
totp-setup-submit = 开启
totp-setup-code-wrong = 验证码不正确。请检查设备时间是否准确，然后输入应用当前显示的验证码。

recovery-title = 您的恢复码
recovery-totp-on = 现在登录时需要使用身份验证器应用。
recovery-intro = 如果您无法使用该应用，每个恢复码都可以让您登录一次。请妥善保管这些恢复码：它们只会显示这一次。
