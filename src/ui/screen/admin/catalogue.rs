//! The service catalogue for a clerk: a service's editions (those in force first, the others
//! folded away), its documents, the office's own term for it; and the medico-social
//! institutions a special social services decision chooses from.

use iced::widget::{checkbox, column, container, row, text};
use iced::{Element, Length, Task};

use super::{Done, Outcome, Reply, act};
use crate::domain::catalog::{Term, TermUnit};
use crate::domain::model::Lang;
use crate::i18n::Arg;
use crate::store::institutions::InstitutionRow;
use crate::ui::platform::blocking;
use crate::ui::screen::queues::Choice;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

#[derive(Debug)]
pub struct State {
    service: Option<String>,
    /// The edition the office applies to the chosen service (read from the desk).
    chosen: Option<String>,
    term_value: String,
    term_unit: TermUnit,
    term_first_day: bool,
    /// The catalogue's editions no longer in force are shown.
    show_expired: bool,
    /// The medico-social institutions the office keeps, and the new one being typed.
    pub institutions: Vec<InstitutionRow>,
    pub inst_kk: String,
    pub inst_ru: String,
    pub inst_address: String,
    pub outcome: Outcome,
}

impl Default for State {
    fn default() -> Self {
        State {
            service: None,
            chosen: None,
            term_value: String::new(),
            term_unit: TermUnit::WorkingDays,
            term_first_day: false,
            show_expired: false,
            institutions: Vec::new(),
            inst_kk: String::new(),
            inst_ru: String::new(),
            inst_address: String::new(),
            outcome: Outcome::default(),
        }
    }
}

/// Catalogue section events.
#[derive(Debug, Clone)]
pub enum Message {
    /// A service chosen.
    Service(Choice<String>),
    /// The edition the office applies to a service was read.
    Version(String, Option<String>),
    /// The term's number as typed.
    TermValue(String),
    /// The term's unit.
    TermUnit(Choice<TermUnit>),
    /// Whether the day of acceptance counts.
    TermFirstDay(bool),
    /// Save the office's own term.
    SaveTerm,
    /// Go back to the catalogue's term.
    ClearTerm,
    /// Show or fold the editions no longer in force.
    ShowExpired(bool),
    /// The new institution's Kazakh name.
    InstKk(String),
    /// The new institution's Russian name.
    InstRu(String),
    /// The new institution's address.
    InstAddress(String),
    /// Add the institution typed in.
    AddInstitution,
    /// Close (false) or reopen (true) an institution.
    InstitutionActive(i64, bool),
    /// A change ended.
    Done(Done, Result<(), Failure>),
}

impl State {
    /// Reads the edition the office applies to the chosen service.
    fn read_version(&self, ctx: &Ctx) -> Task<Message> {
        let Some(code) = self.service.clone() else {
            return Task::none();
        };
        let desk = ctx.desk.clone();
        Task::perform(
            blocking(move || {
                let v = desk.service_version_id(&code).ok();
                (code, v)
            }),
            |(code, v)| Message::Version(code, v),
        )
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Reply<Message> {
        let t = match m {
            Message::Service(c) => {
                self.service = c.value;
                self.chosen = None;
                self.read_version(ctx)
            }
            Message::Version(code, v) => {
                if self.service.as_deref() == Some(code.as_str()) {
                    let cat = ctx.desk.catalog();
                    if let Some(v) = v
                        .as_deref()
                        .and_then(|v| cat.service(&code).and_then(|s| s.version(v)))
                    {
                        self.term_value = v.term.value.to_string();
                        self.term_unit = v.term.unit;
                        self.term_first_day = v.term.acceptance_day_counted;
                    }
                    self.chosen = v;
                }
                Task::none()
            }
            Message::TermValue(v) => {
                self.term_value = v;
                Task::none()
            }
            Message::TermUnit(c) => {
                self.term_unit = c.value.unwrap_or(TermUnit::WorkingDays);
                Task::none()
            }
            Message::TermFirstDay(b) => {
                self.term_first_day = b;
                Task::none()
            }
            Message::SaveTerm | Message::ClearTerm => {
                let Some(code) = self.service.clone() else {
                    return Reply::none();
                };
                let term = if matches!(m, Message::ClearTerm) {
                    None
                } else {
                    match self.term_value.trim().parse::<u32>() {
                        Ok(v) if v > 0 => Some(Term {
                            value: v,
                            unit: self.term_unit,
                            acceptance_day_counted: self.term_first_day,
                            issue_day_counted: true,
                        }),
                        _ => {
                            self.outcome.fail(Failure {
                                field: Some("term".into()),
                                ..Failure::plain("ui-bad-number")
                            });
                            return Reply::none();
                        }
                    }
                };
                act(
                    ctx,
                    Done::Term,
                    move |d, s| {
                        let v = d.service_version_id(&code)?;
                        d.set_term_override(s, &code, &v, term)
                    },
                    Message::Done,
                )
            }
            Message::ShowExpired(b) => {
                self.show_expired = b;
                Task::none()
            }
            Message::InstKk(v) => {
                self.inst_kk = v;
                Task::none()
            }
            Message::InstRu(v) => {
                self.inst_ru = v;
                Task::none()
            }
            Message::InstAddress(v) => {
                self.inst_address = v;
                Task::none()
            }
            Message::AddInstitution => {
                let (kk, ru, addr) = (
                    self.inst_kk.clone(),
                    self.inst_ru.clone(),
                    self.inst_address.clone(),
                );
                act(
                    ctx,
                    Done::InstitutionAdd,
                    move |d, s| d.add_institution(s, &kk, &ru, &addr).map(|_| ()),
                    Message::Done,
                )
            }
            Message::InstitutionActive(id, active) => act(
                ctx,
                Done::InstitutionActive,
                move |d, s| d.set_institution_active(s, id, active),
                Message::Done,
            ),
            Message::Done(done, r) => {
                if self.outcome.finished(ctx, done, r) {
                    if done == Done::InstitutionAdd {
                        self.inst_kk.clear();
                        self.inst_ru.clear();
                        self.inst_address.clear();
                    }
                    return Reply::Saved(done, self.read_version(ctx));
                }
                Task::none()
            }
        };
        Reply::Run(t)
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        column![self.catalogue_view(ctx), self.institutions_view(ctx)]
            .spacing(theme::M)
            .into()
    }

    fn catalogue_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let cat = ctx.desk.catalog();
        let services: Vec<Choice<String>> = cat
            .services
            .iter()
            .map(|s| Choice {
                value: Some(s.code.clone()),
                label: s.name.get(l).to_string(),
            })
            .collect();
        let sel = services.iter().find(|c| c.value == self.service).cloned();
        let mut c = column![
            w::section(ctx.t("ui-catalogue")),
            container(w::pick(services, sel, Message::Service).width(Length::Fill))
                .id("adm-service")
        ]
        .spacing(theme::S);
        if let Some(svc) = self.service.as_deref().and_then(|code| cat.service(code)) {
            let chosen = self.chosen.clone().unwrap_or_default();
            let today = ctx.desk.today();
            let term = |t: Term| format!("{} {}", t.value, ctx.t(t.unit.key()));
            // For a clerk: the dates, the terms, whether the office applies it; no internal
            // ids or source notes (those are in `mio-desk catalog show`).
            let line_of = |v: &crate::domain::catalog::ServiceVersion| {
                let mut line = match v.effective_to {
                    Some(to) => ctx.ta(
                        "ui-edition-from-to",
                        &[
                            ("from", Arg::from(crate::i18n::date_short(v.effective_from))),
                            ("to", Arg::from(crate::i18n::date_short(to))),
                        ],
                    ),
                    None => ctx.ta(
                        "ui-edition-from",
                        &[("from", Arg::from(crate::i18n::date_short(v.effective_from)))],
                    ),
                };
                line.push_str(&format!(" · {}: {}", ctx.t("field-term"), term(v.term)));
                for ct in &v.channel_terms {
                    line.push_str(&format!(
                        " · {}: {} {}",
                        ctx.t(ct.channel.key()),
                        ct.value,
                        ctx.t(ct.unit.key())
                    ));
                }
                if v.unverified {
                    line.push_str(&format!(" ({})", ctx.t("ui-unverified")));
                }
                line
            };
            let in_force = |v: &crate::domain::catalog::ServiceVersion| {
                v.effective_from <= today && v.effective_to.is_none_or(|to| to >= today)
            };
            // The edition the office applies and those in force first; the others folded.
            let (shown, folded): (Vec<_>, Vec<_>) = svc
                .versions
                .iter()
                .partition(|v| v.id == chosen || in_force(v));
            c = c.push(w::muted(ctx.t("ui-editions")));
            for v in shown {
                let mut line = line_of(v);
                if v.id == chosen {
                    line.push_str(&format!(" · {}", ctx.t("ui-term-current")));
                }
                c = c.push(text(line).size(theme::SMALL).font(if v.id == chosen {
                    theme::BOLD
                } else {
                    theme::FONT
                }));
            }
            if !folded.is_empty() {
                c = c.push(w::secondary(
                    ctx.ta(
                        if self.show_expired {
                            "ui-editions-hide-old"
                        } else {
                            "ui-editions-show-old"
                        },
                        &[("n", Arg::from(folded.len()))],
                    ),
                    Some(Message::ShowExpired(!self.show_expired)),
                ));
                if self.show_expired {
                    for v in folded {
                        c = c.push(w::muted(line_of(v)));
                    }
                }
            }
            c = c.push(w::muted(ctx.t("ui-documents-list")));
            for d in &svc.documents {
                c = c.push(
                    text(format!(
                        "• {}{}",
                        d.name.get(l),
                        if d.mandatory { " *" } else { "" }
                    ))
                    .size(theme::SMALL),
                );
            }
            c = c.push(self.term_form(ctx));
        }
        w::card(c)
    }

    /// The office's own term for the chosen service.
    fn term_form<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let units: Vec<Choice<TermUnit>> = [
            TermUnit::WorkingDays,
            TermUnit::CalendarDays,
            TermUnit::Minutes,
        ]
        .into_iter()
        .map(|u| Choice {
            value: Some(u),
            label: ctx.t(u.key()),
        })
        .collect();
        let usel = units
            .iter()
            .find(|u| u.value == Some(self.term_unit))
            .cloned();
        column![
            w::section(ctx.t("ui-term-override")),
            row![
                w::text_field(
                    ctx.t("field-term"),
                    "adm-term",
                    &self.term_value,
                    "15",
                    Message::TermValue,
                    None,
                    self.outcome
                        .error
                        .as_ref()
                        .and_then(|e| e.for_field("term", l))
                ),
                w::field(
                    ctx.t("ui-unit"),
                    w::pick(units, usel, Message::TermUnit)
                        .width(Length::Fill)
                        .into(),
                    None
                ),
            ]
            .spacing(theme::M),
            checkbox(self.term_first_day)
                .label(ctx.t("ui-first-day-counts"))
                .text_size(theme::BODY)
                .on_toggle(Message::TermFirstDay),
            row![
                w::primary(ctx.t("ui-save"), Some(Message::SaveTerm)),
                w::secondary(ctx.t("ui-term-reset"), Some(Message::ClearTerm))
            ]
            .spacing(theme::S),
        ]
        .spacing(theme::S)
        .into()
    }

    /// The medico-social institutions a special social services decision chooses from.
    fn institutions_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let err = |f: &str| self.outcome.error.as_ref().and_then(|e| e.for_field(f, l));
        let mut c = column![
            w::section(ctx.t("ui-institutions")),
            w::muted(ctx.t("ui-institutions-hint")),
        ]
        .spacing(theme::S);
        for i in &self.institutions {
            let name = if l == Lang::Kk {
                &i.name_kk
            } else {
                &i.name_ru
            };
            let mut line = column![text(name.clone()).size(theme::BODY)];
            if !i.address.is_empty() {
                line = line.push(w::muted(i.address.clone()));
            }
            c = c.push(
                row![
                    line.width(Length::Fill),
                    checkbox(i.active)
                        .label(ctx.t("ui-institution-active"))
                        .text_size(theme::SMALL)
                        .on_toggle(move |v| Message::InstitutionActive(i.id, v)),
                ]
                .spacing(theme::S)
                .align_y(iced::Alignment::Center),
            );
        }
        c = c.push(
            row![
                w::text_field(
                    ctx.t("field-name_kk"),
                    "adm-inst-kk",
                    &self.inst_kk,
                    "",
                    Message::InstKk,
                    None,
                    err("name_kk")
                ),
                w::text_field(
                    ctx.t("field-name_ru"),
                    "adm-inst-ru",
                    &self.inst_ru,
                    "",
                    Message::InstRu,
                    None,
                    err("name_ru")
                ),
            ]
            .spacing(theme::M),
        );
        c = c.push(w::text_field(
            ctx.t("doc-address"),
            "adm-inst-address",
            &self.inst_address,
            "",
            Message::InstAddress,
            Some(Message::AddInstitution),
            None,
        ));
        c = c.push(w::primary(
            ctx.t("ui-institution-add"),
            Some(Message::AddInstitution),
        ));
        w::card(c)
    }
}
