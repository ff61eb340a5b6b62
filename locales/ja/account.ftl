# The account page, setting up an authenticator app, recovery codes.

account-title = アカウント
account-heading = ログイン中
account-scopes = 権限
account-scopes-none = なし
account-session-ends = セッションの有効期限
# Around the date the session ends; the label says "expires", so both
# are empty here.
account-session-ends-before = {""}
account-session-ends-after = {""}
account-sessions-heading = ログイン中のセッション
account-this-browser = （このブラウザ）
account-session-application = { $name }（アプリケーション）
# $address: the IP address; $started: a date-time.
account-session-details = { $address } · 開始：{ $started }
# $date: a date-time, or a time-* message ("5分前").
account-last-used = 最終使用：{ $date }
account-never-used = 未使用
account-sign-out-others = 他のすべてのセッションからログアウト
account-applications-heading = 許可したアプリケーション
account-applications-none = ありません。
account-allowed-on = 許可日時：{ $date }
account-remove-access = アクセス権を取り消す

account-second-factor-heading = 2段階認証
account-totp-on-label = 認証アプリ：
account-totp-on = オン
account-recovery-codes-left = （リカバリーコード残り{ $count }個）
account-totp-code-label = アプリのコードまたはリカバリーコード
account-totp-turn-off = オフにする
account-totp-off = 認証アプリ：オフ。オンにすると、パスワードだけではログインできなくなります。
account-totp-fields-empty = パスワードとコードを入力してください。
account-totp-code-wrong = コードが正しくありません。

account-passkeys-heading = パスキー
account-passkeys-hint = パスキーを使うと、パスワードなしでログインできます。また、パスワード入力後の2段階認証にも使われます。
account-passkeys-none = パスキーはまだありません。
account-passkey-added = 追加日時：{ $date }
account-passkey-remove = 削除
account-passkey-name = 新しいパスキーの名前
account-passkey-name-example = 例：ノートパソコン
account-passkey-add = パスキーを追加
account-passkey-needs-script = パスキーを追加するには JavaScript が必要です。
account-passkey-password-empty = パスキーを削除するには、パスワードを入力してください。
account-passkey-unknown = このパスキーは登録されていません。

account-password-heading = パスワードの変更
account-current-password = 現在のパスワード
account-new-password-again = 新しいパスワード（確認）
account-password-submit = パスワードを変更
account-password-empty = 現在のパスワードと新しいパスワードを入力してください。
account-password-wrong = パスワードが正しくありません。

account-done-password = パスワードを変更しました。他のセッションはすべて終了しました。
account-done-session = セッションを終了しました。
account-done-others = 他のすべてのセッションからログアウトしました。
account-done-application = このアプリケーションはアカウントにアクセスできなくなりました。
account-done-totp-off = ログインに認証アプリは不要になりました。
account-done-passkey-added = パスキーを追加しました。
account-done-passkey-removed = パスキーを削除しました。
account-no-session-named = セッションが指定されていません。
account-no-application-named = アプリケーションが指定されていません。

totp-setup-title = 認証アプリの設定
totp-setup-intro = 認証アプリでこの QR コードをスキャンするか、セットアップキーを入力してください。
totp-setup-qr-label = 下のセットアップキーの QR コード
totp-setup-key = セットアップキー
# A sentence around a link: before, the link's text, after.
totp-setup-link-before = または、認証アプリが入っているデバイスで次のリンクを開いてください：
totp-setup-link = 認証アプリに追加
totp-setup-link-after = {""}
totp-setup-code = アプリに表示されたコード
totp-setup-submit = オンにする
totp-setup-code-wrong = コードが正しくありません。デバイスの時刻が正しいことを確認し、現在表示されているコードを入力してください。

recovery-title = リカバリーコード
recovery-totp-on = 今後、ログインには認証アプリが必要です。
recovery-intro = 認証アプリを使えなくなった場合は、これらのコードでそれぞれ1回ずつログインできます。安全な場所に保管してください。コードが表示されるのは今回だけです。
