//! What the desk knows about its exchange with the regional gateway: the gateway settings, the
//! outbox counts, the last contact and the last error (the sync engine records them).

use crate::domain::policy::Permission;
use serde::{Deserialize, Serialize};

use super::{Desk, DeskError, Result, Session, stamp};
use crate::domain::model::Lang;
use crate::store::{get_setting, outbox, set_setting};

/// Where the gateway is and how this workstation authenticates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayConfig {
    pub url: String,
    pub token: String,
}

/// The delivery outcome of one outbox message: delivered, to retry later (`(true, why)`),
/// or refused for good (`(false, why)`).
#[derive(Debug, Clone)]
pub struct Delivered {
    pub id: i64,
    pub outcome: std::result::Result<(), (bool, String)>,
    /// The attempts before this one (for the backoff).
    pub attempts: i64,
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
    /// How long the oldest undelivered message has been waiting, in minutes.
    pub oldest_pending_minutes: Option<i64>,
    pub last_contact: Option<String>,
    pub last_error: Option<String>,
    /// This process's last exchange found another one running (another program on this data
    /// directory, or another PC of the office): that one talks to the gateway now.
    pub elsewhere: bool,
}

const CONFIG: &str = "gateway_config";
const LAST_CONTACT: &str = "gateway_last_contact";
const LAST_ERROR: &str = "gateway_last_error";
const ONLINE: &str = "gateway_online";

/// The gateway settings as stored: on an office with a data-directory key (SQLite) the token
/// is sealed with it, so the database file alone does not give it away.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredConfig {
    url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    /// base64 of nonce ‖ ChaCha20-Poly1305 ciphertext of the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_sealed: Option<String>,
}

/// The key the token is sealed with, derived from the office's data-directory key.
fn token_key(key: &[u8]) -> ring::aead::LessSafeKey {
    let k = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key),
        b"mio-desk gateway token v1",
    );
    ring::aead::LessSafeKey::new(
        ring::aead::UnboundKey::new(&ring::aead::CHACHA20_POLY1305, k.as_ref())
            .expect("a 32-byte key"),
    )
}

fn seal(key: &[u8], token: &str) -> String {
    use base64::Engine;
    let mut nonce = [0u8; 12];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce)
        .expect("randomness");
    let mut data = token.as_bytes().to_vec();
    token_key(key)
        .seal_in_place_append_tag(
            ring::aead::Nonce::assume_unique_for_key(nonce),
            ring::aead::Aad::empty(),
            &mut data,
        )
        .expect("sealing");
    let mut out = nonce.to_vec();
    out.extend(data);
    base64::engine::general_purpose::STANDARD.encode(out)
}

fn open_sealed(key: &[u8], sealed: &str) -> Option<String> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .ok()?;
    if raw.len() < 12 {
        return None;
    }
    let (nonce, rest) = raw.split_at(12);
    let mut data = rest.to_vec();
    let plain = token_key(key)
        .open_in_place(
            ring::aead::Nonce::try_assume_unique_for_key(nonce).ok()?,
            ring::aead::Aad::empty(),
            &mut data,
        )
        .ok()?;
    String::from_utf8(plain.to_vec()).ok()
}

impl Desk {
    pub fn gateway_config(&self) -> Option<GatewayConfig> {
        let stored: StoredConfig = self
            .store
            .read(|r| get_setting(r, CONFIG))
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str(&s).ok())?;
        let token = match (&stored.token_sealed, &stored.token) {
            (Some(sealed), _) => open_sealed(&self.store.audit_key()?, sealed)?,
            (None, Some(t)) => t.clone(),
            (None, None) => return None,
        };
        Some(GatewayConfig {
            url: stored.url,
            token,
        })
    }

    /// The settings as they go into the database: the token sealed when the office has a key.
    fn stored_config(&self, cfg: &GatewayConfig) -> String {
        let stored = match self.store.audit_key() {
            Some(key) => StoredConfig {
                url: cfg.url.clone(),
                token: None,
                token_sealed: Some(seal(&key, &cfg.token)),
            },
            None => StoredConfig {
                url: cfg.url.clone(),
                token: Some(cfg.token.clone()),
                token_sealed: None,
            },
        };
        serde_json::to_string(&stored).expect("config")
    }

    /// Seals a token an older version stored in clear (at the start).
    pub(crate) fn seal_gateway_token(&self) {
        if self.store.audit_key().is_none() {
            return;
        }
        let clear = self
            .store
            .read(|r| get_setting(r, CONFIG))
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str::<StoredConfig>(&s).ok())
            .is_some_and(|c| c.token.is_some());
        if clear && let Some(cfg) = self.gateway_config() {
            let text = self.stored_config(&cfg);
            let _ = self.store.write(|tx| set_setting(tx, CONFIG, &text));
        }
    }

    /// Remembers the gateway address and token (the admin, or the operator's `sync`).
    pub fn set_gateway_config(&self, s: Option<&Session>, cfg: &GatewayConfig) -> Result<()> {
        if let Some(s) = s {
            self.require(s, Permission::Settings)?;
        }
        let text = self.stored_config(cfg);
        self.store.write(|tx| {
            set_setting(tx, CONFIG, &text)?;
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

    /// Remembers whether this process's last exchange found another one running.
    pub fn note_exchange_elsewhere(&self, elsewhere: bool) {
        self.exchange_elsewhere
            .store(elsewhere, std::sync::atomic::Ordering::Relaxed);
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
        let local = |s: Option<String>| s.and_then(|s| self.local_stamp(&s));
        let oldest_pending_minutes = stats
            .oldest_pending
            .as_deref()
            .and_then(super::parse_stamp)
            .map(|at| (self.now() - at).num_minutes().max(0));
        GatewayStatus {
            configured: cfg.is_some(),
            online: online.as_deref() == Some("1"),
            pending: stats.pending,
            delivered: stats.delivered,
            failed: stats.failed,
            oldest_pending: local(stats.oldest_pending),
            oldest_pending_minutes,
            last_contact: local(contact),
            last_error: error.filter(|e| !e.is_empty()).or(stats.last_error),
            elsewhere: self
                .exchange_elsewhere
                .load(std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// A message from the gateway, as the engine hands it to the desk (scans already fetched).
#[derive(Debug, Clone)]
pub struct Inbound {
    pub message_id: String,
    pub seq: i64,
    pub sender: String,
    pub route_id: String,
    /// REQUEST, RESPONSE, NOTIFICATION, UPDATE.
    pub message_type: String,
    pub correlation_id: Option<String>,
    pub data: serde_json::Value,
    pub envelope: String,
    pub files: Vec<super::intake::NewFile>,
}

/// What applying a message did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "applied", rename_all = "snake_case")]
pub enum Applied {
    Registered {
        id: i64,
        number: String,
    },
    Withdrawn {
        id: i64,
    },
    Crl,
    /// Seen before: nothing done again.
    Duplicate,
    /// Refers to something not here yet; kept and applied when it arrives.
    Waiting,
    /// Refused, with the reason (the sender is told).
    Rejected {
        reason: String,
    },
    /// Not allowed by the protocol: shown to the head, nothing overwritten.
    Conflict {
        detail: String,
    },
    /// A notice for information.
    Noted,
}

/// The data of an application sent by ЦОН or the portal.
#[derive(Debug, Clone, Deserialize)]
struct GatewayApplication {
    service: String,
    person: crate::domain::person::PersonInput,
    #[serde(default)]
    intake: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    missing_reason: Option<String>,
}

/// A reason or a detail in the office's record language (Russian, like the desk's other
/// stored reasons).
pub(crate) fn ta(key: &str, args: &[(&str, &str)]) -> String {
    let args: Vec<(&str, crate::i18n::Arg<'_>)> = args
        .iter()
        .map(|(k, v)| (*k, crate::i18n::Arg::from(*v)))
        .collect();
    crate::i18n::tra(Lang::Ru, key, &args)
}

impl Desk {
    /// Applies a message from the gateway exactly once (by its id, in the same transaction as
    /// its effect). Ownership: only the office the message is routed to applies it, and only
    /// the sender that submitted an application may withdraw it.
    pub fn apply_inbound(&self, m: &Inbound) -> Result<Applied> {
        if self.seen(m)? {
            return Ok(Applied::Duplicate);
        }
        let now = stamp(self.now());
        let row = |state: &str, app: Option<i64>, error: Option<String>| {
            Self::inbox_row(m, state, app, error, &now)
        };
        if m.route_id != self.office.code {
            let reason = ta(
                "sync-reject-route",
                &[("route", &m.route_id), ("office", &self.office.code)],
            );
            return self.reject(m, reason, false);
        }
        let kind = m.data.get("type").and_then(|v| v.as_str()).unwrap_or("");
        match (m.message_type.as_str(), kind) {
            // The akimat's package, its handover, and (at an akimat) the department's answers.
            ("REQUEST", "akimat_package") => self.apply_akimat_package(m),
            ("UPDATE", "issued") => self.apply_akimat_issued(m),
            (_, "status_notice") if self.is_akimat() => self.apply_department_notice(m),
            ("REQUEST", _) => {
                let channel = if m.sender.starts_with("con") {
                    crate::domain::model::Channel::Con
                } else if m.sender == "portal" {
                    crate::domain::model::Channel::Portal
                } else {
                    let reason = ta("sync-reject-sender", &[("sender", &m.sender)]);
                    return self.reject(m, reason, true);
                };
                let app: GatewayApplication = match serde_json::from_value(m.data.clone()) {
                    Ok(a) => a,
                    Err(e) => {
                        let reason = ta("sync-reject-malformed", &[("error", &e.to_string())]);
                        return self.reject(m, reason, true);
                    }
                };
                let reg = super::intake::Registration {
                    service: app.service.clone(),
                    channel,
                    person: app.person,
                    intake: app.intake,
                    files: m.files.clone(),
                    missing_reason: app
                        .missing_reason
                        .or_else(|| Some(both_languages("exchange-electronic-request"))),
                    accepted_at: None,
                    external: Some(super::intake::External {
                        message_id: m.message_id.clone(),
                        origin: m.sender.clone(),
                    }),
                };
                let cat = self.catalog();
                let checked = cat
                    .service(&reg.service)
                    .ok_or_else(|| DeskError::UnknownService(reg.service.clone()))
                    .and_then(|svc| {
                        let p = self.prepare_registration(None, svc, &reg)?;
                        let files = self.check_and_store_files(svc, &reg.files, 0)?;
                        Ok((svc, p, files))
                    });
                let (svc, prepared, files) = match checked {
                    Ok(x) => x,
                    Err(e) => return self.reject(m, e.message(Lang::Ru), true),
                };
                let result = self.store.write(|tx| {
                    // Another process may have decided this message since we looked.
                    if decided(tx, &m.message_id)? {
                        return Ok(None);
                    }
                    let r = self.register_in(tx, None, svc, &reg, prepared, &files, None)?;
                    crate::store::inbox::put(tx, &row("applied", Some(r.id), None), &now)?;
                    Ok::<_, DeskError>(Some(r))
                });
                match result {
                    Ok(None) => Ok(Applied::Duplicate),
                    Ok(Some(r)) => {
                        // Whatever arrived before this application can apply now.
                        self.retry_waiting()?;
                        Ok(Applied::Registered {
                            id: r.id,
                            number: r.number,
                        })
                    }
                    Err(e @ DeskError::DuplicateOpen { .. }) => {
                        self.reject(m, e.message(Lang::Ru), true)
                    }
                    Err(DeskError::Store(crate::store::StoreError::Duplicate { .. })) => {
                        Ok(Applied::Duplicate)
                    }
                    Err(e) => Err(e),
                }
            }
            // Withdrawals go to the department that holds the application; an akimat only
            // sends them.
            ("UPDATE", "withdraw") if self.is_akimat() => {
                let reason = ta("akimat-reject-withdraw-here", &[]);
                self.reject(m, reason, false)
            }
            ("UPDATE", "withdraw") => {
                let Some(corr) = &m.correlation_id else {
                    return self.reject(m, ta("sync-reject-no-correlation", &[]), false);
                };
                // An application is named by the messageId of its request (ЦОН, portal) or
                // by its registration number (the citizen's receipt).
                let app = self.store.read(|r| {
                    Ok::<_, crate::store::StoreError>(
                        match crate::store::apps::by_external_id(r, corr)? {
                            Some(a) => Some(a),
                            None => crate::store::apps::by_number(r, corr)?,
                        },
                    )
                })?;
                let Some(app) = app else {
                    self.store.write(|tx| {
                        crate::store::inbox::put(tx, &row("waiting", None, None), &now)
                    })?;
                    return Ok(Applied::Waiting);
                };
                // A withdrawal that may not be applied: the head sees it, the state stands.
                let record_conflict = |kind: &str, detail: String| {
                    self.store.write(|tx| {
                        crate::store::inbox::add_conflict(
                            tx,
                            &m.message_id,
                            Some(app.id),
                            kind,
                            &detail,
                            &now,
                        )?;
                        crate::store::inbox::put(
                            tx,
                            &row("applied", Some(app.id), Some(detail.clone())),
                            &now,
                        )?;
                        self.audit(
                            tx,
                            None,
                            "gateway_conflict",
                            "application",
                            &app.number,
                            serde_json::json!({"kind": kind, "detail": detail}),
                        )
                    })?;
                    Ok(Applied::Conflict { detail })
                };
                if app.origin.as_deref() != Some(m.sender.as_str()) {
                    let detail = match &app.origin {
                        Some(origin) => ta(
                            "sync-conflict-foreign",
                            &[
                                ("sender", &m.sender),
                                ("number", &app.number),
                                ("origin", origin),
                            ],
                        ),
                        None => ta(
                            "sync-conflict-foreign-office",
                            &[("sender", &m.sender), ("number", &app.number)],
                        ),
                    };
                    return record_conflict("foreign_withdrawal", detail);
                }
                let reason = m
                    .data
                    .get("reason")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| both_languages("exchange-withdrawn-on-portal"));
                let r = self.store.write(|tx| {
                    if decided(tx, &m.message_id)? {
                        return Ok(false);
                    }
                    self.withdraw_in(tx, None, super::flow::Target::id(app.id), &reason)?;
                    crate::store::inbox::put(tx, &row("applied", Some(app.id), None), &now)?;
                    Ok::<_, DeskError>(true)
                });
                match r {
                    Ok(false) => Ok(Applied::Duplicate),
                    Ok(true) => Ok(Applied::Withdrawn { id: app.id }),
                    Err(DeskError::Lifecycle(e)) => {
                        // Too late (already signed): the head sees it; the state stands.
                        let detail = ta(
                            "sync-conflict-late",
                            &[
                                ("number", &app.number),
                                ("error", &DeskError::Lifecycle(e).message(Lang::Ru)),
                            ],
                        );
                        record_conflict("late_withdrawal", detail)
                    }
                    Err(e) => Err(e),
                }
            }
            ("UPDATE", "crl") => {
                use base64::Engine;
                let der = m
                    .data
                    .get("der")
                    .and_then(|v| v.as_str())
                    .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok());
                let Some(der) = der else {
                    return self.reject(m, ta("sync-reject-crl", &[]), false);
                };
                let trust = crate::signing::Trust {
                    ca_certs: vec![self.ca_certificate()?],
                    crls: vec![der.clone()],
                };
                let info = match crate::signing::read_crl(&trust) {
                    Ok(i) => i,
                    Err(e) => return self.reject(m, e.message(Lang::Ru), false),
                };
                let number = m.data.get("number").and_then(|v| v.as_i64()).unwrap_or(0);
                self.store.write(|tx| {
                    let latest = crate::store::signatures::latest_crl(tx)?
                        .map(|c| c.0)
                        .unwrap_or(0);
                    if number > latest {
                        let t = |s: i64| {
                            stamp(chrono::DateTime::from_timestamp(s, 0).unwrap_or_default())
                        };
                        crate::store::signatures::insert_crl(
                            tx,
                            number,
                            &der,
                            &t(info.this_update),
                            &t(info.next_update),
                            "gateway",
                        )?;
                    }
                    crate::store::inbox::put(tx, &row("applied", None, None), &now)?;
                    self.audit(
                        tx,
                        None,
                        "crl_received",
                        "office",
                        &self.office.code,
                        serde_json::json!({"number": number}),
                    )
                })?;
                Ok(Applied::Crl)
            }
            _ => {
                self.store
                    .write(|tx| crate::store::inbox::put(tx, &row("applied", None, None), &now))?;
                Ok(Applied::Noted)
            }
        }
    }

    /// Refuses a message the engine could not take (an envelope not by the protocol, scans
    /// the gateway will not give): recorded once, and the sender of an application is told
    /// why, in one transaction.
    pub fn reject_inbound(&self, m: &Inbound, reason: &str) -> Result<Applied> {
        if self.seen(m)? {
            return Ok(Applied::Duplicate);
        }
        self.reject(m, reason.to_string(), m.message_type == "REQUEST")
    }

    /// Whether a message was applied or refused before (a waiting one is tried again).
    pub(crate) fn seen(&self, m: &Inbound) -> Result<bool> {
        Ok(self
            .store
            .read(|r| crate::store::inbox::get(r, &m.message_id))?
            .is_some_and(|prev| prev.state != "waiting"))
    }

    pub(crate) fn inbox_row(
        m: &Inbound,
        state: &str,
        app: Option<i64>,
        error: Option<String>,
        now: &str,
    ) -> crate::store::inbox::InboxRow {
        crate::store::inbox::InboxRow {
            message_id: m.message_id.clone(),
            seq: m.seq,
            sender: m.sender.clone(),
            message_type: m.message_type.clone(),
            correlation_id: m.correlation_id.clone(),
            state: state.into(),
            application_id: app,
            error,
            envelope: m.envelope.clone(),
            received_at: now.to_string(),
        }
    }

    /// Records a refused message, and for an application the notice to its sender, in one
    /// transaction (a crash cannot leave a notice without its record, or the reverse).
    pub(crate) fn reject(&self, m: &Inbound, reason: String, notify: bool) -> Result<Applied> {
        let now = stamp(self.now());
        let recorded = self.store.write(|tx| {
            // Decided meanwhile (by another process on this office): registered there, so
            // neither refused here nor its sender told so.
            if decided(tx, &m.message_id)? {
                return Ok(false);
            }
            if notify {
                self.queue_rejection(tx, m, &reason)?;
            }
            crate::store::inbox::put(
                tx,
                &Self::inbox_row(m, "rejected", None, Some(reason.clone()), &now),
                &now,
            )?;
            self.audit(
                tx,
                None,
                "gateway_reject",
                "message",
                &m.message_id,
                serde_json::json!({"reason": reason, "sender": m.sender}),
            )?;
            Ok::<_, DeskError>(true)
        })?;
        Ok(if recorded {
            Applied::Rejected { reason }
        } else {
            Applied::Duplicate
        })
    }

    /// Applies messages that were waiting for what they refer to.
    pub fn retry_waiting(&self) -> Result<usize> {
        let waiting = self.store.read(|r| crate::store::inbox::waiting(r))?;
        let mut n = 0;
        for w in waiting {
            let env: serde_json::Value = serde_json::from_str(&w.envelope).unwrap_or_default();
            let m = Inbound {
                message_id: w.message_id.clone(),
                seq: w.seq,
                sender: w.sender.clone(),
                route_id: env["routeId"].as_str().unwrap_or("").to_string(),
                message_type: w.message_type.clone(),
                correlation_id: w.correlation_id.clone(),
                data: env["data"].clone(),
                envelope: w.envelope.clone(),
                files: vec![],
            };
            if !matches!(self.apply_inbound(&m)?, Applied::Waiting) {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Tells the sender its application was refused (the portal and ЦОН show it).
    fn queue_rejection(&self, tx: &crate::store::Tx<'_>, m: &Inbound, reason: &str) -> Result<()> {
        let text = super::intake::public_status_text("rejected");
        let payload = serde_json::json!({
            "type": "status_notice",
            "application": null,
            "correlationId": m.message_id,
            "recipient": m.sender,
            "status": "rejected",
            "statusText": {"kk": text.kk, "ru": text.ru},
            "reason": reason,
            "at": stamp(self.now()),
        });
        crate::store::outbox::push(
            tx,
            &uuid::Uuid::now_v7().to_string(),
            None,
            "status_notice",
            &payload,
            &stamp(self.now()),
        )?;
        Ok(())
    }

    /// Conflicts the head must see.
    pub fn conflicts(&self, s: &Session) -> Result<Vec<crate::store::inbox::Conflict>> {
        self.require(s, Permission::SeeConflicts)?;
        Ok(self
            .store
            .read(|r| crate::store::inbox::open_conflicts(r))?)
    }

    /// The head marks a conflict as dealt with.
    pub fn resolve_conflict(&self, s: &Session, id: i64) -> Result<()> {
        self.require(s, Permission::Reports)?;
        let now = stamp(self.now());
        self.store.write(|tx| {
            crate::store::inbox::resolve_conflict(tx, id, s.user_id, &now)?;
            self.audit(
                tx,
                Some(s),
                "conflict_resolved",
                "conflict",
                &id.to_string(),
                serde_json::json!({}),
            )
        })
    }
}

const CURSOR: &str = "gateway_cursor";

impl Desk {
    /// The highest gateway sequence number acknowledged.
    pub fn gateway_cursor(&self) -> i64 {
        self.store
            .read(|r| get_setting(r, CURSOR))
            .ok()
            .flatten()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    pub fn set_gateway_cursor(&self, seq: i64) -> Result<()> {
        self.store.write(|tx| {
            let cur: i64 = get_setting(tx, CURSOR)?
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            if seq > cur {
                set_setting(tx, CURSOR, &seq.to_string())?;
            }
            Ok(())
        })
    }

    /// Outbox messages due for sending now, oldest first.
    pub fn outbox_due(&self, limit: usize) -> Result<Vec<crate::store::outbox::OutboxRow>> {
        let now = stamp(self.now());
        Ok(self
            .store
            .read(|r| crate::store::outbox::pending(r, limit))?
            .into_iter()
            // In order: a message waiting out its backoff holds back the ones after it, so
            // notices about an application never overtake each other.
            .take_while(|m| {
                m.next_attempt_at
                    .as_deref()
                    .is_none_or(|t| t <= now.as_str())
            })
            .collect())
    }

    /// Records the delivery outcomes of a batch of outbox messages in one transaction. A
    /// crash before it commits leaves them queued; sending them again is safe (the gateway
    /// answers a repeated message id with its first answer).
    pub fn outbox_results(&self, outcomes: Vec<Delivered>) -> Result<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let now = self.now();
        self.store.write(|tx| {
            for d in &outcomes {
                match &d.outcome {
                    Ok(()) => crate::store::outbox::mark_delivered(tx, d.id, &stamp(now))?,
                    Err((true, e)) => {
                        // Exponential backoff with jitter: 5 s, 10 s, 20 s … up to 30 minutes.
                        let base = 5i64
                            .saturating_mul(1i64 << d.attempts.clamp(0, 12))
                            .min(1800);
                        let jitter = (rand::random::<f64>() * 0.4 - 0.2) * base as f64;
                        let next =
                            now + chrono::Duration::seconds((base as f64 + jitter).max(1.0) as i64);
                        crate::store::outbox::mark_retry(tx, d.id, e, &stamp(next))?
                    }
                    Err((false, e)) => crate::store::outbox::mark_failed(tx, d.id, e)?,
                }
            }
            Ok::<_, crate::store::StoreError>(())
        })?;
        Ok(())
    }

    /// Puts a failed message back in the queue (the clerk's "retry" in the message view).
    pub fn outbox_retry(&self, s: &Session, id: i64) -> Result<()> {
        self.require(s, Permission::Gateway)?;
        let now = stamp(self.now());
        self.store.write(|tx| {
            crate::store::outbox::requeue(tx, id, &now)?;
            self.audit(
                tx,
                Some(s),
                "outbox_retry",
                "outbox",
                &id.to_string(),
                serde_json::json!({}),
            )
        })
    }

    /// The latest outbox messages (the per-message view of what failed and why).
    pub fn outbox_recent(&self, limit: usize) -> Result<Vec<crate::store::outbox::OutboxRow>> {
        Ok(self
            .store
            .read(|r| crate::store::outbox::recent(r, limit))?)
    }

    /// Counts of what came in (tests and the sync report).
    pub fn inbox_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(self.store.read(|r| crate::store::inbox::counts(r))?)
    }

    /// The signed paper of the result an outbox notice announces, if any.
    pub fn paper_for_notice(&self, payload: &serde_json::Value) -> Result<Option<Vec<u8>>> {
        match payload["extra"]["document_id"].as_i64() {
            Some(id) => self.signed_paper(id),
            None => Ok(None),
        }
    }

    /// The service code of an application (for the envelope's serviceId).
    pub fn service_of(&self, application_id: i64) -> Option<String> {
        self.store
            .read(|r| crate::store::apps::by_id(r, application_id))
            .ok()
            .flatten()
            .map(|a| a.service)
    }
}

/// Whether a message was applied or refused already (read inside the transaction that would
/// decide it, so two processes can never both decide one message).
fn decided(db: &impl crate::store::Db, message_id: &str) -> crate::store::Result<bool> {
    Ok(crate::store::inbox::get(db, message_id)?.is_some_and(|prev| prev.state != "waiting"))
}

/// A text the exchange writes into an application, in both languages ("kk / ru"): it is read
/// later by whoever opens the application, in either language.
fn both_languages(key: &str) -> String {
    use crate::domain::model::Lang;
    format!(
        "{} / {}",
        crate::i18n::tr(Lang::Kk, key),
        crate::i18n::tr(Lang::Ru, key)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn texts_written_into_applications_are_in_both_languages() {
        assert_eq!(
            super::both_languages("exchange-electronic-request"),
            "электрондық сұрау салу / электронный запрос"
        );
        assert!(
            super::both_languages("exchange-withdrawn-on-portal")
                .ends_with(" / отозвано заявителем на портале")
        );
    }
}
