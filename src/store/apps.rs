//! Applications, the registration journals and their numbers, attachments and output
//! documents.

use serde::Serialize;

use super::sql::{Row, params};
use super::{Db, Result, StoreError, Tx};
use crate::domain::application::AppRef;
use crate::domain::iin::Iin;
use crate::domain::model::{Channel, Status};

/// A stored application: the domain's typed [`Application`], made here from its row.
pub use crate::domain::application::Application;

const APP_COLS: &str =
    "id, number, service, service_version, channel, status, person_id, applicant_name,
    applicant_iin, accepted_at, due_date, due_at, extended, executor_id, drafter_id, registered_by,
    intake, missing_docs_reason, decision, resolution, return_comment, outgoing_number, signed_by,
    signed_at, issued_at, collector_iin, withdrawn_at, withdraw_reason, external_id, origin,
    office_code, updated_at, row_version";

fn json(s: Option<String>) -> Result<Option<serde_json::Value>> {
    match s {
        None => Ok(None),
        Some(s) => Ok(Some(serde_json::from_str(&s)?)),
    }
}

fn iin(r: &Row, i: usize) -> Result<Option<Iin>> {
    let s: Option<String> = r.get(i)?;
    s.filter(|s| !s.is_empty())
        .map(|s| Iin::parse(&s).map_err(|e| StoreError::Corrupt(format!("column {i}: {s:?}: {e}"))))
        .transpose()
}

fn app_from(r: &Row) -> Result<Application> {
    let decision = match json(r.get(18)?)? {
        None => None,
        Some(v) => Some(
            serde_json::from_value(v)
                .map_err(|e| StoreError::Corrupt(format!("stored decision: {e}")))?,
        ),
    };
    Ok(Application {
        id: r.get(0)?,
        number: r.get(1)?,
        service: r.get(2)?,
        service_version: r.get(3)?,
        channel: r.parse(4)?,
        status: r.parse(5)?,
        person_id: r.get(6)?,
        applicant_name: r.get(7)?,
        applicant_iin: iin(r, 8)?,
        accepted_at: r.moment(9)?,
        due_date: r.parse(10)?,
        due_at: r.moment_opt(11)?,
        extended: r.get(12)?,
        executor_id: r.get(13)?,
        drafter_id: r.get(14)?,
        registered_by: r.get(15)?,
        intake: json(r.get(16)?)?.unwrap_or_default(),
        missing_docs_reason: r.get(17)?,
        decision,
        resolution: r.get(19)?,
        return_comment: r.get(20)?,
        outgoing_number: r.get(21)?,
        signed_by: r.get(22)?,
        signed_at: r.moment_opt(23)?,
        issued_at: r.moment_opt(24)?,
        collector_iin: iin(r, 25)?,
        withdrawn_at: r.moment_opt(26)?,
        withdraw_reason: r.get(27)?,
        external_id: r.get(28)?,
        origin: r.get(29)?,
        office_code: r.get(30)?,
        updated_at: r.moment(31)?,
        row_version: r.get(32)?,
    })
}

fn one_app(db: &impl Db, sql: &str, p: &[&dyn super::ToSql]) -> Result<Option<Application>> {
    db.query_opt(sql, p)?.as_ref().map(app_from).transpose()
}

pub fn by_id(db: &impl Db, id: i64) -> Result<Option<Application>> {
    one_app(
        db,
        &format!("SELECT {APP_COLS} FROM applications WHERE id = $1"),
        params![id],
    )
}

/// An application by id or by journal number.
pub fn by_ref(db: &impl Db, r: &AppRef) -> Result<Option<Application>> {
    match r {
        AppRef::Id(id) => by_id(db, *id),
        AppRef::Number(n) => by_number(db, n),
    }
}

pub fn by_number(db: &impl Db, number: &str) -> Result<Option<Application>> {
    one_app(
        db,
        &format!("SELECT {APP_COLS} FROM applications WHERE number = $1 OR outgoing_number = $1"),
        params![number],
    )
}

pub fn by_external_id(db: &impl Db, ext: &str) -> Result<Option<Application>> {
    one_app(
        db,
        &format!("SELECT {APP_COLS} FROM applications WHERE external_id = $1"),
        params![ext],
    )
}

/// Open applications of a person for a service (duplicate check at intake).
pub fn open_for_person(db: &impl Db, person_id: i64, service: &str) -> Result<Option<String>> {
    db.query_opt(
        "SELECT number FROM applications WHERE person_id = $1 AND service = $2 AND is_open = 1 LIMIT 1",
        params![person_id, service],
    )?
    .map(|r| r.get(0))
    .transpose()
}

/// Applications of a person, newest first.
pub fn for_person(db: &impl Db, person_id: i64) -> Result<Vec<Application>> {
    db.query(
        &format!(
            "SELECT {APP_COLS} FROM applications WHERE person_id = $1 ORDER BY accepted_at DESC, id DESC"
        ),
        params![person_id],
    )?
    .iter()
    .map(app_from)
    .collect()
}

/// The setting a restore leaves until the exchange has recovered what came after the backup
/// (its value: JSON with the backup's gateway cursor and when it was restored).
pub const RESTORE_PENDING: &str = "restore_pending";

/// Set by a restore, cleared when the journal counters are raised to what the gateway
/// witnessed: until then no number is issued.
pub const NUMBERS_HELD: &str = "numbers_held";

/// Raises the journal counters to at least the given values (what the gateway witnessed
/// before a restore); returns how many it raised.
pub fn raise_counters(tx: &Tx<'_>, marks: &[(String, i64, String, i64)]) -> Result<usize> {
    let mut raised = 0;
    for (journal, year, ws, last) in marks {
        let n = tx.execute(
            "INSERT INTO journal_counters(journal, year, workstation, last) VALUES ($1, $2, $3, $4)
             ON CONFLICT(journal, year, workstation) DO UPDATE SET last = excluded.last
             WHERE journal_counters.last < excluded.last",
            params![journal, year, ws, last],
        )?;
        raised += n as usize;
    }
    Ok(raised)
}

/// Takes the next number of a journal: `OFFICE-WS-YEAR-NNNNNN` for incoming,
/// `OFFICE-WS-YEAR-RNNNNN` for outgoing results.
pub fn next_number(tx: &Tx<'_>, journal: &str, office: &str, year: i32) -> Result<(String, i64)> {
    // Restored from a backup: the numbers issued after it are known only to the gateway.
    if super::get_setting(tx, NUMBERS_HELD)?.is_some() {
        return Err(super::StoreError::NumbersHeld);
    }
    let ws = tx.workstation.to_string();
    let seq: i64 = tx
        .query_one(
            "INSERT INTO journal_counters(journal, year, workstation, last) VALUES ($1, $2, $3, 1)
             ON CONFLICT(journal, year, workstation) DO UPDATE SET last = journal_counters.last + 1
             RETURNING last",
            params![journal, year, ws],
        )?
        .get(0)?;
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
    tx.execute(
        "INSERT INTO journal(journal, number, year, workstation, seq, application_id, registered_at, user_id, summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        params![j.journal, j.number, j.year, tx.workstation, j.seq, j.application_id, j.at, j.user_id, j.summary],
    )?;
    Ok(())
}

/// One line of a journal page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalLine {
    pub number: String,
    pub registered_at: chrono::DateTime<chrono::Utc>,
    pub application_number: String,
    pub service: String,
    pub applicant: String,
    pub status: Status,
    pub due_date: chrono::NaiveDate,
    pub user: Option<String>,
}

/// The journal between two UTC moments, in registration order.
pub fn journal_lines(
    db: &impl Db,
    journal: &str,
    from: &str,
    to: &str,
) -> Result<Vec<JournalLine>> {
    db.query(
        "SELECT j.number, j.registered_at, a.number, a.service, a.applicant_name, a.status, a.due_date, u.full_name
         FROM journal j JOIN applications a ON a.id = j.application_id
         LEFT JOIN users u ON u.id = j.user_id
         WHERE j.journal = $1 AND j.registered_at >= $2 AND j.registered_at < $3
         ORDER BY j.registered_at, j.id",
        params![journal, from, to],
    )?
    .iter()
    .map(|r| {
        Ok(JournalLine {
            number: r.get(0)?,
            registered_at: r.moment(1)?,
            application_number: r.get(2)?,
            service: r.get(3)?,
            applicant: r.get(4)?,
            status: r.parse(5)?,
            due_date: r.parse(6)?,
            user: r.get(7)?,
        })
    })
    .collect()
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
    let intake = serde_json::to_string(a.intake)?;
    let res = tx.query_one(
        "INSERT INTO applications(number, service, service_version, channel, status, is_open, person_id,
             applicant_name, applicant_fold, applicant_iin, accepted_at, due_date, due_at, registered_by,
             intake, missing_docs_reason, external_id, origin, office_code, updated_at, applicant_sort,
             status_since, status_by)
         VALUES ($1, $2, $3, $4, 'registered', 1, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $9,
             $18, $9, $12)
         RETURNING id",
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
            intake,
            a.missing_docs_reason,
            a.external_id,
            a.origin,
            a.office_code,
            crate::domain::person::name_sort_key(a.applicant_fold)
        ],
    );
    match res {
        Err(StoreError::Constraint(msg)) if msg.contains("external_id") => {
            Err(StoreError::Duplicate {
                what: "application",
                key: a.external_id.unwrap_or_default().to_string(),
            })
        }
        Err(e) => Err(e),
        Ok(r) => {
            let id: i64 = r.get(0)?;
            tx.notice(serde_json::json!({"app": id, "status": "registered"}));
            Ok(id)
        }
    }
}

/// Whether `user` has not opened the application since it entered its present state (then
/// opening it is recorded with [`mark_seen`]).
pub fn unseen_since_change(db: &impl Db, user: i64, application: i64) -> Result<bool> {
    Ok(db
        .query_opt(
            "SELECT a.id FROM applications a
             LEFT JOIN seen s ON s.application_id = a.id AND s.user_id = $1
             WHERE a.id = $2 AND (s.at IS NULL OR s.at < coalesce(a.status_since, a.updated_at))",
            params![user, application],
        )?
        .is_some())
}

/// Records that `user` opened the application at `now` (its line is no longer new for them).
pub fn mark_seen(tx: &Tx<'_>, user: i64, application: i64, now: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO seen(user_id, application_id, at) VALUES ($1, $2, $3)
         ON CONFLICT(user_id, application_id) DO UPDATE SET at = excluded.at",
        params![user, application, now],
    )?;
    Ok(())
}

/// Whether some application has no Kazakh-alphabet sort key yet (see [`fill_sort_keys`]).
pub fn sort_keys_missing(db: &impl Db) -> Result<bool> {
    Ok(db
        .query_opt(
            "SELECT id FROM applications WHERE applicant_sort IS NULL LIMIT 1",
            &[],
        )?
        .is_some())
}

/// Fills in the Kazakh-alphabet sort key of applications stored before it existed (migration
/// 11), a thousand at a time; returns how many. Run when an office opens: a no-op after the
/// first time.
pub fn fill_sort_keys(tx: &Tx<'_>) -> Result<usize> {
    let mut done = 0;
    loop {
        let rows: Vec<(i64, String)> = tx
            .query(
                "SELECT id, applicant_fold FROM applications WHERE applicant_sort IS NULL
                 ORDER BY id LIMIT 1000",
                &[],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect::<Result<_>>()?;
        if rows.is_empty() {
            return Ok(done);
        }
        for (id, fold) in &rows {
            tx.execute(
                "UPDATE applications SET applicant_sort = $1 WHERE id = $2",
                params![crate::domain::person::name_sort_key(fold), id],
            )?;
        }
        done += rows.len();
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
    /// The user who changes the status (`None`: the system, another office).
    pub status_by: Option<i64>,
}

pub fn update(
    tx: &Tx<'_>,
    id: i64,
    expected_version: i64,
    c: &Change<'_>,
    now: &str,
) -> Result<()> {
    use super::sql::{Built, Value as V};
    let mut q = Built::new("");
    let mut sets: Vec<String> = Vec::new();
    let p = q.bind(now);
    sets.push(format!("updated_at = {p}"));
    sets.push("row_version = row_version + 1".into());
    let text = |s: &str| V::Text(s.to_string());
    let opt_text = |s: Option<&str>| s.map(|s| V::Text(s.to_string())).unwrap_or(V::Null);
    if let Some(s) = c.status {
        // The moment the state changed (not an extension, which keeps the state); the SET
        // reads the row's old status on both backends.
        let (ps, pn) = (q.bind(s.code()), q.bind(now));
        let pb = q.bind(c.status_by.map(V::Int).unwrap_or(V::Null));
        sets.push(format!(
            "status_since = CASE WHEN status = {ps} THEN coalesce(status_since, {pn}) ELSE {pn} END"
        ));
        sets.push(format!(
            "status_by = CASE WHEN status = {ps} THEN status_by ELSE {pb} END"
        ));
    }
    let mut set = |col: &str, v: V| {
        let p = q.bind(v);
        sets.push(format!("{col} = {p}"));
    };
    if let Some(s) = c.status {
        set("status", text(s.code()));
        set("is_open", V::Int(s.is_open() as i64));
    }
    if let Some(e) = c.executor_id {
        set("executor_id", V::Int(e));
    }
    if let Some(d) = c.drafter_id {
        set("drafter_id", d.map(V::Int).unwrap_or(V::Null));
    }
    if let Some(d) = c.decision {
        set(
            "decision",
            match d {
                Some(v) => V::Text(serde_json::to_string(v)?),
                None => V::Null,
            },
        );
    }
    if let Some(r) = c.resolution {
        set("resolution", text(r));
    }
    if let Some(r) = c.return_comment {
        set("return_comment", opt_text(r));
    }
    if let Some(n) = c.outgoing_number {
        set("outgoing_number", text(n));
    }
    if let Some(u) = c.signed_by {
        set("signed_by", V::Int(u));
    }
    if let Some(s) = c.signed_at {
        set("signed_at", text(s));
    }
    if let Some(s) = c.issued_at {
        set("issued_at", text(s));
    }
    if let Some(s) = c.collector_iin {
        set("collector_iin", text(s));
    }
    if let Some(s) = c.withdrawn_at {
        set("withdrawn_at", text(s));
    }
    if let Some(s) = c.withdraw_reason {
        set("withdraw_reason", text(s));
    }
    if let Some(s) = c.due_date {
        set("due_date", text(s));
    }
    if let Some(s) = c.due_at {
        set("due_at", opt_text(s));
    }
    if let Some(b) = c.extended {
        set("extended", V::Int(b as i64));
    }
    let pid = q.bind(id);
    let pver = q.bind(expected_version);
    q.sql = format!(
        "UPDATE applications SET {} WHERE id = {pid} AND row_version = {pver}",
        sets.join(", ")
    );
    let n = tx.execute(&q.sql, &q.params())?;
    if n == 0 {
        return if by_id(tx, id)?.is_some() {
            Err(StoreError::Conflict)
        } else {
            Err(StoreError::NotFound(format!("application {id}")))
        };
    }
    tx.notice(serde_json::json!({"app": id, "status": c.status.map(|s| s.code())}));
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
    tx.query_one(
        "INSERT INTO attachments(application_id, checklist_item, sha256, size, mime, file_name, added_at, added_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        params![a.application_id, a.checklist_item, a.sha256, a.size, a.mime, a.file_name, a.added_at, a.added_by],
    )?
    .get(0)
}

pub fn attachments(db: &impl Db, application_id: i64) -> Result<Vec<AttachmentRow>> {
    db.query(
        "SELECT id, application_id, checklist_item, sha256, size, mime, file_name, added_at, added_by
         FROM attachments WHERE application_id = $1 ORDER BY id",
        params![application_id],
    )?
    .iter()
    .map(|r| {
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
    })
    .collect()
}

/// Every attachment hash referenced by the database (backup completeness checks).
pub fn all_attachment_hashes(db: &impl Db) -> Result<Vec<String>> {
    db.query(
        "SELECT DISTINCT sha256 FROM attachments ORDER BY sha256",
        &[],
    )?
    .iter()
    .map(|r| r.get(0))
    .collect()
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
    tx.query_one(
        "INSERT INTO documents(application_id, kind, number, content, content_sha256, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        params![d.application_id, d.kind, d.number, d.content, d.content_sha256, d.created_at, d.created_by],
    )?
    .get(0)
}

fn document_from(r: &Row) -> Result<DocumentRow> {
    Ok(DocumentRow {
        id: r.get(0)?,
        application_id: r.get(1)?,
        kind: r.get(2)?,
        number: r.get(3)?,
        content: r.get(4)?,
        content_sha256: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// The newest document of a kind for an application.
pub fn latest_document(
    db: &impl Db,
    application_id: i64,
    kind: &str,
) -> Result<Option<DocumentRow>> {
    db.query_opt(
        "SELECT id, application_id, kind, number, content, content_sha256, created_at
         FROM documents WHERE application_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
        params![application_id, kind],
    )?
    .as_ref()
    .map(document_from)
    .transpose()
}

/// All documents of an application, oldest first.
pub fn documents_of(db: &impl Db, application_id: i64) -> Result<Vec<DocumentRow>> {
    db.query(
        "SELECT id, application_id, kind, number, content, content_sha256, created_at
         FROM documents WHERE application_id = $1 ORDER BY id",
        params![application_id],
    )?
    .iter()
    .map(document_from)
    .collect()
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
    tx.execute(
        "INSERT INTO questionnaire(application_id, q1, q2, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5)
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
    for r in db.query(
        "SELECT q1, q2 FROM questionnaire WHERE recorded_at >= $1 AND recorded_at < $2",
        params![from, to],
    )? {
        let q1: i64 = r.get(0)?;
        let q2: i64 = r.get(1)?;
        out[0][(q1 - 1).clamp(0, 2) as usize] += 1;
        out[1][(q2 - 1).clamp(0, 2) as usize] += 1;
    }
    Ok(out)
}

pub fn questionnaire_of(db: &impl Db, application_id: i64) -> Result<Option<(u8, u8)>> {
    db.query_opt(
        "SELECT q1, q2 FROM questionnaire WHERE application_id = $1",
        params![application_id],
    )?
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .transpose()
}
