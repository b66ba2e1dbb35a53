//! The store, on one of two backends: the embedded SQLite file of a one-PC office or an akimat,
//! or the PostgreSQL database on the office server that several PCs share. Schema and numbered
//! migrations for each (`store/migrations/NN-name/up.sql` for SQLite, `postgres.sql` beside it
//! for PostgreSQL, numbered alike), queries, journals and numbering, the append-only
//! hash-chained audit log, the outbox, content-addressed blobs (scans, papers) and the change
//! notices between PCs.
//!
//! The database crates are used only in this module and in the regional gateway's own store
//! (`gateway::store`), which runs on this module's plumbing with migrations of its own
//! ([`Store::open_schema`], [`Store::connect_schema`]). Callers get a [`Tx`] inside
//! [`Store::write`] (one transaction, committed when the closure returns `Ok`, rolled back
//! otherwise) or an [`Rd`] inside [`Store::read`]; both answer the same [`Db`] calls, and every
//! query is written once for both backends (see [`sql`]).
//!
//! **Concurrency.** SQLite: every write is `BEGIN IMMEDIATE`, one writer at a time. PostgreSQL:
//! READ COMMITTED, and every write transaction first takes one transaction-level advisory lock
//! (`pg_advisory_xact_lock`), so writes from all the office's PCs run one after another exactly as
//! they do on SQLite, and each statement after the lock sees everything committed before it. The
//! row version of an application (checked in `UPDATE … WHERE row_version = $n`) then tells a clerk
//! whose form is stale that someone else changed the case; journal counters, the audit chain's
//! head and the tab counts can never interleave. Reads take no lock. A clerk action is a few
//! milliseconds, so the lock costs an office of 15 people nothing they can notice (see the
//! README's bench table).

pub mod akimat;
pub mod apps;
pub mod audit;
pub mod bench;
pub mod blobs;
pub mod copy;
pub mod exchange_lock;
pub mod files;
pub mod handover;
pub mod inbox;
pub mod institutions;
pub mod lite;
pub mod live;
pub mod outbox;
pub mod people;
pub mod pg;
pub mod queue;
pub mod signatures;
pub mod sql;
#[doc(hidden)]
pub mod testing;
pub mod trust;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use include_dir::{Dir, include_dir};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use pg::ServerProblem;
pub use sql::{Backend, Row, ToSql, Value};

pub(crate) static MIGRATIONS_DIR: Dir<'_> =
    include_dir!("$CARGO_MANIFEST_DIR/src/store/migrations");

/// Errors of the store. The drivers' errors are turned into these, so callers never see them.
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
    /// A uniqueness, foreign-key or check constraint refused a write (the text names it).
    #[error("the database refused the change: {0}")]
    Constraint(String),
    /// The office server could not be used.
    #[error("{0}")]
    Server(#[from] ServerProblem),
    /// This data was written by a newer program.
    #[error(
        "the database was written by a newer mio-desk (schema {found}; this program knows up to {known})"
    )]
    TooNew { found: i64, known: i64 },
    /// After a restore from a backup the office issues no journal numbers until it has learnt
    /// from the regional gateway the highest number it ever issued (issue 13).
    #[error(
        "after the restore, no journal numbers are issued until the exchange with the gateway has told the office the last number it issued"
    )]
    NumbersHeld,
}

impl StoreError {
    /// Whether the office server is away (the window says so and retries).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, StoreError::Server(ServerProblem::Unreachable(_)))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        lite::error(e)
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        pg::error(e)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How a transaction or read view reaches its backend.
pub(crate) enum Handle<'a> {
    Lite(&'a Connection),
    Pg(RefCell<PgHandle<'a>>),
}

pub(crate) enum PgHandle<'a> {
    Tx(
        postgres::Transaction<'a>,
        &'a mut HashMap<String, postgres::Statement>,
    ),
    Client(
        &'a mut postgres::Client,
        &'a mut HashMap<String, postgres::Statement>,
    ),
}

impl Handle<'_> {
    fn backend(&self) -> Backend {
        match self {
            Handle::Lite(_) => Backend::Sqlite,
            Handle::Pg(_) => Backend::Postgres,
        }
    }

    fn query(&self, sql: &str, p: &[&dyn ToSql]) -> Result<Vec<Row>> {
        match self {
            Handle::Lite(c) => lite::query(c, sql, p),
            Handle::Pg(cell) => match &mut *cell.borrow_mut() {
                PgHandle::Tx(t, st) => pg::query(t, st, sql, p),
                PgHandle::Client(c, st) => pg::query(*c, st, sql, p),
            },
        }
    }

    fn execute(&self, sql: &str, p: &[&dyn ToSql]) -> Result<u64> {
        match self {
            Handle::Lite(c) => lite::execute(c, sql, p),
            Handle::Pg(cell) => match &mut *cell.borrow_mut() {
                PgHandle::Tx(t, st) => pg::execute(t, st, sql, p),
                PgHandle::Client(c, st) => pg::execute(*c, st, sql, p),
            },
        }
    }

    fn each(
        &self,
        sql: &str,
        p: &[&dyn ToSql],
        f: &mut dyn FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        match self {
            Handle::Lite(c) => lite::each(c, sql, p, f),
            Handle::Pg(cell) => match &mut *cell.borrow_mut() {
                PgHandle::Tx(t, st) => pg::each(t, st, sql, p, f),
                PgHandle::Client(c, st) => pg::each(*c, st, sql, p, f),
            },
        }
    }
}

/// A write transaction.
pub struct Tx<'a> {
    pub(crate) h: Handle<'a>,
    pub(crate) workstation: &'a str,
    /// The secret the audit chain's links are keyed with (see [`audit`]), if this office has one.
    pub(crate) audit_key: Option<std::sync::Arc<[u8]>>,
    notices: RefCell<Vec<String>>,
}

/// A read view: each statement sees what was committed when it ran (or, inside
/// [`Store::snapshot`], one snapshot for all).
pub struct Rd<'a> {
    pub(crate) h: Handle<'a>,
}

/// What both a transaction and a read view answer: the same SQL on either backend.
pub trait Db {
    fn backend(&self) -> Backend;
    /// All rows of a query.
    fn query(&self, sql: &str, p: &[&dyn ToSql]) -> Result<Vec<Row>>;
    /// A statement that returns no rows; the number of rows it changed.
    fn execute(&self, sql: &str, p: &[&dyn ToSql]) -> Result<u64>;
    /// Rows one at a time, without holding them all (long walks: the audit chain, copies).
    fn each(&self, sql: &str, p: &[&dyn ToSql], f: &mut dyn FnMut(Row) -> Result<()>)
    -> Result<()>;
    /// The first row, if any.
    fn query_opt(&self, sql: &str, p: &[&dyn ToSql]) -> Result<Option<Row>> {
        Ok(self.query(sql, p)?.into_iter().next())
    }
    /// Exactly the first row (a query that always answers, like `count(*)`).
    fn query_one(&self, sql: &str, p: &[&dyn ToSql]) -> Result<Row> {
        self.query_opt(sql, p)?
            .ok_or_else(|| StoreError::Corrupt(format!("no row from: {sql}")))
    }
}

impl Db for Tx<'_> {
    fn backend(&self) -> Backend {
        self.h.backend()
    }
    fn query(&self, sql: &str, p: &[&dyn ToSql]) -> Result<Vec<Row>> {
        self.h.query(sql, p)
    }
    fn execute(&self, sql: &str, p: &[&dyn ToSql]) -> Result<u64> {
        self.h.execute(sql, p)
    }
    fn each(
        &self,
        sql: &str,
        p: &[&dyn ToSql],
        f: &mut dyn FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        self.h.each(sql, p, f)
    }
}

impl Db for Rd<'_> {
    fn backend(&self) -> Backend {
        self.h.backend()
    }
    fn query(&self, sql: &str, p: &[&dyn ToSql]) -> Result<Vec<Row>> {
        self.h.query(sql, p)
    }
    fn execute(&self, sql: &str, p: &[&dyn ToSql]) -> Result<u64> {
        self.h.execute(sql, p)
    }
    fn each(
        &self,
        sql: &str,
        p: &[&dyn ToSql],
        f: &mut dyn FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        self.h.each(sql, p, f)
    }
}

enum Inner {
    Lite {
        conn: Mutex<Connection>,
        path: PathBuf,
    },
    Pg {
        pool: Box<pg::Pool>,
    },
}

/// The database of an office (one PC's SQLite file, or the office server's PostgreSQL database).
pub struct Store {
    inner: Inner,
    workstation: Mutex<String>,
    audit_key: Mutex<Option<std::sync::Arc<[u8]>>>,
    /// Where the keyed chain started (id, hash), as kept beside the key.
    audit_start: Mutex<Option<(i64, String)>>,
    /// PostgreSQL: whether every write first takes the office's write lock (an office's store
    /// does; the gateway's own store locks only what it must, see `gateway::store`).
    office_lock: bool,
}

/// Where a store lives.
#[derive(Debug, Clone)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(Box<pg::Target>),
}

impl Store {
    /// Opens (creating if needed) and migrates the SQLite database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = lite::open(path)?;
        let ws = lite::office_workstation(&conn);
        Ok(Store {
            inner: Inner::Lite {
                conn: Mutex::new(conn),
                path: path.to_path_buf(),
            },
            workstation: Mutex::new(ws.unwrap_or_default()),
            audit_key: Mutex::new(None),
            audit_start: Mutex::new(None),
            office_lock: true,
        })
    }

    /// Opens a SQLite database to read it without leaving a trace beside it (which office a
    /// data directory holds, before a restore replaces it).
    pub fn open_untouched(path: &Path) -> Result<Store> {
        let conn = lite::open_untouched(path)?;
        Ok(Store {
            inner: Inner::Lite {
                conn: Mutex::new(conn),
                path: path.to_path_buf(),
            },
            workstation: Mutex::new(String::new()),
            audit_key: Mutex::new(None),
            audit_start: Mutex::new(None),
            office_lock: true,
        })
    }

    /// Opens a SQLite database read-only (for checking a backup before restoring it).
    pub fn open_readonly(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(lite::error)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(lite::error)?;
        Ok(Store {
            inner: Inner::Lite {
                conn: Mutex::new(conn),
                path: path.to_path_buf(),
            },
            workstation: Mutex::new(String::new()),
            audit_key: Mutex::new(None),
            audit_start: Mutex::new(None),
            office_lock: true,
        })
    }

    /// Connects to the office server's database and brings its schema up to date (under a lock,
    /// so two PCs starting at once migrate it once). An empty database is set up; a database
    /// with other tables, or one set up by a newer program, is refused.
    pub fn connect(target: &pg::Target) -> Result<Store> {
        let pool = pg::Pool::new(target.clone());
        {
            let mut c = pool.get()?;
            pg::migrate(&mut c.client)?;
            pool.put(c);
        }
        Ok(Store {
            inner: Inner::Pg {
                pool: Box::new(pool),
            },
            workstation: Mutex::new(String::new()),
            audit_key: Mutex::new(None),
            audit_start: Mutex::new(None),
            office_lock: true,
        })
    }

    /// Opens (creating if needed) a SQLite file of another store's own schema (the numbered
    /// migrations in `dir`: the gateway's).
    pub(crate) fn open_schema(
        path: &Path,
        dir: &'static include_dir::Dir<'static>,
    ) -> Result<Store> {
        let conn = lite::open_migrated(path, dir)?;
        Ok(Store {
            inner: Inner::Lite {
                conn: Mutex::new(conn),
                path: path.to_path_buf(),
            },
            workstation: Mutex::new(String::new()),
            audit_key: Mutex::new(None),
            audit_start: Mutex::new(None),
            office_lock: false,
        })
    }

    /// Connects to a PostgreSQL database of another store's own schema (the gateway's) and
    /// brings it up to date; keeps up to `keep` idle connections. Its writes take no
    /// office-wide lock: the store locks what it must itself.
    pub(crate) fn connect_schema(
        target: &pg::Target,
        schema: &pg::Schema,
        keep: usize,
    ) -> Result<Store> {
        let pool = pg::Pool::keeping(target.clone(), keep);
        {
            let mut c = pool.get()?;
            pg::migrate_schema(&mut c.client, schema)?;
            pool.put(c);
        }
        Ok(Store {
            inner: Inner::Pg {
                pool: Box::new(pool),
            },
            workstation: Mutex::new(String::new()),
            audit_key: Mutex::new(None),
            audit_start: Mutex::new(None),
            office_lock: false,
        })
    }

    /// Opens a store wherever it lives.
    pub fn at(loc: &Location) -> Result<Store> {
        match loc {
            Location::Sqlite(p) => Store::open(p),
            Location::Postgres(t) => Store::connect(t),
        }
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Lite { .. } => Backend::Sqlite,
            Inner::Pg { .. } => Backend::Postgres,
        }
    }

    /// The office server this store is on (`None` for a SQLite file).
    pub fn target(&self) -> Option<&pg::Target> {
        match &self.inner {
            Inner::Lite { .. } => None,
            Inner::Pg { pool } => Some(&pool.target),
        }
    }

    /// Starts listening to the other PCs' change notices (`None` for a one-PC office on
    /// SQLite, which has no other PCs to hear).
    pub fn listen(&self) -> Option<std::sync::mpsc::Receiver<live::Event>> {
        match &self.inner {
            Inner::Lite { .. } => None,
            Inner::Pg { pool } => Some(live::listen(&pool.target)),
        }
    }

    /// The SQLite file (`None` on the office server).
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.inner {
            Inner::Lite { path, .. } => Some(path),
            Inner::Pg { .. } => None,
        }
    }

    /// Where this store lives, for messages (the server address with its password masked).
    pub fn shown(&self) -> String {
        match &self.inner {
            Inner::Lite { path, .. } => path.display().to_string(),
            Inner::Pg { pool } => pool.target.shown.clone(),
        }
    }

    pub(crate) fn pg_target(&self) -> Option<&pg::Target> {
        match &self.inner {
            Inner::Pg { pool } => Some(&pool.target),
            Inner::Lite { .. } => None,
        }
    }

    /// A connection of its own to the office server (long jobs: copies, the live notices).
    pub(crate) fn pg_conn(&self) -> Result<pg::Conn> {
        match &self.inner {
            Inner::Pg { pool } => pool.get(),
            Inner::Lite { .. } => Err(StoreError::Sqlite(
                "this office keeps its data in a SQLite file, not on a server".into(),
            )),
        }
    }

    fn lite(&self) -> Option<MutexGuard<'_, Connection>> {
        match &self.inner {
            // A panic while holding the lock leaves SQLite consistent (the transaction rolls
            // back on drop), so a poisoned lock can be used.
            Inner::Lite { conn, .. } => Some(conn.lock().unwrap_or_else(|p| p.into_inner())),
            Inner::Pg { .. } => None,
        }
    }

    pub(crate) fn set_workstation(&self, ws: &str) {
        *self.workstation.lock().unwrap_or_else(|p| p.into_inner()) = ws.to_string();
    }

    pub fn workstation(&self) -> String {
        self.workstation
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Keys the audit chain's links from now on with `key` (a secret kept outside the
    /// database: see [`audit`]).
    pub fn set_audit_key(&self, key: Option<Vec<u8>>) {
        *self.audit_key.lock().unwrap_or_else(|p| p.into_inner()) = key.map(|k| k.into());
    }

    /// Where the keyed chain started, as kept outside the database (see [`audit`]).
    pub fn set_audit_start(&self, start: Option<(i64, String)>) {
        *self.audit_start.lock().unwrap_or_else(|p| p.into_inner()) = start;
    }

    pub fn audit_start(&self) -> Option<(i64, String)> {
        self.audit_start
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The audit chain's key, if set.
    pub fn audit_key(&self) -> Option<std::sync::Arc<[u8]>> {
        self.audit_key
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Runs `f` in one write transaction (SQLite `BEGIN IMMEDIATE`; PostgreSQL READ COMMITTED
    /// behind the office's write lock): committed if `f` returns `Ok`, rolled back otherwise.
    /// The change notices `f` raised reach the other PCs when it commits.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let ws = self.workstation();
        let audit_key = self.audit_key();
        match &self.inner {
            Inner::Lite { .. } => {
                let mut conn = self.lite().expect("sqlite");
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(lite::error)?;
                let out = {
                    let t = Tx {
                        h: Handle::Lite(&tx),
                        workstation: &ws,
                        audit_key: audit_key.clone(),
                        notices: RefCell::new(Vec::new()),
                    };
                    f(&t)?
                };
                tx.commit().map_err(lite::error)?;
                Ok(out)
            }
            Inner::Pg { pool } => {
                let mut c = pool.get()?;
                let out = (|| {
                    let pg::Conn { client, stmts } = &mut c;
                    let t = client.transaction().map_err(pg::error)?;
                    let tx = Tx {
                        h: Handle::Pg(RefCell::new(PgHandle::Tx(t, stmts))),
                        workstation: &ws,
                        audit_key: audit_key.clone(),
                        notices: RefCell::new(Vec::new()),
                    };
                    if self.office_lock {
                        tx.execute(
                            "SELECT pg_advisory_xact_lock($1)",
                            sql::params![pg::WRITE_LOCK],
                        )?;
                    }
                    let out = f(&tx)?;
                    let notices = tx.notices.take();
                    for n in &notices {
                        tx.execute("SELECT pg_notify($1, $2)", sql::params![pg::CHANNEL, n])?;
                    }
                    let Handle::Pg(cell) = tx.h else {
                        unreachable!("a PostgreSQL transaction")
                    };
                    match cell.into_inner() {
                        PgHandle::Tx(t, _) => t.commit().map_err(pg::error)?,
                        PgHandle::Client(..) => unreachable!("a PostgreSQL transaction"),
                    }
                    Ok::<T, E>(out)
                })();
                pool.put(c);
                out
            }
        }
    }

    /// Runs read-only queries; each statement sees what was committed when it ran.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Rd<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        match &self.inner {
            Inner::Lite { .. } => {
                let conn = self.lite().expect("sqlite");
                f(&Rd {
                    h: Handle::Lite(&conn),
                })
            }
            Inner::Pg { pool } => {
                let mut c = pool.get()?;
                let out = {
                    let pg::Conn { client, stmts } = &mut c;
                    f(&Rd {
                        h: Handle::Pg(RefCell::new(PgHandle::Client(client, stmts))),
                    })
                };
                pool.put(c);
                out
            }
        }
    }

    /// Runs read-only queries that all see one snapshot of the database (a whole walk of the
    /// audit chain while other PCs write, a copy of the whole office).
    pub fn snapshot<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Rd<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        match &self.inner {
            Inner::Lite { .. } => {
                let mut conn = self.lite().expect("sqlite");
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Deferred)
                    .map_err(lite::error)?;
                // The first read fixes the snapshot.
                tx.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
                    .map_err(lite::error)?;
                let out = f(&Rd {
                    h: Handle::Lite(&tx),
                })?;
                tx.commit().map_err(lite::error)?;
                Ok(out)
            }
            Inner::Pg { pool } => {
                let mut c = pool.get()?;
                let out = (|| {
                    let pg::Conn { client, stmts } = &mut c;
                    let t = client
                        .build_transaction()
                        .isolation_level(postgres::IsolationLevel::RepeatableRead)
                        .read_only(true)
                        .start()
                        .map_err(pg::error)?;
                    let rd = Rd {
                        h: Handle::Pg(RefCell::new(PgHandle::Tx(t, stmts))),
                    };
                    let out = f(&rd)?;
                    let Handle::Pg(cell) = rd.h else {
                        unreachable!("a PostgreSQL transaction")
                    };
                    if let PgHandle::Tx(t, _) = cell.into_inner() {
                        t.commit().map_err(pg::error)?;
                    }
                    Ok::<T, E>(out)
                })();
                pool.put(c);
                out
            }
        }
    }

    /// The database's own consistency checks: `Ok(problems)`, empty when all is well (SQLite's
    /// `integrity_check` and `foreign_key_check`; on PostgreSQL the server keeps its pages
    /// checked itself, so this asks that every table can be read).
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        match &self.inner {
            Inner::Lite { .. } => lite::integrity_check(&self.lite().expect("sqlite")),
            Inner::Pg { .. } => self.read(|r| {
                let mut out = Vec::new();
                for t in pg::TABLES {
                    if let Err(e) = r.query(&format!("SELECT count(*) FROM {t}"), &[]) {
                        out.push(format!("{t}: {e}"));
                    }
                }
                Ok(out)
            }),
        }
    }

    /// The schema version: the number of the last migration applied.
    pub fn schema_version(&self) -> Result<i64> {
        match &self.inner {
            Inner::Lite { .. } => Ok(self
                .lite()
                .expect("sqlite")
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(lite::error)?),
            Inner::Pg { .. } => self.read(|r| {
                r.query_one("SELECT coalesce(max(version), 0) FROM mio_schema", &[])?
                    .get(0)
            }),
        }
    }

    /// Copies the live SQLite database to `dest` with SQLite's online backup, in steps, calling
    /// `progress(done, total)` after each; consistent even while other connections write.
    pub fn backup_to(&self, dest: &Path, progress: impl FnMut(i32, i32) -> bool) -> Result<()> {
        match &self.inner {
            Inner::Lite { .. } => lite::backup_to(&self.lite().expect("sqlite"), dest, progress),
            Inner::Pg { .. } => Err(StoreError::Sqlite(
                "an office server's database is backed up with pg_dump (see the README)".into(),
            )),
        }
    }

    /// Runs a WAL checkpoint so the main file holds everything (before copying files).
    pub fn checkpoint(&self) -> Result<()> {
        if let Some(c) = self.lite() {
            c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
                .map_err(lite::error)?;
        }
        Ok(())
    }
}

impl Tx<'_> {
    pub fn workstation(&self) -> &str {
        self.workstation
    }

    /// Runs several statements that return nothing (tests that break the database the way an
    /// attacker with the file would).
    #[cfg(test)]
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        match &self.h {
            Handle::Lite(c) => lite::batch(c, sql),
            Handle::Pg(cell) => match &mut *cell.borrow_mut() {
                PgHandle::Tx(t, _) => t.batch_execute(sql).map_err(pg::error),
                PgHandle::Client(c, _) => c.batch_execute(sql).map_err(pg::error),
            },
        }
    }

    /// Tells the other PCs, when this transaction commits, that something changed (see
    /// [`live::Notice`]: `{"app":12,"status":"registered"}`); the workstation is added.
    /// Repeats are sent once.
    pub fn notice(&self, mut payload: serde_json::Value) {
        if let Some(o) = payload.as_object_mut() {
            o.insert(
                "ws".into(),
                serde_json::Value::String(self.workstation.to_string()),
            );
        }
        let text = payload.to_string();
        let mut n = self.notices.borrow_mut();
        if !n.contains(&text) {
            n.push(text);
        }
    }
}

/// Reads a setting.
pub fn get_setting(db: &impl Db, key: &str) -> Result<Option<String>> {
    match db.query_opt(
        "SELECT value FROM settings WHERE key = $1",
        sql::params![key],
    )? {
        Some(r) => Ok(Some(r.get(0)?)),
        None => Ok(None),
    }
}

/// The settings whose keys start with `prefix`, by key.
pub fn settings_with_prefix(db: &impl Db, prefix: &str) -> Result<Vec<(String, String)>> {
    db.query(
        "SELECT key, value FROM settings WHERE key >= $1 AND key < $2 ORDER BY key",
        sql::params![prefix, format!("{prefix}\u{10FFFF}")],
    )?
    .iter()
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .collect()
}

/// Writes a setting.
pub fn set_setting(tx: &Tx<'_>, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO settings(key, value) VALUES ($1, $2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        sql::params![key, value],
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
    let Some(r) = db.query_opt(
        "SELECT code, name_kk, name_ru, workstation, tz_offset_minutes FROM office WHERE id = 1",
        &[],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(OfficeRow {
        code: r.get(0)?,
        name_kk: r.get(1)?,
        name_ru: r.get(2)?,
        workstation: r.get(3)?,
        tz_offset_minutes: r.get(4)?,
    }))
}

impl Store {
    /// Creates the office row (once) and its first workstation, held by `machine`.
    pub fn init_office(&self, o: &OfficeRow, machine: &str, now: &str) -> Result<()> {
        self.write(|tx| {
            if office(tx)?.is_some() {
                return Err(StoreError::Duplicate {
                    what: "office",
                    key: "this data directory".into(),
                });
            }
            tx.execute(
                "INSERT INTO office(id, code, name_kk, name_ru, workstation, tz_offset_minutes, created_at)
                 VALUES (1, $1, $2, $3, $4, $5, $6)",
                sql::params![o.code, o.name_kk, o.name_ru, o.workstation, o.tz_offset_minutes, now],
            )?;
            add_workstation(tx, &o.workstation, machine, now)
        })?;
        self.set_workstation(&o.workstation);
        Ok(())
    }
}

/// Which installation holds a workstation code (`None`: the code is free).
pub fn workstation_machine(db: &impl Db, code: &str) -> Result<Option<String>> {
    db.query_opt(
        "SELECT machine FROM workstations WHERE code = $1",
        sql::params![code],
    )?
    .map(|r| r.get(0))
    .transpose()
}

/// Records a workstation code as held by an installation.
pub fn add_workstation(tx: &Tx<'_>, code: &str, machine: &str, now: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO workstations(code, name, created_at, machine) VALUES ($1, '', $2, $3)",
        sql::params![code, now, machine],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid_and_pragmas_hold() {
        assert!(lite::migrations().validate().is_ok());
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("t.sqlite")).unwrap();
        let (mode, fk, sync): (String, i64, i64) = s
            .read(|r| {
                Ok::<_, StoreError>((
                    r.query_one("PRAGMA journal_mode", &[])?.get(0)?,
                    r.query_one("PRAGMA foreign_keys", &[])?.get(0)?,
                    r.query_one("PRAGMA synchronous", &[])?.get(0)?,
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
    fn both_backends_have_every_migration_numbered_alike() {
        let mut names: Vec<_> = MIGRATIONS_DIR.dirs().map(|d| d.path()).collect();
        names.sort();
        assert_eq!(names.len() as i64, lite::known_version());
        for d in MIGRATIONS_DIR.dirs() {
            for f in ["up.sql", "postgres.sql"] {
                let file = d.get_file(d.path().join(f));
                assert!(
                    file.is_some_and(|f| !f.contents().is_empty()),
                    "{}/{f} is missing",
                    d.path().display()
                );
            }
        }
        let pg: Vec<_> = pg::migrations()
            .into_iter()
            .map(|(v, n, _)| (v, n))
            .collect();
        for (i, (v, n)) in pg.iter().enumerate() {
            assert_eq!(*v, i as i64 + 1);
            assert_eq!(Some(*n), names[i].to_str());
        }
    }

    #[test]
    fn a_newer_schema_is_refused_with_its_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.sqlite");
        drop(Store::open(&p).unwrap());
        let c = rusqlite::Connection::open(&p).unwrap();
        c.pragma_update(None, "user_version", 999).unwrap();
        drop(c);
        match Store::open(&p) {
            Err(StoreError::TooNew { found, known }) => {
                assert_eq!(found, 999);
                assert_eq!(known, lite::known_version());
            }
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("a newer schema was opened"),
        }
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
