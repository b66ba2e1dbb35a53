//! Applications, the registration journals and their numbers, attachments and output
//! documents.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::{Db, Result, StoreError, Tx};
use crate::domain::model::{Channel, Status};

/// A stored application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppRow {
    pub id: i64,
    pub number: String,
    pub service: String,
    pub service_version: String,
    pub channel: Channel,
    pub status: Status,
    pub person_id: i64,
    pub applicant_name: String,
    pub applicant_iin: Option<String>,
    pub accepted_at: String,
    pub due_date: String,
    pub due_at: Option<String>,
    pub extended: bool,
    pub executor_id: Option<i64>,
    pub drafter_id: Option<i64>,
    pub registered_by: Option<i64>,
    pub intake: serde_json::Value,
    pub missing_docs_reason: Option<String>,
    pub decision: Option<serde_json::Value>,
    pub resolution: Option<String>,
    pub return_comment: Option<String>,
    pub outgoing_number: Option<String>,
    pub signed_by: Option<i64>,
    pub signed_at: Option<String>,
    pub issued_at: Option<String>,
    pub collector_iin: Option<String>,
    pub withdrawn_at: Option<String>,
    pub withdraw_reason: Option<String>,
    pub external_id: Option<String>,
    pub origin: Option<String>,
    pub office_code: String,
    pub updated_at: String,
    pub row_version: i64,
}

const APP_COLS: &str =
    "id, number, service, service_version, channel, status, person_id, applicant_name,
    applicant_iin, accepted_at, due_date, due_at, extended, executor_id, drafter_id, registered_by,
    intake, missing_docs_reason, decision, resolution, return_comment, outgoing_number, signed_by,
    signed_at, issued_at, collector_iin, withdrawn_at, withdraw_reason, external_id, origin,
    office_code, updated_at, row_version";

fn parse<T: std::str::FromStr<Err = String>>(s: String) -> rusqlite::Result<T> {
    s.parse().map_err(|e: String| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            Box::new(StoreError::Corrupt(e)),
        )
    })
}

fn json(s: Option<String>) -> rusqlite::Result<Option<serde_json::Value>> {
    match s {
        None => Ok(None),
        Some(s) => serde_json::from_str(&s).map(Some).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        }),
    }
}

fn app_from(r: &Row<'_>) -> rusqlite::Result<AppRow> {
    Ok(AppRow {
        id: r.get(0)?,
        number: r.get(1)?,
        service: r.get(2)?,
        service_version: r.get(3)?,
        channel: parse(r.get(4)?)?,
        status: parse(r.get(5)?)?,
        person_id: r.get(6)?,
        applicant_name: r.get(7)?,
        applicant_iin: r.get(8)?,
        accepted_at: r.get(9)?,
        due_date: r.get(10)?,
        due_at: r.get(11)?,
        extended: r.get::<_, i64>(12)? != 0,
        executor_id: r.get(13)?,
        drafter_id: r.get(14)?,
        registered_by: r.get(15)?,
        intake: json(r.get(16)?)?.unwrap_or_default(),
        missing_docs_reason: r.get(17)?,
        decision: json(r.get(18)?)?,
        resolution: r.get(19)?,
        return_comment: r.get(20)?,
        outgoing_number: r.get(21)?,
        signed_by: r.get(22)?,
        signed_at: r.get(23)?,
        issued_at: r.get(24)?,
        collector_iin: r.get(25)?,
        withdrawn_at: r.get(26)?,
        withdraw_reason: r.get(27)?,
        external_id: r.get(28)?,
        origin: r.get(29)?,
        office_code: r.get(30)?,
        updated_at: r.get(31)?,
        row_version: r.get(32)?,
    })
}

pub fn by_id(db: &impl Db, id: i64) -> Result<Option<AppRow>> {
    Ok(db
        .conn()
        .prepare_cached(&format!(
            "SELECT {APP_COLS} FROM applications WHERE id = ?1"
        ))?
        .query_row([id], app_from)
        .optional()?)
}

pub fn by_number(db: &impl Db, number: &str) -> Result<Option<AppRow>> {
    Ok(db
        .conn()
        .prepare_cached(&format!(
            "SELECT {APP_COLS} FROM applications WHERE number = ?1 OR outgoing_number = ?1"
        ))?
        .query_row([number], app_from)
        .optional()?)
}

pub fn by_external_id(db: &impl Db, ext: &str) -> Result<Option<AppRow>> {
    Ok(db
        .conn()
        .prepare_cached(&format!(
            "SELECT {APP_COLS} FROM applications WHERE external_id = ?1"
        ))?
        .query_row([ext], app_from)
        .optional()?)
}

/// Open applications of a person for a service (duplicate check at intake).
pub fn open_for_person(db: &impl Db, person_id: i64, service: &str) -> Result<Option<String>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT number FROM applications WHERE person_id = ?1 AND service = ?2 AND is_open = 1 LIMIT 1",
        )?
        .query_row(params![person_id, service], |r| r.get(0))
        .optional()?)
}

/// Applications of a person, newest first.
pub fn for_person(db: &impl Db, person_id: i64) -> Result<Vec<AppRow>> {
    let mut st = db.conn().prepare_cached(&format!(
        "SELECT {APP_COLS} FROM applications WHERE person_id = ?1 ORDER BY accepted_at DESC, id DESC"
    ))?;
    let rows = st.query_map([person_id], app_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Takes the next number of a journal: `OFFICE-WS-YEAR-NNNNNN` for incoming,
/// `OFFICE-WS-YEAR-RNNNNN` for outgoing results.
pub fn next_number(tx: &Tx<'_>, journal: &str, office: &str, year: i32) -> Result<(String, i64)> {
    let ws = tx.workstation.to_string();
    let seq: i64 = tx.tx.query_row(
        "INSERT INTO journal_counters(journal, year, workstation, last) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT(journal, year, workstation) DO UPDATE SET last = last + 1
         RETURNING last",
        params![journal, year, ws],
        |r| r.get(0),
    )?;
    let number = if journal == "in" {
        format!("{office}-{ws}-{year}-{seq:06}")
    } else {
        format!("{office}-{ws}-{year}-R{seq:05}")
    };
    Ok((number, seq))
}

pub struct JournalEntry<'a> {
    pub journal: &'a str,
    pub number: &'a str,
    pub year: i32,
    pub seq: i64,
    pub application_id: i64,
    pub at: &'a str,
    pub user_id: Option<i64>,
    pub summary: &'a str,
}

pub fn add_journal(tx: &Tx<'_>, j: &JournalEntry<'_>) -> Result<()> {
    tx.tx.execute(
        "INSERT INTO journal(journal, number, year, workstation, seq, application_id, registered_at, user_id, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![j.journal, j.number, j.year, tx.workstation, j.seq, j.application_id, j.at, j.user_id, j.summary],
    )?;
    Ok(())
}

/// One line of a journal page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalLine {
    pub number: String,
    pub registered_at: String,
    pub application_number: String,
    pub service: String,
    pub applicant: String,
    pub status: Status,
    pub due_date: String,
    pub user: Option<String>,
}

/// The journal between two UTC moments, in registration order.
pub fn journal_lines(
    db: &impl Db,
    journal: &str,
    from: &str,
    to: &str,
) -> Result<Vec<JournalLine>> {
    let mut st = db.conn().prepare_cached(
        "SELECT j.number, j.registered_at, a.number, a.service, a.applicant_name, a.status, a.due_date, u.full_name
         FROM journal j JOIN applications a ON a.id = j.application_id
         LEFT JOIN users u ON u.id = j.user_id
         WHERE j.journal = ?1 AND j.registered_at >= ?2 AND j.registered_at < ?3
         ORDER BY j.registered_at, j.id",
    )?;
    let rows = st.query_map(params![journal, from, to], |r| {
        Ok(JournalLine {
            number: r.get(0)?,
            registered_at: r.get(1)?,
            application_number: r.get(2)?,
            service: r.get(3)?,
            applicant: r.get(4)?,
            status: parse(r.get(5)?)?,
            due_date: r.get(6)?,
            user: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Data of a new application.
pub struct NewApp<'a> {
    pub number: &'a str,
    pub service: &'a str,
    pub service_version: &'a str,
    pub channel: Channel,
    pub person_id: i64,
    pub applicant_name: &'a str,
    pub applicant_fold: &'a str,
    pub applicant_iin: Option<&'a str>,
    pub accepted_at: &'a str,
    pub due_date: &'a str,
    pub due_at: Option<&'a str>,
    pub registered_by: Option<i64>,
    pub intake: &'a serde_json::Value,
    pub missing_docs_reason: Option<&'a str>,
    pub external_id: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub office_code: &'a str,
}

pub fn insert(tx: &Tx<'_>, a: &NewApp<'_>) -> Result<i64> {
    let res = tx.tx.execute(
        "INSERT INTO applications(number, service, service_version, channel, status, is_open, person_id,
             applicant_name, applicant_fold, applicant_iin, accepted_at, due_date, due_at, registered_by,
             intake, missing_docs_reason, external_id, origin, office_code, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'registered', 1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?9)",
        params![
            a.number,
            a.service,
            a.service_version,
            a.channel.code(),
            a.person_id,
            a.applicant_name,
            a.applicant_fold,
            a.applicant_iin,
            a.accepted_at,
            a.due_date,
            a.due_at,
            a.registered_by,
            serde_json::to_string(a.intake)?,
            a.missing_docs_reason,
            a.external_id,
            a.origin,
            a.office_code
        ],
    );
    match res {
        Err(rusqlite::Error::SqliteFailure(f, Some(msg)))
            if f.code == rusqlite::ErrorCode::ConstraintViolation
                && msg.contains("external_id") =>
        {
            Err(StoreError::Duplicate {
                what: "application",
                key: a.external_id.unwrap_or_default().to_string(),
            })
        }
        Err(e) => Err(e.into()),
        Ok(_) => Ok(tx.tx.last_insert_rowid()),
    }
}

/// A change of an application: only the given columns are written. The row version must match
/// `expected_version` (optimistic locking); it is bumped.
#[derive(Debug, Default)]
pub struct Change<'a> {
    pub status: Option<Status>,
    pub executor_id: Option<i64>,
    pub drafter_id: Option<Option<i64>>,
    pub decision: Option<Option<&'a serde_json::Value>>,
    pub resolution: Option<&'a str>,
    pub return_comment: Option<Option<&'a str>>,
    pub outgoing_number: Option<&'a str>,
    pub signed_by: Option<i64>,
    pub signed_at: Option<&'a str>,
    pub issued_at: Option<&'a str>,
    pub collector_iin: Option<&'a str>,
    pub withdrawn_at: Option<&'a str>,
    pub withdraw_reason: Option<&'a str>,
    pub due_date: Option<&'a str>,
    pub due_at: Option<Option<&'a str>>,
    pub extended: Option<bool>,
}

pub fn update(
    tx: &Tx<'_>,
    id: i64,
    expected_version: i64,
    c: &Change<'_>,
    now: &str,
) -> Result<()> {
    let mut sets: Vec<String> = vec![
        "updated_at = ?".into(),
        "row_version = row_version + 1".into(),
    ];
    let mut vals: Vec<rusqlite::types::Value> = vec![now.to_string().into()];
    use rusqlite::types::Value as V;
    let text = |s: &str| V::Text(s.to_string());
    let opt_text = |s: Option<&str>| s.map(|s| V::Text(s.to_string())).unwrap_or(V::Null);
    if let Some(s) = c.status {
        sets.push("status = ?".into());
        vals.push(text(s.code()));
        sets.push("is_open = ?".into());
        vals.push(V::Integer(s.is_open() as i64));
    }
    if let Some(e) = c.executor_id {
        sets.push("executor_id = ?".into());
        vals.push(V::Integer(e));
    }
    if let Some(d) = c.drafter_id {
        sets.push("drafter_id = ?".into());
        vals.push(d.map(V::Integer).unwrap_or(V::Null));
    }
    if let Some(d) = c.decision {
        sets.push("decision = ?".into());
        vals.push(match d {
            Some(v) => V::Text(serde_json::to_string(v)?),
            None => V::Null,
        });
    }
    if let Some(r) = c.resolution {
        sets.push("resolution = ?".into());
        vals.push(text(r));
    }
    if let Some(r) = c.return_comment {
        sets.push("return_comment = ?".into());
        vals.push(opt_text(r));
    }
    if let Some(n) = c.outgoing_number {
        sets.push("outgoing_number = ?".into());
        vals.push(text(n));
    }
    if let Some(u) = c.signed_by {
        sets.push("signed_by = ?".into());
        vals.push(V::Integer(u));
    }
    if let Some(s) = c.signed_at {
        sets.push("signed_at = ?".into());
        vals.push(text(s));
    }
    if let Some(s) = c.issued_at {
        sets.push("issued_at = ?".into());
        vals.push(text(s));
    }
    if let Some(s) = c.collector_iin {
        sets.push("collector_iin = ?".into());
        vals.push(text(s));
    }
    if let Some(s) = c.withdrawn_at {
        sets.push("withdrawn_at = ?".into());
        vals.push(text(s));
    }
    if let Some(s) = c.withdraw_reason {
        sets.push("withdraw_reason = ?".into());
        vals.push(text(s));
    }
    if let Some(s) = c.due_date {
        sets.push("due_date = ?".into());
        vals.push(text(s));
    }
    if let Some(s) = c.due_at {
        sets.push("due_at = ?".into());
        vals.push(opt_text(s));
    }
    if let Some(b) = c.extended {
        sets.push("extended = ?".into());
        vals.push(V::Integer(b as i64));
    }
    vals.push(V::Integer(id));
    vals.push(V::Integer(expected_version));
    let sql = format!(
        "UPDATE applications SET {} WHERE id = ? AND row_version = ?",
        sets.join(", ")
    );
    let n = tx
        .tx
        .execute(&sql, rusqlite::params_from_iter(vals.iter()))?;
    if n == 0 {
        return if by_id(tx, id)?.is_some() {
            Err(StoreError::Conflict)
        } else {
            Err(StoreError::NotFound(format!("application {id}")))
        };
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Attachments

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentRow {
    pub id: i64,
    pub application_id: i64,
    pub checklist_item: Option<String>,
    pub sha256: String,
    pub size: i64,
    pub mime: String,
    pub file_name: String,
    pub added_at: String,
    pub added_by: Option<i64>,
}

pub struct NewAttachment<'a> {
    pub application_id: i64,
    pub checklist_item: Option<&'a str>,
    pub sha256: &'a str,
    pub size: i64,
    pub mime: &'a str,
    pub file_name: &'a str,
    pub added_at: &'a str,
    pub added_by: Option<i64>,
}

pub fn add_attachment(tx: &Tx<'_>, a: &NewAttachment<'_>) -> Result<i64> {
    tx.tx.execute(
        "INSERT INTO attachments(application_id, checklist_item, sha256, size, mime, file_name, added_at, added_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![a.application_id, a.checklist_item, a.sha256, a.size, a.mime, a.file_name, a.added_at, a.added_by],
    )?;
    Ok(tx.tx.last_insert_rowid())
}

pub fn attachments(db: &impl Db, application_id: i64) -> Result<Vec<AttachmentRow>> {
    let mut st = db.conn().prepare_cached(
        "SELECT id, application_id, checklist_item, sha256, size, mime, file_name, added_at, added_by
         FROM attachments WHERE application_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([application_id], |r| {
        Ok(AttachmentRow {
            id: r.get(0)?,
            application_id: r.get(1)?,
            checklist_item: r.get(2)?,
            sha256: r.get(3)?,
            size: r.get(4)?,
            mime: r.get(5)?,
            file_name: r.get(6)?,
            added_at: r.get(7)?,
            added_by: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every attachment hash referenced by the database (backup completeness checks).
pub fn all_attachment_hashes(db: &impl Db) -> Result<Vec<String>> {
    let mut st = db
        .conn()
        .prepare("SELECT DISTINCT sha256 FROM attachments ORDER BY sha256")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---------------------------------------------------------------------------------------
// Output documents

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRow {
    pub id: i64,
    pub application_id: Option<i64>,
    pub kind: String,
    pub number: String,
    pub content: String,
    pub content_sha256: String,
    pub created_at: String,
}

pub struct NewDocument<'a> {
    pub application_id: Option<i64>,
    pub kind: &'a str,
    pub number: &'a str,
    pub content: &'a str,
    pub content_sha256: &'a str,
    pub created_at: &'a str,
    pub created_by: Option<i64>,
}

pub fn add_document(tx: &Tx<'_>, d: &NewDocument<'_>) -> Result<i64> {
    tx.tx.execute(
        "INSERT INTO documents(application_id, kind, number, content, content_sha256, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![d.application_id, d.kind, d.number, d.content, d.content_sha256, d.created_at, d.created_by],
    )?;
    Ok(tx.tx.last_insert_rowid())
}

/// The newest document of a kind for an application.
pub fn latest_document(
    db: &impl Db,
    application_id: i64,
    kind: &str,
) -> Result<Option<DocumentRow>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT id, application_id, kind, number, content, content_sha256, created_at
             FROM documents WHERE application_id = ?1 AND kind = ?2 ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![application_id, kind], |r| {
            Ok(DocumentRow {
                id: r.get(0)?,
                application_id: r.get(1)?,
                kind: r.get(2)?,
                number: r.get(3)?,
                content: r.get(4)?,
                content_sha256: r.get(5)?,
                created_at: r.get(6)?,
            })
        })
        .optional()?)
}

/// All documents of an application, oldest first.
pub fn documents_of(db: &impl Db, application_id: i64) -> Result<Vec<DocumentRow>> {
    let mut st = db.conn().prepare_cached(
        "SELECT id, application_id, kind, number, content, content_sha256, created_at
         FROM documents WHERE application_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([application_id], |r| {
        Ok(DocumentRow {
            id: r.get(0)?,
            application_id: r.get(1)?,
            kind: r.get(2)?,
            number: r.get(3)?,
            content: r.get(4)?,
            content_sha256: r.get(5)?,
            created_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---------------------------------------------------------------------------------------
// Questionnaire

pub fn record_questionnaire(
    tx: &Tx<'_>,
    application_id: i64,
    q1: u8,
    q2: u8,
    at: &str,
    user: Option<i64>,
) -> Result<()> {
    tx.tx.execute(
        "INSERT INTO questionnaire(application_id, q1, q2, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(application_id) DO UPDATE SET q1 = excluded.q1, q2 = excluded.q2,
             recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
        params![application_id, q1, q2, at, user],
    )?;
    Ok(())
}

/// Answers 1 = not satisfied, 2 = partly, 3 = satisfied: counts per question between two
/// UTC moments.
pub fn questionnaire_summary(db: &impl Db, from: &str, to: &str) -> Result<[[i64; 3]; 2]> {
    let mut out = [[0i64; 3]; 2];
    let mut st = db.conn().prepare_cached(
        "SELECT q1, q2 FROM questionnaire WHERE recorded_at >= ?1 AND recorded_at < ?2",
    )?;
    let mut rows = st.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        let q1: i64 = r.get(0)?;
        let q2: i64 = r.get(1)?;
        out[0][(q1 - 1).clamp(0, 2) as usize] += 1;
        out[1][(q2 - 1).clamp(0, 2) as usize] += 1;
    }
    Ok(out)
}

pub fn questionnaire_of(db: &impl Db, application_id: i64) -> Result<Option<(u8, u8)>> {
    Ok(db
        .conn()
        .query_row(
            "SELECT q1, q2 FROM questionnaire WHERE application_id = ?1",
            [application_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
