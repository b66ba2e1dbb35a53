//! The life of an application after intake: assign, draft, submit, return, sign, issue,
//! extend, withdraw, and the citizen's questionnaire. Each action is one transaction through
//! one pipeline: [`Desk::begin`] (load what the user saw, ask `domain::policy`), the action's
//! own checks and papers, [`Desk::finish`] (the row with its new state, the audit entry and,
//! for ЦОН, portal and akimat applications, the gateway notice).

use crate::domain::policy::Permission;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use super::intake::External;
use super::settings::ExecutorVisibility;
use super::{Desk, DeskError, Result, Session, stamp};
use crate::domain::catalog::{DocumentKind, FieldKind, FieldSpec, FieldStage, Service};
use crate::domain::consistency;
use crate::domain::deadline::{self, Due};
use crate::domain::decision::{self, Decision, DecisionInput, Outcome};
use crate::domain::document::{self, Body, Content, Free, Line, Payment, Shown, Table};
use crate::domain::iin::Iin;
use crate::domain::lifecycle::{self, Action};
use crate::domain::model::{PublicStatus, Role, Status, Text};
use crate::domain::policy;
use crate::store::apps::{self, Application, Change, JournalEntry, NewDocument};
use crate::store::{Tx, people};

/// A target application and the row version the user saw (`None` = whatever is current).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub version: Option<i64>,
}

impl Target {
    pub fn id(id: i64) -> Target {
        Target { id, version: None }
    }
}

/// A step of the lifecycle under way ([`Desk::begin`]).
pub(crate) struct Step {
    /// The application as the user saw it.
    pub app: Application,
    /// The state the policy lets the step lead to.
    pub to: Status,
}

/// The outcome of signing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signed {
    pub outgoing_number: String,
    pub document_id: i64,
    pub content_sha256: String,
}

impl Desk {
    /// The office's settings as the policy reads them.
    pub(crate) fn rules(&self, db: &impl crate::store::Db) -> Result<policy::Rules> {
        let st = super::settings::load(db)?;
        Ok(policy::Rules {
            allow_self_sign: st.allow_self_sign,
            executors_see_all: st.executor_visibility == ExecutorVisibility::All,
        })
    }

    /// Whether a user may see an application (enforced on every read).
    pub(crate) fn can_see(
        &self,
        db: &impl crate::store::Db,
        s: &Session,
        app: &Application,
    ) -> Result<bool> {
        Ok(policy::may_see(&app.facts(), s.actor(), self.rules(db)?))
    }

    pub(crate) fn check_can_see(
        &self,
        db: &impl crate::store::Db,
        s: &Session,
        app: &Application,
    ) -> Result<()> {
        if self.can_see(db, s, app)? {
            Ok(())
        } else {
            // Not revealing whether it exists.
            Err(DeskError::NotFound(format!("application {}", app.id)))
        }
    }

    pub(crate) fn load_for(&self, tx: &Tx<'_>, s: &Session, t: Target) -> Result<Application> {
        let app = apps::by_id(tx, t.id)?
            .ok_or_else(|| DeskError::NotFound(format!("application {}", t.id)))?;
        self.check_can_see(tx, s, &app)?;
        if let Some(v) = t.version
            && v != app.row_version
        {
            return Err(DeskError::Conflict);
        }
        Ok(app)
    }

    pub(crate) fn decide(
        &self,
        db: &impl crate::store::Db,
        s: &Session,
        app: &Application,
        action: Action,
    ) -> Result<Status> {
        Ok(policy::decide(
            action,
            &self.facts(db, app)?,
            s.actor(),
            self.rules(db)?,
        )?)
    }

    /// The steps this user may take with this application now (what the window shows).
    pub(crate) fn allowed(
        &self,
        db: &impl crate::store::Db,
        s: &Session,
        app: &Application,
    ) -> Result<Vec<Action>> {
        Ok(policy::allowed(
            &self.facts(db, app)?,
            s.actor(),
            self.rules(db)?,
        ))
    }

    /// Opens a step of the lifecycle — the pipeline every clerk action goes through:
    /// **begin** (the application as the user saw it, refused if someone changed it since,
    /// and the state [`policy::decide`] lets the step lead to), then the action's own checks
    /// and papers, then **finish** ([`Desk::finish`]: the change with the new state, the audit
    /// entry, the notice to the application's origin), all in the caller's one transaction.
    pub(crate) fn begin(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        action: Action,
    ) -> Result<Step> {
        let app = self.load_for(tx, s, t)?;
        let to = self.decide(tx, s, &app, action)?;
        Ok(Step { app, to })
    }

    /// Writes a step's change with its new state (the row version the step began with must
    /// still be current).
    pub(crate) fn apply(
        &self,
        tx: &Tx<'_>,
        step: &Step,
        change: Change<'_>,
        now: &str,
    ) -> Result<()> {
        apps::update(
            tx,
            step.app.id,
            step.app.row_version,
            &Change {
                status: Some(step.to),
                ..change
            },
            now,
        )?;
        Ok(())
    }

    /// Ends a step: [`Desk::apply`], the audit entry `what` with its details, and — for an
    /// application that came through the gateway — the status notice to its origin.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn finish(
        &self,
        tx: &Tx<'_>,
        s: Option<&Session>,
        step: &Step,
        change: Change<'_>,
        now: &str,
        what: &str,
        detail: Value,
        notice: Option<(PublicStatus, Option<Value>)>,
    ) -> Result<()> {
        let change = Change {
            status_by: s.map(|s| s.user_id),
            ..change
        };
        self.apply(tx, step, change, now)?;
        self.audit(tx, s, what, "application", &step.app.number, detail)?;
        if let Some((public, extra)) = notice
            && super::akimat::tells_origin(step.app.channel, step.app.origin.as_deref())
        {
            self.notify_status(
                tx,
                step.app.id,
                &step.app.number,
                Self::external_of(&step.app).as_ref(),
                public,
                extra,
            )?;
        }
        Ok(())
    }

    fn external_of(app: &Application) -> Option<External> {
        match (&app.external_id, &app.origin) {
            (Some(m), Some(o)) => Some(External {
                message_id: m.clone(),
                origin: o.clone(),
            }),
            _ => None,
        }
    }

    /// The head assigns (or reassigns) the responsible executor with a resolution note.
    pub fn assign(&self, s: &Session, t: Target, executor_id: i64, resolution: &str) -> Result<()> {
        if self.is_akimat() {
            // At an akimat the akim's resolution names his responsible executor.
            return self.akim_resolution(s, t, executor_id, resolution);
        }
        self.store
            .write(|tx| self.assign_in(tx, s, t, executor_id, resolution))
    }

    /// The assignment itself, the department's and the akim's alike: the application moves on
    /// to an active user holding `role`, with the resolution (at most 1 000 characters).
    /// Returns the application as it was, the executor and the trimmed resolution.
    pub(crate) fn assign_step(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        executor_id: i64,
        resolution: &str,
        role: Role,
    ) -> Result<(Step, people::UserRow, String)> {
        let step = self.begin(tx, s, t, Action::Assign)?;
        let executor = people::user_by_id(tx, executor_id)?
            .filter(|u| u.roles.contains(&role) && !u.disabled)
            .ok_or_else(|| DeskError::Invalid {
                field: "executor".into(),
                key: "not-an-executor".into(),
            })?;
        let resolution = resolution.trim();
        if resolution.chars().count() > 1000 {
            return Err(DeskError::Invalid {
                field: "resolution".into(),
                key: "too-long".into(),
            });
        }
        Ok((step, executor, resolution.to_string()))
    }

    pub(crate) fn assign_in(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        executor_id: i64,
        resolution: &str,
    ) -> Result<()> {
        let (step, executor, resolution) =
            self.assign_step(tx, s, t, executor_id, resolution, Role::Executor)?;
        let first = step.app.status == Status::Registered;
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
            if first { "assign" } else { "reassign" },
            serde_json::json!({"executor": executor.full_name, "executor_iin": executor.iin, "resolution": resolution}),
            first.then_some((PublicStatus::InWork, None)),
        )
    }

    /// The decision is the department's: an akimat prepares the cover letter instead
    /// (`cover_letter_ready`), and never writes a decision of its own.
    fn decisions_here(&self) -> Result<()> {
        if self.is_akimat() {
            return Err(DeskError::Akimat {
                key: "akimat-no-decision",
                args: vec![],
            });
        }
        Ok(())
    }

    /// The executor saves the decision form without submitting it.
    pub fn save_draft(&self, s: &Session, t: Target, input: &DecisionInput) -> Result<Decision> {
        self.store.write(|tx| self.save_draft_in(tx, s, t, input))
    }

    pub(crate) fn save_draft_in(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        input: &DecisionInput,
    ) -> Result<Decision> {
        self.decisions_here()?;
        self.require(s, Permission::SaveDraft)?;
        let now = stamp(self.now());
        {
            let app = self.load_for(tx, s, t)?;
            if app.status != Status::InWork {
                return Err(lifecycle::LifecycleError::NotAllowedInState {
                    action: "submit_draft",
                    from: app.status,
                }
                .into());
            }
            if app.executor_id != Some(s.user_id) {
                return Err(lifecycle::LifecycleError::NotAssignedExecutor.into());
            }
            let cat = self.catalog();
            let service = cat
                .service(&app.service)
                .ok_or_else(|| DeskError::UnknownService(app.service.clone()))?;
            let d = decision::validate(service, input).map_err(DeskError::Fields)?;
            let v = serde_json::to_value(&d).expect("decision serialises");
            apps::update(
                tx,
                app.id,
                app.row_version,
                &Change {
                    decision: Some(Some(&v)),
                    ..Default::default()
                },
                &now,
            )?;
            self.audit(
                tx,
                Some(s),
                "save_draft",
                "application",
                &app.number,
                serde_json::json!({"outcome": d.outcome}),
            )?;
            Ok(d)
        }
    }

    /// The executor submits the decision for signature.
    pub fn submit_draft(&self, s: &Session, t: Target, input: &DecisionInput) -> Result<Decision> {
        self.store.write(|tx| self.submit_draft_in(tx, s, t, input))
    }

    pub(crate) fn submit_draft_in(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        input: &DecisionInput,
    ) -> Result<Decision> {
        self.decisions_here()?;
        let now = stamp(self.now());
        let step = self.begin(tx, s, t, Action::SubmitDraft)?;
        let cat = self.catalog();
        let service = cat
            .service(&step.app.service)
            .ok_or_else(|| DeskError::UnknownService(step.app.service.clone()))?;
        let d = decision::validate(service, input).map_err(DeskError::Fields)?;
        let today = self.local(self.now()).date();
        self.check_decision(tx, &step.app, service, &d, today)?;
        let v = serde_json::to_value(&d).expect("decision serialises");
        self.finish(
            tx,
            Some(s),
            &step,
            Change {
                decision: Some(Some(&v)),
                drafter_id: Some(Some(s.user_id)),
                return_comment: Some(None),
                ..Default::default()
            },
            &now,
            "submit_draft",
            serde_json::json!({"outcome": d.outcome, "reason": d.reason}),
            None,
        )?;
        Ok(d)
    }

    /// The head returns the draft to the executor with a comment.
    pub fn return_draft(&self, s: &Session, t: Target, comment: &str) -> Result<()> {
        self.store
            .write(|tx| self.return_draft_in(tx, s, t, comment))
    }

    pub(crate) fn return_draft_in(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        comment: &str,
    ) -> Result<()> {
        let comment = comment.trim();
        if comment.chars().count() < 3 {
            return Err(DeskError::Invalid {
                field: "comment".into(),
                key: "missing".into(),
            });
        }
        let step = self.begin(tx, s, t, Action::Return)?;
        self.finish(
            tx,
            Some(s),
            &step,
            Change {
                return_comment: Some(Some(comment)),
                ..Default::default()
            },
            &stamp(self.now()),
            "return",
            serde_json::json!({"comment": comment}),
            None,
        )
    }

    /// Signs the result: the transition, the outgoing journal number and the result document.
    /// `finish` runs inside the same transaction with the document content (the signatures
    /// layer renders, signs and stores the paper there); an error from it rolls everything back.
    pub fn sign_with(
        &self,
        s: &Session,
        t: Target,
        finish: &mut dyn FnMut(&Tx<'_>, &Content, i64) -> Result<Value>,
    ) -> Result<Signed> {
        self.store.write(|tx| self.sign_with_in(tx, s, t, finish))
    }

    pub(crate) fn sign_with_in(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        finish: &mut dyn FnMut(&Tx<'_>, &Content, i64) -> Result<Value>,
    ) -> Result<Signed> {
        let now_t = self.now();
        let now = stamp(now_t);
        {
            let step = self.begin(tx, s, t, Action::Sign)?;
            let app = &step.app;
            let self_signed = app.drafter_id == Some(s.user_id);
            let today = self.local(now_t).date();
            // The rules the draft passed when it was submitted, again as of today.
            if let Some(d) = &app.decision {
                let cat = self.catalog();
                let service = cat
                    .service(&app.service)
                    .ok_or_else(|| DeskError::UnknownService(app.service.clone()))?;
                self.check_decision(tx, app, service, d, today)?;
            }
            let year = chrono::Datelike::year(&today);
            let (number, seq) = apps::next_number(tx, "out", &self.office.code, year)?;
            // At an akimat the akim signs the cover letter that sends the application on.
            let content = if self.is_akimat() {
                self.akimat_cover_content(tx, app, &number, today, &s.full_name)?
            } else {
                self.result_content(tx, app, &number, today, Some(&s.full_name))?
            };
            let content_json = String::from_utf8(content.canonical()).expect("json");
            let sha = content.sha256();
            let document_id = apps::add_document(
                tx,
                &NewDocument {
                    application_id: Some(app.id),
                    kind: content.kind.code(),
                    number: &number,
                    content: &content_json,
                    content_sha256: &sha,
                    created_at: &now,
                    created_by: Some(s.user_id),
                },
            )?;
            let signature = finish(tx, &content, document_id)?;
            let paper_sha = signature["pdf_sha256"].as_str().map(str::to_string);
            apps::add_journal(
                tx,
                &JournalEntry {
                    journal: "out",
                    number: &number,
                    year,
                    seq,
                    application_id: app.id,
                    at: &now,
                    user_id: Some(s.user_id),
                    summary: content.kind.code(),
                },
            )?;
            let public = serde_json::json!({"outgoing": number, "document_id": document_id,
                "paper": signature.get("public")});
            self.finish(
                tx,
                Some(s),
                &step,
                Change {
                    outgoing_number: Some(&number),
                    signed_by: Some(s.user_id),
                    signed_at: Some(&now),
                    ..Default::default()
                },
                &now,
                "sign",
                serde_json::json!({
                    "outgoing": number,
                    "document": content.kind.code(),
                    "content_sha256": sha,
                    "self_signed": self_signed,
                    "signature": signature,
                }),
                Some((PublicStatus::Completed, Some(public))),
            )?;
            if self.is_akimat() {
                self.queue_package(tx, app, &content, document_id, paper_sha.as_deref())?;
            }
            Ok(Signed {
                outgoing_number: number,
                document_id,
                content_sha256: sha,
            })
        }
    }

    /// The registrar (or the akim's clerk for the akim channel) hands the result over to the
    /// applicant, whose ИИН is checked; a representative needs a power of attorney
    /// ([`Desk::issue_to`]).
    pub fn issue(&self, s: &Session, t: Target, collector_iin: &str) -> Result<()> {
        if self.is_akimat() {
            // The department's result, handed over at the akimat; the department hears of it.
            return self.akimat_handover(s, t, collector_iin);
        }
        self.issue_to(s, t, &super::handover::Collector::applicant(collector_iin))
    }

    /// An issue to the applicant inside a transaction (the demo batches many).
    pub(crate) fn issue_in(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        collector_iin: &str,
    ) -> Result<()> {
        let collector = Iin::parse(collector_iin)?;
        self.issue_checked(tx, s, t, &collector.as_string(), "", None)
    }

    /// The state change of an issue: checks the user may issue now, and that a collector other
    /// than the applicant came with a power of attorney.
    pub(crate) fn issue_state_in(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        collector_iin: &str,
        with_proxy: bool,
    ) -> Result<Application> {
        let now = stamp(self.now());
        let step = self.begin(tx, s, t, Action::Issue)?;
        let is_applicant =
            step.app.applicant_iin.map(|i| i.as_string()).as_deref() == Some(collector_iin);
        if !is_applicant && !with_proxy {
            return Err(DeskError::Invalid {
                field: "collector_iin".into(),
                key: "proxy-required".into(),
            });
        }
        self.apply(
            tx,
            &step,
            Change {
                issued_at: Some(&now),
                collector_iin: Some(collector_iin),
                status_by: Some(s.user_id),
                ..Default::default()
            },
            &now,
        )?;
        Ok(step.app)
    }

    /// The head extends the term once, by what the service's edition allows; the applicant is
    /// notified (an extension notice is made, and a gateway notice for ЦОН / portal).
    pub fn extend(&self, s: &Session, t: Target, reason: &str) -> Result<Due> {
        self.store.write(|tx| self.extend_in(tx, s, t, reason))
    }

    pub(crate) fn extend_in(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        reason: &str,
    ) -> Result<Due> {
        let reason = reason.trim();
        if reason.chars().count() < 5 {
            return Err(DeskError::Invalid {
                field: "reason".into(),
                key: "missing".into(),
            });
        }
        let now_t = self.now();
        let now = stamp(now_t);
        {
            let step = self.begin(tx, s, t, Action::Extend)?;
            let app = &step.app;
            let cat = self.catalog();
            let service = cat
                .service(&app.service)
                .ok_or_else(|| DeskError::UnknownService(app.service.clone()))?;
            let version = service
                .version(&app.service_version)
                .unwrap_or_else(|| service.latest_version());
            let ext = version.extension.ok_or_else(|| DeskError::Invalid {
                field: "extension".into(),
                key: "not-allowed".into(),
            })?;
            let current = Due {
                date: app.due_date,
                at: None,
            };
            let new = deadline::extend(&self.calendar(), current, ext);
            // The notice to the applicant.
            let today = self.local(now_t).date();
            let person = Some(self.applicant_in(tx, app)?);
            let content = Content {
                kind: DocumentKind::ExtensionNotice,
                number: app.number.clone(),
                date: today,
                issuer: self.issuer(),
                application: Some(self.app_ref(app, service)),
                applicant: person.map(|p| applicant_of(&p)),
                body: Body::Extension {
                    previous_due: current.date,
                    new_due: new.date,
                    reason: reason.to_string(),
                },
                specialist: None,
                head: Some(s.full_name.clone()),
                // The reason is typed in one language: the notice is printed in it.
                paper_lang: Some(crate::domain::kazakh::written_in(reason)),
            };
            apps::add_document(
                tx,
                &NewDocument {
                    application_id: Some(app.id),
                    kind: content.kind.code(),
                    number: &app.number,
                    content: &String::from_utf8(content.canonical()).expect("json"),
                    content_sha256: &content.sha256(),
                    created_at: &now,
                    created_by: Some(s.user_id),
                },
            )?;
            let notice_by = deadline::extension_notice_by(&self.calendar(), today, ext);
            let public = app.status.public().unwrap_or(PublicStatus::InWork);
            self.finish(
                tx,
                Some(s),
                &step,
                Change {
                    due_date: Some(&new.date.to_string()),
                    due_at: Some(None),
                    extended: Some(true),
                    ..Default::default()
                },
                &now,
                "extend",
                serde_json::json!({"from": current.date, "to": new.date, "reason": reason, "notice_by": notice_by}),
                Some((
                    public,
                    Some(serde_json::json!({"extended_to": new.date, "reason": reason})),
                )),
            )?;
            Ok(new)
        }
    }

    /// Withdraws an open application (the citizen asked; registrar or the akim's clerk). At an
    /// akimat also one whose package has left, until the department's result comes back
    /// (`domain::policy`); the department is told.
    pub fn withdraw(&self, s: Option<&Session>, t: Target, reason: &str) -> Result<()> {
        self.store.write(|tx| self.withdraw_in(tx, s, t, reason))
    }

    pub(crate) fn withdraw_in(
        &self,
        tx: &Tx<'_>,
        s: Option<&Session>,
        t: Target,
        reason: &str,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.chars().count() < 3 {
            return Err(DeskError::Invalid {
                field: "reason".into(),
                key: "missing".into(),
            });
        }
        let now = stamp(self.now());
        {
            let app = match s {
                Some(s) => self.load_for(tx, s, t)?,
                None => apps::by_id(tx, t.id)?
                    .ok_or_else(|| DeskError::NotFound(format!("application {}", t.id)))?,
            };
            let to = match s {
                Some(s) => self.decide(tx, s, &app, Action::Withdraw)?,
                // The gateway engine applies a withdrawal the protocol allows (portal).
                None => Action::Withdraw.target(app.status).ok_or(
                    lifecycle::LifecycleError::NotAllowedInState {
                        action: "withdraw",
                        from: app.status,
                    },
                )?,
            };
            // At an akimat, a package that has left: the department hears of it.
            self.queue_withdrawal(tx, &app, reason, &now)?;
            self.finish(
                tx,
                s,
                &Step { app, to },
                Change {
                    withdrawn_at: Some(&now),
                    withdraw_reason: Some(reason),
                    ..Default::default()
                },
                &now,
                "withdraw",
                serde_json::json!({"reason": reason}),
                None,
            )
        }
    }

    /// Records the citizen's answers to the two-question questionnaire (1 = not satisfied,
    /// 2 = partly, 3 = satisfied).
    pub fn record_questionnaire(&self, s: &Session, t: Target, q1: u8, q2: u8) -> Result<()> {
        self.store
            .write(|tx| self.record_questionnaire_in(tx, s, t, q1, q2))
    }

    pub(crate) fn record_questionnaire_in(
        &self,
        tx: &Tx<'_>,
        s: &Session,
        t: Target,
        q1: u8,
        q2: u8,
    ) -> Result<()> {
        self.require(s, Permission::Questionnaire)?;
        if !(1..=3).contains(&q1) || !(1..=3).contains(&q2) {
            return Err(DeskError::Invalid {
                field: "questionnaire".into(),
                key: "out-of-range".into(),
            });
        }
        let now = stamp(self.now());
        {
            let app = self.load_for(tx, s, t)?;
            if app.status != Status::Issued {
                return Err(lifecycle::LifecycleError::NotAllowedInState {
                    action: "questionnaire",
                    from: app.status,
                }
                .into());
            }
            apps::record_questionnaire(tx, app.id, q1, q2, &now, Some(s.user_id))?;
            self.audit(
                tx,
                Some(s),
                "questionnaire",
                "application",
                &app.number,
                serde_json::json!({"q1": q1, "q2": q2}),
            )
        }
    }

    /// The consistency rules of a decision in its case (`domain::consistency`) as of `today`:
    /// the same check when the draft is submitted and when it is signed.
    pub(crate) fn check_decision(
        &self,
        db: &impl crate::store::Db,
        app: &Application,
        service: &Service,
        d: &Decision,
        today: NaiveDate,
    ) -> Result<()> {
        let person = self.applicant_in(db, app)?;
        let accepted = app.accepted_at;
        let lists = self.lists_in(db)?;
        let name = person.full_name();
        consistency::check(
            service,
            d,
            &consistency::Facts {
                submitted_on: self.local(accepted).date(),
                decided_on: today,
                applicant: &name,
                intake: &app.intake,
                lists: &lists,
            },
        )
        .map_err(DeskError::Fields)
    }

    pub(crate) fn app_ref(&self, app: &Application, service: &Service) -> document::AppRef {
        let accepted = app.accepted_at;
        document::AppRef {
            number: app.number.clone(),
            submitted_on: self.local(accepted).date(),
            service_code: service.code.clone(),
            service: service.name.text(),
            channel: app.channel,
        }
    }

    /// The result document of an application from its decision.
    pub(crate) fn result_content(
        &self,
        db: &impl crate::store::Db,
        app: &Application,
        number: &str,
        date: NaiveDate,
        head: Option<&str>,
    ) -> Result<Content> {
        let cat = self.catalog();
        let service = cat
            .service(&app.service)
            .ok_or_else(|| DeskError::UnknownService(app.service.clone()))?;
        let d: Decision = match &app.decision {
            Some(d) => d.clone(),
            None => {
                return Err(DeskError::Invalid {
                    field: "decision".into(),
                    key: "missing".into(),
                });
            }
        };
        let person = self.applicant_in(db, app)?;
        let drafter = match app.drafter_id {
            Some(id) => people::user_by_id(db, id)?.map(|u| u.full_name),
            None => None,
        };
        let applicant = applicant_of(&person);
        let birth_year = person.birth_date.map(|b| chrono::Datelike::year(&b));
        let (kind, body) = result_body(service, &d, &app.intake, &applicant, birth_year);
        Ok(Content {
            kind,
            number: number.to_string(),
            date,
            issuer: self.issuer(),
            application: Some(self.app_ref(app, service)),
            applicant: Some(applicant),
            body,
            specialist: drafter,
            head: head.map(str::to_string),
            paper_lang: d.paper_lang,
        })
    }
}

pub(crate) fn applicant_of(p: &crate::domain::person::Person) -> document::Applicant {
    document::Applicant {
        full_name: p.full_name(),
        iin: p.iin.map(|i| i.as_string()),
        address: p.address.clone(),
        phone: p.phone.clone(),
    }
}

fn date_of(v: Option<&Value>) -> Option<NaiveDate> {
    v.and_then(|v| v.as_str()).and_then(|s| s.parse().ok())
}

fn shown(kind: FieldKind, options: &[crate::domain::catalog::ChoiceOption], v: &Value) -> Shown {
    match kind {
        FieldKind::Money => Shown::Money(v.as_i64().unwrap_or(0)),
        FieldKind::Integer | FieldKind::Year => Shown::Int(v.as_i64().unwrap_or(0)),
        FieldKind::Quarter => Shown::Quarter(v.as_i64().unwrap_or(0) as u8),
        FieldKind::Date => date_of(Some(v))
            .map(Shown::Date)
            .unwrap_or_else(|| Shown::Text(v.to_string())),
        FieldKind::YesNo => Shown::YesNo(v.as_bool().unwrap_or(false)),
        FieldKind::Choice => {
            let key = v.as_str().unwrap_or("");
            options
                .iter()
                .find(|o| o.key == key)
                .map(|o| Shown::Choice(o.label.text()))
                .unwrap_or_else(|| Shown::Text(key.to_string()))
        }
        // Free text written in both languages prints each in its own.
        _ if v.is_object() => decision::free_text(v)
            .map(Shown::Choice)
            .unwrap_or_else(|| Shown::Text(v.to_string())),
        _ => Shown::Text(
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string()),
        ),
    }
}

/// A free-text value as a paper prints it.
fn free_of(v: Option<&Value>) -> Free {
    match v.and_then(decision::free_text) {
        Some(t) if v.is_some_and(Value::is_object) => Free::Both(t),
        Some(t) => Free::One(t.kk),
        None => Free::default(),
    }
}

fn table_of(f: &FieldSpec, v: &Value) -> Table {
    let rows = v
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    f.columns
                        .iter()
                        .map(|c| match row.get(&c.key) {
                            Some(x) => shown(c.kind, &c.options, x),
                            None => Shown::Text(String::new()),
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    Table {
        title: f.label.text(),
        columns: f.columns.iter().map(|c| c.label.text()).collect(),
        rows,
    }
}

/// Labelled lines and tables for the decision fields of a stage set.
fn lines_and_tables(
    service: &Service,
    d: &Decision,
    stages: &[FieldStage],
    skip: &[&str],
) -> (Vec<Line>, Vec<Table>) {
    let mut lines = Vec::new();
    let mut tables = Vec::new();
    for f in service.fields.iter().filter(|f| stages.contains(&f.stage)) {
        if skip.contains(&f.key.as_str()) {
            continue;
        }
        let Some(v) = d.values.get(&f.key) else {
            continue;
        };
        if f.kind == FieldKind::Table {
            tables.push(table_of(f, v));
        } else {
            lines.push(Line {
                label: f.label.text(),
                value: shown(f.kind, &f.options, v),
            });
        }
    }
    (lines, tables)
}

/// The document kind and body of a decision.
/// The family table of a paper: the applicant as member 1, from the application (never a
/// typed row), then the other members of the application's family table.
fn family_of(
    f: &FieldSpec,
    intake: &Value,
    applicant: &document::Applicant,
    birth_year: Option<i32>,
) -> Table {
    let marker = f.checks.applicant_option.as_deref().unwrap_or("applicant");
    let others: Vec<Value> = intake
        .get(&f.key)
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .filter(|r| r.get("relationship").and_then(Value::as_str) != Some(marker))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut first = serde_json::Map::new();
    first.insert("full_name".into(), Value::from(applicant.full_name.clone()));
    first.insert("relationship".into(), Value::from(marker));
    if let Some(y) = birth_year {
        first.insert("birth_year".into(), Value::from(y));
    }
    let mut rows = vec![Value::Object(first)];
    rows.extend(others);
    table_of(f, &Value::Array(rows))
}

pub(crate) fn result_body(
    service: &Service,
    d: &Decision,
    intake: &Value,
    applicant: &document::Applicant,
    birth_year: Option<i32>,
) -> (DocumentKind, Body) {
    let v = &d.values;
    let int = |k: &str| v.get(k).and_then(|x| x.as_i64()).unwrap_or(0);
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let yes = |k: &str| v.get(k).and_then(|x| x.as_bool()).unwrap_or(false);
    let today = NaiveDate::default();
    let refusal = |d: &Decision| Body::Refusal {
        reason: match (&d.reason, &d.reason_ru) {
            (Some(kk), Some(ru)) => Free::Both(Text::new(kk.clone(), ru.clone())),
            (Some(one), None) | (None, Some(one)) => Free::One(one.clone()),
            (None, None) => Free::default(),
        },
        appeal: service.results.appeal_right,
        commission_conclusion: d
            .values
            .get("commission_conclusion")
            .map(|x| free_of(Some(x))),
        ground: d
            .ground
            .as_deref()
            .and_then(|g| service.refusal(g))
            .map(|g| g.text.text()),
        family_registration_number: (service.results.negative == DocumentKind::AspRefusalNotice)
            .then(|| {
                intake
                    .get("family_registration_number")
                    .and_then(|x| x.as_str())
                    .map(str::to_string)
            })
            .flatten(),
    };
    if d.outcome == Outcome::Refuse && service.results.negative_is_refusal {
        return (service.results.negative, refusal(d));
    }
    let kind = if d.outcome == Outcome::Approve {
        service.results.positive
    } else {
        service.results.negative
    };
    let body = match kind {
        DocumentKind::UnemployedCertificate => Body::UnemployedCertificate {
            registered_on: date_of(v.get("registered_on")).unwrap_or(today),
            public_works: yes("public_works"),
            training: yes("training"),
            asp_housing: yes("asp_housing"),
            presented_to: free_of(v.get("presented_to")),
        },
        DocumentKind::AspAssignmentNotice => {
            let family = service
                .fields
                .iter()
                .find(|f| f.kind == FieldKind::Table && f.checks.applicant_option.is_some())
                .map(|f| family_of(f, intake, applicant, birth_year));
            Body::AspAssignment {
                // The family is the table's rows: never typed.
                family_size: family.as_ref().map_or(1, |t| t.rows.len() as i64),
                period_from: date_of(v.get("period_from")).unwrap_or(today),
                period_to: date_of(v.get("period_to")).unwrap_or(today),
                amount: int("amount"),
                family_registration_number: intake
                    .get("family_registration_number")
                    .and_then(|x| x.as_str())
                    .map(str::to_string),
                family,
            }
        }
        DocumentKind::DisabledChildrenNotice => Body::DisabledChildren {
            child_name: intake
                .get("child_full_name")
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_string(),
            period_from: date_of(v.get("period_from")).unwrap_or(today),
            period_to: date_of(v.get("period_to")).unwrap_or(today),
            amount: int("amount"),
            payments: v
                .get("payments")
                .and_then(|p| p.as_array())
                .map(|rows| {
                    rows.iter()
                        .map(|r| Payment {
                            quarter: r.get("quarter").and_then(|x| x.as_i64()).unwrap_or(0) as u8,
                            year: r.get("year").and_then(|x| x.as_i64()).unwrap_or(0) as i32,
                            amount: r.get("amount").and_then(|x| x.as_i64()).unwrap_or(0),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
        DocumentKind::AspMembershipCertificate => Body::AspMembership {
            is_recipient: d.outcome == Outcome::Approve,
            period_from: date_of(v.get("asp_period_from")),
            period_to: date_of(v.get("asp_period_to")),
        },
        DocumentKind::EmploymentReferral => {
            let f = service.fields.iter().find(|f| f.key == "referral_type");
            let referral_type = f
                .and_then(|f| {
                    let key = text("referral_type");
                    f.options
                        .iter()
                        .find(|o| o.key == key)
                        .map(|o| o.label.text())
                })
                .unwrap_or_else(|| Text::new(text("referral_type"), text("referral_type")));
            let (lines, _) = lines_and_tables(
                service,
                d,
                &[FieldStage::Approve, FieldStage::Decision],
                &["referral_type"],
            );
            Body::EmploymentReferral {
                referral_type,
                lines,
            }
        }
        DocumentKind::MotivatedRefusal | DocumentKind::AspRefusalNotice => refusal(d),
        _ => {
            let (lines, tables) = lines_and_tables(service, d, &decision::stages(d.outcome), &[]);
            Body::Notice { lines, tables }
        }
    };
    (kind, body)
}
