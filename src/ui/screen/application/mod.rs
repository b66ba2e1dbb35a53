//! One application: the case file (`case_file.rs`) on the left; on the right the actions the
//! user may take now (`actions.rs`): assign (head), the decision form with a live preview
//! (executor, `decision.rs`), return and sign with key file and PIN, extend, withdraw (the
//! dialogs, `dialog.rs`), and the hand-over with the collector's ИИН and the questionnaire
//! (registrar, `handover.rs`).

mod actions;
mod case_file;
pub mod decision;
pub mod dialog;
pub mod handover;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use iced::widget::{column, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

pub use dialog::{Dialog, Kind};
pub use handover::{Handover, ProxyField};

use super::queues::Choice;
use crate::desk::flow::Target;
use crate::desk::query::ApplicationView;
use crate::domain::policy::Permission;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// The id of the executor list (for focus and for tests).
pub const EXECUTOR_ID: &str = "app-executor";
/// The id of the scrolled column of actions (to bring a field with a problem into view).
pub const ACTIONS_ID: &str = "app-actions";

/// A step that changes the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Assign,
    SaveDraft,
    SubmitDraft,
    Return,
    Sign,
    Extend,
    Withdraw,
    Issue,
    Questionnaire,
    /// At an akimat: the cover letter is ready, it goes to the akim for signature.
    CoverLetterReady,
}

impl Step {
    /// What the notice says once the step went through.
    fn done_key(self) -> &'static str {
        match self {
            Step::Assign => "ui-done-assign",
            Step::SaveDraft => "ui-done-save_draft",
            Step::SubmitDraft => "ui-done-submit_draft",
            Step::Return => "ui-done-return",
            Step::Sign => "ui-done-sign",
            Step::Extend => "ui-done-extend",
            Step::Withdraw => "ui-done-withdraw",
            Step::Issue => "ui-done-issue",
            Step::Questionnaire => "ui-done-questionnaire",
            Step::CoverLetterReady => "ui-done-cover_letter_ready",
        }
    }
}

/// What the screen reads when it opens and after each step.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub view: Box<ApplicationView>,
    /// Staff names by ИИН (for the history).
    pub names: HashMap<String, String>,
    /// The office's active institutions (kk, ru) a decision may name.
    pub institutions: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct State {
    pub id: i64,
    catalog: Arc<crate::domain::catalog::Catalog>,
    pub view: Option<ApplicationView>,
    names: HashMap<String, String>,
    executors: Vec<(i64, String)>,
    pub executor: Option<i64>,
    pub resolution: String,
    /// The executor's draft decision.
    pub draft: decision::Draft,
    /// What the registrar types at issue.
    pub handover: Handover,
    /// The dialog open over the case file.
    pub dialog: Option<Dialog>,
    /// The user's own key file, when the desk knows it (the sign dialog starts with it).
    key_file: String,
    busy: bool,
    pub error: Option<Failure>,
    pub notice: Option<String>,
    /// What printing did (kept apart from `notice`, so "issued" is not replaced by it).
    pub printed: Option<String>,
    /// The print dialog.
    pub print: super::print::State,
}

/// Application screen events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The application read (or why it could not be).
    Loaded(Result<Loaded, Failure>),
    /// The executors a head may assign.
    Executors(Vec<(i64, String)>),
    /// An executor chosen.
    Executor(Choice<i64>),
    /// The head's resolution typed.
    Resolution(String),
    /// Assign the chosen executor.
    Assign,
    /// At an akimat: the cover letter is ready for the akim's signature.
    CoverLetterReady,
    /// The decision form.
    Decision(decision::Message),
    /// The hand-over form and the questionnaire.
    Handover(handover::Message),
    /// Hand the result over to the collector.
    Issue,
    /// Save the questionnaire's answers.
    Questionnaire,
    /// Open a dialog.
    Open(Kind),
    /// Inside the open dialog.
    Dialog(dialog::Message),
    /// Close the dialog.
    Close,
    /// Do what the open dialog is for (return, sign, extend, withdraw).
    Confirm,
    /// A step went through, or the desk refused it.
    Done(Step, Result<(), Failure>),
    /// Open the print dialog on a document (`receipt`, `result`, …).
    Print(String),
    /// The print dialog.
    Paper(super::print::Message),
    /// Show a scan in the viewer.
    ShowScan(i64),
    /// The scan opened in the viewer (`None`: it could not be read).
    Scan(Option<Box<super::scan_view::Viewer>>),
    /// A file dropped on the window: added to the application's scans.
    Dropped(PathBuf),
    /// The dropped files added (how many), or why not.
    Attached(Result<usize, Failure>),
}

/// What the parent does after an event of the screen.
pub enum Action {
    /// Run these tasks.
    Run(Task<Message>),
    /// A step went through (the tasks read the application again).
    Done(Step, Task<Message>),
}

impl Action {
    /// Nothing to do.
    pub fn none() -> Action {
        Action::Run(Task::none())
    }

    /// The tasks to run, whatever the outcome.
    pub fn task(self) -> Task<Message> {
        match self {
            Action::Run(t) | Action::Done(_, t) => t,
        }
    }
}

impl State {
    pub fn new(ctx: &Ctx, id: i64) -> (State, Task<Message>) {
        let key_file = ctx
            .desk
            .default_key_file(&ctx.session.iin)
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let s = State {
            id,
            catalog: ctx.desk.catalog(),
            view: None,
            names: HashMap::new(),
            executors: Vec::new(),
            executor: None,
            resolution: String::new(),
            draft: decision::Draft::default(),
            handover: Handover::default(),
            dialog: None,
            key_file,
            busy: false,
            error: None,
            notice: None,
            printed: None,
            print: super::print::State::default(),
        };
        let mut tasks = vec![s.load(ctx)];
        if ctx.session.may(Permission::Assign) || ctx.session.may(Permission::AkimResolution) {
            let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
            tasks.push(Task::perform(
                blocking(move || desk.executors(&sess).unwrap_or_default()),
                Message::Executors,
            ));
        }
        (s, Task::batch(tasks))
    }

    fn load(&self, ctx: &Ctx) -> Task<Message> {
        let (desk, sess, id) = (ctx.desk.clone(), ctx.session.clone(), self.id);
        Task::perform(
            blocking(move || {
                let view = Box::new(desk.application(&sess, id)?);
                let names = desk.staff_names()?;
                let institutions = desk
                    .institutions()?
                    .into_iter()
                    .filter(|i| i.active)
                    .map(|i| (i.name_kk, i.name_ru))
                    .collect();
                Ok(Loaded {
                    view,
                    names,
                    institutions,
                })
            }),
            |r: Result<_, crate::desk::DeskError>| Message::Loaded(r.map_err(Failure::from)),
        )
    }

    /// Esc: close the print dialog or the dialog first; `false` when there was nothing to
    /// close.
    pub fn escape(&mut self) -> bool {
        if self.print.is_open() {
            self.print.close();
            true
        } else {
            self.dialog.take().is_some()
        }
    }

    /// Runs a step on the desk off the window's thread (one at a time).
    fn act(
        &mut self,
        ctx: &Ctx,
        step: Step,
        f: impl FnOnce(&crate::desk::Desk, &crate::desk::Session, Target) -> crate::desk::Result<()>
        + Send
        + 'static,
    ) -> Task<Message> {
        if self.busy {
            return Task::none();
        }
        self.busy = true;
        self.error = None;
        let version = self.view.as_ref().map(|v| v.app.row_version);
        let (desk, sess, id) = (ctx.desk.clone(), ctx.session.clone(), self.id);
        Task::perform(
            blocking(move || f(&desk, &sess, Target { id, version })),
            move |r| Message::Done(step, r.map_err(Failure::from)),
        )
    }

    fn print(&mut self, ctx: &Ctx, kind: String) -> Task<Message> {
        self.print
            .open(
                ctx,
                super::print::application_paper(self.id.to_string(), kind),
            )
            .map(Message::Paper)
    }

    /// The service of the application on show.
    fn service(&self) -> Option<&crate::domain::catalog::Service> {
        self.view
            .as_ref()
            .and_then(|v| self.catalog.service(&v.app.service))
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Action {
        let t = match m {
            Message::Loaded(r) => {
                self.busy = false;
                match r {
                    Ok(l) => {
                        self.names = l.names;
                        self.draft.institutions = l.institutions;
                        let v = *l.view;
                        if let (Some(d), Some(svc)) = (
                            v.app.decision.as_ref(),
                            self.catalog.service(&v.app.service),
                        ) {
                            self.draft.fill_from(d, svc);
                        }
                        self.executor = v.app.executor_id.or(self.executor);
                        self.view = Some(v);
                        self.draft.schedule_preview().map(Message::Decision)
                    }
                    Err(e) => {
                        self.error = Some(e);
                        Task::none()
                    }
                }
            }
            Message::Executors(e) => {
                self.executors = e;
                Task::none()
            }
            Message::Executor(c) => {
                self.executor = c.value;
                crate::ui::clear_field_errors(&mut self.error, &["executor"]);
                Task::none()
            }
            Message::Resolution(s) => {
                self.resolution = s;
                Task::none()
            }
            Message::CoverLetterReady => self.act(ctx, Step::CoverLetterReady, |d, s, t| {
                d.cover_letter_ready(s, t)
            }),
            Message::Assign => {
                let Some(ex) = self.executor else {
                    self.error = Some(Failure {
                        field: Some("executor".into()),
                        ..Failure::plain("ui-choose-executor")
                    });
                    return Action::none();
                };
                let res = self.resolution.clone();
                self.act(ctx, Step::Assign, move |d, s, t| d.assign(s, t, ex, &res))
            }
            Message::Decision(decision::Message::PreviewTick(g)) => {
                let Some(v) = &self.view else {
                    return Action::none();
                };
                if !actions::preview_wanted(v) {
                    return Action::none();
                }
                match self.service() {
                    Some(svc) => self.draft.preview(ctx, self.id, svc, g),
                    None => Task::none(),
                }
                .map(Message::Decision)
            }
            Message::Decision(m @ (decision::Message::SaveDraft | decision::Message::Submit)) => {
                let Some(input) = self.service().map(|svc| self.draft.input(svc)) else {
                    return Action::none();
                };
                if matches!(m, decision::Message::SaveDraft) {
                    self.act(ctx, Step::SaveDraft, move |d, s, t| {
                        d.save_draft(s, t, &input).map(|_| ())
                    })
                } else {
                    self.act(ctx, Step::SubmitDraft, move |d, s, t| {
                        d.submit_draft(s, t, &input).map(|_| ())
                    })
                }
            }
            Message::Decision(m) => self.draft.update(m, &mut self.error).map(Message::Decision),
            Message::Handover(m) => self
                .handover
                .update(m, ctx, &mut self.error)
                .map(Message::Handover),
            Message::Issue => {
                let applicant = self
                    .view
                    .as_ref()
                    .and_then(|v| v.app.applicant_iin.map(|i| i.as_string()));
                let c = self.handover.collector(applicant.as_deref());
                self.act(ctx, Step::Issue, move |d, s, t| d.issue_to(s, t, &c))
            }
            Message::Questionnaire => {
                let (Some(a), Some(b)) = (self.handover.q1, self.handover.q2) else {
                    return Action::none();
                };
                self.act(ctx, Step::Questionnaire, move |d, s, t| {
                    d.record_questionnaire(s, t, a, b)
                })
            }
            Message::Open(kind) => {
                self.dialog = Some(Dialog::open(kind, &self.key_file));
                self.error = None;
                Task::none()
            }
            Message::Dialog(m) => match &mut self.dialog {
                Some(d) => {
                    let (t, keep) = d.update(m, ctx);
                    if !keep {
                        self.dialog = None;
                    }
                    t.map(Message::Dialog)
                }
                None => Task::none(),
            },
            Message::Close => {
                self.dialog = None;
                Task::none()
            }
            Message::Confirm => self.confirm(ctx),
            Message::Done(step, r) => {
                self.busy = false;
                match r {
                    Ok(()) => {
                        self.dialog = None;
                        self.notice = Some(ctx.t(step.done_key()));
                        self.printed = None;
                        let reload = self.load(ctx);
                        // Issuing prints the signed result for the citizen.
                        let t = if step == Step::Issue {
                            Task::batch([reload, self.print(ctx, "result".into())])
                        } else {
                            reload
                        };
                        return Action::Done(step, t);
                    }
                    Err(e) => {
                        // The form scrolls to the first field that needs fixing.
                        let reveal = match step {
                            Step::SaveDraft | Step::SubmitDraft => decision::reveal_first(&e),
                            Step::Issue => e
                                .fields
                                .first()
                                .map(|m| m.path.as_str())
                                .or(e.field.as_deref())
                                .and_then(handover::input_id)
                                .map(|id| crate::ui::form::reveal(ACTIONS_ID, id)),
                            _ => None,
                        };
                        self.error = Some(e);
                        reveal.unwrap_or_else(Task::none)
                    }
                }
            }
            Message::Print(kind) => self.print(ctx, kind),
            Message::Paper(m) => {
                let t = self.print.update(m, ctx).map(Message::Paper);
                if let Some(d) = self.print.done.take() {
                    self.printed = Some(d);
                }
                t
            }
            Message::ShowScan(aid) => {
                let Some(a) = self
                    .view
                    .as_ref()
                    .and_then(|v| v.attachments.iter().find(|a| a.id == aid).cloned())
                else {
                    return Action::none();
                };
                let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
                Task::perform(
                    blocking(move || {
                        desk.attachment_bytes(&sess, &a).ok().map(|b| {
                            Box::new(super::scan_view::Viewer::open(
                                a.file_name.clone(),
                                &a.mime,
                                b,
                            ))
                        })
                    }),
                    Message::Scan,
                )
            }
            Message::Scan(v) => {
                self.dialog = v.map(Dialog::Scan);
                Task::none()
            }
            Message::Dropped(path) => {
                let (desk, sess, id) = (ctx.desk.clone(), ctx.session.clone(), self.id);
                Task::perform(
                    blocking(move || {
                        let bytes = std::fs::read(&path)
                            .map_err(|e| crate::desk::DeskError::Store(e.into()))?;
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().to_string())
                            .unwrap_or_default();
                        desk.add_scans(
                            &sess,
                            id,
                            vec![crate::desk::intake::NewFile {
                                checklist_item: None,
                                file_name: name,
                                bytes,
                            }],
                        )
                    }),
                    |r| Message::Attached(r.map_err(Failure::from)),
                )
            }
            Message::Attached(r) => match r {
                Ok(_) => self.load(ctx),
                Err(e) => {
                    self.error = Some(e);
                    Task::none()
                }
            },
        };
        Action::Run(t)
    }

    /// Does what the open dialog is for.
    fn confirm(&mut self, ctx: &Ctx) -> Task<Message> {
        match &mut self.dialog {
            Some(Dialog::Return { comment }) => {
                let c = comment.clone();
                self.act(ctx, Step::Return, move |d, s, t| d.return_draft(s, t, &c))
            }
            Some(Dialog::Sign { key_path, pin }) => {
                let (path, pin) = (key_path.clone(), std::mem::take(pin));
                self.act(ctx, Step::Sign, move |d, s, t| {
                    let key = std::fs::read(&path).map_err(|_| {
                        crate::desk::DeskError::Signature(crate::signing::SigError::KeyFileDamaged)
                    })?;
                    d.sign(s, t, &key, &pin).map(|_| ())
                })
            }
            Some(Dialog::Extend { reason }) => {
                let r = reason.clone();
                self.act(ctx, Step::Extend, move |d, s, t| {
                    d.extend(s, t, &r).map(|_| ())
                })
            }
            Some(Dialog::Withdraw { reason }) => {
                let r = reason.clone();
                self.act(ctx, Step::Withdraw, move |d, s, t| {
                    d.withdraw(Some(s), t, &r)
                })
            }
            Some(Dialog::Scan(_)) | None => Task::none(),
        }
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let Some(v) = &self.view else {
            return match &self.error {
                Some(e) => w::error_banner(e.text(l)),
                None => w::muted(ctx.t("ui-loading")),
            };
        };
        let svc = self.catalog.service(&v.app.service);
        let a = &v.app;
        let title = row![
            w::title(a.number.clone()),
            w::status_chip_here(
                l,
                a.status,
                ctx.desk.is_akimat(),
                v.akimat.as_ref().is_some_and(|k| k.result_sha256.is_some())
            ),
            if a.status.is_open() {
                w::due_chip(l, v.time_left)
            } else {
                text("").into()
            },
            w::hfill(),
            w::muted(ctx.t(a.channel.key())),
        ]
        .spacing(theme::M)
        .align_y(Alignment::Center);
        let mut right = column![].spacing(theme::M);
        if let Some(n) = &self.notice {
            right = right.push(w::notice(n, theme::SUCCESS));
        }
        if let Some(n) = &self.printed {
            right = right.push(w::notice(n, theme::INFO));
        }
        if let Some(e) = &self.error
            && self.dialog.is_none()
        {
            right = right.push(w::error_banner(e.text(l)));
        }
        right = right.push(self.actions(ctx, v, svc));
        right = right.push(w::card(case_file::history(ctx, v, &self.names)));
        let body = column![
            title,
            row![
                scrollable(w::card(case_file::view(ctx, v, svc)))
                    .width(Length::FillPortion(5))
                    .height(Length::Fill),
                scrollable(right)
                    .id(ACTIONS_ID)
                    .width(Length::FillPortion(6))
                    .height(Length::Fill),
            ]
            .spacing(theme::M),
        ]
        .spacing(theme::M);
        let base: Element<'_, Message> = body.into();
        if self.print.is_open() {
            return w::modal(
                base,
                self.print.view(ctx).map(Message::Paper),
                Message::Paper(super::print::Message::Close),
            );
        }
        match &self.dialog {
            Some(d) => w::modal(
                base,
                d.view(ctx, self.error.as_ref(), self.busy),
                Message::Close,
            ),
            None => base,
        }
    }
}
