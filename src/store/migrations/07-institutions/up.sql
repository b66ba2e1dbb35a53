-- The medico-social institutions for special social services, kept by the admin: a decision
-- of the service «special_social_services_institution» names one of them (issue 14: a
-- construction company had been typed in). Names in both languages; an institution that
-- closes is disabled, never deleted (old papers name it).
CREATE TABLE institutions (
    id INTEGER PRIMARY KEY,
    name_kk TEXT NOT NULL CHECK (length(trim(name_kk)) > 0),
    name_ru TEXT NOT NULL CHECK (length(trim(name_ru)) > 0),
    address TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (name_ru)
);
