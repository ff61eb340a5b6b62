# Mails. $site is the public URL, $email the recipient, $forgot the
# address of the password reset page.

mail-hello = こんにちは。
mail-signature = latchkey（{ $site }）
mail-copy-link = または、次のアドレスをコピーしてブラウザに貼り付けてください：
# The plain-text part: the action, then the link on the next line.
mail-link-label = { $action }：
mail-link-valid-minutes = このリンクの有効期間は{ $count }分で、使用できるのは1回だけです。
mail-link-valid-days = このリンクの有効期間は{ $count }日で、使用できるのは1回だけです。

mail-reset-subject = latchkey のパスワードの再設定
mail-reset-intro = { $site } のアカウント { $email } のパスワード再設定がリクエストされました。
mail-reset-action = 新しいパスワードを設定
mail-reset-ignore = このリクエストに心当たりがない場合は、このメールを無視してください。パスワードは変更されません。

mail-invite-subject = latchkey アカウントのご案内
mail-invite-intro = 管理者が { $site } に { $email } のアカウントを作成しました。
mail-invite-action = パスワードを設定
mail-invite-ignore = 心当たりがない場合は、このメールを無視してください。パスワードが設定されない限り、このアカウントには誰もログインできません。

mail-notice-not-you = 心当たりがない場合は、すぐに { $forgot } で新しいパスワードを設定し、管理者に連絡してください。
mail-password-changed-subject = latchkey のパスワードが変更されました
mail-password-changed-what = アカウント { $email } のパスワードが変更され、このアカウントの他のセッションはすべてログアウトされました。
mail-second-factor-added-subject = latchkey アカウントに2段階認証の手段が追加されました
mail-second-factor-added-what = アカウント { $email } に2段階認証の手段（認証アプリまたはパスキー）が追加されました。
mail-second-factor-removed-subject = latchkey アカウントから2段階認証の手段が削除されました
mail-second-factor-removed-what = アカウント { $email } から2段階認証の手段が削除されました。今後はパスワードだけでログインできる場合があります。
mail-throttled-subject = latchkey アカウントへのログインの失敗
mail-throttled-what = アカウント { $email } で誤ったパスワードが何度も入力されたため、しばらくの間このアカウントへのログインを制限しています。
mail-throttled-advice = ご自身による操作の場合は、しばらく待ってからもう一度お試しいただくか、{ $forgot } で新しいパスワードを設定してください。心当たりがない場合でも、パスワードを誰にも知られていなければ安全です。この通知が送信されるのは、最大で1時間に1回です。
