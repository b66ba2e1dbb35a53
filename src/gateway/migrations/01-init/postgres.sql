-- The reference regional gateway's own store, on PostgreSQL (a region's gateway: its own
-- database, never an office's). The same tables as `up.sql`; blobs are kept in the database
-- (`blob_parts`) rather than in files beside it.

CREATE TABLE clients (
    name text PRIMARY KEY,
    token_sha256 text NOT NULL UNIQUE,
    created_at text NOT NULL
);

-- `seq` comes from a sequence; messages to one recipient are stored under a lock of that
-- recipient held to commit, so they become visible in `seq` order (see gateway/store.rs).
CREATE TABLE messages (
    seq bigserial PRIMARY KEY,
    message_id text NOT NULL UNIQUE,
    body_hash text NOT NULL,
    sender text NOT NULL,
    route_id text NOT NULL,
    message_type text NOT NULL,
    correlation_id text,
    envelope text NOT NULL,
    state text NOT NULL CHECK (state IN ('ON_DELIVERY', 'DELIVERED', 'NOT_DELIVERED', 'DELIVERY_STOPPED')),
    received_at text NOT NULL,
    delivered_at text,
    response text NOT NULL,
    error text
);
CREATE INDEX messages_route ON messages(route_id, state, seq);
CREATE INDEX messages_sender ON messages(sender, seq);

CREATE TABLE blobs (
    sha256 text PRIMARY KEY CHECK (length(sha256) = 64),
    total bigint NOT NULL,
    received bigint NOT NULL DEFAULT 0,
    complete bigint NOT NULL DEFAULT 0,
    uploader text NOT NULL,
    created_at text NOT NULL
);

-- The bytes of a blob as they were uploaded: one row per chunk received, at its offset. A
-- complete blob's parts are checked against its SHA-256 before it is marked complete, and
-- again on every read.
CREATE TABLE blob_parts (
    sha256 text NOT NULL REFERENCES blobs(sha256),
    off bigint NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (sha256, off)
);

CREATE TABLE blob_refs (
    sha256 text NOT NULL,
    seq bigint NOT NULL REFERENCES messages(seq),
    PRIMARY KEY (sha256, seq)
);
