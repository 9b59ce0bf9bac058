-- Outgoing webhooks (PostgreSQL). A receiver URL with the shared secret that signs
-- what Kizuna posts to it; removing one keeps its delivery log.
CREATE TABLE webhooks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url TEXT NOT NULL,
    -- The HMAC key must be at hand to sign, so it is kept as given out, not hashed.
    secret TEXT NOT NULL,
    allow_private BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    disabled_at TIMESTAMPTZ
);

-- One event (notice.sent, notice.corrected, notice.withdrawn) for one receiver.
CREATE TABLE webhook_deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id),
    notice_id BIGINT NOT NULL REFERENCES notices (id),
    event TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_status_code BIGINT,
    last_error TEXT,
    claim_id TEXT,
    claimed_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_deliveries_ready ON webhook_deliveries (next_attempt_at, id) WHERE status IN ('queued', 'sending');
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_claim ON webhook_deliveries (claim_id) WHERE claim_id IS NOT NULL;

-- Every attempt, so an operator sees what each receiver answered and when.
CREATE TABLE webhook_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    status_code BIGINT,
    error TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
