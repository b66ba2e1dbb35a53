-- Issue 13: the gateway keeps a witness of each office's audit chain head (its entry count and
-- the newest entry's hash) and of its journal counters, as the office reports them at every
-- exchange. A row is added only when something changed; the history lets `audit verify
-- --witness` find the first witnessed point where the office's log differs, and a restored
-- office learns the highest number it ever issued.

CREATE TABLE witness (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    client TEXT NOT NULL,
    audit_count INTEGER NOT NULL,
    audit_hash TEXT NOT NULL,
    journals TEXT NOT NULL,
    -- 1: the office was restored from a backup; the history starts again here.
    restored INTEGER NOT NULL DEFAULT 0,
    at TEXT NOT NULL
);
CREATE INDEX witness_client ON witness(client, seq);
