//! The head's dashboard (counts by status and service, a bar chart of applications per week)
//! and the conflicts the gateway raised.

use iced::widget::{column, container, row, text};
use iced::{Alignment, Element, Length};

use super::{Message, State};
use crate::domain::policy::Permission;
use crate::store::queue::Tab;
use crate::ui::widget as w;
use crate::ui::{Ctx, keys, theme};

impl State {
    pub(super) fn dashboard_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let Some(d) = &self.dashboard else {
            return w::muted(ctx.t("ui-loading"));
        };
        let mut status = row![].spacing(theme::M);
        for (tab, n) in &d.by_status {
            if *tab == Tab::All || *tab == Tab::Withdrawn {
                continue;
            }
            // A fixed width: six cards sit in one line at 1366 px and wrap when narrower.
            status = status.push(
                container(w::card(
                    column![
                        text(crate::i18n::group_digits(*n))
                            .size(theme::H1)
                            .font(theme::BOLD)
                            .color(if *tab == Tab::Overdue {
                                theme::DANGER
                            } else {
                                theme::PRIMARY_DARK
                            }),
                        w::muted(ctx.t(keys::tab(*tab))),
                    ]
                    .spacing(theme::XS),
                ))
                .width(Length::Fixed(200.0)),
            );
        }
        let mut services = column![w::section(ctx.t("ui-dash-services"))].spacing(theme::XS);
        let max = d.by_service.iter().map(|x| x.1).max().unwrap_or(1).max(1);
        for (name, n) in &d.by_service {
            let share = (*n * 100 / max).clamp(1, 100);
            let mut line = row![
                text(name.get(l).to_string())
                    .size(theme::SMALL)
                    .width(Length::Fixed(240.0)),
                container(text(""))
                    .width(Length::FillPortion(share as u16))
                    .height(Length::Fixed(14.0))
                    .style(theme::chip(theme::PRIMARY)),
            ]
            .spacing(theme::S)
            .align_y(Alignment::Center);
            // The rest of the line; none for the longest bar (a zero portion would take the
            // whole line's layout down with it).
            if share < 100 {
                line =
                    line.push(container(text("")).width(Length::FillPortion((100 - share) as u16)));
            }
            services = services.push(
                line.push(
                    text(crate::i18n::group_digits(*n))
                        .size(theme::SMALL)
                        .width(Length::Fixed(60.0)),
                ),
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
            // The cards wrap onto a second line rather than run off a narrow window's edge.
            status.wrap().vertical_spacing(theme::M),
            w::card(services),
            w::card(column![w::section(ctx.t("ui-dash-weeks")), bars].spacing(theme::S)),
        ]
        .spacing(theme::M)
        .into()
    }

    pub(super) fn conflicts_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        if self.conflicts.is_empty() {
            return w::card(w::muted(ctx.t("ui-conflicts-none")));
        }
        let mut c = column![w::muted(ctx.t("ui-conflicts-hint"))].spacing(theme::M);
        for k in &self.conflicts {
            // The kinds the window explains; any other is told as such.
            let (title, hint) = match k.kind.as_str() {
                "foreign_withdrawal" => (
                    "ui-conflict-foreign_withdrawal",
                    "ui-conflict-foreign_withdrawal-hint",
                ),
                "late_withdrawal" => (
                    "ui-conflict-late_withdrawal",
                    "ui-conflict-late_withdrawal-hint",
                ),
                _ => ("ui-conflict-other", "ui-conflict-other-hint"),
            };
            let mut card = column![
                row![
                    text(ctx.t(title))
                        .size(theme::H3)
                        .font(theme::BOLD)
                        .color(theme::WARNING)
                        .width(Length::Fill),
                    w::muted(k.received.clone()),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
                text(ctx.t(hint)).size(theme::BODY),
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
            if ctx.session.may(Permission::ResolveConflicts) {
                actions = actions.push(w::primary(
                    ctx.t("ui-conflict-resolve"),
                    Some(Message::Resolve(k.id)),
                ));
            }
            card = card.push(actions);
            c = c.push(w::card(card));
        }
        c.into()
    }
}
