//! The head's list of papers awaiting signature (filter, ticks) and the dialog that signs the
//! ticked ones with one PIN entry.

use iced::widget::{button, checkbox, column, container, row, scrollable, text};
use iced::{Alignment, Element, Length};

use super::{Batch, Message, State};
use crate::i18n::Arg;
use crate::store::queue::Row;
use crate::ui::widget as w;
use crate::ui::{Ctx, theme};

impl State {
    /// Everything awaiting signature, with a filter and ticks to sign several at once.
    pub(super) fn waiting_list<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
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
                scrollable(list).spacing(2).height(Length::Fixed(height)),
            ]
            .spacing(theme::S),
        )
    }

    /// The dialog that signs the ticked papers with one PIN.
    pub(super) fn batch_view<'a>(&'a self, ctx: &Ctx, b: &'a Batch) -> Element<'a, Message> {
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
}
