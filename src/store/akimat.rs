//! The rural akimat's own workstation and its exchange with the department (issue 12): the
//! installation's kind, the other side of each exchange (`exchange_peers`, `exchange_sent`) and
//! the link of an akim-channel application to its other side (`akimat_links`).

use serde::Serialize;

use super::sql::{Row, params};
use super::{Db, Result, StoreError, Tx};

/// The installation's kind and, at an akimat, the department it sends to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficeKindRow {
    /// `department` or `akimat`.
    pub kind: String,
    pub department_code: Option<String>,
    pub department_name_kk: Option<String>,
    pub department_name_ru: Option<String>,
}

pub fn office_kind(db: &impl Db) -> Result<OfficeKindRow> {
    let Some(r) = db.query_opt(
        "SELECT kind, department_code, department_name_kk, department_name_ru FROM office WHERE id = 1",
        &[],
    )?
    else {
        return Ok(OfficeKindRow {
            kind: "department".into(),
            ..Default::default()
        });
    };
    Ok(OfficeKindRow {
        kind: r.get(0)?,
        department_code: r.get(1)?,
        department_name_kk: r.get(2)?,
        department_name_ru: r.get(3)?,
    })
}

pub fn set_office_kind(tx: &Tx<'_>, k: &OfficeKindRow) -> Result<()> {
    tx.execute(
        "UPDATE office SET kind = $1, department_code = $2, department_name_kk = $3,
             department_name_ru = $4 WHERE id = 1",
        params![
            k.kind,
            k.department_code,
            k.department_name_kk,
            k.department_name_ru
        ],
    )?;
    Ok(())
}

/// The other side of an exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Peer {
    pub code: String,
    pub kind: String,
    pub name_kk: String,
    pub name_ru: String,
    pub public_key: Option<String>,
    pub last_in_seq: i64,
    pub last_out_seq: i64,
    pub acked_out_seq: i64,
    pub last_heard_at: Option<String>,
}

fn peer_row(r: &Row) -> Result<Peer> {
    Ok(Peer {
        code: r.get(0)?,
        kind: r.get(1)?,
        name_kk: r.get(2)?,
        name_ru: r.get(3)?,
        public_key: r.get(4)?,
        last_in_seq: r.get(5)?,
        last_out_seq: r.get(6)?,
        acked_out_seq: r.get(7)?,
        last_heard_at: r.get(8)?,
    })
}

const PEER_COLS: &str = "code, kind, name_kk, name_ru, public_key, last_in_seq, last_out_seq,
    acked_out_seq, last_heard_at";

pub fn peer(db: &impl Db, code: &str) -> Result<Option<Peer>> {
    db.query_opt(
        &format!("SELECT {PEER_COLS} FROM exchange_peers WHERE code = $1"),
        params![code],
    )?
    .as_ref()
    .map(peer_row)
    .transpose()
}

pub fn peers(db: &impl Db) -> Result<Vec<Peer>> {
    db.query(
        &format!("SELECT {PEER_COLS} FROM exchange_peers ORDER BY code"),
        &[],
    )?
    .iter()
    .map(peer_row)
    .collect()
}

/// Adds a peer, or refreshes its names (an empty name keeps the known one).
pub fn upsert_peer(
    tx: &Tx<'_>,
    code: &str,
    kind: &str,
    name_kk: &str,
    name_ru: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO exchange_peers(code, kind, name_kk, name_ru) VALUES ($1, $2, $3, $4)
         ON CONFLICT(code) DO UPDATE SET
             name_kk = CASE WHEN excluded.name_kk = '' THEN exchange_peers.name_kk ELSE excluded.name_kk END,
             name_ru = CASE WHEN excluded.name_ru = '' THEN exchange_peers.name_ru ELSE excluded.name_ru END",
        params![code, kind, name_kk, name_ru],
    )?;
    Ok(())
}

/// Reserves the next package number for `peer` and records which messages it carries
/// (a message keeps the number of the first package that carried it).
pub fn reserve_package(tx: &Tx<'_>, peer: &str, message_ids: &[String]) -> Result<i64> {
    let seq: i64 = tx
        .query_one(
            "UPDATE exchange_peers SET last_out_seq = last_out_seq + 1 WHERE code = $1
             RETURNING last_out_seq",
            params![peer],
        )?
        .get(0)?;
    for m in message_ids {
        tx.execute(
            "INSERT INTO exchange_sent(peer, message_id, seq) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            params![peer, m, seq],
        )?;
    }
    Ok(seq)
}

/// Records an applied package of `peer`: its number, the key it was sealed with (pinned the
/// first time), and what it says it applied of ours (those messages count as delivered).
pub fn record_import(
    tx: &Tx<'_>,
    peer: &str,
    seq: i64,
    public_key: &str,
    ack: i64,
    now: &str,
) -> Result<u64> {
    let n = tx.execute(
        "UPDATE exchange_peers SET last_in_seq = $2, last_heard_at = $3,
             public_key = coalesce(public_key, $4),
             acked_out_seq = CASE WHEN acked_out_seq < $5 THEN $6 ELSE acked_out_seq END
         WHERE code = $1 AND last_in_seq < $7",
        // Each parameter once (PostgreSQL deduces one type per parameter).
        params![peer, seq, now, public_key, ack, ack, seq],
    )?;
    if n != 1 {
        return Err(StoreError::Conflict);
    }
    let delivered = tx.execute(
        "UPDATE outbox SET state = 'delivered', delivered_at = $3, last_error = NULL
         WHERE state IN ('pending', 'failed') AND message_id IN
             (SELECT message_id FROM exchange_sent WHERE peer = $1 AND seq <= $2)",
        params![peer, ack, now],
    )?;
    Ok(delivered)
}

/// An outbox message still to reach its recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered {
    pub message_id: String,
    pub kind: String,
    pub payload: String,
    pub created_at: String,
}

/// Outbox messages not yet known to have reached `peer` (pending, or refused by the gateway),
/// oldest first.
pub fn undelivered_for(db: &impl Db, peer: &str) -> Result<Vec<Undelivered>> {
    let rows = db.query(
        "SELECT message_id, kind, payload, created_at FROM outbox
         WHERE state IN ('pending', 'failed') ORDER BY id",
        &[],
    )?;
    let mut out = Vec::new();
    for r in rows {
        let payload: String = r.get(2)?;
        let to = serde_json::from_str::<serde_json::Value>(&payload)
            .ok()
            .and_then(|v| v["recipient"].as_str().map(str::to_string));
        if to.as_deref() == Some(peer) {
            out.push(Undelivered {
                message_id: r.get(0)?,
                kind: r.get(1)?,
                payload,
                created_at: r.get(3)?,
            });
        }
    }
    Ok(out)
}

/// Codes of the peers that have messages waiting.
pub fn peers_with_waiting(db: &impl Db) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for p in peers(db)? {
        if !undelivered_for(db, &p.code)?.is_empty() {
            out.push(p.code);
        }
    }
    Ok(out)
}

/// An akim-channel application and its other side.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Link {
    pub application_id: i64,
    pub akimat_code: String,
    pub akimat_name_kk: String,
    pub akimat_name_ru: String,
    pub akimat_number: String,
    pub akimat_accepted_at: String,
    pub cover_number: Option<String>,
    pub cover_date: Option<String>,
    pub package_message_id: Option<String>,
    pub department_code: String,
    pub department_number: Option<String>,
    pub department_status: Option<String>,
    pub department_status_at: Option<String>,
    pub heard_at: Option<String>,
    pub result_number: Option<String>,
    pub result_sha256: Option<String>,
    pub issued_at: Option<String>,
}

const LINK_COLS: &str = "application_id, akimat_code, akimat_name_kk, akimat_name_ru,
    akimat_number, akimat_accepted_at, cover_number, cover_date, package_message_id,
    department_code, department_number, department_status, department_status_at, heard_at,
    result_number, result_sha256, issued_at";

fn link_row(r: &Row) -> Result<Link> {
    Ok(Link {
        application_id: r.get(0)?,
        akimat_code: r.get(1)?,
        akimat_name_kk: r.get(2)?,
        akimat_name_ru: r.get(3)?,
        akimat_number: r.get(4)?,
        akimat_accepted_at: r.get(5)?,
        cover_number: r.get(6)?,
        cover_date: r.get(7)?,
        package_message_id: r.get(8)?,
        department_code: r.get(9)?,
        department_number: r.get(10)?,
        department_status: r.get(11)?,
        department_status_at: r.get(12)?,
        heard_at: r.get(13)?,
        result_number: r.get(14)?,
        result_sha256: r.get(15)?,
        issued_at: r.get(16)?,
    })
}

pub fn insert_link(tx: &Tx<'_>, l: &Link) -> Result<()> {
    tx.execute(
        &format!(
            "INSERT INTO akimat_links({LINK_COLS}) VALUES
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        ),
        params![
            l.application_id,
            l.akimat_code,
            l.akimat_name_kk,
            l.akimat_name_ru,
            l.akimat_number,
            l.akimat_accepted_at,
            l.cover_number,
            l.cover_date,
            l.package_message_id,
            l.department_code,
            l.department_number,
            l.department_status,
            l.department_status_at,
            l.heard_at,
            l.result_number,
            l.result_sha256,
            l.issued_at
        ],
    )?;
    Ok(())
}

pub fn link(db: &impl Db, application_id: i64) -> Result<Option<Link>> {
    db.query_opt(
        &format!("SELECT {LINK_COLS} FROM akimat_links WHERE application_id = $1"),
        params![application_id],
    )?
    .as_ref()
    .map(link_row)
    .transpose()
}

pub fn link_by_package(db: &impl Db, message_id: &str) -> Result<Option<Link>> {
    db.query_opt(
        &format!("SELECT {LINK_COLS} FROM akimat_links WHERE package_message_id = $1"),
        params![message_id],
    )?
    .as_ref()
    .map(link_row)
    .transpose()
}

/// What the department last said about an application (at the akimat).
pub fn record_heard(
    tx: &Tx<'_>,
    application_id: i64,
    department_number: Option<&str>,
    status: &str,
    status_at: &str,
    heard_at: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE akimat_links SET department_number = coalesce($2, department_number),
             department_status = $3, department_status_at = $4, heard_at = $5
         WHERE application_id = $1",
        params![
            application_id,
            department_number,
            status,
            status_at,
            heard_at
        ],
    )?;
    Ok(())
}

/// The signed result that came back (at the akimat).
pub fn record_result(tx: &Tx<'_>, application_id: i64, number: &str, sha256: &str) -> Result<()> {
    tx.execute(
        "UPDATE akimat_links SET result_number = $2, result_sha256 = $3 WHERE application_id = $1",
        params![application_id, number, sha256],
    )?;
    Ok(())
}

pub fn record_issued(tx: &Tx<'_>, application_id: i64, at: &str) -> Result<()> {
    tx.execute(
        "UPDATE akimat_links SET issued_at = $2 WHERE application_id = $1",
        params![application_id, at],
    )?;
    Ok(())
}
