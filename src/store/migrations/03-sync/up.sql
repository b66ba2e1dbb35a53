-- Exchange with the regional gateway: what came in (applied exactly once) and the conflicts
-- the head must see.

CREATE TABLE inbox (
    message_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    sender TEXT NOT NULL,
    message_type TEXT NOT NULL,
    correlation_id TEXT,
    -- applied | waiting (arrived before what it refers to) | rejected
    state TEXT NOT NULL CHECK (state IN ('applied', 'waiting', 'rejected')),
    application_id INTEGER REFERENCES applications(id),
    error TEXT,
    envelope TEXT NOT NULL,
    received_at TEXT NOT NULL,
    applied_at TEXT
);
CREATE INDEX inbox_waiting ON inbox(state, correlation_id);

CREATE TABLE sync_conflicts (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    application_id INTEGER REFERENCES applications(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by INTEGER REFERENCES users(id)
);
