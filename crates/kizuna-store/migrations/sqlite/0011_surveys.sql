-- The よいまちモニター panel and its surveys.
--
-- A monitor is a resident with an age band (the import's monitor_age_band and
-- the manage page fill it), the municipality and optionally the area whose
-- panel they joined, and optionally a gender and an occupation. Leaving clears
-- all of it; erasing the resident removes the row.
ALTER TABLE subscribers ADD COLUMN monitor_municipality TEXT REFERENCES municipalities (code);
ALTER TABLE subscribers ADD COLUMN monitor_gender TEXT;
ALTER TABLE subscribers ADD COLUMN monitor_occupation TEXT;
ALTER TABLE subscribers ADD COLUMN monitor_enrolled_at TIMESTAMP;

-- Lists imported before the panel existed kept the age band as written: the
-- Japanese forms become the codes, and those residents join the panel of the
-- list's municipality (else the first they chose). Other texts are left as they
-- were and count in no panel.
UPDATE subscribers SET monitor_age_band = CASE monitor_age_band
    WHEN '10代' THEN 'under-20' WHEN '20代' THEN '20-29' WHEN '30代' THEN '30-39' WHEN '40代' THEN '40-49'
    WHEN '50代' THEN '50-59' WHEN '60代' THEN '60-69' WHEN '70代' THEN '70-79' WHEN '80代以上' THEN '80+'
    ELSE monitor_age_band END
WHERE monitor_age_band IS NOT NULL;
UPDATE subscribers SET monitor_enrolled_at = created_at, monitor_municipality = COALESCE(source_municipality,
    (SELECT MIN(municipality_code) FROM subscriptions WHERE subscriber_id = subscribers.id))
WHERE monitor_age_band IN ('under-20', '20-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80+');

CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    introduction TEXT,
    -- Who is asked: municipality codes, and optionally age band codes and area
    -- ids, each a comma-separated list (empty: every band or area).
    municipalities TEXT NOT NULL,
    age_bands TEXT NOT NULL,
    areas TEXT NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP,
    -- Set when staff close it early (or at all, without closes_at).
    closed_at TIMESTAMP,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE survey_questions (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    -- A JSON array of the choices' texts.
    choices TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    UNIQUE (survey_id, position)
);

-- One invitation per monitor and survey. Where the monitor stood when invited
-- is kept with it, so results read the same after they leave or are erased.
CREATE TABLE survey_invitations (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    subscriber_id INTEGER REFERENCES subscribers (id) ON DELETE SET NULL,
    municipality_code TEXT NOT NULL,
    area_id INTEGER,
    age_band TEXT NOT NULL,
    invited_at TIMESTAMP NOT NULL,
    reminders INTEGER NOT NULL DEFAULT 0,
    last_reminded_at TIMESTAMP,
    UNIQUE (survey_id, subscriber_id)
);

-- The hash of each personal link mailed for an invitation (the invitation and
-- each reminder carry their own); never the link itself.
CREATE TABLE survey_links (
    token_hash TEXT PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES survey_invitations (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);

-- Invitation and reminder mails waiting for the scheduler, which sends them in
-- batches; sent_at is set once the transport took the mail.
CREATE TABLE survey_mails (
    id INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES survey_invitations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    queued_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    failed_at TIMESTAMP
);
CREATE INDEX survey_mails_due ON survey_mails (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- One response per invitation (web or paper); paper answers typed in by staff
-- may have no invitation. Where the respondent stood is kept with it.
CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    invitation_id INTEGER UNIQUE REFERENCES survey_invitations (id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'paper')),
    municipality_code TEXT NOT NULL,
    area_id INTEGER,
    age_band TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id);

-- One row per chosen option (a multiple choice has several), rating or text.
CREATE TABLE survey_answers (
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    choice INTEGER,
    rating INTEGER,
    text TEXT
);
CREATE INDEX survey_answers_response ON survey_answers (response_id);
CREATE INDEX survey_answers_question ON survey_answers (question_id);
