-- The region at a glance and the shared cost: the running costs of each fiscal
-- year, one item at a time; a count of unsubscribes per municipality that
-- outlives the resident (no address, no id: erasing a resident leaves it); and
-- the audit log filtered by municipality.

CREATE TABLE cost_items (
    id INTEGER PRIMARY KEY,
    -- 年度: the year in which the fiscal year begins (April 2026 – March 2027 is 2026).
    fiscal_year INTEGER NOT NULL,
    name TEXT NOT NULL,
    amount_yen BIGINT NOT NULL CHECK (amount_yen > 0),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX cost_items_year ON cost_items (fiscal_year, id);

-- One row per municipality a resident had chosen when they unsubscribed, and one
-- with no municipality for the region.
CREATE TABLE unsubscribes (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    municipality_code TEXT
);
CREATE INDEX unsubscribes_at ON unsubscribes (at);

CREATE INDEX audit_log_municipality ON audit_log (municipality_code, id);
