//! The top of the window: which screen shows, who is logged in, the header with navigation
//! and the gateway status, keyboard shortcuts, dropped files, and the idle lock that returns to
//! the login screen without losing what was typed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use iced::widget::{column, container, text};
use iced::{Element, Event, Length, Subscription, Task, event, keyboard, window};

use super::desk_handle::DeskHandle;
use super::header::{self, GatewayLine, may_administer, may_see_gateway};
use super::platform::{Platform, blocking};
use super::screen::{
    admin, application, checklist, first_run, gateway, head, intake, login, queues, verify,
};
use super::widget as w;
use super::{Ctx, PreCtx, theme};
use crate::desk::{DataDir, Desk, Options, Session, SystemClock};
use crate::domain::model::Lang;
use crate::domain::policy::Permission;
use crate::i18n::tr;

/// The idle lock's minutes until the office's setting is read (the setting's own default).
const IDLE_DEFAULT: u32 = 10;

/// Where the user wants to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nav {
    /// The queues (home of the clerks).
    Queues,
    /// A new application (intake).
    NewApplication,
    /// The head's desk.
    Head,
    /// Administration.
    Admin,
    /// Checking a paper's signature.
    Verify,
    /// The exchange with the gateway, message by message.
    Gateway,
    /// One application's case file.
    Application(i64),
}

/// Messages of the whole window.
#[derive(Debug, Clone)]
pub enum Message {
    /// The first-run form.
    FirstRun(first_run::Message),
    /// The checklist the first run ends on.
    Setup(checklist::Message),
    /// The login screen.
    Login(login::Message),
    /// The queues.
    Queues(queues::Message),
    /// A new application.
    Intake(intake::Message),
    /// An application's case file.
    Application(application::Message),
    /// The head's desk.
    Head(head::Message),
    /// Administration.
    Admin(admin::Message),
    /// Checking a paper.
    Verify(verify::Message),
    /// The gateway's message view.
    GatewayView(gateway::Message),
    /// Go to a screen.
    Nav(Nav),
    /// Switch the language of the window.
    SetLang(Lang),
    /// The language was saved for the user.
    LangSaved(Option<Session>),
    /// The user logs out.
    Logout,
    /// The logout (or the idle lock) was written to the audit.
    LoggedOut,
    /// The office's idle-lock minutes were read (after login, and after the admin saved the
    /// settings).
    IdleMinutes(u32),
    /// The first run ended: the new desk and what the office still needs (`None`: it could
    /// not be read, the login screen shows instead).
    FirstRunDone(DeskHandle, Option<crate::desk::setup::SetupStatus>),
    /// A periodic tick: idle lock and header refresh.
    Tick,
    /// The user pressed a key or clicked.
    Activity,
    /// Ctrl+N, Ctrl+F, Escape, Tab.
    Shortcut(Shortcut),
    /// A file was dropped onto the window.
    FileDropped(PathBuf),
    /// The header's gateway line was refreshed.
    GatewayStatus(GatewayLine),
    /// Ask the sync engine to run now.
    SyncNow,
    /// An exchange with the gateway ended (its one-line report, or why it failed).
    Synced(Result<String, String>),
    /// What the office server's change notices say (several PCs on one database): another PC
    /// changed an application, or the server went away or came back.
    Live(crate::store::live::Event),
    /// Refresh the screen after a burst of change notices (one refresh per burst).
    LiveRefresh,
}

/// A keyboard shortcut of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    /// Ctrl+N: a new application.
    NewApplication,
    /// Ctrl+O: attach a scan (intake).
    Attach,
    /// Ctrl+F: the queues' search.
    Search,
    /// Escape: close what is open, or go back.
    Escape,
    /// Tab: the next field.
    Next,
    /// Shift+Tab: the previous field.
    Previous,
}

/// The screen on show.
pub enum Screen {
    Failed(String),
    FirstRun(Box<first_run::State>),
    /// What the new office still needs (the first run ends here).
    Setup(checklist::State),
    Login(login::State),
    Queues(queues::State),
    Intake(Box<intake::State>),
    Application(Box<application::State>),
    Head(Box<head::State>),
    Admin(Box<admin::State>),
    Verify(verify::State),
    Gateway(gateway::State),
}

pub struct App {
    dir: DataDir,
    platform: Platform,
    desk: Option<Arc<Desk>>,
    lang: Lang,
    session: Option<Session>,
    screen: Screen,
    /// A screen kept while the window is locked, for the same user.
    parked: Option<(String, Screen)>,
    /// The last key press or click, by the desk's clock (the idle lock counts from it).
    last_activity: DateTime<Utc>,
    /// The office's idle-lock minutes, read once after login (0: never).
    idle_minutes: u32,
    gateway: GatewayLine,
    /// The office server cannot be reached: since when (the window says so and keeps retrying).
    server_away: Option<DateTime<Utc>>,
    /// Applications another PC changed since this user last opened them (marked in the queues).
    new_apps: std::collections::BTreeSet<i64>,
    /// A refresh after change notices is on its way.
    live_pending: bool,
}

impl App {
    /// Opens the data directory: the login screen, or first-run setup when it is empty.
    pub fn boot(dir: DataDir, platform: Platform) -> (App, Task<Message>) {
        let desk = if dir.is_initialized() {
            Some(Desk::open(
                dir.clone(),
                Arc::new(SystemClock),
                Options::default(),
            ))
        } else {
            None
        };
        match desk {
            Some(Ok(d)) => App::with_desk(dir, Arc::new(d), platform),
            Some(Err(e)) => (
                App::bare(dir, platform, Screen::Failed(e.message(Lang::Ru))),
                Task::none(),
            ),
            None => (
                App::bare(dir, platform, Screen::FirstRun(Box::default())),
                Task::none(),
            ),
        }
    }

    fn bare(dir: DataDir, platform: Platform, screen: Screen) -> App {
        App {
            dir,
            platform,
            desk: None,
            lang: Lang::Kk,
            session: None,
            screen,
            parked: None,
            last_activity: Utc::now(),
            idle_minutes: IDLE_DEFAULT,
            gateway: GatewayLine::default(),
            server_away: None,
            new_apps: Default::default(),
            live_pending: false,
        }
    }

    /// A window on an open desk (also used by the tests with a fake platform).
    pub fn with_desk(dir: DataDir, desk: Arc<Desk>, platform: Platform) -> (App, Task<Message>) {
        let mut app = App::bare(dir, platform, Screen::Login(login::State::default()));
        if !desk.has_users().unwrap_or(true) {
            app.screen = Screen::FirstRun(Box::new(first_run::State::admin_only()));
        }
        app.last_activity = desk.now();
        app.desk = Some(desk);
        (app, Task::none())
    }

    pub fn title(&self) -> String {
        let base = tr(self.lang, "ui-app-title");
        match &self.desk {
            Some(d) => format!("{base} — {}", d.office().code),
            None => base,
        }
    }

    /// The language the window is in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Who is logged in.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Since when the office server has been out of reach, if it is.
    pub fn server_away(&self) -> Option<DateTime<Utc>> {
        self.server_away
    }

    /// Applications another PC changed that this user has not opened since.
    pub fn new_apps(&self) -> &std::collections::BTreeSet<i64> {
        &self.new_apps
    }

    /// The screen on show (tests inspect it).
    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// What the screens before login get.
    fn pre(&self) -> PreCtx {
        PreCtx {
            dir: self.dir.clone(),
            desk: self.desk.clone(),
            lang: self.lang,
            platform: self.platform.clone(),
        }
    }

    /// Reads the office's idle-lock minutes (off the window's thread).
    fn read_idle(&self) -> Task<Message> {
        let Some(desk) = self.desk.clone() else {
            return Task::none();
        };
        Task::perform(
            blocking(move || {
                desk.settings()
                    .map(|s| s.idle_lock_minutes)
                    .unwrap_or(IDLE_DEFAULT)
            }),
            Message::IdleMinutes,
        )
    }

    /// Writes a logout (or an idle lock) to the audit, off the window's thread.
    fn write_logout(&self, s: Session, idle: bool) -> Task<Message> {
        let Some(desk) = self.desk.clone() else {
            return Task::none();
        };
        Task::perform(
            blocking(move || {
                let _ = desk.logout(&s, idle);
            }),
            |()| Message::LoggedOut,
        )
    }

    fn ctx(&self) -> Option<Ctx> {
        Some(Ctx {
            desk: self.desk.clone()?,
            session: self.session.clone()?,
            lang: self.lang,
            platform: self.platform.clone(),
        })
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let tick = iced::time::every(Duration::from_secs(20)).map(|_| Message::Tick);
        let events = event::listen_with(|e, status, _window| event_message(e, status));
        let mut subs = vec![tick, events];
        // The exchange with the gateway runs in the background while the window is open.
        if let Some(d) = &self.desk
            && self.gateway.configured
        {
            subs.push(Subscription::run_with(DeskHandle(d.clone()), |h| {
                use futures::StreamExt;
                crate::sync::background(h.0.clone()).map(|r| Message::Synced(r.map(|x| x.line())))
            }));
        }
        // With the office on the server, the other PCs' changes arrive as they commit.
        if let Some(d) = &self.desk
            && d.backend() == crate::store::Backend::Postgres
        {
            subs.push(Subscription::run_with(LiveHandle(d.clone()), live_events));
        }
        Subscription::batch(subs)
    }

    fn refresh_gateway(&self) -> Task<Message> {
        let Some(desk) = self.desk.clone() else {
            return Task::none();
        };
        Task::perform(
            blocking(move || {
                let s = desk.gateway_status();
                GatewayLine {
                    configured: s.configured,
                    online: s.online,
                    pending: s.pending,
                    failed: s.failed,
                    oldest_age_minutes: s.oldest_pending_minutes,
                    last_contact: s.last_contact,
                    last_error: s.last_error,
                    elsewhere: s.elsewhere,
                }
            }),
            Message::GatewayStatus,
        )
    }

    /// The desk's time (a manual clock in tests), or the computer's before there is a desk.
    fn now(&self) -> DateTime<Utc> {
        self.desk.as_ref().map(|d| d.now()).unwrap_or_else(Utc::now)
    }

    fn go(&mut self, nav: Nav) -> Task<Message> {
        let Some(ctx) = self.ctx() else {
            return Task::none();
        };
        match nav {
            Nav::Queues => {
                let (mut s, t) = queues::State::new(&ctx);
                s.new = self.new_apps.clone();
                self.screen = Screen::Queues(s);
                t.map(Message::Queues)
            }
            Nav::NewApplication => {
                if !ctx.session.may(Permission::Intake) {
                    return Task::none();
                }
                let (s, t) = intake::State::new(&ctx);
                self.screen = Screen::Intake(Box::new(s));
                t.map(Message::Intake)
            }
            Nav::Head => {
                let (s, t) = head::State::new(&ctx);
                self.screen = Screen::Head(Box::new(s));
                t.map(Message::Head)
            }
            Nav::Admin => {
                let (s, t) = admin::State::new(&ctx);
                self.screen = Screen::Admin(Box::new(s));
                t.map(Message::Admin)
            }
            Nav::Verify => {
                self.screen = Screen::Verify(verify::State::default());
                Task::none()
            }
            Nav::Gateway => {
                if !may_see_gateway(&ctx.session) {
                    return Task::none();
                }
                let (s, t) = gateway::State::new(&ctx);
                self.screen = Screen::Gateway(s);
                Task::batch([t.map(Message::GatewayView), self.refresh_gateway()])
            }
            Nav::Application(id) => {
                self.new_apps.remove(&id);
                let (s, t) = application::State::new(&ctx, id);
                self.screen = Screen::Application(Box::new(s));
                t.map(Message::Application)
            }
        }
    }

    /// The first screen of a user by role.
    fn home(&self) -> Nav {
        let s = self.session.as_ref();
        match s {
            Some(s) if s.may(Permission::Intake) || s.may(Permission::SaveDraft) => Nav::Queues,
            Some(s) if s.may(Permission::Reports) => Nav::Head,
            Some(s) if may_administer(s) => Nav::Admin,
            // The akim and the akim's executors: their part of the queues.
            Some(s) if s.may(Permission::Queues) => Nav::Queues,
            _ => Nav::Verify,
        }
    }

    fn logged_in(&mut self, session: Session) -> Task<Message> {
        self.lang = session.lang;
        let same = self
            .parked
            .as_ref()
            .is_some_and(|(iin, _)| *iin == session.iin);
        self.session = Some(session);
        self.last_activity = self.now();
        let gw = Task::batch([self.refresh_gateway(), self.read_idle()]);
        if same && let Some((_, screen)) = self.parked.take() {
            self.screen = screen;
            return gw;
        }
        self.parked = None;
        let home = self.home();
        Task::batch([self.go(home), gw])
    }

    fn lock(&mut self) -> Task<Message> {
        let Some(s) = self.session.take() else {
            return Task::none();
        };
        let iin = s.iin.clone();
        let audit = self.write_logout(s, true);
        let screen = std::mem::replace(&mut self.screen, Screen::Login(login::State::locked(&iin)));
        self.parked = Some((iin, screen));
        audit
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        let ctx_now = self.ctx();
        // Only what the user does keeps the window open: background refreshes, sync reports
        // and the results of tasks do not (they arrive while nobody is at the desk).
        if user_input(&message) {
            self.last_activity = self.now();
        }
        match message {
            Message::Activity => Task::none(),
            Message::Tick => {
                let idle = self.idle_minutes;
                if self.session.is_some()
                    && idle > 0
                    && self.now() - self.last_activity >= chrono::Duration::minutes(i64::from(idle))
                {
                    return self.lock();
                }
                let gw = self.refresh_gateway();
                let screen = match (&mut self.screen, ctx_now.clone()) {
                    (Screen::Queues(s), Some(ctx)) => s.refresh(&ctx).map(Message::Queues),
                    _ => Task::none(),
                };
                Task::batch([gw, screen])
            }
            Message::Live(e) => {
                use crate::store::live::Event;
                match e {
                    Event::Lost(_) => {
                        if self.server_away.is_none() {
                            self.server_away = Some(self.now());
                        }
                        Task::none()
                    }
                    Event::Connected => {
                        // Back: what changed meanwhile is read again.
                        if self.server_away.take().is_some() {
                            self.refresh_live()
                        } else {
                            Task::none()
                        }
                    }
                    Event::Changed(n) => {
                        let mine = self.desk.as_ref().map(|d| d.office().workstation.clone());
                        if let Some(id) = n.app
                            && n.ws.is_some()
                            && n.ws != mine
                        {
                            self.new_apps.insert(id);
                        }
                        // Another PC changed the calendar or a term: this PC reads them
                        // again before it counts another deadline.
                        let settings = match (&self.desk, n.settings.is_some() && n.ws != mine) {
                            (Some(desk), true) => {
                                let desk = desk.clone();
                                Task::future(blocking(move || {
                                    if let Err(e) = desk.heard(&n) {
                                        tracing::warn!("re-reading the office's settings: {e}");
                                    }
                                }))
                                .discard()
                            }
                            _ => Task::none(),
                        };
                        if self.live_pending {
                            return settings;
                        }
                        self.live_pending = true;
                        Task::batch([
                            settings,
                            Task::perform(
                                blocking(|| std::thread::sleep(Duration::from_millis(200))),
                                |_| Message::LiveRefresh,
                            ),
                        ])
                    }
                }
            }
            Message::LiveRefresh => {
                self.live_pending = false;
                self.refresh_live()
            }
            Message::GatewayStatus(g) => {
                self.gateway = g;
                Task::none()
            }
            Message::SyncNow => {
                let Some(desk) = self.desk.clone() else {
                    return Task::none();
                };
                Task::perform(
                    async move { crate::sync::run_once(desk).await.map(|r| r.line()) },
                    Message::Synced,
                )
            }
            Message::Synced(_) => {
                let reload = match (&self.screen, ctx_now.clone()) {
                    (Screen::Gateway(s), Some(ctx)) => s.load(&ctx).map(Message::GatewayView),
                    _ => Task::none(),
                };
                Task::batch([self.refresh_gateway(), reload])
            }
            Message::SetLang(l) => {
                self.lang = l;
                // Chosen by hand on the login screen: the user's saved language no longer
                // replaces it when the ИИН is typed.
                if let Screen::Login(s) = &mut self.screen {
                    s.language_chosen();
                }
                match (&self.desk, &self.session) {
                    (Some(desk), Some(s)) => {
                        let (desk, s) = (desk.clone(), s.clone());
                        Task::perform(
                            blocking(move || desk.set_language(&s, l).ok()),
                            Message::LangSaved,
                        )
                    }
                    _ => Task::none(),
                }
            }
            Message::LangSaved(s) => {
                if let Some(s) = s {
                    self.session = Some(s);
                }
                Task::none()
            }
            Message::Logout => {
                let audit = match self.session.take() {
                    Some(s) => self.write_logout(s, false),
                    None => Task::none(),
                };
                self.parked = None;
                self.screen = Screen::Login(login::State::default());
                audit
            }
            Message::LoggedOut => Task::none(),
            Message::IdleMinutes(m) => {
                self.idle_minutes = m;
                Task::none()
            }
            Message::FirstRunDone(desk, status) => {
                // The first run ends on what the office still needs.
                self.screen = match status {
                    Some(status) => Screen::Setup(checklist::State { status }),
                    None => Screen::Login(login::State::default()),
                };
                self.desk = Some(desk.0);
                Task::none()
            }
            Message::Nav(nav) => self.go(nav),
            Message::Shortcut(sc) => match sc {
                Shortcut::Next => iced::widget::operation::focus_next(),
                Shortcut::Previous => iced::widget::operation::focus_previous(),
                Shortcut::NewApplication if self.session.is_some() => self.go(Nav::NewApplication),
                Shortcut::Search if self.session.is_some() => {
                    if !matches!(self.screen, Screen::Queues(_)) {
                        let t = self.go(Nav::Queues);
                        return Task::batch([t, iced::widget::operation::focus(queues::SEARCH_ID)]);
                    }
                    iced::widget::operation::focus(queues::SEARCH_ID)
                }
                Shortcut::Attach => match (&mut self.screen, ctx_now.clone()) {
                    (Screen::Intake(s), Some(ctx)) => {
                        match s.update(intake::Message::AttachNext, &ctx) {
                            intake::Action::Run(t) => t.map(Message::Intake),
                            _ => Task::none(),
                        }
                    }
                    _ => Task::none(),
                },
                Shortcut::Escape => match (&mut self.screen, ctx_now.clone()) {
                    (Screen::Application(s), Some(ctx)) => {
                        if s.escape() {
                            Task::none()
                        } else {
                            self.go(
                                if ctx.session.may(Permission::Reports)
                                    && !ctx.session.may(Permission::Intake)
                                {
                                    Nav::Head
                                } else {
                                    Nav::Queues
                                },
                            )
                        }
                    }
                    (Screen::Intake(s), _) => {
                        s.escape();
                        Task::none()
                    }
                    (Screen::Admin(s), _) => {
                        s.escape();
                        Task::none()
                    }
                    (Screen::Head(s), _) => {
                        s.escape();
                        Task::none()
                    }
                    _ => Task::none(),
                },
                _ => Task::none(),
            },
            Message::FileDropped(path) => match (&mut self.screen, ctx_now.clone()) {
                (Screen::Intake(s), Some(ctx)) => {
                    match s.update(intake::Message::Dropped(path), &ctx) {
                        intake::Action::Run(t) => t.map(Message::Intake),
                        _ => Task::none(),
                    }
                }
                (Screen::Application(s), Some(ctx)) => s
                    .update(application::Message::Dropped(path), &ctx)
                    .task()
                    .map(Message::Application),
                _ => Task::none(),
            },
            Message::FirstRun(m) => {
                let pre = self.pre();
                let Screen::FirstRun(s) = &mut self.screen else {
                    return Task::none();
                };
                match s.update(m, &pre) {
                    first_run::Action::Run(t) => t.map(Message::FirstRun),
                    first_run::Action::Done(desk) => {
                        let d = desk.0.clone();
                        Task::perform(blocking(move || d.setup_status().ok()), move |st| {
                            Message::FirstRunDone(desk.clone(), st)
                        })
                    }
                    first_run::Action::SetLang(l) => {
                        self.lang = l;
                        Task::none()
                    }
                }
            }
            Message::Setup(m) => {
                let pre = self.pre();
                let Screen::Setup(s) = &mut self.screen else {
                    return Task::none();
                };
                match s.update(m, &pre) {
                    checklist::Action::Run(t) => t.map(Message::Setup),
                    checklist::Action::Login => {
                        self.screen = Screen::Login(login::State::default());
                        Task::none()
                    }
                }
            }
            Message::Login(m) => {
                let pre = self.pre();
                let Screen::Login(s) = &mut self.screen else {
                    return Task::none();
                };
                match s.update(m, &pre) {
                    login::Action::Run(t) => t.map(Message::Login),
                    login::Action::SetLang(l) => {
                        self.lang = l;
                        Task::none()
                    }
                    login::Action::LoggedIn(session) => self.logged_in(session),
                }
            }
            Message::Queues(m) => {
                let (Screen::Queues(s), Some(ctx)) = (&mut self.screen, ctx_now.clone()) else {
                    return Task::none();
                };
                match s.update(m, &ctx) {
                    queues::Action::Run(t) => t.map(Message::Queues),
                    queues::Action::Open(id) => self.go(Nav::Application(id)),
                }
            }
            Message::Intake(m) => {
                let (Screen::Intake(s), Some(ctx)) = (&mut self.screen, ctx_now.clone()) else {
                    return Task::none();
                };
                match s.update(m, &ctx) {
                    intake::Action::Run(t) => t.map(Message::Intake),
                    intake::Action::Open(id) => self.go(Nav::Application(id)),
                    intake::Action::Again => self.go(Nav::NewApplication),
                }
            }
            Message::Application(m) => {
                let (Screen::Application(s), Some(ctx)) = (&mut self.screen, ctx_now.clone())
                else {
                    return Task::none();
                };
                s.update(m, &ctx).task().map(Message::Application)
            }
            Message::Head(m) => {
                let (Screen::Head(s), Some(ctx)) = (&mut self.screen, ctx_now.clone()) else {
                    return Task::none();
                };
                match s.update(m, &ctx) {
                    head::Action::Run(t) => t.map(Message::Head),
                    head::Action::Open(id) => self.go(Nav::Application(id)),
                }
            }
            Message::Admin(m) => {
                let (Screen::Admin(s), Some(ctx)) = (&mut self.screen, ctx_now.clone()) else {
                    // A restore that ended after its screen closed: the data directory was
                    // replaced, so the window reopens on it all the same.
                    if let Some(desk) = m.restored() {
                        return self.restored(desk);
                    }
                    return Task::none();
                };
                match s.update(m, &ctx) {
                    admin::Action::Run(t) => t.map(Message::Admin),
                    admin::Action::SettingsChanged(t) => {
                        Task::batch([t.map(Message::Admin), self.read_idle()])
                    }
                    admin::Action::Restored(desk) => self.restored(desk),
                }
            }
            Message::Verify(m) => {
                let (Screen::Verify(s), Some(ctx)) = (&mut self.screen, ctx_now.clone()) else {
                    return Task::none();
                };
                match s.update(m, &ctx) {
                    verify::Action::Run(t) => t.map(Message::Verify),
                }
            }
            Message::GatewayView(m) => {
                let (Screen::Gateway(s), Some(ctx)) = (&mut self.screen, ctx_now.clone()) else {
                    return Task::none();
                };
                match s.update(m, &ctx) {
                    gateway::Action::Run(t) => t.map(Message::GatewayView),
                    gateway::Action::SyncNow => Task::done(Message::SyncNow),
                }
            }
        }
    }

    /// Reads again what the screen shows after other PCs changed something (queues and the
    /// head's list; a form being filled in is left as it is).
    fn refresh_live(&mut self) -> Task<Message> {
        let Some(ctx) = self.ctx() else {
            return Task::none();
        };
        match &mut self.screen {
            Screen::Queues(s) => {
                s.new = self.new_apps.clone();
                s.changed(&ctx).map(Message::Queues)
            }
            Screen::Head(s) => s.changed(&ctx).map(Message::Head),
            _ => Task::none(),
        }
    }

    /// A restore ended: the window reopens on the restored office, at the login screen.
    fn restored(&mut self, desk: DeskHandle) -> Task<Message> {
        self.desk = Some(desk.0);
        self.session = None;
        self.parked = None;
        self.screen = Screen::Login(login::State::default());
        Task::none()
    }

    /// The navigation item of the screen on show.
    fn active_nav(&self) -> Option<Nav> {
        match &self.screen {
            Screen::Queues(_) | Screen::Application(_) => Some(Nav::Queues),
            Screen::Intake(_) => Some(Nav::NewApplication),
            Screen::Head(_) => Some(Nav::Head),
            Screen::Admin(_) => Some(Nav::Admin),
            Screen::Verify(_) => Some(Nav::Verify),
            Screen::Gateway(_) => Some(Nav::Gateway),
            _ => None,
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let l = self.lang;
        let pre = self.pre();
        let body: Element<'_, Message> = match (&self.screen, self.ctx()) {
            (Screen::Failed(m), _) => {
                w::card(column![w::title(tr(l, "ui-failed")), w::error_banner(m)].spacing(theme::M))
            }
            (Screen::FirstRun(s), _) => s.view(&pre).map(Message::FirstRun),
            (Screen::Setup(s), _) => s.view(&pre).map(Message::Setup),
            (Screen::Login(s), _) => s.view(&pre).map(Message::Login),
            (Screen::Queues(s), Some(ctx)) => s.view(&ctx).map(Message::Queues),
            (Screen::Intake(s), Some(ctx)) => s.view(&ctx).map(Message::Intake),
            (Screen::Application(s), Some(ctx)) => s.view(&ctx).map(Message::Application),
            (Screen::Head(s), Some(ctx)) => s.view(&ctx).map(Message::Head),
            (Screen::Admin(s), Some(ctx)) => s.view(&ctx).map(Message::Admin),
            (Screen::Verify(s), Some(ctx)) => s.view(&ctx).map(Message::Verify),
            (Screen::Gateway(s), Some(ctx)) => {
                s.view(&ctx, &self.gateway).map(Message::GatewayView)
            }
            _ => text("").into(),
        };
        let office = self
            .desk
            .as_ref()
            .map(|d| match l {
                Lang::Kk => d.office().name_kk.clone(),
                Lang::Ru => d.office().name_ru.clone(),
            })
            .unwrap_or_default();
        let mut page = column![header::view(header::Header {
            lang: l,
            office,
            session: self.session.as_ref(),
            active: self.active_nav(),
            gateway: &self.gateway,
        })];
        if let (Some(since), Some(desk)) = (self.server_away, &self.desk) {
            let local =
                since + chrono::Duration::minutes(i64::from(desk.office().tz_offset_minutes));
            page = page.push(header::server_banner(l, local));
        }
        page.push(
            container(body)
                .padding(theme::L)
                .width(Length::Fill)
                .height(Length::Fill)
                .style(theme::page),
        )
        .into()
    }
}

/// The desk, keyed apart from the exchange's subscription on the same desk.
#[derive(Clone)]
struct LiveHandle(Arc<Desk>);

impl std::hash::Hash for LiveHandle {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        "live".hash(state);
        self.0.root().hash(state);
    }
}

/// The office server's change notices as window messages. The listener runs on its own
/// thread (a blocking connection); a second thread hands what it hears to the window and ends
/// when the window no longer listens.
fn live_events(h: &LiveHandle) -> impl futures::Stream<Item = Message> + use<> {
    let desk = h.0.clone();
    iced::stream::channel(
        64,
        async move |mut out: futures::channel::mpsc::Sender<Message>| {
            use futures::{SinkExt, StreamExt};
            let Some(rx) = desk.listen() else { return };
            let (tx, mut heard) = futures::channel::mpsc::unbounded();
            std::thread::spawn(move || {
                while let Ok(e) = rx.recv() {
                    if tx.unbounded_send(e).is_err() {
                        break;
                    }
                }
            });
            while let Some(e) = heard.next().await {
                if crate::store::live::is_keepalive(&e) {
                    continue;
                }
                if out.send(Message::Live(e)).await.is_err() {
                    break;
                }
            }
        },
    )
}

/// Whether a message comes from the user's own hands (a key, a click, a dropped file) rather
/// than from a timer, the background exchange or a finished task.
fn user_input(m: &Message) -> bool {
    matches!(
        m,
        Message::Activity
            | Message::Shortcut(_)
            | Message::FileDropped(_)
            | Message::Nav(_)
            | Message::SetLang(_)
            | Message::SyncNow
            | Message::Logout
    )
}

/// What a window event means to the app: a shortcut, activity (for the idle lock), a dropped
/// file, or nothing.
fn event_message(e: Event, status: event::Status) -> Option<Message> {
    match e {
        Event::Keyboard(keyboard::Event::KeyPressed {
            key,
            physical_key,
            modifiers,
            ..
        }) => {
            use keyboard::key::Named;
            // Shortcuts by the key's place, whatever the layout: Ctrl+N is the same key on
            // the Russian and Kazakh layouts.
            let latin = key.to_latin(physical_key);
            match key.as_ref() {
                _ if latin == Some('n') && modifiers.command() => {
                    Some(Message::Shortcut(Shortcut::NewApplication))
                }
                _ if latin == Some('f') && modifiers.command() => {
                    Some(Message::Shortcut(Shortcut::Search))
                }
                _ if latin == Some('o') && modifiers.command() => {
                    Some(Message::Shortcut(Shortcut::Attach))
                }
                keyboard::Key::Named(Named::Escape) => Some(Message::Shortcut(Shortcut::Escape)),
                keyboard::Key::Named(Named::Tab) if status == event::Status::Ignored => {
                    Some(Message::Shortcut(if modifiers.shift() {
                        Shortcut::Previous
                    } else {
                        Shortcut::Next
                    }))
                }
                _ => Some(Message::Activity),
            }
        }
        Event::Mouse(iced::mouse::Event::ButtonPressed(_)) => Some(Message::Activity),
        Event::Window(window::Event::FileDropped(path)) => Some(Message::FileDropped(path)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyboard::key::{Code, Physical};

    fn press(ch: &str, code: Code, modifiers: keyboard::Modifiers) -> Option<Message> {
        let key = keyboard::Key::Character(ch.into());
        event_message(
            Event::Keyboard(keyboard::Event::KeyPressed {
                key: key.clone(),
                modified_key: key,
                physical_key: Physical::Code(code),
                location: keyboard::Location::Standard,
                modifiers,
                text: None,
                repeat: false,
            }),
            event::Status::Ignored,
        )
    }

    #[test]
    fn shortcuts_work_on_latin_and_cyrillic_layouts() {
        let ctrl = keyboard::Modifiers::CTRL;
        for (latin, cyrillic, code, want) in [
            // The Cyrillic letters on the same keys of the Russian/Kazakh layout.
            ("n", "\u{442}", Code::KeyN, Shortcut::NewApplication),
            ("f", "\u{430}", Code::KeyF, Shortcut::Search),
            ("o", "\u{449}", Code::KeyO, Shortcut::Attach),
        ] {
            for ch in [latin, cyrillic] {
                let got = press(ch, code, ctrl);
                assert!(
                    matches!(&got, Some(Message::Shortcut(s)) if *s == want),
                    "Ctrl+{ch}: {got:?}"
                );
            }
            // Without Ctrl it is typing, not a shortcut.
            assert!(matches!(
                press(cyrillic, code, keyboard::Modifiers::empty()),
                Some(Message::Activity)
            ));
        }
    }
}
