-- Scans and signed papers in the office server's database, so every PC of the office opens
-- them: one row per blob (named by its SHA-256, per kind) and its bytes in chunks of 256 KiB.
CREATE TABLE blobs (
    sha256 ctext NOT NULL CHECK (length(sha256) = 64),
    kind ctext NOT NULL CHECK (kind IN ('attachment', 'document')),
    size bigint NOT NULL,
    chunks bigint NOT NULL,
    created_at ctext NOT NULL,
    PRIMARY KEY (sha256, kind)
);

CREATE TABLE blob_chunks (
    sha256 ctext NOT NULL,
    kind ctext NOT NULL,
    n bigint NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (sha256, kind, n),
    FOREIGN KEY (sha256, kind) REFERENCES blobs(sha256, kind)
);

-- Which PC holds each workstation code (random per installation), so a second PC cannot claim
-- a code in use (`mio-desk join`).
ALTER TABLE workstations ADD COLUMN machine ctext NOT NULL DEFAULT '';
