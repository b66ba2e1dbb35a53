//! The case file: the applicant as registered (and what changed since), the service's data,
//! the decision in words, the scans, the documents to print, the akimat's side and the
//! history.

use std::collections::HashMap;

use iced::widget::{Column, column, row, text};
use iced::{Alignment, Element, Length};
use serde_json::Value;

use super::Message;
use crate::desk::query::ApplicationView;
use crate::domain::catalog::{FieldKind, Service};
use crate::domain::decision::Outcome;
use crate::domain::model::{Channel, Lang, Status};
use crate::i18n::Arg;
use crate::ui::form;
use crate::ui::widget as w;
use crate::ui::{Ctx, theme};

/// The translation key of a history entry's action (`None`: shown as it is stored).
fn history_key(action: &str) -> Option<&'static str> {
    Some(match action {
        "register" => "history-register",
        "assign" => "history-assign",
        "reassign" => "history-reassign",
        "save_draft" => "history-save_draft",
        "submit_draft" => "history-submit_draft",
        "return" => "history-return",
        "sign" => "history-sign",
        "issue" => "history-issue",
        "extend" => "history-extend",
        "withdraw" => "history-withdraw",
        "questionnaire" => "history-questionnaire",
        "attach" => "history-attach",
        "gateway_conflict" => "history-gateway_conflict",
        "print" => "history-print",
        "save-pdf" => "history-save-pdf",
        "akim_resolution" => "history-akim_resolution",
        "cover_letter_ready" => "history-cover_letter_ready",
        "akimat_package" => "history-akimat_package",
        "department_notice" => "history-department_notice",
        _ => return None,
    })
}

/// The translation key of a status the department reported to the akimat.
fn public_status_key(s: &str) -> &'static str {
    match s {
        "received" => "public-status-received",
        "in_work" => "public-status-in_work",
        "completed" => "public-status-completed",
        _ => "public-status-rejected",
    }
}

/// The left column: everything the application holds.
pub fn view<'a>(
    ctx: &Ctx,
    v: &'a ApplicationView,
    svc: Option<&'a Service>,
) -> Column<'a, Message> {
    let l = ctx.lang;
    let a = &v.app;
    // Left: applicant (as registered), service data, scans, documents.
    let p = &v.applicant.person;
    let mut left = column![
        w::section(
            svc.map(|s| s.name.get(l).to_string())
                .unwrap_or_else(|| a.service.clone())
        ),
        w::pair(ctx.t("doc-applicant"), p.full_name()),
        w::pair(
            ctx.t("field-iin"),
            p.iin.map(|i| i.as_string()).unwrap_or_else(|| "—".into())
        ),
        w::pair(
            ctx.t("field-birth_date"),
            p.birth_date
                .map(crate::i18n::date_short)
                .unwrap_or_default()
        ),
        w::pair(ctx.t("field-address"), p.address.clone()),
        w::pair(ctx.t("field-phone"), p.phone.clone()),
        w::pair(
            ctx.t("doc-accepted-at"),
            crate::i18n::datetime_short(ctx.desk.local(a.accepted_at))
        ),
        w::pair(ctx.t("doc-due"), crate::i18n::date_long(l, a.due_date)),
        w::pair(
            ctx.t("field-executor"),
            v.executor.clone().unwrap_or_else(|| "—".into())
        ),
    ]
    .spacing(theme::XS);
    if let Some(r) = &a.resolution
        && !r.is_empty()
    {
        left = left.push(w::pair(ctx.t("field-resolution"), r.clone()));
    }
    // The person's data changed after this application was registered: the application
    // keeps what was registered, and says so.
    if let Some(ch) = v.applicant.changes_since.last() {
        let now = &v.person;
        let current = [now.full_name(), now.address.clone(), now.phone.clone()]
            .into_iter()
            .filter(|x| !x.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        left = left.push(w::notice(
            &ctx.ta(
                "ui-person-changed-since",
                &[
                    (
                        "when",
                        Arg::from(ctx.desk.local_stamp(&ch.at).unwrap_or_default()),
                    ),
                    ("reason", Arg::from(ch.reason.clone())),
                    ("now", Arg::from(current)),
                ],
            ),
            theme::WARNING,
        ));
        left = left.push(w::muted(ctx.t("ui-registered-as")));
    }
    // Who took the paper.
    if a.status == Status::Issued
        && let Some(iin) = &a.collector_iin
    {
        let name = v
            .handover
            .collector_name
            .clone()
            .unwrap_or_else(|| a.applicant_name.clone());
        let mut who = format!("{name} ({iin})");
        if let Some(pr) = &v.handover.proxy {
            who = format!(
                "{who}, {}",
                ctx.ta(
                    "ui-issued-to-proxy",
                    &[
                        ("number", Arg::from(pr.number.clone())),
                        ("date", Arg::from(crate::i18n::date_short(pr.date))),
                        ("issuer", Arg::from(pr.issuer.clone())),
                    ],
                )
            );
        }
        left = left.push(w::pair(ctx.t("ui-issued-to"), who));
    }
    // The decision in words: the head reads it beside the paper to be signed, and whoever
    // hands the result over must know it is a refusal and why.
    if matches!(
        a.status,
        Status::AwaitingSignature | Status::Signed | Status::Issued
    ) && let Some(d) = &a.decision
    {
        let what = match d.outcome {
            Outcome::Approve => "ui-approve",
            Outcome::Refuse if svc.is_none_or(|s| s.results.negative_is_refusal) => "ui-refuse",
            Outcome::Refuse => "ui-negative-answer",
        };
        left = left.push(w::pair(ctx.t("ui-decision-title"), ctx.t(what)));
        if let Some(g) = d
            .ground
            .as_deref()
            .and_then(|g| svc.and_then(|s| s.refusal(g)))
        {
            left = left.push(w::pair(
                ctx.t("doc-refusal-reason"),
                g.text.get(l).to_string(),
            ));
        }
        let comment = match (d.reason.clone(), d.reason_ru.clone()) {
            (Some(kk), Some(ru)) if l == Lang::Ru => Some(format!("{ru} / {kk}")),
            (Some(kk), Some(ru)) => Some(format!("{kk} / {ru}")),
            (one, other) => one.or(other),
        };
        if let Some(r) = comment.filter(|r| !r.trim().is_empty()) {
            left = left.push(w::pair(ctx.t("doc-refusal-comment"), r));
        }
    }
    if let Some(r) = &a.missing_docs_reason {
        left = left.push(w::pair(ctx.t("field-missing_reason"), r.clone()));
    }
    if let Some(r) = &a.withdraw_reason {
        left = left.push(w::pair(ctx.t("field-reason"), r.clone()));
    }
    if let (Some(svc), Some(obj)) = (svc, a.intake.as_object())
        && !obj.is_empty()
    {
        left = left.push(w::gap(theme::S));
        left = left.push(w::section(ctx.t("ui-service-data")));
        for f in svc.fields.iter().filter(|f| obj.contains_key(&f.key)) {
            let val = &obj[&f.key];
            let shown = if f.kind == FieldKind::Table {
                val.as_array()
                    .map(|rows| {
                        rows.iter()
                            .map(|r| {
                                f.columns
                                    .iter()
                                    .map(|c| {
                                        r.get(&c.key)
                                            .map(|x| form::shown(l, c.kind, &c.options, x))
                                            .unwrap_or_default()
                                    })
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            })
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default()
            } else {
                form::shown(l, f.kind, &f.options, val)
            };
            left = left.push(w::pair(f.label.get(l).to_string(), shown));
        }
    }
    left = left.push(w::gap(theme::S));
    left = left.push(w::section(ctx.t("ui-scans")));
    if v.attachments.is_empty() {
        left = left.push(w::muted(ctx.t("ui-no-scans")));
    }
    for at in &v.attachments {
        let item = at
            .checklist_item
            .as_deref()
            .and_then(|k| svc.and_then(|s| s.document(k)))
            .map(|d| d.name.get(l).to_string())
            .unwrap_or_else(|| {
                if at.checklist_item.as_deref() == Some(crate::desk::handover::PROXY_ITEM) {
                    ctx.t("ui-proxy-scan-item")
                } else {
                    ctx.t("ui-untagged")
                }
            });
        let mut r = row![
            text(format!("{} — {}", at.file_name, item))
                .size(theme::SMALL)
                .width(Length::Fill)
        ]
        .spacing(theme::S)
        .align_y(Alignment::Center);
        if at.mime.starts_with("image/png")
            || at.mime.starts_with("image/jpeg")
            || at.mime == "application/pdf"
        {
            r = r.push(w::secondary(
                ctx.t("ui-view"),
                Some(Message::ShowScan(at.id)),
            ));
        }
        left = left.push(r);
    }
    left = left.push(w::gap(theme::S));
    left = left.push(w::section(ctx.t("ui-documents")));
    let mut docs = row![w::secondary(
        ctx.t("ui-print-receipt"),
        Some(Message::Print("receipt".into()))
    )]
    .spacing(theme::S);
    // At an akimat its own signed paper is the cover letter; the result is the
    // department's, once it came back.
    let at_akimat = ctx.desk.is_akimat();
    let result_here = if at_akimat {
        v.akimat.as_ref().is_some_and(|l| l.result_sha256.is_some())
    } else {
        a.outgoing_number.is_some()
    };
    if result_here {
        docs = docs.push(w::secondary(
            ctx.t("ui-print-result"),
            Some(Message::Print("result".into())),
        ));
    }
    if v.documents.iter().any(|d| d.kind == "extension_notice") {
        docs = docs.push(w::secondary(
            ctx.t("ui-print-extension"),
            Some(Message::Print("extension_notice".into())),
        ));
    }
    if a.channel == Channel::Akim {
        docs = docs.push(w::secondary(
            ctx.t("ui-print-cover"),
            Some(Message::Print("cover_letter".into())),
        ));
    }
    left = left.push(docs);
    if let Some(link) = &v.akimat {
        left = left.push(w::gap(theme::S));
        let line = if at_akimat {
            let status = link
                .department_status
                .as_deref()
                .map(|s| ctx.t(public_status_key(s)))
                .unwrap_or_else(|| ctx.t("ui-akimat-not-heard"));
            let heard = link
                .heard_at
                .as_deref()
                .and_then(|h| ctx.desk.local_stamp(h))
                .unwrap_or_else(|| "—".into());
            ctx.ta(
                "ui-akimat-at-department",
                &[
                    (
                        "number",
                        Arg::from(link.department_number.clone().unwrap_or("—".into())),
                    ),
                    ("status", Arg::from(status)),
                    ("heard", Arg::from(heard)),
                ],
            )
        } else {
            let name = if l == Lang::Kk {
                &link.akimat_name_kk
            } else {
                &link.akimat_name_ru
            };
            let accepted = ctx
                .desk
                .local_stamp(&link.akimat_accepted_at)
                .unwrap_or_default();
            ctx.ta(
                "ui-akimat-from",
                &[
                    ("akimat", Arg::from(name.as_str())),
                    ("number", Arg::from(link.akimat_number.as_str())),
                    ("accepted", Arg::from(accepted)),
                ],
            )
        };
        left = left.push(w::section(ctx.t("ui-akimat-section")));
        left = left.push(text(line).size(theme::SMALL));
        // A result that came back after the citizen withdrew: kept here, not handed over.
        if at_akimat
            && a.status == Status::Withdrawn
            && let Some(number) = link.result_sha256.as_ref().and(link.result_number.as_ref())
        {
            left = left.push(
                text(ctx.ta(
                    "ui-akimat-result-after-withdrawal",
                    &[("number", Arg::from(number.as_str()))],
                ))
                .size(theme::SMALL),
            );
        }
    }
    left
}

/// The history of the application, newest last.
pub fn history<'a>(
    ctx: &Ctx,
    v: &'a ApplicationView,
    names: &HashMap<String, String>,
) -> Element<'a, Message> {
    let mut history = column![w::section(ctx.t("ui-history"))].spacing(theme::XS);
    for h in &v.history {
        let who = h
            .user_iin
            .as_ref()
            .and_then(|i| names.get(i).cloned())
            .unwrap_or_else(|| ctx.t("ui-history-system"));
        let when = ctx.desk.local_stamp(&h.at).unwrap_or_default();
        let mut what = match history_key(&h.action) {
            Some(key) => ctx.t(key),
            None => h.action.clone(),
        };
        // The issue names who took the paper (and by which power of attorney).
        if h.action == "issue"
            && let Ok(d) = serde_json::from_str::<Value>(&h.details)
            && let Some(name) = d.get("collector_name").and_then(Value::as_str)
        {
            what = match d.pointer("/proxy/number").and_then(Value::as_str) {
                Some(n) => format!("{what}: {name} (№ {n})"),
                None => format!("{what}: {name}"),
            };
        }
        // What the department reported: its status in the citizen's words.
        if h.action == "department_notice"
            && let Ok(d) = serde_json::from_str::<Value>(&h.details)
            && let Some(st) = d.get("status").and_then(Value::as_str)
        {
            what = format!("{what}: {}", ctx.t(public_status_key(st)));
        }
        history = history.push(
            row![
                text(when)
                    .size(theme::SMALL)
                    .color(theme::MUTED)
                    .width(Length::Fixed(110.0)),
                text(what)
                    .size(theme::SMALL)
                    .font(theme::BOLD)
                    .width(Length::FillPortion(2)),
                text(who).size(theme::SMALL).width(Length::FillPortion(2)),
            ]
            .spacing(theme::S),
        );
    }
    history.into()
}
