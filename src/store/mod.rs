//! The local SQLite store: schema and numbered migrations (`store/migrations/NN-name/up.sql`),
//! queries, journals and numbering, the append-only hash-chained audit log, the outbox, and the
//! content-addressed attachment files.
//!
//! rusqlite is used only in this module. Callers get a [`Tx`] inside [`Store::write`] (one
//! `BEGIN IMMEDIATE` transaction, committed when the closure returns `Ok`, rolled back
//! otherwise) or a [`Rd`] inside [`Store::read`].

pub mod apps;
pub mod audit;
pub mod bench;
pub mod files;
pub mod gateway;
pub mod inbox;
pub mod outbox;
pub mod people;
pub mod queue;
pub mod signatures;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use include_dir::{Dir, include_dir};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::Migrations;

static MIGRATIONS_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/store/migrations");

/// Errors of the store. `Sqlite` wraps the driver's message so callers never see rusqlite.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(String),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("the record was changed by someone else; reload and try again")]
    Conflict,
    #[error("a {what} with this {key} already exists")]
    Duplicate { what: &'static str, key: String },
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, _) = &e
            && f.code == rusqlite::ErrorCode::DatabaseBusy
        {
            return StoreError::Sqlite(
                "the database is busy (another program holds it); try again".into(),
            );
        }
        StoreError::Sqlite(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A write transaction.
pub struct Tx<'a> {
    pub(crate) tx: rusqlite::Transaction<'a>,
    pub(crate) workstation: &'a str,
}

/// A read view (a plain connection: each statement sees committed data).
pub struct Rd<'a> {
    pub(crate) conn: &'a Connection,
}

/// Something both a transaction and a read view can answer queries with.
pub trait Db {
    fn conn(&self) -> &Connection;
}
impl Db for Tx<'_> {
    fn conn(&self) -> &Connection {
        &self.tx
    }
}
impl Db for Rd<'_> {
    fn conn(&self) -> &Connection {
        self.conn
    }
}

/// The database of one workstation.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
    workstation: Mutex<String>,
}

fn migrations() -> Migrations<'static> {
    Migrations::from_directory(&MIGRATIONS_DIR).expect("migration files are embedded")
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        let ws: Option<String> = conn
            .query_row("SELECT workstation FROM office WHERE id = 1", [], |r| {
                r.get(0)
            })
            .ok();
        Ok(Store {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            workstation: Mutex::new(ws.unwrap_or_default()),
        })
    }

    /// Opens an existing database read-only (for checking a backup before restoring it).
    pub fn open_readonly(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(Store {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            workstation: Mutex::new(String::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls
        // back on drop), so a poisoned lock can be used.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn set_workstation(&self, ws: &str) {
        *self.workstation.lock().unwrap_or_else(|p| p.into_inner()) = ws.to_string();
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: committed if `f` returns `Ok`, rolled
    /// back otherwise.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let ws = self
            .workstation
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let t = Tx {
            tx,
            workstation: &ws,
        };
        let out = f(&t)?;
        t.tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Runs read-only queries.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Rd<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let conn = self.lock();
        f(&Rd { conn: &conn })
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`: `Ok(())` or the problems found.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let conn = self.lock();
        let mut out = Vec::new();
        let mut st = conn.prepare("PRAGMA integrity_check")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        for r in rows {
            let r = r?;
            if r != "ok" {
                out.push(r);
            }
        }
        let mut st = conn.prepare("PRAGMA foreign_key_check")?;
        let rows = st.query_map([], |r| {
            Ok(format!(
                "foreign key broken in {} row {}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?
            ))
        })?;
        for r in rows {
            out.push(r?);
        }
        Ok(out)
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .lock()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Copies the live database to `dest` with SQLite's online backup, in steps, calling
    /// `progress(done, total)` after each; consistent even while other connections write.
    pub fn backup_to(&self, dest: &Path, mut progress: impl FnMut(i32, i32) -> bool) -> Result<()> {
        let conn = self.lock();
        let mut out = Connection::open(dest)?;
        {
            let b = rusqlite::backup::Backup::new(&conn, &mut out)?;
            loop {
                let r = b.step(256)?;
                let p = b.progress();
                if !progress(p.pagecount - p.remaining, p.pagecount) {
                    return Err(StoreError::Io(std::io::Error::new(
                        std::io::ErrorKind::Interrupted,
                        "backup cancelled",
                    )));
                }
                match r {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => {}
                    rusqlite::backup::StepResult::Busy | rusqlite::backup::StepResult::Locked => {
                        std::thread::sleep(std::time::Duration::from_millis(20))
                    }
                    _ => {}
                }
            }
        }
        out.pragma_update(None, "journal_mode", "DELETE")?;
        Ok(())
    }

    /// Runs a WAL checkpoint so the main file holds everything (before copying files).
    pub fn checkpoint(&self) -> Result<()> {
        self.lock()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    }
}

impl Tx<'_> {
    pub fn workstation(&self) -> &str {
        self.workstation
    }
}

/// Reads a setting.
pub fn get_setting(db: &impl Db, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(db
        .conn()
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Writes a setting.
pub fn set_setting(tx: &Tx<'_>, key: &str, value: &str) -> Result<()> {
    tx.tx.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// The office row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OfficeRow {
    pub code: String,
    pub name_kk: String,
    pub name_ru: String,
    pub workstation: String,
    pub tz_offset_minutes: i32,
}

pub fn office(db: &impl Db) -> Result<Option<OfficeRow>> {
    use rusqlite::OptionalExtension;
    Ok(db
        .conn()
        .query_row(
            "SELECT code, name_kk, name_ru, workstation, tz_offset_minutes FROM office WHERE id = 1",
            [],
            |r| {
                Ok(OfficeRow {
                    code: r.get(0)?,
                    name_kk: r.get(1)?,
                    name_ru: r.get(2)?,
                    workstation: r.get(3)?,
                    tz_offset_minutes: r.get(4)?,
                })
            },
        )
        .optional()?)
}

impl Store {
    /// Creates the office row (once).
    pub fn init_office(&self, o: &OfficeRow, now: &str) -> Result<()> {
        self.write(|tx| {
            if office(tx)?.is_some() {
                return Err(StoreError::Duplicate {
                    what: "office",
                    key: "this data directory".into(),
                });
            }
            tx.tx.execute(
                "INSERT INTO office(id, code, name_kk, name_ru, workstation, tz_offset_minutes, created_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![o.code, o.name_kk, o.name_ru, o.workstation, o.tz_offset_minutes, now],
            )?;
            tx.tx.execute(
                "INSERT INTO workstations(code, name, created_at) VALUES (?1, '', ?2)",
                rusqlite::params![o.workstation, now],
            )?;
            Ok(())
        })?;
        self.set_workstation(&o.workstation);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid_and_pragmas_hold() {
        assert!(migrations().validate().is_ok());
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("t.sqlite")).unwrap();
        let (mode, fk, sync): (String, i64, i64) = s
            .read(|r| {
                let c = r.conn();
                Ok::<_, StoreError>((
                    c.query_row("PRAGMA journal_mode", [], |x| x.get(0))?,
                    c.query_row("PRAGMA foreign_keys", [], |x| x.get(0))?,
                    c.query_row("PRAGMA synchronous", [], |x| x.get(0))?,
                ))
            })
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(fk, 1);
        assert_eq!(sync, 2, "synchronous=FULL");
        assert!(s.schema_version().unwrap() >= 1);
        assert!(s.integrity_check().unwrap().is_empty());
    }

    #[test]
    fn a_failed_closure_rolls_back() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("t.sqlite")).unwrap();
        let r: Result<()> = s.write(|tx| {
            set_setting(tx, "a", "1")?;
            Err(StoreError::Conflict)
        });
        assert!(r.is_err());
        let v = s.read(|r| get_setting(r, "a")).unwrap();
        assert_eq!(v, None);
    }
}
