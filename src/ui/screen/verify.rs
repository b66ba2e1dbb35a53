//! Verify a paper: paste (or scan into) the QR text, or open a PDF → VALID / INVALID with
//! the details.

use std::path::PathBuf;

use iced::widget::{column, row, text};
use iced::{Element, Task};

use crate::desk::signature::Verdict;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

#[derive(Debug, Default)]
pub struct State {
    pub qr: String,
    pub verdict: Option<Verdict>,
    pub file: Option<String>,
    busy: bool,
    error: Option<Failure>,
}

/// Verify screen events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The QR text as pasted or scanned.
    Qr(String),
    /// Check the QR text.
    CheckQr,
    /// Choose a PDF to check (file dialog).
    OpenPdf,
    /// The PDF chosen (`None`: the dialog was closed).
    Picked(Option<PathBuf>),
    /// The verdict, with the name of the file checked (`None`: the QR text).
    Checked(Option<String>, Result<Verdict, Failure>),
}

/// What the window does after a verify event.
pub enum Action {
    /// Side effects the window runs.
    Run(Task<Message>),
}

impl State {
    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Action {
        Action::Run(self.step(m, ctx))
    }

    fn step(&mut self, m: Message, ctx: &Ctx) -> Task<Message> {
        match m {
            Message::Qr(s) => {
                self.qr = s;
                Task::none()
            }
            Message::CheckQr => {
                self.busy = true;
                let (desk, qr) = (ctx.desk.clone(), self.qr.clone());
                Task::perform(blocking(move || desk.verify_payload(&qr)), |r| {
                    Message::Checked(None, r.map_err(Failure::from))
                })
            }
            Message::OpenPdf => {
                let picker = ctx.platform.picker.clone();
                let title = ctx.t("ui-verify-open");
                Task::perform(
                    async move { picker.pick_file(title).await },
                    Message::Picked,
                )
            }
            Message::Picked(Some(p)) => {
                self.busy = true;
                let desk = ctx.desk.clone();
                // The file's name is enough to say which paper was checked.
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_else(|| p.display().to_string());
                Task::perform(
                    blocking(move || {
                        let bytes = std::fs::read(&p)
                            .map_err(|e| crate::desk::DeskError::Store(e.into()))?;
                        desk.verify_pdf(&bytes)
                    }),
                    move |r| Message::Checked(Some(name.clone()), r.map_err(Failure::from)),
                )
            }
            Message::Picked(None) => Task::none(),
            Message::Checked(file, r) => {
                self.busy = false;
                self.file = file;
                match r {
                    Ok(v) => {
                        self.verdict = Some(v);
                        self.error = None;
                    }
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
        }
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let mut c = column![
            w::title(ctx.t("ui-verify-title")),
            w::muted(ctx.t("ui-verify-hint")),
            w::text_field(
                ctx.t("ui-verify-qr"),
                "verify-qr",
                &self.qr,
                "MIO1|…",
                Message::Qr,
                Some(Message::CheckQr),
                None
            ),
            row![
                w::primary(
                    ctx.t("ui-verify-check"),
                    (!self.busy && !self.qr.trim().is_empty()).then_some(Message::CheckQr)
                ),
                w::secondary(
                    ctx.t("ui-verify-open"),
                    (!self.busy).then_some(Message::OpenPdf)
                ),
            ]
            .spacing(theme::S),
        ]
        .spacing(theme::M);
        if let Some(f) = &self.file {
            c = c.push(w::muted(f.clone()));
        }
        if let Some(e) = &self.error {
            c = c.push(w::error_banner(e.text(l)));
        }
        match &self.verdict {
            Some(Verdict::Valid {
                number,
                date,
                signer,
                signer_iin,
                signed_at,
                kind,
                in_register,
                format,
                revocation,
            }) => {
                let mut d = column![
                    text(ctx.t("ui-verify-valid"))
                        .size(theme::H2)
                        .font(theme::BOLD)
                        .color(theme::SUCCESS)
                ]
                .spacing(theme::XS);
                d = d.push(w::pair(ctx.t("doc-unique-number"), number.clone()));
                d = d.push(w::pair(ctx.t("doc-date"), crate::i18n::date_long(l, *date)));
                d = d.push(w::pair(
                    ctx.t("ui-verify-signer"),
                    format!(
                        "{signer} {}",
                        signer_iin
                            .as_deref()
                            .map(|i| format!("({i})"))
                            .unwrap_or_default()
                    ),
                ));
                d = d.push(w::pair(ctx.t("ui-verify-signed-at"), signed_at.clone()));
                if let Some(k) = crate::domain::catalog::DocumentKind::from_code(kind) {
                    d = d.push(w::pair(
                        ctx.t("ui-verify-kind"),
                        ctx.t(crate::ui::keys::doc_title(k)),
                    ));
                }
                d = d.push(w::pair(
                    ctx.t("ui-verify-format"),
                    ctx.t(match format.as_str() {
                        "pades" => "verify-format-pades",
                        _ => "verify-format-legacy",
                    }),
                ));
                if *revocation == crate::signing::Revocation::NotChecked {
                    d = d.push(w::muted(ctx.t("verify-revocation-not-checked")));
                }
                d = d.push(w::muted(ctx.t(if in_register.is_some() {
                    "ui-verify-in-register"
                } else {
                    "ui-verify-not-in-register"
                })));
                c = c.push(w::banner(d, theme::SUCCESS));
            }
            Some(Verdict::Invalid { problem }) => {
                c = c.push(w::banner(
                    column![
                        text(ctx.t("ui-verify-invalid"))
                            .size(theme::H2)
                            .font(theme::BOLD)
                            .color(theme::DANGER),
                        text(problem.message(l)).size(theme::BODY),
                    ]
                    .spacing(theme::S),
                    theme::DANGER,
                ));
            }
            None => {}
        }
        w::card(c)
    }
}
