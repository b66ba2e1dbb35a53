//! Intake: a citizen's application is registered in the incoming journal with its checklist
//! and scans, and a receipt is made. One transaction; scans are stored as content-addressed
//! files first (an orphan file after a failed registration is harmless and never referenced).

use crate::domain::policy::Permission;
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Desk, DeskError, Result, Session, stamp};
use crate::domain::attachment::{AttachmentError, sanitize_name, sniff};
use crate::domain::catalog::{DocumentKind, FieldStage, Service};
use crate::domain::deadline::{self, Due};
use crate::domain::document::{self, Body, Content, ReceivedItem};
use crate::domain::fields;
use crate::domain::lifecycle::Action;
use crate::domain::model::{Channel, PublicStatus, Role};
use crate::domain::person::{PersonInput, ValidPerson, fold_name};
use crate::store::apps::{self, JournalEntry, NewApp, NewAttachment, NewDocument};
use crate::store::{Tx, outbox, people};

/// A scan to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// The checklist item it satisfies.
    pub checklist_item: Option<String>,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Where an application came from when it arrived through the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct External {
    /// The gateway message id of the request.
    pub message_id: String,
    /// The sender to answer (ЦОН operator workstation, portal).
    pub origin: String,
}

/// What the registrar entered.
#[derive(Debug, Clone)]
pub struct Registration {
    pub service: String,
    pub channel: Channel,
    pub person: PersonInput,
    /// The service's own intake fields.
    pub intake: Map<String, Value>,
    pub files: Vec<NewFile>,
    /// Why mandatory documents are missing, if they are.
    pub missing_reason: Option<String>,
    /// The acceptance moment (now when `None`).
    pub accepted_at: Option<DateTime<Utc>>,
    pub external: Option<External>,
}

/// The result of a registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registered {
    pub id: i64,
    pub number: String,
    pub due: Due,
    pub receipt_document_id: i64,
}

/// A checked scan, ready to store.
pub(crate) struct CheckedFile {
    pub checklist_item: Option<String>,
    pub name: String,
    pub mime: &'static str,
    pub size: i64,
    pub sha256: String,
}

impl Desk {
    /// Checks scans against the office limits and the service's checklist; stores their bytes.
    pub(crate) fn check_and_store_files(
        &self,
        service: &Service,
        files: &[NewFile],
        already: u64,
    ) -> Result<Vec<CheckedFile>> {
        let settings = self.settings()?;
        let max_file = u64::from(settings.max_file_mib) * 1024 * 1024;
        let max_app = u64::from(settings.max_application_mib) * 1024 * 1024;
        let mut total = already;
        let mut out = Vec::new();
        for f in files {
            let size = f.bytes.len() as u64;
            if size > max_file {
                return Err(AttachmentError::TooLarge {
                    size,
                    max: max_file,
                }
                .into());
            }
            total += size;
            if total > max_app {
                return Err(AttachmentError::ApplicationTooLarge {
                    total,
                    max: max_app,
                }
                .into());
            }
            let kind = sniff(&f.bytes)?;
            if let Some(item) = &f.checklist_item
                && service.document(item).is_none()
            {
                return Err(AttachmentError::UnknownChecklistItem(item.clone()).into());
            }
            out.push(CheckedFile {
                checklist_item: f.checklist_item.clone(),
                name: sanitize_name(&f.file_name, kind),
                mime: kind.mime(),
                size: size as i64,
                sha256: String::new(),
            });
        }
        // Stored once all are checked; the store names each by the hash it computes.
        let bytes: Vec<&[u8]> = files.iter().map(|f| f.bytes.as_slice()).collect();
        let shas = self.attachments.put_all(&bytes)?;
        for (c, sha) in out.iter_mut().zip(shas) {
            c.sha256 = sha;
        }
        Ok(out)
    }

    /// Registers an application (registrar; the akim's clerk for the akim channel; the gateway
    /// engine for ЦОН and portal applications, with `session = None`).
    pub fn register(&self, s: Option<&Session>, r: Registration) -> Result<Registered> {
        self.register_with(s, r, None)
    }

    /// Registers an application whose applicant is a known person whose data were changed on
    /// purpose at the desk: `person_change_reason` says why (kept in the person's history).
    /// Without it, data that differ from the stored ones are refused
    /// ([`DeskError::PersonChanged`]), so an older application's applicant is never rewritten
    /// by accident.
    pub fn register_with(
        &self,
        s: Option<&Session>,
        r: Registration,
        person_change_reason: Option<&str>,
    ) -> Result<Registered> {
        let cat = self.catalog();
        let service = cat
            .service(&r.service)
            .ok_or_else(|| DeskError::UnknownService(r.service.clone()))?;
        let checked = self.prepare_registration(s, service, &r)?;
        let files = self.check_and_store_files(service, &r.files, 0)?;
        self.store.write(|tx| {
            self.register_in(
                tx,
                s,
                service,
                &r,
                checked.clone(),
                &files,
                person_change_reason,
            )
        })
    }

    /// Everything that can be checked before the transaction.
    pub(crate) fn prepare_registration(
        &self,
        s: Option<&Session>,
        service: &Service,
        r: &Registration,
    ) -> Result<(ValidPerson, fields::Values)> {
        if let Some(s) = s {
            let allowed = crate::domain::policy::roles_for(Action::Register, r.channel);
            if !s.roles.iter().any(|x| allowed.contains(x)) {
                return Err(DeskError::Forbidden {
                    action: "register".into(),
                    needed: allowed
                        .iter()
                        .map(|r| r.code())
                        .collect::<Vec<_>>()
                        .join(" / "),
                });
            }
            // The akim's clerk registers only the akim channel.
            if r.channel != Channel::Akim && !s.has(Role::Registrar) {
                return Err(DeskError::ChannelNotOffered {
                    service: service.code.clone(),
                    channel: r.channel.code().into(),
                });
            }
        }
        if !service.channels.contains(&r.channel) {
            return Err(DeskError::ChannelNotOffered {
                service: service.code.clone(),
                channel: r.channel.code().into(),
            });
        }
        // Every problem of the form at once, each at its field.
        let mut errs: Vec<DeskError> = Vec::new();
        let person = match r.person.validate() {
            Ok(p) => Some(p),
            Err(first) => {
                let all = r.person.problems();
                if all.is_empty() {
                    errs.push(first.into());
                } else {
                    errs.extend(all.into_iter().map(DeskError::from));
                }
                None
            }
        };
        let values = match fields::validate(service, &[FieldStage::Intake], &r.intake) {
            Ok(v) => Some(v),
            Err(f) => {
                errs.push(DeskError::Fields(f));
                None
            }
        };
        // A missing mandatory document needs a recorded reason.
        let missing: Vec<String> = service
            .documents
            .iter()
            .filter(|d| d.mandatory)
            .filter(|d| {
                !r.files
                    .iter()
                    .any(|f| f.checklist_item.as_deref() == Some(d.key.as_str()))
            })
            .map(|d| d.key.clone())
            .collect();
        let reason = r.missing_reason.as_deref().map(str::trim).unwrap_or("");
        if !missing.is_empty() && reason.chars().count() < 5 {
            errs.push(DeskError::MissingDocuments {
                items: missing
                    .iter()
                    .filter_map(|k| service.document(k))
                    .map(|d| {
                        d.name
                            .get(s.map(|s| s.lang).unwrap_or_default())
                            .to_string()
                    })
                    .collect(),
            });
        }
        match (person, values, errs.len()) {
            (Some(p), Some(v), 0) => Ok((p, v)),
            (_, _, 1) => Err(errs.remove(0)),
            _ => Err(DeskError::Many(errs)),
        }
    }

    /// The transaction part of a registration (also used by the demo and the gateway engine,
    /// which batch many in one transaction).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn register_in(
        &self,
        tx: &Tx<'_>,
        s: Option<&Session>,
        service: &Service,
        r: &Registration,
        (person, values): (ValidPerson, fields::Values),
        files: &[CheckedFile],
        person_change_reason: Option<&str>,
    ) -> Result<Registered> {
        let now = self.now();
        let accepted = r.accepted_at.unwrap_or(now);
        let accepted_s = stamp(accepted);
        let now_s = stamp(now);
        // One person per ИИН: reuse, never duplicate; their data change only on purpose.
        let existing = match person.iin {
            Some(iin) => people::person_by_iin(tx, &iin)?,
            None => match &person.id_document {
                Some(d) => people::person_by_document(tx, d.number.trim())?,
                None => None,
            },
        };
        let (person_id, person) = match existing {
            Some(p) => {
                let after = super::handover::merged(&p, &person);
                self.change_person_in(tx, s, &p, &after, person_change_reason)?;
                (p.id, after)
            }
            None => (people::insert_person(tx, &person, &now_s)?, person),
        };
        if let Some(number) = apps::open_for_person(tx, person_id, &service.code)? {
            return Err(DeskError::DuplicateOpen { number });
        }
        let version_id = self.service_version_id_in(tx, &service.code)?;
        let version = service
            .version(&version_id)
            .unwrap_or_else(|| service.latest_version());
        let local_accepted = self.local(accepted);
        let due = deadline::due(
            &self.calendar(),
            version.term_for(r.channel),
            local_accepted,
        );
        let year = local_accepted.year();
        let (number, seq) = apps::next_number(tx, "in", &self.office.code, year)?;
        let name = crate::domain::person::full_name(
            &person.surname,
            &person.given_name,
            &person.patronymic,
        );
        let intake = Value::Object(values.clone().into_iter().collect());
        let missing_reason = r
            .missing_reason
            .as_deref()
            .map(str::trim)
            .filter(|x| !x.is_empty());
        let iin_s = person.iin.map(|i| i.as_string());
        let due_at = due.at.map(|a| {
            stamp((a - chrono::Duration::seconds(i64::from(self.tz().local_minus_utc()))).and_utc())
        });
        let id = apps::insert(
            tx,
            &NewApp {
                number: &number,
                service: &service.code,
                service_version: &version.id,
                channel: r.channel,
                person_id,
                applicant_name: &name,
                applicant_fold: &fold_name(&name),
                applicant_iin: iin_s.as_deref(),
                accepted_at: &accepted_s,
                due_date: &due.date.to_string(),
                due_at: due_at.as_deref(),
                registered_by: s.map(|s| s.user_id),
                intake: &intake,
                missing_docs_reason: missing_reason,
                external_id: r.external.as_ref().map(|e| e.message_id.as_str()),
                origin: r.external.as_ref().map(|e| e.origin.as_str()),
                office_code: &self.office.code,
            },
        )?;
        // The applicant as registered: later changes of the person do not rewrite it.
        let registered_as = people::person_by_id(tx, person_id)?
            .ok_or_else(|| DeskError::NotFound(format!("person {person_id}")))?;
        crate::store::handover::set_applicant_data(tx, id, &registered_as)?;
        apps::add_journal(
            tx,
            &JournalEntry {
                journal: "in",
                number: &number,
                year,
                seq,
                application_id: id,
                at: &accepted_s,
                user_id: s.map(|s| s.user_id),
                summary: &service.code,
            },
        )?;
        for f in files {
            apps::add_attachment(
                tx,
                &NewAttachment {
                    application_id: id,
                    checklist_item: f.checklist_item.as_deref(),
                    sha256: &f.sha256,
                    size: f.size,
                    mime: f.mime,
                    file_name: &f.name,
                    added_at: &accepted_s,
                    added_by: s.map(|s| s.user_id),
                },
            )?;
        }
        // The receipt (расписка / қолхат) with the list of documents received.
        let items: Vec<ReceivedItem> = service
            .documents
            .iter()
            .map(|d| ReceivedItem {
                name: d.name.text(),
                mandatory: d.mandatory,
                scans: files
                    .iter()
                    .filter(|f| f.checklist_item.as_deref() == Some(d.key.as_str()))
                    .count() as u32,
            })
            .collect();
        let receipt = Content {
            kind: DocumentKind::Receipt,
            number: number.clone(),
            date: local_accepted.date(),
            issuer: self.issuer(),
            application: Some(document::AppRef {
                number: number.clone(),
                submitted_on: local_accepted.date(),
                service_code: service.code.clone(),
                service: service.name.text(),
                channel: r.channel,
            }),
            applicant: Some(document::Applicant {
                full_name: name.clone(),
                iin: iin_s.clone(),
                address: person.address.clone(),
                phone: person.phone.clone(),
            }),
            body: Body::Receipt {
                accepted_at: local_accepted,
                items,
                missing_reason: missing_reason.map(str::to_string),
                due: due.date,
                registrar: s.map(|s| s.full_name.clone()).unwrap_or_default(),
            },
            specialist: s.map(|s| s.full_name.clone()),
            head: None,
            // A reason for missing documents typed at the desk is in one language: the
            // receipt is printed in it (the gateway's own reason comes in both).
            paper_lang: missing_reason
                .filter(|m| s.is_some() && !m.trim().is_empty())
                .map(crate::domain::kazakh::written_in),
        };
        let content = String::from_utf8(receipt.canonical()).expect("json is utf-8");
        let receipt_document_id = apps::add_document(
            tx,
            &NewDocument {
                application_id: Some(id),
                kind: DocumentKind::Receipt.code(),
                number: &number,
                content: &content,
                content_sha256: &receipt.sha256(),
                created_at: &now_s,
                created_by: s.map(|s| s.user_id),
            },
        )?;
        self.audit(
            tx,
            s,
            "register",
            "application",
            &number,
            serde_json::json!({
                "service": service.code,
                "version": version.id,
                "channel": r.channel,
                "applicant_iin": iin_s,
                "scans": files.iter().map(|f| &f.sha256).collect::<Vec<_>>(),
                "missing_reason": missing_reason,
                "due": due.date,
                "external": r.external.as_ref().map(|e| &e.message_id),
            }),
        )?;
        if super::akimat::tells_origin(r.channel, r.external.as_ref().map(|e| e.origin.as_str())) {
            self.notify_status(
                tx,
                id,
                &number,
                r.external.as_ref(),
                PublicStatus::Received,
                None,
            )?;
        }
        Ok(Registered {
            id,
            number,
            due,
            receipt_document_id,
        })
    }

    /// The issuing department as printed.
    pub fn issuer(&self) -> document::Issuer {
        document::Issuer {
            office_code: self.office.code.clone(),
            name: crate::domain::model::Text::new(
                self.office.name_kk.clone(),
                self.office.name_ru.clone(),
            ),
        }
    }

    /// Queues a public status notice for the originator (ЦОН / portal) in the outbox.
    pub(crate) fn notify_status(
        &self,
        tx: &Tx<'_>,
        application_id: i64,
        number: &str,
        external: Option<&External>,
        status: PublicStatus,
        extra: Option<Value>,
    ) -> Result<()> {
        let (correlation, origin) = match external {
            Some(e) => (Some(e.message_id.clone()), Some(e.origin.clone())),
            None => {
                let row = apps::by_id(tx, application_id)?;
                (
                    row.as_ref().and_then(|r| r.external_id.clone()),
                    row.and_then(|r| r.origin),
                )
            }
        };
        let text = public_status_text(status.code());
        let payload = serde_json::json!({
            "type": "status_notice",
            "application": number,
            "correlationId": correlation,
            "recipient": origin,
            "status": status.code(),
            "statusText": {"kk": text.kk, "ru": text.ru},
            "at": stamp(self.now()),
            "extra": extra,
        });
        outbox::push(
            tx,
            &uuid::Uuid::now_v7().to_string(),
            Some(application_id),
            "status_notice",
            &payload,
            &stamp(self.now()),
        )?;
        Ok(())
    }

    /// Attaches more scans to an application that is still open (registrar or executor).
    pub fn add_scans(
        &self,
        s: &Session,
        application_id: i64,
        files: Vec<NewFile>,
    ) -> Result<usize> {
        self.require(s, Permission::AddScans)?;
        let app = self
            .store
            .read(|r| apps::by_id(r, application_id))?
            .ok_or_else(|| DeskError::NotFound(format!("application {application_id}")))?;
        self.store.read(|r| self.check_can_see(r, s, &app))?;
        if !app.status.is_open() {
            return Err(
                crate::domain::lifecycle::LifecycleError::NotAllowedInState {
                    action: "attach",
                    from: app.status,
                }
                .into(),
            );
        }
        let cat = self.catalog();
        let service = cat
            .service(&app.service)
            .ok_or_else(|| DeskError::UnknownService(app.service.clone()))?;
        let already: u64 = self
            .store
            .read(|r| apps::attachments(r, app.id))?
            .iter()
            .map(|a| a.size as u64)
            .sum();
        let checked = self.check_and_store_files(service, &files, already)?;
        let now = stamp(self.now());
        self.store.write(|tx| {
            for f in &checked {
                apps::add_attachment(
                    tx,
                    &NewAttachment {
                        application_id: app.id,
                        checklist_item: f.checklist_item.as_deref(),
                        sha256: &f.sha256,
                        size: f.size,
                        mime: f.mime,
                        file_name: &f.name,
                        added_at: &now,
                        added_by: Some(s.user_id),
                    },
                )?;
            }
            self.audit(
                tx,
                Some(s),
                "attach",
                "application",
                &app.number,
                serde_json::json!({"scans": checked.iter().map(|f| &f.sha256).collect::<Vec<_>>()}),
            )?;
            Ok(checked.len())
        })
    }
}

/// A public status in both languages, as the notices to ЦОН and the portal carry it
/// (`received`, `in_work`, `completed`, `rejected`).
pub fn public_status_text(code: &str) -> crate::domain::model::Text {
    let key = format!("public-status-{code}");
    crate::domain::model::Text::new(
        crate::i18n::tr(crate::domain::model::Lang::Kk, &key),
        crate::i18n::tr(crate::domain::model::Lang::Ru, &key),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn public_statuses_carry_the_words_of_the_rules() {
        let t = super::public_status_text("completed");
        assert_eq!((t.kk.as_str(), t.ru.as_str()), ("Орындалған", "Исполнено"));
        let t = super::public_status_text("rejected");
        assert_eq!(
            (t.kk.as_str(), t.ru.as_str()),
            ("Қабылданбады", "Отказано в приеме")
        );
    }
}
