//! Papers for printing: an application's documents (receipt, result, extension notice, akim
//! cover letter), the registration journal and the head's period report.

use crate::domain::policy::Permission;
use chrono::NaiveDate;

use super::{Desk, DeskError, Result, Session};
use crate::documents::{self, Langs, Stamp};
use crate::domain::application::{AppRef, Application};
use crate::domain::catalog::DocumentKind;
use crate::domain::document::{Body, Content, JournalRow, OverdueLine, ReceivedItem, ReportLine};
use crate::domain::model::{Channel, Status, Text};
use crate::store::apps;
use crate::store::queue::{self, Query, Tab};
use crate::store::{StoreError, people};

fn corrupt(e: impl std::fmt::Display) -> DeskError {
    DeskError::Store(StoreError::Corrupt(e.to_string()))
}

pub use crate::documents::layout::{Draw, PAGE_H, PAGE_W};
pub use crate::documents::{Paper, title_in, title_key};

/// A paper ready to print: what goes to the printer (or into a saved file), the pages the
/// window shows before, and what the audit names when it is printed.
#[derive(Debug, Clone)]
pub struct PrintJob {
    /// A file-system-safe name (`receipt-0412-02-2026-000001`).
    pub name: String,
    /// The locale key of its title.
    pub title_key: String,
    pub paper: Paper,
    pub pdf: Vec<u8>,
    pub entity: &'static str,
    pub entity_id: String,
    pub kind: String,
}

/// The application's own signed paper among its documents: the one numbered with its
/// outgoing number (the result at a department, the cover letter at an akimat).
fn own_signed<'a>(
    docs: &'a [apps::DocumentRow],
    app: &Application,
) -> Option<&'a apps::DocumentRow> {
    docs.iter()
        .rev()
        .find(|d| Some(d.number.as_str()) == app.outgoing_number.as_deref())
}

/// A PDF's text, page by page, line by line, as a paper for the window's page view (a paper
/// signed elsewhere, whose content the window does not hold).
fn text_paper(pdf: &[u8]) -> Paper {
    let texts = documents::extract::load(pdf)
        .map(|d| documents::extract::page_texts(&d))
        .unwrap_or_default();
    let size = 9.0;
    let step = documents::layout::line_h(size);
    let pages = texts
        .iter()
        .map(|t| {
            t.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .enumerate()
                .map(|(i, line)| documents::layout::Draw::Text {
                    x: 20.0,
                    y: 20.0 + i as f32 * step,
                    size,
                    bold: false,
                    color: documents::layout::BLACK,
                    text: line.to_string(),
                    width: 170.0,
                })
                .collect()
        })
        .collect();
    Paper {
        title: String::new(),
        pages,
    }
}

/// A document laid out into pages as it will print (both languages, or the one its free text
/// was written in), for the window's page view.
pub fn paper_of(content: &Content) -> Result<Paper> {
    documents::layout(content, Langs::Both, &Stamp::unsigned(content))
        .map_err(|e| DeskError::Document(e.to_string()))
}

fn render(content: &Content, langs: Langs) -> Result<Vec<u8>> {
    documents::render(content, langs, &Stamp::unsigned(content))
        .map_err(|e| DeskError::Document(e.to_string()))
}

impl Desk {
    /// Finds an application by id or journal number, checking visibility when a user asks.
    fn find_app(&self, s: Option<&Session>, id_or_number: &str) -> Result<Application> {
        let which = AppRef::parse(id_or_number);
        let app = self
            .store
            .read(|r| apps::by_ref(r, &which))?
            .ok_or_else(|| DeskError::NotFound(format!("application {which}")))?;
        if let Some(s) = s {
            self.store.read(|r| self.check_can_see(r, s, &app))?;
        }
        Ok(app)
    }

    /// The PDF of an application's document. `kind`: `receipt`, `result`, `extension_notice`,
    /// `cover_letter`; by default the signed result when there is one, else the receipt. The
    /// signed result is the stored signed paper (bilingual); one language gives a copy marked
    /// КӨШІРМЕ / КОПИЯ with the original's number.
    pub fn document_pdf(
        &self,
        s: &Session,
        id_or_number: &str,
        kind: Option<&str>,
        langs: Langs,
    ) -> Result<Vec<u8>> {
        let app = self.find_app(Some(s), id_or_number)?;
        let pdf = self.document_pdf_of(&app, kind, langs)?;
        self.record(
            s,
            "print",
            "application",
            &app.number,
            serde_json::json!({"kind": kind.unwrap_or("default"), "lang": format!("{langs:?}")}),
        )?;
        Ok(pdf)
    }

    /// The same for the operator at the command line.
    pub fn document_pdf_as_operator(
        &self,
        id_or_number: &str,
        kind: Option<&str>,
        langs: Langs,
    ) -> Result<Vec<u8>> {
        let app = self.find_app(None, id_or_number)?;
        self.document_pdf_of(&app, kind, langs)
    }

    /// An application's document made ready to print, without printing it: its PDF, its
    /// pages for the preview and its title. Nothing is recorded until the printer accepts the
    /// job ([`Desk::record_printed`]) or the file is saved ([`Desk::record_saved`]).
    pub fn print_job(&self, s: &Session, id_or_number: &str, kind: &str) -> Result<PrintJob> {
        let app = self.find_app(Some(s), id_or_number)?;
        let pdf = self.document_pdf_of(&app, Some(kind), Langs::Both)?;
        if self.is_akimat() && kind == "result" {
            // The department's signed paper, printed as it came; the preview shows its text
            // (the akimat holds the paper, not the data it was made from).
            return Ok(PrintJob {
                name: format!("{kind}-{}", app.number),
                title_key: "ui-print-department-result".into(),
                paper: text_paper(&pdf),
                pdf,
                entity: "application",
                entity_id: app.number.clone(),
                kind: kind.to_string(),
            });
        }
        let content = self.document_content_of(&app, kind)?;
        Ok(PrintJob {
            name: format!("{kind}-{}", app.number),
            title_key: title_key(&content),
            paper: paper_of(&content)?,
            pdf,
            entity: "application",
            entity_id: app.number.clone(),
            kind: kind.to_string(),
        })
    }

    /// A report or journal made ready to print (the head's reports).
    pub fn report_job(&self, s: &Session, content: &Content) -> Result<PrintJob> {
        self.require(s, Permission::Reports)?;
        Ok(PrintJob {
            name: format!("{}-{}", content.kind.code(), content.number),
            title_key: title_key(content),
            paper: paper_of(content)?,
            pdf: render(content, Langs::Both)?,
            entity: "report",
            entity_id: content.number.clone(),
            kind: content.kind.code().to_string(),
        })
    }

    /// The printer accepted the job: recorded in the audit with the printer and the job.
    pub fn record_printed(
        &self,
        s: &Session,
        job: &PrintJob,
        printer: &str,
        job_id: &str,
    ) -> Result<()> {
        self.record(
            s,
            "print",
            job.entity,
            &job.entity_id,
            serde_json::json!({"kind": job.kind, "printer": printer, "job": job_id}),
        )
    }

    /// The paper was saved as a PDF file: recorded with the file's name.
    pub fn record_saved(&self, s: &Session, job: &PrintJob, file: &str) -> Result<()> {
        self.record(
            s,
            "save-pdf",
            job.entity,
            &job.entity_id,
            serde_json::json!({"kind": job.kind, "file": file}),
        )
    }

    /// The content of an application's document of `kind`.
    fn document_content_of(&self, app: &Application, kind: &str) -> Result<Content> {
        if kind == "cover_letter" {
            return self.cover_letter(app);
        }
        let docs = self.store.read(|r| apps::documents_of(r, app.id))?;
        let row = match kind {
            "result" => own_signed(&docs, app),
            k => docs.iter().rev().find(|d| d.kind == k),
        }
        .ok_or_else(|| DeskError::NotFound(format!("{kind} of {}", app.number)))?;
        serde_json::from_str(&row.content).map_err(corrupt)
    }

    fn document_pdf_of(
        &self,
        app: &Application,
        kind: Option<&str>,
        langs: Langs,
    ) -> Result<Vec<u8>> {
        let docs = self.store.read(|r| apps::documents_of(r, app.id))?;
        let result = own_signed(&docs, app);
        let pick = |k: &str| docs.iter().rev().find(|d| d.kind == k);
        let want = kind.unwrap_or(if result.is_some() {
            "result"
        } else {
            "receipt"
        });
        // At an akimat the signed paper of its own is the cover letter; the result is the
        // department's signed paper that came back.
        if self.is_akimat() {
            if kind == Some("result") {
                return self
                    .received_result(app.id)?
                    .ok_or_else(|| DeskError::NotFound(format!("result of {}", app.number)));
            }
            if matches!(want, "result" | "cover_letter")
                && langs == Langs::Both
                && let Some(d) = result
                && let Some(paper) = self.signed_paper(d.id)?
            {
                return Ok(paper);
            }
        } else if want == "cover_letter" && self.akimat_link(app.id)?.is_some() {
            // At the department: the akimat's own signed cover letter, as it arrived.
            let files = self.store.read(|r| apps::attachments(r, app.id))?;
            if let Some(f) = files
                .iter()
                .find(|f| f.checklist_item.is_none() && f.file_name.starts_with("cover-letter-"))
            {
                return Ok(self.attachments.get(&f.sha256)?);
            }
        }
        let row = match want {
            "result" => {
                result.ok_or_else(|| DeskError::NotFound(format!("result of {}", app.number)))?
            }
            "receipt" => pick("receipt")
                .ok_or_else(|| DeskError::NotFound(format!("receipt of {}", app.number)))?,
            "extension_notice" => pick("extension_notice").ok_or_else(|| {
                DeskError::NotFound(format!("extension notice of {}", app.number))
            })?,
            "cover_letter" => return render(&self.cover_letter(app)?, langs),
            other => return Err(DeskError::NotFound(format!("document kind {other}"))),
        };
        if want == "result"
            && let Some(paper) = self.signed_paper(row.id)?
        {
            if langs == Langs::Both {
                return Ok(paper);
            }
            // One language: a copy of the signed original, marked so on its face, with the
            // original's QR; it claims no signature of its own.
            let content: Content = serde_json::from_str(&row.content).map_err(corrupt)?;
            let stamp = Stamp::copy(self.qr_text(&content), &content.number);
            return documents::render(&content, langs, &stamp)
                .map_err(|e| DeskError::Document(e.to_string()));
        }
        let content: Content = serde_json::from_str(&row.content).map_err(corrupt)?;
        render(&content, langs)
    }

    /// The akim's cover letter sending an application of the akim channel to the department.
    pub fn cover_letter(&self, app: &Application) -> Result<Content> {
        if self.is_akimat() {
            // The akimat's letter to the department: once the akim signed, the paper signed;
            // before, the letter as the akim will sign it, its outgoing number given then.
            return self.store.read(|r| {
                let docs = apps::documents_of(r, app.id)?;
                if let Some(d) = own_signed(&docs, app) {
                    return serde_json::from_str(&d.content).map_err(corrupt);
                }
                let akim = people::users_with_role(r, crate::domain::model::Role::Akim)?
                    .into_iter()
                    .next()
                    .map(|(_, name)| name)
                    .unwrap_or_default();
                self.akimat_cover_content(r, app, "", self.today(), &akim)
            });
        }
        if app.channel != Channel::Akim {
            return Err(DeskError::Invalid {
                field: "channel".into(),
                key: "not-allowed".into(),
            });
        }
        let cat = self.catalog();
        let service = cat
            .service(&app.service)
            .ok_or_else(|| DeskError::UnknownService(app.service.clone()))?;
        let (person, scans, clerk) = self.store.read(|r| {
            let p = Some(self.applicant_in(r, app)?);
            let a = apps::attachments(r, app.id)?;
            let clerk = match app.registered_by {
                Some(id) => people::user_by_id(r, id)?.map(|u| u.full_name),
                None => None,
            };
            Ok::<_, DeskError>((p, a, clerk))
        })?;
        let person = person.ok_or_else(|| DeskError::NotFound("person".into()))?;
        let items = service
            .documents
            .iter()
            .map(|d| ReceivedItem {
                name: d.name.text(),
                mandatory: d.mandatory,
                scans: scans
                    .iter()
                    .filter(|a| a.checklist_item.as_deref() == Some(d.key.as_str()))
                    .count() as u32,
            })
            .collect();
        Ok(Content {
            kind: DocumentKind::AkimCoverLetter,
            number: app.number.clone(),
            date: self.today(),
            issuer: self.issuer(),
            application: Some(self.app_ref(app, service)),
            applicant: Some(super::flow::applicant_of(&person)),
            body: Body::AkimCoverLetter {
                akim_office: clerk.clone().unwrap_or_default(),
                items,
                addressee: None,
            },
            specialist: clerk,
            head: None,
            paper_lang: None,
        })
    }

    fn service_text(&self, code: &str) -> Text {
        self.catalog()
            .service(code)
            .map(|s| s.short_name.text())
            .unwrap_or_else(|| Text::new(code, code))
    }

    /// A page (or pages) of the registration journal between two office-local dates
    /// (inclusive): `in` for incoming applications, `out` for outgoing results.
    pub fn journal_content(
        &self,
        s: Option<&Session>,
        journal: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Content> {
        if let Some(s) = s {
            self.require(s, Permission::Journals)?;
        }
        if journal != "in" && journal != "out" {
            return Err(DeskError::NotFound(format!("journal {journal}")));
        }
        let lines = self.store.read(|r| {
            apps::journal_lines(
                r,
                journal,
                &self.day_start_utc(from),
                &self.day_start_utc(to + chrono::Duration::days(1)),
            )
        })?;
        let rows = lines
            .into_iter()
            .map(|l| JournalRow {
                number: l.number,
                registered_at: self.local(l.registered_at),
                application: l.application_number,
                applicant: l.applicant,
                service: self.service_text(&l.service),
                status: l.status,
                due: l.due_date,
                user: l.user.unwrap_or_default(),
            })
            .collect();
        Ok(Content {
            kind: DocumentKind::JournalPage,
            number: format!(
                "{}-{}-{}-J{}",
                self.office.code,
                self.office.workstation,
                from.format("%Y%m%d"),
                journal.to_uppercase()
            ),
            date: self.today(),
            issuer: self.issuer(),
            application: None,
            applicant: None,
            body: Body::JournalPage {
                journal: journal.into(),
                from,
                to,
                rows,
            },
            specialist: None,
            head: None,
            paper_lang: None,
        })
    }

    /// The head's report for a period: counts by service and status, the overdue list, the
    /// questionnaire answers.
    pub fn period_report(
        &self,
        s: Option<&Session>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Content> {
        if let Some(s) = s {
            self.require(s, Permission::Reports)?;
        }
        let start = self.day_start_utc(from);
        let end = self.day_start_utc(to + chrono::Duration::days(1));
        let today = self.today().to_string();
        let (by, overdue, q) = self.store.read(|r| {
            let by = queue::counts_by_service_status(r, &start, &end)?;
            let mut overdue = Vec::new();
            let mut cursor = None;
            loop {
                let page = queue::page(
                    r,
                    &Query {
                        tab: Some(Tab::Overdue),
                        accepted_from: Some(start.clone()),
                        accepted_to: Some(end.clone()),
                        after: cursor,
                        limit: 500,
                        today: today.clone(),
                        ..Default::default()
                    },
                )?;
                overdue.extend(page.rows);
                cursor = page.next;
                if cursor.is_none() || overdue.len() >= 2000 {
                    break;
                }
            }
            let q = apps::questionnaire_summary(r, &start, &end)?;
            Ok::<_, StoreError>((by, overdue, q))
        })?;
        let cat = self.catalog();
        let mut lines: Vec<ReportLine> = Vec::new();
        for svc in &cat.services {
            let counts: Vec<i64> = Status::ALL
                .iter()
                .map(|st| {
                    by.iter()
                        .filter(|(c, s2, _)| c == &svc.code && s2 == st)
                        .map(|x| x.2)
                        .sum()
                })
                .collect();
            let total: i64 = counts.iter().sum();
            if total > 0 {
                lines.push(ReportLine {
                    service: svc.short_name.text(),
                    by_status: counts,
                    total,
                });
            }
        }
        let cal = self.calendar();
        let today_d = self.today();
        let overdue = overdue
            .into_iter()
            .map(|r| {
                let due: NaiveDate = r.due_date;
                OverdueLine {
                    number: r.number,
                    applicant: r.applicant,
                    service: self.service_text(&r.service),
                    due,
                    working_days_late: cal.working_days_between(due, today_d).max(1),
                    executor: r.executor.unwrap_or_default(),
                }
            })
            .collect();
        Ok(Content {
            kind: DocumentKind::PeriodReport,
            number: format!(
                "{}-{}-{}-{}-R",
                self.office.code,
                self.office.workstation,
                from.format("%Y%m%d"),
                to.format("%Y%m%d")
            ),
            date: self.today(),
            issuer: self.issuer(),
            application: None,
            applicant: None,
            body: Body::PeriodReport {
                from,
                to,
                lines,
                overdue,
                questionnaire: q,
            },
            specialist: None,
            head: s.map(|s| s.full_name.clone()),
            paper_lang: None,
        })
    }

    /// Renders a report or journal content to PDF (audited as a print when a user asks).
    pub fn print_content(
        &self,
        s: Option<&Session>,
        content: &Content,
        langs: Langs,
    ) -> Result<Vec<u8>> {
        let pdf = render(content, langs)?;
        if let Some(s) = s {
            self.record(
                s,
                "print",
                "report",
                &content.number,
                serde_json::json!({"kind": content.kind.code()}),
            )?;
        }
        Ok(pdf)
    }

    /// Queue page for the operator at the command line (no user scope).
    pub fn queue_as_operator(&self, mut q: Query) -> Result<queue::Page> {
        q.today = self.today().to_string();
        if q.limit == 0 {
            q.limit = 50;
        }
        Ok(self.store.read(|r| queue::page(r, &q))?)
    }

    /// An application for the operator at the command line.
    pub fn application_as_operator(
        &self,
        id_or_number: &str,
    ) -> Result<super::query::ApplicationView> {
        let app = self.find_app(None, id_or_number)?;
        self.store.read(|r| self.view_of(r, None, app))
    }
}

/// The head's dashboard.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Dashboard {
    pub by_status: Vec<(Tab, i64)>,
    /// Applications of the last 90 days per service (short names).
    pub by_service: Vec<(Text, i64)>,
    /// Applications accepted per week, the last 12 weeks.
    pub per_week: Vec<(String, i64)>,
}

impl Desk {
    /// Counts for the head's dashboard.
    pub fn dashboard(&self, s: &Session) -> Result<Dashboard> {
        self.require(s, Permission::Reports)?;
        let today = self.today();
        let by_status = self.store.read(|r| {
            queue::counts(
                r,
                &Query {
                    today: today.to_string(),
                    ..Default::default()
                },
            )
        })?;
        let from = self.day_start_utc(today - chrono::Duration::days(90));
        let to = self.day_start_utc(today + chrono::Duration::days(1));
        let by = self
            .store
            .read(|r| queue::counts_by_service_status(r, &from, &to))?;
        let cat = self.catalog();
        let mut by_service: Vec<(Text, i64)> = cat
            .services
            .iter()
            .map(|svc| {
                (
                    svc.short_name.text(),
                    by.iter().filter(|x| x.0 == svc.code).map(|x| x.2).sum(),
                )
            })
            .filter(|x| x.1 > 0)
            .collect();
        by_service.sort_by_key(|x| std::cmp::Reverse(x.1));
        let weeks_from = self.day_start_utc(today - chrono::Duration::weeks(12));
        let per_week = self.store.read(|r| queue::per_week(r, &weeks_from))?;
        Ok(Dashboard {
            by_status,
            by_service,
            per_week,
        })
    }
}
