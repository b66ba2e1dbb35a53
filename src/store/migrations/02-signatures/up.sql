-- Electronic signatures: users' certificates from the office CA, revocation lists, and the
-- signature of each signed document.

CREATE TABLE certificates (
    serial TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users(id),
    iin TEXT NOT NULL,
    common_name TEXT NOT NULL,
    der BLOB NOT NULL,
    not_before TEXT NOT NULL,
    not_after TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_at TEXT,
    revocation_reason TEXT
);
CREATE INDEX certificates_iin ON certificates(iin);

CREATE TABLE crls (
    number INTEGER PRIMARY KEY,
    der BLOB NOT NULL,
    this_update TEXT NOT NULL,
    next_update TEXT NOT NULL,
    -- 'office' = published here; 'gateway' = received from the regional gateway
    source TEXT NOT NULL DEFAULT 'office'
);

CREATE TABLE signatures (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    cert_serial TEXT NOT NULL,
    signer_id INTEGER REFERENCES users(id),
    signed_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    signature BLOB NOT NULL,
    -- SHA-256 of the PDF rendered without the signature (what was signed)
    base_pdf_sha256 TEXT NOT NULL,
    -- SHA-256 of the signed paper, stored under documents/
    pdf_sha256 TEXT NOT NULL
);
