//! The reference gateway's durable store (its own SQLite file, separate from any office):
//! clients and their token hashes, messages with their delivery state and the stored answer
//! (so a replayed `messageId` gets the same answer), and blobs uploaded in resumable chunks.

use std::fs::{self, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::Migrations;

use super::files::sha256_hex;
use super::{Result, StoreError};

static MIGRATIONS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/store/gateway_migrations");

/// A stored message as the gateway keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub seq: i64,
    pub message_id: String,
    pub sender: String,
    pub route_id: String,
    pub state: String,
    pub envelope: String,
    pub response: String,
    pub error: Option<String>,
}

/// One client as `gateway status` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClientStatus {
    pub client: String,
    /// Messages routed to it and not yet acknowledged.
    pub queue_depth: i64,
    /// When the oldest of them reached the gateway.
    pub oldest_undelivered: Option<String>,
    /// When it last polled.
    pub last_contact: Option<String>,
}

/// What happened to a sent message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accept {
    /// Stored now; here is the answer.
    New(String),
    /// The same message again: the stored answer.
    Replay(String),
    /// The same id with another body.
    Conflict,
}

/// A checked message to store.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub message_id: &'a str,
    pub body_hash: &'a str,
    pub sender: &'a str,
    pub route_id: &'a str,
    pub message_type: &'a str,
    pub correlation_id: Option<&'a str>,
    pub envelope: &'a str,
    pub blob_refs: &'a [String],
}

/// Why a blob chunk is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobError {
    /// The name is not a SHA-256 in lower-case hex.
    NotSha,
    /// The offset or the total size does not match the upload so far.
    Offset,
    /// The bytes do not match their SHA-256 (the upload starts over).
    Hash,
    /// Another client is uploading the same blob right now.
    Busy,
}

/// Counts by state (tests and monitoring).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub on_delivery: i64,
    pub delivered: i64,
    pub not_delivered: i64,
    pub total: i64,
}

pub struct GatewayStore {
    conn: Connection,
    blobs: PathBuf,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn valid_sha(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl GatewayStore {
    pub fn open(path: &Path) -> Result<GatewayStore> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Migrations::from_directory(&MIGRATIONS)
            .expect("gateway migrations embedded")
            .to_latest(&mut conn)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        let blobs = PathBuf::from(format!("{}.blobs", path.display()));
        fs::create_dir_all(&blobs)?;
        Ok(GatewayStore { conn, blobs })
    }

    /// Registers a client with the SHA-256 of its token (replacing an older token).
    pub fn set_client(&mut self, name: &str, token_sha256: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO clients(name, token_sha256, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET token_sha256 = excluded.token_sha256",
            params![name, token_sha256, now()],
        )?;
        Ok(())
    }

    pub fn client_by_token_hash(&self, token_sha256: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT name FROM clients WHERE token_sha256 = ?1",
                [token_sha256],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records that `client` polled now (its last contact, for `gateway status`).
    pub fn touch(&self, client: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO client_contact(client, last_contact_at) VALUES (?1, ?2)
             ON CONFLICT(client) DO UPDATE SET last_contact_at = excluded.last_contact_at",
            params![client, now()],
        )?;
        Ok(())
    }

    /// Per client: how many messages wait for it, since when the oldest, and its last contact.
    pub fn status(&self) -> Result<Vec<ClientStatus>> {
        let mut st = self.conn.prepare(
            "SELECT c.name,
                    (SELECT count(*) FROM messages m WHERE m.route_id = c.name AND m.state = 'ON_DELIVERY'),
                    (SELECT min(received_at) FROM messages m
                      WHERE m.route_id = c.name AND m.state = 'ON_DELIVERY'),
                    (SELECT last_contact_at FROM client_contact k WHERE k.client = c.name)
             FROM clients c ORDER BY c.name",
        )?;
        let rows = st.query_map([], |r| {
            Ok(ClientStatus {
                client: r.get(0)?,
                queue_depth: r.get(1)?,
                oldest_undelivered: r.get(2)?,
                last_contact: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    pub fn client_exists(&self, name: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM clients WHERE name = ?1", [name], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Stores messages idempotently on their ids, all in one transaction (one disk sync for
    /// a whole batch), in the order given. `answer(message_id, seq)` builds the answer to
    /// store for a new message.
    pub fn accept_many(
        &mut self,
        items: &[Incoming<'_>],
        answer: impl Fn(&str, i64) -> String,
    ) -> Result<Vec<Accept>> {
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(items.len());
        for m in items {
            let existing: Option<(String, String)> = tx
                .query_row(
                    "SELECT body_hash, response FROM messages WHERE message_id = ?1",
                    [m.message_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((hash, response)) = existing {
                out.push(if hash == m.body_hash {
                    Accept::Replay(response)
                } else {
                    Accept::Conflict
                });
                continue;
            }
            tx.execute(
                "INSERT INTO messages(message_id, body_hash, sender, route_id, message_type, correlation_id, envelope, state, received_at, response)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'ON_DELIVERY', ?8, '')",
                params![
                    m.message_id,
                    m.body_hash,
                    m.sender,
                    m.route_id,
                    m.message_type,
                    m.correlation_id,
                    m.envelope,
                    now()
                ],
            )?;
            let seq = tx.last_insert_rowid();
            let response = answer(m.message_id, seq);
            tx.execute(
                "UPDATE messages SET response = ?2 WHERE seq = ?1",
                params![seq, response],
            )?;
            for sha in m.blob_refs {
                tx.execute(
                    "INSERT OR IGNORE INTO blob_refs(sha256, seq) VALUES (?1, ?2)",
                    params![sha, seq],
                )?;
            }
            out.push(Accept::New(response));
        }
        tx.commit()?;
        Ok(out)
    }

    fn message(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredMessage> {
        Ok(StoredMessage {
            seq: r.get(0)?,
            message_id: r.get(1)?,
            sender: r.get(2)?,
            route_id: r.get(3)?,
            state: r.get(4)?,
            envelope: r.get(5)?,
            response: r.get(6)?,
            error: r.get(7)?,
        })
    }

    /// Keeps what an office reports of its audit chain's head and journal counters (a new
    /// row only when something changed).
    pub fn put_witness(
        &mut self,
        client: &str,
        audit_count: i64,
        audit_hash: &str,
        journals: &str,
        restored: bool,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let last: Option<(i64, String, String)> = tx
            .query_row(
                "SELECT audit_count, audit_hash, journals FROM witness WHERE client = ?1 ORDER BY seq DESC LIMIT 1",
                [client],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if restored
            || last.as_ref().map(|(c, h, j)| (*c, h.as_str(), j.as_str()))
                != Some((audit_count, audit_hash, journals))
        {
            tx.execute(
                "INSERT INTO witness(client, audit_count, audit_hash, journals, restored, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![client, audit_count, audit_hash, journals, restored, now()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// What was witnessed for a client since its last restore, oldest first (at most the
    /// newest `limit` rows): (audit count, audit hash, journals JSON, when).
    pub fn witness(
        &self,
        client: &str,
        limit: usize,
    ) -> Result<Vec<(i64, String, String, String)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT audit_count, audit_hash, journals, at FROM
               (SELECT seq, audit_count, audit_hash, journals, at FROM witness WHERE client = ?1
                  AND seq >= coalesce((SELECT max(seq) FROM witness WHERE client = ?1 AND restored = 1), 0)
                ORDER BY seq DESC LIMIT ?2)
             ORDER BY seq",
        )?;
        let rows = st.query_map(params![client, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Who sent a stored message, to whom, and its type (the routing table's party checks).
    pub fn route_of(&self, message_id: &str) -> Result<Option<(String, String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT sender, route_id, message_type FROM messages WHERE message_id = ?1",
                [message_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// Undelivered messages for a recipient after a sequence number, oldest first.
    pub fn pull(&self, recipient: &str, after: i64, limit: usize) -> Result<Vec<StoredMessage>> {
        let mut st = self.conn.prepare_cached(
            "SELECT seq, message_id, sender, route_id, state, envelope, response, error FROM messages
             WHERE route_id = ?1 AND state = 'ON_DELIVERY' AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = st.query_map(params![recipient, after, limit as i64], Self::message)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every message for a recipient (its inbox view), oldest first.
    pub fn all_for(&self, recipient: &str, after: i64, limit: usize) -> Result<Vec<StoredMessage>> {
        let mut st = self.conn.prepare_cached(
            "SELECT seq, message_id, sender, route_id, state, envelope, response, error FROM messages
             WHERE route_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = st.query_map(params![recipient, after, limit as i64], Self::message)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every message a client sent, oldest first.
    pub fn sent_by(&self, sender: &str) -> Result<Vec<StoredMessage>> {
        let mut st = self.conn.prepare_cached(
            "SELECT seq, message_id, sender, route_id, state, envelope, response, error FROM messages
             WHERE sender = ?1 ORDER BY seq",
        )?;
        let rows = st.query_map([sender], Self::message)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn by_id(&self, message_id: &str) -> Result<Option<StoredMessage>> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq, message_id, sender, route_id, state, envelope, response, error FROM messages WHERE message_id = ?1",
                [message_id],
                Self::message,
            )
            .optional()?)
    }

    /// The recipient acknowledges (or refuses) a message. Acking twice is harmless.
    pub fn ack(
        &mut self,
        recipient: &str,
        message_id: &str,
        accepted: bool,
        error: Option<&str>,
    ) -> Result<Option<String>> {
        let state = if accepted {
            "DELIVERED"
        } else {
            "NOT_DELIVERED"
        };
        let n = self.conn.execute(
            "UPDATE messages SET state = ?3, delivered_at = ?4, error = ?5
             WHERE message_id = ?1 AND route_id = ?2 AND state = 'ON_DELIVERY'",
            params![message_id, recipient, state, now(), error],
        )?;
        if n == 1 {
            return Ok(Some(state.into()));
        }
        // Already acknowledged: report the state it has.
        Ok(self
            .conn
            .query_row(
                "SELECT state FROM messages WHERE message_id = ?1 AND route_id = ?2",
                params![message_id, recipient],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn counts(&self) -> Result<Counts> {
        let mut c = Counts::default();
        let mut st = self
            .conn
            .prepare("SELECT state, count(*) FROM messages GROUP BY state")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let s: String = r.get(0)?;
            let n: i64 = r.get(1)?;
            match s.as_str() {
                "ON_DELIVERY" => c.on_delivery = n,
                "DELIVERED" => c.delivered = n,
                "NOT_DELIVERED" => c.not_delivered = n,
                _ => {}
            }
            c.total += n;
        }
        Ok(c)
    }

    // -----------------------------------------------------------------------------------
    // Blobs

    fn blob_path(&self, sha: &str, partial: bool) -> PathBuf {
        self.blobs.join(if partial {
            format!("{sha}.part")
        } else {
            sha.to_string()
        })
    }

    fn blob_row(&self, sha: &str) -> Result<Option<(u64, u64, bool, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT received, total, complete, uploader FROM blobs WHERE sha256 = ?1",
                [sha],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)? as u64,
                        r.get::<_, i64>(1)? as u64,
                        r.get::<_, i64>(2)? != 0,
                        r.get(3)?,
                    ))
                },
            )
            .optional()?)
    }

    /// How far `client` has got with a blob of another uploader (proving it holds the bytes).
    fn holder_received(&self, sha: &str, client: &str) -> Result<u64> {
        Ok(self
            .conn
            .query_row(
                "SELECT received FROM blob_holders WHERE sha256 = ?1 AND client = ?2",
                params![sha, client],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .unwrap_or(0) as u64)
    }

    /// Whether `client` may read a complete blob: it uploaded it, proved it holds the same
    /// bytes, or sends or receives a message that refers to it.
    pub fn may_read(&self, sha: &str, client: &str) -> Result<bool> {
        if !valid_sha(sha) {
            return Ok(false);
        }
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM blobs b WHERE b.sha256 = ?1 AND b.complete = 1 AND (b.uploader = ?2
                    OR EXISTS (SELECT 1 FROM blob_holders h
                               WHERE h.sha256 = ?1 AND h.client = ?2 AND h.received = b.total)
                    OR EXISTS (SELECT 1 FROM blob_refs r JOIN messages m ON m.seq = r.seq
                               WHERE r.sha256 = ?1 AND (m.route_id = ?2 OR m.sender = ?2)))",
                params![sha, client],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// (received, total, complete) of a blob as `client` sees it: the whole blob when it may
    /// read it, its own progress otherwise (another client's upload is not its business).
    pub fn blob_status(&self, sha: &str, client: &str) -> Result<Option<(u64, u64, bool)>> {
        let Some((received, total, complete, uploader)) = self.blob_row(sha)? else {
            return Ok(None);
        };
        if self.may_read(sha, client)? || (uploader == client && !complete) {
            return Ok(Some((received, total, complete)));
        }
        if complete {
            let h = self.holder_received(sha, client)?;
            if h > 0 {
                return Ok(Some((h, total, false)));
            }
        }
        Ok(None)
    }

    /// Appends a chunk at `offset` (must be where the upload stands, or a repeat of bytes
    /// already received). Returns (received, complete) as `uploader` sees it. A client
    /// uploading a blob that another client already stored proves, chunk by chunk, that it
    /// holds the same bytes.
    pub fn blob_append(
        &mut self,
        sha: &str,
        offset: u64,
        total: u64,
        bytes: &[u8],
        uploader: &str,
    ) -> Result<std::result::Result<(u64, bool), BlobError>> {
        if !valid_sha(sha) {
            return Ok(Err(BlobError::NotSha));
        }
        let (received, known_total) = match self.blob_row(sha)? {
            Some((_, t, true, _)) if self.may_read(sha, uploader)? => {
                return Ok(Ok((t, true)));
            }
            Some((_, t, true, _)) => {
                return self.prove_holding(sha, offset, total, t, bytes, uploader);
            }
            Some((_, _, false, owner)) if owner != uploader => {
                return Ok(Err(BlobError::Busy));
            }
            Some((r, t, _, _)) => (r, t),
            None => {
                self.conn.execute(
                    "INSERT INTO blobs(sha256, total, uploader, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![sha, total as i64, uploader, now()],
                )?;
                (0, total)
            }
        };
        if known_total != total || offset > received || offset + bytes.len() as u64 > total {
            return Ok(Err(BlobError::Offset));
        }
        // Bytes before `received` were already written: skip them.
        let skip = (received - offset) as usize;
        let fresh = &bytes[skip.min(bytes.len())..];
        let part = self.blob_path(sha, true);
        let mut f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&part)?;
        // Whatever lies past `received` is left over from an interrupted write.
        f.set_len(received)?;
        f.seek(SeekFrom::Start(received))?;
        f.write_all(fresh)?;
        f.sync_all()?;
        let now_received = received + fresh.len() as u64;
        let mut done = false;
        if now_received == total {
            let data = fs::read(&part)?;
            if sha256_hex(&data) != sha {
                // Start over: the bytes do not hash to the name.
                fs::remove_file(&part)?;
                self.conn
                    .execute("UPDATE blobs SET received = 0 WHERE sha256 = ?1", [sha])?;
                return Ok(Err(BlobError::Hash));
            }
            fs::rename(&part, self.blob_path(sha, false))?;
            done = true;
        }
        self.conn.execute(
            "UPDATE blobs SET received = ?2, complete = ?3 WHERE sha256 = ?1",
            params![sha, now_received as i64, done as i64],
        )?;
        Ok(Ok((now_received, done)))
    }

    /// A chunk of a blob another client stored: compared with the stored bytes.
    fn prove_holding(
        &mut self,
        sha: &str,
        offset: u64,
        total: u64,
        known_total: u64,
        bytes: &[u8],
        client: &str,
    ) -> Result<std::result::Result<(u64, bool), BlobError>> {
        let held = self.holder_received(sha, client)?;
        if known_total != total || offset > held || offset + bytes.len() as u64 > total {
            return Ok(Err(BlobError::Offset));
        }
        let mut f = fs::File::open(self.blob_path(sha, false))?;
        f.seek(SeekFrom::Start(offset))?;
        let mut stored = vec![0u8; bytes.len()];
        std::io::Read::read_exact(&mut f, &mut stored)?;
        if stored != bytes {
            self.conn.execute(
                "DELETE FROM blob_holders WHERE sha256 = ?1 AND client = ?2",
                params![sha, client],
            )?;
            return Ok(Err(BlobError::Hash));
        }
        let now_held = held.max(offset + bytes.len() as u64);
        self.conn.execute(
            "INSERT INTO blob_holders(sha256, client, received) VALUES (?1, ?2, ?3)
             ON CONFLICT(sha256, client) DO UPDATE SET received = excluded.received",
            params![sha, client, now_held as i64],
        )?;
        Ok(Ok((now_held, now_held == total)))
    }

    /// A complete blob's bytes, if `client` may read it.
    pub fn blob_get(&self, sha: &str, client: &str) -> Result<Option<Vec<u8>>> {
        if !self.may_read(sha, client)? {
            return Ok(None);
        }
        let data = fs::read(self.blob_path(sha, false))?;
        if sha256_hex(&data) != sha {
            return Err(StoreError::Corrupt(format!("blob {sha} changed on disk")));
        }
        Ok(Some(data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn the_migrations_are_valid() {
        assert!(
            Migrations::from_directory(&MIGRATIONS)
                .unwrap()
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn a_gateway_of_the_first_schema_upgrades_and_keeps_its_blobs() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gw.sqlite");
        let data = bytes(1000);
        let sha = sha256_hex(&data);
        {
            let mut conn = Connection::open(&db).unwrap();
            Migrations::from_directory(&MIGRATIONS)
                .unwrap()
                .to_version(&mut conn, 1)
                .unwrap();
            conn.execute(
                "INSERT INTO blobs(sha256, total, received, complete, uploader, created_at)
                 VALUES (?1, 1000, 1000, 1, 'con-0412', '2026-11-16T05:00:00Z')",
                [&sha],
            )
            .unwrap();
            fs::create_dir_all(format!("{}.blobs", db.display())).unwrap();
            fs::write(format!("{}.blobs/{sha}", db.display()), &data).unwrap();
        }
        let s = GatewayStore::open(&db).unwrap();
        assert!(s.may_read(&sha, "con-0412").unwrap());
        assert!(!s.may_read(&sha, "0413").unwrap());
        assert_eq!(s.blob_get(&sha, "con-0412").unwrap(), Some(data));
    }

    #[test]
    fn holding_a_blob_is_proved_chunk_by_chunk() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = GatewayStore::open(&dir.path().join("gw.sqlite")).unwrap();
        let data = bytes(1000);
        let sha = sha256_hex(&data);
        assert_eq!(
            s.blob_append(&sha, 0, 1000, &data[..400], "a").unwrap(),
            Ok((400, false))
        );
        // Someone else while it is being uploaded.
        assert_eq!(
            s.blob_append(&sha, 0, 1000, &data[..400], "b").unwrap(),
            Err(BlobError::Busy)
        );
        assert_eq!(s.blob_status(&sha, "b").unwrap(), None);
        assert_eq!(
            s.blob_append(&sha, 400, 1000, &data[400..], "a").unwrap(),
            Ok((1000, true))
        );
        // b proves it holds the same bytes; a wrong chunk starts it over.
        assert_eq!(s.blob_status(&sha, "b").unwrap(), None);
        assert_eq!(
            s.blob_append(&sha, 0, 1000, &data[..300], "b").unwrap(),
            Ok((300, false))
        );
        assert_eq!(s.blob_status(&sha, "b").unwrap(), Some((300, 1000, false)));
        assert!(!s.may_read(&sha, "b").unwrap());
        let mut wrong = data[300..600].to_vec();
        wrong[0] ^= 1;
        assert_eq!(
            s.blob_append(&sha, 300, 1000, &wrong, "b").unwrap(),
            Err(BlobError::Hash)
        );
        assert_eq!(s.blob_status(&sha, "b").unwrap(), None);
        assert_eq!(
            s.blob_append(&sha, 500, 1000, &data[500..], "b").unwrap(),
            Err(BlobError::Offset)
        );
        assert_eq!(
            s.blob_append(&sha, 0, 1000, &data, "b").unwrap(),
            Ok((1000, true))
        );
        assert!(s.may_read(&sha, "b").unwrap());
        assert_eq!(s.blob_get(&sha, "b").unwrap(), Some(data));
        assert_eq!(s.blob_get(&sha, "c").unwrap(), None);
    }

    #[test]
    fn what_an_interrupted_write_left_behind_is_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gw.sqlite");
        let mut s = GatewayStore::open(&db).unwrap();
        let data = bytes(1000);
        let sha = sha256_hex(&data);
        s.blob_append(&sha, 0, 1000, &data[..600], "a")
            .unwrap()
            .unwrap();
        // The process died after writing more bytes than it recorded.
        let part = format!("{}.blobs/{sha}.part", db.display());
        let mut f = OpenOptions::new().append(true).open(&part).unwrap();
        f.write_all(&[0xee; 700]).unwrap();
        drop(f);
        assert_eq!(
            s.blob_append(&sha, 600, 1000, &data[600..], "a").unwrap(),
            Ok((1000, true))
        );
        assert_eq!(s.blob_get(&sha, "a").unwrap(), Some(data));
    }
}

/// What the verification page shows of a signed paper: only what is printed on it, and the
/// hashes of its content and of the signed PDF.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaperFacts {
    pub number: String,
    pub office: String,
    pub date: String,
    pub kind: String,
    /// The holder's masked ИИН, as on the QR.
    pub holder: String,
    pub signer: String,
    pub content_sha256: String,
    pub pdf_sha256: String,
    #[serde(default = "signed")]
    pub status: String,
}

fn signed() -> String {
    "signed".into()
}

impl GatewayStore {
    /// Learns a paper's public facts from the office that signed it (its sender name is the
    /// office code). The first facts of a number stay; true when they were new.
    pub fn learn_paper(&self, sender: &str, f: &PaperFacts) -> Result<bool> {
        if f.office != sender || !valid_sha(&f.content_sha256) || !valid_sha(&f.pdf_sha256) {
            return Ok(false);
        }
        Ok(self.conn.execute(
            "INSERT INTO papers(number, office, date, kind, holder, signer, content_sha256, pdf_sha256, learned_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(number) DO NOTHING",
            params![
                f.number,
                f.office,
                f.date,
                f.kind,
                f.holder,
                f.signer,
                f.content_sha256,
                f.pdf_sha256,
                now()
            ],
        )? == 1)
    }

    /// The facts of a paper by its number.
    pub fn paper(&self, number: &str) -> Result<Option<PaperFacts>> {
        Ok(self
            .conn
            .query_row(
                "SELECT number, office, date, kind, holder, signer, content_sha256, pdf_sha256, status
                 FROM papers WHERE number = ?1",
                [number],
                |r| {
                    Ok(PaperFacts {
                        number: r.get(0)?,
                        office: r.get(1)?,
                        date: r.get(2)?,
                        kind: r.get(3)?,
                        holder: r.get(4)?,
                        signer: r.get(5)?,
                        content_sha256: r.get(6)?,
                        pdf_sha256: r.get(7)?,
                        status: r.get(8)?,
                    })
                },
            )
            .optional()?)
    }
}
