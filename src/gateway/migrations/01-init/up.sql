-- The reference regional gateway's own store.

CREATE TABLE clients (
    name TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    body_hash TEXT NOT NULL,
    sender TEXT NOT NULL,
    route_id TEXT NOT NULL,
    message_type TEXT NOT NULL,
    correlation_id TEXT,
    envelope TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ON_DELIVERY', 'DELIVERED', 'NOT_DELIVERED', 'DELIVERY_STOPPED')),
    received_at TEXT NOT NULL,
    delivered_at TEXT,
    response TEXT NOT NULL,
    error TEXT
);
CREATE INDEX messages_route ON messages(route_id, state, seq);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    total INTEGER NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    complete INTEGER NOT NULL DEFAULT 0,
    uploader TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE blob_refs (
    sha256 TEXT NOT NULL,
    seq INTEGER NOT NULL REFERENCES messages(seq),
    PRIMARY KEY (sha256, seq)
) WITHOUT ROWID;
