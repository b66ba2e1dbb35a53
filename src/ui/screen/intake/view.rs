//! The intake form drawn: the applicant, the service and its own fields, the checklist with
//! the scans, and the registered application with its receipt.

use iced::widget::{checkbox, column, container, image, row, scrollable, text, text_editor};
use iced::{Alignment, Element, Length};

use super::{
    CHANNEL_ID, FORM_ID, Message, PersonField, SERVICE_ID, SERVICE_SEARCH_ID, State, find_services,
};
use crate::domain::catalog::FieldStage;
use crate::domain::iin::{Iin, Sex};
use crate::domain::model::Channel;
use crate::i18n::Arg;
use crate::ui::screen::queues::Choice;
use crate::ui::widget as w;
use crate::ui::{Ctx, theme};

fn sex_key(s: Sex) -> &'static str {
    match s {
        Sex::Male => "sex-male",
        Sex::Female => "sex-female",
    }
}

/// The label key of a person's field the clerk changes.
fn person_field_key(f: &str) -> &'static str {
    match f {
        "surname" => "field-surname",
        "given_name" => "field-given_name",
        "patronymic" => "field-patronymic",
        "address" => "field-address",
        "phone" => "field-phone",
        _ => "field-id_document",
    }
}

impl State {
    fn person_value(&self, f: PersonField) -> &str {
        match f {
            PersonField::Surname => &self.surname,
            PersonField::GivenName => &self.given_name,
            PersonField::Patronymic => &self.patronymic,
            PersonField::Address => &self.address,
            PersonField::Phone => &self.phone,
            PersonField::DocNumber => &self.doc_number,
            PersonField::DocIssuedBy => &self.doc_issued_by,
            PersonField::DocIssuedOn => &self.doc_issued_on,
        }
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        if let Some(r) = &self.registered {
            let mut c = column![
                w::title(ctx.t("ui-registered-title")),
                w::pair(ctx.t("doc-unique-number"), r.number.clone()),
                w::pair(ctx.t("doc-due"), crate::i18n::date_long(l, r.due.date)),
            ]
            .spacing(theme::M);
            if let Some(p) = &self.printed {
                c = c.push(w::notice(p, theme::SUCCESS));
            }
            if let Some(e) = &self.error {
                c = c.push(w::error_banner(e.text(l)));
            }
            c = c.push(
                row![
                    w::primary(ctx.t("ui-print-receipt"), Some(Message::Print)),
                    w::secondary(ctx.t("ui-open-application"), Some(Message::Open)),
                    w::secondary(ctx.t("ui-new-application"), Some(Message::New)),
                ]
                .spacing(theme::S),
            );
            if self.print.is_open() {
                // The dialog is laid out over the whole screen, not only over the card.
                return w::modal(
                    container(w::card(c))
                        .width(Length::Fill)
                        .height(Length::Fill)
                        .into(),
                    self.print.view(ctx).map(Message::Paper),
                    Message::Paper(crate::ui::screen::print::Message::Close),
                );
            }
            return w::card(c);
        }
        let cat = &self.catalog;
        let err = |f: &str| self.error.as_ref().and_then(|e| e.for_field(f, l));
        let iin_err = if self.no_iin || self.iin.is_empty() || self.iin.len() < 12 {
            err("iin").map(str::to_string)
        } else {
            Iin::parse(&self.iin)
                .err()
                .map(|e| crate::desk::error::iin_message(l, &e))
        };
        // Applicant.
        let mut who = column![w::section(ctx.t("ui-intake-applicant"))].spacing(theme::S);
        who = who.push(
            row![
                w::text_field(
                    ctx.t("field-iin"),
                    "intake-iin",
                    &self.iin,
                    "000000000000",
                    Message::Iin,
                    Some(Message::Submit),
                    iin_err.as_deref()
                ),
                container(
                    checkbox(self.no_iin)
                        .label(ctx.t("ui-no-iin"))
                        .text_size(theme::BODY)
                        .on_toggle(Message::NoIin)
                )
                // Centred on the input beside it (under its label).
                .padding(iced::padding::top(25).bottom(19)),
            ]
            .spacing(theme::M),
        );
        if let Some(p) = &self.found {
            let birth = p
                .birth_date
                .map(crate::i18n::date_short)
                .unwrap_or_default();
            who = who.push(w::notice(
                &ctx.ta(
                    "ui-person-found",
                    &[
                        ("name", Arg::from(p.full_name())),
                        ("birth", Arg::from(birth)),
                    ],
                ),
                theme::INFO,
            ));
        } else if let Ok(i) = Iin::parse(&self.iin) {
            who = who.push(w::muted(ctx.ta(
                "ui-iin-decoded",
                &[
                    ("birth", Arg::from(crate::i18n::date_short(i.birth_date()))),
                    ("sex", Arg::from(ctx.t(sex_key(i.sex())))),
                ],
            )));
        }
        let person = |f: PersonField| {
            let (label, id, placeholder) = match f {
                PersonField::Surname => ("field-surname", "intake-surname", ""),
                PersonField::GivenName => ("field-given_name", "intake-given", ""),
                PersonField::Patronymic => ("field-patronymic", "intake-patronymic", ""),
                PersonField::Address => ("field-address", "intake-address", ""),
                PersonField::Phone => ("field-phone", "intake-phone", "+7"),
                PersonField::DocNumber => ("ui-doc-number", "intake-doc", ""),
                PersonField::DocIssuedBy => ("ui-doc-issued-by", "intake-doc-by", ""),
                PersonField::DocIssuedOn => ("ui-doc-issued-on", "intake-doc-on", "ui-hint-date"),
            };
            let required = matches!(f, PersonField::Surname | PersonField::GivenName);
            w::text_field(
                if required {
                    format!("{} *", ctx.t(label))
                } else {
                    ctx.t(label)
                },
                id,
                self.person_value(f),
                &if placeholder.starts_with("ui-") {
                    ctx.t(placeholder)
                } else {
                    placeholder.to_string()
                },
                move |v| Message::Person(f, v),
                Some(Message::Submit),
                err(f.path()),
            )
        };
        use PersonField as P;
        for line in [
            &[P::Surname, P::GivenName, P::Patronymic][..],
            &[P::Address, P::Phone],
            &[P::DocNumber, P::DocIssuedBy, P::DocIssuedOn],
        ] {
            who = who.push(
                iced::widget::Row::with_children(line.iter().map(|f| person(*f))).spacing(theme::M),
            );
        }
        // A known person's data changed on purpose: say what changes and ask why.
        let changes = self.person_changes();
        if !changes.is_empty() {
            let names = changes
                .iter()
                .map(|f| ctx.t(person_field_key(f)))
                .collect::<Vec<_>>()
                .join(", ");
            who = who.push(w::notice(
                &ctx.ta("ui-person-changing", &[("fields", Arg::from(names))]),
                theme::WARNING,
            ));
            who = who.push(w::text_field(
                format!("{} *", ctx.t("field-person_change_reason")),
                "intake-person-reason",
                &self.person_reason,
                "",
                Message::PersonReason,
                Some(Message::Submit),
                err("person_change_reason"),
            ));
        }
        // Service and channel.
        // The list shows the short names (a full name runs over two lines in the box); the
        // search below shows the full ones.
        let services: Vec<Choice<String>> = cat
            .services
            .iter()
            .filter(|s| super::offered(ctx, s))
            .map(|s| Choice {
                value: Some(s.code.clone()),
                label: s.short_name.get(l).to_string(),
            })
            .collect();
        let sel = services.iter().find(|c| c.value == self.service).cloned();
        let svc = self.service(cat);
        let allowed: Vec<Channel> = Channel::ALL
            .into_iter()
            .filter(|c| svc.is_none_or(|s| s.channels.contains(c)))
            .filter(|c| super::may_register(ctx, *c))
            .collect();
        let channels: Vec<Choice<Channel>> = allowed
            .iter()
            .map(|c| Choice {
                value: Some(*c),
                label: ctx.t(c.key()),
            })
            .collect();
        let ch_sel = channels.iter().find(|c| c.value == self.channel).cloned();
        let found: Vec<_> = find_services(cat, &self.service_query)
            .into_iter()
            .filter(|s| super::offered(ctx, s))
            .collect();
        let mut what = column![
            w::section(ctx.t("ui-intake-service")),
            row![
                w::text_field(
                    ctx.t("ui-service-search"),
                    SERVICE_SEARCH_ID,
                    &self.service_query,
                    &ctx.t("ui-service-search-hint"),
                    Message::ServiceQuery,
                    Some(Message::ServiceQuerySubmit),
                    None
                ),
                w::field(
                    ctx.t("field-service"),
                    container(
                        w::pick(services, sel, Message::Service)
                            .placeholder(ctx.t("ui-choose-service"))
                            .width(Length::Fill)
                    )
                    .id(SERVICE_ID)
                    .into(),
                    err("service")
                ),
                w::field(
                    ctx.t("field-channel"),
                    container(
                        w::pick(channels, ch_sel, Message::Channel)
                            .placeholder(ctx.t("ui-choose-channel"))
                            .width(Length::Fill)
                    )
                    .id(CHANNEL_ID)
                    .into(),
                    err("channel")
                ),
            ]
            .spacing(theme::M),
        ]
        .spacing(theme::S);
        // What the search finds: Enter takes the first, a click any of them.
        if !self.service_query.trim().is_empty() {
            let mut list = column![].spacing(2);
            if found.is_empty() {
                list = list.push(w::muted(ctx.t("ui-service-none-found")));
            }
            for (i, f) in found.iter().take(6).enumerate() {
                let label = f.name.get(l).to_string();
                let line = if i == 0 {
                    format!("{label} — Enter")
                } else {
                    label.clone()
                };
                list = list.push(
                    iced::widget::button(text(line).size(theme::SMALL))
                        .width(Length::Fill)
                        .padding([4, 8])
                        .style(theme::table_row(i == 0))
                        .on_press(Message::Service(Choice {
                            value: Some(f.code.clone()),
                            label,
                        })),
                );
            }
            what = what.push(container(list).padding(2).style(theme::card));
        }
        let mut checklist = column![].spacing(theme::S);
        if let Some(svc) = svc {
            // The service's full name, as the regulation words it.
            what = what.push(
                text(svc.name.get(l).to_string())
                    .size(theme::SMALL)
                    .font(theme::BOLD),
            );
            if let Some(v) = svc.versions.iter().max_by_key(|v| v.effective_from) {
                let term = v.term_for(self.channel.unwrap_or(Channel::Office));
                what = what.push(w::muted(ctx.ta(
                    "ui-term",
                    &[
                        ("value", Arg::from(term.value)),
                        ("unit", Arg::from(ctx.t(term.unit.key()))),
                    ],
                )));
            }
            let o = self.form_options();
            for f in svc.fields_for(FieldStage::Intake) {
                what = what.push(
                    self.form
                        .view(ctx, f, &o, self.error.as_ref())
                        .map(Message::Form),
                );
            }
            // Checklist.
            checklist = checklist.push(w::section(ctx.t("ui-intake-documents")));
            checklist = checklist.push(w::muted(ctx.t("ui-drop-hint")));
            for d in &svc.documents {
                let n = self
                    .scans
                    .iter()
                    .filter(|s| s.item.as_deref() == Some(d.key.as_str()))
                    .count();
                let active = self.active_item.as_deref() == Some(d.key.as_str());
                // Noto Sans has "•" (a ✓ would fall back to whatever font the PC has); the
                // colour says attached / missing and the scan count says it in words.
                let mark = "•";
                let color = if n > 0 {
                    theme::SUCCESS
                } else if d.mandatory {
                    theme::DANGER
                } else {
                    theme::MUTED
                };
                checklist = checklist.push(
                    row![
                        text(mark)
                            .size(theme::BODY)
                            .color(color)
                            .width(Length::Fixed(16.0)),
                        iced::widget::button(
                            text(format!(
                                "{}{}",
                                d.name.get(l),
                                if d.mandatory { " *" } else { "" }
                            ))
                            .size(theme::SMALL)
                        )
                        .style(theme::table_row(active))
                        .on_press(Message::Select(Some(d.key.clone())))
                        .width(Length::Fill),
                        text(if n > 0 {
                            ctx.ta("ui-scans-n", &[("n", Arg::from(n))])
                        } else {
                            String::new()
                        })
                        .size(theme::SMALL)
                        .color(theme::MUTED),
                        container(w::secondary(
                            ctx.t("ui-attach"),
                            Some(Message::Attach(Some(d.key.clone())))
                        ))
                        .id(format!("attach-{}", d.key)),
                    ]
                    .spacing(theme::S)
                    .align_y(Alignment::Center),
                );
            }
            // When no file dialog opens: the path of the scan, for the selected document.
            if self.no_dialog {
                checklist = checklist.push(w::notice(&ctx.t("ui-no-dialog"), theme::WARNING));
            }
            let target = self
                .active_item
                .as_deref()
                .and_then(|k| svc.document(k))
                .map(|d| d.name.get(l).to_string());
            checklist = checklist.push(
                row![
                    w::input(
                        &ctx.t("ui-scan-path-hint"),
                        &self.scan_path,
                        Message::ScanPath,
                        false
                    )
                    .id("intake-scan-path")
                    .on_submit(Message::LoadScanPath),
                    w::secondary(
                        match &target {
                            Some(t) =>
                                ctx.ta("ui-scan-path-attach", &[("doc", Arg::from(t.clone()))]),
                            None => ctx.t("ui-attach"),
                        },
                        (!self.scan_path.trim().is_empty()).then_some(Message::LoadScanPath)
                    ),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
            );
            if self.missing_mandatory(svc) {
                checklist = checklist.push(w::field(
                    ctx.t("field-missing_reason"),
                    text_editor(&self.missing_reason)
                        .id("intake-missing-reason")
                        .on_action(Message::MissingReason)
                        .height(Length::Fixed(60.0))
                        .into(),
                    err("missing_reason"),
                ));
            }
        }
        // Scans with previews.
        let mut scans = row![].spacing(theme::S);
        for (i, s) in self.scans.iter().enumerate() {
            let item = s
                .item
                .as_deref()
                .and_then(|k| svc.and_then(|v| v.document(k)))
                .map(|d| d.name.get(l).to_string())
                .unwrap_or_else(|| ctx.t("ui-untagged"));
            // Every scan opens in the viewer; a TIFF has no thumbnail of its own.
            let thumb: Element<'_, Message> = match &s.preview {
                Some(h) => iced::widget::button(
                    image(h.clone())
                        .width(Length::Fixed(96.0))
                        .height(Length::Fixed(72.0)),
                )
                .style(theme::secondary)
                .on_press(Message::Preview(Some(i)))
                .into(),
                None => iced::widget::button(
                    container(text("PDF / TIFF").size(theme::SMALL))
                        .width(Length::Fixed(96.0))
                        .height(Length::Fixed(72.0))
                        .center_x(Length::Fixed(96.0))
                        .center_y(Length::Fixed(72.0)),
                )
                .style(theme::secondary)
                .on_press(Message::Preview(Some(i)))
                .into(),
            };
            scans = scans.push(
                column![
                    container(thumb).id(format!("scan-thumb-{i}")),
                    text(s.name.clone()).size(11),
                    text(item).size(11).color(theme::MUTED),
                    w::button_with(
                        ctx.t("ui-remove"),
                        Some(Message::RemoveScan(i)),
                        theme::secondary
                    ),
                ]
                .spacing(2)
                .width(Length::Fixed(120.0)),
            );
        }
        let mut form = column![
            row![
                w::title(ctx.t("ui-intake-title")),
                w::hfill(),
                w::muted(ctx.t("ui-intake-shortcuts"))
            ]
            .align_y(Alignment::Center),
            w::card(who),
            w::card(what),
        ]
        .spacing(theme::M);
        if svc.is_some() {
            form = form.push(w::card(
                column![
                    checklist,
                    scrollable(scans).direction(scrollable::Direction::Horizontal(
                        scrollable::Scrollbar::default()
                    ))
                ]
                .spacing(theme::S),
            ));
        }
        if let Some(e) = &self.error
            && (e.field.is_none()
                || e.key == "fields"
                || e.key == "many"
                || e.key == "missing-documents"
                || e.key.starts_with("attachment"))
        {
            form = form.push(w::error_banner(e.text(l)));
        }
        form = form.push(w::primary(
            ctx.t("ui-register"),
            (!self.busy).then_some(Message::Submit),
        ));
        let base: Element<'_, Message> = scrollable(form.padding([0, theme::M as u16]))
            .id(FORM_ID)
            .height(Length::Fill)
            .into();
        match &self.viewer {
            Some(v) => w::modal(
                base,
                v.view(ctx.lang, Message::Viewer),
                Message::Preview(None),
            ),
            None => base,
        }
    }
}
