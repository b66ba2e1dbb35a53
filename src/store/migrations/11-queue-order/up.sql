-- Queue order (issues 12 and 16).

-- The applicant's name as it sorts in the Kazakh alphabet (`domain::person::name_sort_key` of
-- the folded name; rows from before this migration are filled in by `apps::fill_sort_keys` when
-- the office opens).
ALTER TABLE applications ADD COLUMN applicant_sort TEXT;
CREATE INDEX app_sort_name ON applications(applicant_sort, id);

-- When the application entered its present state: what the issued and withdrawn tabs show most
-- recent first, and where an akimat step's norm runs from.
ALTER TABLE applications ADD COLUMN status_since TEXT;
UPDATE applications SET status_since = CASE status
    WHEN 'registered' THEN accepted_at
    WHEN 'signed' THEN coalesce(signed_at, updated_at)
    WHEN 'issued' THEN coalesce(issued_at, updated_at)
    WHEN 'withdrawn' THEN coalesce(withdrawn_at, updated_at)
    ELSE updated_at END;
CREATE INDEX app_status_since ON applications(status, status_since, id);

-- "New for me": who moved the application into its present state (NULL: the system, another
-- office), and when each user last opened it; a line is new for a user who has not opened it
-- since someone else moved it on.
ALTER TABLE applications ADD COLUMN status_by INTEGER REFERENCES users(id);
UPDATE applications SET status_by = registered_by WHERE status = 'registered';
CREATE TABLE seen (
    user_id INTEGER NOT NULL REFERENCES users(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    at TEXT NOT NULL,
    PRIMARY KEY (user_id, application_id)
);
