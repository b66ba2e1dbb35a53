-- What `mio-desk bench` found slow on a district of 300 000 applications: the "all" tab
-- filtered by one service walked the due-date index across every service (p95 16 ms). With
-- this index a page of one service in due-date order is read straight off the index.
CREATE INDEX app_service_due ON applications(service, due_date, id);
