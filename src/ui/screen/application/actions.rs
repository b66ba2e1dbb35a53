//! The right column's actions: what the user may do with the application now.

use iced::widget::{column, container, row};
use iced::{Element, Length};

use super::{EXECUTOR_ID, Kind, Message, State};
use crate::desk::query::ApplicationView;
use crate::domain::catalog::Service;
use crate::domain::model::{Channel, Role, Status};
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
        let s = &ctx.session;
        let a = &v.app;
        let mut c = column![].spacing(theme::M);
        let err = self.error.as_ref();
        let busy = self.busy;
        // Head: assign.
        if s.has(Role::Head) && matches!(a.status, Status::Registered | Status::InWork) {
            c = c.push(w::card(self.assign(ctx, a.status)));
        }
        // Executor: the decision form.
        let may_draft =
            a.status == Status::InWork && a.executor_id == Some(s.user_id) && s.has(Role::Executor);
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
        if (may_draft || a.status == Status::AwaitingSignature)
            && let Some(p) = self.draft.preview_view(ctx)
        {
            c = c.push(w::card(p));
        }
        // Head: sign, return, extend.
        if s.has(Role::Head) && a.status == Status::AwaitingSignature {
            c = c.push(
                row![
                    w::primary(
                        ctx.t("ui-sign"),
                        (!busy).then_some(Message::Open(Kind::Sign))
                    ),
                    w::secondary(
                        ctx.t("ui-return"),
                        (!busy).then_some(Message::Open(Kind::Return))
                    ),
                ]
                .spacing(theme::S),
            );
        }
        if s.has(Role::Head) && a.status.is_open() && !a.extended {
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
        let clerk =
            s.has(Role::Registrar) || (s.has(Role::AkimClerk) && a.channel == Channel::Akim);
        if clerk && a.status == Status::Signed {
            c = c.push(w::card(self.handover.view(ctx, v, err, busy)));
        }
        if clerk && a.status == Status::Issued && v.questionnaire.is_none() {
            c = c.push(w::card(self.handover.questionnaire(ctx, busy)));
        }
        if clerk && a.status.is_open() {
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
