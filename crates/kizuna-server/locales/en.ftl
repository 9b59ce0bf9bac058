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
privacy-what-not = We do not ask for your name, postal address or telephone number. To stop abuse of the registration form, requests are counted for a short while under a code made from the network address of your connection that cannot be turned back into it (a keyed hash), then erased. The network address itself is not stored.
privacy-what-7 = If you joined the resident monitor panel: your age band and area, your gender and occupation if you gave them, and your survey answers (results are shown as counts; a breakdown group of fewer than 5 answers is not shown).
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

## The staff console (/admin).
errors-prefix = Error:
console-site-name = Kizuna alerts — staff console
console-signed-in-as = Signed in as
console-sign-out = Sign out
console-nav-label = Console menu
console-nav-home = Home
console-nav-notices = Notices
console-nav-compose = Write a notice
console-nav-account = Account
console-nav-dashboard = Dashboard
console-nav-residents = Residents
console-nav-staff = Staff
console-nav-templates = Emergency templates
console-nav-settings = Settings
console-nav-costs = Cost sharing
console-nav-audit = Audit log
console-scope-all = All municipalities
console-back-home = Back to home
console-yes = Yes
console-no = No
console-list-separator = { ", " }
console-role-author = Author
console-role-approver = Approver
console-role-municipality-admin = Municipality admin
console-role-consortium-admin = Consortium admin
console-role-author-summary = Writes notices for your municipality and asks for approval; can send or schedule notices once approved.
console-role-approver-summary = Approves, returns and sends your municipality's notices, and corrects or withdraws them once sent.
console-role-municipality-admin-summary = Everything an approver does, and manages your municipality's staff and residents.
console-role-consortium-admin-summary = Manages notices, staff, residents and settings for the whole region.
console-refused-title = This cannot be done
console-refused-network = The console cannot be used from this network. Use a terminal in the municipal office.
console-refused-origin = This request came from another site and was refused. Use the console's own pages.
console-refused-token = The page has expired or the request is not valid. Open the page again and try again.
console-refused-role = Your role does not allow this. Ask an administrator if it is needed.
console-refused-too-large = What was sent is too large. Shorten the text.
console-refused-unavailable = The database cannot be reached right now. Please try again in a moment.
console-error-not-found = The notice was not found. It may not belong to your municipality.
console-error-not-allowed = Your role does not allow this.
console-error-out-of-scope = It includes a municipality you do not act for.
console-error-unknown-municipality = A municipality outside the consortium is chosen.
console-error-unknown-category = There is no such category.
console-error-unknown-area = It includes an area that is not in the chosen municipalities.
console-error-time-passed = That time has already passed. Choose a time ahead.
console-error-expires-before-start = The end of publication is before the notice goes out.
console-error-status-changed = The notice's status has changed, so this cannot be done. Open the notice again.
console-error-not-editable = A notice awaiting approval or already sent cannot be edited.
console-error-internal = Something went wrong. Please try again in a moment. If it goes on, tell an administrator.
console-done-saved = The draft is saved.
console-done-submitted = Approval is requested. Let an approver know.
console-done-approved = Approved.
console-done-returned = Returned to the author.
console-done-sending = Sending has started.
console-done-scheduled = Sending is scheduled.
console-done-unscheduled = The schedule is cancelled. The notice stays approved.
console-done-cancelled = Cancelled. Messages not yet sent will not be sent.
console-done-corrected = The correction is being sent.
console-done-withdrawn = Withdrawn. It has left the public lists.
console-done-armed = The countdown of the emergency send has started. To stop it, press "Stop sending" now.
console-done-tested = A test was sent to your address.
console-done-cloned = Copied. Check the text and save it.
console-done-password = Your password is changed.
console-done-second-factor = Two-step verification is set up.
console-login-title = Sign in to the staff console
console-login-email = Email address
console-login-password = Password
console-login-button = Sign in
console-login-help = If you forgot your password, ask your municipality's or the consortium's administrator to reset it.
console-login-expired = You were signed out after a while without activity. Please sign in again.
console-login-email-missing = Enter your email address.
console-login-password-missing = Enter your password.
console-login-wrong = The email address or the password is not right.
console-login-wait = After several failed attempts, wait { $seconds } seconds and try again.
console-password-title = Change your password
console-password-required = This is your first sign-in. First, change the password you were given to one only you know.
console-password-current = Current password
console-password-new = New password
console-password-confirm = New password (again)
console-password-hint = At least { $min } characters. A long sentence is fine.
console-password-button = Change password
console-password-current-missing = Enter your current password.
console-password-new-missing = Enter a new password.
console-password-current-wrong = The current password is not right.
console-password-too-short = The new password must have at least { $min } characters.
console-password-same = The new password must differ from the current one.
console-password-differs = The second new password does not match the first.
console-second-factor-title = Enter your code
console-second-factor-lead = Enter the 6-digit code your authenticator app shows.
console-second-factor-code = Code
console-second-factor-hint = Without your phone, you can enter one of your recovery codes (like abcde-fghij).
console-second-factor-button = Continue
console-second-factor-missing = Enter the code.
console-second-factor-wrong = The code is not right or was already used. Enter a new code.
console-setup-title = Set up two-step verification
console-setup-required = Consortium admins and everyone with the emergency right must set up two-step verification.
console-setup-optional = With two-step verification, nobody can sign in as you even if your password leaks.
console-setup-step-app = Install an authenticator app on your phone (Google Authenticator, Microsoft Authenticator or another).
console-setup-step-scan = Scan this QR code with the app.
console-setup-qr-label = QR code to add to your authenticator app
console-setup-key = If it cannot be scanned, type this key into the app.
console-setup-uri = Show the set-up URI
console-setup-step-code = Enter the 6-digit code the app shows.
console-setup-button = Set up
console-setup-wrong = The code is not right. Enter the code the app shows now.
console-recovery-title = Recovery codes
console-recovery-done = Two-step verification is set up.
console-recovery-lead = These codes let you in if you lose your phone. Print or copy them and keep them somewhere safe. Each works once.
console-recovery-warning = Once you leave this page, the codes are never shown again.
console-recovery-continue = I have kept them — continue
console-account-title = Account
console-account-role = Role
console-account-emergency = Emergency right
console-account-second-factor = Two-step verification
console-account-second-factor-on = Set up
console-account-second-factor-off = Not set up
console-account-second-factor-required = Required for your role.
console-account-change-password = Change your password
console-account-set-up-second-factor = Set up two-step verification
console-home-title = Home
console-home-waiting = Waiting for your approval
console-home-waiting-none = Nothing is waiting for approval.
console-home-returned = Returned to you
console-home-returned-none = Nothing was returned to you.
console-home-drafts = Your drafts
console-home-drafts-none = You have no drafts.
console-home-submitted = Waiting for approval
console-home-submitted-none = None of your notices is waiting for approval.
console-home-approved = Approved, not yet sent
console-home-approved-none = No approved notice is waiting to be sent.
console-home-going = Sending or scheduled
console-home-going-none = Nothing is sending or scheduled.
console-home-sent = Recently sent
console-home-sent-none = Nothing has been sent yet.
console-notices-title = Notices
console-notices-status = Status
console-notices-all = All
console-notices-filter = Filter
console-notices-none = No notice matches.
console-notices-older = Older notices
console-tag-emergency = Emergency
console-tag-drill = Drill
console-return-note = Why it is returned
console-return-note-hint = Say what the author should change, so they can fix it.
console-return-note-missing = Say why it is returned (at most 1,000 characters).
console-compose-title = Write a notice
console-compose-edit-title = Edit the notice
console-compose-title-hint = Shown as the subject on a phone. At most 100 characters.
console-compose-english = English version (optional)
console-compose-english-both = For an English version, give both the title and the text.
console-compose-category-missing = Choose a category.
console-compose-category-emergency = Also reaches residents who chose "emergency information only".
console-compose-category-restricted = Reaches only residents registered as staff. Never published.
console-compose-municipality-missing = Choose at least one municipality.
console-compose-municipality-unknown = A municipality you cannot choose is included.
console-compose-areas-hint = With areas chosen, it reaches residents of those areas and those who chose no area; without, the whole municipality.
console-compose-exercise-hint = The subject starts with 【訓練】 (drill), and it is sent as a drill.
console-compose-check-in-hint = Each recipient's mail gets their own links to answer "I am safe" or "I need help". The answers show on the notice's page.
console-compose-save = Save draft
console-compose-preview = Preview
console-field-title = Title
console-field-body = Text
console-field-title-en = English title
console-field-body-en = English text
console-field-category = Category
console-field-municipalities = Municipalities
console-field-municipality = Municipality
console-field-areas = Areas
console-field-urgency = Urgency
console-field-exercise = Send as a drill
console-field-check-in = Ask whether people are safe (safety check)
console-field-status = Status
console-field-created = Written
console-field-send-time = Sending time
console-urgency-normal = Normal
console-urgency-emergency = Emergency
console-urgency-emergency-hint = Goes out ahead of everything else being sent.
console-preview-title = How phones show it
console-preview-hint = So that old phones show it, characters they cannot show are replaced or removed.
console-preview-subject = Subject:
console-preview-dropped = removed
console-preview-characters = Text: { $count } characters
console-preview-no-changes = Every character goes out as typed.
console-preview-check-in = (After the text, each recipient's own safety check links "I am safe" and "I need help".)
console-preview-changes = { $count } kinds of character are replaced or removed. Rewrite them if needed.
console-preview-html = The text in the HTML mail
console-notice-actions = What you can do
console-notice-all-areas = The whole municipality
console-notice-changes = Changes from the previous version ({ $versions } versions)
console-notice-history = History
console-diff-removed = Removed:
console-diff-added = Added:
console-move-edit = Edit
console-move-submit = Ask for approval
console-move-approve = Approve
console-move-return = Return to the author
console-move-send = Send now
console-move-schedule = Schedule
console-move-unschedule = Cancel the schedule
console-move-emergency = Emergency send (no approval)
console-move-correct = Send a correction
console-move-withdraw = Withdraw
console-move-cancel = Cancel or stop
console-move-clone = Copy
console-move-test = Send a test to me
console-event-create = Written
console-event-edit = Edited
console-event-submit = Approval asked for
console-event-approve = Approved
console-event-return = Returned
console-event-schedule = Scheduled
console-event-unschedule = Schedule cancelled
console-event-send = Sent
console-event-send-scheduled = Sent as scheduled
console-event-send-emergency = Emergency send
console-event-send-jma-rule = Sent by a JMA rule
console-event-send-correction = Correction sent
console-event-arm = Emergency countdown started
console-event-cancel = Cancelled
console-event-complete = Sending finished
console-event-supersede = Replaced by a correction
console-event-withdraw = Withdrawn
console-count-heading = Who receives it
console-count-people = { $count } people
console-count-recipients = Recipients
console-count-left-out = { $count } residents who chose "emergency information only" will not receive it (not an emergency category).
console-confirm-back = Back
console-confirm-quiet = Quiet hours (until { $end }): it goes out at { $time }. Emergency notices go at once whatever the time.
console-confirm-now = Now ({ $time })
console-confirm-countdown = { $seconds } seconds after you confirm (about { $time }); until then it can be stopped.
console-confirm-submit-title = Ask for approval?
console-confirm-submit-lead = An approver checks the notice. Nothing is sent until it is approved.
console-confirm-submit-button = Ask for approval
console-confirm-approve-title = Approve this notice?
console-confirm-approve-lead = Check the text and who receives it. Once approved, it can be sent or scheduled.
console-confirm-approve-button = Approve
console-confirm-return-title = Return it to the author?
console-confirm-return-lead = The author can then change it and ask for approval again.
console-confirm-return-button = Return
console-confirm-send-title = Send now?
console-confirm-send-lead = Sending cannot be undone. While it is sending, it can be stopped.
console-confirm-send-button = Send
console-confirm-emergency-title = Send as an emergency, without approval?
console-confirm-emergency-lead = Your emergency right sends it without waiting for approval. During the countdown after you confirm, it can still be stopped.
console-confirm-emergency-button = Emergency send
console-confirm-cancel-title = Cancel this notice?
console-confirm-cancel-lead = This cannot be undone. If it is sending, messages not yet sent will not be sent.
console-confirm-cancel-button = Cancel it
console-confirm-withdraw-title = Withdraw this notice?
console-confirm-withdraw-lead = It leaves the public lists and is announced as cancelled. Mails already delivered stay.
console-confirm-withdraw-button = Withdraw
console-correct-title = Send a correction
console-correct-lead = The corrected text goes at once to everyone who received the notice. The notice becomes "corrected".
console-correct-button = Send the correction
console-countdown = The emergency send goes out in { $seconds } seconds.
console-countdown-cancel = Stop sending
console-schedule-title = Schedule sending
console-schedule-now = It is now { $time } (Japan time).
console-schedule-day-label = Day
console-schedule-today = Today, { $weekday } { $date }
console-schedule-tomorrow = Tomorrow, { $weekday } { $date }
console-schedule-day = { $weekday } { $date }
console-schedule-time-label = Time (Japan time)
console-schedule-time-hint = 24-hour clock, for example 09:00 or 18:30.
console-schedule-button = Schedule
console-schedule-day-missing = Choose a day.
console-schedule-time-missing = Enter a time like 09:00.
console-schedule-past = That time has passed. Enter a time ahead.
console-weekday-mon = Mon
console-weekday-tue = Tue
console-weekday-wed = Wed
console-weekday-thu = Thu
console-weekday-fri = Fri
console-weekday-sat = Sat
console-weekday-sun = Sun
console-progress-title = Delivery
console-progress-bar = Delivery progress
console-progress-total = Recipients
console-progress-queued = Waiting
console-progress-sent = Sent (accepted)
console-progress-deferred = To be retried
console-progress-bounced = Bounced
console-progress-failed = Given up
console-progress-rate = Sent in the last minute
console-progress-per-minute = per minute
console-progress-remaining = Time left, roughly
console-progress-finished = Sending has finished ({ $sent } of { $total } sent).
console-progress-going = Sending ({ $settled } of { $total } done).
console-progress-milestones = Drill record (time after sending started)
console-progress-share = Share accepted
console-progress-after = After
console-progress-not-yet = not yet
console-progress-span = { $minutes } min { $seconds } s
console-progress-refresh = Without JavaScript this page does not update by itself.
console-progress-reload = Refresh now
console-test-subject = [TEST] { $title }
console-test-failed = The test could not be sent. The mail relay may be unreachable.
console-staff-title = Staff accounts
console-staff-new-title = Add a staff member
console-staff-state = State
console-staff-active = Active
console-staff-disabled = Disabled
console-staff-municipality-hint = Not used for a consortium admin.
console-staff-emergency-hint = Can send an emergency notice without approval. Needs two-step verification.
console-staff-create-button = Add
console-staff-role-missing = Choose a role.
console-staff-municipality-missing = Choose the municipality.
console-staff-email-invalid = Enter an email address like name@example.jp.
console-staff-email-taken = A staff member with this email address already exists.
console-staff-password-title = One-time password
console-staff-created-lead = The staff member is added. Give them this one-time password in a safe way; they must change it at their first sign-in.
console-staff-reset-lead = The password is reset. Give them this one-time password in a safe way; they must change it at their first sign-in.
console-staff-one-time-password = One-time password
console-staff-password-once = Once you leave this page, the password is never shown again.
console-staff-back = Back to the staff list
console-staff-not-found = The staff member was not found. They may not be someone you manage.
console-staff-change = Role and municipality
console-staff-save = Save changes
console-staff-access = Signing in
console-staff-disable = Disable the account
console-staff-enable = Enable the account
console-staff-reset-password = Reset the password
console-staff-reset-second-factor = Remove two-step verification
console-staff-reason = Why it is removed
console-staff-reason-hint = Kept in the audit log. For example: lost phone.
console-staff-reason-missing = Say why two-step verification is removed (at most 500 characters).
console-done-staff-saved = The account is changed.
console-done-staff-disabled = The account is disabled; it can no longer sign in.
console-done-staff-enabled = The account is enabled.
console-done-staff-second-factor-reset = Two-step verification is removed; it is set up again at the next sign-in.
console-templates-title = Emergency templates
console-templates-lead = Ready texts for frequent emergency notices. "Use" fills the compose form; replace the 〇〇 parts and send.
console-templates-new = Add a template
console-templates-name = Name
console-templates-use = Use
console-templates-for = For
console-templates-save = Save the template
console-templates-delete = Delete this template
console-templates-edit-title = Edit the template
console-templates-name-missing = Give the template a name (at most 50 characters).
console-templates-not-found = The template was not found. It may not be one you can change.
console-templates-placeholder-hint = Write the parts that change each time as 〇〇, so they are easy to replace when writing.
console-compose-from-template = Start from an emergency template
console-compose-from-template-hint = Choosing one fills the form. Replace the 〇〇 parts.
console-done-template-saved = The template is saved.
console-done-template-deleted = The template is deleted.
console-settings-title = Settings
console-settings-lead = Settings of the whole region. Changes reach every server at once, without a restart.
console-settings-contents = Settings sections
console-settings-save = Save
console-settings-back = Back to settings
console-settings-quiet = Quiet hours
console-settings-quiet-hint = When set, normal notices during these hours wait until they end. Emergency notices go at once.
console-settings-quiet-off = None
console-settings-quiet-on = Set
console-settings-quiet-start = Start (Japan time, e.g. 21:00)
console-settings-quiet-end = End (Japan time, e.g. 07:00)
console-settings-quiet-invalid = Enter the start and end like 21:00. They cannot be the same time.
console-settings-municipalities = Municipalities and senders
console-settings-name-ja = Name (Japanese)
console-settings-name-en = Name (English)
console-settings-sender = Sender address before the @
console-settings-sender-hint = Mail comes from "Name <this@{ $domain }>".
console-settings-save-town = Save { $town }
console-settings-municipality-invalid = Enter the names in Japanese and English and a valid sender address.
console-settings-no-areas = No areas yet.
console-settings-rename-area = Save "{ $area }"
console-settings-new-area-ja = New area's name (Japanese)
console-settings-add-area = Add an area to { $town }
console-settings-area-invalid = Enter the area's name in Japanese and English (at most 50 characters).
console-settings-area-taken = The municipality already has an area of that name.
console-settings-category-emergency = Emergency category (also reaches "emergency only" residents)
console-settings-category-restricted = Staff only (never published)
console-settings-save-category = Save "{ $category }"
console-settings-new-category = Add a category
console-settings-category-key = Key (lower-case letters)
console-settings-category-key-hint = For example: shelter. Used by the API and feeds; it cannot be changed later.
console-settings-add-category = Add the category
console-settings-category-invalid = Enter a key (lower-case letters) and the names in Japanese and English.
console-settings-pacing = Pace per mobile carrier
console-settings-pacing-label = Messages per minute (one "domain=count" per line)
console-settings-pacing-hint = For example docomo.ne.jp=300. Sending slower keeps carriers from taking the mail for spam.
console-settings-pacing-invalid = Write one rule per line like docomo.ne.jp=300.
console-settings-webhooks = Webhooks
console-settings-webhook-url = Receiving URL (https://)
console-settings-add-webhook = Add the webhook
console-settings-webhook-invalid = Enter a public https:// URL. Internal addresses are refused.
console-settings-webhook-lead = The webhook is added. Give this signing secret to the receiver's operator in a safe way.
console-settings-remove = Remove
console-settings-removed = removed
console-settings-keys = API keys
console-settings-key-label = What it is for (e.g. disaster system)
console-settings-key-rights = What it may do
console-settings-create-key = Create an API key
console-settings-key-rights-missing = Choose at least one thing the key may do.
console-settings-key-lead = The API key is created. Configure the system that uses it with this key.
console-settings-revoke = Revoke
console-settings-revoked = revoked
console-settings-secret-title = Shown only once
console-settings-secret-once = Once you leave this page, it is never shown again.
console-done-settings-saved = The settings are saved; every server uses them now.
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
problem-malformed-title = The request could not be read
problem-malformed-text = Part of the request (its address or a header) holds characters that are not allowed. Open the page again from a link or type the address anew.
problem-uri-too-long-title = The address is too long
problem-uri-too-long-text = The address of the request is longer than this site accepts. Open the page again from a link, or shorten what you searched for.
problem-headers-too-large-title = The request is too large
problem-headers-too-large-text = The request carries more header data (such as cookies) than this site accepts. Delete this site's cookies in your browser and try again.
problem-busy-title = Searches are busy right now
problem-busy-text = Many people are searching at this moment. Please search again in a few seconds. The list of notices and each notice page can be read as usual.
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

## Residents (console/residents)

console-residents-title = Residents
console-residents-export = Download the list (CSV)
console-residents-back = Back to the resident search
console-residents-query = Email address (all or part of it)
console-residents-query-hint = For example taro@docomo.ne.jp, taro or @ezweb.ne.jp. An exact match comes first.
console-residents-query-invalid = Enter all or part of an email address, without spaces.
console-residents-search = Search
console-residents-results = Results ({ $count })
console-residents-none = Nothing found. Try a part of the address only.
console-residents-more = There are more results than shown. Type more of the address to narrow the search.
console-resident-not-found = The resident was not found. They may not be a resident of your municipality.
console-resident-status-pending = Waiting for confirmation
console-resident-status-active = Receiving
console-resident-status-unsubscribed = Unsubscribed
console-resident-status-suppressed = Mail stopped
console-resident-source-web = Web registration page
console-resident-source-web-qr = Poster QR code (web)
console-resident-source-empty-mail = Empty mail
console-resident-source-empty-mail-qr = Poster QR code (empty mail)
console-resident-source-import = Import (earlier system)
console-resident-registered = Registered
console-resident-confirmed = Confirmed
console-resident-source = How they registered
console-resident-language = Language
console-resident-language-ja = Japanese
console-resident-language-en = English
console-resident-emergency-only = Emergency information only
console-resident-old-phones = Character set for old phones
console-resident-staff = Receives staff categories
console-resident-age-band = Monitor age band
console-resident-suppression = Why mail is stopped
console-resident-suppressed-bounced = Mail kept bouncing
console-resident-suppressed-staff = Stopped by staff
console-resident-suppressed-erased = Erased at the resident's request
console-resident-suppressed-unsubscribed = The resident unsubscribed
console-resident-elsewhere = This resident also chose other municipalities. Only your municipality's choices are shown and changed here; the others stay as they are.
console-resident-choices = What they receive
console-resident-restricted = Staff only (reaches only residents marked as staff)
console-resident-save = Save what they receive
console-resident-choice-refused = A municipality or category you cannot choose was sent. Choose from those shown.
console-resident-bounces = Bounced mail
console-resident-hard-bounces = Bounces in a row: { $count }
console-resident-no-bounces = No mail has bounced.
console-resident-reply = The receiving server's reply
console-resident-history = Deliveries (newest first)
console-resident-no-history = Nothing has been sent yet.
console-resident-attempts = handled at attempt { $count }
console-resident-mail = Stopping and restarting mail
console-resident-suppress-hint = No municipality's notices will be sent to this address.
console-resident-suppress-elsewhere = This resident also receives other municipalities' notices. To stop your municipality's notices, untick its choices above and save. Only a consortium administrator can stop all mail to the address.
console-resident-suppress = Stop mail
console-resident-reactivate-hint = Mail starts again; the bounce count goes back to 0.
console-resident-reactivate = Restart mail
console-resident-no-mail-change = Mail to residents who are unconfirmed or unsubscribed cannot be stopped or restarted here.
console-resident-state-changed = The resident's state changed, so this was not done. Open the page again.
console-resident-staff-heading = Staff mark
console-resident-staff-question = Does this resident receive the staff categories?
console-resident-staff-hint = Staff-only categories, such as the study group's, reach only residents with the mark.
console-resident-staff-yes = Yes, as staff
console-resident-staff-no = No
console-resident-staff-save = Save the staff mark
console-resident-staff-missing = Choose yes or no.
console-resident-requests = The resident's requests
console-resident-export = Download their data (a request to see it)
console-resident-export-hint = Saves their registration and deliveries as a JSON file. This is recorded in the audit log.
console-resident-erase = Erase their data (a request to erase it)
console-resident-erase-title = Erase this resident's data?
console-resident-erase-partial = This resident also chose other municipalities. Only your municipality's choices are erased; the others stay. Ask a consortium admin to erase everything.
console-resident-erase-whole = Their registration and deliveries are all erased. This cannot be undone. Nothing is sent to the address again unless they register again.
console-resident-erase-confirm = I have confirmed that the resident asked for erasure
console-resident-erase-button = Erase
console-resident-erase-unconfirmed = Tick the box once you have confirmed that the resident asked for erasure.
console-done-resident-saved = What they receive is saved.
console-done-resident-erased = The resident's data is erased.
console-done-resident-erased-here = Your municipality's choices are erased; other municipalities' choices remain.
console-done-resident-suppressed = Mail is stopped.
console-done-resident-reactivated = Mail is restarted.
console-done-resident-staff = The staff mark is saved.

## Importing a registrant list

console-import-title = Import a registrant list
console-import-lead = Bring in the list (a CSV file) of people registered in an earlier system. Imported into: { $town }
console-import-header = The first line must be this header (monitor_age_band may be left out).
console-import-rule-codes = Municipalities are 6-digit local government codes and categories their keys; separate several with ";".
console-import-rule-known = Addresses already registered are not changed. People who unsubscribed or whose mail was stopped are not registered again.
console-import-rule-confirmed = They count as confirmed by the earlier system, so mail starts at once.
console-import-rule-encoding = Excel's "CSV UTF-8 (Comma delimited)" and "CSV (Comma delimited)" (Shift_JIS) are both read.
console-import-file = CSV file
console-import-file-hint = Nothing is imported yet: the next page shows what will happen.
console-import-file-missing = Choose the CSV file to import.
console-import-check = Check the file
console-import-preview-title = Check what will be imported
console-import-read-as = { $file } was read as { $encoding }.
console-import-rows = Rows (without the header)
console-import-new = New residents
console-import-known = Already registered (not changed)
console-import-stopped = Not to be mailed (unsubscribed, stopped or erased)
console-import-lines = Lines: { $lines }
console-import-rejected = Rows that cannot be imported
console-import-rejected-heading = Rows that cannot be imported, and why
console-import-rejected-lead = Because some rows cannot be imported, nothing will be imported as it is. Fix the file and choose it again, or skip those rows.
console-import-line = Line { $line }
console-import-rejected-more = { $count } more rows.
console-import-skip = Skip the { $count } rows that cannot be imported and import the rest
console-import-button = Import ({ $count } new)
console-import-again = Choose another file
console-import-rejected-unskipped = Some rows cannot be imported. Fix the file and choose it again, or tick "Skip the rows that cannot be imported".
console-import-done-title = Imported
console-import-done-added = { $count } new residents are registered.
console-import-skipped = Rows skipped

## Dashboard, cost sharing and the audit log

console-error-page-not-found = The page was not found. It may not belong to your municipality.
console-done-cost-added = The cost item is added.
console-done-cost-removed = The cost item is removed.

console-dashboard-title = Registrations
# $region: the consortium's name
console-dashboard-region = All of { $region }
console-dashboard-view = Show figures for
console-dashboard-show = Show
console-dashboard-active = Registrants now
console-dashboard-new-this-month = New this month
console-dashboard-bounce-rate = Bounce rate
console-dashboard-unsubscribe-rate = Unsubscribed
# $n: a number of people, with separators
console-dashboard-people = { $n } people
# $rate: a percentage, $of: messages
console-dashboard-rate-of = { $rate } (of { $of } messages in the last 12 months)
# $rate: a percentage, $n: people
console-dashboard-left = { $rate } ({ $n } people unsubscribed in the last 12 months)
console-dashboard-rates-hint = The bounce rate is the share of messages tried that the receiving side refused. A municipality's figures are the messages of notices for it (a notice for several municipalities counts whole for each). The unsubscribe share is the people who unsubscribed in the last 12 months, divided by today's registrants plus those people.
console-dashboard-registrants-by-town = Registrants by municipality
# $town: a municipality's name
console-dashboard-registrants-by-category = Registrants of { $town } by category
console-dashboard-registrants-table = Registrants by municipality and category (people)
console-dashboard-registrants-hint = Someone who chose several categories counts in each. The "Registrants" column counts each person once.
console-dashboard-total-people = Registrants
console-dashboard-total = Total
console-dashboard-code = Local government code
# $range: the period
console-dashboard-growth-caption = New registrants by month and how they registered ({ $range })
console-dashboard-growth-hint = People who registered from a poster's QR code count under that poster's municipality. These are people still registered today.
console-dashboard-growth-table = New registrants by month and how they registered (people)
console-dashboard-source-web = Web form
console-dashboard-source-empty-mail = Empty mail
# $town: the poster's municipality
console-dashboard-source-poster = QR poster ({ $town })
console-dashboard-source-poster-unknown = municipality unknown
console-dashboard-source-import = Import
# $range: the period
console-dashboard-rates-caption = Bounce rate and unsubscribes by month ({ $range })
console-dashboard-rates-table = Messages, bounces and unsubscribes by month
console-dashboard-month = Month
console-dashboard-messages = Messages
console-dashboard-bounced = Bounced
console-dashboard-failed = Failed
console-dashboard-unsubscribed = Unsubscribed (people)
console-dashboard-axis-people = People
console-dashboard-axis-percent = Per cent
# $what: what the chart shows
console-dashboard-chart-alt = Chart: { $what }. The figures are in the table below the chart.
console-dashboard-csv = Download as CSV
console-dashboard-latest = Latest notices and their delivery
console-dashboard-latest-none = No notice has been sent yet.
console-dashboard-notice = Notice
console-dashboard-recipients = Recipients
console-dashboard-delivered = Delivered
console-dashboard-waiting = Waiting

console-costs-title = Cost sharing
console-costs-years = Fiscal years
console-costs-previous = Previous fiscal year
console-costs-next = Next fiscal year
console-costs-year = Fiscal year (starting year)
console-costs-show = Show
# $year: the fiscal year, $next: the year after
console-costs-year-label = FY{ $year } (April { $year } to March { $next })
console-costs-items = Cost items
console-costs-items-none = No costs are entered for this fiscal year yet.
console-costs-item-name = Item
console-costs-item-name-hint = For example: server rental, maintenance contract
console-costs-amount = Amount
console-costs-amount-hint = In yen. You can type 75,000 or full-width digits.
console-costs-yen-unit = yen
# $amount: the amount with separators
console-costs-yen = ¥{ $amount }
console-costs-entered = Entered
console-costs-remove = Remove
console-costs-total = Total
# $year: the fiscal year
console-costs-add = Add a cost to { $year }
console-costs-add-button = Add
console-costs-shares = Each municipality's share
# $year: the fiscal year, $total: the total
console-costs-shares-caption = Shares of { $year } (total { $total })
console-costs-by-rule = Consortium's rule
console-costs-registrants = Registrants
console-costs-by-registrants = By share of registrants
console-costs-messages = Messages sent
console-costs-by-messages = By messages sent
console-costs-no-basis = — (nothing to share by)
# $rule: the rule in words
console-costs-rule-is = { $rule }.
# $town: a municipality, $percent: its share
console-costs-rule-fixed = { $town } { $percent }%
# $n: how many municipalities share the rest
console-costs-rule-rest = the rest split equally among the other { $n }
console-costs-rule-equal = split equally among all municipalities
console-costs-registrants-basis = Split by today's registrants who chose each municipality. Someone who chose several municipalities counts in each.
# $year: the fiscal year
console-costs-messages-basis = Split by the messages of notices sent in { $year } that were accepted for delivery. A notice for several municipalities counts in equal parts for each.
console-costs-remainder = Rounding
console-costs-remainder-rule = Shares are in whole yen. Each municipality first gets its exact share rounded down; the yen left over go one each to the municipalities whose shares lost the most in rounding (between equal losses, the one listed first). So the shares always add up to the total.
console-costs-print = Printable view for the council
console-costs-csv = Download as CSV
# $year: the fiscal year
console-costs-print-title = Running costs of the notice system: shares for { $year }
console-costs-back = Back to cost sharing
console-costs-print-hint = Use your browser's print command.
# $at: when the report was made
console-costs-issued = Made { $at }

console-audit-title = Audit log
console-audit-lead = What staff and the system did. Narrow it down with the filter. Entries cannot be changed or removed.
console-audit-person = Person
console-audit-person-hint = A staff member's email address, or a system name such as scheduler or api-key:3
console-audit-action = Action
console-audit-action-hint = An action's name, or its start (notice_ finds every action on notices)
console-audit-dates = Dates
console-audit-dates-hint = Dates in Japan time; both days included.
console-audit-from = From
console-audit-until = Until
console-audit-search = Filter
console-audit-clear = Clear the filter
console-audit-entries = Entries
console-audit-none = No entries match.
console-audit-at = When
console-audit-subject = Subject
console-audit-detail = Detail
console-audit-client = From address
console-audit-older = Older entries
console-audit-newest = Back to the newest entries
console-audit-csv = Download the matching entries as CSV
console-audit-csv-hint = The download is itself recorded in the audit log.
console-audit-error-person = No such person. Enter a staff member's email address or a system name.
console-audit-error-municipality = Choose a municipality from the list.
console-audit-error-action = An action's name has lower-case letters, digits and _ only.
console-audit-error-date = Enter the date like 2026-12-03.
console-audit-error-order = The end date must be the same as the start date or later.
console-audit-error-filter = The filter is not valid. Correct it on the audit log page.

## The audit log's actions in plain words (audit-action- and the stored code, _ as -)
audit-action-sign-in = Signed in
audit-action-sign-in-failed = Sign-in failed
audit-action-sign-in-throttled = Sign-in refused for a while (repeated failures)
audit-action-sign-out = Signed out
audit-action-password-changed = Changed the password
audit-action-password-change-failed = Password change failed
audit-action-second-factor = Signed in with a verification code
audit-action-second-factor-enrolled = Set up the verification code (second factor)
audit-action-second-factor-failed = Wrong verification code
audit-action-recovery-code-used = Signed in with a recovery code
audit-action-notice-create = Created a draft notice
audit-action-notice-edit = Edited a notice
audit-action-notice-clone = Copied a notice
audit-action-notice-submit = Asked for approval of a notice
audit-action-notice-approve = Approved a notice
audit-action-notice-return = Returned a notice
audit-action-notice-schedule = Scheduled a notice
audit-action-notice-unschedule = Cancelled a notice's schedule
audit-action-notice-send = Sent a notice
audit-action-notice-arm = Started an emergency send (with a countdown)
audit-action-notice-cancel = Stopped a notice's delivery
audit-action-notice-correct = Sent a correction of a notice
audit-action-notice-withdraw = Withdrew a notice
audit-action-notice-note = Added a note to a notice
audit-action-notice-test-send = Test-sent a notice to themselves
audit-action-resident-view = Viewed a resident's record
audit-action-resident-export = Exported a resident's data (their request)
audit-action-resident-erase = Erased a resident
audit-action-resident-subscriptions = Changed a resident's subscriptions
audit-action-resident-suppress = Stopped mail to a resident
audit-action-resident-reactivate = Resumed mail to a resident
audit-action-resident-staff-mark = Marked or unmarked a resident as staff
audit-action-residents-search = Searched residents
audit-action-residents-export = Exported residents as CSV
audit-action-residents-import = Imported residents
audit-action-residents-import-preview = Checked an import (nothing imported yet)
audit-action-staff-create = Created a staff account
audit-action-staff-update = Changed a staff account
audit-action-staff-enable = Enabled a staff account
audit-action-staff-disable = Disabled a staff account
audit-action-staff-password-reset = Reset a staff member's password
audit-action-staff-second-factor-reset = Reset a staff member's second factor
audit-action-template-create = Created a template
audit-action-template-update = Changed a template
audit-action-template-delete = Deleted a template
audit-action-settings-quiet-hours = Changed the quiet hours
audit-action-settings-pacing = Changed the sending pace per carrier
audit-action-settings-municipality = Changed a municipality's details
audit-action-settings-category = Changed a category
audit-action-settings-area-add = Added an area
audit-action-settings-area-rename = Renamed an area
audit-action-cost-item-add = Added a running cost
audit-action-cost-item-remove = Removed a running cost
audit-action-costs-export = Exported the cost sharing as CSV
audit-action-dashboard-export = Exported figures as CSV
audit-action-audit-export = Exported the audit log as CSV
audit-action-api-key-create = Created an API key
audit-action-api-key-revoke = Revoked an API key
audit-action-webhook-add = Added a webhook
audit-action-webhook-remove = Removed a webhook
audit-action-subscriber-set-staff = Marked a resident as staff
audit-action-subscriber-unset-staff = Unmarked a resident as staff
audit-action-subscribers-import = Imported residents (command line)
audit-action-empty-mail-reply = Answered an empty mail with the sign-up link
audit-action-unsubscribe-by-mail = Unsubscribed by mail
audit-action-erase-self = A resident erased their own registration
audit-action-erase-unconfirmed = Erased registrations never confirmed
audit-action-erase-unsubscribed = Erased registrations past their keeping time
audit-action-survey-create = Created a survey
audit-action-survey-invite = Invited monitors to a survey
audit-action-survey-remind = Reminded monitors who had not answered
audit-action-survey-close = Closed a survey
audit-action-survey-paper-answer = Typed in a paper or telephone answer
audit-action-survey-free-text-view = Viewed a survey's free-text answers
audit-action-survey-results-export = Exported a survey's results as CSV
audit-action-check-in-follow-up = Wrote a follow-up to a safety check-in
audit-action-check-in-help-export = Exported who needs help as CSV
audit-action-check-in-help-view = Viewed who needs help
## The safety check-in answer page (check_ins/)

check-in-title-safe = Safety check: I am safe
check-in-title-help = Safety check: I need help
check-in-answer-safe = I am safe
check-in-answer-help = I need help
# $title: the notice's title
check-in-lead = This is the safety check of "{ $title }". Check the details and press the button below. Nothing is sent until you press it.
# $answer: the answer, $people: how many people
check-in-current = Your answer now: { $answer } ({ $people } { $people ->
        [one] person
       *[other] people
    })
check-in-your-message = Message:
check-in-household-label = How many people this answer covers (including you)
check-in-household-hint = To answer for your household too, enter how many you are, from 1 to 20.
check-in-message-label = Message (optional, up to 200 characters)
check-in-message-hint-help = Say how you are hurt, what you need, or where you are.
check-in-message-hint-safe = Anything you want to tell the town.
check-in-error-prefix = Error:
check-in-submit-safe = Answer "I am safe"
check-in-submit-help = Answer "I need help"
check-in-switch-safe = Answer "I am safe" instead
check-in-switch-help = Answer "I need help" instead
# $title: the page's title
check-in-error-title = Error: { $title }
check-in-done-title = Your answer has been received
check-in-done-safe = You answered "I am safe". Thank you.
check-in-done-help = You answered "I need help". Town staff will look at it. In an emergency, call 119 or 110.
check-in-change-safe = Change your answer to "I am safe"
check-in-change-help = Change your answer to "I need help"
check-in-not-found-title = This link was not found
check-in-not-found-text = The safety check link is wrong or was cut off. Open the link in the mail you received exactly as it is.

## Follow-ups of a safety check (notices/check_ins.rs)

follow-up-unanswered-title = Please answer the safety check
# $title: the safety check notice's title
follow-up-unanswered-body = You have not yet answered the safety check of "{ $title }" we sent. Please open one of the links below to answer.
follow-up-needs-help-title = About the help you asked for
# $title: the safety check notice's title
follow-up-needs-help-body = This is for those who answered "I need help" to the safety check of "{ $title }".

## Safety check-ins at the console (console/check_ins.rs)

console-done-follow-up = A draft follow-up of the safety check was made. Check its text, then have it approved and send it like any notice.
console-check-in-title = Safety check answers
console-check-in-answered = Recipients who answered:
console-check-in-safe = Safe
console-check-in-needs-help = Need help
console-check-in-unanswered = Not answered
console-check-in-people = people
console-check-in-places = Answers per municipality and area (recipients)
console-check-in-no-area = No area chosen
console-check-in-milestones = Drill: time until answers came in
console-check-in-share = Answered
console-check-in-refresh = The counts do not update by themselves.
console-check-in-help-link = List of "need help" answers
console-check-in-help-csv = Download the "need help" answers as CSV
console-check-in-follow-up = Follow-up notice
console-check-in-follow-up-hint = This makes a draft. Check its text, then have it approved and send it like any other notice. Who receives it is decided when it is sent.
console-check-in-follow-up-unanswered = Draft a notice to those who have not answered
console-check-in-follow-up-needs-help = Draft a notice to those who need help
console-check-in-audience-unknown = Choose who the follow-up is for.
console-check-in-help-title = People who answered "I need help"
console-check-in-help-hint = This is personal data. Opening this page and downloading it are recorded.
console-check-in-help-none = Nobody has answered "I need help".
# $count: how many
console-check-in-help-caption = { $count } { $count ->
        [one] answer
       *[other] answers
    } (earliest first)
console-check-in-col-email = Email address
console-check-in-col-town = Municipality
console-check-in-col-area = Area
console-check-in-col-household = People
console-check-in-col-message = Message
console-check-in-col-answered = Answered at
console-check-in-back = Back to the notice
## The monitor panel (residents/monitor.rs)

manage-monitor-heading = Resident monitor panel (よいまちモニター)
manage-monitor-text = Monitors answer surveys so that residents' views reach the towns' plans.
manage-monitor-link = Join, change or leave the monitor panel
monitor-title = Resident monitor panel
monitor-heading = Resident monitor panel (よいまちモニター)
monitor-what = Resident monitors answer the towns' surveys by email. Joining is up to you, and you can leave at any time.
monitor-use-heading = How your answers and details are used
monitor-use-1 = Answers are used only to count up views for the towns' plans and policies.
monitor-use-2 = Results are published as numbers and percentages; any group of fewer than 5 answers is shown as "fewer than 5", so no one can be singled out.
monitor-use-3 = Your age band, area, gender and occupation are used only to choose who receives a survey and to group the results. You need not give your gender or occupation.
monitor-use-4 = Only the towns' and the region's administrators can read free-text answers and your details, and each time they do is recorded.
monitor-place = Your municipality and area
monitor-place-hint = If you are not sure of your area, choose the whole municipality.
# $town: the municipality's name
monitor-place-whole = { $town } (no particular area)
monitor-choose = Choose one
monitor-age-band = Age band
monitor-gender = Gender (optional)
monitor-occupation = Occupation (optional)
monitor-not-given = Prefer not to say
monitor-join = Join the monitor panel
monitor-save = Save changes
monitor-saved = Your monitor details are saved. Surveys will come to you by email.
monitor-left = You have left the monitor panel, and your details are deleted. Notices still come to you as before.
monitor-leave-heading = Leave the monitor panel
monitor-leave-text = Leaving deletes your age band, area, gender and occupation, and surveys stop. Notices still come.
monitor-leave = Leave the monitor panel
monitor-inactive = Mail to this address is stopped, so you cannot join or change the monitor panel.
monitor-error-place = Choose your municipality and area.
monitor-error-band = Choose your age band.
monitor-back = Back to your registration

## Survey mails (surveys/mails.rs)

mail-survey-invite-subject = [Resident monitors] Please answer a survey
mail-survey-invite-short = A survey for resident monitors
mail-survey-remind-subject = [Resident monitors] Reminder: please answer a survey
mail-survey-remind-short = Reminder: a survey for resident monitors
mail-survey-no-closing = until the survey is closed
# $consortium: the region's name, $title: the survey's title, $link: the answer page, $closes: the closing time
mail-survey-invite-body =
    To the resident monitors ({ $consortium })

    Please answer the survey "{ $title }".
    You can answer at this link, without signing in:

    { $link }

    Closes: { $closes }
    Until then you can change your answer at the same link.
    This link is yours alone; please do not forward it.

    To leave the monitor panel, use the "check or change your registration" link at the end of any notice mail.
mail-survey-remind-body =
    To the resident monitors ({ $consortium })

    We have not yet had your answer to the survey "{ $title }", so here is the link again.
    If you have answered meanwhile, please ignore this mail.

    { $link }

    Closes: { $closes }
    This link is yours alone; please do not forward it.

## The survey answer page (surveys/answer.rs)

# $closes: the closing time
survey-page-closes = Closes: { $closes }
survey-page-no-closing = when the town closes it
survey-page-answered = You have answered; you can change your answer until then.
survey-page-optional = (optional)
survey-page-any = (choose all that apply)
survey-page-other = Other
# $n: the question's number; $message: what is wrong
survey-error-summary = Question { $n }: { $message }
survey-page-other-what = If other, please write what
# $n: the rating
survey-page-rating = { $n }
survey-page-rating-low = { $n } (low)
survey-page-rating-high = { $n } (high)
survey-page-send = Send my answers
survey-page-save-change = Change my answers
survey-page-recorded = Your answers are recorded
survey-page-thanks = Thank you. Your answers are recorded.
survey-page-changed = Your answers are changed.
survey-page-change-until = Until { $closes } you can change them at the same link.
survey-page-change = Review or change my answers
survey-page-not-found = This survey link does not work
survey-page-not-found-text = The link is not right, or the survey no longer exists. Open the link in the mail whole, without a break in it.
survey-page-closed = This survey is closed
# $title: the survey's title
survey-page-closed-text = The survey "{ $title }" is closed, so answers can no longer be given or changed.
survey-page-closed-answered = Your answers are counted in the results. Thank you.
survey-page-not-open = This survey has not started yet
# $opens: when it opens
survey-page-not-open-text = Answers are taken from { $opens }. Please open this link again then.

## Errors in a new survey (surveys/service.rs)

survey-problem-no-municipality = Choose at least one municipality.
survey-problem-unknown-municipality = Choose a municipality of the region.
survey-problem-unknown-age-band = Choose age bands from the list.
survey-problem-unknown-area = Choose areas of the survey's municipalities.
survey-problem-unknown-kind = Choose single choice, multiple choice, 1–5 rating or free text.
survey-problem-closes-too-early = The closing time must be after the opening and still ahead.

## Surveys (console/surveys/)

console-nav-surveys = Surveys
console-surveys-title = Monitor panel and surveys
console-panel-heading = Monitors
console-panel-about = Monitors who receive mail, by municipality, area and age band.
# $town: the municipality, $total: how many
console-panel-caption = { $town } ({ $total } monitors)
console-panel-place = Area
console-panel-no-area = No area chosen
console-panel-total = Total
console-surveys-heading = Surveys
console-surveys-none = There are no surveys yet.
console-survey-title = Title
console-survey-status = Status
console-survey-opens = Opens
console-survey-closes = Closes
console-survey-open = Open
console-survey-scheduled = Not yet open
console-survey-closed = Closed
console-survey-no-closing = Until closed

## Survey results (console/surveys/results.rs)

console-done-survey-invited = Invitations are on their way to the targeted monitors not yet invited.
console-done-survey-reminded = Reminders are on their way to monitors who have not answered (within the limits of count and interval).
console-done-survey-closed = The survey is closed.
console-done-survey-invited-none = Nobody new to invite: every targeted monitor has been invited already.
console-done-survey-reminded-none = Nobody to remind now: everyone has answered, has had the most reminders, or was invited or reminded too recently.
console-survey-error-closed = This survey is closed.
console-survey-invite = Invite the targeted monitors
console-survey-remind = Remind those who have not answered
console-survey-close = Close the survey
console-results-invited = Invited
console-results-responses = Responses
console-results-web = Web
console-results-paper = Paper or phone
console-results-rate = Response rate
console-results-csv = Download the results as CSV (recorded)
console-results-answered = answered
console-results-no-text = No answers written.
console-results-text-audited = Reading free-text answers is recorded in the audit log.
console-results-choice = Choice
console-results-count = Count
console-results-percent = Share
console-results-axis = Answers
# $number: the question's number
console-results-chart-alt = Answers to question { $number }; the same figures are in the table below.
console-results-breakdown = Responses by group
console-results-breakdown-about = Groups with fewer than 5 responses read "fewer than 5", and other cells are hidden so that they cannot be worked out from the totals.
console-results-by-town = By municipality
console-results-by-area = By area
console-results-by-band = By age band
console-results-group = Group
console-results-fewer-than-5 = fewer than 5
console-results-hidden = hidden
console-results-csv-question = Question
console-results-csv-answer = Answer
console-results-csv-count = Count
console-question-kind-single = Single choice
console-question-kind-multiple = Multiple choice
console-question-kind-rating = 1–5 rating
console-question-kind-text = Free text

## Typing in a paper or phone answer (console/surveys/paper.rs)

# $title: the survey's title
console-paper-title = Type in a paper or phone answer: { $title }
console-paper-about = Type in an answer received on paper or by phone. It counts in the "paper or phone" column. Each entry is recorded.
console-paper-place = The respondent's municipality and area
console-paper-save = Save the answer
console-paper-back = Back to the results
console-paper-link = Type in a paper or phone answer
console-done-survey-paper-saved = The paper or phone answer is saved.

## Creating a survey (console/surveys/create.rs)

console-survey-new-title = Create a survey
console-done-survey-created = The survey is created. "Invite the targeted monitors" sends the invitations.
console-survey-introduction = Introduction (optional)
console-survey-towns = Municipalities asked
console-survey-bands = Age bands asked (optional)
console-survey-bands-hint = With none chosen, monitors of every age band are asked.
console-survey-closes-on = Closing date (optional)
console-survey-closes-hint = Answers are taken until the end of this day. Left empty, until the survey is closed.
console-survey-questions = Questions
console-survey-questions-hint = Leave the slots you do not need empty. Write one choice a line.
console-survey-question = Question
console-survey-kind = Kind
console-survey-kind-none = Not used
console-survey-question-text = Question
console-survey-choices = Choices (single or multiple choice; one a line)
console-survey-required = An answer is required
console-results-other-written = What was written for “Other”
console-survey-other = Add “Other” with a line to write in
console-survey-other-hint = Choice questions only. What residents write is listed with the results.
console-survey-create = Create the survey
console-survey-error-date = Write the closing date like 2026-12-20.

console-resident-monitor-place = Monitor's area
console-resident-monitor-gender = Monitor's gender
console-resident-monitor-occupation = Monitor's occupation

console-results-days = Response rate over time
console-results-days-alt = The response rate day by day; the same figures are in the table below.
console-results-day = Date
console-results-that-day = Responses that day
console-results-so-far = So far
console-survey-areas = Areas asked (optional)
console-survey-areas-hint = With none chosen, monitors of every area of the municipalities asked receive it.

## JMA cancellations (notices/jma_cancel.rs)

# $title: the title of the withdrawn notice
follow-up-cancelled-title = [Cancelled] { $title }
# $sent: when it was sent (25 Nov 2026 14:05 JST); $title: the title of the withdrawn notice
follow-up-cancelled-body =
    The information "{ $title }" we sent on { $sent } has been cancelled: the Japan Meteorological Agency withdrew the report it was based on.
    If new information is issued, we will let you know.
