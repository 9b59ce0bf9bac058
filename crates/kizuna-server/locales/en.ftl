# kizuna-server's texts: what the public pages (the templates) show.
# Every key of ja.ftl is here too (a test checks).
# Texts are written into the HTML as they are: no tags, and no " in those that go
# into an attribute (aria-label, title).

## About this language

# この言語の名前を、この言語で（言語の切り替えリンク、メールの言語の選択肢、登録メールの区切り） / this language's name in itself
locale-name = English

## What every page shares (layout.html, web.rs)

layout-site-name = Kizuna alerts
home-title = Home
layout-skip = Skip to main content
layout-register-short = Get alerts by mail
layout-language-nav = Language
layout-about-nav = About this service
layout-register = Register for alert mails
layout-privacy = Privacy
# $consortium: 圏域の名前 / the consortium's name
layout-operator = { $consortium } — jointly operated by its municipalities

## The home page (home.html)

home-heading = Notices and alerts of the { $consortium }
home-lead = Disaster, weather, crime-prevention and municipal notices from the five municipalities below, by email and on this site.
home-municipalities = Participating municipalities
home-latest = Latest notices
home-no-notices = There are no notices at the moment.
home-search = Search all notices

## Notice badges (notice.html, notice_list.html)

label-emergency = Emergency
label-drill = Drill
label-correction = Correction
label-withdrawn = Withdrawn
list-corrected-later = (corrected later)

## A notice's page (notice.html)

detail-drill-banner = This is a drill, not a real alert.
# $at: 日時 / the date and time
detail-withdrawn = This notice was withdrawn on { $at }. Please disregard it.
detail-corrected = This notice was corrected later.
detail-read-correction = Read the correction
# ページの言語の本文がないときだけ表示（日本語のページでは出ない）。$shown: 表示している本文の言語 / shown only when the notice has no text in the page's language; $shown: the language of the text shown
detail-no-translation = This notice has no English text; it is shown in Japanese.
# $earlier: detail-earlier-notice のリンク / a link with the text of detail-earlier-notice
detail-corrects = This notice corrects { $earlier }.
detail-earlier-notice = an earlier notice
detail-cap = This notice in CAP 1.2 (for other systems)
detail-search = Search all notices

## Searching notices (notices.html)

search-feed-title = Notices (Atom feed)
search-heading = Search notices
search-check = Please check your search
search-keywords = Keywords
search-keywords-hint = For example 断水 (water outage). Separate words with spaces to find notices containing all of them.
search-municipality = Municipality
search-all-municipalities = All municipalities
search-category = Category
search-all-categories = All categories
search-date-sent = Date sent
search-from = From
search-to = To
search-submit = Search
search-results = Results
search-no-match = No notices match. Try fewer words or a wider date range.
search-empty-page = There are no notices on this page.
# $total: 件数 / how many match, $first–$last: このページの範囲 / the ones on this page
search-count = { $total } notices; showing { $first }–{ $last }.
search-pages-nav = Pages
search-previous = Previous
search-page = Page { $page } of { $pages }
search-next = Next
search-feed = Follow these notices in a feed reader (Atom)

## The registration and manage forms (register.html, manage.html, choices_fields.html, form_errors.html)

errors-heading = Please check what you entered
# スクリーンリーダーだけが読む / read by screen readers only
choices-error-prefix = Error:{" "}
choices-municipalities = Municipalities (choose one or more)
choices-receive = What to receive
choices-emergency-only = Emergency information only
# $names: 緊急の分類の名前 / the names of the emergency categories
choices-emergency-names = ({ $names })
choices-chosen = The categories I pick below
choices-categories = Categories (choose one or more)
choices-format = Mail format
choices-format-text = Plain text (best for mobile phones)
choices-charset = Character set
choices-charset-utf8 = Standard (UTF-8, for most phones)
choices-charset-iso = For older phones (ISO-2022-JP, if Japanese text comes out garbled)
choices-language = Mail language
# メールの言語の選択肢（日本語以外）の横。$tag: その選択肢の言語 / beside a mail language choice other than Japanese; $tag: that choice's language
choices-language-hint = { $tag ->
    [en] (notices written only in Japanese come in Japanese)
   *[other] (notices come in English, or in Japanese when they have no English text)
}
register-busy = Many registrations are arriving from your network right now. Please wait about ten minutes and press the button again; what you entered is kept below.
register-lead = Notices on disaster prevention, weather warnings, crime prevention and municipal matters from the municipalities you choose will come to the address you register. Registration is free of charge (your usual data charges apply).
# $link: register-privacy-link のリンク / a link with the text of register-privacy-link
register-privacy-note = We use your address only to send these mails and nothing else. See { $link } for what is kept, for how long, and how to have it erased.
register-privacy-link = how we handle your personal information
register-email = Email address
register-email-hint = For example taro@docomo.ne.jp. Full-width characters are fine.
register-confirm-note = When you press the button, a mail with a link goes to the address you entered. Open the link within { $hours } hours to complete your registration.
register-submit-locked = Register
register-submit = Send the confirmation mail
manage-heading = Your registration
manage-saved = Your changes are saved.
manage-address = Registered address:
manage-save = Save changes
manage-change-address = To use another address, register it anew and stop the mails to this one.
manage-stop-heading = Stop or erase
manage-stop = Stop all mails
manage-erase = Erase my data
manage-pending = This registration waits for its confirmation: open the link in the confirmation mail and press "Complete registration".
manage-suppressed = Mail to this address kept coming back undelivered, so it has been stopped. Register again to resume: the confirmation mail checks that mail arrives.
manage-stopped = Mail to this address is stopped. To receive notices again, please register anew.
manage-register-again = Register again
manage-privacy = How we handle your personal information

## How personal information is handled (privacy.html)

privacy-heading = How we handle your personal information
privacy-lead = Kizuna alerts are run jointly by the municipalities of the { $consortium }. They handle your personal information under the Act on the Protection of Personal Information, and only as described here.
privacy-why = Why we keep it
privacy-why-1 = To send you the notices you chose, in the language, format and character set you chose.
privacy-why-2 = To let you change your choices, stop the mails or erase your data with the links we send you.
privacy-why-3 = To stop sending to addresses that no longer receive mail.
privacy-why-4 = To count residents per municipality and category, as numbers that identify no one.
privacy-why-only = We never use it for anything else, such as advertising.
privacy-what = What we keep
privacy-what-1 = Your email address.
privacy-what-2 = The municipalities and categories you chose (or "emergency information only").
privacy-what-3 = Your mail language, format (plain text or HTML) and character set.
privacy-what-4 = How you registered (web page, QR code on a poster, empty mail, or a list a municipality brought in) and, for a poster, its municipality.
privacy-what-5 = When you registered, confirmed and last changed your choices.
privacy-what-6 = Which notices were sent to you and when, and how many mails came back undelivered.
privacy-what-7 = If you joined the resident monitor panel: your age band and area.
privacy-what-not = We do not ask for your name, postal address or telephone number. To stop abuse of the registration form, the network address of your connection is held briefly in memory to count requests; it is not stored.
privacy-how-long = For how long
privacy-how-long-1 = A registration that is not confirmed is erased after { $hours } hours.
privacy-how-long-2 = While you are registered, we keep your data so that we can send you notices.
privacy-how-long-3 = When you stop the mails, your choices are deleted at once, and your address is erased { $days } days later (until then it records that you asked us to stop and which notices reached you).
privacy-how-long-4 = When you erase your data, it is deleted at once. We keep only a one-way hash computed from your address, so that the address is not mailed again unless you register anew; the address cannot be read back from it.
privacy-how-long-5 = Copies in the operators' backups disappear when those backups expire.
privacy-who = Who sees it
privacy-who-text = Only the staff in charge at the municipalities you chose, and the administrators of the shared system. Every time staff view or export residents' data, it is recorded in an audit log. We do not give your data to anyone else, except where a law requires it.
privacy-erase = How to change, stop or erase
privacy-erase-1 = Every notice mail ends with two links: one to change your choices, one to stop the mails. Many mail apps also show an "unsubscribe" button for our mails.
privacy-erase-2 = The page for changing your choices has an "Erase my data" button.
# $link: privacy-register-again のリンク / a link with the text of privacy-register-again
privacy-erase-3 = If you have no mail from us at hand, { $link } with the same address: if it is registered, we mail you a link to those pages.
privacy-register-again = register again
privacy-erase-law = You may also ask a municipality below to disclose, correct or stop using your personal information, as the Act provides.
privacy-contact = Contact

## Error pages (error.rs)

problem-not-found-title = Page not found
problem-not-found-text = The page you are looking for does not exist. Please check the address.
problem-gone-title = No longer available
problem-gone-text = This notice was shown for a limited period, which has ended.
problem-bad-request-title = Invalid request
problem-bad-request-text = Something in the address is not valid.
problem-unavailable-title = Temporarily unavailable
problem-unavailable-text = Please try again in a moment. For urgent information, also follow the municipal radio, TV and radio.
problem-internal-title = Something went wrong
problem-internal-text = Sorry, something went wrong on our side. Please try again later.
problem-home = Back to the home page
# /posters/register.svg の municipality が読めないとき / when municipality cannot be read
problem-poster-municipality = Give municipality as the six-digit local government code, such as 113611.

## Notice lists and search filters (archive/)

# 複数の市町村の名前の区切り / between the names of several municipalities
archive-municipality-separator = {", "}
# 一覧ではお悔やみ情報の題名（故人の名前）を出さない / lists never show an obituary's title
archive-obituary-title = Obituary notice ({ $municipalities })
archive-no-municipality = There is no such municipality.
archive-no-category = There is no such category.
archive-bad-date = Please enter the date as year-month-day, such as 2026-04-01.
archive-dates-reversed = The end date must not be before the start date.
archive-bad-page = The page number is not valid.

## Residents' pages (residents/)

# 市町村や分類の名前の区切り（分類の名前には「・」が入っている） / between names (category names hold "・")
residents-list-separator = {", "}
# $names: 緊急の分類の名前 / the names of the emergency categories
residents-emergency-only = Emergency information only ({ $names })
residents-error-title = Error: { $title }
residents-home = Home page
residents-register = Register for alert mails
residents-privacy = How we handle your personal information
residents-change-choices = Change your choices
residents-erase = Erase my data
register-title = Register for alert mails
register-sent-title = Please check your mail
register-sent-1 = We have sent a mail to { $address }.
register-sent-2 = Open the link in it within { $hours } hours and press "Complete registration" on the page it shows to complete your registration.
register-sent-3 = If the address is already registered, the mail holds a link to see and change your choices instead.
# $domain: メールの送り元のドメイン / the domain mail comes from
register-sent-4 = If no mail arrives, check your spam folder and your phone's mail filter (allow mail from "{ $domain }"), then register again.
confirm-title = Confirm your registration
confirm-lead = Your registration is not complete yet. Please check the details and press "Complete registration" below.
confirm-submit = Complete registration
confirm-done-title = Your registration is complete
confirm-done-earlier = This registration was already completed.
confirm-done-thanks = Thank you. Notices from the municipalities you chose will come to you by mail.
confirm-done-links = You can change your choices or stop the mails at any time with the links at the end of every notice mail.
summary-email = Email address
summary-municipalities = Municipalities
summary-information = Information
summary-format = Mail format
summary-format-text = Plain text
summary-format-html = HTML
summary-charset = Character set
summary-charset-utf8 = Standard (UTF-8)
summary-charset-iso = For older phones (ISO-2022-JP)
summary-language = Mail language
manage-title = Your registration
unsubscribe-title = Stop the mails
# $address: 一部を伏せたメールアドレス / the address, partly masked
unsubscribe-lead = This stops every notice mail to { $address }. If that is what you want, press the button below.
unsubscribe-submit = Stop all mails
unsubscribe-change-instead = Change what you receive instead
unsubscribe-done-title = The mails are stopped
unsubscribe-done-earlier = Mail to this address was already stopped.
unsubscribe-done = No more notice mails will be sent to this address.
unsubscribe-done-next = To receive them again, please register anew. If you want nothing kept, you can erase your data now.
erase-title = Erase my data
# $address: 一部を伏せたメールアドレス / the address, partly masked
erase-lead = This erases { $address } and everything you chose, and stops all mail. It cannot be undone.
erase-hash = So that this address is never mailed again by mistake, we keep only a one-way hash computed from it. You can register again at any time.
erase-back = Go back without erasing
erase-done-title = Your data is erased
erase-done = Your address and choices are erased. The links in earlier mails no longer work.
invalid-link-title = This link does not work
# $hours: 確認リンクの有効時間 / how long a confirmation link works, $days: 「すでに登録」のリンクの日数 / how long a manage link works
invalid-link-why = The link is not complete, or it has expired. A confirmation link works for { $hours } hours; the link in an "already registered" mail for { $days } days.
invalid-link-next = Please register again. If your address is already registered, we will mail you a link to change your choices. The links at the end of every notice mail also let you change or stop them.
failure-title = We cannot send mail right now
failure-text = Sorry, the confirmation mail could not be sent. Please try again in a little while.
too-large-title = Too much input
too-large-text = What was sent is too long to accept. Please check your email address and fill in the form again.
privacy-title = Privacy

## Registration mails (residents/mails.rs): the chosen language first, the other after it

# 送り主の名前（お知らせのメールと同じく日本語のものを使う） / the From name (the Japanese one is used, as for notices)
mail-from = Kizuna alerts ({ $consortium })
mail-confirm-subject = [Kizuna alerts] Please confirm your registration
# 件名で、もう一つの言語として後ろに付く部分 / what the subject adds as the other language
mail-confirm-subject-short = Please confirm your registration
mail-confirm-body =
    We received a request to register this address for Kizuna alerts ({ $consortium }).

    To complete it, open the link below within { $hours } hours
    and press the "Complete registration" button on that page.

    { $link }

    What was chosen
    - Municipalities: { $towns }
    - Information: { $categories }

    If you did not ask for this, please delete this mail.
    Unless the button is pressed within { $hours } hours, the request is erased.
mail-already-subject = [Kizuna alerts] You are already registered
mail-already-subject-short = You are already registered
mail-already-body =
    This address is already registered for Kizuna alerts ({ $consortium }).
    We are writing because someone asked to register it again.

    To see or change your choices, or to stop these mails, open this link (valid for { $days } days):

    { $link }

    If you did not ask for this, please delete this mail. Nothing has been changed.

## The registration poster (poster.svg): printed on A4; its lines are measured for Japanese

poster-title = Alert mails of { $town }: how to register
poster-desc = How to register for { $town }'s notices by mail: a QR code for the web form ({ $web_url }), one for empty-mail registration ({ $address }), and how to let the mails through spam filters.
poster-heading = Alert mails of { $town }
poster-subheading = How to register
poster-lead-1 = Disaster, weather and crime-prevention news and notices from { $town }
poster-lead-2 = come to you by mail. Registration is free (your usual data charges apply).
poster-web = ① Register on the web
poster-web-qr = QR code of the web registration
poster-web-1 = Scan it, and on the page it opens
poster-web-2 = choose what you want to receive.
poster-mail = ② Register by empty mail
poster-mail-qr = QR code of the empty-mail registration
poster-mail-1 = Send the mail as it is, without writing,
poster-mail-2 = then register with the link in the reply.
poster-web-address = Web registration
poster-mail-address = Send the empty mail to
poster-filter-heading = If no mail arrives (allowing our domain)
poster-filter-1 = Your mobile carrier's spam filter may keep
poster-filter-2 = the notices from you. Allow mail from this domain:
poster-filter-carriers = docomo: 受信リスト設定   au: 受信リスト設定   SoftBank: 受信許可リスト設定
poster-filter-3 = Your carrier explains how. Setting it before you register is the surest way.
poster-privacy = Personal information: { $url }
poster-operator = { $consortium } — jointly operated by its municipalities

## The reply to an empty mail (inbound.rs): no language is chosen yet, so every offered one, Japanese first

reply-subject = [Kizuna alerts] Registration
# 件名で、ほかの言語として後ろに付く部分 / what the subject adds in each other language
reply-subject-short = Registration
# 日本語の文にリンクを入れる。ほかの言語の文は、その後に続いて「上のリンク」を指す / the Japanese text holds the link; the others follow it and point to the link above
reply-body =
    Thank you for your interest in Kizuna alerts. Open the link above within { $hours } hours to choose the municipalities and kinds of notices you want.
    If you did not ask for this, ignore this mail: nothing is registered.
