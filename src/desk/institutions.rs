//! The list of medico-social institutions the admin keeps: a decision of the special social
//! services in an institution names one of them, checked when it is submitted and signed.

use crate::domain::policy::Permission;
use std::collections::BTreeMap;

use super::{Desk, DeskError, Result, Session, stamp};
use crate::domain::model::Text;
use crate::store::Db;
use crate::store::institutions::{self, InstitutionRow};

impl Desk {
    /// The institutions (any user: the decision form offers the active ones).
    pub fn institutions(&self) -> Result<Vec<InstitutionRow>> {
        Ok(self.store.read(|r| institutions::list(r))?)
    }

    /// Adds an institution (admin; audited).
    pub fn add_institution(
        &self,
        s: &Session,
        name_kk: &str,
        name_ru: &str,
        address: &str,
    ) -> Result<i64> {
        self.require(s, Permission::Settings)?;
        let (kk, ru, address) = (name_kk.trim(), name_ru.trim(), address.trim());
        for (field, v) in [("name_kk", kk), ("name_ru", ru)] {
            if v.chars().count() < 3 {
                return Err(DeskError::Invalid {
                    field: field.into(),
                    key: "missing".into(),
                });
            }
            if v.chars().count() > crate::domain::fields::MAX_TEXT {
                return Err(DeskError::Invalid {
                    field: field.into(),
                    key: "too-long".into(),
                });
            }
        }
        let now = stamp(self.now());
        self.store.write(|tx| {
            let id = institutions::add(tx, kk, ru, address, &now)?;
            self.audit(
                tx,
                Some(s),
                "institution_add",
                "institution",
                &id.to_string(),
                serde_json::json!({"name_kk": kk, "name_ru": ru, "address": address}),
            )?;
            Ok(id)
        })
    }

    /// Closes (or reopens) an institution (admin; audited). Closed ones stay on old papers.
    pub fn set_institution_active(&self, s: &Session, id: i64, active: bool) -> Result<()> {
        self.require(s, Permission::Settings)?;
        let now = stamp(self.now());
        self.store.write(|tx| {
            institutions::set_active(tx, id, active, &now)?;
            self.audit(
                tx,
                Some(s),
                "institution_active",
                "institution",
                &id.to_string(),
                serde_json::json!({"active": active}),
            )
        })
    }

    /// The office's lists a decision's values are checked against.
    pub(crate) fn lists_in(&self, db: &impl Db) -> Result<BTreeMap<String, Vec<Text>>> {
        let active = institutions::list(db)?
            .into_iter()
            .filter(|i| i.active)
            .map(|i| Text::new(i.name_kk, i.name_ru))
            .collect();
        Ok([("institutions".to_string(), active)].into())
    }
}
