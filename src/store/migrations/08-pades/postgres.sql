-- PAdES signatures (as 08-pades/up.sql).

ALTER TABLE certificates ADD COLUMN imported bigint NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
ALTER TABLE signatures ADD COLUMN format ctext NOT NULL DEFAULT 'legacy'
    CHECK (format IN ('legacy', 'pades'));
CREATE INDEX signatures_pdf ON signatures(pdf_sha256);

CREATE TABLE trusted_roots (
    sha256 ctext PRIMARY KEY,
    der bytea NOT NULL,
    common_name ctext NOT NULL,
    not_after ctext NOT NULL,
    added_at ctext NOT NULL
);

CREATE TABLE trusted_crls (
    root_sha256 ctext PRIMARY KEY REFERENCES trusted_roots(sha256),
    der bytea NOT NULL,
    this_update ctext NOT NULL,
    next_update ctext NOT NULL,
    added_at ctext NOT NULL
);

CREATE TABLE key_lockouts (
    key_sha256 ctext PRIMARY KEY,
    failed bigint NOT NULL DEFAULT 0,
    locked_until ctext,
    updated_at ctext NOT NULL
);
