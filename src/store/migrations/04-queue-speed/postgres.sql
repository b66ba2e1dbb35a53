-- As 04-queue-speed/up.sql: the "all" tab's index, and the tab counts kept by triggers.

CREATE INDEX app_due ON applications(due_date, id);

CREATE TABLE app_counts (
    status ctext PRIMARY KEY,
    n bigint NOT NULL
);

INSERT INTO app_counts (status, n)
SELECT status, count(*) FROM applications GROUP BY status;

CREATE FUNCTION app_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE app_counts SET n = n - 1 WHERE status = OLD.status;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO app_counts (status, n) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET n = app_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER app_counts_insert AFTER INSERT ON applications
    FOR EACH ROW EXECUTE FUNCTION app_counts_keep();
CREATE TRIGGER app_counts_delete AFTER DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION app_counts_keep();
CREATE TRIGGER app_counts_update AFTER UPDATE OF status ON applications
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION app_counts_keep();
