-- The public verification page's facts of signed papers (see up.sql).

CREATE TABLE papers (
    number text PRIMARY KEY,
    office text NOT NULL,
    date text NOT NULL,
    kind text NOT NULL,
    holder text NOT NULL,
    signer text NOT NULL,
    content_sha256 text NOT NULL,
    pdf_sha256 text NOT NULL,
    status text NOT NULL DEFAULT 'signed' CHECK (status IN ('signed', 'revoked')),
    learned_at text NOT NULL
);
