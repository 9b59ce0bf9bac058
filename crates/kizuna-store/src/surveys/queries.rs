//! The statements of the monitor panel and surveys.

/// Panel members: active residents with a known age band and a municipality.
macro_rules! monitors {
    ($where:literal) => {
        concat!(
            "SELECT id, monitor_municipality, monitor_area_id, monitor_age_band, monitor_gender, monitor_occupation
             FROM subscribers
             WHERE status = 'active' AND monitor_municipality IS NOT NULL
               AND monitor_age_band IN ('under-20', '20-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80+') ",
            $where
        )
    };
}

pub(super) const MONITOR_BY_ID: &str = monitors!("AND id = $1");
pub(super) const ALL_MONITORS: &str = monitors!("ORDER BY id");

pub(super) const ENROL: &str = "UPDATE subscribers SET monitor_municipality = $2, monitor_area_id = $3,
     monitor_age_band = $4, monitor_gender = $5, monitor_occupation = $6,
     monitor_enrolled_at = COALESCE(monitor_enrolled_at, $7), updated_at = $7
     WHERE id = $1 AND status = 'active'";

pub(super) const LEAVE: &str = "UPDATE subscribers SET monitor_municipality = NULL, monitor_area_id = NULL,
     monitor_age_band = NULL, monitor_gender = NULL, monitor_occupation = NULL, monitor_enrolled_at = NULL,
     updated_at = $2
     WHERE id = $1 AND monitor_age_band IS NOT NULL";

pub(super) const PANEL_COUNTS: &str =
    "SELECT monitor_municipality, monitor_area_id, monitor_age_band, COUNT(*) AS members
     FROM subscribers
     WHERE status = 'active' AND monitor_municipality IS NOT NULL
       AND monitor_age_band IN ('under-20', '20-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80+')
     GROUP BY monitor_municipality, monitor_area_id, monitor_age_band
     ORDER BY monitor_municipality, monitor_area_id, monitor_age_band";

pub(super) const INSERT_SURVEY: &str = "INSERT INTO surveys (title, introduction, municipalities, age_bands, areas,
     opens_at, closes_at, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

pub(super) const INSERT_QUESTION: &str =
    "INSERT INTO survey_questions (survey_id, position, kind, text, choices, required, other)
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub(super) const SURVEY_BY_ID: &str = "SELECT id, title, introduction, municipalities, age_bands, areas, opens_at,
     closes_at, closed_at, created_by, created_at FROM surveys WHERE id = $1";

/// Newest first.
pub(super) const ALL_SURVEYS: &str = "SELECT id, title, introduction, municipalities, age_bands, areas, opens_at,
     closes_at, closed_at, created_by, created_at FROM surveys ORDER BY id DESC";

pub(super) const QUESTIONS_OF: &str =
    "SELECT id, kind, text, choices, required, other FROM survey_questions WHERE survey_id = $1 ORDER BY position";

pub(super) const CLOSE_SURVEY: &str = "UPDATE surveys SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL";

pub(super) const INVITED_SUBSCRIBERS: &str =
    "SELECT subscriber_id FROM survey_invitations WHERE survey_id = $1 AND subscriber_id IS NOT NULL";

pub(super) const INSERT_INVITATION: &str = "INSERT INTO survey_invitations (survey_id, subscriber_id,
     municipality_code, area_id, age_band, invited_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

pub(super) const QUEUE_MAIL: &str =
    "INSERT INTO survey_mails (invitation_id, kind, queued_at, next_attempt_at) VALUES ($1, $2, $3, $3)";

/// Not answered, reminded fewer than `$2` times, and neither invited nor
/// reminded since `$3`.
pub(super) const TO_REMIND: &str = "SELECT i.id FROM survey_invitations i
     WHERE i.survey_id = $1 AND i.subscriber_id IS NOT NULL AND i.reminders < $2
       AND i.invited_at <= $3 AND (i.last_reminded_at IS NULL OR i.last_reminded_at <= $3)
       AND NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.invitation_id = i.id)
     ORDER BY i.id";

pub(super) const MARK_REMINDED: &str =
    "UPDATE survey_invitations SET reminders = reminders + 1, last_reminded_at = $2 WHERE id = $1";

pub(super) const INVITATION_COLUMNS_BY_LINK: &str = "SELECT i.id, i.survey_id, i.subscriber_id, i.municipality_code,
     i.area_id, i.age_band, i.invited_at, i.reminders
     FROM survey_links l JOIN survey_invitations i ON i.id = l.invitation_id WHERE l.token_hash = $1";

pub(super) const INVITATIONS_OF: &str = "SELECT id, survey_id, subscriber_id, municipality_code, area_id, age_band,
     invited_at, reminders FROM survey_invitations WHERE survey_id = $1 ORDER BY id";

pub(super) const INSERT_LINK: &str =
    "INSERT INTO survey_links (token_hash, invitation_id, created_at) VALUES ($1, $2, $3)";

pub(super) const DUE_MAILS: &str = "SELECT m.id, m.kind, m.invitation_id, i.survey_id, i.subscriber_id, m.attempts
     FROM survey_mails m JOIN survey_invitations i ON i.id = m.invitation_id
     WHERE m.sent_at IS NULL AND m.failed_at IS NULL AND m.next_attempt_at <= $1
     ORDER BY m.id LIMIT $2";

pub(super) const MAIL_SENT: &str = "UPDATE survey_mails SET sent_at = $2, attempts = attempts + 1 WHERE id = $1";

pub(super) const MAIL_RETRY: &str =
    "UPDATE survey_mails SET attempts = attempts + 1, next_attempt_at = $2 WHERE id = $1";

pub(super) const MAIL_FAILED: &str = "UPDATE survey_mails SET attempts = attempts + 1, failed_at = $2 WHERE id = $1";

pub(super) const RESPONSE_OF_INVITATION: &str =
    "SELECT id, channel, submitted_at, updated_at FROM survey_responses WHERE invitation_id = $1";

/// A choice question's "その他" row has no choice and the text written.
pub(super) const ANSWERS_OF: &str = "SELECT a.question_id, q.kind, a.choice, a.rating, a.text
     FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id
     WHERE a.response_id = $1 ORDER BY q.position, a.choice";

pub(super) const INSERT_RESPONSE: &str = "INSERT INTO survey_responses (survey_id, invitation_id, channel,
     municipality_code, area_id, age_band, submitted_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";

/// A changed answer keeps its first time and takes the latest channel.
pub(super) const UPDATE_RESPONSE: &str = "UPDATE survey_responses SET channel = $2, updated_at = $3 WHERE id = $1";

pub(super) const DELETE_ANSWERS: &str = "DELETE FROM survey_answers WHERE response_id = $1";

pub(super) const INSERT_ANSWER: &str =
    "INSERT INTO survey_answers (response_id, question_id, choice, rating, text) VALUES ($1, $2, $3, $4, $5)";

pub(super) const COUNT_INVITED: &str = "SELECT COUNT(*) FROM survey_invitations WHERE survey_id = $1";

pub(super) const COUNT_BY_CHANNEL: &str =
    "SELECT channel, COUNT(*) AS n FROM survey_responses WHERE survey_id = $1 GROUP BY channel";

/// Each chosen option is its own row, so a multiple choice counts every option.
pub(super) const CHOICE_COUNTS: &str =
    "SELECT a.question_id, CAST(COALESCE(a.choice, a.rating) AS BIGINT) AS value, COUNT(*) AS n
     FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
     WHERE r.survey_id = $1 AND (a.choice IS NOT NULL OR a.rating IS NOT NULL)
     GROUP BY a.question_id, COALESCE(a.choice, a.rating)
     ORDER BY a.question_id, value";

pub(super) const TEXT_ANSWERS: &str = "SELECT a.question_id, a.text
     FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
     WHERE r.survey_id = $1 AND a.text IS NOT NULL
     ORDER BY a.question_id, r.submitted_at, r.id";

pub(super) const RESPONSE_GROUPS: &str = "SELECT municipality_code, area_id, age_band, channel, COUNT(*) AS n
     FROM survey_responses WHERE survey_id = $1
     GROUP BY municipality_code, area_id, age_band, channel
     ORDER BY municipality_code, area_id, age_band, channel";

pub(super) const ANSWERED_PER_QUESTION: &str = "SELECT a.question_id, COUNT(DISTINCT a.response_id) AS n
     FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
     WHERE r.survey_id = $1 GROUP BY a.question_id";

/// When each response first came, for the response rate over time.
pub(super) const RESPONSE_TIMES: &str =
    "SELECT submitted_at FROM survey_responses WHERE survey_id = $1 ORDER BY submitted_at";
