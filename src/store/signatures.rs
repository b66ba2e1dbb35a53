//! Certificates, revocation lists and document signatures.

use serde::Serialize;

use super::sql::{Row, params};
use super::{Db, Result, Tx};

/// A stored certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertRow {
    pub serial: String,
    pub user_id: Option<i64>,
    pub iin: String,
    pub common_name: String,
    #[serde(skip)]
    pub der: Vec<u8>,
    pub not_before: String,
    pub not_after: String,
    pub issued_at: String,
    pub revoked_at: Option<String>,
    /// Registered from a key file made elsewhere (not issued by the office CA).
    pub imported: bool,
}

const CERT_COLS: &str = "serial, user_id, iin, common_name, der, not_before, not_after, issued_at, revoked_at, imported";

fn cert(r: &Row) -> Result<CertRow> {
    Ok(CertRow {
        serial: r.get(0)?,
        user_id: r.get(1)?,
        iin: r.get(2)?,
        common_name: r.get(3)?,
        der: r.get(4)?,
        not_before: r.get(5)?,
        not_after: r.get(6)?,
        issued_at: r.get(7)?,
        revoked_at: r.get(8)?,
        imported: r.get::<i64>(9)? != 0,
    })
}

pub fn insert_certificate(tx: &Tx<'_>, c: &CertRow) -> Result<()> {
    tx.execute(
        "INSERT INTO certificates(serial, user_id, iin, common_name, der, not_before, not_after, issued_at, imported)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        params![c.serial, c.user_id, c.iin, c.common_name, c.der, c.not_before, c.not_after, c.issued_at, i64::from(c.imported)],
    )?;
    Ok(())
}

pub fn certificate(db: &impl Db, serial: &str) -> Result<Option<CertRow>> {
    db.query_opt(
        &format!("SELECT {CERT_COLS} FROM certificates WHERE serial = $1"),
        params![serial],
    )?
    .as_ref()
    .map(cert)
    .transpose()
}

pub fn certificates(db: &impl Db) -> Result<Vec<CertRow>> {
    db.query(
        &format!("SELECT {CERT_COLS} FROM certificates ORDER BY issued_at DESC, serial"),
        &[],
    )?
    .iter()
    .map(cert)
    .collect()
}

pub fn revoke(tx: &Tx<'_>, serial: &str, at: &str, reason: &str) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE certificates SET revoked_at = $2, revocation_reason = $3 WHERE serial = $1 AND revoked_at IS NULL",
        params![serial, at, reason],
    )? == 1)
}

/// Revoked serials with their revocation moments.
pub fn revoked(db: &impl Db) -> Result<Vec<(String, String)>> {
    db.query(
        "SELECT serial, revoked_at FROM certificates WHERE revoked_at IS NOT NULL ORDER BY serial",
        &[],
    )?
    .iter()
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .collect()
}

/// The newest revocation list: (number, DER, next update).
pub fn latest_crl(db: &impl Db) -> Result<Option<(i64, Vec<u8>, String)>> {
    db.query_opt(
        "SELECT number, der, next_update FROM crls ORDER BY number DESC LIMIT 1",
        &[],
    )?
    .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .transpose()
}

pub fn insert_crl(
    tx: &Tx<'_>,
    number: i64,
    der: &[u8],
    this_update: &str,
    next_update: &str,
    source: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO crls(number, der, this_update, next_update, source) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT(number) DO UPDATE SET der = excluded.der, this_update = excluded.this_update,
             next_update = excluded.next_update, source = excluded.source",
        params![number, der, this_update, next_update, source],
    )?;
    Ok(())
}

/// A document's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureRow {
    pub document_id: i64,
    pub cert_serial: String,
    pub signer_id: Option<i64>,
    pub signed_at: String,
    pub payload: String,
    #[serde(skip)]
    pub signature: Vec<u8>,
    pub base_pdf_sha256: String,
    pub pdf_sha256: String,
    /// `legacy` (the record in the Info dictionary) or `pades` (a PDF signature field).
    pub format: String,
}

pub fn insert_signature(tx: &Tx<'_>, s: &SignatureRow) -> Result<()> {
    tx.execute(
        "INSERT INTO signatures(document_id, cert_serial, signer_id, signed_at, payload, signature, base_pdf_sha256, pdf_sha256, format)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        params![s.document_id, s.cert_serial, s.signer_id, s.signed_at, s.payload, s.signature, s.base_pdf_sha256, s.pdf_sha256, s.format],
    )?;
    Ok(())
}

const SIG_COLS: &str = "document_id, cert_serial, signer_id, signed_at, payload, signature, base_pdf_sha256, pdf_sha256, format";

fn signature(r: &Row) -> Result<SignatureRow> {
    Ok(SignatureRow {
        document_id: r.get(0)?,
        cert_serial: r.get(1)?,
        signer_id: r.get(2)?,
        signed_at: r.get(3)?,
        payload: r.get(4)?,
        signature: r.get(5)?,
        base_pdf_sha256: r.get(6)?,
        pdf_sha256: r.get(7)?,
        format: r.get(8)?,
    })
}

pub fn signature_of(db: &impl Db, document_id: i64) -> Result<Option<SignatureRow>> {
    db.query_opt(
        &format!("SELECT {SIG_COLS} FROM signatures WHERE document_id = $1"),
        params![document_id],
    )?
    .as_ref()
    .map(signature)
    .transpose()
}

/// The signature whose signed paper has this SHA-256 (hex).
pub fn signature_by_pdf(db: &impl Db, pdf_sha256: &str) -> Result<Option<SignatureRow>> {
    db.query_opt(
        &format!("SELECT {SIG_COLS} FROM signatures WHERE pdf_sha256 = $1"),
        params![pdf_sha256],
    )?
    .as_ref()
    .map(signature)
    .transpose()
}

/// Every signed-paper hash (backup completeness).
pub fn all_pdf_hashes(db: &impl Db) -> Result<Vec<String>> {
    db.query("SELECT pdf_sha256 FROM signatures ORDER BY pdf_sha256", &[])?
        .iter()
        .map(|r| r.get(0))
        .collect()
}
