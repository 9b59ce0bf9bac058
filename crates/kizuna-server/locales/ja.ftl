# kizuna-server の文言: 公開ページ（テンプレート）の表示。
# キーは en.ftl と同じものをすべてそろえる（テストで確かめる）。
# 文言はそのまま HTML に書かれる: タグは書かず、属性に入るもの（aria-label, title）には " を使わない。

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
# ページの言語の本文がないときだけ表示（日本語のページでは出ない） / shown only when the notice has no text in the page's language
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
# 「English」の選択肢の横 / beside the choice "English"
choices-language-en-hint = （日本語の本文しかないお知らせは日本語で届きます）
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
privacy-what-7 = よいまちモニターに参加した方は、年代と地区
privacy-what-not = 氏名・住所・電話番号はお聞きしません。登録フォームの悪用を防ぐため、通信元のIPアドレスを短い間だけメモリ上で数えますが、保存はしません。
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
