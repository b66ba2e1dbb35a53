//! What the office still needs, as a checklist: shown when the first run ends (before the
//! admin's first login) and on the admin's screen until every step is done. Each step says
//! what to do and opens the place where it is done.

use iced::widget::{column, row, text};
use iced::{Alignment, Element, Length, Task};

use crate::desk::setup::SetupStatus;
use crate::domain::model::Lang;
use crate::i18n::tr;
use crate::ui::widget as w;
use crate::ui::{PreCtx, theme};

/// A step of the office's setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Log in as the administrator (the first run's end).
    Login,
    /// Add the registrar, the executor and the head.
    Staff,
    /// Issue the head's signing key.
    HeadKey,
    /// Set the regional gateway's address and token.
    Gateway,
    /// Make a first backup.
    Backup,
}

/// The steps, each with whether it is done.
fn steps(s: &SetupStatus, logged_in: bool) -> Vec<(Step, bool)> {
    vec![
        (Step::Login, logged_in),
        (Step::Staff, s.staff()),
        (Step::HeadKey, s.head_key),
        (Step::Gateway, s.gateway),
        (Step::Backup, s.backup),
    ]
}

/// A step's keys, written whole: its line, its button and its hint.
fn keys(step: Step) -> (&'static str, &'static str, &'static str) {
    match step {
        Step::Login => ("ui-setup-login", "ui-setup-go-login", "ui-setup-login-hint"),
        Step::Staff => ("ui-setup-staff", "ui-setup-go-staff", "ui-setup-staff-hint"),
        Step::HeadKey => (
            "ui-setup-head-key",
            "ui-setup-go-head-key",
            "ui-setup-head-key-hint",
        ),
        Step::Gateway => (
            "ui-setup-gateway",
            "ui-setup-go-gateway",
            "ui-setup-gateway-hint",
        ),
        Step::Backup => (
            "ui-setup-backup",
            "ui-setup-go-backup",
            "ui-setup-backup-hint",
        ),
    }
}

/// The checklist: a line per step, done ones ticked, the others with their button.
/// `go(step)` is the message of a step's button (`None`: no button).
pub fn view<'a, M: Clone + 'a>(
    lang: Lang,
    status: &SetupStatus,
    logged_in: bool,
    go: impl Fn(Step) -> Option<M>,
) -> Element<'a, M> {
    let mut c = column![
        w::section(tr(lang, "ui-setup-title")),
        w::muted(tr(lang, "ui-setup-hint")),
    ]
    .spacing(theme::S);
    for (i, (step, done)) in steps(status, logged_in).into_iter().enumerate() {
        let (line_key, go_key, hint_key) = keys(step);
        let mark = if done { "✓" } else { "•" };
        let mut line = row![
            text(format!("{mark} {}. {}", i + 1, tr(lang, line_key)))
                .size(theme::BODY)
                .font(if done { theme::FONT } else { theme::BOLD })
                .color(if done { theme::MUTED } else { theme::TEXT })
                .width(Length::Fill),
        ]
        .spacing(theme::S)
        .align_y(Alignment::Center);
        if !done && let Some(m) = go(step) {
            line = line.push(w::secondary(tr(lang, go_key), Some(m)));
        }
        c = c.push(line);
        if !done {
            c = c.push(w::muted(tr(lang, hint_key)));
        }
    }
    w::card(c)
}

/// The screen the first run ends on.
#[derive(Debug, Clone)]
pub struct State {
    pub status: SetupStatus,
}

/// The first-run checklist's events.
#[derive(Debug, Clone)]
pub enum Message {
    /// Go to the login screen (the steps after it are done by the admin).
    Login,
}

/// What the window does after a checklist event.
pub enum Action {
    /// Side effects the window runs.
    Run(Task<Message>),
    /// Show the login screen.
    Login,
}

impl Action {
    /// Nothing to do.
    pub fn none() -> Action {
        Action::Run(Task::none())
    }
}

impl State {
    pub fn update(&mut self, m: Message, _ctx: &PreCtx) -> Action {
        match m {
            Message::Login => Action::Login,
        }
    }

    pub fn view(&self, ctx: &PreCtx) -> Element<'_, Message> {
        let lang = ctx.lang;
        column![
            w::title(tr(lang, "ui-setup-done-title")),
            view(lang, &self.status, false, |s| (s == Step::Login)
                .then_some(Message::Login)),
        ]
        .spacing(theme::M)
        .width(Length::Fill)
        .into()
    }
}
