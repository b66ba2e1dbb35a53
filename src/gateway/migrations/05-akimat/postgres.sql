-- When each client last polled the gateway (`gateway status`).
CREATE TABLE client_contact (
    client text PRIMARY KEY REFERENCES clients(name),
    last_contact_at text NOT NULL
);
