//! What a new office still needs before a working day: staff in every role, the head's
//! signing key, the gateway, a first backup. The first-run checklist and the admin's screen
//! show it, each step a click away.

use serde::Serialize;

use super::{Desk, Result};
use crate::domain::model::Role;
use crate::store::people;

/// The office's setup, step by step (`true`: done).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SetupStatus {
    /// An enabled registrar, executor and head.
    pub registrar: bool,
    pub executor: bool,
    pub head: bool,
    /// An enabled head holds a certificate that is not revoked.
    pub head_key: bool,
    /// The regional gateway's address and token are set.
    pub gateway: bool,
    /// A backup exists in the data directory.
    pub backup: bool,
}

impl SetupStatus {
    pub fn staff(&self) -> bool {
        self.registrar && self.executor && self.head
    }
    /// Nothing left to do.
    pub fn complete(&self) -> bool {
        self.staff() && self.head_key && self.gateway && self.backup
    }
}

impl Desk {
    /// Where the office's setup stands (counts only: no personal data, no session needed).
    pub fn setup_status(&self) -> Result<SetupStatus> {
        let (users, certs) = self.store.read(|r| {
            Ok::<_, crate::store::StoreError>((
                people::list_users(r)?,
                crate::store::signatures::certificates(r)?,
            ))
        })?;
        let enabled = |role: Role| {
            users
                .iter()
                .filter(move |u| !u.disabled && u.roles.contains(&role))
        };
        let head_key = enabled(Role::Head).any(|u| {
            certs
                .iter()
                .any(|c| c.iin == u.iin && c.revoked_at.is_none())
        });
        Ok(SetupStatus {
            registrar: enabled(Role::Registrar).next().is_some(),
            executor: enabled(Role::Executor).next().is_some(),
            head: enabled(Role::Head).next().is_some(),
            head_key,
            gateway: self.gateway_config().is_some(),
            backup: std::fs::read_dir(self.dir.backups())
                .map(|d| {
                    d.filter_map(|e| e.ok())
                        .any(|e| e.path().extension().is_some_and(|x| x == "miobak"))
                })
                .unwrap_or(false),
        })
    }
}
