//! Login: ИИН (checked as it is typed) and password, the language switch, lockout and
//! disabled-account messages, and the forced password change after an admin reset.

use iced::widget::{column, row, text};
use iced::{Alignment, Element, Length, Task};

use crate::desk::Session;
use crate::domain::iin::Iin;
use crate::domain::model::Lang;
use crate::i18n::{lang_name, tr};
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Failure, PreCtx, theme};

pub const IIN_ID: &str = "login-iin";
pub const PASSWORD_ID: &str = "login-password";

#[derive(Debug, Default)]
pub struct State {
    pub iin: String,
    pub password: String,
    /// The window was locked for idleness; only this user can continue where they were.
    locked_for: Option<String>,
    busy: bool,
    error: Option<Failure>,
    /// Set when the password must be changed before going on.
    change: Option<(Session, String, String)>,
    /// The user picked the language on this screen: their remembered one no longer replaces it.
    chosen: bool,
}

/// Login events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The ИИН as typed (only digits are kept).
    Iin(String),
    /// The password as typed.
    Password(String),
    /// Log in (Enter or the button).
    Submit,
    /// The language chosen on this screen.
    Lang(Lang),
    /// The desk answered the login.
    Result(Result<Session, Failure>),
    /// The new password (after an admin's reset).
    NewPassword(String),
    /// The new password once more.
    Repeat(String),
    /// Change the password.
    SubmitChange,
    /// The desk answered the password change.
    Changed(Result<Session, Failure>),
    /// The user's remembered language was found.
    UserLang(Option<Lang>),
}

/// What the window does after a login event.
pub enum Action {
    /// Side effects the window runs.
    Run(Task<Message>),
    /// Switch the window's language.
    SetLang(Lang),
    /// The user is in.
    LoggedIn(Session),
}

impl Action {
    /// Nothing to do.
    pub fn none() -> Action {
        Action::Run(Task::none())
    }
}

impl State {
    pub fn locked(iin: &str) -> State {
        State {
            iin: iin.to_string(),
            locked_for: Some(iin.to_string()),
            ..Default::default()
        }
    }

    /// The user picked the language by hand (here or in the window's header).
    pub fn language_chosen(&mut self) {
        self.chosen = true;
    }

    fn iin_error(&self, l: Lang) -> Option<String> {
        let digits: String = self.iin.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() || (digits.len() < 12 && digits.chars().all(|c| c.is_ascii_digit())) {
            return None;
        }
        Iin::parse(&digits)
            .err()
            .map(|e| crate::desk::error::iin_message(l, &e))
    }

    pub fn update(&mut self, m: Message, ctx: &PreCtx) -> Action {
        let lang = ctx.lang;
        let Some(desk) = &ctx.desk else {
            return Action::none();
        };
        match m {
            Message::Iin(v) => {
                self.iin = v.chars().filter(|c| c.is_ascii_digit()).take(12).collect();
                self.error = None;
                if Iin::parse(&self.iin).is_ok() {
                    let (desk, iin) = (desk.clone(), self.iin.clone());
                    return Action::Run(Task::perform(
                        blocking(move || desk.user_language(&iin)),
                        Message::UserLang,
                    ));
                }
            }
            Message::UserLang(Some(l)) if l != lang && !self.chosen => return Action::SetLang(l),
            Message::UserLang(_) => {}
            Message::Password(v) => {
                self.password = v;
                self.error = None;
            }
            Message::Lang(l) => {
                self.chosen = true;
                return Action::SetLang(l);
            }
            Message::Submit => {
                if self.busy {
                    return Action::none();
                }
                // A mistyped or short IIN is said as such, next to the field: asking the
                // desk would only answer with the generic `error-bad-credentials`.
                if let Err(e) = Iin::parse(&self.iin) {
                    self.error = Some(Failure::from(crate::desk::DeskError::from(e)));
                    return Action::none();
                }
                self.busy = true;
                self.error = None;
                let (desk, iin, pw) = (desk.clone(), self.iin.clone(), self.password.clone());
                return Action::Run(Task::perform(
                    blocking(move || {
                        let mut s = desk.login(&iin, &pw)?;
                        // The language chosen on the login screen is remembered for the user.
                        if s.lang != lang {
                            s = desk.set_language(&s, lang)?;
                        }
                        Ok(s)
                    }),
                    |r: Result<Session, crate::desk::DeskError>| {
                        Message::Result(r.map_err(Failure::from))
                    },
                ));
            }
            Message::Result(r) => {
                self.busy = false;
                match r {
                    Ok(s) if s.must_change_password => {
                        self.change = Some((s, String::new(), String::new()));
                    }
                    Ok(s) => {
                        self.password.clear();
                        return Action::LoggedIn(s);
                    }
                    Err(e) => {
                        self.password.clear();
                        self.error = Some(e);
                    }
                }
            }
            Message::NewPassword(v) => {
                if let Some(c) = &mut self.change {
                    c.1 = v;
                }
            }
            Message::Repeat(v) => {
                if let Some(c) = &mut self.change {
                    c.2 = v;
                }
            }
            Message::SubmitChange => {
                let Some((s, new, repeat)) = self.change.clone() else {
                    return Action::none();
                };
                if new != repeat {
                    self.error = Some(Failure::plain("ui-password-mismatch"));
                    return Action::none();
                }
                let (desk, old) = (desk.clone(), self.password.clone());
                self.busy = true;
                return Action::Run(Task::perform(
                    blocking(move || desk.change_password(&s, &old, &new)),
                    |r| Message::Changed(r.map_err(Failure::from)),
                ));
            }
            Message::Changed(r) => {
                self.busy = false;
                match r {
                    Ok(s) => {
                        self.password.clear();
                        self.change = None;
                        return Action::LoggedIn(s);
                    }
                    Err(e) => self.error = Some(e),
                }
            }
        }
        Action::none()
    }

    pub fn view(&self, ctx: &PreCtx) -> Element<'_, Message> {
        let l = ctx.lang;
        let lang_row = row![
            w::button_with(
                lang_name(Lang::Kk),
                Some(Message::Lang(Lang::Kk)),
                if l == Lang::Kk {
                    theme::primary
                } else {
                    theme::secondary
                }
            ),
            w::button_with(
                lang_name(Lang::Ru),
                Some(Message::Lang(Lang::Ru)),
                if l == Lang::Ru {
                    theme::primary
                } else {
                    theme::secondary
                }
            ),
        ]
        .spacing(theme::S);
        let mut form = column![
            text(tr(l, "ui-app-title"))
                .size(theme::H1)
                .font(theme::BOLD),
            w::muted(tr(l, "ui-login-hint")),
            lang_row,
        ]
        .spacing(theme::M)
        .align_x(Alignment::Start);
        if self.locked_for.is_some() {
            form = form.push(w::notice(&tr(l, "ui-login-locked-idle"), theme::INFO));
        }
        if let Some((_, new, repeat)) = &self.change {
            form = form.push(w::notice(&tr(l, "ui-login-must-change"), theme::WARNING));
            form = form.push(w::field(
                tr(l, "ui-new-password"),
                w::input("", new, Message::NewPassword, false)
                    .secure(true)
                    .id("login-new")
                    .into(),
                None,
            ));
            form = form.push(w::field(
                tr(l, "ui-password-repeat"),
                w::input("", repeat, Message::Repeat, false)
                    .secure(true)
                    .id("login-repeat")
                    .on_submit(Message::SubmitChange)
                    .into(),
                None,
            ));
            if let Some(e) = &self.error {
                form = form.push(w::error_banner(e.text(l)));
            }
            form = form.push(w::primary(
                tr(l, "ui-change-password"),
                (!self.busy).then_some(Message::SubmitChange),
            ));
        } else {
            // Checked as it is typed; a short ИИН only once the user tried to log in with it.
            let iin_err = self.iin_error(l).or_else(|| {
                self.error
                    .as_ref()
                    .and_then(|e| e.for_field("iin", l))
                    .map(str::to_string)
            });
            form = form.push(w::text_field(
                tr(l, "field-iin"),
                IIN_ID,
                &self.iin,
                "000000000000",
                Message::Iin,
                Some(Message::Submit),
                iin_err.as_deref(),
            ));
            form = form.push(w::field(
                tr(l, "field-password"),
                w::input("", &self.password, Message::Password, false)
                    .secure(true)
                    .id(PASSWORD_ID)
                    .on_submit(Message::Submit)
                    .into(),
                None,
            ));
            if let Some(e) = &self.error
                && e.field.as_deref() != Some("iin")
            {
                form = form.push(w::error_banner(e.text(l)));
                // Said before it happens, the same for every ИИН (it tells nobody whether an
                // account exists).
                if e.key == "bad-credentials" {
                    form = form.push(w::muted(crate::i18n::tra(
                        l,
                        "ui-login-lockout-rule",
                        &[
                            (
                                "n",
                                crate::i18n::Arg::from(crate::desk::auth::MAX_FAILED_LOGINS),
                            ),
                            (
                                "minutes",
                                crate::i18n::Arg::from(crate::desk::auth::LOCKOUT_MINUTES),
                            ),
                        ],
                    )));
                }
            }
            let can = !self.busy && self.iin.len() == 12 && !self.password.is_empty();
            form = form.push(w::primary(
                tr(l, "ui-login"),
                can.then_some(Message::Submit),
            ));
        }
        // A narrow card in the middle of the window, whatever its size.
        w::narrow_card(form.width(Length::Fill), theme::LOGIN_WIDTH)
    }
}
