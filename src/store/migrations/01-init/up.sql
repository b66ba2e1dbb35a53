-- mio-desk schema, version 1.
-- Times are UTC RFC 3339 text ("2026-11-22T04:33:00Z"); dates are office-local "YYYY-MM-DD".

CREATE TABLE office (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 16),
    name_kk TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    -- This installation's workstation code (prefix of its journal numbers).
    workstation TEXT NOT NULL CHECK (length(workstation) BETWEEN 1 AND 8),
    -- Office time zone as minutes east of UTC (Kazakhstan: +300 since 2024).
    tz_offset_minutes INTEGER NOT NULL DEFAULT 300,
    created_at TEXT NOT NULL
);

CREATE TABLE workstations (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    iin TEXT NOT NULL UNIQUE CHECK (length(iin) = 12),
    full_name TEXT NOT NULL,
    password_phc TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'kk' CHECK (lang IN ('kk', 'ru')),
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('registrar', 'executor', 'head', 'akim_clerk', 'admin')),
    PRIMARY KEY (user_id, role)
) WITHOUT ROWID;

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    iin TEXT UNIQUE CHECK (iin IS NULL OR length(iin) = 12),
    surname TEXT NOT NULL,
    given_name TEXT NOT NULL,
    patronymic TEXT NOT NULL DEFAULT '',
    -- lowercase "surname given patronymic" for case-insensitive Cyrillic prefix search
    name_fold TEXT NOT NULL,
    birth_date TEXT,
    sex TEXT CHECK (sex IS NULL OR sex IN ('male', 'female')),
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    id_doc_kind TEXT,
    id_doc_number TEXT,
    id_doc_issued_by TEXT,
    id_doc_issued_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (iin IS NOT NULL OR id_doc_number IS NOT NULL)
);
CREATE INDEX persons_name ON persons(name_fold);

-- Journal numbers: one sequence per journal ('in' / 'out'), year and workstation, so
-- workstations working offline never hand out the same number.
CREATE TABLE journal_counters (
    journal TEXT NOT NULL CHECK (journal IN ('in', 'out')),
    year INTEGER NOT NULL,
    workstation TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (journal, year, workstation)
) WITHOUT ROWID;

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    service TEXT NOT NULL,
    service_version TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('office', 'con', 'portal', 'akim')),
    status TEXT NOT NULL CHECK (status IN ('registered', 'in_work', 'awaiting_signature', 'signed', 'issued', 'withdrawn')),
    is_open INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    applicant_name TEXT NOT NULL,
    applicant_fold TEXT NOT NULL,
    applicant_iin TEXT,
    accepted_at TEXT NOT NULL,
    due_date TEXT NOT NULL,
    due_at TEXT,
    extended INTEGER NOT NULL DEFAULT 0,
    executor_id INTEGER REFERENCES users(id),
    drafter_id INTEGER REFERENCES users(id),
    registered_by INTEGER REFERENCES users(id),
    intake TEXT NOT NULL DEFAULT '{}',
    missing_docs_reason TEXT,
    decision TEXT,
    resolution TEXT,
    return_comment TEXT,
    outgoing_number TEXT UNIQUE,
    signed_by INTEGER REFERENCES users(id),
    signed_at TEXT,
    issued_at TEXT,
    collector_iin TEXT,
    withdrawn_at TEXT,
    withdraw_reason TEXT,
    -- The gateway message that brought it (ЦОН / portal), and the sender to answer.
    external_id TEXT UNIQUE,
    origin TEXT,
    office_code TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- Bumped by every change, so two clerks editing the same case cannot overwrite each other.
    row_version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX app_status_due ON applications(status, due_date, id);
CREATE INDEX app_open_due ON applications(is_open, due_date, id);
CREATE INDEX app_service ON applications(status, service, due_date, id);
CREATE INDEX app_channel ON applications(status, channel, due_date, id);
CREATE INDEX app_executor ON applications(executor_id, status, due_date, id);
CREATE INDEX app_person ON applications(person_id);
CREATE INDEX app_iin ON applications(applicant_iin);
CREATE INDEX app_name ON applications(applicant_fold, id);

CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    journal TEXT NOT NULL CHECK (journal IN ('in', 'out')),
    number TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    workstation TEXT NOT NULL,
    seq INTEGER NOT NULL,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    registered_at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    summary TEXT NOT NULL DEFAULT ''
);
CREATE INDEX journal_by_year ON journal(journal, year, registered_at);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    checklist_item TEXT,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    file_name TEXT NOT NULL,
    added_at TEXT NOT NULL,
    added_by INTEGER REFERENCES users(id)
);
CREATE INDEX attachments_app ON attachments(application_id);

-- Output documents (receipts, results, letters): the canonical content is what is signed.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    application_id INTEGER REFERENCES applications(id),
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    content TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id)
);
CREATE INDEX documents_app ON documents(application_id, kind);

-- Append-only, hash-chained audit log.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_id INTEGER,
    user_iin TEXT,
    workstation TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL DEFAULT '',
    entity_id TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Messages the regional gateway must hear about, written in the same transaction as the change.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    application_id INTEGER REFERENCES applications(id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'stopped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    delivered_at TEXT
);
CREATE INDEX outbox_pending ON outbox(state, id);

-- The citizen's answers to the two-question quality questionnaire (appendix 3 of the seeds).
CREATE TABLE questionnaire (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id),
    q1 INTEGER NOT NULL CHECK (q1 BETWEEN 1 AND 3),
    q2 INTEGER NOT NULL CHECK (q2 BETWEEN 1 AND 3),
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users(id)
);
