-- The staff console: sessions, sign-in throttling shared by every process, a
-- second factor (TOTP) with recovery codes, every version of a notice's text,
-- and an audit log that records the client's address and cannot be changed.

ALTER TABLE staff ADD COLUMN totp_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_last_step BIGINT;
ALTER TABLE staff ADD COLUMN password_changed_at TIMESTAMPTZ;

CREATE TABLE staff_recovery_codes (
    staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TIMESTAMPTZ,
    PRIMARY KEY (staff_id, code_hash)
);

CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    second_factor_done BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    client_address TEXT NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

CREATE TABLE sign_in_failures (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE notice_versions (
    notice_id BIGINT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_en TEXT,
    body_en TEXT,
    category_key TEXT NOT NULL,
    municipalities TEXT NOT NULL,
    area_ids TEXT NOT NULL,
    urgency TEXT NOT NULL,
    exercise BOOLEAN NOT NULL,
    send_at TIMESTAMPTZ,
    edited_by TEXT NOT NULL,
    edited_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (notice_id, version)
);

ALTER TABLE audit_log ADD COLUMN client_address TEXT;
ALTER TABLE audit_log ADD COLUMN municipality_code TEXT;
CREATE INDEX audit_log_actor ON audit_log (actor, id);

-- Nobody, Kizuna included, changes or removes an audit entry.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
