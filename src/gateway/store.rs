//! The reference gateway's own durable store, separate from any office: clients and their
//! token hashes, messages with their delivery state and the stored answer (so a replayed
//! `messageId` gets the same answer), blobs uploaded in resumable chunks, the witness of each
//! office's audit chain, the facts of signed papers for the verification page, and each
//! client's last contact for `gateway status`.
//!
//! It runs on either backend through the store layer's plumbing ([`crate::store::Store`],
//! queries written once with `$n` placeholders), with its own numbered migrations
//! (`gateway/migrations/NN-name/up.sql` and `postgres.sql`, recorded on PostgreSQL in
//! `mio_gateway_schema`): a SQLite file for a rehearsal on one PC (blobs in files in
//! `FILE.blobs/` beside it), or a PostgreSQL database of its own for a region (blobs in the
//! database, one row per uploaded chunk, checked against their SHA-256 when complete and on
//! every read). It never touches an office's data and does not use `desk`.
//!
//! **Order and concurrency.** A message's `seq` is its row's key (SQLite's rowid, a
//! PostgreSQL sequence); a client pulls what is routed to it after the last `seq` it saw. On
//! SQLite one writer at a time makes commit order the `seq` order. On PostgreSQL (READ
//! COMMITTED, many connections) two senders to one recipient could commit out of `seq` order
//! and a poll between the commits would move the recipient's cursor past the later-committed,
//! smaller `seq` for good; so storing messages first takes a transaction-level advisory lock
//! per recipient (in name order, so batches to several recipients cannot deadlock), held to
//! commit: per recipient, `seq`s become visible in order, while different recipients are
//! written at once. A blob's chunks are serialised by a lock of the blob.

use std::fs::{self, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};

use crate::store::files::sha256_hex;
use crate::store::pg::{self, ServerProblem, Target};
use crate::store::sql::{Backend, Row, params};
use crate::store::{Db, Result, Store, StoreError, Tx};

pub(crate) static MIGRATIONS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/gateway/migrations");

/// The gateway's schema on PostgreSQL (its own table of applied migrations, so neither an
/// office's database nor anything else is taken for a gateway's).
static SCHEMA: pg::Schema = pg::Schema {
    dir: &MIGRATIONS,
    table: "mio_gateway_schema",
};

/// Idle connections a gateway on PostgreSQL keeps open for its clients' requests.
pub const PG_CONNECTIONS: usize = 24;

/// Where a gateway keeps its store: `--db FILE` (SQLite) or `--db postgres://…`.
#[derive(Debug, Clone)]
pub enum GatewayDb {
    File(PathBuf),
    Server(Box<Target>),
}

impl GatewayDb {
    /// `postgres://…` (or `postgresql://…`) is a server; anything else a file.
    pub fn parse(s: &str) -> std::result::Result<GatewayDb, ServerProblem> {
        let t = s.trim();
        if t.starts_with("postgres://") || t.starts_with("postgresql://") {
            Ok(GatewayDb::Server(Box::new(pg::parse_target(t)?)))
        } else {
            Ok(GatewayDb::File(PathBuf::from(s)))
        }
    }

    /// For messages: the file, or the address with its password masked.
    pub fn shown(&self) -> String {
        match self {
            GatewayDb::File(p) => p.display().to_string(),
            GatewayDb::Server(t) => t.shown.clone(),
        }
    }
}

impl std::str::FromStr for GatewayDb {
    type Err = ServerProblem;
    fn from_str(s: &str) -> std::result::Result<GatewayDb, ServerProblem> {
        GatewayDb::parse(s)
    }
}

impl From<PathBuf> for GatewayDb {
    fn from(p: PathBuf) -> GatewayDb {
        GatewayDb::File(p)
    }
}

impl From<&Path> for GatewayDb {
    fn from(p: &Path) -> GatewayDb {
        GatewayDb::File(p.to_path_buf())
    }
}

impl From<&PathBuf> for GatewayDb {
    fn from(p: &PathBuf) -> GatewayDb {
        GatewayDb::File(p.clone())
    }
}

impl From<&GatewayDb> for GatewayDb {
    fn from(d: &GatewayDb) -> GatewayDb {
        d.clone()
    }
}

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
    db: Store,
    /// SQLite: the folder of blob files beside the database file. PostgreSQL: `None`, the
    /// blobs are in the database.
    files: Option<PathBuf>,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn valid_sha(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Takes a transaction-level lock of `what` on PostgreSQL, held to commit (on SQLite the one
/// writer already holds everything).
fn lock(tx: &Tx<'_>, what: &str) -> Result<()> {
    if tx.backend() == Backend::Postgres {
        let h = sha256_hex(format!("mio-gateway:{what}").as_bytes());
        let key = u64::from_str_radix(&h[..16], 16).unwrap_or(0) as i64;
        tx.execute("SELECT pg_advisory_xact_lock($1)", params![key])?;
    }
    Ok(())
}

const MESSAGE_COLUMNS: &str = "seq, message_id, sender, route_id, state, envelope, response, error";

fn message(r: &Row) -> Result<StoredMessage> {
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

fn messages(rows: Vec<Row>) -> Result<Vec<StoredMessage>> {
    rows.iter().map(message).collect()
}

/// (received, total, complete, uploader) of a blob.
fn blob_row(db: &impl Db, sha: &str) -> Result<Option<(u64, u64, bool, String)>> {
    db.query_opt(
        "SELECT received, total, complete, uploader FROM blobs WHERE sha256 = $1",
        params![sha],
    )?
    .map(|r| {
        Ok((
            r.get::<i64>(0)? as u64,
            r.get::<i64>(1)? as u64,
            r.get::<bool>(2)?,
            r.get(3)?,
        ))
    })
    .transpose()
}

/// How far `client` has got with a blob of another uploader (proving it holds the bytes).
fn holder_received(db: &impl Db, sha: &str, client: &str) -> Result<u64> {
    Ok(db
        .query_opt(
            "SELECT received FROM blob_holders WHERE sha256 = $1 AND client = $2",
            params![sha, client],
        )?
        .map(|r| r.get::<i64>(0))
        .transpose()?
        .unwrap_or(0) as u64)
}

fn may_read_in(db: &impl Db, sha: &str, client: &str) -> Result<bool> {
    if !valid_sha(sha) {
        return Ok(false);
    }
    Ok(db
        .query_opt(
            "SELECT 1 FROM blobs b WHERE b.sha256 = $1 AND b.complete = 1 AND (b.uploader = $2
                OR EXISTS (SELECT 1 FROM blob_holders h
                           WHERE h.sha256 = $1 AND h.client = $2 AND h.received = b.total)
                OR EXISTS (SELECT 1 FROM blob_refs r JOIN messages m ON m.seq = r.seq
                           WHERE r.sha256 = $1 AND (m.route_id = $2 OR m.sender = $2)))",
            params![sha, client],
        )?
        .is_some())
}

/// A blob's bytes from `offset`, `len` of them, as stored in the database's parts.
fn parts_range(db: &impl Db, sha: &str, offset: u64, len: usize) -> Result<Vec<u8>> {
    let end = offset + len as u64;
    let mut out = vec![0u8; len];
    let mut filled = 0usize;
    db.each(
        "SELECT off, data FROM blob_parts WHERE sha256 = $1 AND off < $3
           AND off + length(data) > $2 ORDER BY off",
        params![sha, offset as i64, end as i64],
        &mut |r| {
            let off = r.get::<i64>(0)? as u64;
            let data: Vec<u8> = r.get(1)?;
            let from = offset.max(off);
            let to = end.min(off + data.len() as u64);
            if from < to {
                out[(from - offset) as usize..(to - offset) as usize]
                    .copy_from_slice(&data[(from - off) as usize..(to - off) as usize]);
                filled += (to - from) as usize;
            }
            Ok(())
        },
    )?;
    if filled != len {
        return Err(StoreError::Corrupt(format!(
            "blob {sha} lacks bytes in the database"
        )));
    }
    Ok(out)
}

/// A whole blob from the database's parts (`total` bytes, contiguous), and its SHA-256.
fn parts_all(db: &impl Db, sha: &str, total: u64) -> Result<(Vec<u8>, String)> {
    let mut out = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let mut h = Sha256::new();
    let mut gap = false;
    db.each(
        "SELECT off, data FROM blob_parts WHERE sha256 = $1 ORDER BY off",
        params![sha],
        &mut |r| {
            let off = r.get::<i64>(0)? as u64;
            let data: Vec<u8> = r.get(1)?;
            if off != out.len() as u64 {
                gap = true;
            }
            h.update(&data);
            out.extend_from_slice(&data);
            Ok(())
        },
    )?;
    let actual = hex::encode(h.finalize());
    if gap || out.len() as u64 != total {
        return Ok((out, String::new()));
    }
    Ok((out, actual))
}

impl GatewayStore {
    /// Opens (creating if needed) and migrates a gateway's SQLite file; its blobs are kept in
    /// `FILE.blobs/` beside it.
    pub fn open(path: &Path) -> Result<GatewayStore> {
        let db = Store::open_schema(path, &MIGRATIONS)?;
        let files = PathBuf::from(format!("{}.blobs", path.display()));
        fs::create_dir_all(&files)?;
        Ok(GatewayStore {
            db,
            files: Some(files),
        })
    }

    /// Connects to a gateway's PostgreSQL database and brings its schema up to date (an empty
    /// database is set up; one holding anything else is refused).
    pub fn connect(target: &Target) -> Result<GatewayStore> {
        Ok(GatewayStore {
            db: Store::connect_schema(target, &SCHEMA, PG_CONNECTIONS)?,
            files: None,
        })
    }

    /// Opens the store wherever it is. On PostgreSQL this connects with the synchronous
    /// client: call it from a plain thread (or `spawn_blocking`), never from an async task.
    pub fn at(db: &GatewayDb) -> Result<GatewayStore> {
        match db {
            GatewayDb::File(p) => GatewayStore::open(p),
            GatewayDb::Server(t) => GatewayStore::connect(t),
        }
    }

    /// Opens a gateway's store that is already set up, changing nothing if it is not (for
    /// `gateway status`, which only looks): a missing file, or a database with no gateway in
    /// it, is refused.
    pub fn at_existing(db: &GatewayDb) -> Result<GatewayStore> {
        match db {
            GatewayDb::File(p) if !p.exists() => Err(StoreError::NotFound(p.display().to_string())),
            GatewayDb::File(p) => GatewayStore::open(p),
            GatewayDb::Server(t) => {
                let mut c = t.connect()?;
                match pg::found_version_in(&mut c, &SCHEMA)? {
                    Some(v) if v > 0 => GatewayStore::connect(t),
                    _ => Err(StoreError::Server(ServerProblem::NotOurs)),
                }
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Registers a client with the SHA-256 of its token (replacing an older token).
    pub fn set_client(&self, name: &str, token_sha256: &str) -> Result<()> {
        self.db.write(|tx| {
            tx.execute(
                "INSERT INTO clients(name, token_sha256, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT(name) DO UPDATE SET token_sha256 = excluded.token_sha256",
                params![name, token_sha256, now()],
            )?;
            Ok::<_, StoreError>(())
        })
    }

    pub fn client_by_token_hash(&self, token_sha256: &str) -> Result<Option<String>> {
        self.db.read(|r| {
            r.query_opt(
                "SELECT name FROM clients WHERE token_sha256 = $1",
                params![token_sha256],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
    }

    /// Records that `client` polled now (its last contact, for `gateway status`).
    pub fn touch(&self, client: &str) -> Result<()> {
        self.db.write(|tx| {
            tx.execute(
                "INSERT INTO client_contact(client, last_contact_at) VALUES ($1, $2)
                 ON CONFLICT(client) DO UPDATE SET last_contact_at = excluded.last_contact_at",
                params![client, now()],
            )?;
            Ok::<_, StoreError>(())
        })
    }

    /// Per client: how many messages wait for it, since when the oldest, and its last contact.
    pub fn status(&self) -> Result<Vec<ClientStatus>> {
        self.db.read(|r| {
            r.query(
                "SELECT c.name,
                        (SELECT count(*) FROM messages m WHERE m.route_id = c.name AND m.state = 'ON_DELIVERY'),
                        (SELECT min(received_at) FROM messages m
                          WHERE m.route_id = c.name AND m.state = 'ON_DELIVERY'),
                        (SELECT last_contact_at FROM client_contact k WHERE k.client = c.name)
                 FROM clients c ORDER BY c.name",
                params![],
            )?
            .iter()
            .map(|r| {
                Ok(ClientStatus {
                    client: r.get(0)?,
                    queue_depth: r.get(1)?,
                    oldest_undelivered: r.get(2)?,
                    last_contact: r.get(3)?,
                })
            })
            .collect()
        })
    }

    pub fn client_exists(&self, name: &str) -> Result<bool> {
        self.db.read(|r| {
            Ok(
                r.query_opt("SELECT 1 FROM clients WHERE name = $1", params![name])?
                    .is_some(),
            )
        })
    }

    /// Stores messages idempotently on their ids, all in one transaction (one disk sync for
    /// a whole batch), in the order given. `answer(message_id, seq)` builds the answer to
    /// store for a new message.
    pub fn accept_many(
        &self,
        items: &[Incoming<'_>],
        answer: impl Fn(&str, i64) -> String,
    ) -> Result<Vec<Accept>> {
        self.db.write(|tx| {
            // Per recipient, in name order (see the module's note on order).
            let mut routes: Vec<&str> = items.iter().map(|m| m.route_id).collect();
            routes.sort_unstable();
            routes.dedup();
            for r in routes {
                lock(tx, &format!("route:{r}"))?;
            }
            let known = |m: &Incoming<'_>| -> Result<Option<Accept>> {
                tx.query_opt(
                    "SELECT body_hash, response FROM messages WHERE message_id = $1",
                    params![m.message_id],
                )?
                .map(|r| {
                    let (hash, response): (String, String) = (r.get(0)?, r.get(1)?);
                    Ok(if hash == m.body_hash {
                        Accept::Replay(response)
                    } else {
                        Accept::Conflict
                    })
                })
                .transpose()
            };
            let mut out = Vec::with_capacity(items.len());
            for m in items {
                if let Some(a) = known(m)? {
                    out.push(a);
                    continue;
                }
                let inserted = tx.query_opt(
                    "INSERT INTO messages(message_id, body_hash, sender, route_id, message_type, correlation_id, envelope, state, received_at, response)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'ON_DELIVERY', $8, '')
                     ON CONFLICT (message_id) DO NOTHING RETURNING seq",
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
                let Some(row) = inserted else {
                    // Stored meanwhile by a request to another recipient (same id): answer
                    // as a replay or a conflict once that one committed.
                    out.push(known(m)?.ok_or_else(|| {
                        StoreError::Corrupt(format!("message {} vanished", m.message_id))
                    })?);
                    continue;
                };
                let seq: i64 = row.get(0)?;
                let response = answer(m.message_id, seq);
                tx.execute(
                    "UPDATE messages SET response = $2 WHERE seq = $1",
                    params![seq, response],
                )?;
                for sha in m.blob_refs {
                    tx.execute(
                        "INSERT INTO blob_refs(sha256, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                        params![sha, seq],
                    )?;
                }
                out.push(Accept::New(response));
            }
            Ok::<_, StoreError>(out)
        })
    }

    /// Keeps what an office reports of its audit chain's head and journal counters (a new
    /// row only when something changed).
    pub fn put_witness(
        &self,
        client: &str,
        audit_count: i64,
        audit_hash: &str,
        journals: &str,
        restored: bool,
    ) -> Result<()> {
        self.db.write(|tx| {
            lock(tx, &format!("witness:{client}"))?;
            let last: Option<(i64, String, String)> = tx
                .query_opt(
                    "SELECT audit_count, audit_hash, journals FROM witness WHERE client = $1 ORDER BY seq DESC LIMIT 1",
                    params![client],
                )?
                .map(|r| Ok::<_, StoreError>((r.get(0)?, r.get(1)?, r.get(2)?)))
                .transpose()?;
            if restored
                || last.as_ref().map(|(c, h, j)| (*c, h.as_str(), j.as_str()))
                    != Some((audit_count, audit_hash, journals))
            {
                tx.execute(
                    "INSERT INTO witness(client, audit_count, audit_hash, journals, restored, at) VALUES ($1, $2, $3, $4, $5, $6)",
                    params![client, audit_count, audit_hash, journals, restored, now()],
                )?;
            }
            Ok::<_, StoreError>(())
        })
    }

    /// What was witnessed for a client since its last restore, oldest first (at most the
    /// newest `limit` rows): (audit count, audit hash, journals JSON, when).
    pub fn witness(
        &self,
        client: &str,
        limit: usize,
    ) -> Result<Vec<(i64, String, String, String)>> {
        self.db.read(|r| {
            r.query(
                "SELECT audit_count, audit_hash, journals, at FROM
                   (SELECT seq, audit_count, audit_hash, journals, at FROM witness WHERE client = $1
                      AND seq >= coalesce((SELECT max(seq) FROM witness WHERE client = $1 AND restored = 1), 0)
                    ORDER BY seq DESC LIMIT $2) newest
                 ORDER BY seq",
                params![client, limit],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .collect()
        })
    }

    /// Who sent a stored message, to whom, and its type (the routing table's party checks).
    pub fn route_of(&self, message_id: &str) -> Result<Option<(String, String, String)>> {
        self.db.read(|r| {
            r.query_opt(
                "SELECT sender, route_id, message_type FROM messages WHERE message_id = $1",
                params![message_id],
            )?
            .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .transpose()
        })
    }

    /// Undelivered messages for a recipient after a sequence number, oldest first.
    pub fn pull(&self, recipient: &str, after: i64, limit: usize) -> Result<Vec<StoredMessage>> {
        self.db.read(|r| {
            messages(r.query(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages
                     WHERE route_id = $1 AND state = 'ON_DELIVERY' AND seq > $2 ORDER BY seq LIMIT $3"
                ),
                params![recipient, after, limit],
            )?)
        })
    }

    /// Every message for a recipient (its inbox view), oldest first.
    pub fn all_for(&self, recipient: &str, after: i64, limit: usize) -> Result<Vec<StoredMessage>> {
        self.db.read(|r| {
            messages(r.query(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages
                     WHERE route_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
                ),
                params![recipient, after, limit],
            )?)
        })
    }

    /// Every message a client sent, oldest first.
    pub fn sent_by(&self, sender: &str) -> Result<Vec<StoredMessage>> {
        self.db.read(|r| {
            messages(r.query(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE sender = $1 ORDER BY seq"),
                params![sender],
            )?)
        })
    }

    pub fn by_id(&self, message_id: &str) -> Result<Option<StoredMessage>> {
        self.db.read(|r| {
            r.query_opt(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE message_id = $1"),
                params![message_id],
            )?
            .map(|r| message(&r))
            .transpose()
        })
    }

    /// The recipient acknowledges (or refuses) a message. Acking twice is harmless.
    pub fn ack(
        &self,
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
        self.db.write(|tx| {
            let n = tx.execute(
                "UPDATE messages SET state = $3, delivered_at = $4, error = $5
                 WHERE message_id = $1 AND route_id = $2 AND state = 'ON_DELIVERY'",
                params![message_id, recipient, state, now(), error],
            )?;
            if n == 1 {
                return Ok(Some(state.to_string()));
            }
            // Already acknowledged: report the state it has.
            tx.query_opt(
                "SELECT state FROM messages WHERE message_id = $1 AND route_id = $2",
                params![message_id, recipient],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
    }

    pub fn counts(&self) -> Result<Counts> {
        let rows = self.db.read(|r| {
            r.query(
                "SELECT state, count(*) FROM messages GROUP BY state",
                params![],
            )
        })?;
        let mut c = Counts::default();
        for r in rows {
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

    fn blob_path(dir: &Path, sha: &str, partial: bool) -> PathBuf {
        dir.join(if partial {
            format!("{sha}.part")
        } else {
            sha.to_string()
        })
    }

    /// Whether `client` may read a complete blob: it uploaded it, proved it holds the same
    /// bytes, or sends or receives a message that refers to it.
    pub fn may_read(&self, sha: &str, client: &str) -> Result<bool> {
        self.db.read(|r| may_read_in(r, sha, client))
    }

    /// (received, total, complete) of a blob as `client` sees it: the whole blob when it may
    /// read it, its own progress otherwise (another client's upload is not its business).
    pub fn blob_status(&self, sha: &str, client: &str) -> Result<Option<(u64, u64, bool)>> {
        self.db.read(|r| {
            let Some((received, total, complete, uploader)) = blob_row(r, sha)? else {
                return Ok(None);
            };
            if may_read_in(r, sha, client)? || (uploader == client && !complete) {
                return Ok(Some((received, total, complete)));
            }
            if complete {
                let h = holder_received(r, sha, client)?;
                if h > 0 {
                    return Ok(Some((h, total, false)));
                }
            }
            Ok(None)
        })
    }

    /// Appends a chunk at `offset` (must be where the upload stands, or a repeat of bytes
    /// already received). Returns (received, complete) as `uploader` sees it. A client
    /// uploading a blob that another client already stored proves, chunk by chunk, that it
    /// holds the same bytes.
    pub fn blob_append(
        &self,
        sha: &str,
        offset: u64,
        total: u64,
        bytes: &[u8],
        uploader: &str,
    ) -> Result<std::result::Result<(u64, bool), BlobError>> {
        if !valid_sha(sha) {
            return Ok(Err(BlobError::NotSha));
        }
        self.db.write(|tx| {
            lock(tx, &format!("blob:{sha}"))?;
            let (received, known_total) = match blob_row(tx, sha)? {
                Some((_, t, true, _)) if may_read_in(tx, sha, uploader)? => {
                    return Ok(Ok((t, true)));
                }
                Some((_, t, true, _)) => {
                    return self.prove_holding(tx, sha, offset, total, t, bytes, uploader);
                }
                Some((_, _, false, owner)) if owner != uploader => {
                    return Ok(Err(BlobError::Busy));
                }
                Some((r, t, _, _)) => (r, t),
                None => {
                    tx.execute(
                        "INSERT INTO blobs(sha256, total, uploader, created_at) VALUES ($1, $2, $3, $4)",
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
            let now_received = received + fresh.len() as u64;
            let done = now_received == total;
            match &self.files {
                Some(dir) => {
                    let part = Self::blob_path(dir, sha, true);
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
                    if done {
                        let data = fs::read(&part)?;
                        if sha256_hex(&data) != sha {
                            // Start over: the bytes do not hash to the name.
                            fs::remove_file(&part)?;
                            tx.execute(
                                "UPDATE blobs SET received = 0 WHERE sha256 = $1",
                                params![sha],
                            )?;
                            return Ok(Err(BlobError::Hash));
                        }
                        fs::rename(&part, Self::blob_path(dir, sha, false))?;
                    }
                }
                None => {
                    tx.execute(
                        "DELETE FROM blob_parts WHERE sha256 = $1 AND off >= $2",
                        params![sha, received as i64],
                    )?;
                    if !fresh.is_empty() {
                        tx.execute(
                            "INSERT INTO blob_parts(sha256, off, data) VALUES ($1, $2, $3)",
                            params![sha, received as i64, fresh],
                        )?;
                    }
                    if done && parts_all(tx, sha, total)?.1 != sha {
                        tx.execute("DELETE FROM blob_parts WHERE sha256 = $1", params![sha])?;
                        tx.execute(
                            "UPDATE blobs SET received = 0 WHERE sha256 = $1",
                            params![sha],
                        )?;
                        return Ok(Err(BlobError::Hash));
                    }
                }
            }
            tx.execute(
                "UPDATE blobs SET received = $2, complete = $3 WHERE sha256 = $1",
                params![sha, now_received as i64, done],
            )?;
            Ok::<_, StoreError>(Ok((now_received, done)))
        })
    }

    /// A chunk of a blob another client stored: compared with the stored bytes.
    #[allow(clippy::too_many_arguments)]
    fn prove_holding(
        &self,
        tx: &Tx<'_>,
        sha: &str,
        offset: u64,
        total: u64,
        known_total: u64,
        bytes: &[u8],
        client: &str,
    ) -> Result<std::result::Result<(u64, bool), BlobError>> {
        let held = holder_received(tx, sha, client)?;
        if known_total != total || offset > held || offset + bytes.len() as u64 > total {
            return Ok(Err(BlobError::Offset));
        }
        let stored = match &self.files {
            Some(dir) => {
                let mut f = fs::File::open(Self::blob_path(dir, sha, false))?;
                f.seek(SeekFrom::Start(offset))?;
                let mut stored = vec![0u8; bytes.len()];
                std::io::Read::read_exact(&mut f, &mut stored)?;
                stored
            }
            None => parts_range(tx, sha, offset, bytes.len())?,
        };
        if stored != bytes {
            tx.execute(
                "DELETE FROM blob_holders WHERE sha256 = $1 AND client = $2",
                params![sha, client],
            )?;
            return Ok(Err(BlobError::Hash));
        }
        let now_held = held.max(offset + bytes.len() as u64);
        tx.execute(
            "INSERT INTO blob_holders(sha256, client, received) VALUES ($1, $2, $3)
             ON CONFLICT(sha256, client) DO UPDATE SET received = excluded.received",
            params![sha, client, now_held as i64],
        )?;
        Ok(Ok((now_held, now_held == total)))
    }

    /// A complete blob's bytes, if `client` may read it.
    pub fn blob_get(&self, sha: &str, client: &str) -> Result<Option<Vec<u8>>> {
        self.db.read(|r| {
            if !may_read_in(r, sha, client)? {
                return Ok(None);
            }
            let data = match &self.files {
                Some(dir) => fs::read(Self::blob_path(dir, sha, false))?,
                None => {
                    let total = blob_row(r, sha)?.map(|b| b.1).unwrap_or(0);
                    let (data, actual) = parts_all(r, sha, total)?;
                    if actual != sha {
                        return Err(StoreError::Corrupt(format!(
                            "blob {sha} changed in the database"
                        )));
                    }
                    data
                }
            };
            if sha256_hex(&data) != sha {
                return Err(StoreError::Corrupt(format!("blob {sha} changed on disk")));
            }
            Ok(Some(data))
        })
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
        self.db.write(|tx| {
            Ok::<_, StoreError>(tx.execute(
                "INSERT INTO papers(number, office, date, kind, holder, signer, content_sha256, pdf_sha256, learned_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT(number) DO NOTHING",
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
        })
    }

    /// The facts of a paper by its number.
    pub fn paper(&self, number: &str) -> Result<Option<PaperFacts>> {
        self.db.read(|r| {
            r.query_opt(
                "SELECT number, office, date, kind, holder, signer, content_sha256, pdf_sha256, status
                 FROM papers WHERE number = $1",
                params![number],
            )?
            .map(|r| {
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
            })
            .transpose()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use rusqlite::Connection;
    use rusqlite_migration::Migrations;

    use super::*;
    use crate::store::testing::TestDb;

    fn bytes(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 % 251) as u8).collect()
    }

    /// A gateway store in a fresh database of the test server.
    fn on_server(db: &TestDb) -> GatewayStore {
        GatewayStore::connect(&pg::parse_target(&db.url).unwrap()).unwrap()
    }

    /// Each test once on a SQLite file and once on a PostgreSQL database of its own (skipped
    /// when no server answers, never under `CI=true`).
    macro_rules! on_both_backends {
        ($($name:ident),* $(,)?) => {
            mod sqlite {
                $(#[test] fn $name() {
                    let d = tempfile::tempdir().unwrap();
                    super::$name(super::GatewayStore::open(&d.path().join("gw.sqlite")).unwrap())
                })*
            }
            mod postgres {
                $(#[test] fn $name() {
                    if let Some(db) = crate::store::testing::TestDb::empty() {
                        super::$name(super::on_server(&db))
                    }
                })*
            }
        };
    }

    on_both_backends!(
        holding_a_blob_is_proved_chunk_by_chunk,
        a_replay_gets_the_stored_answer_and_another_body_is_a_conflict,
        status_shows_queue_depth_oldest_undelivered_and_last_contact,
        witness_and_papers_are_kept,
        a_blob_changed_where_it_is_stored_is_refused,
        many_senders_to_one_recipient_lose_and_double_nothing,
    );

    #[test]
    fn the_migrations_are_valid_and_numbered_alike_for_both_backends() {
        assert!(
            Migrations::from_directory(&MIGRATIONS)
                .unwrap()
                .validate()
                .is_ok()
        );
        for d in MIGRATIONS.dirs() {
            for f in ["up.sql", "postgres.sql"] {
                assert!(
                    d.get_file(d.path().join(f))
                        .is_some_and(|f| !f.contents().is_empty()),
                    "{}/{f} is missing",
                    d.path().display()
                );
            }
        }
    }

    #[test]
    fn an_office_database_is_not_taken_for_a_gateway() {
        let Some(db) = TestDb::new() else { return };
        match GatewayStore::connect(&pg::parse_target(&db.url).unwrap()) {
            Err(StoreError::Server(ServerProblem::NotOurs)) => {}
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("an office's database was used as a gateway's"),
        }
    }

    #[test]
    fn looking_at_an_empty_database_sets_nothing_up() {
        let Some(db) = TestDb::empty() else { return };
        let at = GatewayDb::parse(&db.url).unwrap();
        assert!(matches!(
            GatewayStore::at_existing(&at),
            Err(StoreError::Server(ServerProblem::NotOurs))
        ));
        let mut c = pg::parse_target(&db.url).unwrap().connect().unwrap();
        assert_eq!(pg::found_version_in(&mut c, &SCHEMA).unwrap(), Some(0));
        drop(c);
        on_server(&db).set_client("0412", "h").unwrap();
        let s = GatewayStore::at_existing(&at).unwrap();
        assert_eq!(s.status().unwrap().len(), 1);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("none.sqlite");
        assert!(GatewayStore::at_existing(&GatewayDb::File(file.clone())).is_err());
        assert!(!file.exists());
    }

    #[test]
    fn the_db_argument_tells_a_file_from_a_server() {
        assert!(matches!(
            "gw.sqlite".parse::<GatewayDb>().unwrap(),
            GatewayDb::File(p) if p == Path::new("gw.sqlite")
        ));
        let d: GatewayDb = "postgres://gw:secret@10.0.0.5/region".parse().unwrap();
        assert_eq!(d.shown(), "postgres://gw:***@10.0.0.5/region");
        assert!("postgres://gw@host".parse::<GatewayDb>().is_err());
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
    fn what_an_interrupted_write_left_behind_is_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gw.sqlite");
        let s = GatewayStore::open(&db).unwrap();
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

    fn holding_a_blob_is_proved_chunk_by_chunk(s: GatewayStore) {
        let data = bytes(1000);
        let sha = sha256_hex(&data);
        assert_eq!(
            s.blob_append(&sha, 0, 1000, &data[..400], "a").unwrap(),
            Ok((400, false))
        );
        // A repeat of bytes already received is harmless; a gap is refused.
        assert_eq!(
            s.blob_append(&sha, 200, 1000, &data[200..400], "a")
                .unwrap(),
            Ok((400, false))
        );
        assert_eq!(
            s.blob_append(&sha, 500, 1000, &data[500..600], "a")
                .unwrap(),
            Err(BlobError::Offset)
        );
        // Someone else while it is being uploaded.
        assert_eq!(
            s.blob_append(&sha, 0, 1000, &data[..400], "b").unwrap(),
            Err(BlobError::Busy)
        );
        assert_eq!(s.blob_status(&sha, "b").unwrap(), None);
        assert_eq!(s.blob_status(&sha, "a").unwrap(), Some((400, 1000, false)));
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
        assert_eq!(s.blob_get(&sha, "b").unwrap(), Some(data.clone()));
        assert_eq!(s.blob_get(&sha, "c").unwrap(), None);

        // Bytes that do not hash to the name are refused whole and the upload starts over.
        let other = bytes(300);
        let named = sha256_hex(&bytes(301));
        assert_eq!(
            s.blob_append(&named, 0, 300, &other, "a").unwrap(),
            Err(BlobError::Hash)
        );
        assert_eq!(s.blob_status(&named, "a").unwrap(), Some((0, 300, false)));
        assert_eq!(
            s.blob_append("NOT-A-SHA", 0, 3, b"abc", "a").unwrap(),
            Err(BlobError::NotSha)
        );
    }

    fn a_blob_changed_where_it_is_stored_is_refused(s: GatewayStore) {
        let data = bytes(5000);
        let sha = sha256_hex(&data);
        for (i, chunk) in data.chunks(1024).enumerate() {
            s.blob_append(&sha, (i * 1024) as u64, 5000, chunk, "a")
                .unwrap()
                .unwrap();
        }
        assert_eq!(s.blob_get(&sha, "a").unwrap(), Some(data));
        match &s.files {
            Some(dir) => {
                let p = GatewayStore::blob_path(dir, &sha, false);
                let mut b = fs::read(&p).unwrap();
                b[3000] ^= 1;
                fs::write(&p, b).unwrap();
            }
            None => {
                s.db.write(|tx| {
                    tx.execute(
                        "UPDATE blob_parts SET data = $2 WHERE sha256 = $1 AND off = 2048",
                        params![sha, vec![0u8; 1024]],
                    )
                })
                .unwrap();
            }
        }
        assert!(matches!(s.blob_get(&sha, "a"), Err(StoreError::Corrupt(_))));
    }

    fn incoming<'a>(id: &'a str, hash: &'a str, from: &'a str, to: &'a str) -> Incoming<'a> {
        Incoming {
            message_id: id,
            body_hash: hash,
            sender: from,
            route_id: to,
            message_type: "REQUEST",
            correlation_id: None,
            envelope: "{}",
            blob_refs: &[],
        }
    }

    fn answer(id: &str, seq: i64) -> String {
        format!("{id}:{seq}")
    }

    fn a_replay_gets_the_stored_answer_and_another_body_is_a_conflict(s: GatewayStore) {
        s.set_client("con-0412", "h1").unwrap();
        s.set_client("0412", "h2").unwrap();
        let first = s
            .accept_many(
                &[
                    incoming("m1", "x", "con-0412", "0412"),
                    incoming("m2", "y", "con-0412", "0412"),
                ],
                answer,
            )
            .unwrap();
        let (Accept::New(a1), Accept::New(a2)) = (&first[0], &first[1]) else {
            panic!("{first:?}")
        };
        let again = s
            .accept_many(
                &[
                    incoming("m1", "x", "con-0412", "0412"),
                    incoming("m2", "other", "con-0412", "0412"),
                ],
                |_, _| panic!("no new answer for a stored message"),
            )
            .unwrap();
        assert_eq!(again, vec![Accept::Replay(a1.clone()), Accept::Conflict]);
        let pulled = s.pull("0412", 0, 10).unwrap();
        assert_eq!(pulled.len(), 2, "the replay stored nothing new");
        assert_eq!(&pulled[1].response, a2);
        assert!(pulled[0].seq < pulled[1].seq);
        assert_eq!(s.route_of("m1").unwrap().unwrap().1, "0412");
        // Acknowledged once; acking again reports the state it has.
        assert_eq!(
            s.ack("0412", "m1", true, None).unwrap().as_deref(),
            Some("DELIVERED")
        );
        assert_eq!(
            s.ack("0412", "m1", false, Some("late")).unwrap().as_deref(),
            Some("DELIVERED")
        );
        assert_eq!(s.ack("0413", "m2", true, None).unwrap(), None);
        assert_eq!(s.pull("0412", 0, 10).unwrap().len(), 1);
        assert_eq!(s.all_for("0412", 0, 10).unwrap().len(), 2);
        assert_eq!(s.sent_by("con-0412").unwrap().len(), 2);
        let c = s.counts().unwrap();
        assert_eq!((c.on_delivery, c.delivered, c.total), (1, 1, 2));
        assert_eq!(
            s.client_by_token_hash("h2").unwrap().as_deref(),
            Some("0412")
        );
        // A new token replaces the old one.
        s.set_client("0412", "h3").unwrap();
        assert_eq!(s.client_by_token_hash("h2").unwrap(), None);
    }

    fn status_shows_queue_depth_oldest_undelivered_and_last_contact(s: GatewayStore) {
        for c in ["0412", "0413", "con-0412"] {
            s.set_client(c, &format!("h-{c}")).unwrap();
        }
        s.accept_many(
            &[
                incoming("a", "x", "con-0412", "0412"),
                incoming("b", "x", "con-0412", "0412"),
                incoming("c", "x", "con-0412", "0412"),
            ],
            answer,
        )
        .unwrap();
        s.ack("0412", "a", true, None).unwrap();
        s.touch("0412").unwrap();
        let st = s.status().unwrap();
        assert_eq!(
            st.iter().map(|c| c.client.as_str()).collect::<Vec<_>>(),
            ["0412", "0413", "con-0412"]
        );
        assert_eq!(st[0].queue_depth, 2);
        let oldest = st[0].oldest_undelivered.as_deref().unwrap();
        assert_eq!(oldest, s.by_id("b").unwrap().map(|_| oldest).unwrap());
        assert!(st[0].last_contact.is_some());
        assert_eq!((st[1].queue_depth, &st[1].oldest_undelivered), (0, &None));
        assert_eq!(st[1].last_contact, None);
    }

    fn witness_and_papers_are_kept(s: GatewayStore) {
        let h = |c: char| c.to_string().repeat(64);
        s.put_witness("0412", 10, &h('a'), "[]", false).unwrap();
        s.put_witness("0412", 10, &h('a'), "[]", false).unwrap();
        s.put_witness("0412", 12, &h('b'), "[]", false).unwrap();
        s.put_witness("0412", 5, &h('c'), "[]", true).unwrap();
        s.put_witness("0412", 6, &h('d'), "[]", false).unwrap();
        let w = s.witness("0412", 100).unwrap();
        assert_eq!(
            w.iter().map(|r| r.0).collect::<Vec<_>>(),
            [5, 6],
            "since the restore, unchanged reports not repeated"
        );
        assert_eq!(s.witness("0412", 1).unwrap()[0].0, 6);
        let f = PaperFacts {
            number: "0412-Р-1".into(),
            office: "0412".into(),
            date: "2026-11-30".into(),
            kind: "result".into(),
            holder: "9001****1234".into(),
            signer: "Head".into(),
            content_sha256: h('e'),
            pdf_sha256: h('f'),
            status: "signed".into(),
        };
        assert!(
            !s.learn_paper("0413", &f).unwrap(),
            "another office's paper"
        );
        assert!(s.learn_paper("0412", &f).unwrap());
        let mut later = f.clone();
        later.signer = "Someone else".into();
        assert!(
            !s.learn_paper("0412", &later).unwrap(),
            "the first facts stay"
        );
        assert_eq!(s.paper("0412-Р-1").unwrap(), Some(f));
        assert_eq!(s.paper("0412-Р-2").unwrap(), None);
    }

    /// Senders at once, each on its own connection, to one recipient that polls all the while
    /// as the office does (after the last `seq` it saw, acknowledging each): every message is
    /// delivered once, in `seq` order, and each sender's messages keep the order it sent them.
    fn many_senders_to_one_recipient_lose_and_double_nothing(s: GatewayStore) {
        const SENDERS: usize = 8;
        const EACH: usize = 60;
        let s = Arc::new(s);
        s.set_client("0412", "h").unwrap();
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let poller = {
            let (s, done) = (s.clone(), done.clone());
            std::thread::spawn(move || {
                let mut cursor = 0;
                let mut seen = Vec::new();
                loop {
                    let finished = done.load(std::sync::atomic::Ordering::SeqCst) == SENDERS;
                    let page = s.pull("0412", cursor, 50).unwrap();
                    if page.is_empty() && finished {
                        return seen;
                    }
                    for m in page {
                        s.ack("0412", &m.message_id, true, None).unwrap();
                        cursor = m.seq;
                        seen.push((m.seq, m.message_id));
                    }
                }
            })
        };
        let senders: Vec<_> = (0..SENDERS)
            .map(|k| {
                let (s, done) = (s.clone(), done.clone());
                std::thread::spawn(move || {
                    let from = format!("con-{k}");
                    let mut mine = Vec::new();
                    for i in 0..EACH {
                        // Some in batches of two, to a second recipient as well.
                        let ids = [format!("{from}-{i}"), format!("{from}-{i}-x")];
                        let items = [
                            incoming(&ids[0], "x", &from, "0412"),
                            incoming(&ids[1], "x", &from, "0413"),
                        ];
                        let n = if i % 3 == 0 { 2 } else { 1 };
                        let a = s.accept_many(&items[..n], answer).unwrap();
                        let Accept::New(text) = &a[0] else {
                            panic!("{a:?}")
                        };
                        mine.push(text.rsplit(':').next().unwrap().parse::<i64>().unwrap());
                    }
                    done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    mine
                })
            })
            .collect();
        let mut all = BTreeSet::new();
        for t in senders {
            let mine = t.join().unwrap();
            assert!(mine.windows(2).all(|w| w[0] < w[1]), "a sender's order");
            all.extend(mine);
        }
        let seen = poller.join().unwrap();
        assert_eq!(all.len(), SENDERS * EACH, "every seq distinct");
        assert!(
            seen.windows(2).all(|w| w[0].0 < w[1].0),
            "delivered in seq order"
        );
        let delivered: BTreeSet<i64> = seen.iter().map(|x| x.0).collect();
        let lost: Vec<_> = all.difference(&delivered).collect();
        assert!(lost.is_empty(), "never delivered: {lost:?}");
        assert_eq!(seen.len(), SENDERS * EACH, "nothing delivered twice");
        assert_eq!(s.counts().unwrap().delivered, (SENDERS * EACH) as i64);
    }
}
