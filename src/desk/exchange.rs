//! What the desk knows about its exchange with the regional gateway: the gateway settings, the
//! outbox counts, the last contact and the last error (the sync engine records them).

use serde::{Deserialize, Serialize};

use super::{Desk, Result, Session, stamp};
use crate::domain::model::Role;
use crate::store::{get_setting, outbox, set_setting};

/// Where the gateway is and how this workstation authenticates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayConfig {
    pub url: String,
    pub token: String,
}

/// The header's gateway line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GatewayStatus {
    pub configured: bool,
    pub online: bool,
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
    pub oldest_pending: Option<String>,
    pub last_contact: Option<String>,
    pub last_error: Option<String>,
}

const CONFIG: &str = "gateway_config";
const LAST_CONTACT: &str = "gateway_last_contact";
const LAST_ERROR: &str = "gateway_last_error";
const ONLINE: &str = "gateway_online";

impl Desk {
    pub fn gateway_config(&self) -> Option<GatewayConfig> {
        self.store
            .read(|r| get_setting(r, CONFIG))
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str(&s).ok())
    }

    /// Remembers the gateway address and token (the admin, or the operator's `sync`).
    pub fn set_gateway_config(&self, s: Option<&Session>, cfg: &GatewayConfig) -> Result<()> {
        if let Some(s) = s {
            self.require(s, &[Role::Admin], "setting_change")?;
        }
        self.store.write(|tx| {
            set_setting(tx, CONFIG, &serde_json::to_string(cfg).expect("config"))?;
            self.audit(
                tx,
                s,
                "setting_change",
                "gateway",
                &cfg.url,
                serde_json::json!({"url": cfg.url}),
            )
        })
    }

    /// Records the outcome of an exchange with the gateway.
    pub fn record_gateway_contact(&self, ok: bool, error: Option<&str>) -> Result<()> {
        let now = stamp(self.now());
        self.store.write(|tx| {
            set_setting(tx, ONLINE, if ok { "1" } else { "0" })?;
            if ok {
                set_setting(tx, LAST_CONTACT, &now)?;
                set_setting(tx, LAST_ERROR, "")?;
            } else if let Some(e) = error {
                set_setting(tx, LAST_ERROR, &format!("{now} {e}"))?;
            }
            Ok(())
        })
    }

    /// The status for the header.
    pub fn gateway_status(&self) -> GatewayStatus {
        let cfg = self.gateway_config();
        let r = self.store.read(|r| {
            let stats = outbox::stats(r)?;
            Ok::<_, crate::store::StoreError>((
                stats,
                get_setting(r, LAST_CONTACT)?,
                get_setting(r, LAST_ERROR)?,
                get_setting(r, ONLINE)?,
            ))
        });
        let Ok((stats, contact, error, online)) = r else {
            return GatewayStatus::default();
        };
        let local = |s: Option<String>| {
            s.and_then(|s| super::parse_stamp(&s))
                .map(|t| crate::i18n::datetime_short(self.local(t)))
        };
        GatewayStatus {
            configured: cfg.is_some(),
            online: online.as_deref() == Some("1"),
            pending: stats.pending,
            delivered: stats.delivered,
            failed: stats.failed,
            oldest_pending: local(stats.oldest_pending),
            last_contact: local(contact),
            last_error: error.filter(|e| !e.is_empty()).or(stats.last_error),
        }
    }
}
