//! The executor's decision form: approve or refuse (with a ground from the service's own and
//! a comment in both languages), the language of the paper, the service's decision fields
//! (the shared [`crate::ui::form`]), and the paper as it will print, drawn again a moment after
//! each edit.

use iced::widget::{column, container, radio, row, text, text_editor};
use iced::{Element, Length, Task};
use serde_json::Value;

use super::{ACTIONS_ID, Message as AppMessage};
use crate::desk::papers::Paper;
use crate::domain::catalog::{FieldKind, FieldSpec, Service};
use crate::domain::decision::{Decision, DecisionInput, Outcome, stages};
use crate::domain::document::Content;
use crate::domain::model::Lang;
use crate::i18n::Arg;
use crate::ui::form::{self, Form};
use crate::ui::platform::blocking;
use crate::ui::screen::queues::Choice;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// The start of the ids of the decision's fields.
const PREFIX: &str = "dec-";

/// The draft decision as the executor types it.
#[derive(Debug)]
pub struct Draft {
    pub outcome: Outcome,
    /// The refusal comment (in Kazakh on a paper in both languages).
    pub reason: text_editor::Content,
    /// The refusal comment in Russian (on a paper in both languages).
    pub reason_ru: text_editor::Content,
    /// The refusal ground chosen from the service's grounds.
    pub ground: Option<String>,
    /// The result printed in one language only (its free text in that language), or both.
    pub paper_lang: Option<Lang>,
    /// The service's decision fields.
    pub form: Form,
    /// The office's active institutions (kk, ru) a decision may name.
    pub institutions: Vec<(String, String)>,
    /// The result as it will print: its content and its pages.
    preview: Option<(Content, Paper)>,
    /// Which edit the preview on the way belongs to (older ones are dropped).
    preview_gen: u64,
}

impl Default for Draft {
    fn default() -> Draft {
        Draft {
            outcome: Outcome::Approve,
            reason: text_editor::Content::new(),
            reason_ru: text_editor::Content::new(),
            ground: None,
            paper_lang: None,
            form: Form::default(),
            institutions: Vec::new(),
            preview: None,
            preview_gen: 0,
        }
    }
}

/// Decision form events.
#[derive(Debug, Clone)]
pub enum Message {
    /// Approve or refuse.
    Outcome(Outcome),
    /// An edit of the refusal comment (Kazakh, or the one language of the paper).
    Reason(text_editor::Action),
    /// An edit of the Russian refusal comment.
    ReasonRu(text_editor::Action),
    /// The refusal ground (a code of the service's grounds).
    Ground(String),
    /// Print the result in both languages (`None`) or in one.
    PaperLang(Option<Lang>),
    /// Copy the Kazakh refusal comment into the Russian box.
    CopyReasonToRu,
    /// The service's decision fields.
    Form(form::Message),
    /// The pause after an edit is over: draw the preview if no edit came since.
    PreviewTick(u64),
    /// The preview drawn for an edit (or why it could not be).
    Previewed(u64, Result<Box<(Content, Paper)>, Failure>),
    /// Save the draft.
    SaveDraft,
    /// Send the draft to the head for signature.
    Submit,
}

/// The decision's fields for this outcome.
pub fn fields(svc: &Service, outcome: Outcome) -> impl Iterator<Item = &FieldSpec> {
    svc.fields
        .iter()
        .filter(move |f| stages(outcome).contains(&f.stage))
}

/// The id of the input an error path of the decision belongs to.
pub fn input_id(path: &str) -> String {
    match path {
        "ground" => "app-ground".into(),
        "reason" => "app-reason".into(),
        "reason_ru" => "app-reason-ru".into(),
        _ => form::input_id(PREFIX, path),
    }
}

impl Draft {
    fn options(&self) -> form::Options<'_> {
        form::Options {
            prefix: PREFIX,
            institutions: &self.institutions,
            bilingual: self.paper_lang.is_none(),
            submit_on_enter: false,
        }
    }

    /// The decision as the desk takes it.
    pub fn input(&self, svc: &Service) -> DecisionInput {
        let mut values = self.form.values(fields(svc, self.outcome), &self.options());
        // An unticked yes/no box is "no".
        for f in fields(svc, self.outcome).filter(|f| f.kind == FieldKind::YesNo) {
            values.entry(f.key.clone()).or_insert(Value::Bool(false));
        }
        DecisionInput {
            outcome: self.outcome,
            reason: self.reason.text().trim().to_string(),
            reason_ru: if self.paper_lang.is_none() {
                self.reason_ru.text().trim().to_string()
            } else {
                String::new()
            },
            ground: self.ground.clone(),
            values,
            paper_lang: self.paper_lang,
        }
    }

    /// Fills the form from a saved draft.
    pub fn fill_from(&mut self, d: &Decision, svc: &Service) {
        self.outcome = d.outcome;
        self.reason = text_editor::Content::with_text(d.reason.as_deref().unwrap_or(""));
        self.reason_ru = text_editor::Content::with_text(d.reason_ru.as_deref().unwrap_or(""));
        self.ground = d.ground.clone();
        self.paper_lang = d.paper_lang;
        self.form.fill(&svc.fields, &d.values);
    }

    /// Asks for the preview again a moment after the last edit.
    pub fn schedule_preview(&mut self) -> Task<Message> {
        self.preview_gen += 1;
        let g = self.preview_gen;
        Task::perform(
            async { tokio::time::sleep(std::time::Duration::from_millis(300)).await },
            move |_| Message::PreviewTick(g),
        )
    }

    /// Applies an edit; the error of the field it fixes goes. `SaveDraft`, `Submit` and
    /// `PreviewTick` are the screen's (they call the desk).
    pub fn update(&mut self, m: Message, error: &mut Option<Failure>) -> Task<Message> {
        let fixed: Vec<String> = match m {
            Message::Outcome(o) => {
                self.outcome = o;
                Vec::new()
            }
            // Moving the cursor or selecting changes nothing on the paper.
            Message::Reason(a) => {
                let edit = a.is_edit();
                self.reason.perform(a);
                if !edit {
                    return Task::none();
                }
                vec!["reason".into()]
            }
            Message::ReasonRu(a) => {
                let edit = a.is_edit();
                self.reason_ru.perform(a);
                if !edit {
                    return Task::none();
                }
                vec!["reason_ru".into()]
            }
            Message::Ground(g) => {
                self.ground = Some(g);
                vec!["ground".into()]
            }
            Message::PaperLang(l) => {
                self.paper_lang = l;
                Vec::new()
            }
            Message::CopyReasonToRu => {
                self.reason_ru = text_editor::Content::with_text(self.reason.text().trim());
                vec!["reason_ru".into()]
            }
            Message::Form(m) => self.form.update(m),
            Message::Previewed(g, r) => {
                if g == self.preview_gen {
                    self.preview = r.ok().map(|b| *b);
                }
                return Task::none();
            }
            Message::PreviewTick(_) | Message::SaveDraft | Message::Submit => {
                return Task::none();
            }
        };
        form::clear(error, &fixed);
        self.schedule_preview()
    }

    /// The preview asked for by a tick, when the tick is the last edit's.
    pub fn preview(&self, ctx: &Ctx, id: i64, svc: &Service, g: u64) -> Task<Message> {
        if g != self.preview_gen {
            return Task::none();
        }
        let input = self.input(svc);
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        Task::perform(
            blocking(move || {
                let c = desk.preview_result(&sess, id, &input)?;
                let p = crate::desk::papers::paper_of(&c)?;
                Ok(Box::new((c, p)))
            }),
            move |r: Result<_, crate::desk::DeskError>| {
                Message::Previewed(g, r.map_err(Failure::from))
            },
        )
    }

    /// The form, with the comment the head returned it with.
    pub fn view<'a>(
        &'a self,
        ctx: &Ctx,
        svc: &'a Service,
        returned: Option<&str>,
        err: Option<&'a Failure>,
        busy: bool,
    ) -> Element<'a, AppMessage> {
        let outcome = |label: String, o: Outcome, id: &'static str| {
            container(radio(label, o, Some(self.outcome), Message::Outcome).text_size(theme::BODY))
                .id(id)
        };
        let mut form = column![
            w::section(ctx.t("ui-decision-title")),
            row![
                outcome(ctx.t("ui-approve"), Outcome::Approve, "app-approve"),
                outcome(
                    ctx.t(if svc.results.negative_is_refusal {
                        "ui-refuse"
                    } else {
                        "ui-negative-answer"
                    }),
                    Outcome::Refuse,
                    "app-refuse"
                ),
            ]
            .spacing(theme::L),
        ]
        .spacing(theme::S);
        if let Some(rc) = returned {
            form = form.push(w::notice(
                &ctx.ta("ui-returned-with", &[("comment", Arg::from(rc))]),
                theme::WARNING,
            ));
        }
        form = form.push(self.paper_lang_choice(ctx));
        if self.outcome == Outcome::Refuse && svc.results.negative_is_refusal {
            form = form.push(self.refusal(ctx, svc, err));
        }
        let o = self.options();
        for f in fields(svc, self.outcome) {
            form = form.push(self.form.view(ctx, f, &o, err).map(Message::Form));
        }
        let form: Element<'a, Message> = form
            .push(
                row![
                    w::secondary(
                        ctx.t("ui-save-draft"),
                        (!busy).then_some(Message::SaveDraft)
                    ),
                    w::primary(ctx.t("ui-submit-draft"), (!busy).then_some(Message::Submit)),
                ]
                .spacing(theme::S),
            )
            .into();
        form.map(AppMessage::Decision)
    }

    /// The ground and the comment of a refusal.
    fn refusal<'a>(
        &'a self,
        ctx: &Ctx,
        svc: &'a Service,
        err: Option<&'a Failure>,
    ) -> Element<'a, Message> {
        let l = ctx.lang;
        let grounds: Vec<Choice<String>> = svc
            .refusals
            .iter()
            .map(|g| Choice {
                value: Some(g.code.clone()),
                label: g.text.get(l).to_string(),
            })
            .collect();
        let sel = grounds.iter().find(|g| g.value == self.ground).cloned();
        let both = self.paper_lang.is_none();
        let comment = |lang_key: &str| {
            if both {
                format!("{} ({})", ctx.t("doc-refusal-comment"), ctx.t(lang_key))
            } else {
                ctx.t("doc-refusal-comment")
            }
        };
        let mut c = column![
            w::field(
                ctx.t("field-ground"),
                container(
                    w::pick(grounds, sel, |c: Choice<String>| {
                        Message::Ground(c.value.unwrap_or_default())
                    })
                    .placeholder(ctx.t("ui-choose-ground"))
                    .width(Length::Fill),
                )
                .id("app-ground")
                .into(),
                err.and_then(|e| e.for_field("ground", l)),
            ),
            w::field(
                comment("ui-in-kazakh"),
                text_editor(&self.reason)
                    .id("app-reason")
                    .on_action(Message::Reason)
                    .height(Length::Fixed(70.0))
                    .into(),
                err.and_then(|e| e.for_field("reason", l)),
            ),
        ]
        .spacing(theme::S);
        if both {
            c = c.push(w::field(
                comment("ui-in-russian"),
                column![
                    text_editor(&self.reason_ru)
                        .id("app-reason-ru")
                        .on_action(Message::ReasonRu)
                        .height(Length::Fixed(70.0)),
                    w::secondary(
                        ctx.t("ui-copy-to-russian"),
                        (!self.reason.text().trim().is_empty()).then_some(Message::CopyReasonToRu),
                    ),
                ]
                .spacing(theme::XS)
                .into(),
                err.and_then(|e| e.for_field("reason_ru", l)),
            ));
        }
        c.into()
    }

    /// Whether the result prints in both languages or in one (then its free text is in that
    /// one language only).
    fn paper_lang_choice<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let opt = |label: String, v: Option<Lang>, id: &'static str| {
            container(
                radio(label, v, Some(self.paper_lang), Message::PaperLang).text_size(theme::BODY),
            )
            .id(id)
        };
        w::field(
            ctx.t("ui-paper-lang"),
            row![
                opt(ctx.t("ui-paper-both"), None, "app-paper-both"),
                opt(ctx.t("ui-paper-kk"), Some(Lang::Kk), "app-paper-kk"),
                opt(ctx.t("ui-paper-ru"), Some(Lang::Ru), "app-paper-ru"),
            ]
            .spacing(theme::L)
            .into(),
            None,
        )
    }

    /// The paper as it will print, page by page (the same pages the PDF writer draws), under
    /// its title in the user's language.
    pub fn preview_view<'a, M: 'a>(&'a self, ctx: &Ctx) -> Option<Element<'a, M>> {
        let (c, paper) = self.preview.as_ref()?;
        Some(
            column![
                w::muted(ctx.t("ui-preview")),
                text(ctx.t(&crate::desk::papers::title_key(c)))
                    .size(theme::H3)
                    .font(theme::BOLD),
                w::paper::paper(paper, theme::PAPER_W),
            ]
            .spacing(theme::XS)
            .into(),
        )
    }
}

/// Scrolls the actions to the decision's first field with a problem.
pub fn reveal_first(e: &Failure) -> Option<Task<AppMessage>> {
    let first = e
        .fields
        .first()
        .map(|m| m.path.clone())
        .or_else(|| e.field.clone())?;
    Some(form::reveal(ACTIONS_ID, input_id(&first)))
}
