//! The outbox: messages for the regional gateway, written in the same transaction as the change
//! they announce, drained in order by the sync engine.

use serde::Serialize;

use super::sql::{Row, params};
use super::{Db, Result, Tx};

/// A message waiting for (or done with) delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub message_id: String,
    pub application_id: Option<i64>,
    pub kind: String,
    pub payload: String,
    pub created_at: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub delivered_at: Option<String>,
}

pub fn push(
    tx: &Tx<'_>,
    message_id: &str,
    application_id: Option<i64>,
    kind: &str,
    payload: &serde_json::Value,
    now: &str,
) -> Result<i64> {
    tx.query_one(
        "INSERT INTO outbox(message_id, application_id, kind, payload, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        params![
            message_id,
            application_id,
            kind,
            serde_json::to_string(payload)?,
            now
        ],
    )?
    .get(0)
}

const COLS: &str = "id, message_id, application_id, kind, payload, created_at, state, attempts,
    next_attempt_at, last_error, delivered_at";

fn row(r: &Row) -> Result<OutboxRow> {
    Ok(OutboxRow {
        id: r.get(0)?,
        message_id: r.get(1)?,
        application_id: r.get(2)?,
        kind: r.get(3)?,
        payload: r.get(4)?,
        created_at: r.get(5)?,
        state: r.get(6)?,
        attempts: r.get(7)?,
        next_attempt_at: r.get(8)?,
        last_error: r.get(9)?,
        delivered_at: r.get(10)?,
    })
}

/// The oldest pending messages, in creation order.
pub fn pending(db: &impl Db, limit: usize) -> Result<Vec<OutboxRow>> {
    db.query(
        &format!("SELECT {COLS} FROM outbox WHERE state = 'pending' ORDER BY id LIMIT $1"),
        params![limit as i64],
    )?
    .iter()
    .map(row)
    .collect()
}

/// Messages in any state, newest first (the per-message view).
pub fn recent(db: &impl Db, limit: usize) -> Result<Vec<OutboxRow>> {
    db.query(
        &format!("SELECT {COLS} FROM outbox ORDER BY id DESC LIMIT $1"),
        params![limit as i64],
    )?
    .iter()
    .map(row)
    .collect()
}

pub fn by_message_id(db: &impl Db, message_id: &str) -> Result<Option<OutboxRow>> {
    db.query_opt(
        &format!("SELECT {COLS} FROM outbox WHERE message_id = $1"),
        params![message_id],
    )?
    .as_ref()
    .map(row)
    .transpose()
}

pub fn mark_delivered(tx: &Tx<'_>, id: i64, now: &str) -> Result<()> {
    tx.execute(
        "UPDATE outbox SET state = 'delivered', delivered_at = $2, last_error = NULL,
         attempts = attempts + 1 WHERE id = $1",
        params![id, now],
    )?;
    Ok(())
}

pub fn mark_retry(tx: &Tx<'_>, id: i64, error: &str, next_attempt_at: &str) -> Result<()> {
    tx.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1",
        params![id, error, next_attempt_at],
    )?;
    Ok(())
}

pub fn mark_failed(tx: &Tx<'_>, id: i64, error: &str) -> Result<()> {
    tx.execute(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = $1",
        params![id, error],
    )?;
    Ok(())
}

/// Puts a failed message back in the queue (the clerk's "retry").
pub fn requeue(tx: &Tx<'_>, id: i64, now: &str) -> Result<()> {
    tx.execute(
        "UPDATE outbox SET state = 'pending', next_attempt_at = $2 WHERE id = $1 AND state = 'failed'",
        params![id, now],
    )?;
    Ok(())
}

/// Counts by state, and the creation time of the oldest pending message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
    pub oldest_pending: Option<String>,
    pub last_error: Option<String>,
}

pub fn stats(db: &impl Db) -> Result<Stats> {
    let mut s = Stats::default();
    for r in db.query("SELECT state, count(*) FROM outbox GROUP BY state", &[])? {
        let state: String = r.get(0)?;
        let n: i64 = r.get(1)?;
        match state.as_str() {
            "pending" => s.pending = n,
            "delivered" => s.delivered = n,
            "failed" => s.failed = n,
            _ => {}
        }
    }
    s.oldest_pending = db
        .query_opt(
            "SELECT created_at FROM outbox WHERE state = 'pending' ORDER BY id LIMIT 1",
            &[],
        )?
        .map(|r| r.get(0))
        .transpose()?;
    s.last_error = db
        .query_opt(
            "SELECT last_error FROM outbox WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT 1",
            &[],
        )?
        .map(|r| r.get(0))
        .transpose()?;
    Ok(s)
}
