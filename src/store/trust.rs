//! The roots an office trusts besides its own CA (e.g. НУЦ РК's), each one's newest
//! revocation list, and the lockouts of key files whose password was typed wrong too often.

use super::sql::{Row, params};
use super::{Db, Result, Tx};

/// A trusted root certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RootRow {
    pub sha256: String,
    #[serde(skip)]
    pub der: Vec<u8>,
    pub common_name: String,
    pub not_after: String,
    pub added_at: String,
    /// The next update of its newest revocation list, if it has one.
    pub crl_next_update: Option<String>,
}

fn root(r: &Row) -> Result<RootRow> {
    Ok(RootRow {
        sha256: r.get(0)?,
        der: r.get(1)?,
        common_name: r.get(2)?,
        not_after: r.get(3)?,
        added_at: r.get(4)?,
        crl_next_update: r.get(5)?,
    })
}

/// Adds a root (or keeps the one already there); true when it is new.
pub fn add_root(tx: &Tx<'_>, r: &RootRow) -> Result<bool> {
    Ok(tx.execute(
        "INSERT INTO trusted_roots(sha256, der, common_name, not_after, added_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT(sha256) DO NOTHING",
        params![r.sha256, r.der, r.common_name, r.not_after, r.added_at],
    )? == 1)
}

/// Every trusted root with the next update of its list.
pub fn roots(db: &impl Db) -> Result<Vec<RootRow>> {
    db.query(
        "SELECT r.sha256, r.der, r.common_name, r.not_after, r.added_at, c.next_update
         FROM trusted_roots r LEFT JOIN trusted_crls c ON c.root_sha256 = r.sha256
         ORDER BY r.added_at, r.sha256",
        &[],
    )?
    .iter()
    .map(root)
    .collect()
}

/// Sets a root's revocation list, unless the stored one is newer.
pub fn put_crl(
    tx: &Tx<'_>,
    root_sha256: &str,
    der: &[u8],
    this_update: &str,
    next_update: &str,
    now: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO trusted_crls(root_sha256, der, this_update, next_update, added_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT(root_sha256) DO UPDATE SET der = excluded.der,
             this_update = excluded.this_update, next_update = excluded.next_update,
             added_at = excluded.added_at
         WHERE trusted_crls.this_update <= excluded.this_update",
        params![root_sha256, der, this_update, next_update, now],
    )?;
    Ok(())
}

/// The revocation lists of the trusted roots (DER).
pub fn crls(db: &impl Db) -> Result<Vec<Vec<u8>>> {
    db.query("SELECT der FROM trusted_crls ORDER BY root_sha256", &[])?
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A key file's failed password attempts and lockout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lockout {
    pub failed: i64,
    pub locked_until: Option<String>,
}

pub fn lockout(db: &impl Db, key_sha256: &str) -> Result<Option<Lockout>> {
    db.query_opt(
        "SELECT failed, locked_until FROM key_lockouts WHERE key_sha256 = $1",
        params![key_sha256],
    )?
    .map(|r| {
        Ok(Lockout {
            failed: r.get(0)?,
            locked_until: r.get(1)?,
        })
    })
    .transpose()
}

pub fn set_lockout(
    tx: &Tx<'_>,
    key_sha256: &str,
    failed: i64,
    locked_until: Option<&str>,
    now: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO key_lockouts(key_sha256, failed, locked_until, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT(key_sha256) DO UPDATE SET failed = excluded.failed,
             locked_until = excluded.locked_until, updated_at = excluded.updated_at",
        params![key_sha256, failed, locked_until, now],
    )?;
    Ok(())
}
