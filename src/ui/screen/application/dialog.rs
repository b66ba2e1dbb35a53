//! The dialogs over the case file, each carrying what is typed into it: return the draft with
//! a comment, sign with a key file and its PIN, extend the term, withdraw, and the scan viewer.

use std::path::PathBuf;

use iced::widget::{column, container, row};
use iced::{Element, Task};

use super::Message as AppMessage;
use crate::ui::screen::scan_view::{self, Viewer};
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure};

/// The dialog open over the case file.
#[derive(Debug, Clone)]
pub enum Dialog {
    /// Return the draft to the executor, with the comment why.
    Return { comment: String },
    /// Sign the result: the key file and its PIN.
    Sign { key_path: String, pin: String },
    /// Extend the term, with the reason.
    Extend { reason: String },
    /// Withdraw the application, with the reason.
    Withdraw { reason: String },
    /// A scan in the viewer.
    Scan(Box<Viewer>),
}

/// Which dialog a button opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Return,
    Sign,
    Extend,
    Withdraw,
}

/// Events inside the open dialog.
#[derive(Debug, Clone)]
pub enum Message {
    /// The comment or the reason typed.
    Text(String),
    /// The key file's path typed.
    KeyPath(String),
    /// Open the file dialog for the key file.
    PickKey,
    /// The key file the dialog gave (none: nothing chosen).
    KeyPicked(Option<PathBuf>),
    /// The PIN typed.
    Pin(String),
    /// The scan viewer.
    Scan(scan_view::Msg),
}

impl Dialog {
    /// A dialog opened empty (the key file: the user's own, when the desk knows it).
    pub fn open(kind: Kind, key_file: &str) -> Dialog {
        match kind {
            Kind::Return => Dialog::Return {
                comment: String::new(),
            },
            Kind::Sign => Dialog::Sign {
                key_path: key_file.to_string(),
                pin: String::new(),
            },
            Kind::Extend => Dialog::Extend {
                reason: String::new(),
            },
            Kind::Withdraw => Dialog::Withdraw {
                reason: String::new(),
            },
        }
    }

    /// Applies an event; `false` when the dialog is to close (the viewer's close button).
    pub fn update(&mut self, m: Message, ctx: &Ctx) -> (Task<Message>, bool) {
        match (self, m) {
            (
                Dialog::Return { comment: t }
                | Dialog::Extend { reason: t }
                | Dialog::Withdraw { reason: t },
                Message::Text(s),
            ) => *t = s,
            (Dialog::Sign { key_path, .. }, Message::KeyPath(s)) => *key_path = s,
            (Dialog::Sign { key_path, .. }, Message::KeyPicked(Some(p))) => {
                *key_path = p.display().to_string();
            }
            (Dialog::Sign { pin, .. }, Message::Pin(s)) => *pin = s,
            (Dialog::Sign { .. }, Message::PickKey) => {
                let picker = ctx.platform.picker.clone();
                let title = ctx.t("ui-sign-key");
                return (
                    Task::perform(
                        async move { picker.pick_file(title).await },
                        Message::KeyPicked,
                    ),
                    true,
                );
            }
            (Dialog::Scan(v), Message::Scan(m)) => return (Task::none(), v.update(m)),
            _ => {}
        }
        (Task::none(), true)
    }

    /// The dialog drawn; `err` is the last refusal of the desk.
    pub fn view<'a>(
        &'a self,
        ctx: &Ctx,
        err: Option<&'a Failure>,
        busy: bool,
    ) -> Element<'a, AppMessage> {
        let l = ctx.lang;
        let text = |s: String| AppMessage::Dialog(Message::Text(s));
        let buttons = |confirm: Element<'a, AppMessage>| {
            row![
                confirm,
                w::secondary(ctx.t("ui-cancel"), Some(AppMessage::Close))
            ]
            .spacing(crate::ui::theme::S)
        };
        let go = (!busy).then_some(AppMessage::Confirm);
        let mut c = column![].spacing(crate::ui::theme::M);
        // A dialog of one text: its title, a hint, the field, and the button that confirms.
        let one_text = |title: &str,
                        hint: Option<&str>,
                        (label, id, value, path): (&str, &'static str, &'a str, &str),
                        enter: bool,
                        confirm: Element<'a, AppMessage>| {
            let mut c = column![w::section(ctx.t(title))].spacing(crate::ui::theme::M);
            if let Some(h) = hint {
                c = c.push(w::muted(ctx.t(h)));
            }
            c.push(w::text_field(
                ctx.t(label),
                id,
                value,
                "",
                text,
                enter.then_some(AppMessage::Confirm),
                err.and_then(|e| e.for_field(path, l)),
            ))
            .push(buttons(confirm))
        };
        match self {
            Dialog::Return { comment } => {
                c = one_text(
                    "ui-return-title",
                    None,
                    ("field-comment", "app-comment", comment, "comment"),
                    true,
                    w::primary(ctx.t("ui-return"), go),
                );
            }
            Dialog::Sign { key_path, pin } => {
                c = c.push(w::section(ctx.t("ui-sign-title")));
                c = c.push(w::muted(ctx.t("ui-sign-hint")));
                c = c.push(
                    row![
                        w::text_field(
                            ctx.t("ui-sign-key"),
                            "app-key",
                            key_path,
                            "",
                            |s| AppMessage::Dialog(Message::KeyPath(s)),
                            None,
                            None
                        ),
                        container(w::secondary(
                            ctx.t("ui-choose-file"),
                            Some(AppMessage::Dialog(Message::PickKey))
                        ))
                        .padding([20, 0]),
                    ]
                    .spacing(crate::ui::theme::S),
                );
                c = c.push(w::field(
                    ctx.t("ui-sign-pin"),
                    w::input("", pin, |s| AppMessage::Dialog(Message::Pin(s)), false)
                        .secure(true)
                        .id("app-pin")
                        .on_submit(AppMessage::Confirm)
                        .into(),
                    None,
                ));
                // Every refusal of a signature stands in the dialog (the PIN, the key, the
                // certificate), whatever field it names.
                if let Some(e) = err {
                    c = c.push(w::error_banner(e.text(l)));
                }
                c = c.push(buttons(w::primary(
                    ctx.t("ui-sign"),
                    (!busy && !pin.is_empty()).then_some(AppMessage::Confirm),
                )));
                return c.into();
            }
            Dialog::Extend { reason } => {
                c = one_text(
                    "ui-extend-title",
                    Some("ui-extend-hint"),
                    ("doc-extension-reason", "app-extend", reason, "reason"),
                    true,
                    w::primary(ctx.t("ui-extend"), go),
                );
            }
            Dialog::Withdraw { reason } => {
                c = one_text(
                    "ui-withdraw-title",
                    None,
                    ("field-reason", "app-withdraw", reason, "reason"),
                    false,
                    w::danger(ctx.t("ui-withdraw-confirm"), go),
                );
            }
            Dialog::Scan(v) => return v.view(l, |m| AppMessage::Dialog(Message::Scan(m))),
        }
        if let Some(e) = err
            && e.field.is_none()
        {
            c = c.push(w::error_banner(e.text(l)));
        }
        c.into()
    }
}
