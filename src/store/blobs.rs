//! Scans and signed papers, named by the SHA-256 of their bytes and checked against it on every
//! read, wherever the office keeps them: files under the data directory of a one-PC office
//! ([`files::Blobs`]), or the office server's database, so a head on any PC opens a scan the
//! registrar took on another (`blobs` and `blob_chunks`, migration 06).
//!
//! On the server a blob is stored in chunks of [`CHUNK`] bytes: a write sends one chunk at a
//! time, a read fetches one chunk at a time and hashes as it goes, so a file is never held in
//! memory twice over. Storing the same bytes again is a no-op (content addressing), so a blob
//! written before an action that then failed is harmless.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::files::{self, sha256_hex};
use super::pg::{self, Pool};
use super::sql::{Value, params};
use super::{Db, Result, Store, StoreError};

/// Bytes per stored chunk on the server.
pub const CHUNK: usize = 256 * 1024;

/// Which collection: the citizens' scans or the office's signed papers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Attachment,
    Document,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Attachment => "attachment",
            Kind::Document => "document",
        }
    }
}

/// A collection of content-addressed blobs.
#[derive(Clone)]
pub enum Blobs {
    /// Files in a folder of the data directory (SQLite offices).
    Files(files::Blobs),
    /// Rows in the office server's database.
    Server(Arc<ServerBlobs>),
}

/// The blobs of one kind in the office server's database.
pub struct ServerBlobs {
    pool: Pool,
    kind: Kind,
}

fn valid_name(sha: &str) -> bool {
    sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Blobs {
    /// The collection a store keeps: the folder `dir` for SQLite, the database for PostgreSQL.
    pub fn for_store(store: &Store, kind: Kind, dir: std::path::PathBuf) -> Result<Blobs> {
        match store.pg_target() {
            Some(t) => Ok(Blobs::Server(Arc::new(ServerBlobs {
                pool: Pool::new(t.clone()),
                kind,
            }))),
            None => Ok(Blobs::Files(files::Blobs::new(dir)?)),
        }
    }

    /// Stores bytes durably; returns their SHA-256.
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        match self {
            Blobs::Files(f) => f.put(bytes),
            Blobs::Server(s) => s.put(bytes),
        }
    }

    /// Stores several byte strings; returns their SHA-256s in order.
    pub fn put_all(&self, items: &[&[u8]]) -> Result<Vec<String>> {
        match self {
            Blobs::Files(f) => f.put_all(items),
            Blobs::Server(s) => items.iter().map(|b| s.put(b)).collect(),
        }
    }

    /// Reads a blob and checks it still has the hash it is named by.
    pub fn get(&self, sha: &str) -> Result<Vec<u8>> {
        match self {
            Blobs::Files(f) => f.get(sha),
            Blobs::Server(s) => s.get(sha),
        }
    }

    pub fn exists(&self, sha: &str) -> Result<bool> {
        match self {
            Blobs::Files(f) => Ok(f.exists(sha)),
            Blobs::Server(s) => s.exists(sha),
        }
    }

    /// All blob names present.
    pub fn list(&self) -> Result<Vec<String>> {
        match self {
            Blobs::Files(f) => f.list(),
            Blobs::Server(s) => s.list(),
        }
    }

    /// The folder, for a SQLite office.
    pub fn files(&self) -> Option<&files::Blobs> {
        match self {
            Blobs::Files(f) => Some(f),
            Blobs::Server(_) => None,
        }
    }
}

/// Text for a `ctext` column (the driver's own `String` does not bind to a domain).
fn txt(s: &str) -> Value {
    Value::Text(s.to_string())
}

impl ServerBlobs {
    fn with<T>(&self, f: impl FnOnce(&mut pg::Conn) -> Result<T>) -> Result<T> {
        let mut c = self.pool.get()?;
        let out = f(&mut c);
        self.pool.put(c);
        out
    }

    fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha = sha256_hex(bytes);
        if self.exists(&sha)? {
            return Ok(sha);
        }
        self.with(|c| {
            let mut t = c.client.transaction()?;
            // Two PCs storing the same scan at once: the second waits here and then finds it.
            let inserted = t.execute(
                "INSERT INTO blobs(sha256, kind, size, chunks, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (sha256, kind) DO NOTHING",
                &[
                    &txt(&sha),
                    &txt(self.kind.code()),
                    &(bytes.len() as i64),
                    &(bytes.len().div_ceil(CHUNK) as i64),
                    &txt(&chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                ],
            )?;
            if inserted == 1 {
                let st = t.prepare(
                    "INSERT INTO blob_chunks(sha256, kind, n, data) VALUES ($1, $2, $3, $4)",
                )?;
                for (n, chunk) in bytes.chunks(CHUNK).enumerate() {
                    t.execute(&st, &[&txt(&sha), &txt(self.kind.code()), &(n as i64), &chunk])?;
                }
            }
            t.commit()?;
            Ok(())
        })?;
        Ok(sha)
    }

    fn exists(&self, sha: &str) -> Result<bool> {
        if !valid_name(sha) {
            return Ok(false);
        }
        self.with(|c| {
            Ok(c.client
                .query_opt(
                    "SELECT 1 FROM blobs WHERE sha256 = $1 AND kind = $2",
                    &[&txt(sha), &txt(self.kind.code())],
                )?
                .is_some())
        })
    }

    fn get(&self, sha: &str) -> Result<Vec<u8>> {
        if !valid_name(sha) {
            return Err(StoreError::Corrupt(format!("{sha:?} is not a file hash")));
        }
        self.with(|c| {
            let head = c.client.query_opt(
                "SELECT size, chunks FROM blobs WHERE sha256 = $1 AND kind = $2",
                &[&txt(sha), &txt(self.kind.code())],
            )?;
            let Some(head) = head else {
                return Err(StoreError::NotFound(format!("file {sha}")));
            };
            let size: i64 = head.get(0);
            let chunks: i64 = head.get(1);
            let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            let mut h = Sha256::new();
            let st = c.client.prepare(
                "SELECT data FROM blob_chunks WHERE sha256 = $1 AND kind = $2 AND n = $3",
            )?;
            for n in 0..chunks {
                let row = c
                    .client
                    .query_opt(&st, &[&txt(sha), &txt(self.kind.code()), &n])?;
                let Some(row) = row else {
                    return Err(StoreError::Corrupt(format!(
                        "file {sha} lacks its part {n} in the database"
                    )));
                };
                let data: &[u8] = row.get(0);
                h.update(data);
                out.extend_from_slice(data);
            }
            let actual = hex::encode(h.finalize());
            if actual != sha || out.len() as i64 != size {
                return Err(StoreError::Corrupt(format!(
                    "file {sha} has been changed in the database (its content hash is now {actual})"
                )));
            }
            Ok(out)
        })
    }

    fn list(&self) -> Result<Vec<String>> {
        self.with(|c| {
            Ok(c.client
                .query(
                    "SELECT sha256 FROM blobs WHERE kind = $1 ORDER BY sha256",
                    &[&txt(self.kind.code())],
                )?
                .iter()
                .map(|r| match r.get::<_, Value>(0) {
                    Value::Text(s) => s,
                    _ => String::new(),
                })
                .collect())
        })
    }
}

/// Blob names the database refers to but the collection lacks (the check after a move or a
/// restore). `names` are the hashes the rows name.
pub fn missing(blobs: &Blobs, names: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for n in names {
        if !blobs.exists(n)? {
            out.push(n.clone());
        }
    }
    Ok(out)
}

/// Counts of the server's blobs by kind (for `move-to`'s proof and the README's numbers).
pub fn count(db: &impl Db, kind: Kind) -> Result<i64> {
    db.query_one(
        "SELECT count(*) FROM blobs WHERE kind = $1",
        params![kind.code()],
    )?
    .get(0)
}
