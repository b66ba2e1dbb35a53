//! Office settings (the idle lock, the largest file, who sees what, self-signing) and the
//! regional gateway's address and token.

use iced::widget::{checkbox, column, row};
use iced::{Element, Length, Task};

use super::{Done, Outcome, Reply, act};
use crate::desk::exchange::GatewayConfig;
use crate::desk::settings::{ExecutorVisibility, SettingChange, Settings};
use crate::ui::screen::queues::Choice;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

#[derive(Debug, Default)]
pub struct State {
    settings: Option<Settings>,
    idle: String,
    max_file: String,
    gw_url: String,
    gw_token: String,
    /// The gateway's address was taken from the office once (later reads keep what is typed).
    gw_known: bool,
    pub outcome: Outcome,
}

/// Settings section events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The idle lock's minutes as typed.
    Idle(String),
    /// The largest file's megabytes as typed.
    MaxFile(String),
    /// Whether executors see only their own applications or all.
    Visibility(Choice<ExecutorVisibility>),
    /// Whether the head may sign a paper the head drafted.
    SelfSign(bool),
    /// Save the two numbers.
    SaveSettings,
    /// The gateway's address.
    GwUrl(String),
    /// The office's token at the gateway.
    GwToken(String),
    /// Save the gateway's address and token.
    SaveGateway,
    /// A change ended.
    Done(Done, Result<(), Failure>),
}

impl State {
    /// The office's settings were read.
    pub fn loaded(&mut self, s: Settings, gateway_url: Option<String>) {
        self.idle = s.idle_lock_minutes.to_string();
        self.max_file = s.max_file_mib.to_string();
        self.settings = Some(s);
        if !self.gw_known {
            self.gw_known = true;
            self.gw_url = gateway_url.unwrap_or_default();
        }
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Reply<Message> {
        let t = match m {
            Message::Idle(v) => {
                self.idle = v;
                Task::none()
            }
            Message::MaxFile(v) => {
                self.max_file = v;
                Task::none()
            }
            Message::Visibility(c) => {
                let v = c.value.unwrap_or(ExecutorVisibility::Own);
                act(
                    ctx,
                    Done::Settings,
                    move |d, s| {
                        d.change_setting(s, SettingChange::ExecutorVisibility(v))
                            .map(|_| ())
                    },
                    Message::Done,
                )
            }
            Message::SelfSign(b) => act(
                ctx,
                Done::Settings,
                move |d, s| {
                    d.change_setting(s, SettingChange::AllowSelfSign(b))
                        .map(|_| ())
                },
                Message::Done,
            ),
            Message::SaveSettings => {
                let (Ok(idle), Ok(max)) = (
                    self.idle.trim().parse::<u32>(),
                    self.max_file.trim().parse::<u32>(),
                ) else {
                    self.outcome.fail(Failure::plain("ui-bad-number"));
                    return Reply::none();
                };
                act(
                    ctx,
                    Done::Settings,
                    move |d, s| {
                        d.change_setting(s, SettingChange::IdleLockMinutes(idle))?;
                        d.change_setting(s, SettingChange::MaxFileMib(max))
                            .map(|_| ())
                    },
                    Message::Done,
                )
            }
            Message::GwUrl(v) => {
                self.gw_url = v;
                Task::none()
            }
            Message::GwToken(v) => {
                self.gw_token = v;
                Task::none()
            }
            Message::SaveGateway => {
                let cfg = GatewayConfig {
                    url: self.gw_url.trim().to_string(),
                    token: self.gw_token.trim().to_string(),
                };
                act(
                    ctx,
                    Done::Gateway,
                    move |d, s| d.set_gateway_config(Some(s), &cfg),
                    Message::Done,
                )
            }
            Message::Done(done, r) => {
                if self.outcome.finished(ctx, done, r) {
                    return Reply::Saved(done, Task::none());
                }
                Task::none()
            }
        };
        Reply::Run(t)
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let Some(s) = &self.settings else {
            return w::muted(ctx.t("ui-loading"));
        };
        let vis: Vec<Choice<ExecutorVisibility>> =
            [ExecutorVisibility::Own, ExecutorVisibility::All]
                .into_iter()
                .map(|v| Choice {
                    value: Some(v),
                    label: ctx.t(match v {
                        ExecutorVisibility::Own => "ui-visibility-own",
                        ExecutorVisibility::All => "ui-visibility-all",
                    }),
                })
                .collect();
        let vsel = vis
            .iter()
            .find(|v| v.value == Some(s.executor_visibility))
            .cloned();
        column![
            w::card(
                column![
                    w::section(ctx.t("ui-settings")),
                    row![
                        w::text_field(
                            format!(
                                "{} ({})",
                                ctx.t("field-idle_lock_minutes"),
                                ctx.t("ui-unit-min")
                            ),
                            "adm-idle",
                            &self.idle,
                            "10",
                            Message::Idle,
                            None,
                            None
                        ),
                        w::text_field(
                            format!("{} ({})", ctx.t("field-max_file_mib"), ctx.t("ui-unit-mb")),
                            "adm-max",
                            &self.max_file,
                            "10",
                            Message::MaxFile,
                            None,
                            None
                        ),
                    ]
                    .spacing(theme::M),
                    w::primary(ctx.t("ui-save"), Some(Message::SaveSettings)),
                    w::field(
                        ctx.t("ui-executor-visibility"),
                        w::pick(vis, vsel, Message::Visibility)
                            .width(Length::Fill)
                            .into(),
                        None
                    ),
                    checkbox(s.allow_self_sign)
                        .label(ctx.t("ui-allow-self-sign"))
                        .text_size(theme::BODY)
                        .on_toggle(Message::SelfSign),
                ]
                .spacing(theme::S)
            ),
            w::card(
                column![
                    w::section(ctx.t("ui-gateway")),
                    w::text_field(
                        ctx.t("ui-gateway-url"),
                        "adm-gw",
                        &self.gw_url,
                        "http://127.0.0.1:8740",
                        Message::GwUrl,
                        None,
                        None
                    ),
                    w::field(
                        ctx.t("ui-gateway-token"),
                        w::input("", &self.gw_token, Message::GwToken, false)
                            .secure(true)
                            .into(),
                        None
                    ),
                    w::primary(ctx.t("ui-save"), Some(Message::SaveGateway)),
                ]
                .spacing(theme::S)
            ),
        ]
        .spacing(theme::M)
        .into()
    }
}
