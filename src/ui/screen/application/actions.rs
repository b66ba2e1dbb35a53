//! The right column's actions: what the user may do with the application now.

use iced::widget::{column, container, row};
use iced::{Element, Length};

use super::{EXECUTOR_ID, Kind, Message, State};
use crate::desk::query::ApplicationView;
use crate::domain::catalog::Service;
use crate::domain::lifecycle::Action;
use crate::domain::model::Status;
use crate::domain::policy::Permission;
use crate::ui::screen::queues::Choice;
use crate::ui::widget as w;
use crate::ui::{Ctx, theme};

/// Whether the paper is drawn beside the form (a draft being written or awaiting signature).
pub fn preview_wanted(v: &ApplicationView) -> bool {
    matches!(v.app.status, Status::InWork | Status::AwaitingSignature)
}

impl State {
    pub(super) fn actions<'a>(
        &'a self,
        ctx: &Ctx,
        v: &'a ApplicationView,
        svc: Option<&'a Service>,
    ) -> Element<'a, Message> {
        let a = &v.app;
        // The desk says which steps it accepts from this user now (roles, four-eyes, state,
        // channel, the assigned executor): exactly those buttons are shown.
        let may = |step: Action| v.allowed.contains(&step);
        let mut c = column![].spacing(theme::M);
        let err = self.error.as_ref();
        let busy = self.busy;
        // Head (the akim at an akimat): assign.
        if may(Action::Assign) {
            c = c.push(w::card(self.assign(ctx, a.status)));
        }
        // The akim's executor prepares the cover letter (the decision is the department's).
        let at_akimat = ctx.desk.is_akimat();
        if at_akimat && may(Action::SubmitDraft) {
            c = c.push(w::card(
                column![
                    w::section(ctx.t("ui-cover-letter-title")),
                    w::muted(ctx.t("ui-cover-letter-hint")),
                    w::primary(
                        ctx.t("ui-cover-letter-ready"),
                        (!busy).then_some(Message::CoverLetterReady)
                    ),
                ]
                .spacing(theme::S),
            ));
        }
        // Executor: the decision form.
        let may_draft = may(Action::SubmitDraft) && !at_akimat;
        if may_draft && let Some(svc) = svc {
            c = c.push(w::card(self.draft.view(
                ctx,
                svc,
                a.return_comment.as_deref(),
                err,
                busy,
            )));
        }
        // The live preview of the output.
        if (may_draft || may(Action::SubmitDraft) || a.status == Status::AwaitingSignature)
            && let Some(p) = self.draft.preview_view(ctx)
        {
            c = c.push(w::card(p));
        }
        // Head: sign (not the paper they drafted themselves, unless the office allows it),
        // return, extend.
        let mut head = row![].spacing(theme::S);
        if may(Action::Sign) {
            head = head.push(w::primary(
                ctx.t("ui-sign"),
                (!busy).then_some(Message::Open(Kind::Sign)),
            ));
        }
        if may(Action::Return) {
            head = head.push(w::secondary(
                ctx.t("ui-return"),
                (!busy).then_some(Message::Open(Kind::Return)),
            ));
        }
        if may(Action::Sign) || may(Action::Return) {
            c = c.push(head);
        }
        if may(Action::Extend) {
            let allowed = svc
                .and_then(|svc| svc.version(&a.service_version))
                .and_then(|v| v.extension)
                .is_some();
            if allowed {
                c = c.push(w::secondary(
                    ctx.t("ui-extend"),
                    (!busy).then_some(Message::Open(Kind::Extend)),
                ));
            }
        }
        // Registrar / akim's clerk: issue, questionnaire, withdraw.
        if may(Action::Issue) {
            c = c.push(w::card(self.handover.view(ctx, v, err, busy)));
        }
        if ctx.session.may(Permission::Questionnaire)
            && a.status == Status::Issued
            && v.questionnaire.is_none()
        {
            c = c.push(w::card(self.handover.questionnaire(ctx, busy)));
        }
        if may(Action::Withdraw) {
            c = c.push(w::danger(
                ctx.t("ui-withdraw"),
                (!busy).then_some(Message::Open(Kind::Withdraw)),
            ));
        }
        c.into()
    }

    /// The head's assignment: the executor and the resolution.
    fn assign<'a>(&'a self, ctx: &Ctx, status: Status) -> Element<'a, Message> {
        let opts: Vec<Choice<i64>> = self
            .executors
            .iter()
            .map(|(id, n)| Choice {
                value: Some(*id),
                label: n.clone(),
            })
            .collect();
        let sel = opts.iter().find(|o| o.value == self.executor).cloned();
        column![
            w::section(ctx.t(if status == Status::Registered {
                "ui-assign-title"
            } else {
                "ui-reassign-title"
            })),
            w::field(
                format!("{} *", ctx.t("field-executor")),
                container(
                    w::pick(opts, sel, Message::Executor)
                        .placeholder(ctx.t("ui-choose-executor"))
                        .width(Length::Fill)
                )
                .id(EXECUTOR_ID)
                .into(),
                self.error
                    .as_ref()
                    .and_then(|e| e.for_field("executor", ctx.lang))
            ),
            w::text_field(
                ctx.t("field-resolution"),
                "app-resolution",
                &self.resolution,
                &ctx.t("ui-resolution-hint"),
                Message::Resolution,
                Some(Message::Assign),
                None
            ),
            w::primary(ctx.t("ui-assign"), (!self.busy).then_some(Message::Assign)),
        ]
        .spacing(theme::S)
        .into()
    }
}
