//! The append-only audit log. Each entry carries the hash of the previous entry, and its own
//! hash covers its id, so an edited, deleted or reordered entry breaks the chain. The newest
//! entry's id and hash are also kept in `settings` (`audit_head`), updated in the same
//! transaction, so cutting entries off the end is caught too. Triggers refuse UPDATE and DELETE.
//!
//! **Keyed links.** A plain SHA-256 chain can be recomputed by anyone who can open the
//! database file. So an office whose data directory holds an audit key (`keys/audit.key`, 32
//! random bytes, readable by its owner only: see `desk::DataDir`) links its entries with
//! HMAC-SHA256 under that key instead. The keyed chain starts at a marked entry
//! ([`KEYED_MARKER`]): older entries of an office set up before keep their plain links, every
//! entry from the marker on is keyed. Whoever has the database file but not the key cannot edit
//! an entry and recompute the links, nor rewrite the log without the marker unseen (with the
//! key present, a log without its keyed start is reported). What the key cannot show — the
//! newest entries cut off together with `audit_head`, or the whole log replaced by an older
//! copy — the regional gateway's witness of the chain's head shows (`audit verify --witness`).

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The action of the entry where the keyed chain starts.
pub const KEYED_MARKER: &str = "audit_keyed";

/// The setting that tells `append` the keyed chain has started (verification does not trust
/// it: it looks for the marked entry itself).
const KEYED_FROM: &str = "audit_keyed_from";

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
    key: Option<&[u8]>,
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
    let id = id.to_string();
    let user = user_id.map(|u| u.to_string()).unwrap_or_default();
    let parts = [
        prev,
        &id,
        at,
        &user,
        user_iin.unwrap_or(""),
        workstation,
        action,
        entity,
        entity_id,
        details,
    ];
    match key {
        None => {
            let mut h = Sha256::new();
            for part in parts {
                h.update((part.len() as u64).to_le_bytes());
                h.update(part.as_bytes());
            }
            hex::encode(h.finalize())
        }
        Some(key) => {
            let mut h =
                ring::hmac::Context::with_key(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key));
            for part in parts {
                h.update(&(part.len() as u64).to_le_bytes());
                h.update(part.as_bytes());
            }
            hex::encode(h.sign().as_ref())
        }
    }
}

/// Appends an entry; returns its id.
pub fn append(tx: &Tx<'_>, e: &NewEntry<'_>) -> Result<i64> {
    // Keyed once the keyed chain has started here ([`ensure_keyed`]); it never starts by
    // itself, so a log whose start was deleted is not quietly started again.
    let key = match &tx.audit_key {
        Some(k) if get_setting(tx, KEYED_FROM)?.is_some() => Some(&**k),
        _ => None,
    };
    append_one(tx, e, key)
}

/// Writes the marked entry where the keyed chain starts (once); returns its id and hash.
fn start_keyed(tx: &Tx<'_>, at: &str, key: &[u8]) -> Result<(i64, String)> {
    let id = append_one(
        tx,
        &NewEntry {
            at,
            action: KEYED_MARKER,
            entity: "audit",
            entity_id: "",
            details: serde_json::json!({"links": "HMAC-SHA256"}),
            ..Default::default()
        },
        Some(key),
    )?;
    set_setting(tx, KEYED_FROM, &id.to_string())?;
    let hash = hash_of(tx, id)?.unwrap_or_default();
    Ok((id, hash))
}

/// Starts the keyed chain now if this store has a key and the chain is not keyed yet (an
/// office's first start with a new key); returns the marked entry's id and hash, which the
/// caller keeps outside the database (beside the key), so that a log whose keyed start was
/// deleted is seen.
pub fn ensure_keyed(tx: &Tx<'_>, at: &str) -> Result<Option<(i64, String)>> {
    match tx.audit_key.clone() {
        Some(key) if get_setting(tx, KEYED_FROM)?.is_none() => Ok(Some(start_keyed(tx, at, &key)?)),
        _ => Ok(None),
    }
}

/// Where the keyed chain started, as `append` recorded it (id and the entry's hash).
pub fn keyed_start(db: &impl Db) -> Result<Option<(i64, String)>> {
    let Some(id) = get_setting(db, KEYED_FROM)?.and_then(|v| v.parse::<i64>().ok()) else {
        return Ok(None);
    };
    Ok(hash_of(db, id)?.map(|h| (id, h)))
}

/// Whether the keyed chain has started here (as `append` records it).
pub fn keyed_started(db: &impl Db) -> Result<bool> {
    Ok(get_setting(db, KEYED_FROM)?.is_some())
}

/// The newest entry's id (= the number of entries) and hash: what the gateway witnesses.
pub fn head(db: &impl Db) -> Result<(i64, String)> {
    Ok(db
        .query_opt("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &[])?
        .map(|r| Ok::<_, super::StoreError>((r.get(0)?, r.get(1)?)))
        .transpose()?
        .unwrap_or((0, GENESIS.to_string())))
}

/// The hash of entry `id`, if it exists.
pub fn hash_of(db: &impl Db, id: i64) -> Result<Option<String>> {
    db.query_opt("SELECT hash FROM audit WHERE id = $1", params![id])?
        .map(|r| r.get(0))
        .transpose()
}

fn append_one(tx: &Tx<'_>, e: &NewEntry<'_>, key: Option<&[u8]>) -> Result<i64> {
    let last: Option<(i64, String)> = tx
        .query_opt("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &[])?
        .map(|r| Ok::<_, super::StoreError>((r.get(0)?, r.get(1)?)))
        .transpose()?;
    let (prev_id, prev) = last.unwrap_or((0, GENESIS.to_string()));
    let id = prev_id + 1;
    let details = serde_json::to_string(&e.details)?;
    let hash = entry_hash(
        key,
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
    /// The office keys its chain, but the log has no keyed start: it was rewritten by someone
    /// without the key.
    NotKeyed,
    /// Entries from this one on are keyed, and the key to check them is not here.
    KeyMissing { from: i64 },
    /// The regional gateway witnessed more entries than the log holds: its end was cut off.
    WitnessTruncated { present: i64, witnessed: i64 },
    /// Entry `id` is not the entry the gateway witnessed (the first witnessed point that
    /// differs; entries after `after` match the witness no more).
    WitnessDiffers { id: i64, after: i64 },
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
            Break::NotKeyed => write!(
                f,
                "the office keys its audit chain, but the log has no keyed start: it was rewritten"
            ),
            Break::KeyMissing { from } => write!(
                f,
                "entries from {from} on are keyed and the audit key (keys/audit.key) is missing"
            ),
            Break::WitnessTruncated { present, witnessed } => write!(
                f,
                "the gateway witnessed {witnessed} entries, the log holds {present}: its end was cut off"
            ),
            Break::WitnessDiffers { id, after } => write!(
                f,
                "entry {id} is not the one the gateway witnessed (the log differs somewhere after entry {after})"
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

/// Walks the whole chain (an office without an audit key).
pub fn verify(db: &impl Db) -> Result<Verdict> {
    verify_with(db, None, None)
}

/// Walks the whole chain, checking keyed links with `key`. `start`: where the keyed chain
/// started (the marked entry's id and hash, kept beside the key); without it the marked entry
/// is looked for. Run it inside one snapshot ([`super::Store::snapshot`]) so that writes by
/// others do not look like a break.
pub fn verify_with(
    db: &impl Db,
    key: Option<&[u8]>,
    start: Option<(i64, &str)>,
) -> Result<Verdict> {
    let mut prev_id = 0i64;
    let mut prev_hash = GENESIS.to_string();
    let mut count = 0i64;
    let mut found: Option<Break> = None;
    let mut keyed = false;
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
            let starts_here = match start {
                Some((id, _)) => e.id == id,
                None => e.action == KEYED_MARKER,
            };
            if !keyed && starts_here {
                if let Some((_, hash)) = start
                    && (e.action != KEYED_MARKER || e.hash != hash)
                {
                    found = Some(Break::NotKeyed);
                    return Ok(());
                }
                keyed = true;
            }
            if keyed && key.is_none() {
                found = Some(Break::KeyMissing { from: e.id });
                return Ok(());
            }
            let recomputed = entry_hash(
                if keyed { key } else { None },
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
    if found.is_none() && key.is_some() && !keyed {
        found = Some(Break::NotKeyed);
    }
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
            None,
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

    fn append_n(s: &Store, from: usize, n: usize) {
        for i in from..from + n {
            s.write(|tx| {
                append(
                    tx,
                    &NewEntry {
                        at: "2026-11-22T05:00:00Z",
                        action: "test",
                        entity: "application",
                        entity_id: &i.to_string(),
                        details: serde_json::json!({"n": i}),
                        ..Default::default()
                    },
                )
            })
            .unwrap();
        }
    }

    #[test]
    fn an_old_chain_goes_on_keyed_from_a_marked_entry() {
        let (_d, s) = store_with(3);
        let key = vec![7u8; 32];
        s.set_audit_key(Some(key.clone()));
        let start = start(&s);
        assert_eq!(start.0, 4);
        append_n(&s, 3, 3);
        // 3 plain entries, the marker, 3 keyed.
        let v = s.snapshot(|r| verify_with(r, Some(&key), None)).unwrap();
        assert_eq!((v.entries, v.problem), (7, None));
        let v = s
            .snapshot(|r| verify_with(r, Some(&key), Some((start.0, &start.1))))
            .unwrap();
        assert_eq!(v.problem, None);
        assert_eq!(count_action_of(&s, KEYED_MARKER), 1);
        // Without the key the keyed part cannot be checked; with another key it fails.
        let v = s.snapshot(|r| verify_with(r, None, None)).unwrap();
        assert_eq!(v.problem, Some(Break::KeyMissing { from: 4 }));
        let v = s
            .snapshot(|r| verify_with(r, Some(&[8u8; 32]), None))
            .unwrap();
        assert_eq!(v.problem, Some(Break::Edited { id: 4 }));
    }

    fn start(s: &Store) -> (i64, String) {
        s.write(|tx| ensure_keyed(tx, "2026-11-22T05:00:00Z"))
            .unwrap()
            .expect("started now")
    }

    fn count_action_of(s: &Store, action: &str) -> i64 {
        s.read(|r| count_action(r, action)).unwrap()
    }

    #[test]
    fn a_keyed_entry_edited_and_relinked_without_the_key_is_found() {
        let (_d, s) = store_with(0);
        let key = vec![9u8; 32];
        s.set_audit_key(Some(key.clone()));
        start(&s);
        append_n(&s, 0, 4);
        // The attacker edits entry 3 and recomputes its link the plain way.
        let (prev, e3): (String, Entry) = s
            .read(|r| {
                let prev: String = r
                    .query_one("SELECT hash FROM audit WHERE id = 2", &[])?
                    .get(0)?;
                let e3 = for_entity(r, "application", "1")?.remove(0);
                Ok::<_, StoreError>((prev, e3))
            })
            .unwrap();
        assert_eq!(e3.id, 3);
        let forged = entry_hash(
            None,
            &prev,
            3,
            &e3.at,
            e3.user_id,
            e3.user_iin.as_deref(),
            &e3.workstation,
            &e3.action,
            &e3.entity,
            &e3.entity_id,
            "{\"n\":100}",
        );
        tamper::exec(
            &s,
            &format!("UPDATE audit SET details = '{{\"n\":100}}', hash = '{forged}' WHERE id = 3"),
        );
        let v = s.snapshot(|r| verify_with(r, Some(&key), None)).unwrap();
        assert_eq!(v.problem, Some(Break::Edited { id: 3 }));
    }

    #[test]
    fn a_log_rewritten_without_its_keyed_start_is_found_with_the_key() {
        let (_d, s) = store_with(0);
        let key = vec![5u8; 32];
        s.set_audit_key(Some(key.clone()));
        let (id, hash) = start(&s);
        append_n(&s, 0, 3);
        // Everything removed and written again by someone without the key (plain links);
        // the program, still holding the key, goes on appending (plain: the keyed chain never
        // starts again by itself).
        tamper::exec(
            &s,
            "DELETE FROM audit; DELETE FROM settings WHERE key IN ('audit_head', 'audit_keyed_from');",
        );
        append_n(&s, 0, 2);
        let v = s
            .snapshot(|r| verify_with(r, Some(&key), Some((id, &hash))))
            .unwrap();
        assert_eq!(v.problem, Some(Break::NotKeyed));
        // Looked for without the recorded start: no marked entry either.
        let v = s.snapshot(|r| verify_with(r, Some(&key), None)).unwrap();
        assert_eq!(v.problem, Some(Break::NotKeyed));
        // An empty log of a keyed office is caught the same way.
        tamper::exec(&s, "DELETE FROM audit;");
        let v = s
            .snapshot(|r| verify_with(r, Some(&key), Some((id, &hash))))
            .unwrap();
        assert_eq!(v.problem, Some(Break::NotKeyed));
    }
}
