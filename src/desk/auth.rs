//! Accounts: argon2id passwords (OWASP parameters), login with lockout after 5 failures for 15
//! minutes, password change and admin reset, disabled users. Every login, failure and lockout
//! is audited.

use crate::domain::policy::Permission;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::Duration;

use super::{Desk, DeskError, Result, Session, parse_stamp, stamp};
use crate::domain::iin::Iin;
use crate::domain::model::{Lang, Role};
use crate::store::people::{self, NewUser, UserRow};

/// Failed logins before the account locks.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a lockout lasts.
pub const LOCKOUT_MINUTES: i64 = 15;
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 8;

/// Who performs an account action.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// The operator at the command line of this workstation (has the data directory).
    System,
    User(&'a Session),
}

/// A new user.
#[derive(Debug, Clone)]
pub struct NewUserInput {
    pub iin: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    pub password: String,
    pub lang: Lang,
    /// Ask the user to choose their own password at first login.
    pub must_change_password: bool,
}

impl Desk {
    fn argon(&self) -> Argon2<'static> {
        let params = if self.options.fast_password_hashing {
            Params::new(8, 1, 1, None).expect("valid test params")
        } else {
            // OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1.
            Params::new(19 * 1024, 2, 1, None).expect("valid OWASP params")
        };
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    pub(crate) fn hash_password(&self, password: &str) -> Result<String> {
        self.argon()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|_| DeskError::Invalid {
                field: "password".into(),
                key: "hash".into(),
            })
    }

    fn verify_password(&self, password: &str, phc: &str) -> bool {
        match PasswordHash::new(phc) {
            Ok(h) => self
                .argon()
                .verify_password(password.as_bytes(), &h)
                .is_ok(),
            Err(_) => false,
        }
    }

    /// Checks a new password.
    pub fn check_password_strength(password: &str, iin: &str) -> Result<()> {
        if password.chars().count() < MIN_PASSWORD {
            return Err(DeskError::WeakPassword("short"));
        }
        if password.contains(iin) || iin.contains(password) {
            return Err(DeskError::WeakPassword("iin"));
        }
        let first = password.chars().next();
        if password.chars().all(|c| Some(c) == first) {
            return Err(DeskError::WeakPassword("repeated"));
        }
        if !password.chars().any(|c| c.is_alphabetic()) || !password.chars().any(|c| c.is_numeric())
        {
            return Err(DeskError::WeakPassword("letters-digits"));
        }
        Ok(())
    }

    /// Adds a user. The command line adds the first admin; later the admin adds users.
    pub fn add_user(&self, actor: Actor<'_>, u: &NewUserInput) -> Result<i64> {
        let session = match actor {
            Actor::User(s) => {
                self.require(s, Permission::Users)?;
                Some(s)
            }
            Actor::System => None,
        };
        let iin = Iin::parse(&u.iin)?;
        let name = u.full_name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(DeskError::Invalid {
                field: "full_name".into(),
                key: "missing".into(),
            });
        }
        if name.chars().count() > 200 {
            return Err(DeskError::Invalid {
                field: "full_name".into(),
                key: "too-long".into(),
            });
        }
        if u.roles.is_empty() {
            return Err(DeskError::Invalid {
                field: "roles".into(),
                key: "missing".into(),
            });
        }
        Self::check_password_strength(&u.password, &iin.as_string())?;
        let phc = self.hash_password(&u.password)?;
        let now = stamp(self.now());
        self.store.write(|tx| {
            let id = people::insert_user(
                tx,
                &NewUser {
                    iin: &iin,
                    full_name: &name,
                    password_phc: &phc,
                    roles: &u.roles,
                    lang: u.lang,
                    must_change_password: u.must_change_password,
                },
                &now,
            )?;
            self.audit(
                tx,
                session,
                "user_add",
                "user",
                &iin.as_string(),
                serde_json::json!({"name": name, "roles": u.roles}),
            )?;
            Ok(id)
        })
    }

    /// Logs a user in with ИИН and password.
    pub fn login(&self, iin: &str, password: &str) -> Result<Session> {
        let iin = Iin::parse(iin).map_err(|_| DeskError::BadCredentials)?;
        let user = self
            .store
            .read(|r| people::user_by_iin(r, &iin.as_string()))?;
        let Some(user) = user else {
            // Unknown users are audited too, without telling the caller which part was wrong.
            self.store.write(|tx| {
                self.audit(
                    tx,
                    None,
                    "login_failed",
                    "user",
                    &iin.as_string(),
                    serde_json::json!({"reason": "unknown"}),
                )
            })?;
            return Err(DeskError::BadCredentials);
        };
        let now = self.now();
        if let Some(until) = user.locked_until.as_deref().and_then(parse_stamp)
            && until > now
        {
            return Err(DeskError::Locked {
                until: crate::i18n::datetime_short(self.local(until)),
            });
        }
        if user.disabled {
            self.store.write(|tx| {
                self.audit(
                    tx,
                    None,
                    "login_failed",
                    "user",
                    &user.iin,
                    serde_json::json!({"reason": "disabled"}),
                )
            })?;
            return Err(DeskError::Disabled);
        }
        if !self.verify_password(password, &user.password_phc) {
            let failed = user.failed_logins + 1;
            let locked = (failed >= MAX_FAILED_LOGINS)
                .then(|| stamp(now + Duration::minutes(LOCKOUT_MINUTES)));
            self.store.write(|tx| {
                people::set_login_state(
                    tx,
                    user.id,
                    if locked.is_some() { 0 } else { failed },
                    locked.as_deref(),
                    &stamp(now),
                )?;
                self.audit(
                    tx,
                    None,
                    "login_failed",
                    "user",
                    &user.iin,
                    serde_json::json!({"reason": "password", "failed": failed}),
                )?;
                if let Some(until) = &locked {
                    self.audit(
                        tx,
                        None,
                        "lockout",
                        "user",
                        &user.iin,
                        serde_json::json!({"until": until}),
                    )?;
                }
                Ok::<_, DeskError>(())
            })?;
            return Err(match locked {
                Some(until) => DeskError::Locked {
                    until: crate::i18n::datetime_short(
                        self.local(parse_stamp(&until).unwrap_or(now)),
                    ),
                },
                None => DeskError::BadCredentials,
            });
        }
        let session = session_of(&user);
        self.store.write(|tx| {
            people::set_login_state(tx, user.id, 0, None, &stamp(now))?;
            self.audit(
                tx,
                Some(&session),
                "login",
                "user",
                &user.iin,
                serde_json::json!({}),
            )
        })?;
        Ok(session)
    }

    /// Records a logout or an idle lock.
    pub fn logout(&self, s: &Session, idle: bool) -> Result<()> {
        self.store.write(|tx| {
            self.audit(
                tx,
                Some(s),
                if idle { "idle_lock" } else { "logout" },
                "user",
                &s.iin,
                serde_json::json!({}),
            )
        })
    }

    /// Changes one's own password (the old one is required).
    pub fn change_password(&self, s: &Session, old: &str, new: &str) -> Result<Session> {
        let user = self
            .store
            .read(|r| people::user_by_id(r, s.user_id))?
            .ok_or_else(|| DeskError::NotFound("user".into()))?;
        if !self.verify_password(old, &user.password_phc) {
            return Err(DeskError::BadCredentials);
        }
        if old == new {
            return Err(DeskError::WeakPassword("same"));
        }
        Self::check_password_strength(new, &user.iin)?;
        let phc = self.hash_password(new)?;
        let now = stamp(self.now());
        self.store.write(|tx| {
            people::set_password(tx, user.id, &phc, false, &now)?;
            self.audit(
                tx,
                Some(s),
                "password_change",
                "user",
                &user.iin,
                serde_json::json!({}),
            )
        })?;
        let mut s = s.clone();
        s.must_change_password = false;
        Ok(s)
    }

    /// The admin sets a temporary password; the user must change it at next login. Also lifts a
    /// lockout.
    pub fn reset_password(&self, s: &Session, user_iin: &str, temporary: &str) -> Result<()> {
        self.require(s, Permission::Users)?;
        let iin = Iin::parse(user_iin)?;
        let user = self
            .store
            .read(|r| people::user_by_iin(r, &iin.as_string()))?
            .ok_or_else(|| DeskError::NotFound(format!("user {iin}")))?;
        Self::check_password_strength(temporary, &user.iin)?;
        let phc = self.hash_password(temporary)?;
        let now = stamp(self.now());
        self.store.write(|tx| {
            people::set_password(tx, user.id, &phc, true, &now)?;
            self.audit(
                tx,
                Some(s),
                "password_reset",
                "user",
                &user.iin,
                serde_json::json!({}),
            )
        })
    }

    /// Disables or enables an account (admin). An admin cannot disable themself.
    pub fn set_user_disabled(&self, s: &Session, user_iin: &str, disabled: bool) -> Result<()> {
        self.require(s, Permission::Users)?;
        let iin = Iin::parse(user_iin)?;
        if iin.as_string() == s.iin && disabled {
            return Err(DeskError::Invalid {
                field: "user".into(),
                key: "self-disable".into(),
            });
        }
        let user = self
            .store
            .read(|r| people::user_by_iin(r, &iin.as_string()))?
            .ok_or_else(|| DeskError::NotFound(format!("user {iin}")))?;
        let now = stamp(self.now());
        self.store.write(|tx| {
            people::set_disabled(tx, user.id, disabled, &now)?;
            self.audit(
                tx,
                Some(s),
                if disabled {
                    "user_disable"
                } else {
                    "user_enable"
                },
                "user",
                &user.iin,
                serde_json::json!({}),
            )
        })
    }

    /// Changes a user's roles (admin).
    pub fn set_user_roles(&self, s: &Session, user_iin: &str, roles: &[Role]) -> Result<()> {
        self.require(s, Permission::Settings)?;
        if roles.is_empty() {
            return Err(DeskError::Invalid {
                field: "roles".into(),
                key: "missing".into(),
            });
        }
        let iin = Iin::parse(user_iin)?;
        let user = self
            .store
            .read(|r| people::user_by_iin(r, &iin.as_string()))?
            .ok_or_else(|| DeskError::NotFound(format!("user {iin}")))?;
        self.store.write(|tx| {
            people::set_roles(tx, user.id, roles)?;
            self.audit(
                tx,
                Some(s),
                "user_roles",
                "user",
                &user.iin,
                serde_json::json!({"old": user.roles, "new": roles}),
            )
        })
    }

    /// Remembers the language a user works in.
    pub fn set_language(&self, s: &Session, lang: Lang) -> Result<Session> {
        let now = stamp(self.now());
        self.store.write(|tx| {
            people::set_lang(tx, s.user_id, lang, &now)?;
            self.audit(
                tx,
                Some(s),
                "setting_change",
                "user",
                &s.iin,
                serde_json::json!({"lang": lang}),
            )
        })?;
        let mut s = s.clone();
        s.lang = lang;
        Ok(s)
    }

    /// Users of the office (admin).
    pub fn users(&self, s: &Session) -> Result<Vec<UserRow>> {
        self.users_as(Some(s))
    }

    /// Users of the office, for a user (checked) or the operator at the command line (`None`).
    pub fn users_as(&self, s: Option<&Session>) -> Result<Vec<UserRow>> {
        if let Some(s) = s {
            self.require(s, Permission::ListUsers)?;
        }
        Ok(self.store.read(|r| people::list_users(r))?)
    }

    /// Whether any user exists (the window shows first-run setup otherwise).
    pub fn has_users(&self) -> Result<bool> {
        Ok(self.store.read(|r| people::count_users(r))? > 0)
    }

    /// The language a user last chose, for the login screen.
    pub fn user_language(&self, iin: &str) -> Option<Lang> {
        let iin = Iin::parse(iin).ok()?;
        self.store
            .read(|r| people::user_by_iin(r, &iin.as_string()))
            .ok()
            .flatten()
            .map(|u| u.lang)
    }
}

fn session_of(u: &UserRow) -> Session {
    Session {
        user_id: u.id,
        iin: u.iin.clone(),
        full_name: u.full_name.clone(),
        roles: u.roles.clone(),
        lang: u.lang,
        must_change_password: u.must_change_password,
    }
}
