//! Reads: person lookup, the queues, one application with its history. Every read checks the
//! user's right to see what it returns.

use crate::domain::policy::Permission;
use serde::Serialize;

use super::settings::ExecutorVisibility;
use super::{Desk, DeskError, Result, Session};
use crate::domain::application::{AppRef, Application};
use crate::domain::deadline::{self, Due, TimeLeft};
use crate::domain::iin::Iin;
use crate::domain::model::{Channel, Role, Status};
use crate::domain::person::Person;
use crate::store::apps::{self, AttachmentRow, DocumentRow};
use crate::store::audit::{self, Entry};
use crate::store::queue::{self, Page, Query, Tab};
use crate::store::{Db, people};

/// One application as the application screen shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    pub app: Application,
    pub person: Person,
    pub attachments: Vec<AttachmentRow>,
    pub documents: Vec<DocumentRow>,
    pub history: Vec<Entry>,
    pub time_left: TimeLeft,
    pub executor: Option<String>,
    pub drafter: Option<String>,
    pub questionnaire: Option<(u8, u8)>,
    /// An akim-channel application's other side: at the department the akimat that accepted
    /// it; at the akimat the department's number, status as last heard, and the result.
    pub akimat: Option<Box<crate::store::akimat::Link>>,
    /// The applicant as registered with this application, and the changes of the person since.
    pub applicant: super::handover::ApplicantThen,
    /// Who took the paper (after issue).
    pub handover: crate::store::handover::Handover,
    /// The steps the user who asked may take with it now (`domain::policy::allowed`): the
    /// window shows these and no others, and the desk accepts exactly these.
    pub allowed: Vec<crate::domain::lifecycle::Action>,
}

/// At a rural akimat: the akim's own step an application is at (seed 003 gives each service
/// its norms, e.g. for the child benefit the resolution in 1 working day, the cover letter in 8,
/// the signature in 1) and when its norm runs out, counted from the moment it entered its state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepDue {
    /// Whose step it is.
    pub actor: crate::domain::catalog::StepActor,
    /// The state the step belongs to (it names the step).
    pub status: Status,
    pub norm: u32,
    pub unit: crate::domain::catalog::NormUnit,
    pub due: chrono::NaiveDate,
    pub left: TimeLeft,
}

impl Desk {
    /// At an akimat, the akim's step a queue line is at and its own due date; `None` at a
    /// department, for other channels and states, or a service edition without akim steps.
    pub fn akimat_step(&self, row: &queue::Row) -> Option<StepDue> {
        use crate::domain::catalog::NormUnit;
        if !self.is_akimat() || row.channel != Channel::Akim {
            return None;
        }
        let cat = self.catalog();
        let version = cat.service(&row.service)?.version(&row.service_version)?;
        let step = version.akimat_step(row.status)?;
        let cal = self.calendar();
        let since = self.local(row.status_since);
        let due = match step.unit {
            NormUnit::WorkingDays => Due {
                date: cal.try_add_working_days(since.date(), step.norm)?,
                at: None,
            },
            NormUnit::Hours | NormUnit::Minutes => {
                let minutes =
                    i64::from(step.norm) * if step.unit == NormUnit::Hours { 60 } else { 1 };
                let at = since + chrono::Duration::minutes(minutes);
                Due {
                    date: at.date(),
                    at: Some(at),
                }
            }
        };
        Some(StepDue {
            actor: step.actor,
            status: row.status,
            norm: step.norm,
            unit: step.unit,
            due: due.date,
            left: deadline::time_left(&cal, due, self.local(self.now())),
        })
    }

    /// Finds a person by ИИН (registrar, akim's clerk, executor, head).
    pub fn find_person(&self, s: &Session, iin: &str) -> Result<Option<Person>> {
        self.require(s, Permission::PersonLookup)?;
        let iin = Iin::parse(iin)?;
        Ok(self.store.read(|r| people::person_by_iin(r, &iin))?)
    }

    /// Persons by the start of their name.
    pub fn find_persons_by_name(
        &self,
        s: &Session,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<Person>> {
        self.require(s, Permission::PersonLookup)?;
        Ok(self
            .store
            .read(|r| people::persons_by_name_prefix(r, prefix, limit))?)
    }

    /// Applies the office policy to a queue query: an executor under the "own" policy sees
    /// only what is assigned to them; the akim's clerk only the akim channel; an admin nothing.
    fn scope(&self, s: &Session, q: &mut Query) -> Result<()> {
        if s.has(Role::Registrar) || s.has(Role::Head) {
            return Ok(());
        }
        if s.has(Role::Executor) {
            if self.settings()?.executor_visibility == ExecutorVisibility::Own {
                q.executor = Some(s.user_id);
            }
            return Ok(());
        }
        if s.has(Role::AkimExecutor) && !s.has_any(&[Role::AkimClerk, Role::Akim]) {
            q.executor = Some(s.user_id);
        }
        if s.has_any(&[Role::AkimClerk, Role::Akim, Role::AkimExecutor]) {
            if q.channel.is_some_and(|c| c != Channel::Akim) {
                // Asked for another channel: nothing is visible.
                q.executor = Some(-1);
            }
            q.channel = Some(Channel::Akim);
            return Ok(());
        }
        Err(DeskError::Forbidden {
            action: "queue".into(),
            needed: "registrar / executor / head / akim_clerk / akim / akim_executor".into(),
        })
    }

    /// One page of a queue.
    pub fn queue(&self, s: &Session, mut q: Query) -> Result<Page> {
        self.scope(s, &mut q)?;
        q.today = self.today().to_string();
        q.viewer = Some(s.user_id);
        if q.limit == 0 {
            q.limit = 50;
        }
        Ok(self.store.read(|r| queue::page(r, &q))?)
    }

    /// Live counts per tab under the same filters.
    pub fn queue_counts(&self, s: &Session, mut q: Query) -> Result<Vec<(Tab, i64)>> {
        self.scope(s, &mut q)?;
        q.today = self.today().to_string();
        Ok(self.store.read(|r| queue::counts(r, &q))?)
    }

    /// Time left for a due date as of now.
    pub fn time_left(
        &self,
        date: chrono::NaiveDate,
        due_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> TimeLeft {
        let at = due_at.map(|t| self.local(t));
        deadline::time_left(&self.calendar(), Due { date, at }, self.local(self.now()))
    }

    /// An application by id or by its number, with everything the screen shows. The user has
    /// now seen it: its queue line is no longer new for them (written only when it was).
    pub fn application(&self, s: &Session, which: impl Into<AppRef>) -> Result<ApplicationView> {
        let which = which.into();
        let (view, unseen) = self.store.read(|r| {
            let app = apps::by_ref(r, &which)?
                .ok_or_else(|| DeskError::NotFound(format!("application {which}")))?;
            self.check_can_see(r, s, &app)?;
            let unseen = apps::unseen_since_change(r, s.user_id, app.id)?;
            Ok::<_, DeskError>((self.view_of(r, Some(s), app)?, unseen))
        })?;
        if unseen {
            let now = super::stamp(self.now());
            self.store
                .write(|tx| apps::mark_seen(tx, s.user_id, view.app.id, &now))?;
        }
        Ok(view)
    }

    /// Everything the screen shows of an application; with the user asking, the steps they
    /// may take with it now.
    pub(crate) fn view_of(
        &self,
        r: &impl Db,
        s: Option<&Session>,
        app: Application,
    ) -> Result<ApplicationView> {
        let allowed = match s {
            Some(s) => self.allowed(r, s, &app)?,
            None => Vec::new(),
        };
        let person = people::person_by_id(r, app.person_id)?
            .ok_or_else(|| DeskError::NotFound(format!("person {}", app.person_id)))?;
        let attachments = apps::attachments(r, app.id)?;
        let documents = apps::documents_of(r, app.id)?;
        let history = audit::for_entity(r, "application", &app.number)?;
        let executor = match app.executor_id {
            Some(id) => people::user_by_id(r, id)?.map(|u| u.full_name),
            None => None,
        };
        let drafter = match app.drafter_id {
            Some(id) => people::user_by_id(r, id)?.map(|u| u.full_name),
            None => None,
        };
        let questionnaire = apps::questionnaire_of(r, app.id)?;
        let time_left = self.time_left(app.due_date, app.due_at);
        let akimat = if app.channel == Channel::Akim {
            crate::store::akimat::link(r, app.id)?.map(Box::new)
        } else {
            None
        };
        let applicant = self.applicant_then_in(r, &app)?;
        let handover = crate::store::handover::handover(r, app.id)?;
        Ok(ApplicationView {
            allowed,
            akimat,
            applicant,
            handover,
            app,
            person,
            attachments,
            documents,
            history,
            time_left,
            executor,
            drafter,
            questionnaire,
        })
    }

    /// Applications of a person the user may see, newest first.
    pub fn applications_of_person(&self, s: &Session, person_id: i64) -> Result<Vec<Application>> {
        self.store.read(|r| {
            let mut out = Vec::new();
            for a in apps::for_person(r, person_id)? {
                if self.can_see(r, s, &a)? {
                    out.push(a);
                }
            }
            Ok(out)
        })
    }

    /// Enabled executors (for the head's assignment list).
    /// An enabled executor found by ИИН (the command line names people by ИИН).
    pub fn executor_by_iin(&self, s: &Session, iin: &str) -> Result<Option<i64>> {
        self.require(s, Permission::Assign)?;
        Ok(self
            .store
            .read(|r| crate::store::people::user_by_iin(r, iin))?
            .filter(|u| u.roles.contains(&Role::Executor) && !u.disabled)
            .map(|u| u.id))
    }

    pub fn executors(&self, s: &Session) -> Result<Vec<(i64, String)>> {
        self.require(s, Permission::ListExecutors)?;
        let role = if self.is_akimat() {
            Role::AkimExecutor
        } else {
            Role::Executor
        };
        Ok(self.store.read(|r| people::users_with_role(r, role))?)
    }

    /// The bytes of a scan, checked against its hash.
    pub fn attachment_bytes(&self, s: &Session, attachment: &AttachmentRow) -> Result<Vec<u8>> {
        let app = self
            .store
            .read(|r| apps::by_id(r, attachment.application_id))?
            .ok_or_else(|| DeskError::NotFound("application".into()))?;
        self.store.read(|r| self.check_can_see(r, s, &app))?;
        Ok(self.attachments.get(&attachment.sha256)?)
    }
}

impl Desk {
    /// Staff names by ИИН (for the history timeline).
    pub fn staff_names(&self) -> Result<std::collections::HashMap<String, String>> {
        Ok(self
            .store
            .read(|r| people::list_users(r))?
            .into_iter()
            .map(|u| (u.iin, u.full_name))
            .collect())
    }

    /// What the result would look like with this decision (nothing is saved): the live
    /// preview of the decision form. Field errors come back as for a submit. At an akimat:
    /// the cover letter as the akim will sign it.
    pub fn preview_result(
        &self,
        s: &Session,
        id: i64,
        input: &crate::domain::decision::DecisionInput,
    ) -> Result<crate::domain::document::Content> {
        let app = self
            .store
            .read(|r| apps::by_id(r, id))?
            .ok_or_else(|| DeskError::NotFound(format!("application {id}")))?;
        self.store.read(|r| self.check_can_see(r, s, &app))?;
        if self.is_akimat() {
            // The akimat's paper is its cover letter to the department (no decision here).
            return self.cover_letter(&app);
        }
        let cat = self.catalog();
        let service = cat
            .service(&app.service)
            .ok_or_else(|| DeskError::UnknownService(app.service.clone()))?;
        let d = crate::domain::decision::validate(service, input).map_err(DeskError::Fields)?;
        let mut preview = app.clone();
        preview.decision = Some(d);
        // The specialist line names who drafted it: the executor writing it now, or (the head
        // reading it before signing) the one who submitted it.
        preview.drafter_id = match app.status {
            Status::AwaitingSignature => app.drafter_id,
            _ => Some(s.user_id),
        };
        self.store
            .read(|r| self.result_content(r, &preview, "—", self.today(), None))
    }
}

/// One outgoing gateway message as the window's message view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxLine {
    pub id: i64,
    /// `status_notice`, …
    pub kind: String,
    /// pending, delivered, failed, stopped.
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// Local time, "dd.mm.yyyy hh:mm".
    pub created: String,
    pub next_attempt: Option<String>,
    pub delivered: Option<String>,
    /// The application's journal number, when the message is about one.
    pub number: Option<String>,
    /// Who it goes to (a ЦОН operator workstation, the portal).
    pub recipient: Option<String>,
    /// The public status it announces (Поступившие / В работе / Исполнено), in both languages.
    pub status_text: Option<crate::domain::model::Text>,
}

/// A sync conflict as the head's desk shows it: what the gateway asked, about which
/// application, from whom, and where the application stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictLine {
    pub id: i64,
    /// `foreign_withdrawal` (someone else asked to withdraw), `late_withdrawal` (too late).
    pub kind: String,
    pub application_id: Option<i64>,
    pub number: Option<String>,
    pub applicant: Option<String>,
    pub status: Option<crate::domain::model::Status>,
    /// Who sent the message.
    pub sender: Option<String>,
    /// Who submitted the application (empty: this office).
    pub origin: Option<String>,
    /// The engine's own words (technical detail).
    pub detail: String,
    /// Local time, "dd.mm.yyyy hh:mm".
    pub received: String,
}

impl Desk {
    /// The latest outgoing gateway messages, newest first (admin, head, registrar): the
    /// per-message view of what was sent, what waits and what failed and why.
    pub fn outbox_lines(&self, s: &Session, limit: usize) -> Result<Vec<OutboxLine>> {
        self.require(s, Permission::Gateway)?;
        // Every notice names its application by number in the payload (null for a refused
        // incoming message), so no lookup is needed.
        let rows = self.outbox_recent(limit)?;
        Ok(rows
            .into_iter()
            .map(|m| {
                let payload: serde_json::Value =
                    serde_json::from_str(&m.payload).unwrap_or_default();
                let status_text = match (
                    payload["statusText"]["kk"].as_str(),
                    payload["statusText"]["ru"].as_str(),
                ) {
                    (Some(kk), Some(ru)) => Some(crate::domain::model::Text::new(kk, ru)),
                    _ => None,
                };
                OutboxLine {
                    id: m.id,
                    kind: m.kind,
                    state: m.state,
                    attempts: m.attempts,
                    last_error: m.last_error.filter(|e| !e.is_empty()),
                    created: self.local_stamp(&m.created_at).unwrap_or_default(),
                    next_attempt: m
                        .next_attempt_at
                        .as_deref()
                        .and_then(|t| self.local_stamp(t)),
                    delivered: m.delivered_at.as_deref().and_then(|t| self.local_stamp(t)),
                    number: payload["application"].as_str().map(str::to_string),
                    recipient: payload["recipient"].as_str().map(str::to_string),
                    status_text,
                }
            })
            .collect())
    }

    /// The open sync conflicts with what the head needs to judge them (head, admin).
    pub fn conflict_lines(&self, s: &Session) -> Result<Vec<ConflictLine>> {
        let conflicts = self.conflicts(s)?;
        self.store.read(|r| {
            let mut out = Vec::with_capacity(conflicts.len());
            for c in conflicts {
                let app = match c.application_id {
                    Some(id) => apps::by_id(r, id)?,
                    None => None,
                };
                let sender = crate::store::inbox::get(r, &c.message_id)?.map(|m| m.sender);
                out.push(ConflictLine {
                    id: c.id,
                    kind: c.kind,
                    application_id: c.application_id,
                    number: app.as_ref().map(|a| a.number.clone()),
                    applicant: app.as_ref().map(|a| a.applicant_name.clone()),
                    status: app.as_ref().map(|a| a.status),
                    sender,
                    origin: app.and_then(|a| a.origin),
                    detail: c.detail,
                    received: self.local_stamp(&c.created_at).unwrap_or_default(),
                });
            }
            Ok(out)
        })
    }
}
