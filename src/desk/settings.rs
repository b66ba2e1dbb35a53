//! Office settings (policy) and the admin's changes to them, each audited; the admin's edits of
//! the service terms and the holiday calendar.

use crate::domain::policy::Permission;
use serde::{Deserialize, Serialize};

use super::{Desk, DeskError, Result, Session};
use crate::domain::calendar::YearFile;
use crate::domain::catalog::{Catalog, Term};
use crate::store::{Db, StoreError, get_setting, set_setting};

/// Who an executor may see in the queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecutorVisibility {
    /// Only applications assigned to them.
    Own,
    /// Every application of the office.
    All,
}

/// The office policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Four-eyes relaxation: the drafter may sign their own result (audited when used).
    pub allow_self_sign: bool,
    pub executor_visibility: ExecutorVisibility,
    /// Minutes of inactivity before the window locks (0 = never).
    pub idle_lock_minutes: u32,
    /// Largest scan accepted, in MiB.
    pub max_file_mib: u32,
    /// Largest total of scans of one application, in MiB.
    pub max_application_mib: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            allow_self_sign: false,
            executor_visibility: ExecutorVisibility::Own,
            idle_lock_minutes: 10,
            max_file_mib: 10,
            max_application_mib: 50,
        }
    }
}

/// A single setting change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "key", content = "value", rename_all = "snake_case")]
pub enum SettingChange {
    AllowSelfSign(bool),
    ExecutorVisibility(ExecutorVisibility),
    IdleLockMinutes(u32),
    MaxFileMib(u32),
    MaxApplicationMib(u32),
}

const KEY: &str = "office_settings";

pub(crate) fn load(db: &impl Db) -> Result<Settings, StoreError> {
    Ok(match get_setting(db, KEY)? {
        Some(s) => serde_json::from_str(&s).unwrap_or_default(),
        None => Settings::default(),
    })
}

impl Desk {
    pub fn settings(&self) -> Result<Settings> {
        Ok(self.store.read(|r| load(r))?)
    }

    /// Changes one setting (admin; audited with the old and new value).
    pub fn change_setting(&self, s: &Session, change: SettingChange) -> Result<Settings> {
        self.require(s, Permission::Settings)?;
        match change {
            SettingChange::IdleLockMinutes(m) if m > 240 => {
                return Err(DeskError::Invalid {
                    field: "idle_lock_minutes".into(),
                    key: "out-of-range".into(),
                });
            }
            SettingChange::MaxFileMib(m) | SettingChange::MaxApplicationMib(m)
                if m == 0 || m > 500 =>
            {
                return Err(DeskError::Invalid {
                    field: "max_file_mib".into(),
                    key: "out-of-range".into(),
                });
            }
            _ => {}
        }
        self.store.write(|tx| {
            let old = load(tx)?;
            let mut new = old.clone();
            match change.clone() {
                SettingChange::AllowSelfSign(v) => new.allow_self_sign = v,
                SettingChange::ExecutorVisibility(v) => new.executor_visibility = v,
                SettingChange::IdleLockMinutes(v) => new.idle_lock_minutes = v,
                SettingChange::MaxFileMib(v) => new.max_file_mib = v,
                SettingChange::MaxApplicationMib(v) => new.max_application_mib = v,
            }
            set_setting(
                tx,
                KEY,
                &serde_json::to_string(&new).expect("settings serialise"),
            )?;
            self.audit(
                tx,
                Some(s),
                "setting_change",
                "settings",
                "office",
                serde_json::json!({"change": change, "old": old, "new": new}),
            )?;
            Ok(new)
        })
    }

    /// The edition of a service the office follows (default: the most recent one).
    pub fn service_version_id(&self, code: &str) -> Result<String> {
        self.store.read(|r| self.service_version_id_in(r, code))
    }

    pub(crate) fn service_version_id_in(&self, db: &impl Db, code: &str) -> Result<String> {
        let cat = self.catalog();
        let svc = cat
            .service(code)
            .ok_or_else(|| DeskError::UnknownService(code.into()))?;
        let chosen = get_setting(db, &format!("service_version.{code}"))?;
        Ok(chosen
            .filter(|v| svc.version(v).is_some())
            .unwrap_or_else(|| svc.latest_version().id.clone()))
    }

    /// Chooses the edition of a service (admin; audited).
    pub fn choose_service_version(&self, s: &Session, code: &str, version: &str) -> Result<()> {
        self.require(s, Permission::Settings)?;
        let cat = self.catalog();
        let svc = cat
            .service(code)
            .ok_or_else(|| DeskError::UnknownService(code.into()))?;
        if svc.version(version).is_none() {
            return Err(DeskError::NotFound(format!("version {version} of {code}")));
        }
        self.store.write(|tx| {
            set_setting(tx, &format!("service_version.{code}"), version)?;
            self.audit(
                tx,
                Some(s),
                "setting_change",
                "service",
                code,
                serde_json::json!({"service_version": version}),
            )
        })
    }

    /// Overrides the term of a service edition with the office region's own (admin; audited).
    /// `None` removes the override.
    pub fn set_term_override(
        &self,
        s: &Session,
        code: &str,
        version: &str,
        term: Option<Term>,
    ) -> Result<()> {
        self.require(s, Permission::Settings)?;
        if let Some(t) = term
            && t.value == 0
        {
            return Err(DeskError::Invalid {
                field: "term".into(),
                key: "out-of-range".into(),
            });
        }
        let cat = self.catalog();
        let svc = cat
            .service(code)
            .ok_or_else(|| DeskError::UnknownService(code.into()))?;
        let v = svc
            .version(version)
            .ok_or_else(|| DeskError::NotFound(format!("version {version} of {code}")))?;
        let old = v.term;
        self.store.write(|tx| {
            let key = format!("term_override.{code}.{version}");
            match term {
                Some(t) => set_setting(tx, &key, &serde_json::to_string(&t).expect("term"))?,
                None => set_setting(tx, &key, "")?,
            }
            tx.notice(serde_json::json!({"settings": "term"}));
            self.audit(
                tx,
                Some(s),
                "setting_change",
                "service",
                code,
                serde_json::json!({"version": version, "term_old": old, "term_new": term}),
            )
        })?;
        self.reload_catalog()
    }

    /// Rebuilds the catalogue: the built-in one with the office's term overrides applied.
    pub fn reload_catalog(&self) -> Result<()> {
        let mut cat = Catalog::builtin();
        let overrides: Vec<(String, String)> = self.store.read(|r| {
            let mut out = Vec::new();
            for svc in &cat.services {
                for v in &svc.versions {
                    let key = format!("term_override.{}.{}", svc.code, v.id);
                    if let Some(val) = get_setting(r, &key)?
                        && !val.is_empty()
                    {
                        out.push((key, val));
                    }
                }
            }
            Ok::<_, StoreError>(out)
        })?;
        for (key, val) in overrides {
            let mut parts = key.splitn(3, '.');
            let (_, code, version) = (parts.next(), parts.next(), parts.next());
            if let (Some(code), Some(version), Ok(term)) =
                (code, version, serde_json::from_str::<Term>(&val))
                && let Some(svc) = cat.services.iter_mut().find(|s| s.code == code)
                && let Some(v) = svc.versions.iter_mut().find(|v| v.id == version)
            {
                v.term = term;
            }
        }
        *self.catalog.write().unwrap_or_else(|p| p.into_inner()) = std::sync::Arc::new(cat);
        Ok(())
    }

    /// A calendar year as the admin edits it: the office's saved edit, else the year file the
    /// program carries (the build tree's path is absent on a clerk's PC), else an empty year.
    /// An edit that no longer reads falls back to the program's year, so saving never starts
    /// from nothing where the program knows the moved days.
    pub fn calendar_year(&self, s: &Session, year: i32) -> Result<YearFile> {
        self.require(s, Permission::Calendar)?;
        let parse = |text: &str| {
            crate::domain::calendar::parse_year_file("", text)
                .ok()
                .filter(|f| f.year == year)
        };
        let key = format!("{}{year}", super::CALENDAR_KEY);
        let saved = match self.store.read(|r| crate::store::get_setting(r, &key))? {
            Some(text) => Some(text),
            // A year file an earlier version kept in this PC's folder.
            None => std::fs::read_to_string(self.dir.calendar().join(format!("{year}.toml"))).ok(),
        };
        Ok(saved
            .as_deref()
            .and_then(parse)
            .or_else(|| crate::domain::calendar::builtin_year_file(year).and_then(parse))
            .unwrap_or(YearFile {
                year,
                ..Default::default()
            }))
    }

    /// Saves the admin's edit of a calendar year (moved days, Kurban ait) and applies it.
    pub fn save_calendar_year(&self, s: &Session, year: &YearFile) -> Result<()> {
        self.require(s, Permission::Calendar)?;
        let text = toml::to_string(year).map_err(|e| DeskError::Calendar(e.to_string()))?;
        // Check it parses back before anything is written.
        crate::domain::calendar::parse_year_file(&format!("{}.toml", year.year), &text)
            .map_err(|e| DeskError::Calendar(e.to_string()))?;
        // In the office's database, so every PC of an office on a server counts by it; the
        // others hear of it and read it again (`Desk::heard`).
        let key = format!("{}{}", super::CALENDAR_KEY, year.year);
        self.store.write(|tx| {
            crate::store::set_setting(tx, &key, &text)?;
            tx.notice(serde_json::json!({"settings": "calendar"}));
            self.audit(
                tx,
                Some(s),
                "setting_change",
                "calendar",
                &year.year.to_string(),
                serde_json::to_value(year).unwrap_or_default(),
            )
        })?;
        self.reload_calendar()
    }
}
