-- When each client last polled the gateway (issue 12: `gateway status` tells the operator of a
-- region with hundreds of akimats which of them have not been heard from).
CREATE TABLE client_contact (
    client TEXT PRIMARY KEY REFERENCES clients(name),
    last_contact_at TEXT NOT NULL
);
