//! The head's desk: results awaiting signature one after another (with the application's own
//! preview, sign and return), a dashboard (counts by status and service, overdue, a bar chart
//! of applications per week), and printing the period report and the journals.

use iced::widget::{button, checkbox, column, container, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

use super::application;
use crate::desk::papers::Dashboard;
use crate::desk::query::ConflictLine;
use crate::i18n::Arg;
use crate::store::queue::{Query, Row, Tab};
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Signing,
    Dashboard,
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
    Section(Section),
    Waiting(Result<Vec<Row>, Failure>),
    App(application::Message),
    Next,
    Open(i64),
    Dashboard(Result<Box<Dashboard>, Failure>),
    From(String),
    To(String),
    PrintReport,
    PrintJournal(&'static str),
    /// The print dialog.
    Paper(super::print::Message),
    /// Show this paper of the list beside it.
    Show(i64),
    /// Tick or untick a paper for signing together.
    Select(i64, bool),
    /// Tick (or untick) every paper the filter shows.
    SelectAll(bool),
    Filter(String),
    /// Open the dialog that signs the ticked papers.
    SignSelected,
    BatchKey(String),
    BatchPin(String),
    BatchSign,
    /// Per paper: its number and the failure, if any.
    #[allow(clippy::type_complexity)]
    BatchDone(Result<Vec<(String, Option<Failure>)>, Failure>),
    BatchClose,
    /// The open sync conflicts were read.
    Conflicts(Result<Vec<ConflictLine>, Failure>),
    /// The head has dealt with a conflict.
    Resolve(i64),
    Resolved(Result<(), Failure>),
}

pub enum Action {
    Run(Task<Message>),
    Open(i64),
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
                let finished = matches!(&m, application::Message::Done("sign" | "return", Ok(())));
                let Some(c) = &mut self.current else {
                    return Action::Run(Task::none());
                };
                let t = c.update(m, ctx).map(Message::App);
                if finished {
                    self.notice = c.notice.clone();
                    return Action::Run(Task::batch([t, self.load_waiting(ctx)]));
                }
                t
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
                if !self.selected.is_empty() {
                    self.batch = Some(Batch {
                        key_path: ctx
                            .desk
                            .default_key_file(&ctx.session.iin)
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                        ..Default::default()
                    });
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
                    return Action::Run(Task::none());
                };
                if b.busy || !b.results.is_empty() {
                    return Action::Run(Task::none());
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
                    return Action::Run(Task::none());
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

    /// Everything awaiting signature, with a filter and ticks to sign several at once.
    fn waiting_list<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let shown: Vec<&Row> = self.shown().collect();
        let all_ticked = !shown.is_empty() && shown.iter().all(|r| self.selected.contains(&r.id));
        let mut list = column![].spacing(2);
        for r in &shown {
            let (id, on) = (r.id, self.selected.contains(&r.id));
            let service = self
                .catalog
                .service(&r.service)
                .map(|s| s.short_name.get(l).to_string())
                .unwrap_or_else(|| r.service.clone());
            let due = crate::i18n::date_short(r.due_date);
            let current = self.current.as_ref().is_some_and(|c| c.id == id);
            list = list.push(
                row![
                    container(checkbox(on).on_toggle(move |b| Message::Select(id, b)))
                        .id(format!("pick-{}", r.number)),
                    button(text(r.number.clone()).size(theme::SMALL).font(if current {
                        theme::BOLD
                    } else {
                        theme::FONT
                    }))
                    .padding([2, 6])
                    .style(theme::tab(current))
                    .on_press(Message::Show(id)),
                    text(r.applicant.clone())
                        .size(theme::SMALL)
                        .width(Length::FillPortion(3)),
                    text(service)
                        .size(theme::SMALL)
                        .color(theme::MUTED)
                        .width(Length::FillPortion(3)),
                    text(due).size(theme::SMALL).width(Length::Fixed(90.0)),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
            );
        }
        let n = self.selected.len();
        let height = (shown.len() as f32 * 30.0).clamp(30.0, 150.0);
        w::card(
            column![
                row![
                    w::section(ctx.ta("ui-head-waiting", &[("n", Arg::from(self.waiting.len()))])),
                    w::hfill(),
                    container(
                        w::input(
                            &ctx.t("ui-head-filter"),
                            &self.filter,
                            Message::Filter,
                            false
                        )
                        .id("head-filter")
                    )
                    .width(Length::Fixed(260.0)),
                    w::secondary(
                        ctx.t(if all_ticked {
                            "ui-head-untick-all"
                        } else {
                            "ui-head-tick-all"
                        }),
                        (!shown.is_empty()).then_some(Message::SelectAll(!all_ticked))
                    ),
                    w::primary(
                        ctx.ta("ui-head-sign-selected", &[("n", Arg::from(n))]),
                        (n > 0).then_some(Message::SignSelected)
                    ),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
                scrollable(list).height(Length::Fixed(height)),
            ]
            .spacing(theme::S),
        )
    }

    /// The dialog that signs the ticked papers with one PIN.
    fn batch_view<'a>(&'a self, ctx: &Ctx, b: &'a Batch) -> Element<'a, Message> {
        let l = ctx.lang;
        let mut c = column![w::section(ctx.ta(
            "ui-batch-title",
            &[(
                "n",
                Arg::from(if b.results.is_empty() {
                    self.selected.len()
                } else {
                    b.results.len()
                })
            )]
        ))]
        .spacing(theme::S);
        if !b.results.is_empty() {
            for (number, e) in &b.results {
                c = c.push(
                    row![
                        text(number.clone())
                            .size(theme::SMALL)
                            .font(theme::BOLD)
                            .width(Length::Fixed(170.0)),
                        match e {
                            None => text(ctx.t("ui-batch-one-signed"))
                                .size(theme::SMALL)
                                .color(theme::SUCCESS),
                            Some(e) => text(e.clone()).size(theme::SMALL).color(theme::DANGER),
                        }
                        .width(Length::Fill),
                    ]
                    .spacing(theme::S),
                );
            }
            c = c.push(w::secondary(ctx.t("ui-close"), Some(Message::BatchClose)));
            return c.into();
        }
        c = c.push(w::muted(ctx.t("ui-batch-hint")));
        let numbers: Vec<String> = self
            .waiting
            .iter()
            .filter(|r| self.selected.contains(&r.id))
            .map(|r| r.number.clone())
            .collect();
        c = c.push(text(numbers.join(", ")).size(theme::SMALL));
        c = c.push(w::text_field(
            ctx.t("ui-sign-key"),
            "batch-key",
            &b.key_path,
            "",
            Message::BatchKey,
            None,
            None,
        ));
        c = c.push(w::field(
            ctx.t("ui-sign-pin"),
            w::input("", &b.pin, Message::BatchPin, false)
                .secure(true)
                .id("batch-pin")
                .on_submit(Message::BatchSign)
                .into(),
            None,
        ));
        if let Some(e) = &b.error {
            c = c.push(w::error_banner(e.text(l)));
        }
        c.push(
            row![
                w::primary(
                    ctx.t("ui-batch-sign"),
                    (!b.busy && !b.pin.is_empty()).then_some(Message::BatchSign)
                ),
                w::secondary(ctx.t("ui-cancel"), (!b.busy).then_some(Message::BatchClose)),
            ]
            .spacing(theme::S),
        )
        .into()
    }

    fn dashboard_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let Some(d) = &self.dashboard else {
            return w::muted(ctx.t("ui-loading"));
        };
        let mut status = row![].spacing(theme::M);
        for (tab, n) in &d.by_status {
            if *tab == Tab::All || *tab == Tab::Withdrawn {
                continue;
            }
            status = status.push(w::card(
                column![
                    text(crate::i18n::group_digits(*n))
                        .size(theme::H1)
                        .font(theme::BOLD)
                        .color(if *tab == Tab::Overdue {
                            theme::DANGER
                        } else {
                            theme::PRIMARY_DARK
                        }),
                    w::muted(ctx.t(&format!("ui-tab-{}", tab.code()))),
                ]
                .spacing(theme::XS),
            ));
        }
        let mut services = column![w::section(ctx.t("ui-dash-services"))].spacing(theme::XS);
        let max = d.by_service.iter().map(|x| x.1).max().unwrap_or(1).max(1);
        for (name, n) in &d.by_service {
            services = services.push(
                row![
                    text(name.get(l).to_string())
                        .size(theme::SMALL)
                        .width(Length::Fixed(120.0)),
                    container(text(""))
                        .width(Length::FillPortion((*n * 100 / max).max(1) as u16))
                        .height(Length::Fixed(14.0))
                        .style(theme::chip(theme::PRIMARY)),
                    container(text(""))
                        .width(Length::FillPortion((100 - (*n * 100 / max)).max(0) as u16)),
                    text(crate::i18n::group_digits(*n))
                        .size(theme::SMALL)
                        .width(Length::Fixed(60.0)),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
            );
        }
        let wmax = d.per_week.iter().map(|x| x.1).max().unwrap_or(1).max(1);
        let mut bars = row![]
            .spacing(theme::S)
            .align_y(Alignment::End)
            .height(Length::Fixed(180.0));
        for (week, n) in &d.per_week {
            let h = 150.0 * (*n as f32) / (wmax as f32);
            bars = bars.push(
                column![
                    text(n.to_string()).size(11),
                    container(text(""))
                        .width(Length::Fixed(34.0))
                        .height(Length::Fixed(h.max(2.0)))
                        .style(theme::chip(theme::PRIMARY)),
                    text(
                        week.split('-')
                            .nth(1)
                            .map(|w| format!("{}{w}", ctx.t("ui-week-short")))
                            .unwrap_or_default()
                    )
                    .size(11)
                    .color(theme::MUTED),
                ]
                .spacing(2)
                .align_x(Alignment::Center),
            );
        }
        column![
            status,
            w::card(services),
            w::card(column![w::section(ctx.t("ui-dash-weeks")), bars].spacing(theme::S)),
        ]
        .spacing(theme::M)
        .into()
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
        let body: Element<'_, Message> = match self.section {
            Section::Signing => match &self.current {
                Some(c) => column![
                    self.waiting_list(ctx),
                    row![
                        w::muted(
                            ctx.ta("ui-head-waiting", &[("n", Arg::from(self.waiting.len()))])
                        ),
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
                            Some(Message::PrintJournal("in"))
                        ),
                        w::secondary(
                            ctx.t("ui-print-journal-out"),
                            Some(Message::PrintJournal("out"))
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

    fn conflicts_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        if self.conflicts.is_empty() {
            return w::card(w::muted(ctx.t("ui-conflicts-none")));
        }
        let mut c = column![w::muted(ctx.t("ui-conflicts-hint"))].spacing(theme::M);
        for k in &self.conflicts {
            let known = matches!(k.kind.as_str(), "foreign_withdrawal" | "late_withdrawal");
            let kind = if known { k.kind.as_str() } else { "other" };
            let mut card = column![
                row![
                    text(ctx.t(&format!("ui-conflict-{kind}")))
                        .size(theme::H3)
                        .font(theme::BOLD)
                        .color(theme::WARNING)
                        .width(Length::Fill),
                    w::muted(k.received.clone()),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
                text(ctx.t(&format!("ui-conflict-{kind}-hint"))).size(theme::BODY),
            ]
            .spacing(theme::XS);
            if let Some(n) = &k.number {
                let mut line = row![w::pair(
                    ctx.t("ui-col-number"),
                    format!("{n} — {}", k.applicant.clone().unwrap_or_default())
                )]
                .spacing(theme::S)
                .align_y(Alignment::Center);
                if let Some(st) = k.status {
                    line = line.push(w::status_chip(l, st));
                }
                card = card.push(line);
            }
            card = card.push(w::pair(
                ctx.t("ui-conflict-sender"),
                k.sender.clone().unwrap_or_else(|| "—".into()),
            ));
            card = card.push(w::pair(
                ctx.t("ui-conflict-origin"),
                k.origin
                    .clone()
                    .unwrap_or_else(|| ctx.t("ui-conflict-origin-office")),
            ));
            card = card.push(w::pair(ctx.t("ui-conflict-detail"), k.detail.clone()));
            let mut actions = row![].spacing(theme::S);
            if let Some(id) = k.application_id {
                actions = actions.push(w::secondary(
                    ctx.t("ui-open-application"),
                    Some(Message::Open(id)),
                ));
            }
            actions = actions.push(w::primary(
                ctx.t("ui-conflict-resolve"),
                Some(Message::Resolve(k.id)),
            ));
            card = card.push(actions);
            c = c.push(w::card(card));
        }
        c.into()
    }
}
