-- Kizuna foundation schema (SQLite). Times are UTC, written by the application.
CREATE TABLE consortium (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    jma_prefecture_code TEXT NOT NULL,
    jma_subregion_code TEXT NOT NULL,
    jma_quake_region_code TEXT NOT NULL,
    cost_rule TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE municipalities (
    code TEXT PRIMARY KEY,
    jma_area_code TEXT NOT NULL,
    name_ja TEXT NOT NULL,
    name_kana TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sender_local TEXT NOT NULL,
    cost_share REAL,
    position INTEGER NOT NULL
);

CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL REFERENCES municipalities (code),
    name TEXT NOT NULL,
    UNIQUE (municipality_code, name)
);

CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL REFERENCES municipalities (code),
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    UNIQUE (municipality_code, name_ja)
);

CREATE TABLE categories (
    key TEXT PRIMARY KEY,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    emergency BOOLEAN NOT NULL,
    restricted BOOLEAN NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    email_hash TEXT NOT NULL,
    domain TEXT NOT NULL,
    status TEXT NOT NULL,
    language TEXT NOT NULL,
    format TEXT NOT NULL,
    charset TEXT NOT NULL,
    emergency_only BOOLEAN NOT NULL,
    is_staff BOOLEAN NOT NULL DEFAULT FALSE,
    source TEXT NOT NULL,
    source_municipality TEXT REFERENCES municipalities (code),
    monitor_age_band TEXT,
    monitor_area_id INTEGER REFERENCES areas (id),
    hard_bounces INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    pending_expires_at TIMESTAMP
);
CREATE INDEX subscribers_pending ON subscribers (pending_expires_at) WHERE status = 'pending';

CREATE TABLE subscriptions (
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    municipality_code TEXT NOT NULL REFERENCES municipalities (code),
    category_key TEXT NOT NULL REFERENCES categories (key),
    area_id INTEGER REFERENCES areas (id)
);
CREATE INDEX subscriptions_subscriber ON subscriptions (subscriber_id);
CREATE INDEX subscriptions_target ON subscriptions (municipality_code, category_key);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    municipality_code TEXT REFERENCES municipalities (code),
    role TEXT NOT NULL,
    emergency BOOLEAN NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    source_ref TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_en TEXT,
    body_en TEXT,
    category_key TEXT NOT NULL REFERENCES categories (key),
    urgency TEXT NOT NULL,
    exercise BOOLEAN NOT NULL,
    expires_at TIMESTAMP,
    send_at TIMESTAMP,
    checkin_question TEXT,
    supersedes_id INTEGER REFERENCES notices (id),
    idempotency_key TEXT UNIQUE,
    search_text TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX notices_status ON notices (status, sent_at);
CREATE INDEX notices_source_ref ON notices (source, source_ref);

CREATE TABLE notice_municipalities (
    notice_id INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    municipality_code TEXT NOT NULL REFERENCES municipalities (code),
    PRIMARY KEY (notice_id, municipality_code)
);

CREATE TABLE notice_areas (
    notice_id INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    area_id INTEGER NOT NULL REFERENCES areas (id),
    PRIMARY KEY (notice_id, area_id)
);

CREATE TABLE notice_events (
    id INTEGER PRIMARY KEY,
    notice_id INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    note TEXT
);
CREATE INDEX notice_events_notice ON notice_events (notice_id);

-- One message to one resident. `paced` marks destination domains under a
-- per-minute limit; `claim_id` names the worker batch that holds the row.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    notice_id INTEGER NOT NULL REFERENCES notices (id),
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    channel TEXT NOT NULL DEFAULT 'email',
    status TEXT NOT NULL,
    priority INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_reply TEXT,
    domain TEXT NOT NULL,
    paced BOOLEAN NOT NULL,
    claim_id TEXT,
    claimed_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    UNIQUE (notice_id, subscriber_id, channel)
);
CREATE INDEX deliveries_ready ON deliveries (paced, priority, id) WHERE status IN ('queued', 'deferred');
CREATE INDEX deliveries_ready_paced ON deliveries (domain, priority, id) WHERE paced AND status IN ('queued', 'deferred');
CREATE INDEX deliveries_claim ON deliveries (claim_id) WHERE claim_id IS NOT NULL;
CREATE INDEX deliveries_notice_status ON deliveries (notice_id, status);

-- The SHA-256 of each token mailed for a delivery (one per attempt, so a copy the
-- relay took before a crash keeps working links).
CREATE TABLE delivery_tokens (
    token_hash TEXT PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE
);
CREATE INDEX delivery_tokens_delivery ON delivery_tokens (delivery_id);

-- Messages per minute a destination domain accepts from Kizuna.
CREATE TABLE pacing_rules (
    domain TEXT PRIMARY KEY,
    per_minute INTEGER NOT NULL
);

CREATE TABLE pacing_windows (
    domain TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    claimed INTEGER NOT NULL,
    PRIMARY KEY (domain, window_start)
);

CREATE TABLE link_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    subscriber_id INTEGER REFERENCES subscribers (id) ON DELETE CASCADE,
    email TEXT,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

CREATE TABLE suppressions (
    email_hash TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    municipality_code TEXT REFERENCES municipalities (code),
    rights TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
