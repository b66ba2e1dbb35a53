//! The rural akimat's own workstation (issue 12, seeds 001/003 "через акима сельского
//! округа") and the department's side of it.
//!
//! At an akimat (`init --kind akimat --department CODE`) the same program runs the akim's
//! steps on the same application states: the akim's office specialist registers the citizen's
//! documents in the akimat's own journal (`registered`), the akim names his responsible
//! executor (`in_work`), the executor prepares the cover letter (`awaiting_signature`), the
//! akim signs it with ЭЦП (`signed`: the package leaves for the department, through the
//! regional gateway or on a USB stick), and when the signed result comes back the specialist
//! hands it to the citizen (`issued`, which travels back to the department).
//!
//! At the department the package is registered on arrival with channel `akim`, the akimat's
//! number and acceptance moment (the deadline runs from it by the service's akim-channel term)
//! and the signed cover letter among its documents; its status notices and the signed result
//! go back to the akimat.

use crate::domain::policy::{AtDepartment, Facts, Permission};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

use super::exchange::{Applied, Inbound, ta};
use super::flow::Target;
use super::intake::{External, Registration};
use super::{Desk, DeskError, Result, Session, stamp};
use crate::domain::catalog::DocumentKind;
use crate::domain::document::{Body, Content, ReceivedItem};
use crate::domain::iin::Iin;
use crate::domain::lifecycle::Action;
use crate::domain::model::{Channel, Lang, Role, Status, Text};
use crate::domain::person::PersonInput;
use crate::store::akimat::{self as links, Link, OfficeKindRow};
use crate::store::apps::{self, Application, Change};
use crate::store::{Db, StoreError, Tx, inbox, outbox, people};

/// The department an akimat sends to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub code: String,
    pub name_kk: String,
    pub name_ru: String,
}

/// An outbox message's file (a scan, a signed paper), for the gateway or a package.
#[derive(Debug, Clone)]
pub struct OutFile {
    pub name: String,
    pub checklist_item: Option<String>,
    pub bytes: Vec<u8>,
}

/// The department's code must be a code, and not the akimat's own.
pub(crate) fn check_department(own: &str, d: &Department) -> Result<()> {
    if d.code.is_empty()
        || d.code.len() > 16
        || !d.code.chars().all(|c| c.is_ascii_alphanumeric())
        || d.code == own
    {
        return Err(DeskError::Invalid {
            field: "department".into(),
            key: "code-format".into(),
        });
    }
    Ok(())
}

/// Marks the new office as an akimat of `d` (inside `init`'s transaction).
pub(crate) fn setup_in(tx: &Tx<'_>, d: &Department) -> Result<()> {
    links::set_office_kind(
        tx,
        &OfficeKindRow {
            kind: "akimat".into(),
            department_code: Some(d.code.clone()),
            department_name_kk: Some(d.name_kk.trim().to_string()),
            department_name_ru: Some(d.name_ru.trim().to_string()),
        },
    )?;
    links::upsert_peer(
        tx,
        &d.code,
        "department",
        d.name_kk.trim(),
        d.name_ru.trim(),
    )?;
    Ok(())
}

/// Whether an application's originator (ЦОН, the portal, an akimat) hears of its progress.
pub(crate) fn tells_origin(channel: Channel, origin: Option<&str>) -> bool {
    channel.via_gateway() || (channel == Channel::Akim && origin.is_some())
}

/// What the department last said, ranked so a late notice never overwrites a newer one.
fn rank(status: Option<&str>) -> u8 {
    match status {
        None => 0,
        Some("received") => 1,
        Some("in_work") => 2,
        Some("completed" | "rejected") => 3,
        Some(_) => 1,
    }
}

fn person_input(p: &crate::domain::person::Person) -> PersonInput {
    PersonInput {
        iin: p.iin.map(|i| i.as_string()),
        surname: p.surname.clone(),
        given_name: p.given_name.clone(),
        patronymic: p.patronymic.clone(),
        birth_date: p.birth_date,
        address: p.address.clone(),
        phone: p.phone.clone(),
        id_document: p.id_document.clone(),
    }
}

/// The application as an akimat's package carries it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PackageData {
    akimat: PartyData,
    number: String,
    accepted_at: String,
    service: String,
    person: PersonInput,
    #[serde(default)]
    intake: serde_json::Map<String, Value>,
    #[serde(default)]
    missing_reason: Option<String>,
    cover: CoverData,
}

#[derive(Debug, Clone, Deserialize)]
struct PartyData {
    code: String,
    #[serde(default)]
    name_kk: String,
    #[serde(default)]
    name_ru: String,
}

#[derive(Debug, Clone, Deserialize)]
struct CoverData {
    number: String,
    date: String,
}

impl Desk {
    /// Whether this installation is a rural akimat.
    pub fn is_akimat(&self) -> bool {
        self.kind.kind == "akimat"
    }

    /// The department an akimat sends to.
    pub fn department(&self) -> Option<Department> {
        self.kind.department_code.as_ref().map(|code| Department {
            code: code.clone(),
            name_kk: self.kind.department_name_kk.clone().unwrap_or_default(),
            name_ru: self.kind.department_name_ru.clone().unwrap_or_default(),
        })
    }

    fn department_or_err(&self) -> Result<Department> {
        match (self.is_akimat(), self.department()) {
            (true, Some(d)) => Ok(d),
            _ => Err(DeskError::Akimat {
                key: "akimat-only",
                args: vec![],
            }),
        }
    }

    /// What `domain::policy` needs to know of an application here: its row, and at an akimat
    /// where its package stands with the department (sent, and whether the result came back).
    pub(crate) fn facts(&self, db: &impl Db, app: &Application) -> Result<Facts> {
        let mut f = app.facts();
        if self.is_akimat() && app.channel == Channel::Akim {
            f.at_department = links::link(db, app.id)?
                .filter(|l| l.package_message_id.is_some())
                .map(|l| match l.result_sha256 {
                    Some(_) => AtDepartment::ResultBack,
                    None => AtDepartment::AwaitingResult,
                });
        }
        Ok(f)
    }

    /// At an akimat, in the withdrawal's transaction: if the application's package has left,
    /// the department is told, through the gateway or the next exchange package, whichever
    /// goes first (the department applies it once, by its message id). It withdraws the
    /// application there if still open, else its head sees a late withdrawal.
    pub(crate) fn queue_withdrawal(
        &self,
        tx: &Tx<'_>,
        app: &Application,
        reason: &str,
        now: &str,
    ) -> Result<()> {
        if !self.is_akimat() {
            return Ok(());
        }
        let Some(link) = links::link(tx, app.id)?.filter(|l| l.package_message_id.is_some()) else {
            return Ok(());
        };
        outbox::push(
            tx,
            &uuid::Uuid::now_v7().to_string(),
            Some(app.id),
            "akimat_withdraw",
            &json!({
                "type": "withdraw",
                "recipient": link.department_code,
                "correlationId": link.package_message_id,
                "application": link.department_number,
                "akimatNumber": app.number,
                "reason": reason,
                "at": now,
            }),
            now,
        )?;
        Ok(())
    }

    /// The akim's responsible executor with this ИИН (for the akim's resolution).
    pub fn akim_executor_by_iin(&self, s: &Session, iin: &str) -> Result<Option<i64>> {
        self.require(s, Permission::AkimResolution)?;
        Ok(self
            .store
            .read(|r| people::user_by_iin(r, iin))?
            .filter(|u| u.roles.contains(&Role::AkimExecutor) && !u.disabled)
            .map(|u| u.id))
    }

    /// The akim reads the documents and names the responsible person of his staff (seed step,
    /// 1 working day).
    pub fn akim_resolution(
        &self,
        s: &Session,
        t: Target,
        executor_id: i64,
        resolution: &str,
    ) -> Result<()> {
        self.department_or_err()?;
        self.require(s, Permission::AkimResolution)?;
        self.store.write(|tx| {
            let (step, executor, resolution) =
                self.assign_step(tx, s, t, executor_id, resolution, Role::AkimExecutor)?;
            self.finish(
                tx,
                Some(s),
                &step,
                Change {
                    executor_id: Some(executor.id),
                    resolution: Some(&resolution),
                    ..Default::default()
                },
                &stamp(self.now()),
                "akim_resolution",
                json!({"executor": executor.full_name, "executor_iin": executor.iin, "resolution": resolution}),
                None,
            )
        })
    }

    /// The akim's executor has prepared the cover letter: it goes to the akim for signature
    /// (seed step, 8 working days).
    pub fn cover_letter_ready(&self, s: &Session, t: Target) -> Result<()> {
        self.department_or_err()?;
        let now = stamp(self.now());
        self.store.write(|tx| {
            let step = self.begin(tx, s, t, Action::SubmitDraft)?;
            self.finish(
                tx,
                Some(s),
                &step,
                Change {
                    drafter_id: Some(Some(s.user_id)),
                    return_comment: Some(None),
                    ..Default::default()
                },
                &now,
                "cover_letter_ready",
                json!({}),
                None,
            )
        })
    }

    /// The akimat's cover letter: from the akimat (its letterhead, the outgoing `number` and
    /// the day of sending) to the department, listing the documents and scans sent, to be
    /// signed by the akim.
    pub(crate) fn akimat_cover_content(
        &self,
        db: &impl Db,
        app: &Application,
        number: &str,
        date: NaiveDate,
        akim: &str,
    ) -> Result<Content> {
        let d = self.department_or_err()?;
        let cat = self.catalog();
        let service = cat
            .service(&app.service)
            .ok_or_else(|| DeskError::UnknownService(app.service.clone()))?;
        let person = people::person_by_id(db, app.person_id)?
            .ok_or_else(|| DeskError::NotFound(format!("person {}", app.person_id)))?;
        let scans = apps::attachments(db, app.id)?;
        let drafter = match app.drafter_id {
            Some(id) => people::user_by_id(db, id)?.map(|u| u.full_name),
            None => None,
        };
        let items = service
            .documents
            .iter()
            .map(|doc| ReceivedItem {
                name: doc.name.text(),
                mandatory: doc.mandatory,
                scans: scans
                    .iter()
                    .filter(|a| a.checklist_item.as_deref() == Some(doc.key.as_str()))
                    .count() as u32,
            })
            .collect();
        let name = |kk: &str, ru: &str| {
            Text::new(
                if kk.is_empty() { ru } else { kk },
                if ru.is_empty() { kk } else { ru },
            )
        };
        let to = if d.name_kk.is_empty() && d.name_ru.is_empty() {
            Text::new(d.code.clone(), d.code.clone())
        } else {
            name(&d.name_kk, &d.name_ru)
        };
        Ok(Content {
            kind: DocumentKind::AkimCoverLetter,
            number: number.to_string(),
            date,
            issuer: self.issuer(),
            application: Some(self.app_ref(app, service)),
            applicant: Some(super::flow::applicant_of(&person)),
            body: Body::AkimCoverLetter {
                akim_office: format!("{} / {}", self.office.name_kk, self.office.name_ru),
                items,
                addressee: Some(to),
            },
            specialist: drafter,
            head: Some(akim.to_string()),
            paper_lang: None,
        })
    }

    /// Queues the package for the department in the same transaction as the akim's
    /// signature: the application, its scans and the signed cover letter.
    pub(crate) fn queue_package(
        &self,
        tx: &Tx<'_>,
        app: &Application,
        cover: &Content,
        document_id: i64,
        cover_sha256: Option<&str>,
    ) -> Result<()> {
        let d = self.department_or_err()?;
        let person = people::person_by_id(tx, app.person_id)?
            .ok_or_else(|| DeskError::NotFound(format!("person {}", app.person_id)))?;
        let scans = apps::attachments(tx, app.id)?;
        let now = stamp(self.now());
        let message_id = uuid::Uuid::now_v7().to_string();
        let payload = json!({
            "type": "akimat_package",
            "recipient": d.code,
            "akimat": {
                "code": self.office.code,
                "name_kk": self.office.name_kk,
                "name_ru": self.office.name_ru,
            },
            "number": app.number,
            "acceptedAt": super::stamp(app.accepted_at),
            "service": app.service,
            "person": person_input(&person),
            "intake": app.intake,
            "missingReason": app.missing_docs_reason,
            "cover": {
                "number": cover.number,
                "date": cover.date.to_string(),
                "documentId": document_id,
                "paper": cover_sha256,
            },
            "scans": scans.iter().map(|a| json!({
                "file": a.sha256,
                "name": a.file_name,
                "checklistItem": a.checklist_item,
            })).collect::<Vec<_>>(),
        });
        outbox::push(
            tx,
            &message_id,
            Some(app.id),
            "akimat_package",
            &payload,
            &now,
        )?;
        links::insert_link(
            tx,
            &Link {
                application_id: app.id,
                akimat_code: self.office.code.clone(),
                akimat_name_kk: self.office.name_kk.clone(),
                akimat_name_ru: self.office.name_ru.clone(),
                akimat_number: app.number.clone(),
                akimat_accepted_at: super::stamp(app.accepted_at),
                cover_number: Some(cover.number.clone()),
                cover_date: Some(cover.date.to_string()),
                package_message_id: Some(message_id.clone()),
                department_code: d.code.clone(),
                ..Default::default()
            },
        )?;
        Ok(())
    }

    /// The files an outbox message carries: an akimat's package its scans and signed cover
    /// letter; a notice of a signed result the result's paper.
    pub fn outbox_files(&self, payload: &Value) -> Result<Vec<OutFile>> {
        let mut out = Vec::new();
        if payload["type"] == "akimat_package" {
            for s in payload["scans"].as_array().into_iter().flatten() {
                let sha = s["file"].as_str().unwrap_or_default();
                out.push(OutFile {
                    name: s["name"].as_str().unwrap_or("scan").to_string(),
                    checklist_item: s["checklistItem"].as_str().map(str::to_string),
                    bytes: self.attachments.get(sha)?,
                });
            }
            if let Some(id) = payload["cover"]["documentId"].as_i64() {
                let paper = self
                    .signed_paper(id)?
                    .ok_or_else(|| DeskError::NotFound(format!("signed cover letter {id}")))?;
                out.push(OutFile {
                    name: format!(
                        "cover-letter-{}.pdf",
                        payload["cover"]["number"].as_str().unwrap_or_default()
                    ),
                    checklist_item: None,
                    bytes: paper,
                });
            }
        } else if let Some(paper) = self.paper_for_notice(payload)? {
            out.push(OutFile {
                name: format!(
                    "{}.pdf",
                    payload["extra"]["outgoing"].as_str().unwrap_or("result")
                ),
                checklist_item: None,
                bytes: paper,
            });
        }
        Ok(out)
    }

    /// The gateway message type of an outbox message.
    pub fn outbox_message_type(payload: &Value, has_paper: bool) -> &'static str {
        match payload["type"].as_str() {
            Some("akimat_package") => "REQUEST",
            Some("issued" | "withdraw") => "UPDATE",
            _ if has_paper => "RESPONSE",
            _ => "NOTIFICATION",
        }
    }

    /// The link of an application to its other side (akim channel).
    pub fn akimat_link(&self, application_id: i64) -> Result<Option<Link>> {
        Ok(self.store.read(|r| links::link(r, application_id))?)
    }

    /// The signed result that came back from the department (at the akimat), checked against
    /// its hash.
    pub fn received_result(&self, application_id: i64) -> Result<Option<Vec<u8>>> {
        match self
            .akimat_link(application_id)?
            .and_then(|l| l.result_sha256)
        {
            Some(sha) => Ok(Some(self.documents.get(&sha)?)),
            None => Ok(None),
        }
    }

    /// The akim's office specialist hands the signed result to the citizen (or a collector,
    /// with the same checks as at the department); the handover travels to the department as
    /// "issued".
    pub fn akimat_handover(&self, s: &Session, t: Target, collector_iin: &str) -> Result<()> {
        self.store.write(|tx| {
            self.akimat_handover_in(tx, s, t, |tx| self.issue_in(tx, s, t, collector_iin))
        })
    }

    /// The akimat's part of a handover around the issue itself (`issue`: to the applicant,
    /// or to a collector whose power of attorney was checked): only a result that came back,
    /// and the department hears of it, all in the one transaction.
    pub(crate) fn akimat_handover_in(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        issue: impl FnOnce(&Tx<'_>) -> Result<()>,
    ) -> Result<()> {
        let d = self.department_or_err()?;
        let now = stamp(self.now());
        {
            // The policy first: who may hand over, and only a result that came back while
            // the application was still the citizen's (not one after a withdrawal).
            self.begin(tx, s, t, Action::Issue)?;
            let link = links::link(tx, t.id)?;
            let Some(link) = link.filter(|l| l.result_sha256.is_some()) else {
                return Err(DeskError::Akimat {
                    key: "akimat-no-result",
                    args: vec![],
                });
            };
            issue(tx)?;
            links::record_issued(tx, t.id, &now)?;
            let app = apps::by_id(tx, t.id)?
                .ok_or_else(|| DeskError::NotFound(format!("application {}", t.id)))?;
            outbox::push(
                tx,
                &uuid::Uuid::now_v7().to_string(),
                Some(app.id),
                "akimat_issued",
                &json!({
                    "type": "issued",
                    "recipient": d.code,
                    "correlationId": link.package_message_id,
                    "application": link.department_number,
                    "akimatNumber": app.number,
                    "collectorIin": app.collector_iin,
                    "at": now,
                }),
                &now,
            )?;
            Ok(())
        }
    }

    /// At the department: an akimat's package arrives and is registered with channel akim,
    /// the akimat's number and acceptance moment, and its signed cover letter.
    pub(crate) fn apply_akimat_package(&self, m: &Inbound) -> Result<Applied> {
        let now = stamp(self.now());
        if self.is_akimat() {
            let reason = ta("akimat-reject-not-department", &[]);
            return self.reject(m, reason, false);
        }
        let pkg: PackageData = match serde_json::from_value(m.data.clone()) {
            Ok(p) => p,
            Err(e) => {
                let reason = ta("sync-reject-malformed", &[("error", &e.to_string())]);
                return self.reject(m, reason, true);
            }
        };
        if pkg.akimat.code != m.sender {
            let reason = ta(
                "akimat-reject-sender",
                &[("sender", &m.sender), ("akimat", &pkg.akimat.code)],
            );
            return self.reject(m, reason, true);
        }
        let Some(accepted) = super::parse_stamp(&pkg.accepted_at) else {
            let reason = ta("sync-reject-malformed", &[("error", "acceptedAt")]);
            return self.reject(m, reason, true);
        };
        // An akimat whose clock runs ahead: the acceptance cannot be later than the arrival
        // here; the deadline runs from the arrival, and the head is shown why.
        let arrival = self.now();
        let (accepted, clock_note) = if accepted > arrival + chrono::Duration::hours(1) {
            let note = ta(
                "akimat-clock-ahead",
                &[
                    ("akimat", &pkg.akimat.code),
                    ("number", &pkg.number),
                    ("claimed", &pkg.accepted_at),
                ],
            );
            (arrival, Some(note))
        } else {
            (accepted, None)
        };
        let reg = Registration {
            service: pkg.service.clone(),
            channel: Channel::Akim,
            person: pkg.person.clone(),
            intake: pkg.intake.clone(),
            files: m.files.clone(),
            missing_reason: pkg.missing_reason.clone(),
            accepted_at: Some(accepted),
            external: Some(External {
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
            let r = self.register_in(tx, None, svc, &reg, prepared, &files, None)?;
            links::upsert_peer(
                tx,
                &pkg.akimat.code,
                "akimat",
                &pkg.akimat.name_kk,
                &pkg.akimat.name_ru,
            )?;
            links::insert_link(
                tx,
                &Link {
                    application_id: r.id,
                    akimat_code: pkg.akimat.code.clone(),
                    akimat_name_kk: pkg.akimat.name_kk.clone(),
                    akimat_name_ru: pkg.akimat.name_ru.clone(),
                    akimat_number: pkg.number.clone(),
                    akimat_accepted_at: pkg.accepted_at.clone(),
                    cover_number: Some(pkg.cover.number.clone()),
                    cover_date: Some(pkg.cover.date.clone()),
                    package_message_id: Some(m.message_id.clone()),
                    department_code: self.office.code.clone(),
                    department_number: Some(r.number.clone()),
                    ..Default::default()
                },
            )?;
            if let Some(note) = &clock_note {
                inbox::add_conflict(tx, &m.message_id, Some(r.id), "akimat_clock", note, &now)?;
            }
            self.audit(
                tx,
                None,
                "akimat_package",
                "application",
                &r.number,
                json!({
                    "akimat": pkg.akimat.code,
                    "akimat_number": pkg.number,
                    "akimat_accepted_at": pkg.accepted_at,
                    "cover_number": pkg.cover.number,
                }),
            )?;
            inbox::put(
                tx,
                &Self::inbox_row(m, "applied", Some(r.id), None, &now),
                &now,
            )?;
            Ok::<_, DeskError>(r)
        });
        match result {
            Ok(r) => {
                self.retry_waiting()?;
                Ok(Applied::Registered {
                    id: r.id,
                    number: r.number,
                })
            }
            Err(e @ DeskError::DuplicateOpen { .. }) => self.reject(m, e.message(Lang::Ru), true),
            Err(DeskError::Store(StoreError::Duplicate { .. })) => Ok(Applied::Duplicate),
            Err(e) => Err(e),
        }
    }

    /// At the akimat: a notice (or the signed result) from the department about a package.
    pub(crate) fn apply_department_notice(&self, m: &Inbound) -> Result<Applied> {
        let now = stamp(self.now());
        let corr = m
            .correlation_id
            .clone()
            .or_else(|| m.data["correlationId"].as_str().map(str::to_string));
        let Some(corr) = corr else {
            return self.reject(m, ta("sync-reject-no-correlation", &[]), false);
        };
        let Some(link) = self.store.read(|r| links::link_by_package(r, &corr))? else {
            let reason = ta("akimat-reject-unknown", &[("id", &corr)]);
            return self.reject(m, reason, false);
        };
        if link.department_code != m.sender {
            let reason = ta(
                "akimat-reject-foreign-department",
                &[("from", &m.sender), ("department", &link.department_code)],
            );
            return self.reject(m, reason, false);
        }
        let status = m.data["status"].as_str().unwrap_or("received").to_string();
        let status_at = m.data["at"].as_str().unwrap_or(&now).to_string();
        let number = m.data["application"].as_str().map(str::to_string);
        let result = match (status.as_str(), m.files.first()) {
            ("completed", Some(f)) => Some((
                m.data["extra"]["outgoing"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                self.documents.put(&f.bytes)?,
            )),
            _ => None,
        };
        self.store.write(|tx| {
            let app = apps::by_id(tx, link.application_id)?.ok_or_else(|| {
                DeskError::NotFound(format!("application {}", link.application_id))
            })?;
            let current = links::link(tx, link.application_id)?;
            let before = current
                .as_ref()
                .and_then(|l| l.department_status.as_deref());
            if rank(Some(status.as_str())) >= rank(before) {
                links::record_heard(
                    tx,
                    link.application_id,
                    number.as_deref(),
                    &status,
                    &status_at,
                    &now,
                )?;
            }
            if let Some((n, sha)) = &result {
                links::record_result(tx, link.application_id, n, sha)?;
            }
            self.audit(
                tx,
                None,
                "department_notice",
                "application",
                &app.number,
                json!({
                    "status": status,
                    "department_number": number,
                    "result": result.as_ref().map(|(n, _)| n),
                    "reason": m.data["reason"],
                    "withdrawn_here": app.status == Status::Withdrawn,
                }),
            )?;
            inbox::put(
                tx,
                &Self::inbox_row(m, "applied", Some(app.id), None, &now),
                &now,
            )?;
            Ok::<_, DeskError>(())
        })?;
        Ok(Applied::Noted)
    }

    /// At the department: the akimat handed the result over.
    pub(crate) fn apply_akimat_issued(&self, m: &Inbound) -> Result<Applied> {
        let now = stamp(self.now());
        let Some(corr) = m.correlation_id.clone() else {
            return self.reject(m, ta("sync-reject-no-correlation", &[]), false);
        };
        let Some(app) = self.store.read(|r| apps::by_external_id(r, &corr))? else {
            self.store.write(|tx| {
                inbox::put(tx, &Self::inbox_row(m, "waiting", None, None, &now), &now)
            })?;
            return Ok(Applied::Waiting);
        };
        if app.origin.as_deref() != Some(m.sender.as_str()) {
            let reason = ta(
                "akimat-reject-sender",
                &[
                    ("sender", &m.sender),
                    ("akimat", app.origin.as_deref().unwrap_or("—")),
                ],
            );
            return self.reject(m, reason, false);
        }
        let collector = m.data["collectorIin"]
            .as_str()
            .and_then(|s| Iin::parse(s).ok());
        let Some(collector) = collector else {
            let reason = ta("sync-reject-malformed", &[("error", "collectorIin")]);
            return self.reject(m, reason, false);
        };
        if app.status != Status::Signed {
            let reason = ta(
                "akimat-reject-issued-state",
                &[
                    ("number", &app.number),
                    ("status", &crate::i18n::tr(Lang::Ru, app.status.key())),
                ],
            );
            return self.reject(m, reason, false);
        }
        let at = m.data["at"]
            .as_str()
            .and_then(super::parse_stamp)
            .map(stamp)
            .unwrap_or_else(|| now.clone());
        self.store.write(|tx| {
            // The department's side of the handover the akimat recorded: the step without a
            // user (the akimat's clerk was checked there).
            self.finish(
                tx,
                None,
                &super::flow::Step {
                    app: app.clone(),
                    to: Status::Issued,
                },
                Change {
                    issued_at: Some(&at),
                    collector_iin: Some(&collector.as_string()),
                    ..Default::default()
                },
                &now,
                "issue",
                json!({
                    "collector_iin": collector.as_string(),
                    "collector_is_applicant": app.applicant_iin == Some(collector),
                    "at_akimat": m.sender,
                    "akimat_number": m.data["akimatNumber"],
                }),
                None,
            )?;
            inbox::put(
                tx,
                &Self::inbox_row(m, "applied", Some(app.id), None, &now),
                &now,
            )?;
            Ok::<_, DeskError>(())
        })?;
        Ok(Applied::Noted)
    }
}

/// The akimat's view of one application at the department, for `request show` and the
/// window: its number there, its status as last heard and when.
pub fn link_json(desk: &Desk, l: &Link) -> Value {
    json!({
        "akimat": l.akimat_code,
        "akimat_number": l.akimat_number,
        "akimat_accepted_at": desk.local_stamp(&l.akimat_accepted_at),
        "cover_number": l.cover_number,
        "department": l.department_code,
        "department_number": l.department_number,
        "department_status": l.department_status,
        "department_status_at": l.department_status_at.as_deref().and_then(|s| desk.local_stamp(s)),
        "heard_at": l.heard_at.as_deref().and_then(|s| desk.local_stamp(s)),
        "result_number": l.result_number,
        "result_received": l.result_sha256.is_some(),
    })
}
