//! Administration: users and roles (add, reset, disable), certificates (issue with the user's
//! own PIN, revoke), the holiday calendar per year, the service catalogue (view; terms
//! editable), office settings with the gateway, and backup and restore with a progress bar.
//! Each section is its own module with its own state; this one glues them: the tabs, the lists
//! the sections share (read once, again after each change) and the office's setup checklist.

pub mod backup;
pub mod calendar;
pub mod catalogue;
pub mod certificates;
pub mod settings;
pub mod users;

use iced::widget::{button, column, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

use crate::desk::settings::Settings;
use crate::domain::policy::Permission;
use crate::store::institutions::InstitutionRow;
use crate::store::people::UserRow;
use crate::store::signatures::CertRow;
use crate::ui::desk_handle::DeskHandle;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// The sections of administration (its tabs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Users,
    Certificates,
    Calendar,
    Catalogue,
    Settings,
    Backup,
}

impl Section {
    /// The tabs, in order.
    pub const ALL: [Section; 6] = [
        Section::Users,
        Section::Certificates,
        Section::Calendar,
        Section::Catalogue,
        Section::Settings,
        Section::Backup,
    ];

    /// What a user must hold to see the section.
    pub fn permission(self) -> Permission {
        match self {
            Section::Users => Permission::Users,
            Section::Certificates => Permission::Certificates,
            Section::Calendar => Permission::Calendar,
            Section::Catalogue => Permission::Catalogue,
            Section::Settings => Permission::Settings,
            Section::Backup => Permission::Backup,
        }
    }

    /// The tab's label, written whole.
    fn key(self) -> &'static str {
        match self {
            Section::Users => "ui-users",
            Section::Certificates => "ui-certificates",
            Section::Calendar => "ui-calendar",
            Section::Catalogue => "ui-catalogue",
            Section::Settings => "ui-settings",
            Section::Backup => "ui-backup",
        }
    }
}

/// What the admin reads once on opening and again after each change.
#[derive(Debug, Clone)]
pub struct Lists {
    pub users: Vec<UserRow>,
    pub certs: Vec<CertRow>,
    pub settings: Settings,
    pub institutions: Vec<InstitutionRow>,
    /// The gateway's address as configured.
    pub gateway_url: Option<String>,
}

/// A change the admin made, named for the sentence that confirms it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    UserAdd,
    PasswordReset,
    UserDisable,
    UserEnable,
    UserUnlock,
    CertIssue,
    CertRevoke,
    TrustRoot,
    CertImport,
    Calendar,
    Term,
    Settings,
    Gateway,
    Backup,
    InstitutionAdd,
    InstitutionActive,
}

impl Done {
    /// The confirmation's key, written whole.
    pub fn key(self) -> &'static str {
        match self {
            Done::UserAdd => "ui-admin-done-user_add",
            Done::PasswordReset => "ui-admin-done-password_reset",
            Done::UserDisable => "ui-admin-done-user_disable",
            Done::UserEnable => "ui-admin-done-user_enable",
            Done::UserUnlock => "ui-admin-done-user_unlock",
            Done::CertIssue => "ui-admin-done-cert_issue",
            Done::CertRevoke => "ui-admin-done-cert_revoke",
            Done::TrustRoot => "ui-admin-done-trust_root",
            Done::CertImport => "ui-admin-done-cert_import",
            Done::Calendar => "ui-admin-done-calendar",
            Done::Term => "ui-admin-done-term",
            Done::Settings => "ui-admin-done-settings",
            Done::Gateway => "ui-admin-done-gateway",
            Done::Backup => "ui-admin-done-backup",
            Done::InstitutionAdd => "ui-admin-done-institution_add",
            Done::InstitutionActive => "ui-admin-done-institution_active",
        }
    }
}

/// What a section's last change came to: a confirmation or a failure (shown above the
/// section).
#[derive(Debug, Default)]
pub struct Outcome {
    pub error: Option<Failure>,
    pub notice: Option<String>,
}

impl Outcome {
    pub fn clear(&mut self) {
        self.error = None;
        self.notice = None;
    }

    /// A failure (the confirmation of an earlier change goes).
    pub fn fail(&mut self, e: Failure) {
        self.notice = None;
        self.error = Some(e);
    }

    /// A change ended: its confirmation, or why it failed. True when it was made.
    pub fn finished(&mut self, ctx: &Ctx, done: Done, r: Result<(), Failure>) -> bool {
        match r {
            Ok(()) => {
                self.error = None;
                self.notice = Some(ctx.t(done.key()));
                true
            }
            Err(e) => {
                self.fail(e);
                false
            }
        }
    }
}

/// What a section asks of the admin screen.
pub enum Reply<M> {
    /// Side effects the window runs.
    Run(Task<M>),
    /// A change was made: the shared lists are read again, and the task runs too.
    Saved(Done, Task<M>),
    /// A restore finished: the window reopens on the restored office.
    Restored(DeskHandle),
}

impl<M> Reply<M> {
    /// Nothing to do.
    pub fn none() -> Reply<M> {
        Reply::Run(Task::none())
    }
}

/// Runs a change on the desk off the window's thread; `wrap` makes the section's message of
/// its end.
pub fn act<M: Send + 'static>(
    ctx: &Ctx,
    done: Done,
    f: impl FnOnce(&crate::desk::Desk, &crate::desk::Session) -> Result<(), crate::desk::DeskError>
    + Send
    + 'static,
    wrap: fn(Done, Result<(), Failure>) -> M,
) -> Task<M> {
    let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
    Task::perform(blocking(move || f(&desk, &sess)), move |r| {
        wrap(done, r.map_err(Failure::from))
    })
}

pub struct State {
    pub section: Section,
    pub users: users::State,
    pub certificates: certificates::State,
    pub calendar: calendar::State,
    pub catalogue: catalogue::State,
    pub settings: settings::State,
    pub backup: backup::State,
    /// What the office still needs (shown until everything is done).
    setup: Option<crate::desk::setup::SetupStatus>,
    /// The shared lists could not be read.
    error: Option<Failure>,
}

/// Admin events.
#[derive(Debug, Clone)]
pub enum Message {
    /// Show a section.
    Section(Section),
    /// The shared lists were read.
    Loaded(Result<Box<Lists>, Failure>),
    /// Where the office's setup stands.
    Setup(Option<crate::desk::setup::SetupStatus>),
    /// Users and roles.
    Users(users::Message),
    /// Certificates, trusted roots and imported keys.
    Certificates(certificates::Message),
    /// The holiday calendar.
    Calendar(calendar::Message),
    /// The service catalogue and the institutions.
    Catalogue(catalogue::Message),
    /// Office settings and the gateway.
    Settings(settings::Message),
    /// Backup and restore.
    Backup(backup::Message),
}

/// What the window does after an admin event.
pub enum Action {
    /// Side effects the window runs.
    Run(Task<Message>),
    /// The office's settings changed (the window reads its idle lock again); the task runs too.
    SettingsChanged(Task<Message>),
    /// A restore finished: the window reopens on the restored office.
    Restored(DeskHandle),
}

impl Action {
    /// Nothing to do.
    pub fn none() -> Action {
        Action::Run(Task::none())
    }
}

impl Message {
    /// The restored office, when this message is a finished restore: the window takes it even
    /// when the admin screen has been closed meanwhile (the data directory was replaced).
    pub fn restored(&self) -> Option<DeskHandle> {
        match self {
            Message::Backup(backup::Message::Restored(Ok(d))) => Some(d.clone()),
            _ => None,
        }
    }
}

impl State {
    pub fn new(ctx: &Ctx) -> (State, Task<Message>) {
        let (calendar, calendar_task) = calendar::State::new(ctx);
        // The first section the user holds (an administrator holds them all).
        let section = Section::ALL
            .into_iter()
            .find(|x| ctx.session.may(x.permission()))
            .unwrap_or(Section::Users);
        let s = State {
            section,
            users: users::State::default(),
            certificates: certificates::State::default(),
            calendar,
            catalogue: catalogue::State::default(),
            settings: settings::State::default(),
            backup: backup::State::default(),
            setup: None,
            error: None,
        };
        let t = Task::batch([s.load(ctx), calendar_task.map(Message::Calendar)]);
        (s, t)
    }

    pub fn escape(&mut self) {
        self.users.escape();
        self.error = None;
        self.outcome_mut().error = None;
    }

    fn outcome(&self) -> &Outcome {
        match self.section {
            Section::Users => &self.users.outcome,
            Section::Certificates => &self.certificates.outcome,
            Section::Calendar => &self.calendar.outcome,
            Section::Catalogue => &self.catalogue.outcome,
            Section::Settings => &self.settings.outcome,
            Section::Backup => &self.backup.outcome,
        }
    }

    fn outcome_mut(&mut self) -> &mut Outcome {
        match self.section {
            Section::Users => &mut self.users.outcome,
            Section::Certificates => &mut self.certificates.outcome,
            Section::Calendar => &mut self.calendar.outcome,
            Section::Catalogue => &mut self.catalogue.outcome,
            Section::Settings => &mut self.settings.outcome,
            Section::Backup => &mut self.backup.outcome,
        }
    }

    /// Reads the shared lists and the setup checklist.
    fn load(&self, ctx: &Ctx) -> Task<Message> {
        let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
        let d2 = desk.clone();
        let setup = Task::perform(blocking(move || d2.setup_status().ok()), Message::Setup);
        Task::batch([
            setup,
            Task::perform(
                blocking(move || {
                    Ok(Box::new(Lists {
                        users: desk.users(&sess)?,
                        certs: desk.certificates(&sess)?,
                        settings: desk.settings()?,
                        institutions: desk.institutions()?,
                        gateway_url: desk.gateway_config().map(|c| c.url),
                    }))
                }),
                |r: Result<_, crate::desk::DeskError>| Message::Loaded(r.map_err(Failure::from)),
            ),
        ])
    }

    /// A section's reply as the window's action.
    fn reply<M>(&self, ctx: &Ctx, r: Reply<M>, wrap: fn(M) -> Message) -> Action
    where
        M: Send + 'static,
    {
        match r {
            Reply::Run(t) => Action::Run(t.map(wrap)),
            Reply::Restored(d) => Action::Restored(d),
            Reply::Saved(done, t) => {
                let t = Task::batch([t.map(wrap), self.load(ctx)]);
                if done == Done::Settings {
                    Action::SettingsChanged(t)
                } else {
                    Action::Run(t)
                }
            }
        }
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Action {
        match m {
            Message::Section(s) => {
                self.section = s;
                self.error = None;
                self.outcome_mut().clear();
                match s {
                    Section::Backup => Action::Run(self.backup.list(ctx).map(Message::Backup)),
                    // The year as saved now (another admin may have changed it).
                    Section::Calendar => {
                        Action::Run(self.calendar.load(ctx).map(Message::Calendar))
                    }
                    _ => Action::none(),
                }
            }
            Message::Setup(s) => {
                self.setup = s;
                Action::none()
            }
            Message::Loaded(r) => {
                match r {
                    Ok(lists) => {
                        let Lists {
                            users,
                            certs,
                            settings,
                            institutions,
                            gateway_url,
                        } = *lists;
                        self.certificates.loaded(&users, certs);
                        self.users.users = users;
                        self.settings.loaded(settings, gateway_url);
                        self.catalogue.institutions = institutions;
                    }
                    Err(e) => self.error = Some(e),
                }
                Action::none()
            }
            Message::Users(m) => {
                let r = self.users.update(m, ctx);
                self.reply(ctx, r, Message::Users)
            }
            Message::Certificates(m) => {
                let r = self.certificates.update(m, ctx);
                self.reply(ctx, r, Message::Certificates)
            }
            Message::Calendar(m) => {
                let r = self.calendar.update(m, ctx);
                self.reply(ctx, r, Message::Calendar)
            }
            Message::Catalogue(m) => {
                let r = self.catalogue.update(m, ctx);
                self.reply(ctx, r, Message::Catalogue)
            }
            Message::Settings(m) => {
                let r = self.settings.update(m, ctx);
                self.reply(ctx, r, Message::Settings)
            }
            Message::Backup(m) => {
                let r = self.backup.update(m, ctx);
                self.reply(ctx, r, Message::Backup)
            }
        }
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let mut tabs = row![w::title(ctx.t("ui-admin-title")), w::hfill()]
            .spacing(theme::S)
            .align_y(Alignment::Center);
        for s in Section::ALL {
            if ctx.session.may(s.permission()) {
                tabs = tabs.push(
                    button(text(ctx.t(s.key())).size(theme::BODY))
                        .padding([6, 12])
                        .style(theme::tab(self.section == s))
                        .on_press(Message::Section(s)),
                );
            }
        }
        let mut page = column![tabs].spacing(theme::M);
        let outcome = self.outcome();
        page = w::with_outcome(
            page,
            outcome.notice.as_deref(),
            self.error
                .as_ref()
                .or(outcome.error.as_ref())
                .map(|e| e.text(l)),
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
            Section::Users => self.users.view(ctx).map(Message::Users),
            Section::Certificates => self.certificates.view(ctx).map(Message::Certificates),
            Section::Calendar => self.calendar.view(ctx).map(Message::Calendar),
            Section::Catalogue => self.catalogue.view(ctx).map(Message::Catalogue),
            Section::Settings => self.settings.view(ctx).map(Message::Settings),
            Section::Backup => self.backup.view(ctx).map(Message::Backup),
        };
        page.push(scrollable(body).height(Length::Fill)).into()
    }
}
