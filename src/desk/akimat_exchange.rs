//! The exchange package between an akimat and its department, for an akimat with no network
//! (`mio-desk exchange export --out FILE`, `exchange import FILE`; format in
//! [`crate::sync::package`]).
//!
//! Export reserves the package's number and records which messages it carries in one
//! transaction, then writes the file whole (a temporary file, flushed, renamed): an akimat PC
//! killed mid-export leaves no half file, and the next export simply takes the next number and
//! carries the same messages again. Import checks, before applying anything, that the file is
//! whole and unchanged, addressed here, from the right side, sealed by the key first seen from
//! that side, and newer than what was applied; then each message is applied exactly once (by
//! its message id, whether it came before through the gateway or not).

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde_json::json;

use super::exchange::{Applied, Inbound};
use super::intake::NewFile;
use super::{Desk, DeskError, Result, Session, stamp};
use crate::domain::model::Lang;
use crate::domain::policy::Permission;
use crate::store::akimat as links;
use crate::store::{StoreError, get_setting, set_setting};
use crate::sync::package::{self, Body, PackageError, PackedFile, PackedMessage, Party};

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub to: String,
    pub seq: i64,
    pub messages: usize,
    pub bytes: usize,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub from: String,
    pub seq: i64,
    pub applied: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub waiting: usize,
    /// Our messages the other side reported applied (now counted as delivered).
    pub acknowledged: u64,
}

impl Exported {
    /// What the window and the command line say of it.
    pub fn said(&self, lang: Lang, file: &Path) -> String {
        crate::i18n::tra(
            lang,
            "cli-exchange-exported",
            &[
                ("file", file.display().to_string().into()),
                ("seq", self.seq.into()),
                ("to", self.to.as_str().into()),
                ("messages", self.messages.into()),
            ],
        )
    }
}

impl Imported {
    /// What the window and the command line say of it.
    pub fn said(&self, lang: Lang) -> String {
        crate::i18n::tra(
            lang,
            "cli-exchange-imported",
            &[
                ("seq", self.seq.into()),
                ("from", self.from.as_str().into()),
                ("applied", self.applied.into()),
                ("duplicates", self.duplicates.into()),
                ("rejected", self.rejected.into()),
            ],
        )
    }
}

const KEY: &str = "exchange_key";

fn err(key: &'static str, args: Vec<(&'static str, String)>) -> DeskError {
    DeskError::Akimat { key, args }
}

fn package_error(e: PackageError) -> DeskError {
    match e {
        PackageError::Damaged => err("exchange-damaged", vec![]),
        PackageError::Version(v) => err("exchange-version", vec![("version", v.to_string())]),
        PackageError::Edited => err("exchange-edited", vec![]),
    }
}

impl Desk {
    /// This installation's package key, made the first time.
    fn exchange_key(&self) -> Result<Vec<u8>> {
        self.store.write(|tx| {
            if let Some(k) = get_setting(tx, KEY)?
                && let Ok(b) = hex::decode(k)
            {
                return Ok(b);
            }
            let k = package::new_key();
            set_setting(tx, KEY, &hex::encode(&k))?;
            Ok::<_, DeskError>(k)
        })
    }

    fn party(&self) -> Party {
        Party {
            code: self.office.code.clone(),
            kind: if self.is_akimat() {
                "akimat".into()
            } else {
                "department".into()
            },
            name_kk: self.office.name_kk.clone(),
            name_ru: self.office.name_ru.clone(),
        }
    }

    /// Writes a package of everything waiting for `to` (at an akimat: its department; at a
    /// department, the akimat, which may be left out when only one has messages waiting).
    pub fn exchange_export(&self, to: Option<&str>, out: &Path) -> Result<Exported> {
        let peer = match (self.department(), to) {
            (Some(d), None) => d.code,
            (Some(d), Some(t)) if t == d.code => d.code,
            (Some(d), Some(t)) => {
                return Err(err(
                    "exchange-export-not-department",
                    vec![("to", t.to_string()), ("department", d.code)],
                ));
            }
            (None, Some(t)) => {
                if self.store.read(|r| links::peer(r, t))?.is_none() {
                    return Err(err("exchange-unknown-akimat", vec![("to", t.to_string())]));
                }
                t.to_string()
            }
            (None, None) => {
                let waiting = self.store.read(|r| links::peers_with_waiting(r))?;
                match waiting.as_slice() {
                    [one] => one.clone(),
                    [] => return Err(err("exchange-nothing-waiting", vec![])),
                    many => {
                        return Err(err(
                            "exchange-export-which",
                            vec![("akimats", many.join(", "))],
                        ));
                    }
                }
            }
        };
        let key = self.exchange_key()?;
        let now = stamp(self.now());
        // The number and the messages it carries, recorded before the file is written.
        let (seq, ack, rows) = self.store.write(|tx| {
            let p = links::peer(tx, &peer)?
                .ok_or_else(|| DeskError::NotFound(format!("exchange peer {peer}")))?;
            let rows = links::undelivered_for(tx, &peer)?;
            let ids: Vec<String> = rows.iter().map(|r| r.message_id.clone()).collect();
            let seq = links::reserve_package(tx, &peer, &ids)?;
            self.audit(
                tx,
                None,
                "exchange_export",
                "exchange",
                &peer,
                json!({"seq": seq, "messages": ids}),
            )?;
            Ok::<_, DeskError>((seq, p.last_in_seq, rows))
        })?;
        let mut messages = Vec::with_capacity(rows.len());
        for row in &rows {
            let data: serde_json::Value = serde_json::from_str(&row.payload).map_err(|e| {
                DeskError::Store(StoreError::Corrupt(format!(
                    "outbox {}: {e}",
                    row.message_id
                )))
            })?;
            let files = self.outbox_files(&data)?;
            let message_type = Desk::outbox_message_type(&data, !files.is_empty());
            messages.push(PackedMessage {
                message_id: row.message_id.clone(),
                message_type: message_type.to_string(),
                correlation_id: data["correlationId"].as_str().map(str::to_string),
                created_at: row.created_at.clone(),
                data,
                files: files
                    .iter()
                    .map(|f| PackedFile::new(&f.name, f.checklist_item.clone(), &f.bytes))
                    .collect(),
            });
        }
        let body = Body {
            format: package::FORMAT.into(),
            version: package::VERSION,
            from: self.party(),
            to: peer.clone(),
            seq,
            ack,
            created_at: now,
            messages,
        };
        let bytes = package::seal(&body, &key).map_err(package_error)?;
        write_whole(out, &bytes)?;
        Ok(Exported {
            to: peer,
            seq,
            messages: body.messages.len(),
            bytes: bytes.len(),
        })
    }

    /// The window's "write a package": as a user who may see the exchange, to the other side
    /// (at a department: the akimat named, or the one with messages waiting).
    pub fn exchange_export_as(
        &self,
        s: &Session,
        to: Option<&str>,
        out: &Path,
    ) -> Result<Exported> {
        self.require(s, Permission::Gateway)?;
        self.exchange_export(to, out)
    }

    /// The window's "apply a package": the file read, then applied as by `exchange_import`.
    pub fn exchange_import_as(&self, s: &Session, file: &Path) -> Result<Imported> {
        self.require(s, Permission::Gateway)?;
        let bytes = std::fs::read(file).map_err(super::backup::io_at(file))?;
        self.exchange_import(&bytes)
    }

    /// Applies a package from the other side, each message exactly once.
    pub fn exchange_import(&self, bytes: &[u8]) -> Result<Imported> {
        let (body, public_key) = package::open(bytes).map_err(package_error)?;
        let from = body.from.code.clone();
        if body.to != self.office.code {
            return Err(err(
                "exchange-not-for-us",
                vec![("to", body.to.clone()), ("us", self.office.code.clone())],
            ));
        }
        match self.department() {
            Some(d) if self.is_akimat() => {
                if from != d.code || body.from.kind != "department" {
                    return Err(err(
                        "exchange-foreign-department",
                        vec![("from", from.clone()), ("department", d.code)],
                    ));
                }
            }
            _ => {
                if body.from.kind != "akimat" {
                    return Err(err("exchange-not-akimat", vec![("from", from.clone())]));
                }
            }
        }
        let known = self.store.read(|r| links::peer(r, &from))?;
        if let Some(p) = &known {
            if let Some(k) = &p.public_key
                && *k != public_key
            {
                return Err(err("exchange-other-key", vec![("from", from.clone())]));
            }
            if body.seq == p.last_in_seq {
                return Err(err(
                    "exchange-already",
                    vec![("seq", body.seq.to_string()), ("from", from.clone())],
                ));
            }
            if body.seq < p.last_in_seq {
                return Err(err(
                    "exchange-older",
                    vec![
                        ("seq", body.seq.to_string()),
                        ("last", p.last_in_seq.to_string()),
                        ("from", from.clone()),
                    ],
                ));
            }
            if body.ack > p.last_out_seq {
                return Err(err(
                    "exchange-out-of-order",
                    vec![
                        ("ack", body.ack.to_string()),
                        ("last", p.last_out_seq.to_string()),
                    ],
                ));
            }
        } else if body.ack > 0 {
            return Err(err(
                "exchange-out-of-order",
                vec![("ack", body.ack.to_string()), ("last", "0".into())],
            ));
        }
        if body.seq < 1 {
            return Err(package_error(PackageError::Damaged));
        }
        // Every file whole before anything is applied.
        let mut inbound = Vec::with_capacity(body.messages.len());
        for m in &body.messages {
            let mut files = Vec::with_capacity(m.files.len());
            for f in &m.files {
                files.push(NewFile {
                    checklist_item: f.checklist_item.clone(),
                    file_name: f.name.clone(),
                    bytes: f.bytes().map_err(package_error)?,
                });
            }
            let envelope = json!({
                "messageId": m.message_id,
                "routeId": body.to,
                "messageType": m.message_type,
                "correlationId": m.correlation_id,
                "sender": {"senderId": from},
                "data": m.data,
                "package": body.seq,
            });
            inbound.push(Inbound {
                message_id: m.message_id.clone(),
                seq: 0,
                sender: from.clone(),
                route_id: body.to.clone(),
                message_type: m.message_type.clone(),
                correlation_id: m.correlation_id.clone(),
                data: m.data.clone(),
                envelope: envelope.to_string(),
                files,
            });
        }
        // The first package from an akimat introduces it.
        if known.is_none() {
            self.store.write(|tx| {
                links::upsert_peer(
                    tx,
                    &from,
                    &body.from.kind,
                    &body.from.name_kk,
                    &body.from.name_ru,
                )
            })?;
        }
        let mut report = Imported {
            from: from.clone(),
            seq: body.seq,
            ..Default::default()
        };
        for m in &inbound {
            match self.apply_inbound(m)? {
                Applied::Duplicate => report.duplicates += 1,
                Applied::Rejected { .. } => report.rejected += 1,
                Applied::Waiting => report.waiting += 1,
                _ => report.applied += 1,
            }
        }
        let now = stamp(self.now());
        report.acknowledged = self.store.write(|tx| {
            let n = links::record_import(tx, &from, body.seq, &public_key, body.ack, &now)
                .map_err(|e| match e {
                    // Another import of the same package finished first.
                    StoreError::Conflict => err(
                        "exchange-already",
                        vec![("seq", body.seq.to_string()), ("from", from.clone())],
                    ),
                    other => other.into(),
                })?;
            self.audit(
                tx,
                None,
                "exchange_import",
                "exchange",
                &from,
                json!({
                    "seq": body.seq,
                    "applied": report.applied,
                    "duplicates": report.duplicates,
                    "rejected": report.rejected,
                    "waiting": report.waiting,
                }),
            )?;
            Ok::<_, DeskError>(n)
        })?;
        Ok(report)
    }
}

/// Writes a file whole or not at all (a temporary file beside it, flushed, then renamed).
fn write_whole(out: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = out.with_extension("partial");
    let io = |e: std::io::Error| {
        DeskError::Store(StoreError::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", out.display()),
        )))
    };
    {
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        f.write_all(bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    std::fs::rename(&tmp, out).map_err(io)?;
    Ok(())
}
