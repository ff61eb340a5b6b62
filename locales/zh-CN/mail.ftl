# Mails. $site is the public URL, $email the recipient, $forgot the
# address of the password reset page.

mail-hello = 您好：
mail-signature = latchkey（{ $site }）
mail-copy-link = 或者，将以下地址复制到浏览器中打开：
# The plain-text part: the action, then the link on the next line.
mail-link-label = { $action }：
mail-link-valid-minutes = 该链接仅可使用一次，有效期为 { $count } 分钟。
mail-link-valid-days = 该链接仅可使用一次，有效期为 { $count } 天。

mail-reset-subject = 重置您的 latchkey 密码
mail-reset-intro = 有人（希望是您本人）请求重置 { $site } 上账号 { $email } 的密码。
mail-reset-action = 设置新密码
mail-reset-ignore = 如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。

mail-invite-subject = 您的 latchkey 账号
mail-invite-intro = 管理员已在 { $site } 上为 { $email } 创建了账号。
mail-invite-action = 设置您的密码
mail-invite-ignore = 如果您并未预期收到此邮件，请忽略它；在设置密码之前，任何人都无法登录该账号。

mail-notice-not-you = 如果这不是您本人的操作，请立即在 { $forgot } 设置新密码，并告知您的管理员。
mail-password-changed-subject = 您的 latchkey 密码已更改
mail-password-changed-what = 您的账号 { $email } 的密码已更改，该账号的其他会话均已退出登录。
mail-second-factor-added-subject = 您的 latchkey 账号添加了一种两步验证方式
mail-second-factor-added-what = 您的账号 { $email } 添加了一种两步验证方式（身份验证器应用或通行密钥）。
mail-second-factor-removed-subject = 您的 latchkey 账号移除了一种两步验证方式
mail-second-factor-removed-what = 您的账号 { $email } 移除了一种两步验证方式；现在可能仅凭密码即可登录。
mail-throttled-subject = 您的 latchkey 账号有多次登录失败
mail-throttled-what = 有人多次使用错误的密码尝试登录您的账号 { $email }，因此该账号的登录将在一段时间内被放慢。
mail-throttled-advice = 如果是您本人，请稍等片刻后重试，或在 { $forgot } 设置新密码。如果不是您本人，只要没有其他人知道您的密码，它就仍然安全；此通知每小时最多发送一次。
