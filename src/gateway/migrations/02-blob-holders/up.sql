-- Who else may use a blob besides its first uploader: a client that uploads the same bytes
-- again proves it holds them (each chunk is compared with the stored file). Until then the
-- blob is not its to download or to refer to in a message.

CREATE TABLE blob_holders (
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    client TEXT NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sha256, client)
) WITHOUT ROWID;
