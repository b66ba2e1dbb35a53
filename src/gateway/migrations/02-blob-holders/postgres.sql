-- Who else may use a blob besides its first uploader (see up.sql).

CREATE TABLE blob_holders (
    sha256 text NOT NULL REFERENCES blobs(sha256),
    client text NOT NULL,
    received bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (sha256, client)
);
