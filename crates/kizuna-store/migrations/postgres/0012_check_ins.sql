-- Safety check-ins (安否確認): a notice may ask its recipients whether they are
-- safe or need help. The never-used free-text question gives way to a flag (the
-- two answers are fixed); a follow-up notice names the check-in it follows and
-- whom it goes to ('unanswered' or 'needs_help') instead of subscriptions.

ALTER TABLE notices ADD COLUMN check_in BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE notices SET check_in = TRUE WHERE checkin_question IS NOT NULL;
ALTER TABLE notices DROP COLUMN checkin_question;
ALTER TABLE notices ADD COLUMN follow_up_of BIGINT REFERENCES notices (id);
ALTER TABLE notices ADD COLUMN follow_up_audience TEXT CHECK (follow_up_audience IN ('unanswered', 'needs_help'));

-- One answer per recipient, keyed by the delivery of the check-in notice to
-- them: erasing a resident deletes their deliveries and so their answers.
-- `first_answered_at` stays when the answer changes (a drill's 25/50/75 % times).
CREATE TABLE check_ins (
    delivery_id BIGINT PRIMARY KEY REFERENCES deliveries (id) ON DELETE CASCADE,
    notice_id BIGINT NOT NULL REFERENCES notices (id),
    answer TEXT NOT NULL CHECK (answer IN ('safe', 'help')),
    household BIGINT NOT NULL CHECK (household BETWEEN 1 AND 20),
    message TEXT,
    first_answered_at TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX check_ins_notice ON check_ins (notice_id, first_answered_at);
