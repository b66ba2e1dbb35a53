//! The head's desk: results awaiting signature one after another (with the application's own
//! preview, sign and return), a dashboard (counts by status and service, overdue, a bar chart
//! of applications per week), and printing the period report and the journals.

mod panels;
mod signing;

use iced::widget::{button, column, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

use super::application;
use crate::desk::papers::Dashboard;
use crate::desk::query::ConflictLine;
use crate::domain::policy::Permission;
use crate::i18n::Arg;
use crate::store::queue::{Query, Row, Tab};
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// The sections of the head's desk (its tabs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Papers awaiting signature.
    Signing,
    /// Counts and the chart.
    Dashboard,
    /// The period report and the journals.
    Reports,
    /// What the gateway asked that this office must not do by itself (never silent).
    Conflicts,
}

pub struct State {
    catalog: std::sync::Arc<crate::domain::catalog::Catalog>,
    pub section: Section,
    pub waiting: Vec<Row>,
    pub current: Option<Box<application::State>>,
    dashboard: Option<Dashboard>,
    pub conflicts: Vec<ConflictLine>,
    pub from: String,
    pub to: String,
    error: Option<Failure>,
    notice: Option<String>,
    /// The print dialog (reports and journals).
    print: super::print::State,
    /// Papers ticked for signing together.
    pub selected: std::collections::BTreeSet<i64>,
    /// The filter of the list (number, applicant or service, any part).
    pub filter: String,
    /// The "sign the selected" dialog: key file and PIN.
    pub batch: Option<Batch>,
}

/// The dialog that signs the selected papers with one PIN entry.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub key_path: String,
    pub pin: String,
    busy: bool,
    error: Option<Failure>,
    /// Per paper: its number and what happened (`None`: signed).
    pub results: Vec<(String, Option<String>)>,
}

/// Head's desk events.
#[derive(Debug, Clone)]
pub enum Message {
    /// Show a section.
    Section(Section),
    /// The papers awaiting signature were read.
    Waiting(Result<Vec<Row>, Failure>),
    /// The paper on show (the application's own screen).
    App(application::Message),
    /// Show the next paper.
    Next,
    /// Open the application's whole case file.
    Open(i64),
    /// The dashboard's figures were read.
    Dashboard(Result<Box<Dashboard>, Failure>),
    /// The report's first day as typed.
    From(String),
    /// The report's last day as typed.
    To(String),
    /// Print the period report.
    PrintReport,
    /// Print a journal (`in` or `out`).
    PrintJournal(&'static str),
    /// The print dialog.
    Paper(super::print::Message),
    /// Show this paper of the list beside it.
    Show(i64),
    /// Tick or untick a paper for signing together.
    Select(i64, bool),
    /// Tick (or untick) every paper the filter shows.
    SelectAll(bool),
    /// The list's filter as typed.
    Filter(String),
    /// Open the dialog that signs the ticked papers.
    SignSelected,
    /// The head's own key file found for the dialog (`None`: none in the keys folder).
    KeyFound(Option<String>),
    /// The key file's path as typed.
    BatchKey(String),
    /// The PIN as typed.
    BatchPin(String),
    /// Sign the ticked papers.
    BatchSign,
    /// Per paper: its number and the failure, if any.
    #[allow(clippy::type_complexity)]
    BatchDone(Result<Vec<(String, Option<Failure>)>, Failure>),
    /// Close the dialog.
    BatchClose,
    /// The open sync conflicts were read.
    Conflicts(Result<Vec<ConflictLine>, Failure>),
    /// The head has dealt with a conflict.
    Resolve(i64),
    /// The conflict was marked as dealt with, or why not.
    Resolved(Result<(), Failure>),
}

/// What the window does after a head's desk event.
pub enum Action {
    /// Side effects the window runs.
    Run(Task<Message>),
    /// Open an application's case file.
    Open(i64),
}

impl Action {
    /// Nothing to do.
    pub fn none() -> Action {
        Action::Run(Task::none())
    }
}

impl State {
    pub fn new(ctx: &Ctx) -> (State, Task<Message>) {
        let today = ctx.desk.today();
        let first = chrono::Datelike::with_day0(&today, 0).unwrap_or(today);
        let s = State {
            catalog: ctx.desk.catalog(),
            section: Section::Signing,
            waiting: Vec::new(),
            current: None,
            dashboard: None,
            conflicts: Vec::new(),
            from: crate::i18n::date_short(first),
            to: crate::i18n::date_short(today),
            error: None,
            notice: None,
            print: super::print::State::default(),
            selected: std::collections::BTreeSet::new(),
            filter: String::new(),
            batch: None,
        };
        let t = Task::batch([s.load_waiting(ctx), s.load_conflicts(ctx)]);
        (s, t)
    }

    fn load_conflicts(&self, ctx: &Ctx) -> Task<Message> {
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        Task::perform(blocking(move || desk.conflict_lines(&sess)), |r| {
            Message::Conflicts(r.map_err(Failure::from))
        })
    }

    /// Another PC changed something: the list awaiting signature and the conflicts are read
    /// again (the paper on show stays while it still awaits signature).
    pub fn changed(&self, ctx: &Ctx) -> Task<Message> {
        Task::batch([self.load_waiting(ctx), self.load_conflicts(ctx)])
    }

    pub fn escape(&mut self) {
        if self.batch.as_ref().is_some_and(|b| !b.busy) {
            self.batch = None;
        } else if self.print.is_open() {
            self.print.close();
        } else if let Some(c) = &mut self.current {
            c.escape();
        }
    }

    /// The waiting papers the filter lets through.
    fn shown(&self) -> impl Iterator<Item = &Row> {
        let words: Vec<String> = self
            .filter
            .split_whitespace()
            .map(|w| w.to_lowercase())
            .collect();
        let cat = self.catalog.clone();
        self.waiting.iter().filter(move |r| {
            let service = cat
                .service(&r.service)
                .map(|s| format!("{} {}", s.name.kk, s.name.ru))
                .unwrap_or_default();
            let hay = format!("{} {} {}", r.number, r.applicant, service).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
    }

    fn load_waiting(&self, ctx: &Ctx) -> Task<Message> {
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        Task::perform(
            blocking(move || {
                desk.queue(
                    &sess,
                    Query {
                        tab: Some(Tab::AwaitingSignature),
                        limit: 200,
                        ..Default::default()
                    },
                )
                .map(|p| p.rows)
            }),
            |r| Message::Waiting(r.map_err(Failure::from)),
        )
    }

    fn open_first(&mut self, ctx: &Ctx) -> Task<Message> {
        match self.waiting.first() {
            Some(r) => {
                let (s, t) = application::State::new(ctx, r.id);
                self.current = Some(Box::new(s));
                t.map(Message::App)
            }
            None => {
                self.current = None;
                Task::none()
            }
        }
    }

    fn print(&mut self, ctx: &Ctx, what: &'static str) -> Task<Message> {
        let parse = |s: &str| crate::domain::fields::parse_date(s);
        let (Some(from), Some(to)) = (parse(&self.from), parse(&self.to)) else {
            self.error = Some(Failure {
                field: Some("period".into()),
                ..Failure::plain("ui-bad-period")
            });
            return Task::none();
        };
        self.error = None;
        self.print
            .open(ctx, move |desk, sess| {
                let content = match what {
                    "report" => desk.period_report(Some(sess), from, to)?,
                    j => desk.journal_content(Some(sess), j, from, to)?,
                };
                desk.report_job(sess, &content)
            })
            .map(Message::Paper)
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Action {
        let t = match m {
            Message::Section(s) => {
                self.section = s;
                match s {
                    Section::Signing => self.load_waiting(ctx),
                    Section::Dashboard => {
                        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
                        Task::perform(blocking(move || desk.dashboard(&sess).map(Box::new)), |r| {
                            Message::Dashboard(r.map_err(Failure::from))
                        })
                    }
                    Section::Reports => Task::none(),
                    Section::Conflicts => self.load_conflicts(ctx),
                }
            }
            Message::Waiting(r) => match r {
                Ok(rows) => {
                    let current = self.current.as_ref().map(|c| c.id);
                    self.waiting = rows;
                    if current.is_none() || !self.waiting.iter().any(|r| Some(r.id) == current) {
                        self.open_first(ctx)
                    } else {
                        Task::none()
                    }
                }
                Err(e) => {
                    self.error = Some(e);
                    Task::none()
                }
            },
            Message::App(m) => {
                let Some(c) = &mut self.current else {
                    return Action::none();
                };
                match c.update(m, ctx) {
                    application::Action::Done(
                        application::Step::Sign | application::Step::Return,
                        t,
                    ) => {
                        self.notice = c.notice.clone();
                        let t = t.map(Message::App);
                        return Action::Run(Task::batch([t, self.load_waiting(ctx)]));
                    }
                    a => a.task().map(Message::App),
                }
            }
            Message::Next => {
                if let Some(c) = &self.current
                    && let Some(i) = self.waiting.iter().position(|r| r.id == c.id)
                {
                    let n = self.waiting.len();
                    self.waiting.rotate_left((i + 1).min(n));
                }
                self.open_first(ctx)
            }
            Message::Open(id) => return Action::Open(id),
            Message::Show(id) => {
                if let Some(i) = self.waiting.iter().position(|r| r.id == id) {
                    let r = self.waiting.remove(i);
                    self.waiting.insert(0, r);
                }
                self.open_first(ctx)
            }
            Message::Select(id, on) => {
                if on {
                    self.selected.insert(id);
                } else {
                    self.selected.remove(&id);
                }
                Task::none()
            }
            Message::SelectAll(on) => {
                let shown: Vec<i64> = self.shown().map(|r| r.id).collect();
                for id in shown {
                    if on {
                        self.selected.insert(id);
                    } else {
                        self.selected.remove(&id);
                    }
                }
                Task::none()
            }
            Message::Filter(f) => {
                self.filter = f;
                Task::none()
            }
            Message::SignSelected => {
                if self.selected.is_empty() {
                    return Action::none();
                }
                self.batch = Some(Batch::default());
                // The head's own key file in the keys folder, looked for off the window's
                // thread.
                let (desk, iin) = (ctx.desk.clone(), ctx.session.iin.clone());
                Task::perform(
                    blocking(move || desk.default_key_file(&iin).map(|p| p.display().to_string())),
                    Message::KeyFound,
                )
            }
            Message::KeyFound(path) => {
                if let (Some(b), Some(path)) = (&mut self.batch, path)
                    && b.key_path.is_empty()
                {
                    b.key_path = path;
                }
                Task::none()
            }
            Message::BatchKey(k) => {
                if let Some(b) = &mut self.batch {
                    b.key_path = k;
                }
                Task::none()
            }
            Message::BatchPin(p) => {
                if let Some(b) = &mut self.batch {
                    b.pin = p;
                    b.error = None;
                }
                Task::none()
            }
            Message::BatchSign => {
                let Some(b) = &mut self.batch else {
                    return Action::none();
                };
                if b.busy || !b.results.is_empty() {
                    return Action::none();
                }
                b.busy = true;
                b.error = None;
                let (path, pin) = (b.key_path.clone(), std::mem::take(&mut b.pin));
                // In the order of the list; each one is checked again by the desk.
                let picked: Vec<(i64, String)> = self
                    .waiting
                    .iter()
                    .filter(|r| self.selected.contains(&r.id))
                    .map(|r| (r.id, r.number.clone()))
                    .collect();
                let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
                Task::perform(
                    blocking(move || {
                        let key = std::fs::read(&path).map_err(|_| {
                            Failure::from(crate::desk::DeskError::Signature(
                                crate::signing::SigError::KeyFileDamaged,
                            ))
                        })?;
                        let targets: Vec<crate::desk::flow::Target> = picked
                            .iter()
                            .map(|(id, _)| crate::desk::flow::Target::id(*id))
                            .collect();
                        let done = desk
                            .sign_many(&sess, &targets, &key, &pin)
                            .map_err(Failure::from)?;
                        Ok::<_, Failure>(
                            done.into_iter()
                                .zip(picked)
                                .map(|(d, (_, number))| (number, d.result.err().map(Failure::from)))
                                .collect(),
                        )
                    }),
                    Message::BatchDone,
                )
            }
            Message::BatchDone(r) => {
                let Some(b) = &mut self.batch else {
                    return Action::none();
                };
                b.busy = false;
                match r {
                    Ok(items) => {
                        let l = ctx.lang;
                        b.results = items
                            .into_iter()
                            .map(|(n, e)| (n, e.map(|e| e.text(l).to_string())))
                            .collect();
                        let ok = b.results.iter().filter(|(_, e)| e.is_none()).count();
                        self.notice = Some(ctx.ta(
                            "ui-batch-signed",
                            &[("n", Arg::from(ok)), ("total", Arg::from(b.results.len()))],
                        ));
                        self.selected.clear();
                        return Action::Run(self.load_waiting(ctx));
                    }
                    Err(e) => b.error = Some(e),
                }
                Task::none()
            }
            Message::BatchClose => {
                if self.batch.as_ref().is_some_and(|b| !b.busy) {
                    self.batch = None;
                }
                Task::none()
            }
            Message::Dashboard(r) => {
                match r {
                    Ok(d) => self.dashboard = Some(*d),
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
            Message::From(s) => {
                self.from = s;
                Task::none()
            }
            Message::To(s) => {
                self.to = s;
                Task::none()
            }
            Message::PrintReport => self.print(ctx, "report"),
            Message::PrintJournal(j) => self.print(ctx, j),
            Message::Conflicts(r) => {
                match r {
                    Ok(c) => self.conflicts = c,
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
            Message::Resolve(id) => {
                let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
                Task::perform(blocking(move || desk.resolve_conflict(&sess, id)), |r| {
                    Message::Resolved(r.map_err(Failure::from))
                })
            }
            Message::Resolved(r) => match r {
                Ok(()) => {
                    self.notice = Some(ctx.t("ui-conflict-resolved"));
                    self.error = None;
                    self.load_conflicts(ctx)
                }
                Err(e) => {
                    self.error = Some(e);
                    Task::none()
                }
            },
            Message::Paper(m) => {
                let t = self.print.update(m, ctx).map(Message::Paper);
                if let Some(d) = self.print.done.take() {
                    self.notice = Some(d);
                }
                t
            }
        };
        Action::Run(t)
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let tab = |s: Section, key: &str| {
            button(text(ctx.t(key)).size(theme::BODY))
                .padding([6, 12])
                .style(theme::tab(self.section == s))
                .on_press(Message::Section(s))
        };
        let conflicts_label = if self.conflicts.is_empty() {
            ctx.t("ui-head-conflicts")
        } else {
            format!("{} · {}", ctx.t("ui-head-conflicts"), self.conflicts.len())
        };
        let on_conflicts = self.section == Section::Conflicts;
        let warn = !self.conflicts.is_empty() && !on_conflicts;
        let conflicts_tab = button(text(conflicts_label).size(theme::BODY))
            .padding([6, 12])
            .style(move |t, st| {
                if warn {
                    theme::warning_tab(t, st)
                } else {
                    theme::tab(on_conflicts)(t, st)
                }
            })
            .on_press(Message::Section(Section::Conflicts));
        let mut page = column![
            row![
                w::title(ctx.t("ui-head-title")),
                w::hfill(),
                tab(Section::Signing, "ui-head-signing"),
                tab(Section::Dashboard, "ui-head-dashboard"),
                tab(Section::Reports, "ui-head-reports"),
                conflicts_tab,
            ]
            .spacing(theme::S)
            .align_y(Alignment::Center),
        ]
        .spacing(theme::M);
        page = w::with_outcome(
            page,
            self.notice.as_deref(),
            self.error.as_ref().map(|e| e.text(l)),
        );
        // Conflicts are never silent: every section of the desk says they are there.
        if !self.conflicts.is_empty() && self.section != Section::Conflicts {
            page = page.push(w::banner(
                row![
                    text(ctx.ta(
                        "ui-conflicts-banner",
                        &[("n", Arg::from(self.conflicts.len()))]
                    ))
                    .size(theme::BODY)
                    .width(Length::Fill),
                    w::secondary(
                        ctx.t("ui-conflicts-review"),
                        Some(Message::Section(Section::Conflicts))
                    ),
                ]
                .spacing(theme::M)
                .align_y(Alignment::Center),
                theme::WARNING,
            ));
        }
        let journals = ctx.session.may(Permission::Journals);
        let body: Element<'_, Message> = match self.section {
            Section::Signing => match &self.current {
                Some(c) => column![
                    self.waiting_list(ctx),
                    // The count is the list's own title above; said once.
                    row![
                        w::hfill(),
                        w::secondary(
                            ctx.t("ui-head-next"),
                            (self.waiting.len() > 1).then_some(Message::Next)
                        ),
                        w::secondary(ctx.t("ui-open-application"), Some(Message::Open(c.id))),
                    ]
                    .spacing(theme::S)
                    .align_y(Alignment::Center),
                    c.view(ctx).map(Message::App),
                ]
                .spacing(theme::M)
                .into(),
                None => w::card(w::muted(ctx.t("ui-head-nothing"))),
            },
            Section::Dashboard => scrollable(self.dashboard_view(ctx))
                .spacing(2)
                .height(Length::Fill)
                .into(),
            Section::Reports => w::card(
                column![
                    w::section(ctx.t("ui-reports-title")),
                    row![
                        w::text_field(
                            ctx.t("ui-from"),
                            "head-from",
                            &self.from,
                            &ctx.t("ui-hint-date"),
                            Message::From,
                            None,
                            None
                        ),
                        w::text_field(
                            ctx.t("ui-to"),
                            "head-to",
                            &self.to,
                            &ctx.t("ui-hint-date"),
                            Message::To,
                            None,
                            None
                        ),
                    ]
                    .spacing(theme::M),
                    row![
                        w::primary(ctx.t("ui-print-report"), Some(Message::PrintReport)),
                        w::secondary(
                            ctx.t("ui-print-journal-in"),
                            journals.then_some(Message::PrintJournal("in"))
                        ),
                        w::secondary(
                            ctx.t("ui-print-journal-out"),
                            journals.then_some(Message::PrintJournal("out"))
                        ),
                    ]
                    .spacing(theme::S),
                ]
                .spacing(theme::M),
            ),
            Section::Conflicts => scrollable(self.conflicts_view(ctx))
                .height(Length::Fill)
                .into(),
        };
        let page: Element<'_, Message> = page.push(body).into();
        if let Some(b) = &self.batch {
            return w::modal(page, self.batch_view(ctx, b), Message::BatchClose);
        }
        if self.print.is_open() {
            return w::modal(
                page,
                self.print.view(ctx).map(Message::Paper),
                Message::Paper(super::print::Message::Close),
            );
        }
        page
    }
}
