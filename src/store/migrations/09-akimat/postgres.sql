-- The rural akimat's own workstation (issue 12); see up.sql.
ALTER TABLE office ADD COLUMN kind ctext NOT NULL DEFAULT 'department'
    CHECK (kind IN ('department', 'akimat'));
ALTER TABLE office ADD COLUMN department_code ctext;
ALTER TABLE office ADD COLUMN department_name_kk ctext;
ALTER TABLE office ADD COLUMN department_name_ru ctext;

ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check
    CHECK (role IN ('registrar', 'executor', 'head', 'akim_clerk', 'admin', 'akim', 'akim_executor'));

CREATE TABLE exchange_peers (
    code ctext PRIMARY KEY,
    kind ctext NOT NULL CHECK (kind IN ('department', 'akimat')),
    name_kk ctext NOT NULL DEFAULT '',
    name_ru ctext NOT NULL DEFAULT '',
    public_key ctext,
    last_in_seq bigint NOT NULL DEFAULT 0,
    last_out_seq bigint NOT NULL DEFAULT 0,
    acked_out_seq bigint NOT NULL DEFAULT 0,
    last_heard_at ctext
);

CREATE TABLE exchange_sent (
    peer ctext NOT NULL REFERENCES exchange_peers(code),
    message_id ctext NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (peer, message_id)
);

CREATE TABLE akimat_links (
    application_id bigint PRIMARY KEY REFERENCES applications(id),
    akimat_code ctext NOT NULL,
    akimat_name_kk ctext NOT NULL DEFAULT '',
    akimat_name_ru ctext NOT NULL DEFAULT '',
    akimat_number ctext NOT NULL,
    akimat_accepted_at ctext NOT NULL,
    cover_number ctext,
    cover_date ctext,
    package_message_id ctext UNIQUE,
    department_code ctext NOT NULL,
    department_number ctext,
    department_status ctext,
    department_status_at ctext,
    heard_at ctext,
    result_number ctext,
    result_sha256 ctext,
    issued_at ctext
);
