-- On SQLite (one PC, or an akimat) scans and signed papers stay files named by their SHA-256
-- under the data directory (attachments/, documents/); the office server keeps them in tables
-- (postgres.sql). Nothing changes here; the number keeps both backends' migrations alike.

-- Which PC holds each workstation code (random per installation), so a second PC cannot claim
-- a code in use; on SQLite the one workstation is this PC.
ALTER TABLE workstations ADD COLUMN machine TEXT NOT NULL DEFAULT '';
