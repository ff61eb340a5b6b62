# Signing in and out, setup, password reset, second factor, consent.

login-title = ログイン
login-submit = ログイン
login-forgot-link = パスワードをお忘れですか？
login-passkey-hint = または、パスワードを使わずにログイン：
login-passkey-button = パスキーでログイン
login-empty-fields = メールアドレスとパスワードを入力してください。
login-wrong-credentials = メールアドレスまたはパスワードが正しくありません。
login-no-account-yet = アカウントがまだありません。サーバーのログに出力された1回限りのセットアップ用リンクから、最初の管理者を作成してください。
login-session-ended = セッションが終了しました（別の場所でログアウトしたか、パスワードが変更されました）。もう一度ログインしてください。
login-signed-out = ログアウトしました。
login-password-set = 新しいパスワードを設定しました。新しいパスワードでログインしてください。

logout-title = ログアウト
logout-heading = ログアウトしますか？
logout-intro = アプリケーションが latchkey からのログアウトを求めています。現在 { $email } としてログインしています。
logout-refused-title = ログアウトのリクエストが拒否されました
logout-refused-different-clients = client_id と id_token_hint が別々のアプリケーションを示しています。
logout-refused-no-client = post_logout_redirect_uri を使うには、どのアプリケーションのものかを示す client_id または id_token_hint が必要です。
logout-refused-unregistered-uri = この post_logout_redirect_uri は、このアプリケーションに登録されていません。
logout-refused-bad-hint = この id_token_hint は、このサービスの有効な id_token ではありません。

setup-title = 最初の管理者の作成
setup-heading = latchkey へようこそ
setup-intro = まだ誰もログインできません。最初の管理者を作成してください。作成後、このページは表示されなくなります。
setup-repeat = パスワード（確認）
setup-submit = 管理者を作成

forgot-title = パスワードの再設定
forgot-heading = パスワードをお忘れですか？
forgot-intro = アカウントのメールアドレスを入力してください。新しいパスワードを設定するためのリンクをメールでお送りします。
forgot-submit = リンクを送信
forgot-no-mail = このサーバーはメールを送信できないため、ここではパスワードを再設定できません。新しいパスワードの設定を管理者に依頼してください。
# $count: minutes the link works.
forgot-sent = このアドレスのアカウントが存在する場合は、新しいパスワードを設定するためのリンクをお送りしました。リンクの有効期間は{ $count }分です。メールが届かない場合は、迷惑メールフォルダをご確認ください。
forgot-too-many = リクエストが多すぎます。{ $wait }後にもう一度お試しください。

reset-title = パスワードの設定
reset-for-account = アカウント：{ $email }
reset-repeat = 新しいパスワード（確認）
reset-submit = パスワードを設定
reset-dead-link = このリンクは有効期限が切れているか、すでに使用されています。下のフォームから新しいリンクをリクエストしてください。

second-factor-title = 2段階認証
second-factor-heading = あと1ステップです
second-factor-passkey-intro = パスキーで確認してください。
second-factor-passkey-button = パスキーを使用
second-factor-passkey-needs-script = パスキーを使うには、このブラウザで JavaScript を有効にする必要があります。JavaScript を有効にするか、管理者にお問い合わせください。
second-factor-passkey-unavailable = 現在、このサーバーではパスキーを使用できません。管理者にお問い合わせください。
second-factor-totp-intro = 認証アプリに表示されている6桁のコードを入力してください。認証アプリを使えない場合は、代わりにリカバリーコードを1つ入力してください。
second-factor-code = コード
second-factor-submit = 続行
second-factor-code-empty = 認証アプリのコードまたはリカバリーコードを入力してください。
second-factor-code-wrong = コードが正しくありません。コードは30秒ごとに変わり、各コードは1回しか使用できません。

consent-title = アクセスの許可
consent-heading = { $client } にアクセスを許可しますか？
consent-wants = { $client } が latchkey アカウント { $email } の使用を求めています。
consent-no-scopes = ログイン以外の権限は求められていません。
consent-asks = 求められている権限：
consent-sent-back = この後、{ $host } に戻ります。許可は後からいつでも、アカウントページでアプリケーションを削除して取り消せます。
consent-allow = 許可
consent-deny = 拒否

authorize-refused-title = ログインのリクエストが拒否されました
# $why is one of the authorize-* messages below.
authorize-refused-text = { $why }アプリケーションに戻ってもう一度お試しいただくか、アプリケーションの管理者にお知らせください。
authorize-unreadable = リクエストを読み取れませんでした。
authorize-no-decision = フォームで許可と拒否のどちらも選ばれていませんでした。
authorize-no-client = リクエストでアプリケーション（client_id）が指定されていません。
authorize-unknown-client = このアプリケーションはここに登録されていません。
authorize-no-redirect-uri = リクエストに redirect_uri がありません。
authorize-unregistered-redirect-uri = この redirect_uri は、このアプリケーションに登録されていません。
