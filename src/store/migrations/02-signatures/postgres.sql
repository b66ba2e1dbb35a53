-- Electronic signatures (as 02-signatures/up.sql).

CREATE TABLE certificates (
    serial ctext PRIMARY KEY,
    user_id bigint REFERENCES users(id),
    iin ctext NOT NULL,
    common_name ctext NOT NULL,
    der bytea NOT NULL,
    not_before ctext NOT NULL,
    not_after ctext NOT NULL,
    issued_at ctext NOT NULL,
    revoked_at ctext,
    revocation_reason ctext
);
CREATE INDEX certificates_iin ON certificates(iin);

CREATE TABLE crls (
    number bigint PRIMARY KEY,
    der bytea NOT NULL,
    this_update ctext NOT NULL,
    next_update ctext NOT NULL,
    source ctext NOT NULL DEFAULT 'office'
);

CREATE TABLE signatures (
    document_id bigint PRIMARY KEY REFERENCES documents(id),
    cert_serial ctext NOT NULL,
    signer_id bigint REFERENCES users(id),
    signed_at ctext NOT NULL,
    payload ctext NOT NULL,
    signature bytea NOT NULL,
    base_pdf_sha256 ctext NOT NULL,
    pdf_sha256 ctext NOT NULL
);
