//! The medico-social institutions the admin keeps, for the special social services decision.

use serde::Serialize;

use super::sql::{Row, params};
use super::{Db, Result, StoreError, Tx};

/// An institution of the office's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstitutionRow {
    pub id: i64,
    pub name_kk: String,
    pub name_ru: String,
    pub address: String,
    pub active: bool,
}

const COLS: &str = "id, name_kk, name_ru, address, active";

fn row(r: &Row) -> Result<InstitutionRow> {
    Ok(InstitutionRow {
        id: r.get(0)?,
        name_kk: r.get(1)?,
        name_ru: r.get(2)?,
        address: r.get(3)?,
        active: r.get(4)?,
    })
}

/// Every institution, the active ones first, by Russian name.
pub fn list(db: &impl Db) -> Result<Vec<InstitutionRow>> {
    db.query(
        &format!("SELECT {COLS} FROM institutions ORDER BY active DESC, name_ru, id"),
        params![],
    )?
    .iter()
    .map(row)
    .collect()
}

pub fn by_id(db: &impl Db, id: i64) -> Result<Option<InstitutionRow>> {
    db.query_opt(
        &format!("SELECT {COLS} FROM institutions WHERE id = $1"),
        params![id],
    )?
    .as_ref()
    .map(row)
    .transpose()
}

/// Adds an institution; its id.
pub fn add(tx: &Tx<'_>, name_kk: &str, name_ru: &str, address: &str, now: &str) -> Result<i64> {
    let r = tx.query_one(
        "INSERT INTO institutions(name_kk, name_ru, address, active, created_at, updated_at)
         VALUES ($1, $2, $3, 1, $4, $4) RETURNING id",
        params![name_kk, name_ru, address, now],
    );
    match r {
        Ok(r) => r.get(0),
        Err(StoreError::Constraint(_)) => Err(StoreError::Duplicate {
            what: "institution",
            key: name_ru.to_string(),
        }),
        Err(e) => Err(e),
    }
}

/// Turns an institution off (closed) or on again; old papers keep naming it.
pub fn set_active(tx: &Tx<'_>, id: i64, active: bool, now: &str) -> Result<()> {
    let n = tx.execute(
        "UPDATE institutions SET active = $1, updated_at = $2 WHERE id = $3",
        params![i64::from(active), now, id],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("institution {id}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn add_list_disable() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("t.sqlite")).unwrap();
        let now = "2026-11-30T10:00:00Z";
        let id = s
            .write(|tx| {
                add(
                    tx,
                    "Ақсу медициналық-әлеуметтік мекемесі",
                    "Аксуское медико-социальное учреждение",
                    "Ақсу қ., Абай к., 1",
                    now,
                )
            })
            .unwrap();
        let dup = s.write(|tx| {
            add(
                tx,
                "басқа",
                "Аксуское медико-социальное учреждение",
                "",
                now,
            )
        });
        assert!(matches!(dup, Err(StoreError::Duplicate { .. })), "{dup:?}");
        s.write(|tx| add(tx, "Бала үйі", "Детский дом", "", now))
            .unwrap();
        s.write(|tx| set_active(tx, id, false, now)).unwrap();
        let all = s.read(|r| list(r)).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].name_ru, "Детский дом");
        assert!(!all[1].active);
        assert_eq!(
            s.read(|r| by_id(r, id)).unwrap().unwrap().address,
            "Ақсу қ., Абай к., 1"
        );
        assert!(matches!(
            s.write(|tx| set_active(tx, 999, true, now)),
            Err(StoreError::NotFound(_))
        ));
    }
}
