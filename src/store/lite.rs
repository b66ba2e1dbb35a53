//! The SQLite side of the store: opening the file with the pragmas legal records need (WAL,
//! foreign keys, `synchronous=FULL`), the numbered migrations (`migrations/NN-name/up.sql`),
//! statements prepared once per connection, and errors in the store's words.

use std::path::Path;

use include_dir::Dir;
use rusqlite::types::{Value as LiteValue, ValueRef};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::Migrations;

use super::sql::{Row, ToSql, Value, to_sqlite_placeholders};
use super::{MIGRATIONS_DIR, Result, StoreError};

pub(crate) fn error(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        if f.code == rusqlite::ErrorCode::DatabaseBusy {
            return StoreError::Sqlite(
                "the database is busy (another program holds it); try again".into(),
            );
        }
        if f.code == rusqlite::ErrorCode::ConstraintViolation {
            return StoreError::Constraint(msg.clone().unwrap_or_else(|| e.to_string()));
        }
    }
    StoreError::Sqlite(e.to_string())
}

#[cfg(test)]
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::from_directory(&MIGRATIONS_DIR).expect("migration files are embedded")
}

/// The number of migrations this program knows.
pub(crate) fn known_version() -> i64 {
    MIGRATIONS_DIR.dirs().count() as i64
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(error)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(error)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(error)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(error)?;
    conn.set_prepared_statement_cache_capacity(96);
    Ok(())
}

/// Opens (creating if needed) and migrates the file; refuses a file a newer program wrote.
/// A file in a read-only data directory (or itself read-only) is opened read-only, so that the
/// commands that only read work there; it must be at this program's schema already.
pub(crate) fn open(path: &Path) -> Result<Connection> {
    match open_writable(path) {
        Ok(c) => Ok(c),
        Err(e) if path.exists() && read_only(path) => open_read_only(path).map_err(|_| e),
        Err(e) => Err(e),
    }
}

/// Whether the file or its directory cannot be written.
fn read_only(path: &Path) -> bool {
    let ro = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.permissions().readonly())
            .unwrap_or(false)
    };
    ro(path) || path.parent().is_some_and(ro)
}

/// Opens the file to read a few rows without leaving anything beside it (no WAL or
/// shared-memory file): `immutable=1`, so what only a running program's WAL holds is not seen.
pub(crate) fn open_untouched(path: &Path) -> Result<Connection> {
    let uri_path = path
        .display()
        .to_string()
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23");
    Connection::open_with_flags(
        format!("file:{uri_path}?immutable=1"),
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(error)
}

/// Opens the file read-only (`mode=ro`, or `immutable=1` when SQLite cannot make the WAL's
/// shared-memory file beside it: nobody can write there either).
fn open_read_only(path: &Path) -> Result<Connection> {
    let uri_path = path
        .display()
        .to_string()
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let try_open = |query: &str| -> Result<Connection> {
        let conn = Connection::open_with_flags(format!("file:{uri_path}?{query}"), flags)
            .map_err(error)?;
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(error)?;
        let known = known_version();
        if found != known {
            return Err(StoreError::Migration(format!(
                "{}: schema {found}, this program needs {known}, and the file cannot be written",
                path.display()
            )));
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(error)?;
        Ok(conn)
    };
    try_open("mode=ro").or_else(|_| try_open("immutable=1"))
}

fn open_writable(path: &Path) -> Result<Connection> {
    open_migrated(path, &MIGRATIONS_DIR)
}

/// Opens (creating if needed) a SQLite file and brings it to the latest of `dir`'s migrations
/// (the office's, or another store's own such as the gateway's); refuses a file a newer
/// program wrote.
pub(crate) fn open_migrated(path: &Path, dir: &'static Dir<'static>) -> Result<Connection> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(error)?;
    configure(&conn)?;
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(error)?;
    let known = dir.dirs().count() as i64;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    Migrations::from_directory(dir)
        .map_err(|e| StoreError::Migration(e.to_string()))?
        .to_latest(&mut conn)
        .map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(conn)
}

/// The workstation code of the office row, if the office is set up.
pub(crate) fn office_workstation(conn: &Connection) -> Option<String> {
    conn.query_row("SELECT workstation FROM office WHERE id = 1", [], |r| {
        r.get(0)
    })
    .ok()
}

fn bind(p: &[&dyn ToSql]) -> Vec<LiteValue> {
    p.iter()
        .map(|v| match v.to_value() {
            Value::Null => LiteValue::Null,
            Value::Int(i) => LiteValue::Integer(i),
            Value::Real(f) => LiteValue::Real(f),
            Value::Text(s) => LiteValue::Text(s),
            Value::Blob(b) => LiteValue::Blob(b),
        })
        .collect()
}

fn value_of(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

pub(crate) fn each(
    conn: &Connection,
    sql: &str,
    p: &[&dyn ToSql],
    f: &mut dyn FnMut(Row) -> Result<()>,
) -> Result<()> {
    let sql = to_sqlite_placeholders(sql);
    let mut st = conn.prepare_cached(&sql).map_err(error)?;
    let n = st.column_count();
    let vals = bind(p);
    let mut rows = st
        .query(rusqlite::params_from_iter(vals.iter()))
        .map_err(error)?;
    while let Some(r) = rows.next().map_err(error)? {
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            out.push(value_of(r.get_ref(i).map_err(error)?));
        }
        f(Row::new(out))?;
    }
    Ok(())
}

pub(crate) fn query(conn: &Connection, sql: &str, p: &[&dyn ToSql]) -> Result<Vec<Row>> {
    let mut out = Vec::new();
    each(conn, sql, p, &mut |r| {
        out.push(r);
        Ok(())
    })?;
    Ok(out)
}

pub(crate) fn execute(conn: &Connection, sql: &str, p: &[&dyn ToSql]) -> Result<u64> {
    let sql = to_sqlite_placeholders(sql);
    let mut st = conn.prepare_cached(&sql).map_err(error)?;
    let vals = bind(p);
    if st.column_count() > 0 {
        // A statement that answers rows (`SELECT pg_notify…`-style calls have no SQLite
        // meaning; `INSERT … RETURNING` belongs in `query`): run it and count nothing.
        let mut rows = st
            .query(rusqlite::params_from_iter(vals.iter()))
            .map_err(error)?;
        while rows.next().map_err(error)?.is_some() {}
        return Ok(conn.changes());
    }
    Ok(st
        .execute(rusqlite::params_from_iter(vals.iter()))
        .map_err(error)? as u64)
}

/// `PRAGMA integrity_check` and `foreign_key_check`: the problems found.
pub(crate) fn integrity_check(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut st = conn.prepare("PRAGMA integrity_check").map_err(error)?;
    let rows = st.query_map([], |r| r.get::<_, String>(0)).map_err(error)?;
    for r in rows {
        let r = r.map_err(error)?;
        if r != "ok" {
            out.push(r);
        }
    }
    let mut st = conn.prepare("PRAGMA foreign_key_check").map_err(error)?;
    let rows = st
        .query_map([], |r| {
            Ok(format!(
                "foreign key broken in {} row {}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?
            ))
        })
        .map_err(error)?;
    for r in rows {
        out.push(r.map_err(error)?);
    }
    Ok(out)
}

/// SQLite's online backup of the live file into `dest`.
pub(crate) fn backup_to(
    conn: &Connection,
    dest: &Path,
    mut progress: impl FnMut(i32, i32) -> bool,
) -> Result<()> {
    let mut out = Connection::open(dest).map_err(error)?;
    {
        let b = rusqlite::backup::Backup::new(conn, &mut out).map_err(error)?;
        loop {
            let r = b.step(256).map_err(error)?;
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
    out.pragma_update(None, "journal_mode", "DELETE")
        .map_err(error)?;
    Ok(())
}

/// Runs statements that return nothing, several at once (tests that break the database the way
/// an attacker with the file would).
#[cfg(test)]
pub(crate) fn batch(conn: &Connection, sql: &str) -> Result<()> {
    conn.execute_batch(sql).map_err(error)
}
