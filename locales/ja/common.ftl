# Shared by several pages: form fields, links, error pages, waits, dates.
# Message ids are used in templates/ and src/; keep them in every language.

field-email = メールアドレス
field-password = パスワード
field-new-password = 新しいパスワード
# After a new-password label; $count is the minimum length.
field-password-hint = （{ $count }文字以上）

back-to-sign-in = ログイン画面に戻る
back-to-account = アカウントに戻る
sign-out-button = ログアウト

form-email-invalid = 有効なメールアドレスを入力してください。
form-passwords-differ = パスワードが一致しません。
form-expired-title = フォームの有効期限切れ
form-expired-text = このフォームは有効期限が切れているか、このサイト以外から送信されました。ページを再読み込みして、もう一度お試しください。

password-too-short = パスワードは{ $count }文字以上にしてください。
password-too-long = パスワードは{ $count }文字以内にしてください。
password-common = このパスワードはよく使われているため使用できません。別のパスワードを選んでください。

bad-request-title = 不正なリクエスト
bad-form-text = フォームを読み取れませんでした。
bad-query-text = リクエストを読み取れませんでした。
too-much-data-title = データが大きすぎます
too-much-data-text = フォームのデータが大きすぎます。
not-found-title = ページが見つかりません
not-found-text = お探しのページは見つかりませんでした。
error-title = 問題が発生しました
error-text = しばらくしてからもう一度お試しください。
busy-title = もう一度お試しください
# $wait is a duration-* message, e.g. "5秒".
busy-text = latchkey は現在混み合っています。{ $wait }後にもう一度お試しください。
throttled-try-again = 失敗した回数が多すぎます。{ $wait }後にもう一度お試しください。

# Waits, rounded up.
duration-seconds = { $count }秒
duration-minutes = { $count }分
duration-hours = { $count }時間

# A date and time, always in UTC: "2026年12月3日 19:58 UTC".
date-time = { $year }年{ $month }月{ $day }日 { $time } UTC

# How a session's device is named on the account page.
device-unknown = 不明なデバイス
device-browser-on-system = { $browser }（{ $system }）

# What a scope lets an application do (consent page).
scope-openid = あなたが誰かを確認する（アカウントの不変の識別子）
scope-email = メールアドレスを参照する
scope-profile = 基本的なプロフィール情報を参照する
scope-offline-access = アプリを使用していないときもログイン状態を維持する
scope-admin = latchkey のユーザーを管理する
scope-other = アカウントのこの権限を使用する

# static/passkey.js, through data- attributes of the page.
passkey-request-failed = リクエストに失敗しました。
passkey-cancelled = パスキーは使用されませんでした（キャンセルされたか、タイムアウトしました）。
# The JSON answers of the passkey endpoints, which the script shows.
passkey-error-media-type = リクエスト本文は application/json である必要があります。
passkey-error-too-large = リクエストが大きすぎます。
passkey-error-forged = このページは有効期限が切れているか、このサイトのページではありません。再読み込みして、もう一度お試しください。
passkey-error-unreadable = リクエストを読み取れませんでした。
passkey-error-off = このサーバーではパスキーを利用できません。
passkey-error-expired = 時間がかかりすぎたか、ページが2回使用されました。もう一度お試しください。
passkey-error-refused = このパスキーは受け付けられませんでした。
passkey-error-duplicate = このパスキーはすでに登録されています。
passkey-error-busy = サービスが混み合っています。しばらくしてからもう一度お試しください。
passkey-error-internal = 問題が発生しました。しばらくしてからもう一度お試しください。
passkey-error-signed-out = ログアウトしています。もう一度ログインしてから、パスキーを追加してください。
passkey-error-name = パスキーの名前は{ $count }文字以内で入力してください。

# How long ago something happened (the account page), for the last 30
# days; older moments are shown as a date-time.
time-just-now = たった今
time-minutes-ago = { $count }分前
time-hours-ago = { $count }時間前
time-days-ago = { $count }日前
