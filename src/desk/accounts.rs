//! The admin lifts a lockout at once (the user called: they know their password now), without
//! resetting the password. Audited.

use super::{Desk, DeskError, Result, Session, stamp};
use crate::domain::iin::Iin;
use crate::domain::policy::Permission;
use crate::store::people;

impl Desk {
    /// Lifts a lockout after failed logins (admin).
    pub fn unlock_user(&self, s: &Session, user_iin: &str) -> Result<()> {
        self.require(s, Permission::Users)?;
        let iin = Iin::parse(user_iin)?;
        let user = self
            .store
            .read(|r| people::user_by_iin(r, &iin.as_string()))?
            .ok_or_else(|| DeskError::NotFound(format!("user {iin}")))?;
        let now = stamp(self.now());
        self.store.write(|tx| {
            people::set_login_state(tx, user.id, 0, None, &now)?;
            self.audit(
                tx,
                Some(s),
                "user_unlock",
                "user",
                &user.iin,
                serde_json::json!({"was_locked_until": user.locked_until}),
            )
        })
    }
}
