//! The audit chain's protection beyond the database file: the key its links are made with
//! (`keys/audit.key` in the data directory, readable by its owner only) and the witness of its
//! head kept by the regional gateway (see [`crate::store::audit`]).
//!
//! An office on the office server (PostgreSQL): its PCs share no data directory, so an office
//! set up there keeps the plain chain, and one moved there from its file keeps its key in the
//! server's settings ([`SERVER_KEY`]); the server's own access control stands between the
//! clerks and the tables, and the gateway's witness covers it the same way.

use std::io::Write;
use std::path::Path;

use super::{DataDir, Desk, Result, stamp};
use crate::store::audit::{self, Break, Verdict};
use crate::store::sql::Row;
use crate::store::{Db, StoreError};
use serde::{Deserialize, Serialize};

/// The key file's name in `keys/`.
pub const KEY_FILE: &str = "audit.key";

/// What an office reports to the gateway at every exchange, and the gateway keeps as a
/// witness: its audit chain's head and its journal counters (`PUT /v1/witness`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Witness {
    /// The number of audit entries (the newest entry's id).
    pub audit_count: i64,
    /// The newest entry's hash.
    pub audit_hash: String,
    /// The last number issued per journal, year and workstation.
    #[serde(default)]
    pub journals: Vec<JournalMark>,
    /// The first report after the office was restored from a backup: its log legitimately
    /// departs from the heads witnessed before, so the gateway starts a new history (it keeps
    /// the old one, and the restore is on record).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub restored: bool,
}

/// The last number a journal issued.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct JournalMark {
    pub journal: String,
    pub year: i64,
    pub workstation: String,
    pub last: i64,
}

/// One witnessed head of the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WitnessPoint {
    pub audit_count: i64,
    pub audit_hash: String,
    pub at: String,
}

/// What the gateway witnessed for the caller (`GET /v1/witness`): the newest report, and the
/// heads it witnessed, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Witnessed {
    pub latest: Option<Witness>,
    pub history: Vec<WitnessPoint>,
}

fn io_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Io(std::io::Error::new(
        e.kind(),
        format!("{}: {e}", path.display()),
    ))
}

/// The office's audit key: read from `keys/audit.key`, or, when `create` and there is none,
/// made now (32 random bytes, 0600). `Ok(None)` when there is none and it cannot be made (a
/// read-only data directory: then nothing is written anyway).
pub(crate) fn load_key(dir: &DataDir, create: bool) -> Result<Option<Vec<u8>>> {
    let path = dir.keys().join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let first = text.lines().next().unwrap_or_default();
            let key = hex::decode(first.trim()).ok().filter(|k| k.len() == 32);
            match key {
                Some(k) => Ok(Some(k)),
                None => Err(StoreError::Corrupt(format!(
                    "{}: not an audit key (64 hex digits)",
                    path.display()
                ))
                .into()),
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if !create {
                return Ok(None);
            }
            let mut key = [0u8; 32];
            ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut key)
                .map_err(|_| StoreError::Corrupt("no randomness for the audit key".into()))?;
            let mut o = std::fs::OpenOptions::new();
            o.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            let written = o.open(&path).and_then(|mut f| {
                f.write_all(hex::encode(key).as_bytes())?;
                f.sync_all()
            });
            match written {
                Ok(()) => Ok(Some(key.to_vec())),
                // A read-only data directory: nothing will be written, so nothing to key.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::PermissionDenied
                            | std::io::ErrorKind::ReadOnlyFilesystem
                    ) =>
                {
                    Ok(None)
                }
                Err(e) => Err(io_error(&path, e).into()),
            }
        }
        Err(e) => Err(io_error(&path, e).into()),
    }
}

/// Where the keyed chain started, from the key file's second line (`start ID HASH`), written
/// when the chain started: a log whose keyed start is gone is then seen even if the marked
/// entry and the settings were all deleted.
pub(crate) fn key_start(dir: &DataDir) -> Option<(i64, String)> {
    let text = std::fs::read_to_string(dir.keys().join(KEY_FILE)).ok()?;
    let line = text.lines().nth(1)?;
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some("start"), Some(id), Some(hash)) => Some((id.parse().ok()?, hash.to_string())),
        _ => None,
    }
}

/// Records where the keyed chain started beside the key (rewritten whole, owner-only).
fn record_start(dir: &DataDir, id: i64, hash: &str) -> Result<()> {
    let path = dir.keys().join(KEY_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| io_error(&path, e))?;
    let key = text.lines().next().unwrap_or_default().trim().to_string();
    let tmp = dir.keys().join(format!(".{KEY_FILE}.tmp"));
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(&tmp)
        .and_then(|mut f| {
            f.write_all(format!("{key}\nstart {id} {hash}\n").as_bytes())?;
            f.sync_all()
        })
        .map_err(|e| io_error(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io_error(&path, e))?;
    Ok(())
}

/// The setting an office moved to the server keeps its chain's key in (every PC of it
/// appends to the one chain).
pub(crate) const SERVER_KEY: &str = "audit_key";

/// The key of an office on the server, if it was moved there with a keyed chain.
pub(crate) fn server_key(store: &crate::store::Store) -> Result<Option<Vec<u8>>> {
    Ok(store
        .read(|r| crate::store::get_setting(r, SERVER_KEY))?
        .and_then(|h| hex::decode(h).ok())
        .filter(|k| k.len() == 32))
}

impl Desk {
    /// Starts the keyed chain if this office has a key and its chain is not keyed yet (the first
    /// start after the key was made). Fails quietly on a read-only data directory.
    pub(crate) fn start_keyed_audit(&self) {
        if self.store.audit_key().is_none() || self.store.backend() != crate::store::Backend::Sqlite
        {
            return;
        }
        let recorded = key_start(&self.dir);
        if recorded.is_some() {
            // Started before: never again by itself (a log whose start was deleted stays
            // reported, not quietly keyed anew).
            self.store.set_audit_start(recorded);
            return;
        }
        // A new key (or a start not recorded yet): start the chain, and record where.
        let now = stamp(self.now());
        let start = self.store.write(|tx| {
            Ok::<_, StoreError>(match audit::ensure_keyed(tx, &now)? {
                Some(s) => Some(s),
                None => audit::keyed_start(tx)?,
            })
        });
        if let Ok(Some((id, hash))) = start
            && record_start(&self.dir, id, &hash).is_ok()
        {
            self.store.set_audit_start(Some((id, hash)));
        }
    }

    /// Checks the whole audit chain in one snapshot (writes by others meanwhile do not look
    /// like a break), keyed links with the office's key.
    pub fn verify_audit(&self) -> Result<Verdict> {
        let key = self.store.audit_key();
        let start = self.store.audit_start();
        Ok(self.store.snapshot(|r| {
            audit::verify_with(
                r,
                key.as_deref(),
                start.as_ref().map(|(i, h)| (*i, h.as_str())),
            )
        })?)
    }

    /// What the office reports to the gateway at every exchange: the audit chain's head and the
    /// journal counters, read in one snapshot.
    pub fn witness_report(&self) -> Result<Witness> {
        Ok(self.store.snapshot(|r| {
            let (count, hash) = audit::head(r)?;
            let journals = r
                .query(
                    "SELECT journal, year, workstation, last FROM journal_counters ORDER BY journal, year, workstation",
                    &[],
                )?
                .iter()
                .map(|row: &Row| {
                    Ok(JournalMark {
                        journal: row.get(0)?,
                        year: row.get(1)?,
                        workstation: row.get(2)?,
                        last: row.get(3)?,
                    })
                })
                .collect::<std::result::Result<Vec<_>, StoreError>>()?;
            Ok::<_, StoreError>(Witness {
                audit_count: count,
                audit_hash: hash,
                journals,
                restored: false,
            })
        })?)
    }

    /// Checks the chain (as [`Desk::verify_audit`]) and then compares it with what the gateway
    /// witnessed: a log shorter than the witnessed head was cut; the first witnessed head that
    /// the log no longer has is named.
    pub fn verify_audit_witnessed(&self, w: &Witnessed) -> Result<Verdict> {
        let key = self.store.audit_key();
        let start = self.store.audit_start();
        Ok(self.store.snapshot(|r| {
            let v = audit::verify_with(
                r,
                key.as_deref(),
                start.as_ref().map(|(i, h)| (*i, h.as_str())),
            )?;
            if v.problem.is_some() {
                return Ok::<_, StoreError>(v);
            }
            let (count, _) = audit::head(r)?;
            let witnessed = w.latest.as_ref().map(|l| l.audit_count).unwrap_or(0);
            let mut matched = 0;
            for p in &w.history {
                let here = audit::hash_of(r, p.audit_count)?;
                if p.audit_count > 0 && here.as_deref() != Some(p.audit_hash.as_str()) {
                    let problem = if here.is_none() {
                        Break::WitnessTruncated {
                            present: count,
                            witnessed: witnessed.max(p.audit_count),
                        }
                    } else {
                        Break::WitnessDiffers {
                            id: p.audit_count,
                            after: matched,
                        }
                    };
                    return Ok(Verdict {
                        entries: v.entries,
                        problem: Some(problem),
                    });
                }
                matched = matched.max(p.audit_count);
            }
            if count < witnessed {
                return Ok(Verdict {
                    entries: v.entries,
                    problem: Some(Break::WitnessTruncated {
                        present: count,
                        witnessed,
                    }),
                });
            }
            Ok(v)
        })?)
    }
}

/// Reads a key file's presence without making one (for the checks at start).
pub fn key_path(dir: &DataDir) -> std::path::PathBuf {
    dir.keys().join(KEY_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_with_owner_only_rights_and_then_read_back() {
        let t = tempfile::tempdir().unwrap();
        let dir = DataDir::new(t.path());
        std::fs::create_dir_all(dir.keys()).unwrap();
        assert_eq!(load_key(&dir, false).unwrap(), None);
        let k = load_key(&dir, true).unwrap().unwrap();
        assert_eq!(k.len(), 32);
        assert_eq!(load_key(&dir, true).unwrap(), Some(k));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(&dir))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(key_path(&dir), "short").unwrap();
        let e = load_key(&dir, true).unwrap_err();
        assert!(e.to_string().contains("audit.key"), "{e}");
    }
}
