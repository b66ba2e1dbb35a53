-- The rural akimat's own workstation (issue 12). An installation is a department (as before) or
-- a rural akimat that sends the applications it accepts to its department, through the
-- regional gateway or by an exchange package on a USB stick.
ALTER TABLE office ADD COLUMN kind TEXT NOT NULL DEFAULT 'department'
    CHECK (kind IN ('department', 'akimat'));
-- At an akimat: the department it sends to (code and names, for the cover letter's addressee).
ALTER TABLE office ADD COLUMN department_code TEXT;
ALTER TABLE office ADD COLUMN department_name_kk TEXT;
ALTER TABLE office ADD COLUMN department_name_ru TEXT;

-- The akimat's roles: the akim (resolution, signs the cover letter) and the akim's responsible
-- executor (prepares the cover letter). SQLite cannot change a CHECK: the table is rebuilt.
CREATE TABLE user_roles_new (
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('registrar', 'executor', 'head', 'akim_clerk', 'admin',
                                       'akim', 'akim_executor')),
    PRIMARY KEY (user_id, role)
) WITHOUT ROWID;
INSERT INTO user_roles_new(user_id, role) SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_new RENAME TO user_roles;

-- The other side of each exchange: the department of an akimat, the akimats of a department.
-- Packages are numbered per direction; `public_key` is pinned on the first package.
CREATE TABLE exchange_peers (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('department', 'akimat')),
    name_kk TEXT NOT NULL DEFAULT '',
    name_ru TEXT NOT NULL DEFAULT '',
    public_key TEXT,
    -- The highest package number of theirs applied here.
    last_in_seq INTEGER NOT NULL DEFAULT 0,
    -- The highest package number written here for them.
    last_out_seq INTEGER NOT NULL DEFAULT 0,
    -- The highest package number of ours they reported applied.
    acked_out_seq INTEGER NOT NULL DEFAULT 0,
    last_heard_at TEXT
);

-- Which of our outbox messages went into which package (first inclusion).
CREATE TABLE exchange_sent (
    peer TEXT NOT NULL REFERENCES exchange_peers(code),
    message_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (peer, message_id)
) WITHOUT ROWID;

-- An application of the akim channel and its other side. At the department: the akimat that
-- accepted it, its number and moment, its cover letter. At the akimat: the package that
-- carried it, and the department's number, status and result as last heard.
CREATE TABLE akimat_links (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id),
    akimat_code TEXT NOT NULL,
    akimat_name_kk TEXT NOT NULL DEFAULT '',
    akimat_name_ru TEXT NOT NULL DEFAULT '',
    akimat_number TEXT NOT NULL,
    akimat_accepted_at TEXT NOT NULL,
    cover_number TEXT,
    cover_date TEXT,
    package_message_id TEXT UNIQUE,
    department_code TEXT NOT NULL,
    department_number TEXT,
    department_status TEXT,
    department_status_at TEXT,
    heard_at TEXT,
    result_number TEXT,
    result_sha256 TEXT,
    issued_at TEXT
);
