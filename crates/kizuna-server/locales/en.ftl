# kizuna-server's texts: what the public pages (the templates) show.
# Every key of ja.ftl is here too (a test checks).
# Texts are written into the HTML as they are: no tags, and no " in those that go
# into an attribute (aria-label, title).

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
# ページの言語の本文がないときだけ表示（日本語のページでは出ない） / shown only when the notice has no text in the page's language
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
# 「English」の選択肢の横 / beside the choice "English"
choices-language-en-hint = (notices written only in Japanese come in Japanese)
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
