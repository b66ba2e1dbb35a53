//! First run: set up the office (code, names, workstation) and the first administrator.

use std::sync::Arc;

use iced::widget::{column, row, scrollable};
use iced::{Element, Length, Task};

use crate::desk::auth::{Actor, NewUserInput};
use crate::desk::{DataDir, Desk, NewOffice, Options, SystemClock};
use crate::domain::model::{Lang, Role};
use crate::i18n::{lang_name, tr};
use crate::ui::app::DeskHandle;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Failure, theme};

#[derive(Debug, Default)]
pub struct State {
    pub office_code: String,
    pub name_kk: String,
    pub name_ru: String,
    pub workstation: String,
    pub admin_iin: String,
    pub admin_name: String,
    pub password: String,
    pub repeat: String,
    /// The office exists already; only the first admin is missing.
    admin_only: bool,
    busy: bool,
    error: Option<Failure>,
}

/// First-run form events.
#[derive(Debug, Clone)]
pub enum Message {
    OfficeCode(String),
    NameKk(String),
    NameRu(String),
    Workstation(String),
    AdminIin(String),
    AdminName(String),
    Password(String),
    Repeat(String),
    Lang(Lang),
    Submit,
    Done(Result<DeskHandle, Failure>),
}

pub enum Action {
    None,
    Run(Task<Message>),
    Done(DeskHandle),
    SetLang(Lang),
}

impl State {
    pub fn admin_only() -> State {
        State {
            admin_only: true,
            ..Default::default()
        }
    }

    pub fn update(
        &mut self,
        m: Message,
        dir: &DataDir,
        desk: Option<Arc<Desk>>,
        lang: Lang,
    ) -> Action {
        match m {
            Message::OfficeCode(v) => self.office_code = v.trim().to_string(),
            Message::NameKk(v) => self.name_kk = v,
            Message::NameRu(v) => self.name_ru = v,
            Message::Workstation(v) => self.workstation = v.trim().to_string(),
            Message::AdminIin(v) => self.admin_iin = v,
            Message::AdminName(v) => self.admin_name = v,
            Message::Password(v) => self.password = v,
            Message::Repeat(v) => self.repeat = v,
            Message::Lang(l) => return Action::SetLang(l),
            Message::Submit => {
                if self.busy {
                    return Action::None;
                }
                if self.password != self.repeat {
                    self.error = Some(Failure {
                        field: Some("repeat".into()),
                        ..Failure::plain("ui-password-mismatch")
                    });
                    return Action::None;
                }
                self.busy = true;
                self.error = None;
                let (dir, office, user) = (
                    dir.clone(),
                    NewOffice {
                        code: self.office_code.clone(),
                        name_kk: self.name_kk.clone(),
                        name_ru: self.name_ru.clone(),
                        workstation: self.workstation.clone(),
                    },
                    NewUserInput {
                        iin: self.admin_iin.trim().to_string(),
                        full_name: self.admin_name.clone(),
                        roles: vec![Role::Admin],
                        password: self.password.clone(),
                        lang,
                        must_change_password: false,
                    },
                );
                // The admin is checked before the office is created, so a typo does not
                // leave a half-set-up directory.
                return Action::Run(Task::perform(
                    blocking(move || {
                        precheck(&user)?;
                        let desk = match desk {
                            Some(d) => d,
                            None => Arc::new(Desk::init(
                                dir,
                                office,
                                Arc::new(SystemClock),
                                Options::default(),
                            )?),
                        };
                        desk.add_user(Actor::System, &user)?;
                        Ok(DeskHandle(desk))
                    }),
                    |r: Result<DeskHandle, crate::desk::DeskError>| {
                        Message::Done(r.map_err(Failure::from))
                    },
                ));
            }
            Message::Done(r) => {
                self.busy = false;
                match r {
                    Ok(d) => return Action::Done(d),
                    Err(e) => self.error = Some(e),
                }
            }
        }
        Action::None
    }

    pub fn view(&self, l: Lang) -> Element<'_, Message> {
        let err = |f: &str| self.error.as_ref().and_then(|e| e.for_field(f, l));
        let mut form = column![
            w::title(tr(l, "ui-first-run-title")),
            w::muted(tr(l, "ui-first-run-hint")),
            row![
                w::secondary(lang_name(Lang::Kk), Some(Message::Lang(Lang::Kk))),
                w::secondary(lang_name(Lang::Ru), Some(Message::Lang(Lang::Ru))),
            ]
            .spacing(theme::S),
        ]
        .spacing(theme::M)
        .max_width(720);
        if !self.admin_only {
            form = form.push(w::section(tr(l, "ui-first-run-office")));
            form = form.push(
                row![
                    w::text_field(
                        tr(l, "field-office_code"),
                        "fr-code",
                        &self.office_code,
                        "0412",
                        Message::OfficeCode,
                        None,
                        err("office_code")
                    ),
                    w::text_field(
                        tr(l, "field-workstation"),
                        "fr-ws",
                        &self.workstation,
                        "01",
                        Message::Workstation,
                        None,
                        err("workstation")
                    ),
                ]
                .spacing(theme::M),
            );
            form = form.push(w::text_field(
                tr(l, "field-office_name_kk"),
                "fr-kk",
                &self.name_kk,
                &tr(l, "ui-first-run-example-kk"),
                Message::NameKk,
                None,
                err("office_name_kk"),
            ));
            form = form.push(w::text_field(
                tr(l, "field-office_name_ru"),
                "fr-ru",
                &self.name_ru,
                &tr(l, "ui-first-run-example-ru"),
                Message::NameRu,
                None,
                err("office_name_ru"),
            ));
        }
        form = form.push(w::section(tr(l, "ui-first-run-admin")));
        form = form.push(
            row![
                w::text_field(
                    tr(l, "field-iin"),
                    "fr-iin",
                    &self.admin_iin,
                    "000000000000",
                    Message::AdminIin,
                    None,
                    err("iin")
                ),
                w::text_field(
                    tr(l, "field-full_name"),
                    "fr-name",
                    &self.admin_name,
                    "",
                    Message::AdminName,
                    None,
                    err("full_name")
                ),
            ]
            .spacing(theme::M),
        );
        form = form.push(
            row![
                w::field(
                    tr(l, "field-password"),
                    w::input(
                        "",
                        &self.password,
                        Message::Password,
                        err("password").is_some()
                    )
                    .secure(true)
                    .id("fr-pass")
                    .into(),
                    err("password")
                ),
                w::field(
                    tr(l, "ui-password-repeat"),
                    w::input("", &self.repeat, Message::Repeat, err("repeat").is_some())
                        .secure(true)
                        .id("fr-repeat")
                        .on_submit(Message::Submit)
                        .into(),
                    err("repeat")
                ),
            ]
            .spacing(theme::M),
        );
        if let Some(e) = &self.error
            && e.field.is_none()
        {
            form = form.push(w::error_banner(e.text(l)));
        }
        form = form.push(w::primary(
            tr(l, "ui-first-run-submit"),
            (!self.busy).then_some(Message::Submit),
        ));
        scrollable(w::card(form)).height(Length::Fill).into()
    }
}

/// Checks the first admin's ИИН before anything is created.
fn precheck(u: &NewUserInput) -> Result<(), crate::desk::DeskError> {
    crate::domain::iin::Iin::parse(&u.iin)?;
    Desk::check_password_strength(&u.password, &u.iin)?;
    Ok(())
}
