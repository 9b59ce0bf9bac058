-- A choice question may end with "その他" and a line to say what. An answer
-- that chose it is a row with no choice and the text written.
ALTER TABLE survey_questions ADD COLUMN other BOOLEAN NOT NULL DEFAULT FALSE;
