-- The clerk's window, second round (issue 16).

-- Who took the paper at issue: the collector's name as shown in their identity document, and,
-- when the collector is not the applicant, the power of attorney they showed (JSON: number,
-- date, valid_until, issuer, principal_iin, the attachment id and SHA-256 of its scan).
ALTER TABLE applications ADD COLUMN collector_name TEXT;
ALTER TABLE applications ADD COLUMN proxy TEXT;
-- The applicant's data as they were when the application was registered (JSON of the person),
-- so a later change of the person does not rewrite an older application.
ALTER TABLE applications ADD COLUMN applicant_data TEXT;

-- Every deliberate change of a person's data (name, address, phone, identity document): who,
-- when, why, and the data before and after (JSON).
CREATE TABLE person_history (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    data_before TEXT NOT NULL,
    data_after TEXT NOT NULL
);
CREATE INDEX person_history_person ON person_history(person_id, id);
