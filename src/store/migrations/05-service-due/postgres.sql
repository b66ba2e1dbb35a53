-- As 05-service-due/up.sql.
CREATE INDEX app_service_due ON applications(service, due_date, id);
