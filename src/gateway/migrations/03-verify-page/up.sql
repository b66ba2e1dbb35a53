-- The public verification page (issue 15): what the gateway learns of a signed result when
-- it travels through it — only what is printed on the paper (number, date, office, kind,
-- masked holder, signer) and the hashes of its content and of the signed PDF. The first
-- message about a number fixes its facts; a later one may only mark it revoked.

CREATE TABLE papers (
    number TEXT PRIMARY KEY,
    office TEXT NOT NULL,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    holder TEXT NOT NULL,
    signer TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'signed' CHECK (status IN ('signed', 'revoked')),
    learned_at TEXT NOT NULL
) WITHOUT ROWID;
