# Shared by several pages: form fields, links, error pages, waits, dates.
# Message ids are used in templates/ and src/; keep them in every language.

field-email = 电子邮箱
field-password = 密码
field-new-password = 新密码
# After a new-password label; $count is the minimum length.
field-password-hint = （至少 { $count } 个字符）

back-to-sign-in = 返回登录页面
back-to-account = 返回您的账号
sign-out-button = 退出登录

form-email-invalid = 请输入有效的电子邮箱地址。
form-passwords-differ = 两次输入的密码不一致。
form-expired-title = 表单已过期
form-expired-text = 此表单已过期，或并非来自本网站。请重新加载页面后重试。

password-too-short = 密码至少需要 { $count } 个字符。
password-too-long = 密码不能超过 { $count } 个字符。
password-common = 此密码是最常用的密码之一，请换一个。

bad-request-title = 请求无效
bad-form-text = 无法读取表单。
bad-query-text = 无法读取请求。
too-much-data-title = 数据过多
too-much-data-text = 表单内容过大。
not-found-title = 找不到页面
not-found-text = 此处没有任何内容。
error-title = 出错了
error-text = 请稍后重试。
busy-title = 请重试
# $wait is a duration-* message, e.g. "5 秒".
busy-text = latchkey 当前繁忙，请 { $wait }后重试。
throttled-try-again = 失败次数过多，请 { $wait }后重试。

# Waits, rounded up.
duration-seconds = { $count } 秒
duration-minutes = { $count } 分钟
duration-hours = { $count } 小时

# A date and time, always in UTC: "2026年12月3日 19:58 UTC".
date-time = { $year }年{ $month }月{ $day }日 { $time } UTC

# How a session's device is named on the account page.
device-unknown = 未知设备
device-browser-on-system = { $system } 上的 { $browser }

# What a scope lets an application do (consent page).
scope-openid = 识别您的身份（您账号的固定标识符）
scope-email = 查看您的电子邮箱地址
scope-profile = 查看您的基本个人资料
scope-offline-access = 在您不使用该应用时保持登录状态
scope-admin = 管理 latchkey 的用户
scope-other = 使用您账号的此项权限

# static/passkey.js, through data- attributes of the page.
passkey-request-failed = 请求失败。
passkey-cancelled = 未使用通行密钥（操作已取消或已超时）。
# The JSON answers of the passkey endpoints, which the script shows.
passkey-error-media-type = 请求正文必须是 application/json。
passkey-error-too-large = 请求过大。
passkey-error-forged = 此页面已过期，或并非来自本网站。请重新加载页面后重试。
passkey-error-unreadable = 无法读取请求。
passkey-error-off = 此服务器不支持通行密钥。
passkey-error-expired = 操作耗时过长，或页面被使用了两次。请重试。
passkey-error-refused = 该通行密钥未被接受。
passkey-error-duplicate = 此通行密钥已注册。
passkey-error-busy = 服务繁忙，请稍后重试。
passkey-error-internal = 出错了，请稍后重试。
passkey-error-signed-out = 您已退出登录。请重新登录，然后再添加通行密钥。
passkey-error-name = 通行密钥名称不能超过 { $count } 个字符。

# How long ago something happened (the account page), for the last 30
# days; older moments are shown as a date-time.
time-just-now = 刚刚
time-minutes-ago = { $count } 分钟前
time-hours-ago = { $count } 小时前
time-days-ago = { $count } 天前
