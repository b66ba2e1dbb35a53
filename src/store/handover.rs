//! Who took a paper at issue (the collector and the power of attorney they showed), the
//! applicant's data as registered with an application, and the history of deliberate changes
//! of a person's data (migration `11-window`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::sql::params;
use super::{Db, Result, StoreError, Tx};
use crate::domain::person::Person;

/// The power of attorney a collector who is not the applicant showed at issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proxy {
    /// Its number (the notary's register number, or the issuer's own).
    pub number: String,
    /// The day it was made.
    pub date: chrono::NaiveDate,
    /// The last day it is valid.
    pub valid_until: chrono::NaiveDate,
    /// The notary or the organisation that certified it.
    pub issuer: String,
    /// The ИИН of the person who gave it (the applicant).
    pub principal_iin: Option<String>,
    /// Its scan among the application's attachments.
    pub attachment_id: i64,
    pub scan_sha256: String,
}

/// Who took the paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub collector_name: Option<String>,
    pub proxy: Option<Proxy>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// Records the collector's name and power of attorney on an issued application.
pub fn set_handover(
    tx: &Tx<'_>,
    application_id: i64,
    collector_name: &str,
    proxy: Option<&Proxy>,
) -> Result<()> {
    let proxy = proxy
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| corrupt("proxy", e))?;
    tx.execute(
        "UPDATE applications SET collector_name = $1, proxy = $2 WHERE id = $3",
        params![collector_name, proxy, application_id],
    )?;
    Ok(())
}

/// Who took the paper of an application (nothing before issue).
pub fn handover(db: &impl Db, application_id: i64) -> Result<Handover> {
    let Some(r) = db.query_opt(
        "SELECT collector_name, proxy FROM applications WHERE id = $1",
        params![application_id],
    )?
    else {
        return Err(StoreError::NotFound(format!(
            "application {application_id}"
        )));
    };
    let proxy: Option<String> = r.get(1)?;
    Ok(Handover {
        collector_name: r.get(0)?,
        proxy: proxy
            .map(|p| serde_json::from_str(&p))
            .transpose()
            .map_err(|e| corrupt("proxy", e))?,
    })
}

/// Keeps the applicant's data as registered with the application.
pub fn set_applicant_data(tx: &Tx<'_>, application_id: i64, p: &Person) -> Result<()> {
    let data = serde_json::to_string(p).map_err(|e| corrupt("applicant", e))?;
    tx.execute(
        "UPDATE applications SET applicant_data = $1 WHERE id = $2",
        params![data, application_id],
    )?;
    Ok(())
}

/// The applicant's data as registered (none for applications registered before it was kept).
pub fn applicant_data(db: &impl Db, application_id: i64) -> Result<Option<Person>> {
    let Some(r) = db.query_opt(
        "SELECT applicant_data FROM applications WHERE id = $1",
        params![application_id],
    )?
    else {
        return Ok(None);
    };
    let data: Option<String> = r.get(0)?;
    data.map(|d| serde_json::from_str(&d))
        .transpose()
        .map_err(|e| corrupt("applicant", e))
}

/// One deliberate change of a person's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonChange {
    pub id: i64,
    pub person_id: i64,
    pub at: String,
    pub user_id: Option<i64>,
    pub reason: String,
    pub before: Value,
    pub after: Value,
}

/// Records a change of a person's data.
pub fn add_person_change(
    tx: &Tx<'_>,
    person_id: i64,
    at: &str,
    user_id: Option<i64>,
    reason: &str,
    before: &Person,
    after: &Person,
) -> Result<i64> {
    let b = serde_json::to_string(before).map_err(|e| corrupt("person", e))?;
    let a = serde_json::to_string(after).map_err(|e| corrupt("person", e))?;
    tx.query_one(
        "INSERT INTO person_history(person_id, at, user_id, reason, data_before, data_after)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        params![person_id, at, user_id, reason, b, a],
    )?
    .get(0)
}

/// The changes of a person's data, oldest first.
pub fn person_history(db: &impl Db, person_id: i64) -> Result<Vec<PersonChange>> {
    db.query(
        "SELECT id, person_id, at, user_id, reason, data_before, data_after
         FROM person_history WHERE person_id = $1 ORDER BY id",
        params![person_id],
    )?
    .iter()
    .map(|r| {
        let b: String = r.get(5)?;
        let a: String = r.get(6)?;
        Ok(PersonChange {
            id: r.get(0)?,
            person_id: r.get(1)?,
            at: r.get(2)?,
            user_id: r.get(3)?,
            reason: r.get(4)?,
            before: serde_json::from_str(&b).map_err(|e| corrupt("person", e))?,
            after: serde_json::from_str(&a).map_err(|e| corrupt("person", e))?,
        })
    })
    .collect()
}
