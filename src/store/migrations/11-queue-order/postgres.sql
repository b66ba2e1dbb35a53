-- Queue order (issues 12 and 16); see up.sql.
ALTER TABLE applications ADD COLUMN applicant_sort ctext;
CREATE INDEX app_sort_name ON applications(applicant_sort, id);

ALTER TABLE applications ADD COLUMN status_since ctext;
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
ALTER TABLE applications ADD COLUMN status_by bigint REFERENCES users(id);
UPDATE applications SET status_by = registered_by WHERE status = 'registered';
CREATE TABLE seen (
    user_id bigint NOT NULL REFERENCES users(id),
    application_id bigint NOT NULL REFERENCES applications(id),
    at ctext NOT NULL,
    PRIMARY KEY (user_id, application_id)
);
