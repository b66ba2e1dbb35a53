//! The append-only audit log. Each entry carries the SHA-256 of the previous entry, and its own
//! hash covers its id, so an edited, deleted or reordered entry breaks the chain. The newest
//! entry's id and hash are also kept in `settings` (`audit_head`), updated in the same
//! transaction, so cutting entries off the end is caught too. Triggers refuse UPDATE and DELETE.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::sql::{Row, params};
use super::{Db, Result, Tx, get_setting, set_setting};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What to record.
#[derive(Debug, Clone, Default)]
pub struct NewEntry<'a> {
    pub at: &'a str,
    pub user_id: Option<i64>,
    pub user_iin: Option<&'a str>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub details: serde_json::Value,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub user_id: Option<i64>,
    pub user_iin: Option<String>,
    pub workstation: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &str,
    id: i64,
    at: &str,
    user_id: Option<i64>,
    user_iin: Option<&str>,
    workstation: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    details: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &id.to_string(),
        at,
        &user_id.map(|u| u.to_string()).unwrap_or_default(),
        user_iin.unwrap_or(""),
        workstation,
        action,
        entity,
        entity_id,
        details,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an entry; returns its id.
pub fn append(tx: &Tx<'_>, e: &NewEntry<'_>) -> Result<i64> {
    let last: Option<(i64, String)> = tx
        .query_opt("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &[])?
        .map(|r| Ok::<_, super::StoreError>((r.get(0)?, r.get(1)?)))
        .transpose()?;
    let (prev_id, prev) = last.unwrap_or((0, GENESIS.to_string()));
    let id = prev_id + 1;
    let details = serde_json::to_string(&e.details)?;
    let hash = entry_hash(
        &prev,
        id,
        e.at,
        e.user_id,
        e.user_iin,
        tx.workstation,
        e.action,
        e.entity,
        e.entity_id,
        &details,
    );
    tx.execute(
        "INSERT INTO audit(id, at, user_id, user_iin, workstation, action, entity, entity_id, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        params![
            id,
            e.at,
            e.user_id,
            e.user_iin,
            tx.workstation,
            e.action,
            e.entity,
            e.entity_id,
            details,
            prev,
            hash
        ],
    )?;
    set_setting(tx, "audit_head", &format!("{id}:{hash}"))?;
    Ok(id)
}

/// The first break found in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Break {
    /// The entry's content does not match its hash: it was edited (or moved to another id).
    Edited { id: i64 },
    /// Entries are missing between these ids.
    Deleted { after: i64, before: i64 },
    /// The entry does not follow the one before it (reordered, or replaced).
    Reordered { id: i64 },
    /// The newest entries were cut off (the head recorded at the last write is gone).
    Truncated {
        last_present: i64,
        expected_last: i64,
    },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Edited { id } => write!(f, "entry {id} was edited or moved"),
            Break::Deleted { after, before } => {
                write!(f, "entries between {after} and {before} were deleted")
            }
            Break::Reordered { id } => write!(f, "entry {id} does not follow the entry before it"),
            Break::Truncated {
                last_present,
                expected_last,
            } => write!(
                f,
                "the log ends at entry {last_present} but entry {expected_last} was written"
            ),
        }
    }
}

/// Result of a full check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub entries: i64,
    pub problem: Option<Break>,
}

/// Walks the whole chain.
pub fn verify(db: &impl Db) -> Result<Verdict> {
    let mut prev_id = 0i64;
    let mut prev_hash = GENESIS.to_string();
    let mut count = 0i64;
    let mut found: Option<Break> = None;
    db.each(
        "SELECT id, at, user_id, user_iin, workstation, action, entity, entity_id, details, prev_hash, hash
         FROM audit ORDER BY id",
        &[],
        &mut |r: Row| {
            if found.is_some() {
                return Ok(());
            }
            count += 1;
            let e = entry_from(&r)?;
            let recomputed = entry_hash(
                &e.prev_hash,
                e.id,
                &e.at,
                e.user_id,
                e.user_iin.as_deref(),
                &e.workstation,
                &e.action,
                &e.entity,
                &e.entity_id,
                &e.details,
            );
            if recomputed != e.hash {
                found = Some(Break::Edited { id: e.id });
                return Ok(());
            }
            if e.prev_hash != prev_hash {
                found = Some(if e.id != prev_id + 1 {
                    Break::Deleted {
                        after: prev_id,
                        before: e.id,
                    }
                } else {
                    Break::Reordered { id: e.id }
                });
                return Ok(());
            }
            prev_id = e.id;
            prev_hash = e.hash;
            Ok(())
        },
    )?;
    if found.is_some() {
        return Ok(Verdict {
            entries: count,
            problem: found,
        });
    }
    if let Some(head) = get_setting(db, "audit_head")? {
        let (hid, hhash) = head.split_once(':').unwrap_or(("0", ""));
        let hid: i64 = hid.parse().unwrap_or(0);
        if hid != prev_id || hhash != prev_hash {
            return Ok(Verdict {
                entries: count,
                problem: Some(Break::Truncated {
                    last_present: prev_id,
                    expected_last: hid,
                }),
            });
        }
    }
    Ok(Verdict {
        entries: count,
        problem: None,
    })
}

fn entry_from(r: &Row) -> Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        at: r.get(1)?,
        user_id: r.get(2)?,
        user_iin: r.get(3)?,
        workstation: r.get(4)?,
        action: r.get(5)?,
        entity: r.get(6)?,
        entity_id: r.get(7)?,
        details: r.get(8)?,
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

/// Entries about one entity, oldest first (the history timeline of an application).
pub fn for_entity(db: &impl Db, entity: &str, entity_id: &str) -> Result<Vec<Entry>> {
    db.query(
        "SELECT id, at, user_id, user_iin, workstation, action, entity, entity_id, details, prev_hash, hash
         FROM audit WHERE entity = $1 AND entity_id = $2 ORDER BY id",
        params![entity, entity_id],
    )?
    .iter()
    .map(entry_from)
    .collect()
}

/// Number of entries with this action (reports, tests).
pub fn count_action(db: &impl Db, action: &str) -> Result<i64> {
    db.query_one(
        "SELECT count(*) FROM audit WHERE action = $1",
        params![action],
    )?
    .get(0)
}

#[cfg(test)]
pub(crate) mod tamper {
    //! Test helpers that break the log the way an attacker with the database file would:
    //! drop the triggers, change rows, put the triggers back.
    use super::super::Store;

    pub fn exec(store: &Store, sql: &str) {
        store
            .write(|tx| {
                tx.batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")?;
                tx.batch(sql)?;
                tx.batch(
                    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                     CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
                )?;
                Ok::<_, super::super::StoreError>(())
            })
            .unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StoreError};

    fn store_with(n: usize) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("a.sqlite")).unwrap();
        s.set_workstation("01");
        for i in 0..n {
            s.write(|tx| {
                append(
                    tx,
                    &NewEntry {
                        at: "2026-11-22T05:00:00Z",
                        user_id: Some(1),
                        user_iin: Some("850315300128"),
                        action: "test",
                        entity: "application",
                        entity_id: &i.to_string(),
                        details: serde_json::json!({"n": i}),
                    },
                )
            })
            .unwrap();
        }
        (dir, s)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let (_d, s) = store_with(5);
        let v = s.read(|r| verify(r)).unwrap();
        assert_eq!(v.entries, 5);
        assert_eq!(v.problem, None);
    }

    #[test]
    fn updates_and_deletes_are_refused_by_the_database() {
        let (_d, s) = store_with(2);
        let r: Result<(), StoreError> = s.write(|tx| {
            tx.execute("UPDATE audit SET action = 'x' WHERE id = 1", &[])?;
            Ok(())
        });
        assert!(r.unwrap_err().to_string().contains("append-only"));
        let r: Result<(), StoreError> = s.write(|tx| {
            tx.execute("DELETE FROM audit WHERE id = 1", &[])?;
            Ok(())
        });
        assert!(r.is_err());
    }

    #[test]
    fn an_edited_entry_is_found() {
        let (_d, s) = store_with(5);
        tamper::exec(&s, "UPDATE audit SET details = '{\"n\":99}' WHERE id = 3");
        let v = s.read(|r| verify(r)).unwrap();
        assert_eq!(v.problem, Some(Break::Edited { id: 3 }));
    }

    #[test]
    fn a_deleted_entry_is_found() {
        let (_d, s) = store_with(5);
        tamper::exec(&s, "DELETE FROM audit WHERE id = 3");
        let v = s.read(|r| verify(r)).unwrap();
        assert_eq!(
            v.problem,
            Some(Break::Deleted {
                after: 2,
                before: 4
            })
        );
    }

    #[test]
    fn reordered_entries_are_found() {
        let (_d, s) = store_with(5);
        // Swap the content of entries 2 and 3 keeping ids: both hashes must be recomputed by
        // the attacker to pass the "edited" check, so emulate the strongest attacker: swap
        // whole rows under new ids.
        tamper::exec(
            &s,
            "UPDATE audit SET id = 100 WHERE id = 2; UPDATE audit SET id = 2 WHERE id = 3; UPDATE audit SET id = 3 WHERE id = 100;",
        );
        let v = s.read(|r| verify(r)).unwrap();
        assert!(matches!(v.problem, Some(Break::Edited { id: 2 })), "{v:?}");
    }

    #[test]
    fn a_cut_off_tail_is_found() {
        let (_d, s) = store_with(5);
        tamper::exec(&s, "DELETE FROM audit WHERE id >= 4");
        let v = s.read(|r| verify(r)).unwrap();
        assert_eq!(
            v.problem,
            Some(Break::Truncated {
                last_present: 3,
                expected_last: 5
            })
        );
    }

    #[test]
    fn a_rechained_forgery_with_a_wrong_predecessor_is_found() {
        let (_d, s) = store_with(4);
        // Replace entry 3's prev_hash with entry 1's hash and recompute its own hash so it
        // passes the edit check: the link to entry 2 is then broken.
        let (h1, e3): (String, Entry) = s
            .read(|r| {
                let h1: String = r
                    .query_one("SELECT hash FROM audit WHERE id = 1", &[])?
                    .get(0)?;
                let e3 = for_entity(r, "application", "2")?.remove(0);
                Ok::<_, StoreError>((h1, e3))
            })
            .unwrap();
        let forged = entry_hash(
            &h1,
            3,
            &e3.at,
            e3.user_id,
            e3.user_iin.as_deref(),
            &e3.workstation,
            &e3.action,
            &e3.entity,
            &e3.entity_id,
            &e3.details,
        );
        tamper::exec(
            &s,
            &format!("UPDATE audit SET prev_hash = '{h1}', hash = '{forged}' WHERE id = 3"),
        );
        let v = s.read(|r| verify(r)).unwrap();
        assert_eq!(v.problem, Some(Break::Reordered { id: 3 }));
    }
}
