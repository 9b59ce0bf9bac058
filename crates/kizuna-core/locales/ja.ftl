# kizuna-core の文言: 入力エラー、配信の状態、件名の印、フィードの見出し。
# キーは en.ftl と同じものをすべてそろえる（テストで確かめる）。
# 新しい言語は、各クレートの locales/ にその言語のファイルを置き、KIZUNA_LANGUAGES に加えるだけでよい。

## この言語について

# CAP の <info><language> に書く言語コード (cap.rs)
locale-cap = ja-JP
# 日時の書き方（chrono の strftime 形式、東京時間） (time.rs)
locale-time-format = %Y年%-m月%-d日 %H:%M

## 配信の状態 (notice.rs)

notice-status-draft = 下書き
notice-status-pending-approval = 承認待ち
notice-status-approved = 承認済み
notice-status-scheduled = 予約済み
notice-status-sending = 配信中
notice-status-sent = 配信済み
notice-status-returned = 差し戻し
notice-status-cancelled = 取り消し
notice-status-superseded = 訂正済み
notice-status-withdrawn = 撤回
# $status: 上の状態の名前
notice-refused = 「{ $status }」の配信には、この操作はできません。
# 訓練の配信メールの件名。$title: お知らせの件名
notice-subject-drill = 【訓練】{ $title }

## 登録・変更フォームの入力エラー (registration.rs, email.rs)

form-error-no-municipality = 市町村を1つ以上選んでください。
form-error-unknown-municipality = 選んだ市町村に、この配信サービスの対象ではないものがあります。一覧から選び直してください。
form-error-bad-scope = 「緊急情報のみ」か「下の分類から選ぶ」のどちらかを選んでください。
form-error-no-category = 受け取る分類を1つ以上選んでください。
form-error-unknown-category = 選んだ分類に、存在しないものがあります。一覧から選び直してください。
form-error-bad-format = メールの形式は「テキスト」か「HTML」から選んでください。
form-error-bad-charset = 文字コードは「標準」か「古い携帯電話向け」から選んでください。
form-error-bad-language = メールの言語は「日本語」か「English」から選んでください。

email-error-empty = メールアドレスを入力してください。
email-error-too-long = メールアドレスが長すぎます（254文字まで）。
email-error-no-single-at = メールアドレスには「@」を1つだけ含めてください。
email-error-bad-local-part = 「@」の前の部分に使えない文字があるか、長すぎます。
email-error-bad-domain = 「@」の後ろのドメイン名が正しくありません（例: docomo.ne.jp）。

## お知らせの文面のエラー (text.rs)

# $field: 入力欄のコード名
text-field =
    { $field ->
        [title] 件名
        [body] 本文
        [title_en] 英語の件名
        [body_en] 英語の本文
        [cost_name] 費用の項目名
        [check_in_message] メッセージ
        [survey_title] アンケートの題名
        [introduction] 前書き
        [question] 質問文
        [choice] 選択肢
        [answer] 回答
       *[other] 入力
    }
text-error-empty = { text-field }を入力してください。
# $max: 文字数の上限
text-error-too-long = { text-field }は{ $max }文字以内にしてください。
text-error-control = { text-field }に使えない制御文字が含まれています。

## 費用の金額のエラー (costs.rs)

cost-error-amount-empty = 金額を入力してください。
cost-error-amount-not-whole = 金額は円単位の整数で入力してください（例：75,000）。
cost-error-amount-zero = 金額は1円以上にしてください。
# $max: 上限（桁区切り付き）
cost-error-amount-too-large = 金額は{ $max }円以下にしてください。

search-error-too-long = 検索語は{ $max }文字以内にしてください。
search-error-too-many-words = 検索語は{ $max }個までにしてください。

## コードのエラー (codes.rs)。$input: 入力されたもの

code-error-municipality-shape = 市町村コードが正しくありません（6桁の全国地方公共団体コード）。
code-error-municipality-check-digit = 市町村コードが正しくありません（6桁の全国地方公共団体コード）。
code-error-jma-area = 気象庁の地域コードが正しくありません（7桁）。
code-error-category-key = 分類の指定が正しくありません。

## CAP (cap.rs)

# 見出しの前に付ける印
cap-title-drill = 【訓練】
cap-title-correction = 【訂正】
cap-title-withdrawn = 【撤回】
# 送信者名（市町村名）の区切り
cap-sender-separator = ・
# <note>: 日本語と英語を並べて一つにする
cap-note-drill = 訓練のための配信です。
cap-note-update = 先の配信を訂正します。
cap-note-cancel = 先の配信を撤回します。

## Atom フィード (atom.rs)。$issuer: 圏域の名前

feed-notices-title = { $issuer }のお知らせ
# $narrowing: 絞り込んだ市町村・分類の名前
feed-notices-narrowed = { $issuer }のお知らせ（{ $narrowing }）
feed-notices-subtitle = 配信されたお知らせの公開記録
feed-cap-title = { $issuer }の警報・お知らせ（CAP）
feed-cap-subtitle = 共通警報プロトコル（CAP 1.2）による現在の配信
feed-list-separator = ・
# $summary: 分類名（と地域）、$areas: 地域名、$until: 期限の日時
feed-cap-summary-areas = { $summary }／{ $areas }
feed-cap-summary-until = { $summary }／{ $until }まで

## 職員の役割 (staff.rs)

staff-role-author = 作成者
staff-role-approver = 承認者
staff-role-municipality-admin = 市町村管理者
staff-role-consortium-admin = 圏域管理者

## 登録者一覧の取り込み (import.rs)

import-error-not-text = ファイルの文字コードを読み取れません（UTF-8 でも Shift_JIS でもありません）。Excel で「CSV UTF-8（コンマ区切り）」または「CSV（コンマ区切り）」の形式で保存し直してください。
import-error-empty = ファイルが空です。
import-error-unclosed-quote = { $line }行目で始まる「"」が閉じられていません。
import-error-missing-columns = 見出しの行に { $columns } の列がありません。見出しは email,municipalities,categories,emergency_only,language（任意で monitor_age_band）です。
import-error-not-a-member = { $value } は圏域の市町村ではありません。
import-error-outside-scope = { $value } はあなたが担当する市町村ではありません。担当の市町村だけを取り込めます。
import-error-no-municipality = 市町村コードがありません。
import-error-not-a-category = 分類「{ $value }」はありません。
import-error-staff-only = 分類「{ $value }」は職員専用のため、取り込みでは登録できません。
import-error-not-yes-or-no = 「{ $value }」は yes か no（true か false）ではありません。
import-error-not-a-language = 「{ $value }」は ja か en ではありません。
import-error-age-band = 年代は under-20、20-29 … 70-79、80+ か、10代 … 70代、80代以上 で書いてください。

## 安否確認の回答のエラー (check_in.rs)

# $max: 人数の上限
check-in-error-household = 人数は1から{ $max }までの数字で入力してください。

## よいまちモニターとアンケート (survey.rs)

age-band-under-20 = 20歳未満
age-band-20-29 = 20代
age-band-30-39 = 30代
age-band-40-49 = 40代
age-band-50-59 = 50代
age-band-60-69 = 60代
age-band-70-79 = 70代
age-band-80-plus = 80代以上
gender-female = 女性
gender-male = 男性
gender-other = その他
occupation-employee = 会社員・団体職員
occupation-self-employed = 自営業
occupation-farming = 農林業
occupation-public-service = 公務員
occupation-student = 学生
occupation-homemaker = 家事専業
occupation-not-working = 無職
occupation-other = その他
# $max: 質問の数の上限
survey-error-question-count = 質問を1つ以上、{ $max }個以内で作ってください。
# $max: 選択肢の数の上限
survey-error-choices = 選択式の質問には、異なる選択肢を2つ以上、{ $max }個以内で入れてください。
survey-error-no-choices-wanted = 評価と自由記述の質問には選択肢を入れないでください。
answer-error-required = この質問に答えてください。
answer-error-not-a-choice = 選択肢の中から選んでください。
# $max: 文字数の上限
answer-error-too-long = 回答は{ $max }文字以内にしてください。
answer-error-control = 回答に使えない制御文字が含まれています。
answer-error-only-one = 答えは1つだけ選んでください。
answer-error-other-empty = 「その他」を選んだときは、その内容を書いてください。
survey-error-other-without-choices = 「その他」を付けられるのは選択式の質問だけです。
