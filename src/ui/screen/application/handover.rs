//! The hand-over of the result: the collector's ИИН (empty until typed from their identity
//! document); a collector who is not the applicant needs a power of attorney and its scan.
//! Then the applicant's answers to the quality questionnaire.

use std::path::PathBuf;
use std::sync::Arc;

use iced::widget::{column, container, radio, row, text};
use iced::{Alignment, Element, Length, Task};

use super::Message as AppMessage;
use crate::desk::handover::{Collector, ProxyInput};
use crate::desk::query::ApplicationView;
use crate::domain::iin::Iin;
use crate::i18n::Arg;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// What the registrar types at issue.
#[derive(Debug, Default, Clone)]
pub struct Handover {
    /// The collector's ИИН (digits only).
    pub collector: String,
    /// The collector's name and power of attorney, when the collector is not the applicant.
    pub proxy: ProxyForm,
    /// The answers to the two questions of the questionnaire (3 good … 1 bad).
    pub q1: Option<u8>,
    pub q2: Option<u8>,
}

/// What the registrar types from a power of attorney at issue.
#[derive(Debug, Default, Clone)]
pub struct ProxyForm {
    pub name: String,
    pub number: String,
    pub date: String,
    pub valid_until: String,
    pub issuer: String,
    pub principal_iin: String,
    /// The scan: file name and bytes.
    pub scan: Option<(String, Arc<Vec<u8>>)>,
    /// A path typed when no file dialog opens.
    pub path: String,
}

/// A field of the power-of-attorney form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyField {
    Name,
    Number,
    Date,
    ValidUntil,
    Issuer,
    PrincipalIin,
    Path,
}

/// Hand-over events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The collector's ИИН typed (digits only are kept).
    Collector(String),
    /// Typing in the power-of-attorney form.
    Proxy(ProxyField, String),
    /// Open the file dialog for the power of attorney's scan.
    PickProxyScan,
    /// Take the scan from the path typed (when no dialog opens).
    LoadProxyPath,
    /// The file the dialog gave (none: nothing chosen).
    ProxyPicked(Option<PathBuf>),
    /// The scan's file read: its name and bytes, or the path that could not be read.
    ProxyRead(Result<(String, Vec<u8>), String>),
    /// The answer to the first question of the questionnaire.
    Q1(u8),
    /// The answer to the second question.
    Q2(u8),
}

/// The error paths and the ids of their inputs.
const IDS: [(&str, &str); 8] = [
    ("iin", "app-collector"),
    ("collector_iin", "app-collector"),
    ("collector_name", "app-collector-name"),
    ("proxy_number", "app-proxy-number"),
    ("proxy_date", "app-proxy-date"),
    ("proxy_valid_until", "app-proxy-until"),
    ("proxy_issuer", "app-proxy-issuer"),
    ("proxy_principal_iin", "app-proxy-principal"),
];

/// The id of the input an error path of the hand-over belongs to.
pub fn input_id(path: &str) -> Option<&'static str> {
    if path == "proxy_scan" {
        return Some("app-proxy-attach");
    }
    IDS.iter().find(|(p, _)| *p == path).map(|(_, id)| *id)
}

impl Handover {
    /// Applies an event; the error of the field it fixes goes.
    pub fn update(&mut self, m: Message, ctx: &Ctx, error: &mut Option<Failure>) -> Task<Message> {
        let clear = |error: &mut Option<Failure>, paths: &[&str]| {
            crate::ui::clear_field_errors(error, paths);
        };
        match m {
            Message::Collector(s) => {
                self.collector = s.chars().filter(|c| c.is_ascii_digit()).take(12).collect();
                clear(error, &["iin", "collector_iin", "proxy_principal_iin"]);
            }
            Message::Proxy(f, v) => {
                let p = &mut self.proxy;
                let (slot, path) = match f {
                    ProxyField::Name => (&mut p.name, "collector_name"),
                    ProxyField::Number => (&mut p.number, "proxy_number"),
                    ProxyField::Date => (&mut p.date, "proxy_date"),
                    ProxyField::ValidUntil => (&mut p.valid_until, "proxy_valid_until"),
                    ProxyField::Issuer => (&mut p.issuer, "proxy_issuer"),
                    ProxyField::PrincipalIin => (&mut p.principal_iin, "proxy_principal_iin"),
                    ProxyField::Path => (&mut p.path, "proxy_scan"),
                };
                *slot = if f == ProxyField::PrincipalIin {
                    v.chars().filter(|c| c.is_ascii_digit()).take(12).collect()
                } else {
                    v
                };
                clear(error, &[path]);
            }
            Message::PickProxyScan => {
                let picker = ctx.platform.picker.clone();
                let title = ctx.t("field-proxy_scan");
                return Task::perform(
                    async move { picker.pick_file(title).await },
                    Message::ProxyPicked,
                );
            }
            Message::LoadProxyPath => {
                let p = self.proxy.path.trim().to_string();
                if !p.is_empty() {
                    return Task::done(Message::ProxyPicked(Some(PathBuf::from(p))));
                }
            }
            Message::ProxyPicked(None) => {}
            Message::ProxyPicked(Some(path)) => {
                return Task::perform(
                    blocking(move || {
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().to_string())
                            .unwrap_or_default();
                        std::fs::read(&path)
                            .map(|b| (name, b))
                            .map_err(|_| path.display().to_string())
                    }),
                    Message::ProxyRead,
                );
            }
            Message::ProxyRead(Ok((name, bytes))) => {
                self.proxy.scan = Some((name, Arc::new(bytes)));
                self.proxy.path.clear();
                clear(error, &["proxy_scan"]);
            }
            Message::ProxyRead(Err(file)) => {
                *error = Some(Failure {
                    field: Some("proxy_scan".into()),
                    ..Failure::with_arg("ui-proxy-unreadable", "file", &file)
                });
            }
            Message::Q1(v) => self.q1 = Some(v),
            Message::Q2(v) => self.q2 = Some(v),
        }
        Task::none()
    }

    /// Who takes the paper: the applicant, or someone by a power of attorney.
    pub fn collector(&self, applicant: Option<&str>) -> Collector {
        if applicant == Some(self.collector.as_str()) {
            return Collector::applicant(&self.collector);
        }
        let p = &self.proxy;
        Collector {
            iin: self.collector.clone(),
            name: p.name.clone(),
            proxy: Some(ProxyInput {
                number: p.number.clone(),
                date: p.date.clone(),
                valid_until: p.valid_until.clone(),
                issuer: p.issuer.clone(),
                principal_iin: p.principal_iin.clone(),
                scan: p.scan.as_ref().map(|(n, b)| (n.clone(), b.to_vec())),
            }),
        }
    }

    /// The hand-over form.
    pub fn view<'a>(
        &'a self,
        ctx: &Ctx,
        v: &'a ApplicationView,
        err: Option<&'a Failure>,
        busy: bool,
    ) -> Element<'a, AppMessage> {
        let l = ctx.lang;
        let fe = |f: &str| err.and_then(|e| e.for_field(f, l));
        let iin_err = if self.collector.len() == 12 {
            Iin::parse(&self.collector)
                .err()
                .map(|e| crate::desk::error::iin_message(l, &e))
                .or_else(|| fe("collector_iin").map(str::to_string))
        } else {
            fe("iin")
                .or_else(|| fe("collector_iin"))
                .map(str::to_string)
        };
        let mut form = column![
            w::section(ctx.t("ui-issue-title")),
            w::muted(ctx.t("ui-issue-hint")),
            w::text_field(
                format!("{} *", ctx.t("field-collector_iin")),
                "app-collector",
                &self.collector,
                "000000000000",
                |s| AppMessage::Handover(Message::Collector(s)),
                Some(AppMessage::Issue),
                iin_err.as_deref()
            ),
        ]
        .spacing(theme::S);
        let valid = self.collector.len() == 12 && Iin::parse(&self.collector).is_ok();
        let applicant_s = v.app.applicant_iin.map(|i| i.as_string());
        let applicant = applicant_s.as_deref();
        if !valid {
            form = form.push(w::muted(ctx.t("ui-collector-hint-empty")));
        } else if applicant == Some(self.collector.as_str()) {
            form = form.push(w::notice(&ctx.t("ui-collector-is-applicant"), theme::INFO));
        } else {
            form = form.push(
                self.proxy_form(ctx, applicant, err, busy)
                    .map(AppMessage::Handover),
            );
        }
        form.push(w::primary(
            ctx.t("ui-issue"),
            (!busy && valid).then_some(AppMessage::Issue),
        ))
        .into()
    }

    fn proxy_form<'a>(
        &'a self,
        ctx: &Ctx,
        applicant: Option<&str>,
        err: Option<&'a Failure>,
        busy: bool,
    ) -> Element<'a, Message> {
        let l = ctx.lang;
        let fe = |f: &str| err.and_then(|e| e.for_field(f, l));
        let p = &self.proxy;
        let field = |label: &str, value: &'a str, hint: String, f: ProxyField, path: &str| {
            let id = input_id(path).unwrap_or_default();
            let required = f != ProxyField::ValidUntil;
            w::text_field(
                if required {
                    format!("{} *", ctx.t(label))
                } else {
                    ctx.t(label)
                },
                id,
                value,
                &hint,
                move |s| Message::Proxy(f, s),
                None,
                fe(path),
            )
        };
        let date = ctx.t("ui-hint-date");
        let mut form = column![
            w::section(ctx.t("ui-proxy-title")),
            w::muted(ctx.ta(
                "ui-proxy-hint",
                &[("iin", Arg::from(applicant.unwrap_or("—").to_string()))],
            )),
            field(
                "field-collector_name",
                &p.name,
                String::new(),
                ProxyField::Name,
                "collector_name",
            ),
            row![
                field(
                    "field-proxy_number",
                    &p.number,
                    String::new(),
                    ProxyField::Number,
                    "proxy_number",
                ),
                field(
                    "field-proxy_date",
                    &p.date,
                    date.clone(),
                    ProxyField::Date,
                    "proxy_date",
                ),
                field(
                    "field-proxy_valid_until",
                    &p.valid_until,
                    date,
                    ProxyField::ValidUntil,
                    "proxy_valid_until",
                ),
            ]
            .spacing(theme::S),
            field(
                "field-proxy_issuer",
                &p.issuer,
                String::new(),
                ProxyField::Issuer,
                "proxy_issuer",
            ),
            field(
                "field-proxy_principal_iin",
                &p.principal_iin,
                "000000000000".into(),
                ProxyField::PrincipalIin,
                "proxy_principal_iin",
            ),
        ]
        .spacing(theme::S);
        let scan: Element<'a, Message> = match &p.scan {
            Some((name, _)) => row![
                text(ctx.ta("ui-proxy-attached", &[("name", Arg::from(name.clone()))]))
                    .size(theme::SMALL)
                    .width(Length::Fill),
                w::secondary(ctx.t("ui-proxy-attach"), Some(Message::PickProxyScan)),
            ]
            .spacing(theme::S)
            .align_y(Alignment::Center)
            .into(),
            None => column![
                container(w::secondary(
                    ctx.t("ui-proxy-attach"),
                    (!busy).then_some(Message::PickProxyScan)
                ))
                .id("app-proxy-attach"),
                row![
                    w::input(
                        &ctx.t("ui-proxy-path-hint"),
                        &p.path,
                        |s| Message::Proxy(ProxyField::Path, s),
                        false
                    )
                    .id("app-proxy-path")
                    .on_submit(Message::LoadProxyPath),
                    w::secondary(
                        ctx.t("ui-proxy-path-load"),
                        (!p.path.trim().is_empty()).then_some(Message::LoadProxyPath)
                    ),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
            ]
            .spacing(theme::XS)
            .into(),
        };
        form = form.push(w::field(
            format!("{} *", ctx.t("field-proxy_scan")),
            scan,
            fe("proxy_scan"),
        ));
        form.into()
    }

    /// The questionnaire after issue.
    pub fn questionnaire<'a>(&'a self, ctx: &Ctx, busy: bool) -> Element<'a, AppMessage> {
        let q = |key: &str, sel: Option<u8>, f: fn(u8) -> Message| -> Element<'a, Message> {
            column![
                text(ctx.t(key)).size(theme::SMALL),
                row![
                    radio(ctx.t("q-answer-3"), 3u8, sel, f).text_size(theme::BODY),
                    radio(ctx.t("q-answer-2"), 2u8, sel, f).text_size(theme::BODY),
                    radio(ctx.t("q-answer-1"), 1u8, sel, f).text_size(theme::BODY),
                ]
                .spacing(theme::M)
            ]
            .spacing(theme::XS)
            .into()
        };
        let answers: Element<'a, Message> = column![
            q("q-question-1", self.q1, Message::Q1),
            q("q-question-2", self.q2, Message::Q2),
        ]
        .spacing(theme::S)
        .into();
        column![
            w::section(ctx.t("ui-questionnaire-title")),
            answers.map(AppMessage::Handover),
            w::primary(
                ctx.t("ui-save"),
                (!busy && self.q1.is_some() && self.q2.is_some())
                    .then_some(AppMessage::Questionnaire)
            ),
        ]
        .spacing(theme::S)
        .into()
    }
}
