-- PAdES signatures (issue 15): the roots an office trusts besides its own CA (e.g. НУЦ РК's)
-- with each one's newest revocation list, the keys whose password was typed wrong too often,
-- whether a certificate was imported with a key made elsewhere, and the format of each
-- document signature ('legacy' = the record in the Info dictionary; 'pades' = a PDF
-- signature field with a CMS over the byte range).

ALTER TABLE certificates ADD COLUMN imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
ALTER TABLE signatures ADD COLUMN format TEXT NOT NULL DEFAULT 'legacy'
    CHECK (format IN ('legacy', 'pades'));
CREATE INDEX signatures_pdf ON signatures(pdf_sha256);

CREATE TABLE trusted_roots (
    -- SHA-256 of the certificate (DER), hex
    sha256 TEXT PRIMARY KEY,
    der BLOB NOT NULL,
    common_name TEXT NOT NULL,
    not_after TEXT NOT NULL,
    added_at TEXT NOT NULL
);

CREATE TABLE trusted_crls (
    root_sha256 TEXT PRIMARY KEY REFERENCES trusted_roots(sha256),
    der BLOB NOT NULL,
    this_update TEXT NOT NULL,
    next_update TEXT NOT NULL,
    added_at TEXT NOT NULL
);

CREATE TABLE key_lockouts (
    -- SHA-256 of the key file, hex
    key_sha256 TEXT PRIMARY KEY,
    failed INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    updated_at TEXT NOT NULL
);
