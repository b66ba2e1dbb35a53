//! The exchange with the regional gateway, message by message: what was sent, what is waiting
//! and what failed and why, with "retry" for a failed message and "sync now" for all; and the
//! exchange by hand between an akimat and its department (a package file on a USB stick):
//! write what waits into a package, apply a package that came.

use iced::widget::{column, container, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

use crate::desk::query::OutboxLine;
use crate::i18n::Arg;
use crate::ui::header::GatewayLine;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// The width of the state column: the longest state's chip on one line.
const STATE_W: f32 = 175.0;

/// How many of the latest messages the view lists.
const LIMIT: usize = 200;

#[derive(Debug, Default)]
pub struct State {
    pub lines: Vec<OutboxLine>,
    loaded: bool,
    /// Only what is waiting or failed.
    pub problems_only: bool,
    busy: bool,
    error: Option<Failure>,
    notice: Option<String>,
    /// The package file for the exchange by hand, as typed or chosen.
    pub package: String,
    /// At a department: the akimat the package is for (empty: the one with messages waiting).
    pub package_to: String,
}

/// Gateway view events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The messages were read.
    Loaded(Result<Vec<OutboxLine>, Failure>),
    /// Show everything, or only what waits or failed.
    ProblemsOnly(bool),
    /// Put a failed message back in the queue.
    Retry(i64),
    /// The message was put back, or why not.
    Retried(Result<(), Failure>),
    /// Exchange with the gateway now.
    SyncNow,
    /// Read the list again.
    Reload,
    /// The package file typed.
    Package(String),
    /// The akimat's code typed (at a department).
    PackageTo(String),
    /// Choose the package file (file dialog; `true`: where to write one).
    ChoosePackage(bool),
    /// The file chosen (`None`: the dialog was closed).
    PackageChosen(Option<std::path::PathBuf>),
    /// Write what waits for the other side into the package file.
    Export,
    /// Apply the package file from the other side.
    Import,
    /// The package was written or applied (what to say), or why not.
    Exchanged(Result<String, Failure>),
}

/// What the window does after a gateway-view event.
pub enum Action {
    /// Side effects the window runs.
    Run(Task<Message>),
    /// The window runs the exchange (and refreshes the header).
    SyncNow,
}

impl Action {
    /// Nothing to do.
    pub fn none() -> Action {
        Action::Run(Task::none())
    }
}

impl State {
    pub fn new(ctx: &Ctx) -> (State, Task<Message>) {
        let s = State::default();
        let t = s.load(ctx);
        (s, t)
    }

    pub fn load(&self, ctx: &Ctx) -> Task<Message> {
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        Task::perform(blocking(move || desk.outbox_lines(&sess, LIMIT)), |r| {
            Message::Loaded(r.map_err(Failure::from))
        })
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Action {
        let t = match m {
            Message::Loaded(r) => {
                self.busy = false;
                self.loaded = true;
                match r {
                    Ok(l) => {
                        self.lines = l;
                        self.error = None;
                    }
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
            Message::ProblemsOnly(b) => {
                self.problems_only = b;
                Task::none()
            }
            Message::Retry(id) => {
                if self.busy {
                    return Action::none();
                }
                self.busy = true;
                self.notice = None;
                let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
                Task::perform(blocking(move || desk.outbox_retry(&sess, id)), |r| {
                    Message::Retried(r.map_err(Failure::from))
                })
            }
            Message::Retried(r) => {
                self.busy = false;
                match r {
                    Ok(()) => {
                        self.notice = Some(ctx.t("ui-outbox-retried"));
                        self.error = None;
                        return Action::Run(self.load(ctx));
                    }
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
            Message::SyncNow => return Action::SyncNow,
            Message::Reload => self.load(ctx),
            Message::Package(p) => {
                self.package = p;
                Task::none()
            }
            Message::PackageTo(p) => {
                self.package_to = p.trim().to_uppercase();
                Task::none()
            }
            Message::ChoosePackage(save) => {
                let picker = ctx.platform.picker.clone();
                let title = ctx.t("ui-usb-file");
                let name = format!("{}.json", ctx.desk.office().code);
                Task::perform(
                    async move {
                        if save {
                            picker.save_file(title, name).await
                        } else {
                            picker.pick_file(title).await
                        }
                    },
                    Message::PackageChosen,
                )
            }
            Message::PackageChosen(p) => {
                if let Some(p) = p {
                    self.package = p.display().to_string();
                }
                Task::none()
            }
            Message::Export | Message::Import => {
                if self.busy {
                    return Action::none();
                }
                let path = std::path::PathBuf::from(self.package.trim());
                if self.package.trim().is_empty() {
                    self.error = Some(Failure::plain("ui-usb-file-needed"));
                    return Action::none();
                }
                self.busy = true;
                self.notice = None;
                self.error = None;
                let (desk, sess, lang) = (ctx.desk.clone(), ctx.session.clone(), ctx.lang);
                let export = matches!(m, Message::Export);
                let to = (!self.package_to.is_empty()).then(|| self.package_to.clone());
                Task::perform(
                    blocking(move || {
                        if export {
                            desk.exchange_export_as(&sess, to.as_deref(), &path)
                                .map(|r| r.said(lang, &path))
                        } else {
                            desk.exchange_import_as(&sess, &path).map(|r| r.said(lang))
                        }
                    }),
                    |r| Message::Exchanged(r.map_err(Failure::from)),
                )
            }
            Message::Exchanged(r) => {
                self.busy = false;
                match r {
                    Ok(said) => {
                        self.notice = Some(said);
                        return Action::Run(self.load(ctx));
                    }
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
        };
        Action::Run(t)
    }

    fn summary<'a>(&self, ctx: &Ctx, g: &GatewayLine) -> Element<'a, Message> {
        let state = if !g.configured {
            ctx.t("ui-gw-none")
        } else if g.online {
            ctx.t("ui-gw-online")
        } else {
            ctx.t("ui-gw-offline")
        };
        let mut c = column![
            text(state)
                .size(theme::H3)
                .font(theme::BOLD)
                .color(if g.configured && g.online {
                    theme::SUCCESS
                } else {
                    theme::WARNING
                }),
            w::pair(ctx.t("ui-outbox-pending"), g.pending.to_string()),
            w::pair(ctx.t("ui-outbox-failed-count"), g.failed.to_string()),
            w::pair(
                ctx.t("ui-outbox-oldest"),
                g.oldest_age_minutes
                    .map(|m| w::age(ctx.lang, m))
                    .unwrap_or_else(|| "—".into())
            ),
            w::pair(
                ctx.t("ui-outbox-last-contact"),
                g.last_contact.clone().unwrap_or_else(|| ctx.t("ui-never"))
            ),
        ]
        .spacing(theme::XS);
        if let Some(e) = &g.last_error {
            c = c.push(w::pair(ctx.t("ui-outbox-last-error"), e.clone()));
        }
        let may_sync = g.configured && !self.busy;
        c = c.push(
            row![
                w::primary(
                    ctx.t("ui-gw-sync-now"),
                    may_sync.then_some(Message::SyncNow)
                ),
                w::secondary(ctx.t("ui-refresh"), Some(Message::Reload)),
            ]
            .spacing(theme::S),
        );
        if !g.configured {
            c = c.push(w::muted(ctx.t("ui-gw-configure-hint")));
        }
        w::card(c)
    }

    /// The exchange by hand: a package file written for the other side or applied from it.
    fn by_hand<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let free = !self.busy;
        w::card(
            column![
                w::section(ctx.t("ui-usb-title")),
                w::muted(ctx.t("ui-usb-hint")),
                w::text_field(
                    ctx.t("ui-usb-file"),
                    "gw-package",
                    &self.package,
                    "/media/usb/paket.json",
                    Message::Package,
                    None,
                    None
                ),
                if ctx.desk.is_akimat() {
                    // An akimat writes only for its department.
                    Element::from(text(""))
                } else {
                    w::text_field(
                        ctx.t("ui-usb-to"),
                        "gw-package-to",
                        &self.package_to,
                        &ctx.t("ui-usb-to-hint"),
                        Message::PackageTo,
                        None,
                        None,
                    )
                },
                row![
                    w::secondary(
                        ctx.t("ui-usb-choose-save"),
                        free.then_some(Message::ChoosePackage(true))
                    ),
                    w::secondary(
                        ctx.t("ui-usb-choose-open"),
                        free.then_some(Message::ChoosePackage(false))
                    ),
                ]
                .spacing(theme::S),
                row![
                    w::primary(ctx.t("ui-usb-export"), free.then_some(Message::Export)),
                    w::secondary(ctx.t("ui-usb-import"), free.then_some(Message::Import)),
                ]
                .spacing(theme::S),
            ]
            .spacing(theme::S),
        )
    }

    pub fn view<'a>(&'a self, ctx: &Ctx, g: &GatewayLine) -> Element<'a, Message> {
        let l = ctx.lang;
        let head = |k: &str, w: Length| {
            text(ctx.t(k))
                .size(theme::SMALL)
                .font(theme::BOLD)
                .color(theme::MUTED)
                .width(w)
        };
        let share = Length::FillPortion;
        let header = container(
            row![
                head("ui-outbox-col-created", share(3)),
                head("ui-col-number", share(4)),
                head("ui-outbox-col-message", share(5)),
                // A chip never wraps: the column holds the longest state.
                head("ui-outbox-col-state", Length::Fixed(STATE_W)),
                head("ui-outbox-col-attempts", share(2)),
                head("ui-outbox-col-error", share(6)),
                text("").width(Length::Fixed(110.0)),
            ]
            .spacing(theme::S)
            .padding([6, 10]),
        )
        .style(theme::row_odd);
        let mut list = column![].spacing(0);
        let shown: Vec<&OutboxLine> = self
            .lines
            .iter()
            .filter(|m| !self.problems_only || m.state != "delivered")
            .collect();
        for (i, m) in shown.iter().enumerate() {
            // The kinds the window names; another (a newer program's) shows as it is.
            let kind = match m.kind.as_str() {
                "status_notice" => ctx.t("ui-outbox-kind-status_notice"),
                "akimat_package" => ctx.t("ui-outbox-kind-akimat_package"),
                "akimat_withdraw" => ctx.t("ui-outbox-kind-akimat_withdraw"),
                "akimat_issued" => ctx.t("ui-outbox-kind-akimat_issued"),
                other => other.to_string(),
            };
            let what = match &m.status_text {
                Some(s) => format!("{kind}: {}", s.get(l)),
                None => kind,
            };
            let recipient = m
                .recipient
                .as_ref()
                .map(|r| ctx.ta("ui-outbox-to", &[("who", Arg::from(r.as_str()))]))
                .unwrap_or_default();
            let (state_color, state_key) = match m.state.as_str() {
                "delivered" => (theme::SUCCESS, "ui-outbox-state-delivered"),
                "failed" => (theme::DANGER, "ui-outbox-state-failed"),
                "stopped" => (theme::MUTED, "ui-outbox-state-stopped"),
                _ if m.last_error.is_some() => (theme::WARNING, "ui-outbox-state-retrying"),
                _ => (theme::INFO, "ui-outbox-state-pending"),
            };
            let mut state = column![w::chip(ctx.t(state_key), state_color)].spacing(2);
            if m.state == "pending"
                && let Some(n) = &m.next_attempt
                && m.attempts > 0
            {
                state = state.push(w::muted(
                    ctx.ta("ui-outbox-next", &[("at", Arg::from(n.as_str()))]),
                ));
            }
            if let Some(d) = &m.delivered {
                state = state.push(w::muted(d.clone()));
            }
            // The view opens only for the gateway roles, who may all retry.
            let action: Element<'_, Message> = if m.state == "failed" {
                w::secondary(
                    ctx.t("ui-outbox-retry"),
                    (!self.busy).then_some(Message::Retry(m.id)),
                )
            } else {
                text("").into()
            };
            list = list.push(
                container(
                    row![
                        text(m.created.clone())
                            .size(theme::SMALL)
                            .width(Length::FillPortion(3)),
                        text(m.number.clone().unwrap_or_else(|| "—".into()))
                            .size(theme::SMALL)
                            .width(Length::FillPortion(4)),
                        column![
                            text(what).size(theme::SMALL),
                            text(recipient).size(theme::SMALL).color(theme::MUTED)
                        ]
                        .width(Length::FillPortion(5)),
                        container(state).width(Length::Fixed(STATE_W)),
                        text(m.attempts.to_string())
                            .size(theme::SMALL)
                            .width(Length::FillPortion(2)),
                        text(m.last_error.clone().unwrap_or_default())
                            .size(theme::SMALL)
                            .color(theme::DANGER)
                            .width(Length::FillPortion(6)),
                        container(action).width(Length::Fixed(110.0)),
                    ]
                    .spacing(theme::S)
                    .align_y(Alignment::Center)
                    .padding([6, 10]),
                )
                .style(if i % 2 == 1 {
                    theme::row_odd
                } else {
                    theme::row_even
                }),
            );
        }
        if shown.is_empty() && self.loaded {
            list = list.push(container(w::muted(ctx.t("ui-outbox-empty"))).padding(theme::L));
        }
        let mut page = column![
            row![
                w::title(ctx.t("ui-gateway-title")),
                w::hfill(),
                iced::widget::checkbox(self.problems_only)
                    .label(ctx.t("ui-outbox-problems-only"))
                    .text_size(theme::BODY)
                    .on_toggle(Message::ProblemsOnly),
            ]
            .spacing(theme::M)
            .align_y(Alignment::Center),
        ]
        .spacing(theme::M);
        page = w::with_outcome(
            page,
            self.notice.as_deref(),
            self.error.as_ref().map(|e| e.text(l)),
        );
        page = page.push(
            row![
                column![self.summary(ctx, g), self.by_hand(ctx)]
                    .spacing(theme::M)
                    .width(Length::Fixed(330.0)),
                container(column![
                    header,
                    scrollable(list)
                        .spacing(2)
                        .height(Length::Fill)
                        .width(Length::Fill)
                ])
                .style(theme::card)
                .width(Length::Fill)
                .height(Length::Fill),
            ]
            .spacing(theme::M),
        );
        page.into()
    }
}
