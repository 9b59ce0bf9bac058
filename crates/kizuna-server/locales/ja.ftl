# kizuna-server の文言: 公開ページ（テンプレート）の表示。
# キーは en.ftl と同じものをすべてそろえる（テストで確かめる）。
# 文言はそのまま HTML に書かれる: タグは書かず、属性に入るもの（aria-label, title）には " を使わない。

## この言語について

# この言語の名前を、この言語で（言語の切り替えリンク、メールの言語の選択肢、登録メールの区切り） / this language's name in itself
locale-name = 日本語

## どのページにもある部分 (layout.html, web.rs)

layout-site-name = きずなメール
home-title = トップ
layout-skip = 本文へ移動
layout-register-short = メールで受け取る
layout-language-nav = 言語
layout-about-nav = このサービスについて
layout-register = メール配信の登録
layout-privacy = 個人情報の取り扱い
# $consortium: 圏域の名前 / the consortium's name
layout-operator = { $consortium }（構成市町村による共同運営）

## トップページ (home.html)

home-heading = { $consortium }のお知らせ・防災情報
home-lead = 下記の市町村からの防災・気象・防犯・行政のお知らせを、メールとこのサイトでお届けします。
home-municipalities = 参加市町村
home-latest = 最新のお知らせ
home-no-notices = 現在、お知らせはありません。
home-search = 過去のお知らせを検索

## お知らせの印 (notice.html, notice_list.html)

label-emergency = 緊急
label-drill = 訓練
label-correction = 訂正
label-withdrawn = 撤回
list-corrected-later = （後に訂正）

## お知らせのページ (notice.html)

detail-drill-banner = これは訓練のための配信です。実際の災害・事件ではありません。
# $at: 日時 / the date and time
detail-withdrawn = このお知らせは{ $at }に撤回されました。内容は取り消されています。
detail-corrected = このお知らせは、その後訂正されました。
detail-read-correction = 訂正後のお知らせを見る
# ページの言語の本文がないときだけ表示（日本語のページでは出ない）。$shown: 表示している本文の言語 / shown only when the notice has no text in the page's language; $shown: the language of the text shown
detail-no-translation = このお知らせには、この言語の本文がないため、日本語で表示しています。
# $earlier: detail-earlier-notice のリンク / a link with the text of detail-earlier-notice
detail-corrects = このお知らせは、{ $earlier }を訂正したものです。
detail-earlier-notice = 先に配信したお知らせ
detail-cap = CAP 1.2 形式（他のシステム向け）
detail-search = お知らせの一覧・検索へ

## お知らせの検索 (notices.html)

search-feed-title = お知らせ（Atomフィード）
search-heading = お知らせの検索
search-check = 検索条件を確認してください
search-keywords = キーワード
search-keywords-hint = 例：断水　スペースで区切ると、すべての語を含むお知らせを探します。
search-municipality = 市町村
search-all-municipalities = すべての市町村
search-category = 分類
search-all-categories = すべての分類
search-date-sent = 配信日
search-from = 開始日
search-to = 終了日
search-submit = 検索
search-results = 検索結果
search-no-match = 該当するお知らせはありません。語を減らすか、期間を広げてお試しください。
search-empty-page = このページにはお知らせがありません。
# $total: 件数 / how many match, $first–$last: このページの範囲 / the ones on this page
search-count = { $total }件中 { $first }〜{ $last }件目
search-pages-nav = ページ送り
search-previous = 前のページ
search-page = { $page } / { $pages } ページ
search-next = 次のページ
search-feed = この市町村・分類のお知らせをフィード（Atom）で受け取る

## 登録と変更のフォーム (register.html, manage.html, choices_fields.html, form_errors.html)

errors-heading = 入力内容を確かめてください
# スクリーンリーダーだけが読む / read by screen readers only
choices-error-prefix = エラー：
choices-municipalities = 市町村（複数選べます）
choices-receive = 受け取る情報
choices-emergency-only = 緊急情報のみ
# $names: 緊急の分類の名前 / the names of the emergency categories
choices-emergency-names = （{ $names }）
choices-chosen = 下の分類から選ぶ
choices-categories = 分類（複数選べます）
choices-format = メールの形式
choices-format-text = テキスト（携帯電話におすすめ）
choices-charset = 文字コード
choices-charset-utf8 = 標準（UTF-8。ほとんどの携帯電話・スマートフォン）
choices-charset-iso = 古い携帯電話向け（ISO-2022-JP。文字化けするとき）
choices-language = メールの言語
# メールの言語の選択肢（日本語以外）の横。$tag: その選択肢の言語 / beside a mail language choice other than Japanese; $tag: that choice's language
choices-language-hint = { $tag ->
    [en] （日本語の本文しかないお知らせは日本語で届きます）
   *[other] （お知らせは、英語の本文があれば英語で、なければ日本語で届きます）
}
register-busy = ただいま、お使いの回線から多くのお申し込みが届いています。10分ほど待ってから、もう一度ボタンを押してください。入力した内容はそのまま残っています。
register-lead = 登録したメールアドレスに、選んだ市町村から防災・気象・防犯・行政などのお知らせをお送りします。登録は無料です（通信料はご負担ください）。
# $link: register-privacy-link のリンク / a link with the text of register-privacy-link
register-privacy-note = メールアドレスはこの配信のためだけに使い、ほかの目的には使いません。保存する情報や期間、削除の方法は「{ $link }」をご覧ください。
register-privacy-link = 個人情報の取り扱い
register-email = メールアドレス
register-email-hint = 例: taro@docomo.ne.jp（全角で入力しても構いません）
register-confirm-note = ボタンを押すと、入力したアドレスに確認のメールが届きます。{ $hours }時間以内にメールのリンクを開いて、登録を完了してください。
register-submit-locked = 登録する
register-submit = 確認メールを送る
manage-heading = 登録内容の確認・変更
manage-saved = 変更を保存しました。
manage-address = 登録アドレス：
manage-save = 変更を保存する
manage-change-address = アドレスを変えるときは、新しいアドレスで登録し直し、このアドレスの配信を停止してください。
manage-stop-heading = 配信の停止・登録情報の削除
manage-stop = 配信を停止する
manage-erase = 登録情報を削除する
manage-pending = この登録は確認待ちです。確認のメールにあるリンクを開き、「登録を完了する」ボタンを押してください。
manage-suppressed = このアドレスにメールが届かない状態が続いたため、配信を止めています。登録し直すと、確認のメールで受信できることを確かめてから再開します。
manage-stopped = このアドレスへの配信は停止しています。また受け取るときは、あらためて登録してください。
manage-register-again = もう一度登録する
manage-privacy = 個人情報の取り扱い

## 個人情報の取り扱い (privacy.html)

privacy-heading = 個人情報の取り扱い
privacy-lead = きずなメールは、{ $consortium }の市町村が共同で運営しています。市町村は「個人情報の保護に関する法律」に従い、登録された方の個人情報を、このページに書いたとおりにだけ取り扱います。
privacy-why = 利用の目的
privacy-why-1 = 選んだお知らせを、選んだ言語・形式・文字コードでお送りするため
privacy-why-2 = お送りするリンクから、登録内容の変更・配信の停止・登録情報の削除ができるようにするため
privacy-why-3 = メールが届かなくなったアドレスへの送信を止めるため
privacy-why-4 = 市町村・分類ごとの登録者数を、個人が分からない数として集計するため
privacy-why-only = 広告など、これ以外の目的には使いません。
privacy-what = 保存する情報
privacy-what-1 = メールアドレス
privacy-what-2 = 選んだ市町村と分類（または「緊急情報のみ」）
privacy-what-3 = メールの言語・形式（テキストまたはHTML）・文字コード
privacy-what-4 = 登録の方法（ウェブ、ポスターのQRコード、空メール、市町村が持っていた名簿からの移行）と、ポスターの場合はその市町村
privacy-what-5 = 登録・確認・最後に変更した日時
privacy-what-6 = どのお知らせをいつお送りしたか、届かずに戻ってきたメールの回数
privacy-what-not = 氏名・住所・電話番号はお聞きしません。登録フォームの悪用を防ぐため、通信元のIPアドレスから元に戻せない符号（鍵つきのハッシュ）を作って短い間だけ回数を数え、その後消去します。IPアドレスそのものは保存しません。
privacy-what-7 = よいまちモニターに参加した方は、年代と地区、答えた場合は性別と職業、アンケートの回答（結果は件数でまとめ、内訳の5件未満の区分は表示しません）
privacy-how-long = 保存する期間
privacy-how-long-1 = 確認が済んでいない申し込みは、{ $hours }時間後に消去します。
privacy-how-long-2 = 登録している間は、お知らせをお送りするために保存します。
privacy-how-long-3 = 配信を停止すると、選んだ内容はすぐに削除し、メールアドレスは{ $days }日後に消去します（それまでは、停止のお申し出と、お送りしたお知らせの記録として残ります）。
privacy-how-long-4 = 「登録情報を削除する」を押すと、すぐに削除します。再び勝手にお送りしないよう、アドレスから計算した元に戻せない値（ハッシュ値）だけを残します。この値からアドレスを知ることはできません。
privacy-how-long-5 = 運用のためのバックアップに残った情報も、バックアップの保存期間が過ぎると消えます。
privacy-who = 情報を見ることができる人
privacy-who-text = 選んだ市町村の担当職員と、共同システムの管理担当者だけです。職員が登録者の情報を閲覧・書き出しすると、そのたびに記録（監査ログ）に残ります。法令に基づく場合を除き、第三者に提供することはありません。
privacy-erase = 変更・停止・削除の方法
privacy-erase-1 = お知らせのメールの末尾に、登録内容を変更するリンクと、配信を停止するリンクがあります。メールアプリによっては「配信停止」ボタンも表示されます。
privacy-erase-2 = 登録内容の変更ページに「登録情報を削除する」ボタンがあります。
# $link: privacy-register-again のリンク / a link with the text of privacy-register-again
privacy-erase-3 = 手元にメールがないときは、同じアドレスで{ $link }してください。登録済みであれば、変更ページへのリンクをメールでお送りします。
privacy-register-again = もう一度登録
privacy-erase-law = 法律に基づく個人情報の開示・訂正・利用停止などのご請求は、下記の市町村の窓口で受け付けます。
privacy-contact = お問い合わせ

## The staff console (/admin).
errors-prefix = エラー：
console-site-name = きずなメール 管理画面
console-signed-in-as = ログイン中：
console-sign-out = ログアウト
console-nav-label = 管理画面のメニュー
console-nav-home = ホーム
console-nav-notices = お知らせ一覧
console-nav-compose = お知らせを作成
console-nav-account = アカウント
console-nav-dashboard = 登録状況
console-nav-residents = 登録者
console-nav-staff = 職員
console-nav-templates = 緊急テンプレート
console-nav-settings = 設定
console-nav-costs = 費用分担
console-nav-audit = 操作記録
console-scope-all = 全市町村
console-back-home = ホームへ戻る
console-yes = あり
console-no = なし
console-list-separator = 、
console-role-author = 作成者
console-role-approver = 承認者
console-role-municipality-admin = 市町村管理者
console-role-consortium-admin = 圏域管理者
console-role-author-summary = 自分の市町村のお知らせを作成し、承認を依頼できます。承認されたお知らせは送信・予約できます。
console-role-approver-summary = 自分の市町村のお知らせを承認・差し戻し・送信し、送信後の訂正や撤回ができます。
console-role-municipality-admin-summary = 承認者のできることに加え、自分の市町村の職員と登録者を管理します。
console-role-consortium-admin-summary = 圏域全体のお知らせ・職員・登録者・設定を管理します。
console-refused-title = この操作はできません
console-refused-network = このネットワークからは管理画面を使えません。庁内の端末からアクセスしてください。
console-refused-origin = 別のサイトから送られた操作のため、受け付けませんでした。管理画面の中から操作してください。
console-refused-token = 画面の有効期限が切れたか、正しくない操作です。ページを開き直してから、もう一度操作してください。
console-refused-role = あなたの役割ではこの操作はできません。必要な場合は管理者に依頼してください。
console-refused-too-large = 送られた内容が大きすぎます。本文を短くしてください。
console-refused-unavailable = ただいまデータベースにつながりません。しばらくしてから、もう一度お試しください。
console-error-not-found = お知らせが見つかりません。あなたの担当の市町村のお知らせではない可能性があります。
console-error-not-allowed = あなたの役割ではこの操作はできません。
console-error-out-of-scope = あなたが担当していない市町村が含まれています。
console-error-unknown-municipality = 圏域にない市町村が選ばれています。
console-error-unknown-category = その分類はありません。
console-error-unknown-area = 選んだ市町村にない地区が含まれています。
console-error-time-passed = 指定した日時はすでに過ぎています。これから先の日時を指定してください。
console-error-expires-before-start = 掲載終了の日時が送信より前になっています。
console-error-status-changed = このお知らせの状態が変わったため、この操作はできません。お知らせのページを開き直してください。
console-error-not-editable = 承認待ち・送信済みのお知らせは編集できません。
console-error-internal = 問題が発生しました。しばらくしてから、もう一度お試しください。続く場合は管理者に連絡してください。
console-done-saved = 下書きを保存しました。
console-done-submitted = 承認を依頼しました。承認者に知らせてください。
console-done-approved = 承認しました。
console-done-returned = 作成者に差し戻しました。
console-done-sending = 送信を始めました。
console-done-scheduled = 送信を予約しました。
console-done-unscheduled = 予約を取り消しました。お知らせは承認済みのままです。
console-done-cancelled = 取り消しました。まだ送られていない分は送信されません。
console-done-corrected = 訂正を送信しました。
console-done-withdrawn = 撤回しました。公開の一覧から外れました。
console-done-armed = 緊急配信の秒読みを始めました。取り消す場合はすぐに「送信を中止する」を押してください。
console-done-tested = あなたのメールアドレスにテスト送信しました。
console-done-cloned = 複製しました。内容を確かめて保存してください。
console-done-password = パスワードを変更しました。
console-done-second-factor = 二段階認証を設定しました。
console-login-title = 管理画面にログイン
console-login-email = メールアドレス
console-login-password = パスワード
console-login-button = ログイン
console-login-help = パスワードを忘れたときは、市町村または圏域の管理者に再設定を依頼してください。
console-login-expired = 一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。
console-login-email-missing = メールアドレスを入力してください。
console-login-password-missing = パスワードを入力してください。
console-login-wrong = メールアドレスかパスワードが正しくありません。
console-login-wait = 失敗が続いたため、{ $seconds }秒待ってから、もう一度お試しください。
console-password-title = パスワードの変更
console-password-required = 最初のログインです。はじめに、渡されたパスワードを自分だけが知るパスワードに変えてください。
console-password-current = 今のパスワード
console-password-new = 新しいパスワード
console-password-confirm = 新しいパスワード（確認）
console-password-hint = { $min }文字以上にしてください。長い文でもかまいません。
console-password-button = パスワードを変更する
console-password-current-missing = 今のパスワードを入力してください。
console-password-new-missing = 新しいパスワードを入力してください。
console-password-current-wrong = 今のパスワードが正しくありません。
console-password-too-short = 新しいパスワードは{ $min }文字以上にしてください。
console-password-same = 新しいパスワードは今のパスワードと違うものにしてください。
console-password-differs = 確認のパスワードが新しいパスワードと一致しません。
console-second-factor-title = 確認コードの入力
console-second-factor-lead = 認証アプリに表示されている6桁の確認コードを入力してください。
console-second-factor-code = 確認コード
console-second-factor-hint = スマートフォンを使えないときは、控えておいた復旧コード（例：abcde-fghij）を入力できます。
console-second-factor-button = 続ける
console-second-factor-missing = 確認コードを入力してください。
console-second-factor-wrong = 確認コードが正しくないか、すでに使われています。新しいコードを入力してください。
console-setup-title = 二段階認証の設定
console-setup-required = 緊急配信の権限を持つ方と圏域管理者は、二段階認証の設定が必要です。
console-setup-optional = 二段階認証を設定すると、パスワードが漏れても第三者はログインできません。
console-setup-step-app = スマートフォンに認証アプリ（Google Authenticator、Microsoft Authenticator など）を入れます。
console-setup-step-scan = アプリでこのQRコードを読み取ります。
console-setup-qr-label = 認証アプリに登録するためのQRコード
console-setup-key = 読み取れないときは、次のキーを手で入力してください。
console-setup-uri = 設定用のURIを表示
console-setup-step-code = アプリに表示された6桁のコードを入力します。
console-setup-button = 設定する
console-setup-wrong = コードが正しくありません。アプリに今表示されているコードを入力してください。
console-recovery-title = 復旧コード
console-recovery-done = 二段階認証を設定しました。
console-recovery-lead = スマートフォンをなくしたときのための復旧コードです。印刷するか書き写して、安全な場所に保管してください。各コードは一度だけ使えます。
console-recovery-warning = この画面を閉じると、復旧コードは二度と表示されません。
console-recovery-continue = 控えたので続ける
console-account-title = アカウント
console-account-role = 役割
console-account-emergency = 緊急配信の権限
console-account-second-factor = 二段階認証
console-account-second-factor-on = 設定済み
console-account-second-factor-off = 未設定
console-account-second-factor-required = あなたの役割では必須です。
console-account-change-password = パスワードを変更する
console-account-set-up-second-factor = 二段階認証を設定する
console-home-title = ホーム
console-home-waiting = 承認を待っているお知らせ
console-home-waiting-none = 承認を待っているお知らせはありません。
console-home-returned = 差し戻されたお知らせ
console-home-returned-none = 差し戻されたお知らせはありません。
console-home-drafts = あなたの下書き
console-home-drafts-none = 下書きはありません。
console-home-submitted = 承認を依頼中のお知らせ
console-home-submitted-none = 承認を依頼中のお知らせはありません。
console-home-approved = 承認済み・送信待ち
console-home-approved-none = 送信を待っているお知らせはありません。
console-home-going = 送信中・予約中
console-home-going-none = 送信中・予約中のお知らせはありません。
console-home-sent = 最近送信したお知らせ
console-home-sent-none = まだ送信したお知らせはありません。
console-notices-title = お知らせ一覧
console-notices-status = 状態
console-notices-all = すべて
console-notices-filter = 絞り込む
console-notices-none = 該当するお知らせはありません。
console-notices-older = さらに前のお知らせ
console-tag-emergency = 緊急
console-tag-drill = 訓練
console-return-note = 差し戻しの理由
console-return-note-hint = 作成者が直せるよう、直してほしい点を具体的に書いてください。
console-return-note-missing = 差し戻しの理由を入力してください（1,000文字以内）。
console-compose-title = お知らせを作成
console-compose-edit-title = お知らせを編集
console-compose-title-hint = 携帯電話の件名に表示されます。100文字以内。
console-compose-english = 英語版（任意）
console-compose-english-both = 英語版は件名と本文の両方を入力してください。
console-compose-category-missing = 分類を選んでください。
console-compose-category-emergency = 「緊急情報のみ」を選んだ登録者にも届きます。
console-compose-category-restricted = 職員として登録された方にだけ届きます。公開されません。
console-compose-municipality-missing = 配信する市町村を1つ以上選んでください。
console-compose-municipality-unknown = 選べない市町村が含まれています。
console-compose-areas-hint = 地区を選ぶと、その地区を登録した方と地区を選んでいない方に届きます。選ばなければ市町村全体に届きます。
console-compose-exercise-hint = 件名に【訓練】が付き、訓練として送られます。
console-compose-check-in-hint = 受け取った人それぞれのメールに「無事です」「支援が必要です」の回答用リンクが付きます。回答はお知らせの画面で見られます。
console-compose-save = 下書きを保存する
console-compose-preview = プレビューする
console-field-title = 件名
console-field-body = 本文
console-field-title-en = 英語の件名
console-field-body-en = 英語の本文
console-field-category = 分類
console-field-municipalities = 配信する市町村
console-field-municipality = 市町村
console-field-areas = 地区
console-field-urgency = 緊急度
console-field-exercise = 訓練として送る
console-field-check-in = 安否確認をする
console-field-status = 状態
console-field-created = 作成日時
console-field-send-time = 送信日時
console-urgency-normal = 通常
console-urgency-emergency = 緊急
console-urgency-emergency-hint = ほかの送信より先に送られます。
console-preview-title = 携帯電話での見え方
console-preview-hint = 古い携帯電話にも届くよう、使えない文字は置き換えるか削除して送ります。
console-preview-subject = 件名：
console-preview-dropped = 削除
console-preview-characters = 本文 { $count }文字
console-preview-no-changes = すべての文字がそのまま届きます。
console-preview-check-in = （本文の後に、受け取った人ごとの安否確認のリンク「無事です」「支援が必要です」が入ります）
console-preview-changes = { $count }種類の文字が置き換わるか削除されます。必要なら書き換えてください。
console-preview-html = HTMLメールでの本文
console-notice-actions = できること
console-notice-all-areas = 市町村全体
console-notice-changes = 前の版からの変更（全{ $versions }版）
console-notice-history = 経過
console-diff-removed = 削除：
console-diff-added = 追加：
console-move-edit = 編集する
console-move-submit = 承認を依頼する
console-move-approve = 承認する
console-move-return = 差し戻す
console-move-send = 今すぐ送信する
console-move-schedule = 日時を指定して予約する
console-move-unschedule = 予約を取り消す
console-move-emergency = 緊急配信する（承認なし）
console-move-correct = 訂正を送る
console-move-withdraw = 撤回する
console-move-cancel = 取り消す・中止する
console-move-clone = 複製する
console-move-test = 自分にテスト送信する
console-event-create = 作成
console-event-edit = 編集
console-event-submit = 承認を依頼
console-event-approve = 承認
console-event-return = 差し戻し
console-event-schedule = 送信を予約
console-event-unschedule = 予約を取り消し
console-event-send = 送信
console-event-send-scheduled = 予約どおり送信
console-event-send-emergency = 緊急配信
console-event-send-jma-rule = 気象庁情報の規則で自動送信
console-event-send-correction = 訂正を送信
console-event-arm = 緊急配信の秒読みを開始
console-event-cancel = 取り消し
console-event-complete = 送信完了
console-event-supersede = 訂正により差し替え
console-event-withdraw = 撤回
console-count-heading = 届く人数
console-count-people = { $count }人
console-count-recipients = 届く人数
console-count-left-out = 「緊急情報のみ」を選んだ{ $count }人には届きません（緊急の分類ではないため）。
console-confirm-back = 戻る
console-confirm-quiet = 静かな時間帯（{ $end }まで）のため、{ $time }に送信されます。緊急のお知らせは時間帯に関係なくすぐ送られます。
console-confirm-now = 今すぐ（{ $time }）
console-confirm-countdown = 確定から{ $seconds }秒後（{ $time }ごろ）。それまでは中止できます。
console-confirm-submit-title = 承認を依頼しますか
console-confirm-submit-lead = 承認者が内容を確かめます。承認されるまで送信されません。
console-confirm-submit-button = 承認を依頼する
console-confirm-approve-title = このお知らせを承認しますか
console-confirm-approve-lead = 内容と届く人数を確かめてください。承認すると、送信または予約ができるようになります。
console-confirm-approve-button = 承認する
console-confirm-return-title = 作成者に差し戻しますか
console-confirm-return-lead = 差し戻すと、作成者が内容を直して、もう一度承認を依頼できます。
console-confirm-return-button = 差し戻す
console-confirm-send-title = 今すぐ送信しますか
console-confirm-send-lead = 送信すると取り消せません。送信中なら中止はできます。
console-confirm-send-button = 送信する
console-confirm-emergency-title = 承認なしで緊急配信しますか
console-confirm-emergency-lead = 緊急配信の権限により、承認を待たずに送ります。確定後も秒読みの間は中止できます。
console-confirm-emergency-button = 緊急配信する
console-confirm-cancel-title = このお知らせを取り消しますか
console-confirm-cancel-lead = 取り消すと元に戻せません。送信中の場合、まだ送られていない分は送信されません。
console-confirm-cancel-button = 取り消す
console-confirm-withdraw-title = このお知らせを撤回しますか
console-confirm-withdraw-lead = 撤回すると公開の一覧から外れ、取消として伝えられます。すでに届いたメールは消えません。
console-confirm-withdraw-button = 撤回する
console-correct-title = 訂正を送る
console-correct-lead = 訂正した文面を、前のお知らせを受け取った方に今すぐ送ります。前のお知らせは「訂正済み」になります。
console-correct-button = 訂正を送信する
console-countdown = あと{ $seconds }秒で緊急配信します。
console-countdown-cancel = 送信を中止する
console-schedule-title = 送信を予約する
console-schedule-now = 今は{ $time }です（日本時間）。
console-schedule-day-label = 送信する日
console-schedule-today = 今日 { $date }（{ $weekday }）
console-schedule-tomorrow = 明日 { $date }（{ $weekday }）
console-schedule-day = { $date }（{ $weekday }）
console-schedule-time-label = 送信する時刻（日本時間）
console-schedule-time-hint = 24時間制で入力してください。例：09:00、18:30
console-schedule-button = 予約する
console-schedule-day-missing = 送信する日を選んでください。
console-schedule-time-missing = 時刻を 09:00 のように入力してください。
console-schedule-past = その日時はすでに過ぎています。これから先の時刻を入力してください。
console-weekday-mon = 月
console-weekday-tue = 火
console-weekday-wed = 水
console-weekday-thu = 木
console-weekday-fri = 金
console-weekday-sat = 土
console-weekday-sun = 日
console-progress-title = 送信の状況
console-progress-bar = 送信の進み具合
console-progress-total = 宛先
console-progress-queued = 送信待ち
console-progress-sent = 送信済み（受け付けられた）
console-progress-deferred = 再送待ち
console-progress-bounced = 届かなかった
console-progress-failed = 送信をあきらめた
console-progress-rate = 直近1分の送信数
console-progress-per-minute = 通／分
console-progress-remaining = 残り時間の目安
console-progress-finished = 送信が完了しました（{ $total }通中 { $sent }通送信済み）。
console-progress-going = 送信中です（{ $total }通中 { $settled }通が完了）。
console-progress-milestones = 訓練の記録（送信開始からの時間）
console-progress-share = 受け付けられた割合
console-progress-after = 送信開始から
console-progress-not-yet = まだ
console-progress-span = { $minutes }分{ $seconds }秒
console-progress-refresh = JavaScriptが使えないときは、このページは自動では新しくなりません。
console-progress-reload = 今すぐ更新する
console-test-subject = 【テスト送信】{ $title }
console-test-failed = テスト送信できませんでした。メールの送信サーバーにつながらない可能性があります。
console-staff-title = 職員のアカウント
console-staff-new-title = 職員を追加する
console-staff-state = 状態
console-staff-active = 使用中
console-staff-disabled = 停止中
console-staff-municipality-hint = 圏域管理者には関係ありません。
console-staff-emergency-hint = 承認なしで緊急配信できます。二段階認証が必要になります。
console-staff-create-button = 追加する
console-staff-role-missing = 役割を選んでください。
console-staff-municipality-missing = 担当する市町村を選んでください。
console-staff-email-invalid = メールアドレスを name@example.jp のように入力してください。
console-staff-email-taken = このメールアドレスの職員はすでにいます。
console-staff-password-title = 一時パスワード
console-staff-created-lead = 職員を追加しました。次の一時パスワードを本人に安全な方法で伝えてください。最初のログインで変更が必要です。
console-staff-reset-lead = パスワードを再設定しました。次の一時パスワードを本人に安全な方法で伝えてください。最初のログインで変更が必要です。
console-staff-one-time-password = 一時パスワード
console-staff-password-once = この画面を閉じると、一時パスワードは二度と表示されません。
console-staff-back = 職員の一覧へ戻る
console-staff-not-found = 職員が見つかりません。あなたが管理できる職員ではない可能性があります。
console-staff-change = 役割と担当
console-staff-save = 変更を保存する
console-staff-access = ログイン
console-staff-disable = アカウントを停止する
console-staff-enable = アカウントを再開する
console-staff-reset-password = パスワードを再設定する
console-staff-reset-second-factor = 二段階認証を解除する
console-staff-reason = 解除の理由
console-staff-reason-hint = 操作記録に残ります。例：スマートフォンの紛失
console-staff-reason-missing = 二段階認証を解除する理由を入力してください（500文字以内）。
console-done-staff-saved = 職員のアカウントを変更しました。
console-done-staff-disabled = アカウントを停止しました。ログインできなくなりました。
console-done-staff-enabled = アカウントを再開しました。
console-done-staff-second-factor-reset = 二段階認証を解除しました。次のログインで設定し直します。
console-templates-title = 緊急テンプレート
console-templates-lead = よく使う緊急のお知らせのひな形です。「使う」を押すと、作成画面に内容が入ります。〇〇の部分を書き換えて送ってください。
console-templates-new = テンプレートを追加する
console-templates-name = 名前
console-templates-use = 使う
console-templates-for = 使う市町村
console-templates-save = テンプレートを保存する
console-templates-delete = このテンプレートを削除する
console-templates-edit-title = テンプレートの編集
console-templates-name-missing = テンプレートの名前を入力してください（50文字以内）。
console-templates-not-found = テンプレートが見つかりません。あなたが変更できるテンプレートではない可能性があります。
console-templates-placeholder-hint = 送るたびに変わる部分は「〇〇」のように書いておくと、作成のときに書き換えやすくなります。
console-compose-from-template = 緊急テンプレートから作成する
console-compose-from-template-hint = 選ぶと内容が入ります。〇〇の部分を書き換えてください。
console-done-template-saved = テンプレートを保存しました。
console-done-template-deleted = テンプレートを削除しました。
console-settings-title = 設定
console-settings-lead = 圏域全体の設定です。変更は再起動なしで、すべてのサーバーにすぐ反映されます。
console-settings-contents = 設定の項目
console-settings-save = 保存する
console-settings-back = 設定へ戻る
console-settings-quiet = 静かな時間帯
console-settings-quiet-hint = 設定すると、この時間帯の通常のお知らせは終わりの時刻まで待って送られます。緊急のお知らせはすぐ送られます。
console-settings-quiet-off = 設けない
console-settings-quiet-on = 設ける
console-settings-quiet-start = 始まり（日本時間、例 21:00）
console-settings-quiet-end = 終わり（日本時間、例 07:00）
console-settings-quiet-invalid = 始まりと終わりを 21:00 のように入力してください。同じ時刻にはできません。
console-settings-municipalities = 市町村と送信者
console-settings-name-ja = 名前（日本語）
console-settings-name-en = 名前（英語）
console-settings-sender = 送信者アドレスの @ より前
console-settings-sender-hint = メールは「名前 <ここ@{ $domain }>」から送られます。
console-settings-save-town = { $town }を保存する
console-settings-municipality-invalid = 名前（日本語・英語）と送信者アドレスを正しく入力してください。
console-settings-no-areas = 地区はまだありません。
console-settings-rename-area = 「{ $area }」を保存する
console-settings-new-area-ja = 新しい地区の名前（日本語）
console-settings-add-area = { $town }に地区を追加する
console-settings-area-invalid = 地区の名前を日本語と英語で入力してください（50文字以内）。
console-settings-area-taken = その市町村には同じ名前の地区がすでにあります。
console-settings-category-emergency = 緊急の分類（「緊急情報のみ」の登録者にも届く）
console-settings-category-restricted = 職員のみ（公開しない）
console-settings-save-category = 「{ $category }」を保存する
console-settings-new-category = 分類を追加する
console-settings-category-key = 識別名（英小文字）
console-settings-category-key-hint = 例：shelter。API とフィードで使われ、あとから変えられません。
console-settings-add-category = 分類を追加する
console-settings-category-invalid = 識別名（英小文字）と名前（日本語・英語）を入力してください。
console-settings-pacing = 携帯電話会社ごとの送信ペース
console-settings-pacing-label = 1分あたりの送信数（1行に「ドメイン=通数」）
console-settings-pacing-hint = 例：docomo.ne.jp=300。携帯電話会社に迷惑メールと判断されないよう、ペースを落として送ります。
console-settings-pacing-invalid = 1行に「docomo.ne.jp=300」のように書いてください。
console-settings-webhooks = 連携先（Webhook）
console-settings-webhook-url = 受け取る URL（https://）
console-settings-add-webhook = 連携先を追加する
console-settings-webhook-invalid = 公開されている https:// の URL を入力してください。内部のアドレスには送れません。
console-settings-webhook-lead = 連携先を追加しました。署名の確認に使う次の秘密鍵を、連携先の担当者に安全な方法で伝えてください。
console-settings-remove = 外す
console-settings-removed = 外しました
console-settings-keys = API キー
console-settings-key-label = 用途（例：防災システム）
console-settings-key-rights = 許可すること
console-settings-create-key = API キーを作る
console-settings-key-rights-missing = 許可することを1つ以上選んでください。
console-settings-key-lead = API キーを作りました。次のキーを利用するシステムに設定してください。
console-settings-revoke = 無効にする
console-settings-revoked = 無効
console-settings-secret-title = 一度だけ表示します
console-settings-secret-once = この画面を閉じると、二度と表示されません。
console-done-settings-saved = 設定を保存しました。すべてのサーバーに反映されます。
## エラーのページ (error.rs)

problem-not-found-title = ページが見つかりません
problem-not-found-text = お探しのページは見つかりませんでした。URLをご確認ください。
problem-gone-title = 掲載を終了しました
problem-gone-text = このお知らせは掲載期間を過ぎたため、公開を終了しました。
problem-bad-request-title = 指定に誤りがあります
problem-bad-request-text = アドレスの指定に誤りがあります。
problem-unavailable-title = ただいま混み合っています
problem-unavailable-text = しばらくしてから、もう一度お試しください。緊急の情報は市町村の防災行政無線やテレビ・ラジオでもご確認ください。
problem-internal-title = エラーが発生しました
problem-internal-text = 申し訳ありません。問題が発生しました。しばらくしてから、もう一度お試しください。
problem-malformed-title = リクエストを読み取れません
problem-malformed-text = アドレスまたはヘッダーに使えない文字が含まれています。リンクからもう一度開くか、アドレスを入力し直してください。
problem-uri-too-long-title = アドレスが長すぎます
problem-uri-too-long-text = アドレスがこのサイトで受け付けられる長さを超えています。リンクからもう一度開くか、検索語を短くしてください。
problem-headers-too-large-title = リクエストが大きすぎます
problem-headers-too-large-text = リクエストのヘッダー（Cookieなど）がこのサイトで受け付けられる大きさを超えています。ブラウザでこのサイトのCookieを削除してから、もう一度お試しください。
problem-busy-title = ただいま検索が混み合っています
problem-busy-text = 多くの方が同時に検索しています。数秒たってから、もう一度検索してください。お知らせの一覧と各お知らせのページは、このままご覧になれます。
problem-home = トップページへ戻る
# /posters/register.svg の municipality が読めないとき / when municipality cannot be read
problem-poster-municipality = municipality に市町村の6桁の団体コード（例：113611）を指定してください。

## お知らせの一覧と検索の条件 (archive/)

# 複数の市町村の名前の区切り / between the names of several municipalities
archive-municipality-separator = ・
# 一覧ではお悔やみ情報の題名（故人の名前）を出さない / lists never show an obituary's title
archive-obituary-title = { $municipalities }のお悔やみ情報
archive-no-municipality = その市町村はありません。
archive-no-category = その分類はありません。
archive-bad-date = 日付は 2026-04-01 のように、年-月-日で入力してください。
archive-dates-reversed = 終了日は開始日と同じ日か、それより後にしてください。
archive-bad-page = ページ番号が正しくありません。

## 登録者のページ (residents/)

# 市町村や分類の名前の区切り（分類の名前には「・」が入っている） / between names (category names hold "・")
residents-list-separator = 、
# $names: 緊急の分類の名前 / the names of the emergency categories
residents-emergency-only = 緊急情報のみ（{ $names }）
residents-error-title = 入力エラー: { $title }
residents-home = トップページへ
residents-register = メール配信に登録する
residents-privacy = 個人情報の取り扱いについて
residents-change-choices = 登録内容を変更する
residents-erase = 登録情報を削除する
register-title = メール配信の登録
register-sent-title = 確認のメールを送りました
register-sent-1 = { $address } あてにメールを送りました。
register-sent-2 = メールにあるリンクを{ $hours }時間以内に開き、表示されたページの「登録を完了する」ボタンを押すと、登録が完了します。
register-sent-3 = すでに登録済みのアドレスには、登録内容を確認・変更するためのリンクをお送りしています。
# $domain: メールの送り元のドメイン / the domain mail comes from
register-sent-4 = メールが届かないときは、迷惑メールフォルダや、携帯電話の受信設定（「{ $domain }」からのメールを受け取る設定）を確かめてから、もう一度お申し込みください。
confirm-title = 登録の確認
confirm-lead = まだ登録は完了していません。内容を確かめて、下の「登録を完了する」ボタンを押してください。
confirm-submit = 登録を完了する
confirm-done-title = 登録が完了しました
confirm-done-earlier = この登録は、すでに完了しています。
confirm-done-thanks = ご登録ありがとうございます。選んだ市町村からのお知らせを、メールでお届けします。
confirm-done-links = 受け取る内容の変更や配信の停止は、お知らせのメールの末尾にあるリンクからいつでもできます。
summary-email = メールアドレス
summary-municipalities = 市町村
summary-information = 受け取る情報
summary-format = メールの形式
summary-format-text = テキスト
summary-format-html = HTML
summary-charset = 文字コード
summary-charset-utf8 = 標準（UTF-8）
summary-charset-iso = 古い携帯電話向け（ISO-2022-JP）
summary-language = メールの言語
manage-title = 登録内容の確認・変更
unsubscribe-title = 配信の停止
# $address: 一部を伏せたメールアドレス / the address, partly masked
unsubscribe-lead = { $address } へのお知らせメールを、すべて停止します。よろしければ、下のボタンを押してください。
unsubscribe-submit = 配信を停止する
unsubscribe-change-instead = 停止せずに、受け取る内容を変更する
unsubscribe-done-title = 配信を停止しました
unsubscribe-done-earlier = このアドレスへの配信は、すでに停止しています。
unsubscribe-done = このアドレスへのお知らせメールを停止しました。
unsubscribe-done-next = もう一度受け取りたいときは、あらためて登録してください。記録を残したくない場合は、登録情報をすぐに削除できます。
erase-title = 登録情報の削除
# $address: 一部を伏せたメールアドレス / the address, partly masked
erase-lead = { $address } と、選んだ市町村・分類などの登録情報をすべて削除し、配信を停止します。元に戻すことはできません。
erase-hash = このアドレスに二度と勝手に送らないように、アドレスから計算した元に戻せない値（ハッシュ値）だけを残します。あらためて登録すれば、また受け取れます。
erase-back = 削除せずに戻る
erase-done-title = 登録情報を削除しました
erase-done = メールアドレスと登録内容を削除しました。これまでのメールにあるリンクは、もう使えません。
invalid-link-title = このリンクは使えません
# $hours: 確認リンクの有効時間 / how long a confirmation link works, $days: 「すでに登録」のリンクの日数 / how long a manage link works
invalid-link-why = リンクが正しくないか、有効期限が切れています。登録の確認リンクは{ $hours }時間、「すでに登録されています」のメールのリンクは{ $days }日間有効です。
invalid-link-next = お手数ですが、もう一度登録のお申し込みをしてください。すでに登録済みの場合は、登録内容を変更するためのリンクをメールでお送りします。お知らせのメールの末尾にあるリンクからも、変更や停止ができます。
failure-title = ただいまメールを送れません
failure-text = 申し訳ありません。確認のメールを送ることができませんでした。しばらくしてから、もう一度お試しください。
too-large-title = 入力が長すぎます
too-large-text = 送られた内容が長すぎるため、受け付けられませんでした。メールアドレスを確かめて、もう一度入力してください。
privacy-title = 個人情報の取り扱い

## 登録のメール (residents/mails.rs): 選んだ言語が先、もう一つの言語が後

# 送り主の名前（お知らせのメールと同じく日本語のものを使う） / the From name (the Japanese one is used, as for notices)
mail-from = きずなメール（{ $consortium }）
mail-confirm-subject = 【きずなメール】登録の確認のお願い
# 件名で、もう一つの言語として後ろに付く部分 / what the subject adds as the other language
mail-confirm-subject-short = 登録の確認のお願い
mail-confirm-body =
    きずなメール（{ $consortium }）への登録のお申し込みを受け付けました。

    登録を完了するには、{ $hours }時間以内に次のリンクを開き、
    表示されたページの「登録を完了する」ボタンを押してください。

    { $link }

    お申し込みの内容
    ・市町村: { $towns }
    ・受け取る情報: { $categories }

    お心当たりのない場合は、このメールを削除してください。
    ボタンが押されないまま{ $hours }時間たつと、お申し込みは自動的に消去されます。
mail-already-subject = 【きずなメール】すでに登録されています
mail-already-subject-short = すでに登録されています
mail-already-body =
    このメールアドレスは、すでにきずなメール（{ $consortium }）に登録されています。
    登録のお申し込みがあったため、お知らせしています。

    登録内容の確認・変更、配信の停止は、次のリンクから行えます（{ $days }日間有効）。

    { $link }

    お心当たりのない場合は、このメールを削除してください。登録内容は変わっていません。

## 登録のポスター (poster.svg): A4 に印刷する。行の長さは日本語に合わせてある

poster-title = { $town }の安心・安全メール 登録のご案内
poster-desc = { $town }のお知らせをメールで受け取るための登録方法。ウェブ登録のQRコード（{ $web_url }）と空メール登録のQRコード（{ $address }）、迷惑メールフィルターの指定受信の設定方法。
poster-heading = { $town }の安心・安全メール
poster-subheading = 登録のご案内
poster-lead-1 = 防災・気象・防犯の情報や、{ $town }からのお知らせを
poster-lead-2 = メールでお届けします。登録は無料です（通信料はご負担ください）。
poster-web = ① ウェブで登録
poster-web-qr = ウェブ登録のQRコード
poster-web-1 = 読み取って表示されるページで、
poster-web-2 = 受け取る情報を選んでください。
poster-mail = ② 空メールで登録
poster-mail-qr = 空メール登録のQRコード
poster-mail-1 = 何も書かずにそのまま送信し、
poster-mail-2 = 返信メールのリンクから登録します。
poster-web-address = ウェブ登録のアドレス
poster-mail-address = 空メールの送り先
poster-filter-heading = メールが届かないときは（指定受信の設定）
poster-filter-1 = 携帯電話会社の迷惑メールフィルターを設定していると、
poster-filter-2 = お知らせが届かないことがあります。次のドメインを受信できるよう設定してください。
poster-filter-carriers = ドコモ：受信リスト設定　au：受信リスト設定　ソフトバンク：受信許可リスト設定
poster-filter-3 = 設定の方法は、各携帯電話会社の案内をご覧ください。登録の前に設定しておくと確実です。
poster-privacy = 個人情報の取扱い：{ $url }
poster-operator = { $consortium }（構成市町村による共同運営）

## 空メールへの返信 (inbound.rs): 言語がまだ分からないので、提供するすべての言語で、日本語を先に書く

reply-subject = 【きずなメール】登録のご案内
# 件名で、ほかの言語として後ろに付く部分 / what the subject adds in each other language
reply-subject-short = 登録のご案内
# 日本語の文にリンクを入れる。ほかの言語の文は、その後に続いて「上のリンク」を指す / the Japanese text holds the link; the others follow it and point to the link above
reply-body =
    きずなメールへの登録をご希望いただき、ありがとうございます。
    下のリンクを開いて、受け取る市町村と情報の種類を選んでください（{ $hours }時間有効）。

    { $link }

    お心当たりがない場合は、このメールを破棄してください。登録はされません。

## 登録者 (console/residents)

console-residents-title = 登録者
console-residents-export = 一覧をCSVで書き出す
console-residents-back = 登録者の検索へ戻る
console-residents-query = メールアドレス（全部または一部）
console-residents-query-hint = 例：taro@docomo.ne.jp、taro、@ezweb.ne.jp。一致するアドレスを最初に表示します。
console-residents-query-invalid = メールアドレスの全部または一部を、空白を入れずに入力してください。
console-residents-search = 検索する
console-residents-results = 検索結果（{ $count }件）
console-residents-none = 見つかりませんでした。アドレスの一部だけで探してみてください。
console-residents-more = 表示しきれない結果があります。もっと詳しく入力して絞り込んでください。
console-resident-not-found = 登録者が見つかりません。あなたの市町村の登録者ではない可能性があります。
console-resident-status-pending = 確認待ち
console-resident-status-active = 配信中
console-resident-status-unsubscribed = 解除済み
console-resident-status-suppressed = 配信停止中
console-resident-source-web = ウェブの登録ページ
console-resident-source-web-qr = ポスターのQRコード（ウェブ）
console-resident-source-empty-mail = 空メール
console-resident-source-empty-mail-qr = ポスターのQRコード（空メール）
console-resident-source-import = 取り込み（以前の仕組み）
console-resident-registered = 登録日時
console-resident-confirmed = 確認日時
console-resident-source = 登録の経路
console-resident-language = 言語
console-resident-language-ja = 日本語
console-resident-language-en = 英語
console-resident-emergency-only = 緊急情報のみ
console-resident-old-phones = 古い携帯電話向けの文字コード
console-resident-staff = 職員向け分類の受信
console-resident-age-band = モニターの年代
console-resident-suppression = 配信停止の理由
console-resident-suppressed-bounced = 届かないメールが続いたため
console-resident-suppressed-staff = 職員が停止したため
console-resident-suppressed-erased = 本人の求めで消去したため
console-resident-suppressed-unsubscribed = 本人が解除したため
console-resident-elsewhere = この登録者は、ほかの市町村も登録しています。ここでは、あなたの市町村の登録だけを表示・変更します。ほかの市町村の登録はそのまま残ります。
console-resident-choices = 受け取る情報
console-resident-restricted = 職員専用（職員の印がある人だけに届きます）
console-resident-save = 受け取る情報を保存する
console-resident-choice-refused = 選べない市町村または分類が含まれています。表示されている中から選んでください。
console-resident-bounces = 届かなかったメール
console-resident-hard-bounces = 続けて届かなかった回数：{ $count }回
console-resident-no-bounces = 届かなかったメールはありません。
console-resident-reply = 相手のサーバーの応答
console-resident-history = 配信の履歴（新しい順）
console-resident-no-history = まだ配信はありません。
console-resident-attempts = { $count }回目で処理
console-resident-mail = 配信の停止と再開
console-resident-suppress-hint = このアドレスには、どの市町村のお知らせも送らなくなります。
console-resident-suppress-elsewhere = この登録者は、ほかの市町村のお知らせも受け取っています。あなたの市町村のお知らせを止めるには、上の「受け取る情報」の選択を外して保存してください。アドレスへの配信をすべて止めるのは、連合の管理者が行います。
console-resident-suppress = 配信を停止する
console-resident-reactivate-hint = 配信を再開します。届かなかった回数は0に戻ります。
console-resident-reactivate = 配信を再開する
console-resident-no-mail-change = 確認待ちまたは解除済みの登録者は、ここでは停止・再開できません。
console-resident-state-changed = 登録者の状態が変わったため、この操作はできませんでした。ページを開き直してください。
console-resident-staff-heading = 職員の印
console-resident-staff-question = この登録者は職員向けの分類を受け取りますか
console-resident-staff-hint = 情報化研究会など、職員専用の分類は印のある人にだけ届きます。
console-resident-staff-yes = はい、職員として受け取る
console-resident-staff-no = いいえ
console-resident-staff-save = 職員の印を保存する
console-resident-staff-missing = 「はい」か「いいえ」を選んでください。
console-resident-requests = 本人からの求め
console-resident-export = 本人のデータを書き出す（開示の求め）
console-resident-export-hint = 登録内容と配信の履歴をJSONファイルで保存します。操作記録に残ります。
console-resident-erase = 本人のデータを消去する（消去の求め）
console-resident-erase-title = 登録者のデータを消去しますか
console-resident-erase-partial = この登録者はほかの市町村も登録しています。消去するのは、あなたの市町村の登録だけです。ほかの市町村の登録は残ります。すべてを消す場合は圏域管理者に依頼してください。
console-resident-erase-whole = 登録内容と配信の履歴をすべて消去します。元に戻せません。同じアドレスには、本人が登録し直すまで送りません。
console-resident-erase-confirm = 本人から消去の求めがあったことを確認しました
console-resident-erase-button = 消去する
console-resident-erase-unconfirmed = 本人から消去の求めがあったことを確認したら、チェックを入れてください。
console-done-resident-saved = 受け取る情報を保存しました。
console-done-resident-erased = 登録者のデータを消去しました。
console-done-resident-erased-here = あなたの市町村の登録を消去しました。ほかの市町村の登録は残っています。
console-done-resident-suppressed = 配信を停止しました。
console-done-resident-reactivated = 配信を再開しました。
console-done-resident-staff = 職員の印を保存しました。

## 登録者一覧の取り込み

console-import-title = 登録者一覧を取り込む
console-import-lead = 以前の仕組みで登録していた人の一覧（CSVファイル）を取り込みます。取り込み先：{ $town }
console-import-header = 1行目は次の見出しにしてください（monitor_age_band は省略できます）。
console-import-rule-codes = 市町村は6桁の団体コード、分類はキーで書き、複数あるときは「;」で区切ります。
console-import-rule-known = すでに登録されているアドレスは変更しません。配信を解除・停止した人は登録し直しません。
console-import-rule-confirmed = 以前の仕組みで確認済みの人として、すぐに配信が始まります。
console-import-rule-encoding = Excel の「CSV UTF-8（コンマ区切り）」と「CSV（コンマ区切り）」（Shift_JIS）のどちらでも読めます。
console-import-file = CSVファイル
console-import-file-hint = まだ何も取り込みません。次の画面で内容を確認できます。
console-import-file-missing = 取り込むCSVファイルを選んでください。
console-import-check = 内容を確認する
console-import-preview-title = 取り込む内容の確認
console-import-read-as = { $file } を { $encoding } として読みました。
console-import-rows = 行数（見出しを除く）
console-import-new = 新しく登録する人
console-import-known = 登録済み（変更しない）
console-import-stopped = 配信しない宛先（解除・停止・消去済み）
console-import-lines = 行：{ $lines }
console-import-rejected = 取り込めない行
console-import-rejected-heading = 取り込めない行と理由
console-import-rejected-lead = 取り込めない行があるため、このままでは何も取り込みません。ファイルを直して選び直すか、取り込めない行を飛ばしてください。
console-import-line = { $line }行目
console-import-rejected-more = ほかに { $count }行あります。
console-import-skip = 取り込めない { $count }行を飛ばして、残りを取り込む
console-import-button = 取り込む（新しく { $count }人）
console-import-again = 別のファイルを選ぶ
console-import-rejected-unskipped = 取り込めない行があります。ファイルを直して選び直すか、「取り込めない行を飛ばして、残りを取り込む」にチェックを入れてください。
console-import-done-title = 取り込みました
console-import-done-added = { $count }人を新しく登録しました。
console-import-skipped = 飛ばした行

## 登録状況（ダッシュボード）・費用分担・操作記録

console-error-page-not-found = ページが見つかりません。あなたの担当の市町村のものではない可能性があります。
console-done-cost-added = 費用の項目を追加しました。
console-done-cost-removed = 費用の項目を削除しました。

console-dashboard-title = 登録状況
# $region: 圏域の名前
console-dashboard-region = { $region }全体
console-dashboard-view = 表示する範囲
console-dashboard-show = 表示する
console-dashboard-active = 登録者数（現在）
console-dashboard-new-this-month = 今月の新規登録
console-dashboard-bounce-rate = 不達率
console-dashboard-unsubscribe-rate = 配信停止
# $n: 人数（桁区切り付き）
console-dashboard-people = { $n }人
# $rate: 割合, $of: 配信数
console-dashboard-rate-of = { $rate }（過去12か月の配信 { $of }通のうち）
# $rate: 割合, $n: 人数
console-dashboard-left = { $rate }（過去12か月に{ $n }人が配信を停止）
console-dashboard-rates-hint = 不達率は、送信を試みたメールのうち受け取りを拒否されたものの割合です。市町村ごとの数は、その市町村あてのお知らせのメールの数です（複数の市町村あてのお知らせは、それぞれの市町村で全体を数えます）。配信停止の割合は、過去12か月に配信を停止した人を、現在の登録者とその人たちの合計で割ったものです。
console-dashboard-registrants-by-town = 市町村別の登録者数
# $town: 市町村名
console-dashboard-registrants-by-category = { $town }の分類別の登録者数
console-dashboard-registrants-table = 市町村・分類別の登録者数（人）
console-dashboard-registrants-hint = 複数の分類を選んだ人は、それぞれの分類で数えています。「登録者数」の列は一人を一回だけ数えます。
console-dashboard-total-people = 登録者数
console-dashboard-total = 合計
console-dashboard-code = 市町村コード
# $range: 期間
console-dashboard-growth-caption = 月別の新規登録者数（登録方法別、{ $range }）
console-dashboard-growth-hint = ポスターのQRコードから登録した人は、そのポスターの市町村ごとに数えています。現在も登録を続けている人の数です。
console-dashboard-growth-table = 月別・登録方法別の新規登録者数（人）
console-dashboard-source-web = Webフォーム
console-dashboard-source-empty-mail = 空メール
# $town: ポスターの市町村
console-dashboard-source-poster = QRポスター（{ $town }）
console-dashboard-source-poster-unknown = 市町村不明
console-dashboard-source-import = 一括登録（取り込み）
# $range: 期間
console-dashboard-rates-caption = 月別の不達率と配信停止（{ $range }）
console-dashboard-rates-table = 月別の配信数・不達・配信停止
console-dashboard-month = 月
console-dashboard-messages = 配信数（通）
console-dashboard-bounced = 不達
console-dashboard-failed = 送信失敗
console-dashboard-unsubscribed = 配信停止（人）
console-dashboard-axis-people = 人数
console-dashboard-axis-percent = 割合（%）
# $what: グラフの内容
console-dashboard-chart-alt = グラフ：{ $what }。数値はグラフの下の表にあります。
console-dashboard-csv = CSVでダウンロード
console-dashboard-latest = 最近のお知らせの配信状況
console-dashboard-latest-none = まだ配信したお知らせはありません。
console-dashboard-notice = お知らせ
console-dashboard-recipients = 宛先（通）
console-dashboard-delivered = 配信済み
console-dashboard-waiting = 送信待ち

console-costs-title = 運営費の分担
console-costs-years = 年度の切り替え
console-costs-previous = 前の年度
console-costs-next = 次の年度
console-costs-year = 年度（西暦）
console-costs-show = 表示する
# $year: 年度（西暦）, $next: 翌年
console-costs-year-label = { $year }年度（{ $year }年4月〜{ $next }年3月）
console-costs-items = 費用の項目
console-costs-items-none = この年度の費用はまだ登録されていません。
console-costs-item-name = 項目名
console-costs-item-name-hint = 例：サーバー利用料、保守委託料
console-costs-amount = 金額
console-costs-amount-hint = 円単位で入力してください。「75,000」や全角の「７５０００」でも入力できます。
console-costs-yen-unit = 円
# $amount: 桁区切り付きの金額
console-costs-yen = { $amount }円
console-costs-entered = 登録日時
console-costs-remove = 削除
console-costs-total = 合計
# $year: 年度
console-costs-add = { $year }に費用を追加する
console-costs-add-button = 追加する
console-costs-shares = 市町村ごとの分担額
# $year: 年度, $total: 合計額
console-costs-shares-caption = { $year }の分担額（合計 { $total }）
console-costs-by-rule = 圏域の分担ルール
console-costs-registrants = 登録者数（人）
console-costs-by-registrants = 登録者数の割合で分担
console-costs-messages = 配信数（通）
console-costs-by-messages = 配信数の割合で分担
console-costs-no-basis = —（算定の基礎がありません）
# $rule: ルールの説明
console-costs-rule-is = { $rule }。
# $town: 市町村名, $percent: 割合
console-costs-rule-fixed = { $town } { $percent }%
# $n: 残りの市町村の数
console-costs-rule-rest = 残りを他の{ $n }市町村で均等に分担
console-costs-rule-equal = 全市町村で均等に分担
console-costs-registrants-basis = 各市町村を選んでいる現在の登録者数の割合で分けます。複数の市町村を選んでいる人は、それぞれの市町村で数えます。
# $year: 年度
console-costs-messages-basis = { $year }に配信したお知らせのメール（送信できたもの）の数の割合で分けます。複数の市町村あてのお知らせは、その市町村で均等に分けて数えます。
console-costs-remainder = 端数の扱い
console-costs-remainder-rule = 金額は1円単位です。まず各市町村の割合どおりの金額の1円未満を切り捨て、残った円を、切り捨てた端数が大きい市町村から順に1円ずつ加えます（端数が同じときは、一覧で上にある市町村が先）。このため、分担額の合計は必ず総額と一致します。
console-costs-print = 印刷用の表示（協議会資料）
console-costs-csv = CSVでダウンロード
# $year: 年度
console-costs-print-title = 情報配信システム運営費 分担表 { $year }
console-costs-back = 費用分担の画面に戻る
console-costs-print-hint = ブラウザーの印刷機能で印刷してください。
# $at: 作成日時
console-costs-issued = 作成：{ $at }

console-audit-title = 操作記録
console-audit-lead = 職員やシステムが行った操作の記録です。条件を指定して絞り込めます。記録は変更・削除できません。
console-audit-person = 操作した人
console-audit-person-hint = 職員のメールアドレス、または「scheduler」「api-key:3」などのシステム名
console-audit-action = 操作
console-audit-action-hint = 操作名、またはその先頭（例：「notice_」ですべてのお知らせの操作）
console-audit-dates = 期間
console-audit-dates-hint = 日本時間の日付で指定します。両端の日を含みます。
console-audit-from = 開始日
console-audit-until = 終了日
console-audit-search = 絞り込む
console-audit-clear = 条件をすべて消す
console-audit-entries = 記録
console-audit-none = 条件に合う記録はありません。
console-audit-at = 日時
console-audit-subject = 対象
console-audit-detail = 内容
console-audit-client = 接続元
console-audit-older = さらに古い記録
console-audit-newest = 最新の記録に戻る
console-audit-csv = 条件に合う記録をCSVでダウンロード
console-audit-csv-hint = ダウンロードしたことも操作記録に残ります。
console-audit-error-person = その操作した人は見つかりません。職員のメールアドレスかシステム名を入力してください。
console-audit-error-municipality = 市町村を一覧から選んでください。
console-audit-error-action = 操作名は半角の英小文字・数字・「_」で入力してください。
console-audit-error-date = 日付は「2026-12-03」の形で入力してください。
console-audit-error-order = 終了日は開始日と同じか、それより後にしてください。
console-audit-error-filter = 絞り込みの条件が正しくありません。操作記録の画面で条件を直してください。

## The audit log's actions in plain words (audit-action- and the stored code, _ as -)
audit-action-sign-in = サインインした
audit-action-sign-in-failed = サインインに失敗した
audit-action-sign-in-throttled = サインインを一時的に拒否した（失敗が続いたため）
audit-action-sign-out = サインアウトした
audit-action-password-changed = パスワードを変更した
audit-action-password-change-failed = パスワードの変更に失敗した
audit-action-second-factor = 確認コードでサインインした
audit-action-second-factor-enrolled = 確認コード（二要素認証）を設定した
audit-action-second-factor-failed = 確認コードが正しくなかった
audit-action-recovery-code-used = 予備コードでサインインした
audit-action-notice-create = お知らせの下書きを作成した
audit-action-notice-edit = お知らせを編集した
audit-action-notice-clone = お知らせを複製した
audit-action-notice-submit = お知らせの承認を依頼した
audit-action-notice-approve = お知らせを承認した
audit-action-notice-return = お知らせを差し戻した
audit-action-notice-schedule = お知らせの配信を予約した
audit-action-notice-unschedule = お知らせの配信予約を取り消した
audit-action-notice-send = お知らせを配信した
audit-action-notice-arm = 緊急配信の送信を始めた（取り消せる待ち時間つき）
audit-action-notice-cancel = お知らせの配信を中止した
audit-action-notice-correct = お知らせの訂正を配信した
audit-action-notice-withdraw = お知らせを取り下げた
audit-action-notice-note = お知らせにメモを残した
audit-action-notice-test-send = お知らせを自分あてにテスト送信した
audit-action-resident-view = 住民の登録内容を見た
audit-action-resident-export = 住民の登録内容を書き出した（本人の開示請求）
audit-action-resident-erase = 住民の登録を消去した
audit-action-resident-subscriptions = 住民の受け取る情報を変更した
audit-action-resident-suppress = 住民へのメールを止めた
audit-action-resident-reactivate = 住民へのメールを再開した
audit-action-resident-staff-mark = 住民を職員として登録・解除した
audit-action-residents-search = 住民を検索した
audit-action-residents-export = 住民の一覧をCSVで書き出した
audit-action-residents-import = 住民を取り込んだ
audit-action-residents-import-preview = 住民の取り込みを確認した（まだ取り込んでいない）
audit-action-staff-create = 職員のアカウントを作成した
audit-action-staff-update = 職員のアカウントを変更した
audit-action-staff-enable = 職員のアカウントを有効にした
audit-action-staff-disable = 職員のアカウントを無効にした
audit-action-staff-password-reset = 職員のパスワードを再発行した
audit-action-staff-second-factor-reset = 職員の確認コード設定を解除した
audit-action-template-create = 定型文を作成した
audit-action-template-update = 定型文を変更した
audit-action-template-delete = 定型文を削除した
audit-action-settings-quiet-hours = 夜間の配信停止時間を変更した
audit-action-settings-pacing = 携帯会社ごとの送信速度を変更した
audit-action-settings-municipality = 市町村の情報を変更した
audit-action-settings-category = 情報の種類を変更した
audit-action-settings-area-add = 地区を追加した
audit-action-settings-area-rename = 地区の名前を変更した
audit-action-cost-item-add = 運用経費を追加した
audit-action-cost-item-remove = 運用経費を削除した
audit-action-costs-export = 経費の分担をCSVで書き出した
audit-action-dashboard-export = 集計をCSVで書き出した
audit-action-audit-export = 操作記録をCSVで書き出した
audit-action-api-key-create = APIキーを発行した
audit-action-api-key-revoke = APIキーを無効にした
audit-action-webhook-add = Webhookを登録した
audit-action-webhook-remove = Webhookを削除した
audit-action-subscriber-set-staff = 住民を職員として登録した
audit-action-subscriber-unset-staff = 住民の職員登録を解除した
audit-action-subscribers-import = 住民を取り込んだ（コマンド）
audit-action-empty-mail-reply = 空メールに登録案内を返信した
audit-action-unsubscribe-by-mail = メールで配信停止を受け付けた
audit-action-erase-self = 住民が自分で登録を消去した
audit-action-erase-unconfirmed = 確認されなかった登録を消去した
audit-action-erase-unsubscribed = 配信停止から保存期間を過ぎた登録を消去した
audit-action-survey-create = アンケートを作成した
audit-action-survey-invite = モニターにアンケートの依頼を送った
audit-action-survey-remind = 未回答のモニターに催促を送った
audit-action-survey-close = アンケートを締め切った
audit-action-survey-paper-answer = 紙・電話の回答を入力した
audit-action-survey-free-text-view = アンケートの自由記述を見た
audit-action-survey-results-export = アンケート結果をCSVで書き出した
audit-action-check-in-follow-up = 安否確認の追加連絡を作成した
audit-action-check-in-help-export = 支援が必要な人の一覧をCSVで書き出した
audit-action-check-in-help-view = 支援が必要な人の一覧を見た
## 安否確認の回答ページ (check_ins/)

check-in-title-safe = 安否確認：無事です
check-in-title-help = 安否確認：支援が必要です
check-in-answer-safe = 無事です
check-in-answer-help = 支援が必要です
# $title: お知らせの件名
check-in-lead = 「{ $title }」の安否確認です。内容を確かめて、下のボタンを押してください。ボタンを押すまで回答は送られません。
# $answer: 回答、$people: 人数
check-in-current = いまの回答：{ $answer }（{ $people }人）
check-in-your-message = メッセージ：
check-in-household-label = この回答に含める人数（ご本人を含む）
check-in-household-hint = ご家族の分もまとめて答えるときは、その人数を半角か全角の数字で入れてください（1から20まで）。
check-in-message-label = メッセージ（任意、200文字まで）
check-in-message-hint-help = けがの様子、必要なもの、いる場所などを書いてください。
check-in-message-hint-safe = 伝えたいことがあれば書いてください。
check-in-error-prefix = エラー：
check-in-submit-safe = 「無事です」と回答する
check-in-submit-help = 「支援が必要です」と回答する
check-in-switch-safe = 「無事です」と回答する場合はこちら
check-in-switch-help = 「支援が必要です」と回答する場合はこちら
# $title: ページの題名
check-in-error-title = エラー：{ $title }
check-in-done-title = 回答を受け付けました
check-in-done-safe = 「無事です」と回答しました。ありがとうございます。
check-in-done-help = 「支援が必要です」と回答しました。町の担当者が確認します。急ぎの場合は119番や110番に電話してください。
check-in-change-safe = 回答を「無事です」に変える
check-in-change-help = 回答を「支援が必要です」に変える
check-in-not-found-title = このリンクは見つかりません
check-in-not-found-text = 安否確認のリンクが正しくないか、途中で切れています。届いたメールのリンクをそのまま開いてください。

## 安否確認の再送・支援のお知らせ (notices/check_ins.rs)

follow-up-unanswered-title = 安否確認へのご回答のお願い
# $title: 安否確認のお知らせの件名
follow-up-unanswered-body = 先にお送りした「{ $title }」の安否確認に、まだお答えいただいていません。下のリンクのどちらかを開いてお答えください。
follow-up-needs-help-title = 支援についてのお知らせ
# $title: 安否確認のお知らせの件名
follow-up-needs-help-body = 「{ $title }」の安否確認で「支援が必要です」とお答えいただいた方へのお知らせです。

## コンソールの安否確認 (console/check_ins.rs)

console-done-follow-up = 安否確認のお知らせの下書きを作りました。本文を確かめ、ほかのお知らせと同じように承認を受けて送ってください。
console-check-in-title = 安否確認の回答
console-check-in-answered = 回答した人の割合：
console-check-in-safe = 無事です
console-check-in-needs-help = 支援が必要です
console-check-in-unanswered = 未回答
console-check-in-people = 人数
console-check-in-places = 市町村・地区ごとの回答（受け取った人の数）
console-check-in-no-area = 地区の指定なし
console-check-in-milestones = 訓練：回答が集まるまでの時間
console-check-in-share = 回答した人
console-check-in-refresh = 回答の数は自動では更新されません。
console-check-in-help-link = 「支援が必要です」の一覧
console-check-in-help-csv = 「支援が必要です」の一覧をCSVでダウンロード
console-check-in-follow-up = 追加のお知らせ
console-check-in-follow-up-hint = 下書きができます。本文を確かめて、ほかのお知らせと同じように承認を受けてから送ります。送る相手は送る時点で決まります。
console-check-in-follow-up-unanswered = 未回答の人へお知らせを作る
console-check-in-follow-up-needs-help = 「支援が必要です」の人へお知らせを作る
console-check-in-audience-unknown = 送る相手を選んでください。
console-check-in-help-title = 「支援が必要です」と回答した人
console-check-in-help-hint = 個人の情報です。この画面を開いたこととダウンロードは記録されます。
console-check-in-help-none = 「支援が必要です」と回答した人はいません。
# $count: 件数
console-check-in-help-caption = { $count }件（回答の早い順）
console-check-in-col-email = メールアドレス
console-check-in-col-town = 市町村
console-check-in-col-area = 地区
console-check-in-col-household = 人数
console-check-in-col-message = メッセージ
console-check-in-col-answered = 回答日時
console-check-in-back = お知らせに戻る
## よいまちモニター (residents/monitor.rs)

manage-monitor-heading = よいまちモニター
manage-monitor-text = アンケートに答えて、まちづくりに意見を届けるモニターです。
manage-monitor-link = モニターの登録・変更・退会
monitor-title = よいまちモニター
monitor-heading = よいまちモニター
monitor-what = よいまちモニターは、市町村からのアンケートにメールで答えていただく住民の方々です。登録は任意で、いつでもやめられます。
monitor-use-heading = 回答とご登録内容の使い方
monitor-use-1 = 回答は、市町村の計画や施策を考えるための集計にだけ使います。
monitor-use-2 = 結果は人数や割合でまとめて公表し、5件未満の集計は「5件未満」と表示して、個人が分からないようにします。
monitor-use-3 = 年代・地域・性別・職業は、アンケートをお送りする相手を選ぶことと、集計の区分にだけ使います。性別と職業は答えなくてもかまいません。
monitor-use-4 = 自由記述の回答と登録内容を見られるのは、市町村と圏域の管理者だけで、見たことは記録に残ります。
monitor-place = お住まいの市町村・地区
monitor-place-hint = 地区が分からないときは、市町村全体を選んでください。
# $town: 市町村名
monitor-place-whole = { $town }（地区を選ばない）
monitor-choose = 選んでください
monitor-age-band = 年代
monitor-gender = 性別（任意）
monitor-occupation = 職業（任意）
monitor-not-given = 答えない
monitor-join = モニターに登録する
monitor-save = 変更を保存する
monitor-saved = よいまちモニターの登録内容を保存しました。アンケートはメールでお届けします。
monitor-left = よいまちモニターをやめました。登録内容は削除しました。お知らせのメールはこれまでどおり届きます。
monitor-leave-heading = モニターをやめる
monitor-leave-text = やめると、年代・地域・性別・職業の登録内容を削除し、アンケートのメールは届かなくなります。お知らせのメールは届きます。
monitor-leave = モニターをやめる
monitor-inactive = 配信を停止しているため、モニターの登録・変更はできません。
monitor-error-place = お住まいの市町村・地区を選んでください。
monitor-error-band = 年代を選んでください。
monitor-back = 登録内容の確認・変更に戻る

## アンケートのメール (surveys/mails.rs)

mail-survey-invite-subject = 【よいまちモニター】アンケートのお願い
mail-survey-invite-short = よいまちモニターのアンケート
mail-survey-remind-subject = 【よいまちモニター】アンケートのお願い（再送）
mail-survey-remind-short = よいまちモニターのアンケート（再送）
mail-survey-no-closing = 市町村が締め切るまで
# $consortium: 圏域の名前, $title: アンケートの題名, $link: 回答ページ, $closes: 締め切り
mail-survey-invite-body =
    よいまちモニターの皆さまへ（{ $consortium }）

    アンケート「{ $title }」へのご協力をお願いします。
    次のリンクから、ログインなしで回答できます。

    { $link }

    回答の締め切り: { $closes }
    締め切りまでは、同じリンクから回答を変更できます。
    このリンクはあなた専用です。他の方に転送しないでください。

    モニターをやめるときは、お知らせのメールの末尾にある「登録内容の確認・変更」のリンクから手続きできます。
mail-survey-remind-body =
    よいまちモニターの皆さまへ（{ $consortium }）

    アンケート「{ $title }」にまだ回答がないため、あらためてお送りします。
    すでに回答された場合は、行き違いですのでご容赦ください。

    { $link }

    回答の締め切り: { $closes }
    このリンクはあなた専用です。他の方に転送しないでください。

## アンケートの回答ページ (surveys/answer.rs)

# $closes: 締め切り
survey-page-closes = 締め切り: { $closes }
survey-page-no-closing = 市町村が締め切るまで
survey-page-answered = 回答済みです。締め切りまでは変更できます。
survey-page-optional = （任意）
survey-page-any = （当てはまるものすべて）
survey-page-other = その他
# $n: 質問の番号、$message: 誤りの内容
survey-error-summary = 質問{ $n }：{ $message }
survey-page-other-what = 「その他」の内容
# $n: 評価の数字
survey-page-rating = { $n }
survey-page-rating-low = { $n }（低い）
survey-page-rating-high = { $n }（高い）
survey-page-send = 回答を送る
survey-page-save-change = 回答を変更する
survey-page-recorded = 回答を受け付けました
survey-page-thanks = ご協力ありがとうございました。回答を受け付けました。
survey-page-changed = 回答を変更しました。
survey-page-change-until = { $closes }までは、同じリンクから回答を変更できます。
survey-page-change = 回答を見直す・変更する
survey-page-not-found = このアンケートのリンクは使えません
survey-page-not-found-text = リンクが正しくないか、このアンケートはもうありません。メールにあるリンクを、途中で切れないようにそのまま開いてください。
survey-page-closed = このアンケートは締め切りました
# $title: アンケートの題名
survey-page-closed-text = アンケート「{ $title }」は締め切ったため、回答の受け付けや変更はできません。
survey-page-closed-answered = いただいた回答は集計に含まれています。ご協力ありがとうございました。
survey-page-not-open = このアンケートはまだ始まっていません
# $opens: 開始日時
survey-page-not-open-text = 回答は{ $opens }から受け付けます。その後にもう一度このリンクを開いてください。

## アンケートの作成のエラー (surveys/service.rs)

survey-problem-no-municipality = 対象の市町村を1つ以上選んでください。
survey-problem-unknown-municipality = 圏域の市町村を選んでください。
survey-problem-unknown-age-band = 年代は一覧から選んでください。
survey-problem-unknown-area = 対象の市町村の地区を選んでください。
survey-problem-unknown-kind = 質問の種類は、単一選択・複数選択・5段階評価・自由記述から選んでください。
survey-problem-closes-too-early = 締め切りは、開始より後の、これから先の日時にしてください。

## アンケート（コンソール） (console/surveys/)

console-nav-surveys = アンケート
console-surveys-title = よいまちモニターとアンケート
console-panel-heading = モニターの人数
console-panel-about = 配信を受けているモニターの人数を、市町村・地区・年代ごとに示します。
# $town: 市町村名, $total: 人数
console-panel-caption = { $town }（{ $total }人）
console-panel-place = 地区
console-panel-no-area = 地区を選んでいない
console-panel-total = 計
console-surveys-heading = アンケート
console-surveys-none = アンケートはまだありません。
console-survey-title = 題名
console-survey-status = 状態
console-survey-opens = 開始
console-survey-closes = 締め切り
console-survey-open = 受付中
console-survey-scheduled = 開始前
console-survey-closed = 締め切り済み
console-survey-no-closing = 締め切るまで

## アンケートの結果（コンソール） (console/surveys/results.rs)

console-done-survey-invited = 対象のモニターに招待のメールを送ります（まだ招待していない人だけ）。
console-done-survey-reminded = 未回答のモニターに再送のメールを送ります（回数と間隔の上限の範囲で）。
console-done-survey-invited-none = 新たに招待する人はいません。対象のモニターは全員招待済みです。
console-done-survey-reminded-none = いま再送できる人はいません。全員が回答済みか、再送の回数の上限に達したか、前回のメールから日がたっていません。
console-done-survey-closed = アンケートを締め切りました。
console-survey-error-closed = このアンケートは締め切り済みです。
console-survey-invite = 対象のモニターを招待する
console-survey-remind = 未回答の人に再送する
console-survey-close = 締め切る
console-results-invited = 招待した人数
console-results-responses = 回答数
console-results-web = ウェブ
console-results-paper = 紙・電話
console-results-rate = 回答率
console-results-csv = 結果をCSVでダウンロード（記録されます）
console-results-answered = 回答
console-results-no-text = 記述はありません。
console-results-text-audited = 自由記述の閲覧は監査ログに記録されます。
console-results-choice = 選択肢
console-results-count = 件数
console-results-percent = 割合
console-results-axis = 件数
# $number: 質問の番号
console-results-chart-alt = 質問{ $number }の回答の件数。同じ数字を下の表に示します。
console-results-breakdown = 回答の内訳
console-results-breakdown-about = 5件未満の区分は「5件未満」と表示し、合計から差し引いて分からないように、ほかの区分も「非表示」にしています。
console-results-by-town = 市町村別
console-results-by-area = 地区別
console-results-by-band = 年代別
console-results-group = 区分
console-results-fewer-than-5 = 5件未満
console-results-hidden = 非表示
console-results-csv-question = 質問
console-results-csv-answer = 回答
console-results-csv-count = 件数
console-question-kind-single = 単一選択
console-question-kind-multiple = 複数選択
console-question-kind-rating = 5段階評価
console-question-kind-text = 自由記述

## 紙・電話の回答の入力 (console/surveys/paper.rs)

# $title: アンケートの題名
console-paper-title = 紙・電話の回答を入力: { $title }
console-paper-about = 紙や電話で受け付けた回答を入力します。回答は「紙・電話」の列に数えます。入力したことは記録されます。
console-paper-place = 回答者の市町村・地区
console-paper-save = 回答を保存する
console-paper-back = 結果に戻る
console-paper-link = 紙・電話の回答を入力する
console-done-survey-paper-saved = 紙・電話の回答を保存しました。

## アンケートの作成 (console/surveys/create.rs)

console-survey-new-title = アンケートを作る
console-done-survey-created = アンケートを作りました。「対象のモニターを招待する」で招待のメールを送ります。
console-survey-introduction = 前書き（任意）
console-survey-towns = 対象の市町村
console-survey-bands = 対象の年代（任意）
console-survey-bands-hint = 選ばないときは、すべての年代のモニターに送ります。
console-survey-closes-on = 締め切り日（任意）
console-survey-closes-hint = この日の終わりまで回答を受け付けます。空欄のときは、締め切るまで受け付けます。
console-survey-questions = 質問
console-survey-questions-hint = 使わない欄は空けておいてください。選択肢は1行に1つ書きます。
console-survey-question = 質問
console-survey-kind = 種類
console-survey-kind-none = 使わない
console-survey-question-text = 質問文
console-survey-choices = 選択肢（単一選択・複数選択のとき、1行に1つ）
console-survey-required = 回答を必須にする
console-results-other-written = 「その他」に書かれた内容
console-survey-other = 「その他」（内容を書く欄つき）を加える
console-survey-other-hint = 選択式の質問だけ。書かれた内容は結果に一覧で出ます。
console-survey-create = アンケートを作る
console-survey-error-date = 締め切り日は 2026-12-20 のように書いてください。

console-resident-monitor-place = モニターの地域
console-resident-monitor-gender = モニターの性別
console-resident-monitor-occupation = モニターの職業

console-results-days = 回答率の推移
console-results-days-alt = 日ごとの回答率の推移。同じ数字を下の表に示します。
console-results-day = 日付
console-results-that-day = その日の回答
console-results-so-far = 累計
console-survey-areas = 対象の地区（任意）
console-survey-areas-hint = 選ばないときは、対象の市町村のすべての地区のモニターに送ります。

## 気象庁の取消 (notices/jma_cancel.rs)

# $title: 取り消されたお知らせの件名
follow-up-cancelled-title = 【取消】{ $title }
# $sent: 送った日時（2026年7月1日 19:30）; $title: 取り消されたお知らせの件名
follow-up-cancelled-body =
    { $sent }にお送りした「{ $title }」は、気象庁が元の情報を取り消したため、取り消されました。
    新しい情報が発表されたときは、あらためてお知らせします。
