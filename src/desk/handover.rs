//! Handing the result over, and people changed on purpose.
//!
//! **Issue to a collector.** The paper goes to the applicant, or to a representative who shows
//! a power of attorney from the applicant: its number, date, term, who certified it, the ИИН of
//! the person who gave it (checked against the applicant's) and its scan. The collector's name
//! and the power of attorney are kept with the application and in the audit, so the history
//! shows who took the paper.
//!
//! **People are changed on purpose.** A person's name, address, phone or identity document
//! change only by an explicit step with a reason, kept as history (`person_history`); an
//! application keeps the applicant's data as they were when it was registered.

use crate::domain::policy::Permission;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::flow::Target;
use super::{Desk, DeskError, Result, Session, stamp};
use crate::domain::attachment::{AttachmentError, sanitize_name, sniff};
use crate::domain::fields::{FieldError, FieldProblem, check_date};
use crate::domain::iin::Iin;
use crate::domain::person::{IdentityDocument, Person, PersonInput, ValidPerson, full_name};
use crate::store::apps::{self, NewAttachment};
use crate::store::handover::{self as store, PersonChange, Proxy};
use crate::store::{Db, Tx, people};

/// The checklist item of a power of attorney's scan among an application's attachments.
pub const PROXY_ITEM: &str = "power_of_attorney";

/// Longest power of attorney accepted without a term written in it: one year from the day it
/// was made (Civil Code of the Republic of Kazakhstan, art. 170: a power of attorney without a
/// term is valid for one year; none for more than three years).
const DEFAULT_TERM_YEARS: i32 = 1;
const MAX_TERM_YEARS: i32 = 3;

/// The power of attorney as the clerk typed it from the paper.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyInput {
    pub number: String,
    /// The day it was made, `DD.MM.YYYY` or `YYYY-MM-DD`.
    pub date: String,
    /// The last day it is valid; empty when the paper names no term (then one year).
    pub valid_until: String,
    /// The notary or organisation that certified it.
    pub issuer: String,
    /// The ИИН of the person who gave it, as written in it.
    pub principal_iin: String,
    /// Its scan (file name and bytes).
    pub scan: Option<(String, Vec<u8>)>,
}

/// Who takes the paper.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collector {
    pub iin: String,
    /// Their name as in their identity document (the applicant's when empty and they are the
    /// applicant).
    pub name: String,
    /// Needed when the collector is not the applicant.
    pub proxy: Option<ProxyInput>,
}

impl Collector {
    /// The applicant themselves.
    pub fn applicant(iin: &str) -> Collector {
        Collector {
            iin: iin.to_string(),
            ..Default::default()
        }
    }
}

/// A power of attorney that passed the checks, with its scan ready to store.
pub(crate) struct CheckedProxy {
    number: String,
    date: NaiveDate,
    valid_until: NaiveDate,
    issuer: String,
    principal_iin: Option<String>,
    scan_name: String,
    scan_mime: &'static str,
    scan_size: i64,
    scan_sha256: String,
}

fn problem(out: &mut Vec<FieldError>, path: &str, p: FieldProblem) {
    out.push(FieldError {
        path: path.to_string(),
        problem: p,
    });
}

fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    d.with_year(d.year() + years)
        .unwrap_or_else(|| d + chrono::Duration::days(365 * i64::from(years)))
}

/// What differs between a stored person and the data typed for them.
pub fn changed_fields(before: &Person, after: &ValidPerson) -> Vec<&'static str> {
    let mut out = Vec::new();
    if before.surname != after.surname {
        out.push("surname");
    }
    if before.given_name != after.given_name {
        out.push("given_name");
    }
    if before.patronymic != after.patronymic {
        out.push("patronymic");
    }
    if before.address != after.address {
        out.push("address");
    }
    if before.phone != after.phone {
        out.push("phone");
    }
    let doc = |d: &Option<IdentityDocument>| {
        d.as_ref()
            .map(|d| (d.number.trim().to_string(), d.issued_by.trim().to_string()))
    };
    if after.id_document.is_some() && doc(&before.id_document) != doc(&after.id_document) {
        out.push("id_document");
    }
    out
}

/// The typed data over the stored: an empty patronymic, address, phone or document keeps
/// what is stored (leaving a field out is not a change).
pub fn merged(before: &Person, typed: &ValidPerson) -> ValidPerson {
    let keep = |t: &str, b: &str| {
        if t.trim().is_empty() {
            b.to_string()
        } else {
            t.to_string()
        }
    };
    ValidPerson {
        iin: typed.iin.or(before.iin),
        surname: typed.surname.clone(),
        given_name: typed.given_name.clone(),
        patronymic: keep(&typed.patronymic, &before.patronymic),
        birth_date: typed.birth_date.or(before.birth_date),
        sex: typed.sex.or(before.sex),
        address: keep(&typed.address, &before.address),
        phone: keep(&typed.phone, &before.phone),
        id_document: typed.id_document.clone().or(before.id_document.clone()),
    }
}

/// The applicant's data on an application and what changed since it was registered.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicantThen {
    /// As registered (the current data for applications registered before this was kept).
    pub person: Person,
    /// Deliberate changes of the person made after the registration, oldest first.
    pub changes_since: Vec<PersonChange>,
}

impl Desk {
    /// The applicant's data as registered with the application (or the person's current data
    /// for an application registered before these were kept).
    pub(crate) fn applicant_in(&self, db: &impl Db, app: &apps::Application) -> Result<Person> {
        if let Some(p) = store::applicant_data(db, app.id)? {
            return Ok(p);
        }
        people::person_by_id(db, app.person_id)?
            .ok_or_else(|| DeskError::NotFound(format!("person {}", app.person_id)))
    }

    pub(crate) fn applicant_then_in(
        &self,
        db: &impl Db,
        app: &apps::Application,
    ) -> Result<ApplicantThen> {
        let person = self.applicant_in(db, app)?;
        let now = people::person_by_id(db, app.person_id)?;
        let same = now.as_ref().is_none_or(|n| {
            (
                &n.surname,
                &n.given_name,
                &n.patronymic,
                &n.address,
                &n.phone,
                &n.id_document,
            ) == (
                &person.surname,
                &person.given_name,
                &person.patronymic,
                &person.address,
                &person.phone,
                &person.id_document,
            )
        });
        let changes_since = if same {
            Vec::new()
        } else {
            store::person_history(db, app.person_id)?
                .into_iter()
                .filter(|c| c.at.as_str() >= super::stamp(app.accepted_at).as_str())
                .collect()
        };
        Ok(ApplicantThen {
            person,
            changes_since,
        })
    }

    /// A person's data changed on purpose (registrar, akim's clerk): the reason is required,
    /// the change is kept as history and audited; applications already registered keep the data
    /// they were registered with.
    pub fn update_person(
        &self,
        s: &Session,
        person_id: i64,
        input: &PersonInput,
        reason: &str,
    ) -> Result<Person> {
        self.require(s, Permission::PersonUpdate)?;
        let typed = input.validate()?;
        self.store.write(|tx| {
            let before = people::person_by_id(tx, person_id)?
                .ok_or_else(|| DeskError::NotFound(format!("person {person_id}")))?;
            if typed.iin.is_some() && typed.iin != before.iin {
                return Err(DeskError::Invalid {
                    field: "iin".into(),
                    key: "person-iin-fixed".into(),
                });
            }
            let after = merged(&before, &typed);
            self.change_person_in(tx, Some(s), &before, &after, Some(reason))?;
            Ok(people::person_by_id(tx, person_id)?.unwrap_or(before))
        })
    }

    /// Applies a change of a person inside a transaction. Without a reason the change is
    /// refused (the gateway's and the exchange's data, `s = None`, carry their own reason).
    /// Nothing happens when nothing differs.
    pub(crate) fn change_person_in(
        &self,
        tx: &Tx<'_>,
        s: Option<&Session>,
        before: &Person,
        after: &ValidPerson,
        reason: Option<&str>,
    ) -> Result<bool> {
        let fields = changed_fields(before, after);
        if fields.is_empty() {
            return Ok(false);
        }
        let reason = match (reason.map(str::trim).filter(|r| !r.is_empty()), s) {
            (Some(r), _) => r.to_string(),
            (None, None) => format!(
                "{} / {}",
                crate::i18n::tr(crate::domain::model::Lang::Kk, "person-change-by-exchange"),
                crate::i18n::tr(crate::domain::model::Lang::Ru, "person-change-by-exchange")
            ),
            (None, Some(_)) => {
                return Err(DeskError::PersonChanged {
                    fields: fields.iter().map(|f| f.to_string()).collect(),
                });
            }
        };
        if reason.chars().count() > 500 {
            return Err(DeskError::Invalid {
                field: "person_change_reason".into(),
                key: "too-long".into(),
            });
        }
        let now = stamp(self.now());
        people::update_person(tx, before.id, after, &now)?;
        let stored = people::person_by_id(tx, before.id)?
            .ok_or_else(|| DeskError::NotFound(format!("person {}", before.id)))?;
        store::add_person_change(
            tx,
            before.id,
            &now,
            s.map(|s| s.user_id),
            &reason,
            before,
            &stored,
        )?;
        let id = before
            .iin
            .map(|i| i.as_string())
            .unwrap_or_else(|| before.id.to_string());
        self.audit(
            tx,
            s,
            "person-update",
            "person",
            &id,
            serde_json::json!({
                "fields": fields,
                "reason": reason,
                "before": full_name(&before.surname, &before.given_name, &before.patronymic),
                "after": full_name(&stored.surname, &stored.given_name, &stored.patronymic),
            }),
        )?;
        Ok(true)
    }

    /// The history of a person's data (registrar, akim's clerk, executor, head).
    pub fn person_history(&self, s: &Session, person_id: i64) -> Result<Vec<PersonChange>> {
        self.require(s, Permission::PersonLookup)?;
        Ok(self.store.read(|r| store::person_history(r, person_id))?)
    }

    /// Checks a power of attorney (every problem at once) and stores its scan.
    fn check_proxy(
        &self,
        p: &ProxyInput,
        applicant_iin: Option<&str>,
        collector_iin: &str,
    ) -> Result<CheckedProxy> {
        let today = self.today();
        let mut errs = Vec::new();
        let number = p.number.split_whitespace().collect::<Vec<_>>().join(" ");
        if number.is_empty() {
            problem(&mut errs, "proxy_number", FieldProblem::Missing);
        } else if number.chars().count() > 50 {
            problem(&mut errs, "proxy_number", FieldProblem::TooLong { max: 50 });
        }
        let date = if p.date.trim().is_empty() {
            problem(&mut errs, "proxy_date", FieldProblem::Missing);
            None
        } else {
            match check_date(&p.date) {
                Ok(d) if d > today => {
                    problem(&mut errs, "proxy_date", FieldProblem::FutureDate);
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    problem(&mut errs, "proxy_date", e);
                    None
                }
            }
        };
        let valid_until = if p.valid_until.trim().is_empty() {
            date.map(|d| add_years(d, DEFAULT_TERM_YEARS))
        } else {
            match check_date(&p.valid_until) {
                Ok(u) => match date {
                    Some(d) if u < d => {
                        problem(&mut errs, "proxy_valid_until", FieldProblem::PeriodReversed);
                        None
                    }
                    Some(d) if u > add_years(d, MAX_TERM_YEARS) => {
                        problem(
                            &mut errs,
                            "proxy_valid_until",
                            FieldProblem::TermTooLong {
                                years: MAX_TERM_YEARS as u32,
                            },
                        );
                        None
                    }
                    _ => Some(u),
                },
                Err(e) => {
                    problem(&mut errs, "proxy_valid_until", e);
                    None
                }
            }
        };
        if let Some(u) = valid_until
            && u < today
        {
            let at = if p.valid_until.trim().is_empty() {
                "proxy_date"
            } else {
                "proxy_valid_until"
            };
            problem(&mut errs, at, FieldProblem::Expired);
        }
        let issuer = p.issuer.split_whitespace().collect::<Vec<_>>().join(" ");
        if issuer.is_empty() {
            problem(&mut errs, "proxy_issuer", FieldProblem::Missing);
        } else if issuer.chars().count() > 200 {
            problem(
                &mut errs,
                "proxy_issuer",
                FieldProblem::TooLong { max: 200 },
            );
        }
        let principal: String = p
            .principal_iin
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let principal_iin = match applicant_iin {
            Some(a) => {
                if principal.is_empty() {
                    problem(&mut errs, "proxy_principal_iin", FieldProblem::Missing);
                } else if principal != a {
                    problem(&mut errs, "proxy_principal_iin", FieldProblem::OtherPerson);
                }
                Some(a.to_string())
            }
            None => (!principal.is_empty()).then_some(principal),
        };
        if principal_iin.as_deref() == Some(collector_iin) {
            problem(&mut errs, "proxy_principal_iin", FieldProblem::OtherPerson);
        }
        let scan = match &p.scan {
            None => {
                problem(&mut errs, "proxy_scan", FieldProblem::Missing);
                None
            }
            Some((name, bytes)) => {
                let max = u64::from(self.settings()?.max_file_mib) * 1024 * 1024;
                if bytes.len() as u64 > max {
                    return Err(AttachmentError::TooLarge {
                        size: bytes.len() as u64,
                        max,
                    }
                    .into());
                }
                let kind = sniff(bytes)?;
                Some((sanitize_name(name, kind), kind.mime(), bytes))
            }
        };
        if !errs.is_empty() {
            return Err(DeskError::Fields(errs));
        }
        let (scan_name, scan_mime, bytes) = scan.expect("checked above");
        let sha = self
            .attachments
            .put_all(&[bytes.as_slice()])?
            .pop()
            .unwrap_or_default();
        Ok(CheckedProxy {
            number,
            date: date.expect("checked above"),
            valid_until: valid_until.expect("checked above"),
            issuer,
            principal_iin,
            scan_name,
            scan_mime,
            scan_size: bytes.len() as i64,
            scan_sha256: sha,
        })
    }

    /// The registrar (or the akim's clerk for the akim channel) hands the result over: to the
    /// applicant, or to a representative with a power of attorney from the applicant. One
    /// transaction; the collector and the power of attorney are kept and audited.
    pub fn issue_to(&self, s: &Session, t: Target, c: &Collector) -> Result<()> {
        let collector = Iin::parse(c.iin.trim())?;
        let cs = collector.as_string();
        // What can be checked before the transaction: the power of attorney and its scan.
        let app = self
            .store
            .read(|r| apps::by_id(r, t.id))?
            .ok_or_else(|| DeskError::NotFound(format!("application {}", t.id)))?;
        let is_applicant = app.applicant_iin == Some(collector);
        let name = c.name.split_whitespace().collect::<Vec<_>>().join(" ");
        let proxy = if is_applicant {
            None
        } else {
            let Some(p) = &c.proxy else {
                return Err(DeskError::Invalid {
                    field: "collector_iin".into(),
                    key: "proxy-required".into(),
                });
            };
            let mut errs = Vec::new();
            if name.is_empty() {
                problem(&mut errs, "collector_name", FieldProblem::Missing);
            } else if name.chars().count() > 300 {
                problem(
                    &mut errs,
                    "collector_name",
                    FieldProblem::TooLong { max: 300 },
                );
            }
            match self.check_proxy(p, app.applicant_iin.map(|i| i.as_string()).as_deref(), &cs) {
                Ok(p) if errs.is_empty() => Some(p),
                Ok(_) => return Err(DeskError::Fields(errs)),
                Err(DeskError::Fields(more)) => {
                    errs.extend(more);
                    return Err(DeskError::Fields(errs));
                }
                Err(e) => return Err(e),
            }
        };
        self.store.write(|tx| {
            let issue = |tx: &Tx<'_>| self.issue_checked(tx, s, t, &cs, &name, proxy.as_ref());
            if self.is_akimat() {
                // The department's result handed over at the akimat: the department hears.
                return self.akimat_handover_in(tx, s, t, issue);
            }
            issue(tx)
        })
    }

    /// The transaction of an issue whose collector was checked.
    pub(crate) fn issue_checked(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        collector_iin: &str,
        collector_name: &str,
        proxy: Option<&CheckedProxy>,
    ) -> Result<()> {
        let app = self.issue_state_in(tx, s, t, collector_iin, proxy.is_some())?;
        let now = stamp(self.now());
        let name = if collector_name.is_empty() {
            app.applicant_name.clone()
        } else {
            collector_name.to_string()
        };
        let stored = match proxy {
            Some(p) => {
                let attachment_id = apps::add_attachment(
                    tx,
                    &NewAttachment {
                        application_id: app.id,
                        checklist_item: Some(PROXY_ITEM),
                        sha256: &p.scan_sha256,
                        size: p.scan_size,
                        mime: p.scan_mime,
                        file_name: &p.scan_name,
                        added_at: &now,
                        added_by: Some(s.user_id),
                    },
                )?;
                Some(Proxy {
                    number: p.number.clone(),
                    date: p.date,
                    valid_until: p.valid_until,
                    issuer: p.issuer.clone(),
                    principal_iin: p.principal_iin.clone(),
                    attachment_id,
                    scan_sha256: p.scan_sha256.clone(),
                })
            }
            None => None,
        };
        store::set_handover(tx, app.id, &name, stored.as_ref())?;
        self.audit(
            tx,
            Some(s),
            "issue",
            "application",
            &app.number,
            serde_json::json!({
                "collector_iin": collector_iin,
                "collector_name": name,
                "collector_is_applicant": proxy.is_none(),
                "proxy": stored,
            }),
        )
    }
}
