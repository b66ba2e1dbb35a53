//! Users of the workstation and persons (applicants).

use serde::Serialize;

use super::sql::{Row, params};
use super::{Db, Result, StoreError, Tx};
use crate::domain::iin::{Iin, Sex};
use crate::domain::model::{Lang, Role};
use crate::domain::person::{IdentityDocument, Person, ValidPerson, fold_name};

/// A user row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRow {
    pub id: i64,
    pub iin: String,
    pub full_name: String,
    #[serde(skip)]
    pub password_phc: String,
    pub roles: Vec<Role>,
    pub lang: Lang,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until: Option<String>,
    pub must_change_password: bool,
}

fn roles_of(db: &impl Db, user_id: i64) -> Result<Vec<Role>> {
    let mut out = Vec::new();
    for r in db.query(
        "SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role",
        params![user_id],
    )? {
        out.push(r.parse::<Role>(0)?);
    }
    out.sort();
    Ok(out)
}

fn user_from(r: &Row) -> Result<(i64, UserRow)> {
    let id: i64 = r.get(0)?;
    let lang: String = r.get(4)?;
    Ok((
        id,
        UserRow {
            id,
            iin: r.get(1)?,
            full_name: r.get(2)?,
            password_phc: r.get(3)?,
            roles: Vec::new(),
            lang: lang.parse().unwrap_or_default(),
            disabled: r.get(5)?,
            failed_logins: r.get(6)?,
            locked_until: r.get(7)?,
            must_change_password: r.get(8)?,
        },
    ))
}

const USER_COLS: &str = "id, iin, full_name, password_phc, lang, disabled, failed_logins, locked_until, must_change_password";

pub fn user_by_iin(db: &impl Db, iin: &str) -> Result<Option<UserRow>> {
    let row = db
        .query_opt(
            &format!("SELECT {USER_COLS} FROM users WHERE iin = $1"),
            params![iin],
        )?
        .as_ref()
        .map(user_from)
        .transpose()?;
    match row {
        Some((id, mut u)) => {
            u.roles = roles_of(db, id)?;
            Ok(Some(u))
        }
        None => Ok(None),
    }
}

pub fn user_by_id(db: &impl Db, id: i64) -> Result<Option<UserRow>> {
    let row = db
        .query_opt(
            &format!("SELECT {USER_COLS} FROM users WHERE id = $1"),
            params![id],
        )?
        .as_ref()
        .map(user_from)
        .transpose()?;
    match row {
        Some((id, mut u)) => {
            u.roles = roles_of(db, id)?;
            Ok(Some(u))
        }
        None => Ok(None),
    }
}

pub fn list_users(db: &impl Db) -> Result<Vec<UserRow>> {
    let rows: Vec<(i64, UserRow)> = db
        .query(
            &format!("SELECT {USER_COLS} FROM users ORDER BY full_name"),
            &[],
        )?
        .iter()
        .map(user_from)
        .collect::<Result<_>>()?;
    let mut out = Vec::new();
    for (id, mut u) in rows {
        u.roles = roles_of(db, id)?;
        out.push(u);
    }
    Ok(out)
}

pub fn count_users(db: &impl Db) -> Result<i64> {
    db.query_one("SELECT count(*) FROM users", &[])?.get(0)
}

pub struct NewUser<'a> {
    pub iin: &'a Iin,
    pub full_name: &'a str,
    pub password_phc: &'a str,
    pub roles: &'a [Role],
    pub lang: Lang,
    pub must_change_password: bool,
}

pub fn insert_user(tx: &Tx<'_>, u: &NewUser<'_>, now: &str) -> Result<i64> {
    let iin = u.iin.as_string();
    if user_by_iin(tx, &iin)?.is_some() {
        return Err(StoreError::Duplicate {
            what: "user",
            key: iin,
        });
    }
    let id: i64 = tx
        .query_one(
            "INSERT INTO users(iin, full_name, password_phc, lang, must_change_password, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            params![iin, u.full_name, u.password_phc, u.lang.code(), u.must_change_password, now],
        )?
        .get(0)?;
    set_roles(tx, id, u.roles)?;
    Ok(id)
}

pub fn set_roles(tx: &Tx<'_>, user_id: i64, roles: &[Role]) -> Result<()> {
    tx.execute(
        "DELETE FROM user_roles WHERE user_id = $1",
        params![user_id],
    )?;
    for r in roles {
        tx.execute(
            "INSERT INTO user_roles(user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            params![user_id, r.code()],
        )?;
    }
    Ok(())
}

pub fn set_password(
    tx: &Tx<'_>,
    user_id: i64,
    phc: &str,
    must_change: bool,
    now: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE users SET password_phc = $2, must_change_password = $3, failed_logins = 0,
         locked_until = NULL, updated_at = $4 WHERE id = $1",
        params![user_id, phc, must_change, now],
    )?;
    Ok(())
}

pub fn set_login_state(
    tx: &Tx<'_>,
    user_id: i64,
    failed: i64,
    locked_until: Option<&str>,
    now: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE users SET failed_logins = $2, locked_until = $3, updated_at = $4 WHERE id = $1",
        params![user_id, failed, locked_until, now],
    )?;
    Ok(())
}

pub fn set_disabled(tx: &Tx<'_>, user_id: i64, disabled: bool, now: &str) -> Result<()> {
    tx.execute(
        "UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1",
        params![user_id, disabled, now],
    )?;
    Ok(())
}

pub fn set_lang(tx: &Tx<'_>, user_id: i64, lang: Lang, now: &str) -> Result<()> {
    tx.execute(
        "UPDATE users SET lang = $2, updated_at = $3 WHERE id = $1",
        params![user_id, lang.code(), now],
    )?;
    Ok(())
}

/// Enabled users holding a role (e.g. executors to assign).
pub fn users_with_role(db: &impl Db, role: Role) -> Result<Vec<(i64, String)>> {
    db.query(
        "SELECT u.id, u.full_name FROM users u JOIN user_roles r ON r.user_id = u.id
         WHERE r.role = $1 AND u.disabled = 0 ORDER BY u.full_name",
        params![role.code()],
    )?
    .iter()
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .collect()
}

// ---------------------------------------------------------------------------------------
// Persons

const PERSON_COLS: &str =
    "id, iin, surname, given_name, patronymic, birth_date, sex, address, phone,
     id_doc_kind, id_doc_number, id_doc_issued_by, id_doc_issued_on";

fn person_from(r: &Row) -> Result<Person> {
    let iin: Option<String> = r.get(1)?;
    let sex: Option<String> = r.get(6)?;
    let birth: Option<String> = r.get(5)?;
    let doc_number: Option<String> = r.get(10)?;
    let issued_on: Option<String> = r.get(12)?;
    Ok(Person {
        id: r.get(0)?,
        iin: iin.and_then(|s| Iin::parse(&s).ok()),
        surname: r.get(2)?,
        given_name: r.get(3)?,
        patronymic: r.get(4)?,
        birth_date: birth.and_then(|b| b.parse().ok()),
        sex: sex.map(|s| if s == "male" { Sex::Male } else { Sex::Female }),
        address: r.get(7)?,
        phone: r.get(8)?,
        id_document: match doc_number {
            Some(number) => Some(IdentityDocument {
                kind: r.get::<Option<String>>(9)?.unwrap_or_default(),
                number,
                issued_by: r.get::<Option<String>>(11)?.unwrap_or_default(),
                issued_on: issued_on.and_then(|d| d.parse().ok()),
            }),
            None => None,
        },
    })
}

pub fn person_by_iin(db: &impl Db, iin: &Iin) -> Result<Option<Person>> {
    db.query_opt(
        &format!("SELECT {PERSON_COLS} FROM persons WHERE iin = $1"),
        params![iin.as_string()],
    )?
    .as_ref()
    .map(person_from)
    .transpose()
}

pub fn person_by_id(db: &impl Db, id: i64) -> Result<Option<Person>> {
    db.query_opt(
        &format!("SELECT {PERSON_COLS} FROM persons WHERE id = $1"),
        params![id],
    )?
    .as_ref()
    .map(person_from)
    .transpose()
}

/// A person without ИИН found by document number.
pub fn person_by_document(db: &impl Db, number: &str) -> Result<Option<Person>> {
    db.query_opt(
        &format!("SELECT {PERSON_COLS} FROM persons WHERE iin IS NULL AND id_doc_number = $1"),
        params![number],
    )?
    .as_ref()
    .map(person_from)
    .transpose()
}

/// Persons whose folded full name starts with `prefix` (case-insensitive, Cyrillic-aware).
pub fn persons_by_name_prefix(db: &impl Db, prefix: &str, limit: usize) -> Result<Vec<Person>> {
    let lo = fold_name(prefix);
    if lo.is_empty() {
        return Ok(Vec::new());
    }
    let hi = format!("{lo}\u{10FFFF}");
    db.query(
        &format!(
            "SELECT {PERSON_COLS} FROM persons WHERE name_fold >= $1 AND name_fold < $2
             ORDER BY name_fold, id LIMIT $3"
        ),
        params![lo, hi, limit as i64],
    )?
    .iter()
    .map(person_from)
    .collect()
}

pub fn insert_person(tx: &Tx<'_>, p: &ValidPerson, now: &str) -> Result<i64> {
    let fold = fold_name(&crate::domain::person::full_name(
        &p.surname,
        &p.given_name,
        &p.patronymic,
    ));
    let doc = p.id_document.as_ref();
    let res = tx.query_one(
        "INSERT INTO persons(iin, surname, given_name, patronymic, name_fold, birth_date, sex, address, phone,
             id_doc_kind, id_doc_number, id_doc_issued_by, id_doc_issued_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
        params![
            p.iin.map(|i| i.as_string()),
            p.surname,
            p.given_name,
            p.patronymic,
            fold,
            p.birth_date.map(|d| d.to_string()),
            p.sex.map(|s| s.code()),
            p.address,
            p.phone,
            doc.map(|d| d.kind.clone()),
            doc.map(|d| d.number.clone()),
            doc.map(|d| d.issued_by.clone()),
            doc.and_then(|d| d.issued_on).map(|d| d.to_string()),
            now
        ],
    );
    match res {
        Err(StoreError::Constraint(_)) => Err(StoreError::Duplicate {
            what: "person",
            key: p.iin.map(|i| i.as_string()).unwrap_or_default(),
        }),
        Err(e) => Err(e),
        Ok(r) => r.get(0),
    }
}

/// Updates the contact data and names of a person (ИИН never changes).
pub fn update_person(tx: &Tx<'_>, id: i64, p: &ValidPerson, now: &str) -> Result<()> {
    let name = crate::domain::person::full_name(&p.surname, &p.given_name, &p.patronymic);
    let fold = fold_name(&name);
    let doc = p.id_document.as_ref();
    tx.execute(
        "UPDATE persons SET surname = $2, given_name = $3, patronymic = $4, name_fold = $5,
             address = $6, phone = $7, id_doc_kind = COALESCE($8, id_doc_kind),
             id_doc_number = COALESCE($9, id_doc_number), id_doc_issued_by = COALESCE($10, id_doc_issued_by),
             id_doc_issued_on = COALESCE($11, id_doc_issued_on), updated_at = $12
         WHERE id = $1",
        params![
            id,
            p.surname,
            p.given_name,
            p.patronymic,
            fold,
            p.address,
            p.phone,
            doc.map(|d| d.kind.clone()),
            doc.map(|d| d.number.clone()),
            doc.map(|d| d.issued_by.clone()),
            doc.and_then(|d| d.issued_on).map(|d| d.to_string()),
            now
        ],
    )?;
    tx.execute(
        "UPDATE applications SET applicant_name = $2, applicant_fold = $3, applicant_sort = $4
         WHERE person_id = $1",
        params![id, name, fold, crate::domain::person::name_sort_key(&fold)],
    )?;
    Ok(())
}

pub fn count_persons(db: &impl Db) -> Result<i64> {
    db.query_one("SELECT count(*) FROM persons", &[])?.get(0)
}
