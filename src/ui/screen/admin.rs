//! Administration: users and roles (add, reset, disable), certificates (issue with the user's
//! own PIN, revoke), the holiday calendar per year, the service catalogue (view; terms
//! editable), office settings, the gateway, and backup and restore with a progress bar.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use iced::widget::{button, checkbox, column, container, progress_bar, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

use super::queues::Choice;
use crate::desk::auth::{Actor, NewUserInput};
use crate::desk::exchange::GatewayConfig;
use crate::desk::settings::{ExecutorVisibility, SettingChange, Settings};
use crate::desk::{DataDir, Desk, Options, SystemClock};
use crate::domain::calendar::{Moved, YearFile};
use crate::domain::catalog::{Term, TermUnit};
use crate::domain::model::{Lang, Role};
use crate::i18n::Arg;
use crate::store::people::UserRow;
use crate::store::signatures::CertRow;
use crate::ui::app::DeskHandle;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Users,
    Certificates,
    Calendar,
    Catalogue,
    Settings,
    Backup,
}

#[derive(Debug, Default)]
pub struct NewUser {
    pub iin: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub password: String,
}

#[derive(Debug, Default)]
struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
    /// The job has ended (the progress bar stops asking, whatever order the messages come in).
    finished: AtomicBool,
}

pub struct State {
    pub section: Section,
    users: Vec<UserRow>,
    certs: Vec<CertRow>,
    settings: Option<Settings>,
    pub new_user: NewUser,
    reset: Option<(String, String)>,
    pub cert_user: Option<String>,
    pub pin: String,
    pub pin_repeat: String,
    revoke_reason: String,
    /// A root to trust (e.g. НУЦ РК's) and its revocation list, as picked.
    root_file: Option<std::path::PathBuf>,
    crl_file: Option<std::path::PathBuf>,
    /// A user's own PKCS#12 key made elsewhere, and its password.
    p12_file: Option<std::path::PathBuf>,
    pub p12_password: String,
    year: i32,
    kurban: String,
    moved_work: String,
    moved_off: String,
    year_file: Option<YearFile>,
    service: Option<String>,
    term_value: String,
    term_unit: TermUnit,
    term_first_day: bool,
    gw_url: String,
    gw_token: String,
    idle: String,
    max_file: String,
    backup_path: String,
    /// The backups in the data directory, newest first.
    backups: Vec<crate::desk::backup_list::BackupFile>,
    /// What the office still needs (shown until everything is done).
    setup: Option<crate::desk::setup::SetupStatus>,
    /// The catalogue's editions no longer in force are shown.
    show_expired: bool,
    /// The user whose login the admin is about to disable, waiting for "yes".
    confirm_disable: Option<String>,
    /// The backup the admin asked to restore from, waiting for "yes".
    confirm_restore: Option<PathBuf>,
    progress: Option<Arc<Progress>>,
    error: Option<Failure>,
    notice: Option<String>,
    /// The medico-social institutions the office keeps, and the new one being typed.
    institutions: Vec<crate::store::institutions::InstitutionRow>,
    pub inst_kk: String,
    pub inst_ru: String,
    pub inst_address: String,
}

/// Admin events.
#[derive(Debug, Clone)]
pub enum Message {
    Section(Section),
    #[allow(clippy::type_complexity)]
    Loaded(
        Result<
            (
                Vec<UserRow>,
                Vec<CertRow>,
                Settings,
                Vec<crate::store::institutions::InstitutionRow>,
            ),
            Failure,
        >,
    ),
    /// The new institution's Kazakh name.
    InstKk(String),
    /// The new institution's Russian name.
    InstRu(String),
    /// The new institution's address.
    InstAddress(String),
    /// Add the institution typed in.
    AddInstitution,
    /// Close (false) or reopen (true) an institution.
    InstitutionActive(i64, bool),
    NewIin(String),
    NewName(String),
    NewRole(Role, bool),
    NewPassword(String),
    AddUser,
    Reset(String),
    ResetPassword(String),
    DoReset,
    Disable(String, bool),
    /// Ask "disable this person's login?" (`None`: cancel).
    AskDisable(Option<String>),
    /// Lift a lockout after failed logins.
    Unlock(String),
    CertUser(Choice<String>),
    Pin(String),
    PinRepeat(String),
    Issue,
    RevokeReason(String),
    Revoke(String),
    /// Choose a root certificate to trust (file dialog).
    PickRoot,
    /// Choose the root's revocation list (file dialog).
    PickCrl,
    /// Choose a user's own `.p12` key (file dialog).
    PickP12,
    /// A file chosen: which one (`root`, `crl`, `p12`) and where.
    Picked(&'static str, Option<std::path::PathBuf>),
    /// Trust the chosen root with its list.
    TrustRoot,
    /// The `.p12` password.
    P12Password(String),
    /// Register the chosen `.p12` for the user chosen above.
    ImportKey,
    Year(String),
    Kurban(String),
    MovedWork(String),
    MovedOff(String),
    AddMoved,
    RemoveMoved(usize),
    SaveYear,
    Service(Choice<String>),
    TermValue(String),
    TermUnit(Choice<TermUnit>),
    TermFirstDay(bool),
    SaveTerm,
    ClearTerm,
    Idle(String),
    MaxFile(String),
    Visibility(Choice<ExecutorVisibility>),
    SelfSign(bool),
    SaveSettings,
    GwUrl(String),
    GwToken(String),
    SaveGateway,
    BackupPath(String),
    ChooseBackup,
    BackupChosen(Option<PathBuf>),
    Backup,
    Poll,
    Cancel,
    ChooseRestore,
    /// The backups in the data directory were listed.
    Backups(Vec<crate::desk::backup_list::BackupFile>),
    /// Where the office's setup stands.
    Setup(Option<crate::desk::setup::SetupStatus>),
    /// Show or fold the catalogue's editions no longer in force.
    ShowExpired(bool),
    /// Ask "restore from this one?".
    AskRestore(Option<PathBuf>),
    RestoreChosen(Option<PathBuf>),
    Done(&'static str, Result<(), Failure>),
    Restored(Result<DeskHandle, Failure>),
}

pub enum Action {
    Run(Task<Message>),
    Restored(DeskHandle),
}

impl State {
    pub fn new(ctx: &Ctx) -> (State, Task<Message>) {
        let year = chrono::Datelike::year(&ctx.desk.today());
        let s = State {
            section: Section::Users,
            users: Vec::new(),
            certs: Vec::new(),
            settings: None,
            new_user: NewUser::default(),
            reset: None,
            cert_user: None,
            root_file: None,
            crl_file: None,
            p12_file: None,
            p12_password: String::new(),
            pin: String::new(),
            pin_repeat: String::new(),
            revoke_reason: String::new(),
            year,
            kurban: String::new(),
            moved_work: String::new(),
            moved_off: String::new(),
            year_file: None,
            service: None,
            term_value: String::new(),
            term_unit: TermUnit::WorkingDays,
            term_first_day: false,
            gw_url: ctx.desk.gateway_config().map(|c| c.url).unwrap_or_default(),
            gw_token: String::new(),
            idle: String::new(),
            max_file: String::new(),
            // Empty: a new name with the date and time when the backup is made.
            backup_path: String::new(),
            backups: Vec::new(),
            confirm_restore: None,
            setup: None,
            show_expired: false,
            confirm_disable: None,
            progress: None,
            error: None,
            notice: None,
            institutions: Vec::new(),
            inst_kk: String::new(),
            inst_ru: String::new(),
            inst_address: String::new(),
        };
        let t = s.load(ctx);
        (s, t)
    }

    pub fn escape(&mut self) {
        self.reset = None;
        self.error = None;
    }

    fn load(&self, ctx: &Ctx) -> Task<Message> {
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        let d2 = desk.clone();
        let setup = Task::perform(blocking(move || d2.setup_status().ok()), Message::Setup);
        Task::batch([
            setup,
            Task::perform(
                blocking(move || {
                    Ok((
                        desk.users(&sess)?,
                        desk.certificates(&sess)?,
                        desk.settings()?,
                        desk.institutions()?,
                    ))
                }),
                |r: Result<_, crate::desk::DeskError>| Message::Loaded(r.map_err(Failure::from)),
            ),
        ])
    }

    fn act(
        &self,
        ctx: &Ctx,
        what: &'static str,
        f: impl FnOnce(&Desk, &crate::desk::Session) -> Result<(), crate::desk::DeskError>
        + Send
        + 'static,
    ) -> Task<Message> {
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        Task::perform(blocking(move || f(&desk, &sess)), move |r| {
            Message::Done(what, r.map_err(Failure::from))
        })
    }

    fn load_year(&mut self, ctx: &Ctx) {
        let path = ctx
            .desk
            .data_dir()
            .calendar()
            .join(format!("{}.toml", self.year));
        // The office's own file, else the one the program carries (never a path of the
        // build tree, which a clerk's PC does not have).
        let text = std::fs::read_to_string(&path)
            .ok()
            .or_else(|| crate::domain::calendar::builtin_year_file(self.year).map(str::to_string))
            .unwrap_or_default();
        let file = crate::domain::calendar::parse_year_file("", &text).unwrap_or(YearFile {
            year: self.year,
            ..Default::default()
        });
        let kurban = file
            .kurban_ait
            .or_else(|| ctx.desk.calendar().kurban_ait(self.year));
        self.kurban = kurban.map(crate::i18n::date_short).unwrap_or_default();
        self.year_file = Some(file);
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Action {
        let l = ctx.lang;
        let date = |s: &str| crate::domain::fields::parse_date(s);
        let t = match m {
            Message::Section(s) => {
                self.section = s;
                self.error = None;
                self.notice = None;
                if s == Section::Calendar {
                    self.load_year(ctx);
                }
                if s == Section::Backup {
                    return Action::Run(self.load_backups(ctx));
                }
                Task::none()
            }
            Message::Backups(list) => {
                self.backups = list;
                Task::none()
            }
            Message::Setup(s) => {
                self.setup = s;
                Task::none()
            }
            Message::ShowExpired(b) => {
                self.show_expired = b;
                Task::none()
            }
            Message::AskRestore(p) => {
                self.confirm_restore = p;
                Task::none()
            }
            Message::Loaded(r) => {
                match r {
                    Ok((u, c, s, inst)) => {
                        self.users = u;
                        self.certs = c;
                        self.institutions = inst;
                        self.idle = s.idle_lock_minutes.to_string();
                        self.max_file = s.max_file_mib.to_string();
                        self.settings = Some(s);
                    }
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
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
                    lang: l,
                    must_change_password: true,
                };
                self.act(ctx, "user_add", move |d, s| {
                    d.add_user(Actor::User(s), &u).map(|_| ())
                })
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
                    return Action::Run(Task::none());
                };
                self.act(ctx, "password_reset", move |d, s| {
                    d.reset_password(s, &iin, &p)
                })
            }
            Message::Disable(iin, on) => {
                self.confirm_disable = None;
                self.act(
                    ctx,
                    if on { "user_disable" } else { "user_enable" },
                    move |d, s| d.set_user_disabled(s, &iin, on),
                )
            }
            Message::AskDisable(iin) => {
                self.confirm_disable = iin;
                Task::none()
            }
            Message::Unlock(iin) => {
                self.act(ctx, "user_unlock", move |d, s| d.unlock_user(s, &iin))
            }
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
                    self.error = Some(Failure::plain("ui-pin-mismatch"));
                    return Action::Run(Task::none());
                }
                let Some(iin) = self.cert_user.clone() else {
                    return Action::Run(Task::none());
                };
                let pin = std::mem::take(&mut self.pin);
                self.pin_repeat.clear();
                self.act(ctx, "cert_issue", move |d, s| {
                    d.issue_certificate(s, &iin, &pin, crate::desk::signature::CERT_DAYS)
                        .map(|_| ())
                })
            }
            Message::RevokeReason(r) => {
                self.revoke_reason = r;
                Task::none()
            }
            Message::PickRoot | Message::PickCrl | Message::PickP12 => {
                let which = match m {
                    Message::PickRoot => "root",
                    Message::PickCrl => "crl",
                    _ => "p12",
                };
                let picker = ctx.platform.picker.clone();
                let title = ctx.t(&format!("ui-pick-{which}"));
                Task::perform(async move { picker.pick_file(title).await }, move |p| {
                    Message::Picked(which, p)
                })
            }
            Message::Picked(which, p) => {
                match which {
                    "root" => self.root_file = p,
                    "crl" => self.crl_file = p,
                    _ => self.p12_file = p,
                }
                Task::none()
            }
            Message::TrustRoot => {
                let Some(root) = self.root_file.clone() else {
                    return Action::Run(Task::none());
                };
                let crl = self.crl_file.clone();
                self.act(ctx, "trust_root", move |d, s| {
                    let read = |p: &std::path::Path| {
                        std::fs::read(p).map_err(|e| crate::desk::DeskError::Store(e.into()))
                    };
                    let cert = read(&root)?;
                    let crl = crl.as_deref().map(read).transpose()?;
                    d.trust_root(Some(s), &cert, crl.as_deref()).map(|_| ())
                })
            }
            Message::P12Password(p) => {
                self.p12_password = p;
                Task::none()
            }
            Message::ImportKey => {
                let (Some(iin), Some(file)) = (self.cert_user.clone(), self.p12_file.clone())
                else {
                    return Action::Run(Task::none());
                };
                let password = std::mem::take(&mut self.p12_password);
                self.act(ctx, "cert_import", move |d, s| {
                    let bytes = std::fs::read(&file)
                        .map_err(|e| crate::desk::DeskError::Store(e.into()))?;
                    d.import_key(Some(s), &iin, &bytes, &password).map(|_| ())
                })
            }
            Message::Revoke(serial) => {
                let r = self.revoke_reason.clone();
                self.act(ctx, "cert_revoke", move |d, s| {
                    d.revoke_certificate(s, &serial, &r)
                })
            }
            Message::Year(y) => {
                if let Ok(y) = y.trim().parse::<i32>()
                    && (2000..=2100).contains(&y)
                {
                    self.year = y;
                    self.load_year(ctx);
                }
                Task::none()
            }
            Message::Kurban(k) => {
                self.kurban = k;
                Task::none()
            }
            Message::MovedWork(v) => {
                self.moved_work = v;
                Task::none()
            }
            Message::MovedOff(v) => {
                self.moved_off = v;
                Task::none()
            }
            Message::AddMoved => {
                if let (Some(wd), Some(off), Some(f)) = (
                    date(&self.moved_work),
                    date(&self.moved_off),
                    &mut self.year_file,
                ) {
                    f.moved.push(Moved {
                        work: wd,
                        off,
                        decree: String::new(),
                    });
                    self.moved_work.clear();
                    self.moved_off.clear();
                } else {
                    self.error = Some(Failure::plain("ui-bad-date"));
                }
                Task::none()
            }
            Message::RemoveMoved(i) => {
                if let Some(f) = &mut self.year_file
                    && i < f.moved.len()
                {
                    f.moved.remove(i);
                }
                Task::none()
            }
            Message::SaveYear => {
                let Some(mut f) = self.year_file.clone() else {
                    return Action::Run(Task::none());
                };
                f.year = self.year;
                f.kurban_ait = date(&self.kurban);
                f.kurban_ait_estimated = false;
                self.act(ctx, "calendar", move |d, s| d.save_calendar_year(s, &f))
            }
            Message::Service(c) => {
                self.service = c.value;
                let cat = ctx.desk.catalog();
                if let Some(svc) = self.service.as_deref().and_then(|c| cat.service(c)) {
                    let id = ctx.desk.service_version_id(&svc.code).unwrap_or_default();
                    if let Some(v) = svc.version(&id) {
                        self.term_value = v.term.value.to_string();
                        self.term_unit = v.term.unit;
                        self.term_first_day = v.term.acceptance_day_counted;
                    }
                }
                Task::none()
            }
            Message::TermValue(v) => {
                self.term_value = v;
                Task::none()
            }
            Message::TermUnit(c) => {
                self.term_unit = c.value.unwrap_or(TermUnit::WorkingDays);
                Task::none()
            }
            Message::TermFirstDay(b) => {
                self.term_first_day = b;
                Task::none()
            }
            Message::SaveTerm | Message::ClearTerm => {
                let Some(code) = self.service.clone() else {
                    return Action::Run(Task::none());
                };
                let term = if matches!(m, Message::ClearTerm) {
                    None
                } else {
                    match self.term_value.trim().parse::<u32>() {
                        Ok(v) if v > 0 => Some(Term {
                            value: v,
                            unit: self.term_unit,
                            acceptance_day_counted: self.term_first_day,
                            issue_day_counted: true,
                        }),
                        _ => {
                            self.error = Some(Failure {
                                field: Some("term".into()),
                                ..Failure::plain("ui-bad-number")
                            });
                            return Action::Run(Task::none());
                        }
                    }
                };
                self.act(ctx, "term", move |d, s| {
                    let v = d.service_version_id(&code)?;
                    d.set_term_override(s, &code, &v, term)
                })
            }
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
                self.act(ctx, "settings", move |d, s| {
                    d.change_setting(s, SettingChange::ExecutorVisibility(v))
                        .map(|_| ())
                })
            }
            Message::SelfSign(b) => self.act(ctx, "settings", move |d, s| {
                d.change_setting(s, SettingChange::AllowSelfSign(b))
                    .map(|_| ())
            }),
            Message::SaveSettings => {
                let (Ok(idle), Ok(max)) = (
                    self.idle.trim().parse::<u32>(),
                    self.max_file.trim().parse::<u32>(),
                ) else {
                    self.error = Some(Failure::plain("ui-bad-number"));
                    return Action::Run(Task::none());
                };
                self.act(ctx, "settings", move |d, s| {
                    d.change_setting(s, SettingChange::IdleLockMinutes(idle))?;
                    d.change_setting(s, SettingChange::MaxFileMib(max))
                        .map(|_| ())
                })
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
                self.act(ctx, "gateway", move |d, s| {
                    d.set_gateway_config(Some(s), &cfg)
                })
            }
            Message::BackupPath(p) => {
                self.backup_path = p;
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
            Message::Backup => {
                let typed = self.backup_path.trim();
                let path = if typed.is_empty() {
                    ctx.desk.new_backup_path()
                } else {
                    PathBuf::from(typed)
                };
                // A backup never replaces another one.
                if path.exists() {
                    self.error = Some(Failure::with_arg(
                        "ui-backup-exists",
                        "file",
                        &path.display().to_string(),
                    ));
                    return Action::Run(Task::none());
                }
                let p = Arc::new(Progress::default());
                self.progress = Some(p.clone());
                let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
                let job = Task::perform(
                    blocking(move || {
                        let r = desk
                            .backup(Some(&sess), &path, &mut |done, total| {
                                p.done.store(done, Ordering::Relaxed);
                                p.total.store(total, Ordering::Relaxed);
                                !p.cancel.load(Ordering::Relaxed)
                            })
                            .map(|_| ());
                        p.finished.store(true, Ordering::Relaxed);
                        r
                    }),
                    |r| Message::Done("backup", r.map_err(Failure::from)),
                );
                Task::batch([job, Task::done(Message::Poll)])
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
            Message::RestoreChosen(p) => match p {
                Some(p) => {
                    self.confirm_restore = None;
                    let dir: DataDir = ctx.desk.data_dir().clone();
                    self.progress = Some(Arc::new(Progress::default()));
                    Task::perform(
                        blocking(move || {
                            crate::desk::backup::restore(&dir, &p)?;
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
                None => Task::none(),
            },
            Message::Restored(r) => {
                self.progress = None;
                match r {
                    Ok(d) => return Action::Restored(d),
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
            Message::InstKk(v) => {
                self.inst_kk = v;
                Task::none()
            }
            Message::InstRu(v) => {
                self.inst_ru = v;
                Task::none()
            }
            Message::InstAddress(v) => {
                self.inst_address = v;
                Task::none()
            }
            Message::AddInstitution => {
                let (kk, ru, addr) = (
                    self.inst_kk.clone(),
                    self.inst_ru.clone(),
                    self.inst_address.clone(),
                );
                self.act(ctx, "institution_add", move |d, s| {
                    d.add_institution(s, &kk, &ru, &addr).map(|_| ())
                })
            }
            Message::InstitutionActive(id, active) => {
                self.act(ctx, "institution_active", move |d, s| {
                    d.set_institution_active(s, id, active)
                })
            }
            Message::Done(what, r) => {
                if what == "backup" {
                    self.progress = None;
                }
                match r {
                    Ok(()) => {
                        self.error = None;
                        self.reset = None;
                        if what == "user_add" {
                            self.new_user = NewUser::default();
                        }
                        if what == "institution_add" {
                            self.inst_kk.clear();
                            self.inst_ru.clear();
                            self.inst_address.clear();
                        }
                        self.notice = Some(ctx.t(&format!("ui-admin-done-{what}")));
                        if what == "calendar" {
                            self.load_year(ctx);
                        }
                        if what == "backup" {
                            self.backup_path.clear();
                            return Action::Run(Task::batch([
                                self.load(ctx),
                                self.load_backups(ctx),
                            ]));
                        }
                        return Action::Run(self.load(ctx));
                    }
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
        };
        Action::Run(t)
    }

    fn users_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let err = |f: &str| self.error.as_ref().and_then(|e| e.for_field(f, l));
        let mut list = column![].spacing(theme::XS);
        for u in &self.users {
            let roles: Vec<String> = u
                .roles
                .iter()
                .map(|r| ctx.t(&format!("role-{}", r.code())))
                .collect();
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
                    .label(ctx.t(&format!("role-{}", r.code())))
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

    fn certs_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
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
            .users
            .iter()
            .filter(|u| !u.disabled)
            .map(|u| Choice {
                value: Some(u.iin.clone()),
                label: format!("{} ({})", u.full_name, u.iin),
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
        let name = |p: &Option<std::path::PathBuf>| {
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
                    w::secondary(ctx.t("ui-pick-root"), Some(Message::PickRoot)),
                    text(name(&self.root_file)).size(theme::SMALL),
                    w::secondary(ctx.t("ui-pick-crl"), Some(Message::PickCrl)),
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
                    w::secondary(ctx.t("ui-pick-p12"), Some(Message::PickP12)),
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

    fn calendar_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let mut days = column![].spacing(2);
        for h in ctx.desk.calendar().holidays(self.year) {
            days = days.push(
                row![
                    text(crate::i18n::date_short(h.date))
                        .size(theme::SMALL)
                        .width(Length::Fixed(90.0)),
                    text(h.name.get(l).to_string()).size(theme::SMALL),
                ]
                .spacing(theme::S),
            );
        }
        let mut moved = column![].spacing(theme::XS);
        if let Some(f) = &self.year_file {
            for (i, m) in f.moved.iter().enumerate() {
                moved = moved.push(
                    row![
                        text(ctx.ta(
                            "ui-moved-line",
                            &[
                                ("work", Arg::from(crate::i18n::date_short(m.work))),
                                ("off", Arg::from(crate::i18n::date_short(m.off)))
                            ]
                        ))
                        .size(theme::SMALL),
                        w::secondary("×".into(), Some(Message::RemoveMoved(i))),
                    ]
                    .spacing(theme::S)
                    .align_y(Alignment::Center),
                );
            }
        }
        row![
            w::card(
                column![
                    w::section(ctx.ta(
                        "ui-calendar-year",
                        &[("year", Arg::Num(i64::from(self.year)))]
                    )),
                    w::text_field(
                        ctx.t("ui-year"),
                        "adm-year",
                        &self.year.to_string(),
                        "2026",
                        Message::Year,
                        None,
                        None
                    ),
                    scrollable(days).height(Length::Fixed(380.0)),
                ]
                .spacing(theme::S)
            ),
            w::card(
                column![
                    w::section(ctx.t("ui-calendar-edit")),
                    w::text_field(
                        ctx.t("ui-kurban"),
                        "adm-kurban",
                        &self.kurban,
                        &ctx.t("ui-hint-date"),
                        Message::Kurban,
                        None,
                        None
                    ),
                    w::muted(ctx.t("ui-moved-hint")),
                    moved,
                    row![
                        w::text_field(
                            ctx.t("ui-moved-work"),
                            "adm-mw",
                            &self.moved_work,
                            &ctx.t("ui-hint-date"),
                            Message::MovedWork,
                            None,
                            None
                        ),
                        w::text_field(
                            ctx.t("ui-moved-off"),
                            "adm-mo",
                            &self.moved_off,
                            &ctx.t("ui-hint-date"),
                            Message::MovedOff,
                            Some(Message::AddMoved),
                            None
                        ),
                        container(w::secondary(ctx.t("ui-add"), Some(Message::AddMoved)))
                            .padding([20, 0]),
                    ]
                    .spacing(theme::S),
                    w::primary(ctx.t("ui-save"), Some(Message::SaveYear)),
                ]
                .spacing(theme::S)
            ),
        ]
        .spacing(theme::M)
        .into()
    }

    fn catalogue_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let cat = ctx.desk.catalog();
        let services: Vec<Choice<String>> = cat
            .services
            .iter()
            .map(|s| Choice {
                value: Some(s.code.clone()),
                label: s.name.get(l).to_string(),
            })
            .collect();
        let sel = services.iter().find(|c| c.value == self.service).cloned();
        let mut c = column![
            w::section(ctx.t("ui-catalogue")),
            container(w::pick(services, sel, Message::Service).width(Length::Fill))
                .id("adm-service")
        ]
        .spacing(theme::S);
        if let Some(svc) = self.service.as_deref().and_then(|code| cat.service(code)) {
            let chosen = ctx.desk.service_version_id(&svc.code).unwrap_or_default();
            let today = ctx.desk.today();
            let term = |t: Term| {
                format!(
                    "{} {}",
                    t.value,
                    ctx.t(&format!("ui-unit-{}", t.unit.code()))
                )
            };
            // For a clerk: the dates, the terms, whether the office applies it; no internal
            // ids or source notes (those are in `mio-desk catalog show`).
            let line_of = |v: &crate::domain::catalog::ServiceVersion| {
                let mut line = match v.effective_to {
                    Some(to) => ctx.ta(
                        "ui-edition-from-to",
                        &[
                            ("from", Arg::from(crate::i18n::date_short(v.effective_from))),
                            ("to", Arg::from(crate::i18n::date_short(to))),
                        ],
                    ),
                    None => ctx.ta(
                        "ui-edition-from",
                        &[("from", Arg::from(crate::i18n::date_short(v.effective_from)))],
                    ),
                };
                line.push_str(&format!(" · {}: {}", ctx.t("field-term"), term(v.term)));
                for ct in &v.channel_terms {
                    line.push_str(&format!(
                        " · {}: {} {}",
                        ctx.t(&format!("channel-{}", ct.channel.code())),
                        ct.value,
                        ctx.t(&format!("ui-unit-{}", ct.unit.code()))
                    ));
                }
                if v.unverified {
                    line.push_str(&format!(" ({})", ctx.t("ui-unverified")));
                }
                line
            };
            let in_force = |v: &crate::domain::catalog::ServiceVersion| {
                v.effective_from <= today && v.effective_to.is_none_or(|to| to >= today)
            };
            // The edition the office applies and those in force first; the others folded.
            let (shown, folded): (Vec<_>, Vec<_>) = svc
                .versions
                .iter()
                .partition(|v| v.id == chosen || in_force(v));
            c = c.push(w::muted(ctx.t("ui-editions")));
            for v in shown {
                let mut line = line_of(v);
                if v.id == chosen {
                    line.push_str(&format!(" · {}", ctx.t("ui-term-current")));
                }
                c = c.push(text(line).size(theme::SMALL).font(if v.id == chosen {
                    theme::BOLD
                } else {
                    theme::FONT
                }));
            }
            if !folded.is_empty() {
                c = c.push(w::secondary(
                    ctx.ta(
                        if self.show_expired {
                            "ui-editions-hide-old"
                        } else {
                            "ui-editions-show-old"
                        },
                        &[("n", Arg::from(folded.len()))],
                    ),
                    Some(Message::ShowExpired(!self.show_expired)),
                ));
                if self.show_expired {
                    for v in folded {
                        c = c.push(w::muted(line_of(v)));
                    }
                }
            }
            c = c.push(w::muted(ctx.t("ui-documents-list")));
            for d in &svc.documents {
                c = c.push(
                    text(format!(
                        "• {}{}",
                        d.name.get(l),
                        if d.mandatory { " *" } else { "" }
                    ))
                    .size(theme::SMALL),
                );
            }
            let units: Vec<Choice<TermUnit>> = [
                TermUnit::WorkingDays,
                TermUnit::CalendarDays,
                TermUnit::Minutes,
            ]
            .into_iter()
            .map(|u| Choice {
                value: Some(u),
                label: ctx.t(&format!("ui-unit-{}", u.code())),
            })
            .collect();
            let usel = units
                .iter()
                .find(|u| u.value == Some(self.term_unit))
                .cloned();
            c = c.push(w::section(ctx.t("ui-term-override")));
            c = c.push(
                row![
                    w::text_field(
                        ctx.t("field-term"),
                        "adm-term",
                        &self.term_value,
                        "15",
                        Message::TermValue,
                        None,
                        self.error.as_ref().and_then(|e| e.for_field("term", l))
                    ),
                    w::field(
                        ctx.t("ui-unit"),
                        w::pick(units, usel, Message::TermUnit)
                            .width(Length::Fill)
                            .into(),
                        None
                    ),
                ]
                .spacing(theme::M),
            );
            c = c.push(
                checkbox(self.term_first_day)
                    .label(ctx.t("ui-first-day-counts"))
                    .text_size(theme::BODY)
                    .on_toggle(Message::TermFirstDay),
            );
            c = c.push(
                row![
                    w::primary(ctx.t("ui-save"), Some(Message::SaveTerm)),
                    w::secondary(ctx.t("ui-term-reset"), Some(Message::ClearTerm))
                ]
                .spacing(theme::S),
            );
        }
        w::card(c)
    }

    /// The medico-social institutions a special social services decision chooses from.
    fn institutions_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let l = ctx.lang;
        let err = |f: &str| self.error.as_ref().and_then(|e| e.for_field(f, l));
        let mut c = column![
            w::section(ctx.t("ui-institutions")),
            w::muted(ctx.t("ui-institutions-hint")),
        ]
        .spacing(theme::S);
        for i in &self.institutions {
            let name = if l == Lang::Kk {
                &i.name_kk
            } else {
                &i.name_ru
            };
            let mut line = column![text(name.clone()).size(theme::BODY)];
            if !i.address.is_empty() {
                line = line.push(w::muted(i.address.clone()));
            }
            c = c.push(
                row![
                    line.width(Length::Fill),
                    checkbox(i.active)
                        .label(ctx.t("ui-institution-active"))
                        .text_size(theme::SMALL)
                        .on_toggle(move |v| Message::InstitutionActive(i.id, v)),
                ]
                .spacing(theme::S)
                .align_y(iced::Alignment::Center),
            );
        }
        c = c.push(
            row![
                w::text_field(
                    ctx.t("field-name_kk"),
                    "adm-inst-kk",
                    &self.inst_kk,
                    "",
                    Message::InstKk,
                    None,
                    err("name_kk")
                ),
                w::text_field(
                    ctx.t("field-name_ru"),
                    "adm-inst-ru",
                    &self.inst_ru,
                    "",
                    Message::InstRu,
                    None,
                    err("name_ru")
                ),
            ]
            .spacing(theme::M),
        );
        c = c.push(w::text_field(
            ctx.t("doc-address"),
            "adm-inst-address",
            &self.inst_address,
            "",
            Message::InstAddress,
            Some(Message::AddInstitution),
            None,
        ));
        c = c.push(w::primary(
            ctx.t("ui-institution-add"),
            Some(Message::AddInstitution),
        ));
        w::card(c)
    }

    fn settings_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
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

    fn load_backups(&self, ctx: &Ctx) -> Task<Message> {
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        Task::perform(
            blocking(move || desk.backup_list(&sess).unwrap_or_default()),
            Message::Backups,
        )
    }

    fn backup_view<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
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
                        w::primary(ctx.t("ui-backup-now"), Some(Message::Backup)),
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
                            (self.progress.is_none())
                                .then(|| Message::RestoreChosen(Some(p.clone())))
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
                        (self.progress.is_none())
                            .then(|| Message::AskRestore(Some(b.path.clone())))
                    ),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
            );
        }
        w::card(c)
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let tab = |s: Section, key: &str| {
            button(text(ctx.t(key)).size(theme::BODY))
                .padding([6, 12])
                .style(theme::tab(self.section == s))
                .on_press(Message::Section(s))
        };
        let mut page = column![
            row![
                w::title(ctx.t("ui-admin-title")),
                w::hfill(),
                tab(Section::Users, "ui-users"),
                tab(Section::Certificates, "ui-certificates"),
                tab(Section::Calendar, "ui-calendar"),
                tab(Section::Catalogue, "ui-catalogue"),
                tab(Section::Settings, "ui-settings"),
                tab(Section::Backup, "ui-backup"),
            ]
            .spacing(theme::S)
            .align_y(Alignment::Center),
        ]
        .spacing(theme::M);
        page = w::with_outcome(
            page,
            self.notice.as_deref(),
            self.error.as_ref().map(|e| e.text(l)),
        );
        // What the new office still needs, until it is all done.
        if let Some(st) = self.setup.filter(|s| !s.complete()) {
            page = page.push(super::checklist::view(ctx.lang, &st, true, |step| {
                use super::checklist::Step;
                match step {
                    Step::Login => None,
                    Step::Staff => Some(Message::Section(Section::Users)),
                    Step::HeadKey => Some(Message::Section(Section::Certificates)),
                    Step::Gateway => Some(Message::Section(Section::Settings)),
                    Step::Backup => Some(Message::Section(Section::Backup)),
                }
            }));
        }
        let body = match self.section {
            Section::Users => self.users_view(ctx),
            Section::Certificates => self.certs_view(ctx),
            Section::Calendar => self.calendar_view(ctx),
            Section::Catalogue => column![self.catalogue_view(ctx), self.institutions_view(ctx)]
                .spacing(theme::M)
                .into(),
            Section::Settings => self.settings_view(ctx),
            Section::Backup => self.backup_view(ctx),
        };
        page.push(scrollable(body).height(Length::Fill)).into()
    }
}
