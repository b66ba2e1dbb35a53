//! The floor for `mio-desk bench`: the same questions the desk asks, written by hand as plain
//! SQL on a separate plain connection to the same file, so the bench can show how much the
//! desk adds on top of SQLite itself.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::Result;

/// A plain read-only connection to a desk database.
pub struct Floor {
    conn: Connection,
}

/// One queue line as plain columns.
type Line = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
);

const LINE: &str = "SELECT id, number, service, channel, status, applicant_name, applicant_iin, \
                    accepted_at, due_date FROM applications";

fn line(r: &rusqlite::Row<'_>) -> rusqlite::Result<Line> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

impl Floor {
    pub fn open(path: &Path) -> Result<Floor> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Ok(Floor { conn })
    }

    /// A page of one status, optionally of one service, after a (due date, id) cursor.
    pub fn page(
        &self,
        status: Option<&str>,
        service: Option<&str>,
        after: Option<(&str, i64)>,
        limit: usize,
    ) -> Result<(usize, Option<(String, i64)>)> {
        let mut sql = format!("{LINE} WHERE 1 = 1");
        let mut vals: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(s) = status {
            sql.push_str(" AND status = ?");
            vals.push(s.to_string().into());
        }
        if let Some(s) = service {
            sql.push_str(" AND service = ?");
            vals.push(s.to_string().into());
        }
        if let Some((d, id)) = after {
            sql.push_str(" AND (due_date, id) > (?, ?)");
            vals.push(d.to_string().into());
            vals.push(id.into());
        }
        sql.push_str(" ORDER BY due_date, id LIMIT ?");
        vals.push((limit as i64).into());
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows: Vec<Line> = st
            .query_map(rusqlite::params_from_iter(vals.iter()), line)?
            .collect::<rusqlite::Result<_>>()?;
        let last = rows.last().map(|r| (r.8.clone(), r.0));
        Ok((rows.len(), last))
    }

    /// Open applications past their due date.
    pub fn overdue_page(&self, today: &str, limit: usize) -> Result<usize> {
        let mut st = self.conn.prepare_cached(&format!(
            "{LINE} WHERE is_open = 1 AND due_date < ?1 ORDER BY due_date, id LIMIT ?2"
        ))?;
        let n = st
            .query_map(params![today, limit as i64], line)?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .len();
        Ok(n)
    }

    /// Applications per status.
    pub fn counts(&self) -> Result<usize> {
        let mut st = self
            .conn
            .prepare_cached("SELECT status, count(*) FROM applications GROUP BY status")?;
        let rows: Vec<(String, i64)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows.len())
    }

    /// The person and the applications of an ИИН.
    pub fn by_iin(&self, iin: &str) -> Result<usize> {
        let person: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM persons WHERE iin = ?1")?
            .query_row([iin], |r| r.get(0))
            .optional()?;
        let mut st = self.conn.prepare_cached(&format!(
            "{LINE} WHERE applicant_iin = ?1 ORDER BY due_date, id LIMIT 50"
        ))?;
        let n = st.query_map([iin], line)?.count();
        Ok(n + usize::from(person.is_some()))
    }

    /// Applications whose folded applicant name starts with `prefix`.
    pub fn by_name(&self, prefix: &str) -> Result<usize> {
        let mut st = self.conn.prepare_cached(&format!(
            "{LINE} WHERE applicant_fold >= ?1 AND applicant_fold < ?2 ORDER BY applicant_fold, id LIMIT 50"
        ))?;
        let n = st
            .query_map(params![prefix, format!("{prefix}\u{10FFFF}")], line)?
            .count();
        Ok(n)
    }

    /// The application with a journal number.
    pub fn by_number(&self, number: &str) -> Result<usize> {
        let mut st = self
            .conn
            .prepare_cached(&format!("{LINE} WHERE number = ?1"))?;
        Ok(st.query_map([number], line)?.count())
    }

    /// Everything the application screen shows: the row, its person, attachments, documents
    /// and audit history.
    pub fn open_application(&self, number: &str) -> Result<usize> {
        let row: Option<(i64, i64, String)> = self
            .conn
            .prepare_cached("SELECT id, person_id, intake FROM applications WHERE number = ?1")?
            .query_row([number], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((id, person, _)) = row else {
            return Ok(0);
        };
        let mut n = 1;
        n += self
            .conn
            .prepare_cached(
                "SELECT surname, given_name, patronymic, address, phone FROM persons WHERE id = ?1",
            )?
            .query_map([person], |r| r.get::<_, String>(0))?
            .count();
        n += self
            .conn
            .prepare_cached("SELECT file_name, sha256 FROM attachments WHERE application_id = ?1")?
            .query_map([id], |r| r.get::<_, String>(0))?
            .count();
        n += self
            .conn
            .prepare_cached("SELECT kind, content FROM documents WHERE application_id = ?1")?
            .query_map([id], |r| r.get::<_, String>(1))?
            .count();
        n += self
            .conn
            .prepare_cached(
                "SELECT at, action, details FROM audit WHERE entity = 'application' AND entity_id = ?1 ORDER BY id",
            )?
            .query_map([number], |r| r.get::<_, String>(2))?
            .count();
        Ok(n)
    }
}

/// The floor of a durable write: five inserts (an application-sized row, three attachment rows,
/// an audit row) and a commit with `synchronous=FULL` in WAL mode, in a scratch file beside
/// the bench database (on the same disk).
pub struct WriteFloor {
    conn: Connection,
}

impl WriteFloor {
    pub fn open(path: &Path) -> Result<WriteFloor> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL)",
        )?;
        Ok(WriteFloor { conn })
    }

    pub fn write(&mut self, body: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut st = tx.prepare_cached("INSERT INTO rows (kind, body) VALUES (?1, ?2)")?;
            st.execute(params!["application", body])?;
            for _ in 0..3 {
                st.execute(params!["attachment", &body[..body.len().min(120)]])?;
            }
            st.execute(params!["audit", &body[..body.len().min(300)]])?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Rows picked at random for the bench to ask about: journal number, ИИН and folded name of
/// the applicant.
pub fn sample(db: &impl super::Db, n: usize, seed: u64) -> Result<Vec<(String, String, String)>> {
    let max: i64 = db
        .query_one("SELECT coalesce(max(id), 0) FROM applications", &[])?
        .get(0)?;
    let mut out = Vec::with_capacity(n);
    if max == 0 {
        return Ok(out);
    }
    let mut x = seed | 1;
    for _ in 0..n {
        // xorshift: a fixed sequence for a seed, no extra crate.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let id = (x % max as u64) as i64 + 1;
        if let Some(r) = db.query_opt(
            "SELECT number, coalesce(applicant_iin, ''), applicant_fold FROM applications
             WHERE id >= $1 ORDER BY id LIMIT 1",
            super::sql::params![id],
        )? {
            out.push((r.get(0)?, r.get(1)?, r.get(2)?));
        }
    }
    Ok(out)
}

/// The (due date, id) of the row `offset` rows into a status's queue: where a deep page starts.
pub fn cursor_at(
    db: &impl super::Db,
    status: Option<&str>,
    offset: usize,
) -> Result<Option<(String, i64)>> {
    let sql = match status {
        Some(_) => {
            "SELECT due_date, id FROM applications WHERE status = $1 ORDER BY due_date, id LIMIT 1 OFFSET $2"
        }
        None => {
            "SELECT due_date, id FROM applications WHERE CAST($1 AS TEXT) IS NULL ORDER BY due_date, id LIMIT 1 OFFSET $2"
        }
    };
    db.query_opt(sql, super::sql::params![status, offset as i64])?
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .transpose()
}

/// Puts the newest `n` delivered outbox messages back to pending, so the bench can time a
/// drain of real messages. Returns how many.
/// With `with_papers` false, only notices that carry no signed paper are taken (a paper's
/// message names its `document_id`; the text test reads the same on both backends).
pub fn requeue_delivered(
    tx: &super::Tx<'_>,
    n: usize,
    now: &str,
    with_papers: bool,
) -> Result<usize> {
    use super::Db;
    Ok(tx.execute(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $2, last_error = NULL
         WHERE id IN (SELECT id FROM outbox WHERE state = 'delivered'
                      AND ($3 = 1 OR payload NOT LIKE '%\"document_id\":%')
                      ORDER BY id DESC LIMIT $1)",
        super::sql::params![n as i64, now, with_papers],
    )? as usize)
}

/// Bytes in the database file and its WAL.
pub fn file_bytes(path: &Path) -> u64 {
    let wal = path.with_extension("sqlite-wal");
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
}
