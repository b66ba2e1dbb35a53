//! The queues (home): tabs with live counts, filters, search by ИИН / name / number, and a
//! list in keyset pages that loads more as it scrolls, with due-date chips.

use std::fmt;

use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

use crate::domain::deadline::TimeLeft;
use crate::domain::model::Channel;
use crate::domain::policy::Permission;
use crate::i18n::Arg;
use crate::store::queue::{Cursor, Page, Query, Row, Search, Sort, Tab};
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

pub const SEARCH_ID: &str = "queue-search";
const PAGE: usize = 50;

// The table's columns, shared by the header and the rows. The number, the channel and the two
// chips have a known longest text, so they get fixed widths that hold it on one line (a chip
// never wraps); the rest of the width goes to the columns of free text, the service name
// first: at 1366 px it takes at most two lines and an executor's name fits on one.
// Room for the longest number in bold with the "new for me" dot before it.
const COL_NUMBER: Length = Length::Fixed(150.0);
const COL_APPLICANT: Length = Length::FillPortion(3);
const COL_SERVICE: Length = Length::FillPortion(3);
const COL_CHANNEL: Length = Length::Fixed(60.0);
/// Holds the longest status chip, Kazakh `status-signed`.
const COL_STATUS: Length = Length::Fixed(200.0);
/// Holds a three-digit Russian overdue chip (`ui-due-overdue-days` with 120).
const COL_DUE: Length = Length::Fixed(185.0);
const COL_EXECUTOR: Length = Length::FillPortion(2);

/// An option of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice<T> {
    pub value: Option<T>,
    pub label: String,
}

impl<T> fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// The period filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    All,
    Today,
    Week,
    Month,
    Quarter,
}

impl Period {
    const ALL: [Period; 5] = [
        Period::All,
        Period::Today,
        Period::Week,
        Period::Month,
        Period::Quarter,
    ];
    fn key(self) -> &'static str {
        match self {
            Period::All => "ui-period-all",
            Period::Today => "ui-period-today",
            Period::Week => "ui-period-week",
            Period::Month => "ui-period-month",
            Period::Quarter => "ui-period-quarter",
        }
    }
    fn days(self) -> Option<i64> {
        match self {
            Period::All => None,
            Period::Today => Some(0),
            Period::Week => Some(7),
            Period::Month => Some(30),
            Period::Quarter => Some(91),
        }
    }
}

/// A line with its time left.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub row: Row,
    pub left: TimeLeft,
    /// At an akimat: the akim's step it is at and that step's own due date.
    pub step: Option<crate::desk::StepDue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub lines: Vec<Line>,
    pub next: Option<Cursor>,
}

#[derive(Debug, Default)]
pub struct State {
    pub tab: Option<Tab>,
    pub counts: Vec<(Tab, i64)>,
    pub lines: Vec<Line>,
    next: Option<Cursor>,
    loading: bool,
    pub search: String,
    generation: u64,
    service: Option<String>,
    channel: Option<Channel>,
    executor: Option<i64>,
    period: Period,
    executors: Vec<(i64, String)>,
    /// The column the list is sorted by, and whether from the largest.
    sort: Sort,
    descending: bool,
    error: Option<Failure>,
    /// Applications another PC changed since this user last opened them (marked as new).
    pub new: std::collections::BTreeSet<i64>,
}

/// Queue events.
#[derive(Debug, Clone)]
pub enum Message {
    /// Show a tab.
    Tab(Tab),
    /// The search as typed (it runs a moment after the last key).
    Search(String),
    /// The search's pause ended (the number tells a stale one from the latest).
    SearchFire(u64),
    /// The service filter.
    Service(Choice<String>),
    /// The channel filter.
    Channel(Choice<Channel>),
    /// The executor filter.
    Executor(Choice<i64>),
    /// The period filter.
    Period(Choice<Period>),
    /// A column's header clicked: sort by it, or the other way round when it already is.
    SortBy(Sort),
    /// A page was read: for which reload, whether it adds to the list, the lines.
    Loaded(u64, bool, Result<Loaded, Failure>),
    /// The tabs' counts were read.
    Counts(Result<Vec<(Tab, i64)>, Failure>),
    /// The executors (for the filter) were read.
    Executors(Vec<(i64, String)>),
    /// Load the next page.
    More,
    /// The list was scrolled (near its end the next page loads).
    Scrolled(scrollable::Viewport),
    /// Open an application.
    Open(i64),
}

/// What the window does after a queue event.
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
        let mut s = State {
            tab: Some(default_tab(ctx)),
            ..Default::default()
        };
        let execs = if ctx.session.may(Permission::ListExecutors) {
            let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
            Task::perform(
                blocking(move || desk.executors(&sess).unwrap_or_default()),
                Message::Executors,
            )
        } else {
            Task::none()
        };
        let t = s.reload(ctx);
        (s, Task::batch([t, execs]))
    }

    fn query(&self, ctx: &Ctx) -> Query {
        let search = Search::classify(&self.search);
        Query {
            // A search looks through every tab.
            tab: if search.is_some() {
                Some(Tab::All)
            } else {
                self.tab
            },
            service: self.service.clone(),
            channel: self.channel,
            executor: self.executor,
            accepted_from: self.period.days().map(|d| {
                ctx.desk
                    .day_start_utc(ctx.desk.today() - chrono::Duration::days(d))
            }),
            accepted_to: None,
            search,
            sort: self.sort,
            descending: self.descending,
            after: None,
            limit: PAGE,
            today: String::new(),
            viewer: None,
        }
    }

    /// Reloads the first page and the counts (the filters changed).
    fn reload(&mut self, ctx: &Ctx) -> Task<Message> {
        self.generation += 1;
        self.loading = true;
        self.next = None;
        Task::batch([self.fetch(ctx, None, false), self.fetch_counts(ctx)])
    }

    /// Another PC changed something: the first page and the counts are read again (the
    /// changed lines are marked from `new`).
    pub fn changed(&mut self, ctx: &Ctx) -> Task<Message> {
        if self.next.is_some() && self.lines.len() > PAGE {
            // The user scrolled further: keep the place, only the counts move.
            return self.fetch_counts(ctx);
        }
        self.reload(ctx)
    }

    /// Refreshes what is shown without losing the place (periodic).
    pub fn refresh(&mut self, ctx: &Ctx) -> Task<Message> {
        self.fetch_counts(ctx)
    }

    fn fetch(&self, ctx: &Ctx, after: Option<Cursor>, append: bool) -> Task<Message> {
        let mut q = self.query(ctx);
        q.after = after;
        let (desk, sess, generation) = (ctx.desk.clone(), ctx.session.clone(), self.generation);
        Task::perform(
            blocking(move || {
                let page: Page = desk.queue(&sess, q)?;
                let lines = page
                    .rows
                    .into_iter()
                    .map(|r| Line {
                        left: desk.time_left(r.due_date, r.due_at),
                        step: desk.akimat_step(&r),
                        row: r,
                    })
                    .collect();
                Ok(Loaded {
                    lines,
                    next: page.next,
                })
            }),
            move |r: Result<Loaded, crate::desk::DeskError>| {
                Message::Loaded(generation, append, r.map_err(Failure::from))
            },
        )
    }

    fn fetch_counts(&self, ctx: &Ctx) -> Task<Message> {
        let mut q = self.query(ctx);
        q.search = None;
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        Task::perform(blocking(move || desk.queue_counts(&sess, q)), |r| {
            Message::Counts(r.map_err(Failure::from))
        })
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Action {
        let t = match m {
            Message::Tab(t) => {
                self.tab = Some(t);
                self.search.clear();
                (self.sort, self.descending) = Sort::default_for(t);
                self.reload(ctx)
            }
            Message::Search(s) => {
                self.search = s;
                self.generation += 1;
                let g = self.generation;
                Task::perform(
                    async { tokio::time::sleep(std::time::Duration::from_millis(250)).await },
                    move |_| Message::SearchFire(g),
                )
            }
            Message::SearchFire(g) if g == self.generation => self.reload(ctx),
            Message::SearchFire(_) => Task::none(),
            Message::Service(c) => {
                self.service = c.value;
                self.reload(ctx)
            }
            Message::Channel(c) => {
                self.channel = c.value;
                self.reload(ctx)
            }
            Message::Executor(c) => {
                self.executor = c.value;
                self.reload(ctx)
            }
            Message::Period(c) => {
                self.period = c.value.unwrap_or_default();
                self.reload(ctx)
            }
            Message::SortBy(s) => {
                self.descending = s == self.sort && !self.descending;
                self.sort = s;
                self.reload(ctx)
            }
            Message::Loaded(g, append, r) => {
                if g == self.generation {
                    self.loading = false;
                    match r {
                        Ok(l) => {
                            if append {
                                self.lines.extend(l.lines);
                            } else {
                                self.lines = l.lines;
                            }
                            self.next = l.next;
                            self.error = None;
                        }
                        Err(e) => self.error = Some(e),
                    }
                }
                Task::none()
            }
            Message::Counts(r) => {
                if let Ok(c) = r {
                    self.counts = c;
                }
                Task::none()
            }
            Message::Executors(e) => {
                self.executors = e;
                Task::none()
            }
            Message::More => self.more(ctx),
            Message::Scrolled(v) => {
                if v.relative_offset().y > 0.92 {
                    self.more(ctx)
                } else {
                    Task::none()
                }
            }
            Message::Open(id) => return Action::Open(id),
        };
        Action::Run(t)
    }

    fn more(&mut self, ctx: &Ctx) -> Task<Message> {
        match (&self.next, self.loading) {
            (Some(c), false) => {
                self.loading = true;
                self.fetch(ctx, Some(c.clone()), true)
            }
            _ => Task::none(),
        }
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let tabs = [
            Tab::Registered,
            Tab::InWork,
            Tab::AwaitingSignature,
            Tab::ToIssue,
            Tab::Issued,
            Tab::Overdue,
            Tab::All,
        ];
        let mut tab_row = row![].spacing(theme::XS);
        for t in tabs {
            let key = crate::ui::keys::tab(t);
            let n = self
                .counts
                .iter()
                .find(|(x, _)| *x == t)
                .map(|x| x.1)
                .unwrap_or(0);
            let active = self.tab == Some(t) && self.search.trim().is_empty();
            let label = format!("{} · {}", ctx.t(key), crate::i18n::group_digits(n));
            tab_row = tab_row.push(
                button(text(label).size(theme::SMALL).font(if active {
                    theme::BOLD
                } else {
                    theme::FONT
                }))
                .padding([6, 10])
                .style(theme::tab(active))
                .on_press(Message::Tab(t)),
            );
        }
        let cat = ctx.desk.catalog();
        let all = |k: &str| ctx.t(k);
        let mut services = vec![Choice {
            value: None,
            label: all("ui-filter-all-services"),
        }];
        services.extend(cat.services.iter().map(|s| Choice {
            value: Some(s.code.clone()),
            label: s.short_name.get(l).to_string(),
        }));
        let service_sel = services.iter().find(|c| c.value == self.service).cloned();
        let mut channels = vec![Choice {
            value: None,
            label: all("ui-filter-all-channels"),
        }];
        channels.extend(Channel::ALL.iter().map(|c| Choice {
            value: Some(*c),
            label: ctx.t(c.key()),
        }));
        let channel_sel = channels.iter().find(|c| c.value == self.channel).cloned();
        let mut execs = vec![Choice {
            value: None,
            label: all("ui-filter-all-executors"),
        }];
        execs.extend(self.executors.iter().map(|(id, n)| Choice {
            value: Some(*id),
            label: n.clone(),
        }));
        let exec_sel = execs.iter().find(|c| c.value == self.executor).cloned();
        let periods: Vec<Choice<Period>> = Period::ALL
            .iter()
            .map(|p| Choice {
                value: Some(*p),
                label: ctx.t(p.key()),
            })
            .collect();
        let period_sel = periods
            .iter()
            .find(|c| c.value == Some(self.period))
            .cloned();
        let mut filters = row![
            w::input(
                &ctx.t("ui-search-placeholder"),
                &self.search,
                Message::Search,
                false
            )
            .id(SEARCH_ID)
            .width(Length::FillPortion(3)),
            w::pick(services, service_sel, Message::Service)
                .text_size(theme::SMALL)
                .width(Length::FillPortion(2)),
            w::pick(channels, channel_sel, Message::Channel)
                .text_size(theme::SMALL)
                .width(Length::FillPortion(2)),
        ]
        .spacing(theme::S)
        .align_y(Alignment::Center);
        if !self.executors.is_empty() {
            filters = filters.push(
                w::pick(execs, exec_sel, Message::Executor)
                    .text_size(theme::SMALL)
                    .width(Length::FillPortion(2)),
            );
        }
        filters = filters.push(
            w::pick(periods, period_sel, Message::Period)
                .text_size(theme::SMALL)
                .width(Length::FillPortion(2)),
        );

        let head = |k: &str, width: Length| {
            text(ctx.t(k))
                .size(theme::SMALL)
                .font(theme::BOLD)
                .color(theme::MUTED)
                .width(width)
        };
        // A sortable column's header is a button; the sorted one shows its direction.
        let sortable = |k: &str, by: Sort, width: Length| {
            let mark = match (self.sort == by, self.descending) {
                (false, _) => "",
                (true, false) => " ▲",
                (true, true) => " ▼",
            };
            button(
                text(format!("{}{mark}", ctx.t(k)))
                    .size(theme::SMALL)
                    .font(theme::BOLD)
                    .color(theme::MUTED),
            )
            .padding(0)
            .style(button::text)
            .on_press(Message::SortBy(by))
            .width(width)
        };
        // The issued and withdrawn tabs show when each was closed, most recent first.
        let closed =
            matches!(self.tab, Some(Tab::Issued | Tab::Withdrawn)) && self.search.trim().is_empty();
        let header = container(
            row![
                sortable("ui-col-number", Sort::Number, COL_NUMBER),
                sortable("ui-col-applicant", Sort::Applicant, COL_APPLICANT),
                head("ui-col-service", COL_SERVICE),
                head("ui-col-channel", COL_CHANNEL),
                head("ui-col-status", COL_STATUS),
                if closed {
                    sortable("ui-col-closed", Sort::Changed, COL_DUE)
                } else {
                    sortable("ui-col-due", Sort::Due, COL_DUE)
                },
                head("ui-col-executor", COL_EXECUTOR),
            ]
            .spacing(theme::S)
            .padding([6, 10]),
        )
        .style(theme::row_odd);
        let mut list = column![].spacing(0);
        for (i, line) in self.lines.iter().enumerate() {
            let r = &line.row;
            let service = cat
                .service(&r.service)
                .map(|s| s.short_name.get(l).to_string())
                .unwrap_or_else(|| r.service.clone());
            let applicant = column![
                text(r.applicant.clone()).size(theme::BODY),
                text(r.iin.clone().unwrap_or_default())
                    .size(theme::SMALL)
                    .color(theme::MUTED),
            ];
            // A closed application has no chip: its date alone, centred like the other cells.
            let shown = if closed {
                ctx.desk.local(r.status_since).date()
            } else {
                r.due_date
            };
            let mut due =
                column![text(crate::i18n::date_short(shown)).size(theme::SMALL),].spacing(2);
            if r.status.is_open() {
                due = due.push(w::due_chip(l, line.left));
            }
            if let Some(step) = &line.step {
                // The akim's own step and its norm's last day, coloured as the chips are.
                due = due.push(
                    text(ctx.ta(
                        crate::ui::keys::akimat_step(step.status),
                        &[("date", Arg::from(crate::i18n::date_short(step.due)))],
                    ))
                    .size(theme::SMALL)
                    .color(theme::due_color(step.left)),
                );
            }
            let number: Element<'_, Message> = if r.new || self.new.contains(&r.id) {
                // Someone else moved it on (here or on another PC) since this user last
                // opened it.
                row![
                    text("●").size(theme::SMALL).color(theme::INFO),
                    text(r.number.clone()).size(theme::SMALL).font(theme::BOLD),
                ]
                .spacing(theme::XS)
                .width(COL_NUMBER)
                .into()
            } else {
                text(r.number.clone())
                    .size(theme::SMALL)
                    .width(COL_NUMBER)
                    .into()
            };
            let cells = row![
                number,
                container(applicant).width(COL_APPLICANT),
                text(service).size(theme::SMALL).width(COL_SERVICE),
                text(ctx.t(crate::ui::keys::channel_short(r.channel)))
                    .size(theme::SMALL)
                    .width(COL_CHANNEL),
                container(w::status_chip_here(
                    l,
                    r.status,
                    ctx.desk.is_akimat(),
                    r.result_back
                ))
                .width(COL_STATUS),
                container(due).width(COL_DUE),
                text(r.executor.clone().unwrap_or_default())
                    .size(theme::SMALL)
                    .width(COL_EXECUTOR),
            ]
            .spacing(theme::S)
            .align_y(Alignment::Center);
            list = list.push(
                button(cells)
                    .padding([6, 10])
                    .width(Length::Fill)
                    .style(theme::table_row(i % 2 == 1))
                    .on_press(Message::Open(r.id)),
            );
        }
        if self.lines.is_empty() && !self.loading {
            list = list.push(container(w::muted(ctx.t("ui-queue-empty"))).padding(theme::L));
        }
        if self.next.is_some() {
            list = list.push(
                container(w::secondary(
                    ctx.t("ui-load-more"),
                    (!self.loading).then_some(Message::More),
                ))
                .padding(theme::S),
            );
        }
        let mut page = column![
            row![
                w::title(ctx.t("ui-queues-title")),
                w::hfill(),
                w::muted(ctx.ta("ui-shown", &[("n", Arg::from(self.lines.len()))])),
            ]
            .align_y(Alignment::Center),
            tab_row,
            filters,
        ]
        .spacing(theme::M);
        if let Some(e) = &self.error {
            page = page.push(w::error_banner(e.text(l)));
        }
        page = page.push(
            container(column![
                header,
                // The scroll bar takes its own strip rather than covering the last column.
                scrollable(list)
                    .spacing(2)
                    .on_scroll(Message::Scrolled)
                    .height(Length::Fill),
            ])
            .style(theme::card)
            .height(Length::Fill),
        );
        page.into()
    }
}

/// The tab a user starts on.
fn default_tab(ctx: &Ctx) -> Tab {
    let s = &ctx.session;
    if s.may(Permission::Intake) {
        Tab::Registered
    } else if s.may(Permission::SaveDraft) {
        Tab::InWork
    } else if s.may(Permission::Reports) {
        Tab::AwaitingSignature
    } else {
        Tab::All
    }
}
