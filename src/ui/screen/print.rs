//! Printing that tells the truth: a dialog over the screen with the whole paper as it will
//! print, the printers the print system (CUPS) knows with the default first, "Print" and
//! "Save as PDF…" (always there, also without a printer). A paper counts as printed only when
//! the print system accepted the job (then it is recorded in the audit); every failure is said
//! in the user's language with what to do.

use std::path::PathBuf;
use std::sync::Arc;

use iced::widget::{column, container, row, scrollable};
use iced::{Alignment, Element, Length, Task};

use crate::desk::papers::PrintJob;
use crate::desk::{Desk, Session};
use crate::i18n::Arg;
use crate::ui::platform::{PrintFailure, blocking};
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// The ids of the dialog's controls (for focus and for tests).
pub const PRINT_ID: &str = "print-go";
pub const SAVE_ID: &str = "print-save";
pub const PRINTER_ID: &str = "print-printer";

/// The print dialog.
#[derive(Debug, Default)]
pub struct State {
    /// Open (while the paper is being prepared too).
    open: bool,
    job: Option<Arc<PrintJob>>,
    printers: Vec<String>,
    pub printer: Option<String>,
    busy: bool,
    error: Option<Failure>,
    /// What the last print or save did, for the screen to show after the dialog closes.
    pub done: Option<String>,
}

/// Print dialog events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The paper is ready (or could not be made), with the printers known.
    Ready(Result<Arc<PrintJob>, Failure>, Vec<String>),
    /// The printer chosen.
    Printer(String),
    /// Print on the chosen printer.
    Print,
    /// The print system answered: the job id, or why not.
    Printed(Result<(String, String), Failure>),
    /// Save the paper as a PDF (file dialog).
    Save,
    /// Where to save it (`None`: the dialog was closed).
    SavePicked(Option<PathBuf>),
    /// The PDF was written (its path), or why not.
    Saved(Result<String, Failure>),
    /// Close the dialog.
    Close,
}

/// A file that could not be read or written, said in words (not the system's English).
pub fn io_failure(kind: std::io::ErrorKind, key: &str, file: &str, reading: bool) -> Failure {
    use crate::domain::model::Lang;
    use crate::i18n::{tr, tra};
    let why = |l: Lang| {
        use std::io::ErrorKind as K;
        tr(
            l,
            match kind {
                K::NotFound if reading => "ui-io-no-file",
                K::NotFound => "ui-io-not-found",
                K::PermissionDenied if reading => "ui-io-no-read",
                K::PermissionDenied | K::ReadOnlyFilesystem => "ui-io-denied",
                K::StorageFull | K::QuotaExceeded => "ui-io-full",
                K::FileTooLarge => "ui-io-too-large",
                K::IsADirectory => "ui-io-is-dir",
                _ => "ui-io-other",
            },
        )
    };
    Failure {
        kk: tra(
            Lang::Kk,
            key,
            &[("file", Arg::from(file)), ("why", Arg::from(why(Lang::Kk)))],
        ),
        ru: tra(
            Lang::Ru,
            key,
            &[("file", Arg::from(file)), ("why", Arg::from(why(Lang::Ru)))],
        ),
        field: None,
        key: key.into(),
        fields: Vec::new(),
    }
}

fn print_failure(f: PrintFailure, printer: &str) -> Failure {
    match f {
        PrintFailure::NoPrintSystem => Failure::plain("ui-print-no-system"),
        PrintFailure::Rejected(why) => {
            let mut f = Failure::with_arg("ui-print-rejected", "printer", printer);
            let add = |s: &mut String| {
                if !why.is_empty() {
                    s.push_str(&format!(" ({why})"));
                }
            };
            add(&mut f.kk);
            add(&mut f.ru);
            f
        }
        PrintFailure::Spool(kind) => io_failure(kind, "ui-print-spool-failed", "", false),
    }
}

impl State {
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Closes the dialog (Esc).
    pub fn close(&mut self) {
        self.open = false;
    }

    /// Opens the dialog on the paper `make` prepares (off the window's thread).
    pub fn open(
        &mut self,
        ctx: &Ctx,
        make: impl FnOnce(&Desk, &Session) -> crate::desk::Result<PrintJob> + Send + 'static,
    ) -> Task<Message> {
        self.open = true;
        self.job = None;
        self.busy = true;
        self.error = None;
        self.done = None;
        let (desk, sess, printer) = (
            ctx.desk.clone(),
            ctx.session.clone(),
            ctx.platform.printer.clone(),
        );
        Task::perform(
            async move {
                let job = blocking(move || make(desk.as_ref(), &sess))
                    .await
                    .map(Arc::new)
                    .map_err(Failure::from);
                (job, printer.printers().await)
            },
            |(job, printers)| Message::Ready(job, printers),
        )
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Task<Message> {
        match m {
            Message::Ready(job, printers) => {
                self.busy = false;
                match job {
                    Ok(j) => self.job = Some(j),
                    Err(e) => self.error = Some(e),
                }
                if self.printer.as_ref().is_none_or(|p| !printers.contains(p)) {
                    self.printer = printers.first().cloned();
                }
                self.printers = printers;
                Task::none()
            }
            Message::Printer(p) => {
                self.printer = Some(p);
                Task::none()
            }
            Message::Print => {
                let (Some(job), Some(p)) = (self.job.clone(), self.printer.clone()) else {
                    return Task::none();
                };
                if self.busy {
                    return Task::none();
                }
                self.busy = true;
                self.error = None;
                let (desk, sess, printer) = (
                    ctx.desk.clone(),
                    ctx.session.clone(),
                    ctx.platform.printer.clone(),
                );
                Task::perform(
                    async move {
                        let id = printer
                            .print(job.pdf.clone(), job.name.clone(), p.clone())
                            .await
                            .map_err(|f| print_failure(f, &p))?;
                        // Printed only now that the print system took it.
                        let (pp, jid) = (p.clone(), id.clone());
                        blocking(move || desk.record_printed(&sess, &job, &pp, &jid))
                            .await
                            .map_err(Failure::from)?;
                        Ok::<_, Failure>((p, id))
                    },
                    Message::Printed,
                )
            }
            Message::Printed(r) => {
                self.busy = false;
                match r {
                    Ok((p, id)) => {
                        let title = self
                            .job
                            .as_ref()
                            .map(|j| ctx.t(&j.title_key))
                            .unwrap_or_default();
                        self.done = Some(ctx.ta(
                            "ui-print-sent",
                            &[
                                ("doc", Arg::from(title)),
                                ("printer", Arg::from(p)),
                                ("job", Arg::from(id)),
                            ],
                        ));
                        self.open = false;
                    }
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
            Message::Save => {
                let Some(job) = &self.job else {
                    return Task::none();
                };
                let picker = ctx.platform.picker.clone();
                let (title, name) = (ctx.t("ui-save-pdf-title"), format!("{}.pdf", job.name));
                Task::perform(
                    async move { picker.save_file(title, name).await },
                    Message::SavePicked,
                )
            }
            Message::SavePicked(None) => Task::none(),
            Message::SavePicked(Some(path)) => {
                let Some(job) = self.job.clone() else {
                    return Task::none();
                };
                self.busy = true;
                self.error = None;
                let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
                Task::perform(
                    blocking(move || {
                        let shown = path.display().to_string();
                        std::fs::write(&path, &job.pdf)
                            .map_err(|e| io_failure(e.kind(), "ui-save-failed", &shown, false))?;
                        desk.record_saved(&sess, &job, &shown)
                            .map_err(Failure::from)?;
                        Ok::<_, Failure>(shown)
                    }),
                    Message::Saved,
                )
            }
            Message::Saved(r) => {
                self.busy = false;
                match r {
                    Ok(file) => {
                        self.done = Some(ctx.ta("ui-pdf-saved", &[("file", Arg::from(file))]));
                        self.open = false;
                    }
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
            Message::Close => {
                self.open = false;
                Task::none()
            }
        }
    }

    /// The dialog's content (the caller puts it in a modal over its screen).
    pub fn view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let title = self
            .job
            .as_ref()
            .map(|j| ctx.t(&j.title_key))
            .unwrap_or_else(|| ctx.t("ui-print-preparing"));
        let mut c = column![w::section(
            ctx.ta("ui-print-title", &[("doc", Arg::from(title))])
        )]
        .spacing(theme::S);
        if let Some(j) = &self.job {
            c = c.push(
                container(
                    scrollable(w::paper::paper(&j.paper, 470.0)).height(Length::Fixed(330.0)),
                )
                .width(Length::Fill),
            );
        }
        if !self.busy || self.job.is_some() {
            if self.printers.is_empty() {
                c = c.push(w::notice(&ctx.t("ui-print-no-printer"), theme::WARNING));
            } else {
                c = c.push(w::field(
                    ctx.t("ui-printer"),
                    container(
                        w::pick(
                            self.printers.clone(),
                            self.printer.clone(),
                            Message::Printer,
                        )
                        .width(Length::Fill),
                    )
                    .id(PRINTER_ID)
                    .into(),
                    None,
                ));
            }
        }
        if let Some(e) = &self.error {
            c = c.push(w::error_banner(e.text(l)));
        }
        let ready = self.job.is_some() && !self.busy;
        c = c.push(
            row![
                container(w::primary(
                    ctx.t("ui-print-do"),
                    (ready && self.printer.is_some()).then_some(Message::Print)
                ))
                .id(PRINT_ID),
                container(w::secondary(
                    ctx.t("ui-save-pdf"),
                    ready.then_some(Message::Save)
                ))
                .id(SAVE_ID),
                w::hfill(),
                w::secondary(ctx.t("ui-close"), Some(Message::Close)),
            ]
            .spacing(theme::S)
            .align_y(Alignment::Center),
        );
        c.into()
    }
}

/// The paper of an application's document, ready to print.
pub fn application_paper(
    id_or_number: String,
    kind: String,
) -> impl FnOnce(&Desk, &Session) -> crate::desk::Result<PrintJob> + Send + 'static {
    move |d, s| d.print_job(s, &id_or_number, &kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejected_job_names_the_printer_and_what_to_do() {
        let f = print_failure(PrintFailure::Rejected("paper jam".into()), "Kense-HP");
        assert!(
            f.ru.contains("Kense-HP") && f.ru.contains("(paper jam)"),
            "{}",
            f.ru
        );
        assert!(f.kk.contains("Kense-HP"), "{}", f.kk);
        let f = io_failure(
            std::io::ErrorKind::NotFound,
            "ui-save-failed",
            "/x/y.pdf",
            false,
        );
        assert!(!f.ru.contains("os error"), "{}", f.ru);
        assert!(f.ru.contains("/x/y.pdf"), "{}", f.ru);
    }

    #[test]
    fn the_job_id_is_read_from_lp() {
        assert_eq!(
            crate::ui::platform::lp_job_id("request id is Kense-HP-12 (1 file(s))\n").as_deref(),
            Some("Kense-HP-12")
        );
        assert_eq!(crate::ui::platform::lp_job_id(""), None);
    }
}
