//! What arrived from the gateway (each message applied once) and the conflicts shown to the
//! head.

use serde::Serialize;

use super::sql::{Row, params};
use super::{Db, Result, Tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboxRow {
    pub message_id: String,
    pub seq: i64,
    pub sender: String,
    pub message_type: String,
    pub correlation_id: Option<String>,
    pub state: String,
    pub application_id: Option<i64>,
    pub error: Option<String>,
    pub envelope: String,
    pub received_at: String,
}

const COLS: &str = "message_id, seq, sender, message_type, correlation_id, state, application_id, error, envelope, received_at";

fn row(r: &Row) -> Result<InboxRow> {
    Ok(InboxRow {
        message_id: r.get(0)?,
        seq: r.get(1)?,
        sender: r.get(2)?,
        message_type: r.get(3)?,
        correlation_id: r.get(4)?,
        state: r.get(5)?,
        application_id: r.get(6)?,
        error: r.get(7)?,
        envelope: r.get(8)?,
        received_at: r.get(9)?,
    })
}

pub fn get(db: &impl Db, message_id: &str) -> Result<Option<InboxRow>> {
    db.query_opt(
        &format!("SELECT {COLS} FROM inbox WHERE message_id = $1"),
        params![message_id],
    )?
    .as_ref()
    .map(row)
    .transpose()
}

pub fn put(tx: &Tx<'_>, r: &InboxRow, now: &str) -> Result<()> {
    // When it was applied, decided here: one parameter used as two types makes PostgreSQL
    // refuse the statement ("inconsistent types deduced").
    let applied_at = (r.state == "applied").then_some(now);
    tx.execute(
        "INSERT INTO inbox(message_id, seq, sender, message_type, correlation_id, state, application_id, error, envelope, received_at, applied_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT(message_id) DO UPDATE SET state = excluded.state, application_id = excluded.application_id,
             error = excluded.error, applied_at = coalesce(excluded.applied_at, inbox.applied_at)",
        params![r.message_id, r.seq, r.sender, r.message_type, r.correlation_id, r.state, r.application_id, r.error, r.envelope, r.received_at, applied_at],
    )?;
    Ok(())
}

/// Messages that arrived before what they refer to.
pub fn waiting(db: &impl Db) -> Result<Vec<InboxRow>> {
    db.query(
        &format!("SELECT {COLS} FROM inbox WHERE state = 'waiting' ORDER BY seq"),
        &[],
    )?
    .iter()
    .map(row)
    .collect()
}

/// Counts by state.
pub fn counts(db: &impl Db) -> Result<Vec<(String, i64)>> {
    db.query(
        "SELECT state, count(*) FROM inbox GROUP BY state ORDER BY state",
        &[],
    )?
    .iter()
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub id: i64,
    pub message_id: String,
    pub application_id: Option<i64>,
    pub kind: String,
    pub detail: String,
    pub created_at: String,
}

pub fn add_conflict(
    tx: &Tx<'_>,
    message_id: &str,
    application_id: Option<i64>,
    kind: &str,
    detail: &str,
    now: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_conflicts(message_id, application_id, kind, detail, created_at) VALUES ($1, $2, $3, $4, $5)",
        params![message_id, application_id, kind, detail, now],
    )?;
    tx.notice(serde_json::json!({"conflict": message_id}));
    Ok(())
}

pub fn open_conflicts(db: &impl Db) -> Result<Vec<Conflict>> {
    db.query(
        "SELECT id, message_id, application_id, kind, detail, created_at FROM sync_conflicts
         WHERE resolved_at IS NULL ORDER BY id",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(Conflict {
            id: r.get(0)?,
            message_id: r.get(1)?,
            application_id: r.get(2)?,
            kind: r.get(3)?,
            detail: r.get(4)?,
            created_at: r.get(5)?,
        })
    })
    .collect()
}

pub fn resolve_conflict(tx: &Tx<'_>, id: i64, user: i64, now: &str) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE sync_conflicts SET resolved_at = $3, resolved_by = $2 WHERE id = $1 AND resolved_at IS NULL",
        params![id, user, now],
    )? == 1)
}
