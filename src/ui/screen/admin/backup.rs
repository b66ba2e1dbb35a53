//! Backup and restore: a backup with a date-time name (or a file chosen), its progress with
//! "cancel", the list of past backups with a restore from any of them (after a confirmation),
//! and a reminder to copy them to another disk. An optional passphrase seals a backup (its
//! private keys encrypted, its contents authenticated) and opens a sealed one at restore.
//!
//! A backup runs as an abortable task: when the admin screen closes, its handle is dropped
//! (the task is aborted) and the job is told to stop (the desk removes the partial file). A
//! restore is not stopped halfway (it replaces the data directory at its end); the window
//! takes its result even if the screen was closed meanwhile.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use iced::widget::{column, container, progress_bar, row, text};
use iced::{Alignment, Element, Length, Task};

use super::{Done, Outcome, Reply};
use crate::desk::backup_list::BackupFile;
use crate::desk::{DataDir, Desk, Options, SystemClock};
use crate::i18n::Arg;
use crate::ui::desk_handle::DeskHandle;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// How far a job is, shared with the thread doing it.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
    /// The job has ended (the progress bar stops asking, whatever order the messages come in).
    finished: AtomicBool,
}

impl Progress {
    /// The job was told to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

#[derive(Debug, Default)]
pub struct State {
    backup_path: String,
    /// The backup's passphrase as typed (empty: not sealed). Never stored.
    passphrase: String,
    /// The backups in the data directory, newest first.
    backups: Vec<BackupFile>,
    /// The backup the admin asked to restore from, waiting for "yes".
    confirm_restore: Option<PathBuf>,
    /// The job running, if any.
    progress: Option<Arc<Progress>>,
    /// The running backup's task; dropping it aborts the task.
    job: Option<iced::task::Handle>,
    pub outcome: Outcome,
}

impl Drop for State {
    /// The screen closes: a backup still running is told to stop (its task is aborted as the
    /// handle goes).
    fn drop(&mut self) {
        if let (Some(p), Some(_)) = (&self.progress, &self.job) {
            p.cancel.store(true, Ordering::Relaxed);
        }
    }
}

/// Backup section events.
#[derive(Debug, Clone)]
pub enum Message {
    /// Where the backup goes, as typed (empty: a new date-time name).
    BackupPath(String),
    /// The backup's passphrase, as typed.
    Passphrase(String),
    /// Choose where the backup goes (file dialog).
    ChooseBackup,
    /// The file chosen (`None`: the dialog was closed).
    BackupChosen(Option<PathBuf>),
    /// Make a backup.
    Start,
    /// Ask the job how far it is (while it runs).
    Poll,
    /// Stop the backup.
    Cancel,
    /// Choose a backup to restore from (file dialog).
    ChooseRestore,
    /// The backups in the data directory were listed.
    Backups(Vec<BackupFile>),
    /// Ask "restore from this one?" (`None`: cancel).
    AskRestore(Option<PathBuf>),
    /// Restore from this backup (the admin said yes).
    Restore(PathBuf),
    /// The backup ended.
    Done(Done, Result<(), Failure>),
    /// The restore ended: the office reopened on the restored data, or why not.
    Restored(Result<DeskHandle, Failure>),
}

impl State {
    /// Lists the backups in the data directory.
    pub fn list(&self, ctx: &Ctx) -> Task<Message> {
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        Task::perform(
            blocking(move || desk.backup_list(&sess).unwrap_or_default()),
            Message::Backups,
        )
    }

    /// The passphrase typed, if any.
    fn passphrase(&self) -> Option<String> {
        (!self.passphrase.is_empty()).then(|| self.passphrase.clone())
    }

    /// Whether a job runs.
    pub fn busy(&self) -> bool {
        self.progress.is_some()
    }

    /// The running job's progress (tests look at it).
    pub fn progress(&self) -> Option<Arc<Progress>> {
        self.progress.clone()
    }

    fn start(&mut self, ctx: &Ctx) -> Task<Message> {
        let typed = self.backup_path.trim();
        let chosen = (!typed.is_empty()).then(|| PathBuf::from(typed));
        let passphrase = self.passphrase();
        let p = Arc::new(Progress::default());
        self.progress = Some(p.clone());
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        let job = Task::perform(
            blocking(move || {
                let r = (|| {
                    let path = chosen.unwrap_or_else(|| desk.new_backup_path());
                    // A backup never replaces another one.
                    if path.exists() {
                        return Err(Failure::with_arg(
                            "ui-backup-exists",
                            "file",
                            &path.display().to_string(),
                        ));
                    }
                    desk.backup_sealed(
                        Some(&sess),
                        &path,
                        passphrase.as_deref(),
                        &mut |done, total| {
                            p.done.store(done, Ordering::Relaxed);
                            p.total.store(total, Ordering::Relaxed);
                            !p.cancel.load(Ordering::Relaxed)
                        },
                    )
                    .map(|_| ())
                    .map_err(Failure::from)
                })();
                p.finished.store(true, Ordering::Relaxed);
                r
            }),
            |r| Message::Done(Done::Backup, r),
        );
        let (job, handle) = job.abortable();
        self.job = Some(handle.abort_on_drop());
        Task::batch([job, Task::done(Message::Poll)])
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Reply<Message> {
        let t = match m {
            Message::BackupPath(p) => {
                self.backup_path = p;
                Task::none()
            }
            Message::Passphrase(p) => {
                self.passphrase = p;
                Task::none()
            }
            Message::ChooseBackup => {
                let picker = ctx.platform.picker.clone();
                let title = ctx.t("ui-backup-title");
                Task::perform(
                    async move { picker.save_file(title, "mio-desk.miobak".into()).await },
                    Message::BackupChosen,
                )
            }
            Message::BackupChosen(p) => {
                if let Some(p) = p {
                    self.backup_path = p.display().to_string();
                }
                Task::none()
            }
            Message::Start => {
                if self.busy() {
                    return Reply::none();
                }
                self.start(ctx)
            }
            Message::Poll => {
                if self
                    .progress
                    .as_ref()
                    .is_some_and(|p| !p.finished.load(Ordering::Relaxed))
                {
                    Task::perform(
                        async { tokio::time::sleep(std::time::Duration::from_millis(200)).await },
                        |_| Message::Poll,
                    )
                } else {
                    Task::none()
                }
            }
            Message::Cancel => {
                if let Some(p) = &self.progress {
                    p.cancel.store(true, Ordering::Relaxed);
                }
                Task::none()
            }
            Message::ChooseRestore => {
                let picker = ctx.platform.picker.clone();
                let title = ctx.t("ui-restore-title");
                Task::perform(
                    async move { picker.pick_file(title).await },
                    Message::AskRestore,
                )
            }
            Message::Backups(list) => {
                self.backups = list;
                Task::none()
            }
            Message::AskRestore(p) => {
                self.confirm_restore = p;
                Task::none()
            }
            Message::Restore(p) => {
                if self.busy() {
                    return Reply::none();
                }
                self.confirm_restore = None;
                let dir: DataDir = ctx.desk.data_dir().clone();
                let passphrase = self.passphrase();
                self.progress = Some(Arc::new(Progress::default()));
                Task::perform(
                    blocking(move || {
                        crate::desk::backup::restore_sealed(&dir, &p, passphrase.as_deref())?;
                        Ok(DeskHandle(Arc::new(Desk::open(
                            dir,
                            Arc::new(SystemClock),
                            Options::default(),
                        )?)))
                    }),
                    |r: Result<DeskHandle, crate::desk::DeskError>| {
                        Message::Restored(r.map_err(Failure::from))
                    },
                )
            }
            Message::Restored(r) => {
                self.progress = None;
                match r {
                    Ok(d) => return Reply::Restored(d),
                    Err(e) => self.outcome.fail(e),
                }
                Task::none()
            }
            Message::Done(done, r) => {
                self.progress = None;
                self.job = None;
                if self.outcome.finished(ctx, done, r) {
                    self.backup_path.clear();
                    self.passphrase.clear();
                    return Reply::Saved(done, self.list(ctx));
                }
                Task::none()
            }
        };
        Reply::Run(t)
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let mut c = column![
            w::section(ctx.t("ui-backup")),
            // Copies on the same disk die with it.
            w::notice(&ctx.t("ui-backup-copy-away"), theme::WARNING),
            row![
                w::text_field(
                    ctx.t("ui-backup-file"),
                    "adm-backup",
                    &self.backup_path,
                    &ctx.t("ui-backup-auto-name"),
                    Message::BackupPath,
                    None,
                    None
                ),
                container(w::secondary(
                    ctx.t("ui-choose-file"),
                    Some(Message::ChooseBackup)
                ))
                .padding([20, 0]),
            ]
            .spacing(theme::S),
            w::field(
                ctx.t("ui-backup-passphrase"),
                w::input("", &self.passphrase, Message::Passphrase, false)
                    .id("adm-backup-passphrase")
                    .secure(true)
                    .into(),
                None
            ),
            w::muted(ctx.ta(
                "ui-backup-passphrase-hint",
                &[("min", Arg::from(crate::desk::backup::MIN_PASSPHRASE))]
            )),
        ]
        .spacing(theme::S);
        match &self.progress {
            Some(p) => {
                let total = p.total.load(Ordering::Relaxed).max(1) as f32;
                let done = p.done.load(Ordering::Relaxed) as f32;
                c = c.push(progress_bar(0.0..=1.0, done / total));
                c = c.push(w::secondary(ctx.t("ui-cancel"), Some(Message::Cancel)));
            }
            None => {
                c = c.push(
                    row![
                        w::primary(ctx.t("ui-backup-now"), Some(Message::Start)),
                        w::danger(ctx.t("ui-restore"), Some(Message::ChooseRestore)),
                    ]
                    .spacing(theme::S),
                );
                c = c.push(w::muted(ctx.t("ui-restore-hint")));
            }
        }
        if let Some(p) = &self.confirm_restore {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            c = c.push(w::banner(
                column![
                    text(ctx.ta("ui-restore-confirm", &[("file", Arg::from(name))]))
                        .size(theme::BODY),
                    row![
                        w::danger(
                            ctx.t("ui-restore-yes"),
                            (!self.busy()).then(|| Message::Restore(p.clone()))
                        ),
                        w::secondary(ctx.t("ui-cancel"), Some(Message::AskRestore(None))),
                    ]
                    .spacing(theme::S),
                ]
                .spacing(theme::S),
                theme::DANGER,
            ));
        }
        c = c.push(w::section(ctx.t("ui-backup-list")));
        if self.backups.is_empty() {
            c = c.push(w::muted(ctx.t("ui-backup-none")));
        }
        for b in &self.backups {
            let name = b
                .path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            c = c.push(
                row![
                    text(name).size(theme::SMALL).width(Length::FillPortion(4)),
                    text(b.at.map(crate::i18n::datetime_short).unwrap_or_default())
                        .size(theme::SMALL)
                        .width(Length::FillPortion(2)),
                    text(ctx.ta(
                        "ui-size-mb",
                        &[(
                            "mb",
                            Arg::from(format!("{:.1}", b.size as f64 / 1_048_576.0))
                        )]
                    ))
                    .size(theme::SMALL)
                    .width(Length::FillPortion(1)),
                    w::secondary(
                        ctx.t("ui-restore-this"),
                        (!self.busy()).then(|| Message::AskRestore(Some(b.path.clone())))
                    ),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
            );
        }
        w::card(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Closing the admin screen (dropping its state) tells a running backup to stop and drops
    /// the handle that aborts its task.
    #[test]
    fn closing_the_screen_stops_a_running_backup() {
        let p = Arc::new(Progress::default());
        let (task, handle) = Task::perform(async { 1 }, |x: i32| x).abortable();
        // A plain copy of the handle only watches; the state holds the one that aborts.
        let watch = handle.clone();
        let state = State {
            backup_path: String::new(),
            passphrase: String::new(),
            backups: Vec::new(),
            confirm_restore: None,
            progress: Some(p.clone()),
            job: Some(handle.abort_on_drop()),
            outcome: Outcome::default(),
        };
        assert!(!p.cancelled());
        assert!(!watch.is_aborted());
        drop(state);
        assert!(p.cancelled(), "the job was not told to stop");
        assert!(watch.is_aborted(), "the task was not aborted");
        drop(task);
    }
}
