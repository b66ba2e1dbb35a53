//! Users and roles: the list (reset a password, unlock, disable with a confirmation that names
//! the person, enable again) and adding a user with a temporary password.

use iced::widget::{checkbox, column, container, row, text};
use iced::{Alignment, Element, Length, Task};

use super::{Done, Outcome, Reply, act};
use crate::desk::auth::{Actor, NewUserInput};
use crate::domain::model::Role;
use crate::i18n::Arg;
use crate::store::people::UserRow;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// The user being added.
#[derive(Debug, Default)]
pub struct NewUser {
    pub iin: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub password: String,
}

#[derive(Debug, Default)]
pub struct State {
    pub users: Vec<UserRow>,
    pub new_user: NewUser,
    /// The user whose password is being reset, and the temporary one typed.
    reset: Option<(String, String)>,
    /// The user whose login the admin is about to disable, waiting for "yes".
    confirm_disable: Option<String>,
    pub outcome: Outcome,
}

/// Users section events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The new user's ИИН as typed (digits only are kept).
    NewIin(String),
    /// The new user's full name.
    NewName(String),
    /// A role ticked (true) or unticked for the new user.
    NewRole(Role, bool),
    /// The new user's temporary password.
    NewPassword(String),
    /// Add the new user.
    AddUser,
    /// Start resetting this user's password.
    Reset(String),
    /// The temporary password typed for the reset.
    ResetPassword(String),
    /// Set the temporary password.
    DoReset,
    /// Disable (true) or enable again (false) this user's login.
    Disable(String, bool),
    /// Ask "disable this person's login?" (`None`: cancel).
    AskDisable(Option<String>),
    /// Lift a lockout after failed logins.
    Unlock(String),
    /// A change ended.
    Done(Done, Result<(), Failure>),
}

impl State {
    pub fn escape(&mut self) {
        self.reset = None;
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Reply<Message> {
        let t = match m {
            Message::NewIin(v) => {
                self.new_user.iin = v.chars().filter(|c| c.is_ascii_digit()).take(12).collect();
                Task::none()
            }
            Message::NewName(v) => {
                self.new_user.name = v;
                Task::none()
            }
            Message::NewRole(r, on) => {
                self.new_user.roles.retain(|x| *x != r);
                if on {
                    self.new_user.roles.push(r);
                }
                Task::none()
            }
            Message::NewPassword(v) => {
                self.new_user.password = v;
                Task::none()
            }
            Message::AddUser => {
                let u = NewUserInput {
                    iin: self.new_user.iin.clone(),
                    full_name: self.new_user.name.clone(),
                    roles: self.new_user.roles.clone(),
                    password: self.new_user.password.clone(),
                    lang: ctx.lang,
                    must_change_password: true,
                };
                act(
                    ctx,
                    Done::UserAdd,
                    move |d, s| d.add_user(Actor::User(s), &u).map(|_| ()),
                    Message::Done,
                )
            }
            Message::Reset(iin) => {
                self.reset = Some((iin, String::new()));
                Task::none()
            }
            Message::ResetPassword(p) => {
                if let Some(r) = &mut self.reset {
                    r.1 = p;
                }
                Task::none()
            }
            Message::DoReset => {
                let Some((iin, p)) = self.reset.clone() else {
                    return Reply::none();
                };
                act(
                    ctx,
                    Done::PasswordReset,
                    move |d, s| d.reset_password(s, &iin, &p),
                    Message::Done,
                )
            }
            Message::Disable(iin, on) => {
                self.confirm_disable = None;
                act(
                    ctx,
                    if on {
                        Done::UserDisable
                    } else {
                        Done::UserEnable
                    },
                    move |d, s| d.set_user_disabled(s, &iin, on),
                    Message::Done,
                )
            }
            Message::AskDisable(iin) => {
                self.confirm_disable = iin;
                Task::none()
            }
            Message::Unlock(iin) => act(
                ctx,
                Done::UserUnlock,
                move |d, s| d.unlock_user(s, &iin),
                Message::Done,
            ),
            Message::Done(done, r) => {
                if self.outcome.finished(ctx, done, r) {
                    self.reset = None;
                    if done == Done::UserAdd {
                        self.new_user = NewUser::default();
                    }
                    return Reply::Saved(done, Task::none());
                }
                Task::none()
            }
        };
        Reply::Run(t)
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let err = |f: &str| self.outcome.error.as_ref().and_then(|e| e.for_field(f, l));
        let mut list = column![].spacing(theme::XS);
        for u in &self.users {
            let roles: Vec<String> = u.roles.iter().map(|r| ctx.t(r.key())).collect();
            let mut r = row![
                text(u.full_name.clone())
                    .size(theme::BODY)
                    .width(Length::FillPortion(3)),
                text(u.iin.clone())
                    .size(theme::SMALL)
                    .width(Length::FillPortion(2)),
                text(roles.join(", "))
                    .size(theme::SMALL)
                    .width(Length::FillPortion(4)),
                text(if u.disabled {
                    ctx.t("ui-disabled")
                } else if u.locked_until.is_some() {
                    ctx.t("ui-locked")
                } else {
                    String::new()
                })
                .size(theme::SMALL)
                .color(theme::DANGER)
                .width(Length::FillPortion(2)),
            ]
            .spacing(theme::S)
            .align_y(Alignment::Center);
            r = r.push(w::secondary(
                ctx.t("ui-reset-password"),
                Some(Message::Reset(u.iin.clone())),
            ));
            let locked = u
                .locked_until
                .as_deref()
                .and_then(crate::desk::parse_stamp)
                .is_some_and(|t| t > ctx.desk.now());
            if locked && !u.disabled {
                r = r.push(w::secondary(
                    ctx.t("ui-unlock"),
                    Some(Message::Unlock(u.iin.clone())),
                ));
            }
            r = r.push(if u.disabled {
                w::secondary(
                    ctx.t("ui-enable"),
                    Some(Message::Disable(u.iin.clone(), false)),
                )
            } else {
                w::danger(
                    ctx.t("ui-disable"),
                    (u.iin != ctx.session.iin).then(|| Message::AskDisable(Some(u.iin.clone()))),
                )
            });
            list = list.push(r);
            // Disabling names the person and says what it does (and does not) do.
            if self.confirm_disable.as_deref() == Some(u.iin.as_str()) {
                list = list.push(w::banner(
                    column![
                        text(ctx.ta(
                            "ui-disable-confirm",
                            &[
                                ("name", Arg::from(u.full_name.clone())),
                                ("iin", Arg::from(u.iin.clone())),
                            ],
                        ))
                        .size(theme::BODY),
                        row![
                            w::danger(
                                ctx.t("ui-disable-yes"),
                                Some(Message::Disable(u.iin.clone(), true))
                            ),
                            w::secondary(ctx.t("ui-cancel"), Some(Message::AskDisable(None))),
                        ]
                        .spacing(theme::S),
                    ]
                    .spacing(theme::S),
                    theme::DANGER,
                ));
            }
            if let Some((iin, p)) = &self.reset
                && *iin == u.iin
            {
                list = list.push(
                    row![
                        w::text_field(
                            ctx.t("ui-temp-password"),
                            "adm-reset",
                            p,
                            "",
                            Message::ResetPassword,
                            Some(Message::DoReset),
                            err("password")
                        ),
                        container(w::primary(ctx.t("ui-save"), Some(Message::DoReset)))
                            .padding([20, 0]),
                    ]
                    .spacing(theme::S),
                );
            }
        }
        let mut roles = row![].spacing(theme::M);
        for r in Role::ALL {
            let on = self.new_user.roles.contains(&r);
            roles = roles.push(
                checkbox(on)
                    .label(ctx.t(r.key()))
                    .on_toggle(move |b| Message::NewRole(r, b))
                    .text_size(theme::BODY),
            );
        }
        column![
            w::card(column![w::section(ctx.t("ui-users")), list].spacing(theme::S)),
            w::card(
                column![
                    w::section(ctx.t("ui-add-user")),
                    row![
                        w::text_field(
                            ctx.t("field-iin"),
                            "adm-iin",
                            &self.new_user.iin,
                            "000000000000",
                            Message::NewIin,
                            None,
                            err("iin")
                        ),
                        w::text_field(
                            ctx.t("field-full_name"),
                            "adm-name",
                            &self.new_user.name,
                            "",
                            Message::NewName,
                            None,
                            err("full_name")
                        ),
                        w::text_field(
                            ctx.t("ui-temp-password"),
                            "adm-pass",
                            &self.new_user.password,
                            "",
                            Message::NewPassword,
                            None,
                            err("password")
                        ),
                    ]
                    .spacing(theme::M),
                    roles,
                    w::primary(ctx.t("ui-add-user"), Some(Message::AddUser)),
                ]
                .spacing(theme::S)
            ),
        ]
        .spacing(theme::M)
        .into()
    }
}
