//! Certificates: the list (revoke with a reason), issuing one to a user with the user's own
//! PIN, trusting another root (e.g. НУЦ РК's) with its revocation list, and registering a
//! user's own `.p12` key made elsewhere.

use std::path::PathBuf;

use iced::widget::{column, row, text};
use iced::{Alignment, Element, Length, Task};

use super::{Done, Outcome, Reply, act};
use crate::i18n::Arg;
use crate::store::people::UserRow;
use crate::store::signatures::CertRow;
use crate::ui::screen::queues::Choice;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// A file the section asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// A root certificate to trust.
    Root,
    /// The root's revocation list.
    Crl,
    /// A user's own `.p12` key.
    P12,
}

impl Pick {
    /// The file dialog's title, written whole.
    fn title_key(self) -> &'static str {
        match self {
            Pick::Root => "ui-pick-root",
            Pick::Crl => "ui-pick-crl",
            Pick::P12 => "ui-pick-p12",
        }
    }
}

#[derive(Debug, Default)]
pub struct State {
    certs: Vec<CertRow>,
    /// The users a certificate can be issued to (not disabled): ИИН and name.
    people: Vec<(String, String)>,
    pub cert_user: Option<String>,
    pub pin: String,
    pub pin_repeat: String,
    revoke_reason: String,
    /// A root to trust (e.g. НУЦ РК's) and its revocation list, as picked.
    root_file: Option<PathBuf>,
    crl_file: Option<PathBuf>,
    /// A user's own PKCS#12 key made elsewhere, and its password.
    p12_file: Option<PathBuf>,
    pub p12_password: String,
    pub outcome: Outcome,
}

/// Certificates section events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The user a certificate is issued to (or a key registered for).
    CertUser(Choice<String>),
    /// The new certificate's PIN.
    Pin(String),
    /// The PIN once more.
    PinRepeat(String),
    /// Issue the certificate.
    Issue,
    /// Why a certificate is revoked.
    RevokeReason(String),
    /// Revoke the certificate with this serial.
    Revoke(String),
    /// Choose a file (file dialog).
    Pick(Pick),
    /// A file chosen (`None`: the dialog was closed).
    Picked(Pick, Option<PathBuf>),
    /// Trust the chosen root with its list.
    TrustRoot,
    /// The `.p12` password.
    P12Password(String),
    /// Register the chosen `.p12` for the user chosen above.
    ImportKey,
    /// A change ended.
    Done(Done, Result<(), Failure>),
}

/// A file read in a task, its failure in the desk's words.
fn read(p: &std::path::Path) -> Result<Vec<u8>, crate::desk::DeskError> {
    std::fs::read(p).map_err(|e| crate::desk::DeskError::Store(e.into()))
}

impl State {
    /// The lists were read.
    pub fn loaded(&mut self, users: &[UserRow], certs: Vec<CertRow>) {
        self.certs = certs;
        self.people = users
            .iter()
            .filter(|u| !u.disabled)
            .map(|u| (u.iin.clone(), u.full_name.clone()))
            .collect();
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Reply<Message> {
        let t = match m {
            Message::CertUser(c) => {
                self.cert_user = c.value;
                Task::none()
            }
            Message::Pin(p) => {
                self.pin = p;
                Task::none()
            }
            Message::PinRepeat(p) => {
                self.pin_repeat = p;
                Task::none()
            }
            Message::Issue => {
                if self.pin != self.pin_repeat {
                    self.outcome.fail(Failure::plain("ui-pin-mismatch"));
                    return Reply::none();
                }
                let Some(iin) = self.cert_user.clone() else {
                    return Reply::none();
                };
                let pin = std::mem::take(&mut self.pin);
                self.pin_repeat.clear();
                act(
                    ctx,
                    Done::CertIssue,
                    move |d, s| {
                        d.issue_certificate(s, &iin, &pin, crate::desk::signature::CERT_DAYS)
                            .map(|_| ())
                    },
                    Message::Done,
                )
            }
            Message::RevokeReason(r) => {
                self.revoke_reason = r;
                Task::none()
            }
            Message::Revoke(serial) => {
                let r = self.revoke_reason.clone();
                act(
                    ctx,
                    Done::CertRevoke,
                    move |d, s| d.revoke_certificate(s, &serial, &r),
                    Message::Done,
                )
            }
            Message::Pick(which) => {
                let picker = ctx.platform.picker.clone();
                let title = ctx.t(which.title_key());
                Task::perform(async move { picker.pick_file(title).await }, move |p| {
                    Message::Picked(which, p)
                })
            }
            Message::Picked(which, p) => {
                match which {
                    Pick::Root => self.root_file = p,
                    Pick::Crl => self.crl_file = p,
                    Pick::P12 => self.p12_file = p,
                }
                Task::none()
            }
            Message::TrustRoot => {
                let Some(root) = self.root_file.clone() else {
                    return Reply::none();
                };
                let crl = self.crl_file.clone();
                act(
                    ctx,
                    Done::TrustRoot,
                    move |d, s| {
                        let cert = read(&root)?;
                        let crl = crl.as_deref().map(read).transpose()?;
                        d.trust_root(Some(s), &cert, crl.as_deref()).map(|_| ())
                    },
                    Message::Done,
                )
            }
            Message::P12Password(p) => {
                self.p12_password = p;
                Task::none()
            }
            Message::ImportKey => {
                let (Some(iin), Some(file)) = (self.cert_user.clone(), self.p12_file.clone())
                else {
                    return Reply::none();
                };
                let password = std::mem::take(&mut self.p12_password);
                act(
                    ctx,
                    Done::CertImport,
                    move |d, s| {
                        let bytes = read(&file)?;
                        d.import_key(Some(s), &iin, &bytes, &password).map(|_| ())
                    },
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
        let mut list = column![].spacing(theme::XS);
        for c in &self.certs {
            let until = crate::desk::parse_stamp(&c.not_after)
                .map(|t| crate::i18n::date_short(ctx.desk.local(t).date()))
                .unwrap_or_default();
            let mut r = row![
                text(c.common_name.clone())
                    .size(theme::BODY)
                    .width(Length::FillPortion(3)),
                text(c.iin.clone())
                    .size(theme::SMALL)
                    .width(Length::FillPortion(2)),
                text(c.serial[..12.min(c.serial.len())].to_string())
                    .size(theme::SMALL)
                    .width(Length::FillPortion(2)),
                text(ctx.ta("ui-valid-until", &[("date", Arg::from(until))]))
                    .size(theme::SMALL)
                    .width(Length::FillPortion(2)),
            ]
            .spacing(theme::S)
            .align_y(Alignment::Center);
            r = match &c.revoked_at {
                Some(_) => r.push(
                    text(ctx.t("ui-revoked"))
                        .size(theme::SMALL)
                        .color(theme::DANGER),
                ),
                None => r.push(w::danger(
                    ctx.t("ui-revoke"),
                    Some(Message::Revoke(c.serial.clone())),
                )),
            };
            list = list.push(r);
        }
        let users: Vec<Choice<String>> = self
            .people
            .iter()
            .map(|(iin, name)| Choice {
                value: Some(iin.clone()),
                label: format!("{name} ({iin})"),
            })
            .collect();
        let sel = users.iter().find(|c| c.value == self.cert_user).cloned();
        column![
            w::card(
                column![
                    w::section(ctx.t("ui-certificates")),
                    list,
                    w::text_field(
                        ctx.t("ui-revoke-reason"),
                        "adm-revoke",
                        &self.revoke_reason,
                        "",
                        Message::RevokeReason,
                        None,
                        None
                    ),
                ]
                .spacing(theme::S)
            ),
            w::card(
                column![
                    w::section(ctx.t("ui-issue-cert")),
                    w::muted(ctx.t("ui-issue-cert-hint")),
                    w::pick(users, sel, Message::CertUser).width(Length::Fill),
                    row![
                        w::field(
                            ctx.t("ui-sign-pin"),
                            w::input("", &self.pin, Message::Pin, false)
                                .secure(true)
                                .into(),
                            None
                        ),
                        w::field(
                            ctx.t("ui-pin-repeat"),
                            w::input("", &self.pin_repeat, Message::PinRepeat, false)
                                .secure(true)
                                .into(),
                            None
                        ),
                    ]
                    .spacing(theme::M),
                    w::primary(
                        ctx.t("ui-issue-cert"),
                        (self.cert_user.is_some() && !self.pin.is_empty())
                            .then_some(Message::Issue)
                    ),
                ]
                .spacing(theme::S)
            ),
            self.own_keys_view(ctx),
        ]
        .spacing(theme::M)
        .into()
    }

    /// Trusting another root (e.g. НУЦ РК's) with its revocation list, and registering a
    /// user's own `.p12` made elsewhere (for the user chosen in the card above).
    fn own_keys_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let name = |p: &Option<PathBuf>| {
            p.as_ref()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| "—".into())
        };
        w::card(
            column![
                w::section(ctx.t("ui-trust-root")),
                w::muted(ctx.t("ui-trust-root-hint")),
                row![
                    w::secondary(ctx.t("ui-pick-root"), Some(Message::Pick(Pick::Root))),
                    text(name(&self.root_file)).size(theme::SMALL),
                    w::secondary(ctx.t("ui-pick-crl"), Some(Message::Pick(Pick::Crl))),
                    text(name(&self.crl_file)).size(theme::SMALL),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
                w::primary(
                    ctx.t("ui-trust-root"),
                    self.root_file.is_some().then_some(Message::TrustRoot)
                ),
                w::section(ctx.t("ui-import-key")),
                w::muted(ctx.t("ui-import-key-hint")),
                row![
                    w::secondary(ctx.t("ui-pick-p12"), Some(Message::Pick(Pick::P12))),
                    text(name(&self.p12_file)).size(theme::SMALL),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
                w::field(
                    ctx.t("ui-p12-password"),
                    w::input("", &self.p12_password, Message::P12Password, false)
                        .secure(true)
                        .into(),
                    None
                ),
                w::primary(
                    ctx.t("ui-import-key"),
                    (self.cert_user.is_some()
                        && self.p12_file.is_some()
                        && !self.p12_password.is_empty())
                    .then_some(Message::ImportKey)
                ),
            ]
            .spacing(theme::S),
        )
    }
}
