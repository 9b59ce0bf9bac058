# kizuna-core's texts: input errors, notice states, subject marks, feed titles.
# Every key of ja.ftl is here too (a test checks).
# A new language is a file like this one in each crate's locales/ and its tag in KIZUNA_LANGUAGES.

## About this language

# The language code of CAP's <info><language> (cap.rs)
locale-cap = en-US
# How a date and time are written (chrono's strftime, Tokyo time) (time.rs)
locale-time-format = %-d %b %Y %H:%M JST

## Notice states (notice.rs)

notice-status-draft = Draft
notice-status-pending-approval = Awaiting approval
notice-status-approved = Approved
notice-status-scheduled = Scheduled
notice-status-sending = Sending
notice-status-sent = Sent
notice-status-returned = Returned
notice-status-cancelled = Cancelled
notice-status-superseded = Corrected
notice-status-withdrawn = Withdrawn
# $status: one of the state names above
notice-refused = This cannot be done to a notice that is { $status }.
# The subject of a drill's mail. $title: the notice's title
notice-subject-drill = [DRILL] { $title }

## Errors on the registration and manage forms (registration.rs, email.rs)

form-error-no-municipality = Choose at least one municipality.
form-error-unknown-municipality = One of the chosen municipalities is not part of this service.
form-error-bad-scope = Choose whether to receive emergency information only or the categories you pick.
form-error-no-category = Choose at least one category.
form-error-unknown-category = One of the chosen categories does not exist.
form-error-bad-format = Choose plain text or HTML.
form-error-bad-charset = Choose the standard character set or the one for older phones.
form-error-bad-language = Choose Japanese or English.

email-error-empty = Please check the email address: the address is empty.
email-error-too-long = Please check the email address: the address is longer than 254 characters.
email-error-no-single-at = Please check the email address: the address needs exactly one '@'.
email-error-bad-local-part = Please check the email address: the part before '@' is empty, longer than 64 characters or has characters that mail does not allow.
email-error-bad-domain = Please check the email address: the part after '@' is not a valid domain name.

## Errors in a notice's text (text.rs)

# $field: the field's code name, shown as it is
text-field =
    { $field ->
        [cost_name] cost item's name
        [check_in_message] message
        [survey_title] survey's title
       *[other] { $field }
    }
text-error-empty = The { text-field } is empty.
# $max: the most characters allowed
text-error-too-long = The { text-field } is longer than { $max } characters.
text-error-control = The { text-field } contains control characters.

## Errors in a cost amount (costs.rs)

cost-error-amount-empty = Enter the amount.
cost-error-amount-not-whole = Enter the amount as a whole number of yen (for example 75,000).
cost-error-amount-zero = The amount must be at least 1 yen.
# $max: the limit, with thousands separators
cost-error-amount-too-large = The amount must be at most { $max } yen.

search-error-too-long = Please use at most { $max } characters.
search-error-too-many-words = Please use at most { $max } words.

## Code errors (codes.rs). $input: what was given, quoted where the text says so

code-error-municipality-shape = a local government code has exactly 6 digits: { $input }.
code-error-municipality-check-digit = the check digit of local government code { $input } is wrong.
code-error-jma-area = a JMA area code has exactly 7 digits: { $input }.
code-error-category-key = a category key is 1 to 32 lower-case letters, digits or '_': { $input }.

## CAP (cap.rs)

# Marks before the headline
cap-title-drill = [Drill]{ " " }
cap-title-correction = [Correction]{ " " }
cap-title-withdrawn = [Withdrawn]{ " " }
# Between the sender names (municipalities)
cap-sender-separator = ,{ " " }
# <note>: the Japanese and the English text side by side
cap-note-drill = This is a drill.
cap-note-update = This corrects an earlier message.
cap-note-cancel = This withdraws an earlier message.

## Atom feeds (atom.rs; the feeds are in Japanese today). $issuer: the consortium's name

feed-notices-title = Notices of { $issuer }
# $narrowing: the names of the municipality and category chosen
feed-notices-narrowed = Notices of { $issuer } ({ $narrowing })
feed-notices-subtitle = The public record of the notices sent
feed-cap-title = Alerts and notices of { $issuer } (CAP)
feed-cap-subtitle = Current messages in the Common Alerting Protocol (CAP 1.2)
feed-list-separator = ,{ " " }
# $summary: the category's name (and areas), $areas: area names, $until: when it lapses
feed-cap-summary-areas = { $summary } / { $areas }
feed-cap-summary-until = { $summary } / until { $until }

## Staff roles (staff.rs)

staff-role-author = Author
staff-role-approver = Approver
staff-role-municipality-admin = Municipality admin
staff-role-consortium-admin = Consortium admin

## Importing a registrant list (import.rs)

import-error-not-text = The file's encoding cannot be read (it is neither UTF-8 nor Shift_JIS). Save it again from Excel as "CSV UTF-8 (Comma delimited)" or "CSV (Comma delimited)".
import-error-empty = The file is empty.
import-error-unclosed-quote = A quote (") that starts on line { $line } is not closed.
import-error-missing-columns = The header lacks the column { $columns }. The header is email,municipalities,categories,emergency_only,language (and optionally monitor_age_band).
import-error-not-a-member = { $value } is not a municipality of the consortium.
import-error-outside-scope = { $value } is not a municipality you act for. You can import only into your own municipality.
import-error-no-municipality = No municipality code is given.
import-error-not-a-category = There is no category "{ $value }".
import-error-staff-only = The category "{ $value }" is for staff only and cannot be given by an import.
import-error-not-yes-or-no = "{ $value }" is not yes or no (true or false).
import-error-not-a-language = "{ $value }" is not ja or en.
import-error-age-band = Write the age band as under-20, 20-29 … 70-79, 80+ (or 10代 … 70代, 80代以上).

## Safety check-in answer errors (check_in.rs)

# $max: the largest count
check-in-error-household = Enter the number of people as a whole number from 1 to { $max }.

## The monitor panel and surveys (survey.rs)

age-band-under-20 = Under 20
age-band-20-29 = 20–29
age-band-30-39 = 30–39
age-band-40-49 = 40–49
age-band-50-59 = 50–59
age-band-60-69 = 60–69
age-band-70-79 = 70–79
age-band-80-plus = 80 or over
gender-female = Female
gender-male = Male
gender-other = Other
occupation-employee = Employee
occupation-self-employed = Self-employed
occupation-farming = Farming or forestry
occupation-public-service = Public service
occupation-student = Student
occupation-homemaker = Homemaker
occupation-not-working = Not working
occupation-other = Other
# $max: the most questions
survey-error-question-count = Write at least one question and at most { $max }.
# $max: the most choices
survey-error-choices = A choice question needs at least 2 different choices and at most { $max }.
survey-error-no-choices-wanted = Rating and free-text questions have no choices.
answer-error-required = Answer this question.
answer-error-not-a-choice = Choose one of the choices.
# $max: the most characters
answer-error-too-long = Keep the answer to { $max } characters.
answer-error-control = The answer contains control characters.
answer-error-only-one = Choose only one answer.
answer-error-other-empty = You chose “Other”: write what it is.
survey-error-other-without-choices = Only a choice question can offer “Other”.
