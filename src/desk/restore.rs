//! What a restore from a backup leaves to the next exchange with the gateway (issue 13: a
//! restore loses nothing).
//!
//! A backup is a moment in the past. Between it and the restore the gateway delivered messages
//! to the office and took their acknowledgements, and the clerks issued journal numbers. So a
//! restore marks the office `restore_pending` (with the backup's gateway cursor) and writes an
//! audit entry; until the first exchange after it the office issues no numbers
//! ([`crate::store::StoreError::NumbersHeld`]). That exchange asks the gateway what it
//! witnessed (the journal counters the office reported at its last exchange before the
//! restore) and raises the counters to them, so no number is handed out twice; it asks for
//! every message the gateway delivered since the backup's cursor and applies each again once;
//! and it tells what it recovered and what it could not (the numbers issued after the backup
//! to applications that did not come through the gateway are named: their papers must be
//! registered again). See [`crate::sync::engine`]'s `recover`.

use serde::{Deserialize, Serialize};

use super::audit_key::JournalMark;
use super::exchange::Inbound;
use super::{Desk, DeskError, Result, stamp};
use crate::store::apps::{NUMBERS_HELD, RESTORE_PENDING, raise_counters};
use crate::store::{Db, StoreError, Tx, get_setting, set_setting};

/// What the first exchange after a restore from a backup recovered, and what it could not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Recovery {
    /// Messages delivered after the backup, applied again.
    pub recovered: usize,
    /// Messages refused before the restore, recorded as refused again.
    pub refused_before: usize,
    /// Delivered messages that could not be applied again, with the reason.
    pub not_recovered: Vec<String>,
    /// Journal numbers issued after the backup (`in/2026/02: 000041–000045`): the
    /// applications under them that did not come through the gateway are not in the restored
    /// data and must be registered again from their papers; their numbers are not reused.
    pub lost_numbers: Vec<String>,
}

/// What a restore left for the next exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestorePending {
    /// The gateway cursor of the backup: messages after it are asked for again.
    pub cursor: i64,
    /// When the restore was made.
    pub at: String,
    /// The backup file.
    pub from: String,
    /// When the backup was made.
    pub backup_made: String,
}

/// Marks a restored database (in the transaction `tx`): numbers wait, the next exchange
/// recovers, and the restore is in the audit log.
pub(crate) fn mark_restored(tx: &Tx<'_>, from: &str, backup_made: &str, now: &str) -> Result<()> {
    let cursor: i64 = get_setting(tx, "gateway_cursor")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let pending = RestorePending {
        cursor,
        at: now.to_string(),
        from: from.to_string(),
        backup_made: backup_made.to_string(),
    };
    set_setting(
        tx,
        RESTORE_PENDING,
        &serde_json::to_string(&pending).expect("restore mark"),
    )?;
    set_setting(tx, NUMBERS_HELD, now)?;
    crate::store::audit::append(
        tx,
        &crate::store::audit::NewEntry {
            at: now,
            action: "restore",
            entity: "office",
            entity_id: "",
            details: serde_json::json!({"from": from, "backup_made": backup_made, "gateway_cursor": cursor}),
            ..Default::default()
        },
    )?;
    Ok(())
}

impl Desk {
    /// What the last restore left for the exchange, if it is not done yet.
    pub fn restore_pending(&self) -> Option<RestorePending> {
        self.store
            .read(|r| get_setting(r, RESTORE_PENDING))
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str(&s).ok())
    }

    /// Raises the journal counters to what the gateway witnessed before the restore; returns
    /// the ranges of numbers issued after the backup (`in/2026/02: 000041–000045`).
    pub fn raise_journals(&self, marks: &[JournalMark]) -> Result<Vec<String>> {
        let marks: Vec<(String, i64, String, i64)> = marks
            .iter()
            .map(|m| (m.journal.clone(), m.year, m.workstation.clone(), m.last))
            .collect();
        Ok(self.store.write(|tx| {
            let mut lost = Vec::new();
            for (journal, year, ws, last) in &marks {
                let have: i64 = tx
                    .query_opt(
                        "SELECT last FROM journal_counters WHERE journal = $1 AND year = $2 AND workstation = $3",
                        crate::store::sql::params![journal, year, ws],
                    )?
                    .map(|r| r.get(0))
                    .transpose()?
                    .unwrap_or(0);
                if *last > have {
                    lost.push(format!(
                        "{journal}/{year}/{ws}: {:06}–{:06}",
                        have + 1,
                        last
                    ));
                }
            }
            raise_counters(tx, &marks)?;
            // The counters are past every number issued: numbers may be issued again (the
            // recovery registers what came after the backup under new ones).
            tx.execute(
                "DELETE FROM settings WHERE key = $1",
                crate::store::sql::params![NUMBERS_HELD],
            )?;
            Ok::<_, StoreError>(lost)
        })?)
    }

    /// Records a message the office refused before the restore as refused again (nobody is
    /// told twice); `false` if the restored office has it already.
    pub fn record_refused_before(&self, m: &Inbound) -> Result<bool> {
        let now = stamp(self.now());
        Ok(self.store.write(|tx| {
            if crate::store::inbox::get(tx, &m.message_id)?.is_some() {
                return Ok::<_, StoreError>(false);
            }
            crate::store::inbox::put(
                tx,
                &crate::store::inbox::InboxRow {
                    message_id: m.message_id.clone(),
                    seq: m.seq,
                    sender: m.sender.clone(),
                    message_type: m.message_type.clone(),
                    correlation_id: m.correlation_id.clone(),
                    state: "rejected".into(),
                    application_id: None,
                    error: Some("refused before the restore".into()),
                    envelope: m.envelope.clone(),
                    received_at: now.clone(),
                },
                &now,
            )?;
            Ok(true)
        })?)
    }

    /// Ends the recovery after a restore: numbers may be issued again, the cursor follows
    /// what was asked for, and the audit log says what was recovered and what was not.
    pub fn finish_recovery(&self, r: &Recovery, cursor: i64) -> Result<()> {
        self.store.write(|tx| {
            tx.execute(
                "DELETE FROM settings WHERE key = $1",
                crate::store::sql::params![RESTORE_PENDING],
            )?;
            let cur: i64 = get_setting(tx, "gateway_cursor")?
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            if cursor > cur {
                set_setting(tx, "gateway_cursor", &cursor.to_string())?;
            }
            self.audit(
                tx,
                None,
                "restore_recovered",
                "office",
                &self.office.code,
                serde_json::to_value(r).unwrap_or_default(),
            )?;
            Ok::<_, DeskError>(())
        })
    }
}

/// The lines the operator reads after the recovery.
pub fn recovery_lines(l: crate::domain::model::Lang, r: &Recovery) -> Vec<String> {
    use crate::i18n::{Arg, tra};
    let mut out = vec![tra(
        l,
        "restore-recovered",
        &[
            ("recovered", Arg::Num(r.recovered as i64)),
            ("refused", Arg::Num(r.refused_before as i64)),
        ],
    )];
    for n in &r.not_recovered {
        out.push(tra(
            l,
            "restore-not-recovered",
            &[("what", Arg::from(n.as_str()))],
        ));
    }
    for n in &r.lost_numbers {
        out.push(tra(
            l,
            "restore-lost-numbers",
            &[("numbers", Arg::from(n.as_str()))],
        ));
    }
    out
}
