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
