-- The witness of each office's audit chain head and journal counters (see up.sql).

CREATE TABLE witness (
    seq bigserial PRIMARY KEY,
    client text NOT NULL,
    audit_count bigint NOT NULL,
    audit_hash text NOT NULL,
    journals text NOT NULL,
    -- 1: the office was restored from a backup; the history starts again here.
    restored bigint NOT NULL DEFAULT 0,
    at text NOT NULL
);
CREATE INDEX witness_client ON witness(client, seq);
