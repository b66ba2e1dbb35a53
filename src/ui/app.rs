//! The top of the window: which screen shows, who is logged in, the header with navigation
//! and the gateway status, keyboard shortcuts, dropped files, and the idle lock that returns to
//! the login screen without losing what was typed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use iced::widget::{button, column, container, row, text};
use iced::{Alignment, Element, Event, Length, Subscription, Task, event, keyboard, window};

use super::platform::{Platform, blocking};
use super::screen::{
    admin, application, checklist, first_run, gateway, head, intake, login, queues, verify,
};
use super::widget as w;
use super::{Ctx, theme};
use crate::desk::{DataDir, Desk, Options, Session, SystemClock};
use crate::domain::model::{Lang, Role};
use crate::i18n::{Arg, tr, tra};

/// A shared desk that can travel in messages.
#[derive(Clone)]
pub struct DeskHandle(pub Arc<Desk>);

impl std::hash::Hash for DeskHandle {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.root().hash(state);
    }
}

impl std::fmt::Debug for DeskHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Desk")
    }
}

/// Where the user wants to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nav {
    Queues,
    NewApplication,
    Head,
    Admin,
    Verify,
    /// The exchange with the gateway, message by message.
    Gateway,
    Application(i64),
}

/// The gateway line of the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayLine {
    pub configured: bool,
    pub online: bool,
    pub pending: i64,
    pub failed: i64,
    /// How long the oldest undelivered message has been waiting, in minutes.
    pub oldest_age_minutes: Option<i64>,
    pub last_contact: Option<String>,
    pub last_error: Option<String>,
    /// Another program or PC of the office is exchanging now.
    pub elsewhere: bool,
}

/// Messages of the whole window.
#[derive(Debug, Clone)]
pub enum Message {
    FirstRun(first_run::Message),
    Setup(checklist::Message),
    Login(login::Message),
    Queues(queues::Message),
    Intake(intake::Message),
    Application(application::Message),
    Head(head::Message),
    Admin(admin::Message),
    Verify(verify::Message),
    GatewayView(gateway::Message),
    /// Go to a screen.
    Nav(Nav),
    /// Switch the language of the window.
    SetLang(Lang),
    /// The language was saved for the user.
    LangSaved(Option<Session>),
    Logout,
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
    Synced(Result<String, String>),
    /// What the office server's change notices say (several PCs on one database): another PC
    /// changed an application, or the server went away or came back.
    Live(crate::store::live::Event),
    /// Refresh the screen after a burst of change notices (one refresh per burst).
    LiveRefresh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    NewApplication,
    /// Ctrl+O: attach a scan (intake).
    Attach,
    Search,
    Escape,
    Next,
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
                if !(ctx.session.has(Role::Registrar) || ctx.session.has(Role::AkimClerk)) {
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
            Some(s)
                if s.has(Role::Registrar) || s.has(Role::Executor) || s.has(Role::AkimClerk) =>
            {
                Nav::Queues
            }
            Some(s) if s.has(Role::Head) => Nav::Head,
            Some(s) if s.has(Role::Admin) => Nav::Admin,
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
        let gw = self.refresh_gateway();
        if same && let Some((_, screen)) = self.parked.take() {
            self.screen = screen;
            return gw;
        }
        self.parked = None;
        let home = self.home();
        Task::batch([self.go(home), gw])
    }

    fn lock(&mut self) {
        let Some(s) = self.session.take() else { return };
        if let Some(desk) = &self.desk {
            let _ = desk.logout(&s, true);
        }
        let screen = std::mem::replace(
            &mut self.screen,
            Screen::Login(login::State::locked(&s.iin)),
        );
        self.parked = Some((s.iin, screen));
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
                if let (Some(desk), Some(_)) = (&self.desk, &self.session) {
                    let idle = desk.settings().map(|s| s.idle_lock_minutes).unwrap_or(10);
                    if idle > 0
                        && self.now() - self.last_activity
                            >= chrono::Duration::minutes(i64::from(idle))
                    {
                        self.lock();
                        return Task::none();
                    }
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
                        if self.live_pending {
                            return Task::none();
                        }
                        self.live_pending = true;
                        Task::perform(
                            blocking(|| std::thread::sleep(Duration::from_millis(200))),
                            |_| Message::LiveRefresh,
                        )
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
                if let (Some(desk), Some(s)) = (&self.desk, &self.session) {
                    let _ = desk.logout(s, false);
                }
                self.session = None;
                self.parked = None;
                self.screen = Screen::Login(login::State::default());
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
                                if ctx.session.has(Role::Head) && !ctx.session.has(Role::Registrar)
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
                let Screen::FirstRun(s) = &mut self.screen else {
                    return Task::none();
                };
                match s.update(m, &self.dir, self.desk.clone(), self.lang) {
                    first_run::Action::None => Task::none(),
                    first_run::Action::Run(t) => t.map(Message::FirstRun),
                    first_run::Action::Done(desk) => {
                        // The first run ends on what the office still needs.
                        self.screen = match desk.0.setup_status() {
                            Ok(status) => Screen::Setup(checklist::State { status }),
                            Err(_) => Screen::Login(login::State::default()),
                        };
                        self.desk = Some(desk.0);
                        Task::none()
                    }
                    first_run::Action::SetLang(l) => {
                        self.lang = l;
                        Task::none()
                    }
                }
            }
            Message::Setup(checklist::Message::Login) => {
                self.screen = Screen::Login(login::State::default());
                Task::none()
            }
            Message::Login(m) => {
                let Some(desk) = self.desk.clone() else {
                    return Task::none();
                };
                let Screen::Login(s) = &mut self.screen else {
                    return Task::none();
                };
                match s.update(m, &desk, self.lang) {
                    login::Action::None => Task::none(),
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
                    return Task::none();
                };
                match s.update(m, &ctx) {
                    admin::Action::Run(t) => t.map(Message::Admin),
                    admin::Action::Restored(desk) => {
                        self.desk = Some(desk.0);
                        self.session = None;
                        self.screen = Screen::Login(login::State::default());
                        Task::none()
                    }
                }
            }
            Message::Verify(m) => {
                let (Screen::Verify(s), Some(ctx)) = (&mut self.screen, ctx_now.clone()) else {
                    return Task::none();
                };
                s.update(m, &ctx).map(Message::Verify)
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

    /// The line under the header while the office server is out of reach.
    fn server_banner(&self) -> Option<Element<'_, Message>> {
        let since = self.server_away?;
        let local = since
            + chrono::Duration::minutes(i64::from(self.desk.as_ref()?.office().tz_offset_minutes));
        Some(w::banner(
            text(tra(
                self.lang,
                "ui-server-away",
                &[("since", Arg::from(local.format("%H:%M").to_string()))],
            ))
            .size(theme::BODY)
            .color(iced::Color::WHITE),
            theme::DANGER,
        ))
    }

    fn header(&self) -> Element<'_, Message> {
        let l = self.lang;
        let office = self
            .desk
            .as_ref()
            .map(|d| match l {
                Lang::Kk => d.office().name_kk.clone(),
                Lang::Ru => d.office().name_ru.clone(),
            })
            .unwrap_or_default();
        let mut nav = row![].spacing(theme::XS).align_y(Alignment::Center);
        if let Some(s) = &self.session {
            let active = |n: &Nav| {
                matches!(
                    (&self.screen, n),
                    (Screen::Queues(_) | Screen::Application(_), Nav::Queues)
                        | (Screen::Intake(_), Nav::NewApplication)
                        | (Screen::Head(_), Nav::Head)
                        | (Screen::Admin(_), Nav::Admin)
                        | (Screen::Verify(_), Nav::Verify)
                        | (Screen::Gateway(_), Nav::Gateway)
                )
            };
            let mut items: Vec<(Nav, &str)> = Vec::new();
            if s.has(Role::Registrar)
                || s.has(Role::Executor)
                || s.has(Role::Head)
                || s.has(Role::AkimClerk)
            {
                items.push((Nav::Queues, "ui-nav-queues"));
            }
            if s.has(Role::Registrar) || s.has(Role::AkimClerk) {
                items.push((Nav::NewApplication, "ui-nav-new"));
            }
            if s.has(Role::Head) {
                items.push((Nav::Head, "ui-nav-head"));
            }
            if s.has(Role::Admin) {
                items.push((Nav::Admin, "ui-nav-admin"));
            }
            if may_see_gateway(s) {
                items.push((Nav::Gateway, "ui-nav-gateway"));
            }
            items.push((Nav::Verify, "ui-nav-verify"));
            for (n, key) in items {
                let is = active(&n);
                nav = nav.push(
                    button(text(tr(l, key)).size(theme::BODY))
                        .padding([6, 12])
                        .style(theme::nav(is))
                        .on_press(Message::Nav(n)),
                );
            }
            nav = nav.push(w::hfill());
            nav = nav.push(self.gateway_line());
        }
        let lang_button = |lang: Lang| {
            button(text(crate::i18n::lang_name(lang)).size(theme::SMALL))
                .padding([4, 8])
                .style(theme::nav(self.lang == lang))
                .on_press(Message::SetLang(lang))
        };
        let mut right = row![lang_button(Lang::Kk), lang_button(Lang::Ru),]
            .spacing(theme::S)
            .align_y(Alignment::Center);
        if let Some(s) = &self.session {
            right = right.push(text(s.full_name.clone()).size(theme::SMALL));
            right = right.push(
                button(text(tr(l, "ui-logout")).size(theme::SMALL))
                    .padding([4, 10])
                    .style(theme::nav(false))
                    .on_press(Message::Logout),
            );
        }
        container(
            column![
                row![
                    text(tr(l, "ui-app-title"))
                        .size(theme::H2)
                        .font(theme::BOLD),
                    text(office).size(theme::SMALL),
                    w::hfill(),
                    right,
                ]
                .spacing(theme::M)
                .align_y(Alignment::Center),
                nav,
            ]
            .spacing(theme::S),
        )
        .padding([theme::S, theme::L])
        .width(Length::Fill)
        .style(theme::header_bar)
        .into()
    }

    /// The gateway in the header: online or not, what waits and for how long, the last
    /// contact, failures and the last error; a click opens the message view.
    fn gateway_line(&self) -> Element<'_, Message> {
        let l = self.lang;
        let g = &self.gateway;
        let mut parts: Vec<String> = Vec::new();
        if !g.configured {
            parts.push(tr(l, "ui-gw-none"));
        } else {
            parts.push(tr(
                l,
                if g.online {
                    "ui-gw-online"
                } else {
                    "ui-gw-offline"
                },
            ));
        }
        if g.elsewhere {
            parts.push(tr(l, "ui-gw-elsewhere"));
        }
        if g.configured || g.pending > 0 {
            parts.push(tra(l, "ui-gw-pending", &[("n", Arg::Num(g.pending))]));
        }
        if let Some(m) = g.oldest_age_minutes {
            parts.push(tra(l, "ui-gw-oldest", &[("age", Arg::from(w::age(l, m)))]));
        }
        if let Some(c) = &g.last_contact {
            parts.push(format!("{} {c}", tr(l, "ui-gw-last")));
        }
        if g.failed > 0 {
            parts.push(tra(l, "ui-gw-failed", &[("n", Arg::Num(g.failed))]));
        }
        let mut lines = column![text(parts.join(" · ")).size(theme::SMALL)];
        if let Some(e) = &g.last_error {
            let short: String = e.chars().take(70).collect();
            let short = if short.len() < e.len() {
                format!("{short}…")
            } else {
                short
            };
            lines = lines.push(
                text(tra(l, "ui-gw-last-error", &[("error", Arg::from(short))]))
                    .size(theme::SMALL)
                    .color(theme::ERROR_ON_DARK),
            );
        }
        let status: Element<'_, Message> = match &self.session {
            Some(s) if may_see_gateway(s) => button(lines)
                .padding([3, 8])
                .style(theme::nav(matches!(self.screen, Screen::Gateway(_))))
                .on_press(Message::Nav(Nav::Gateway))
                .into(),
            _ => container(lines).padding([3, 8]).into(),
        };
        let mut r = row![status].spacing(theme::XS).align_y(Alignment::Center);
        if g.configured && self.session.is_some() {
            r = r.push(
                button(text(tr(l, "ui-gw-sync-now")).size(theme::SMALL))
                    .padding([3, 8])
                    .style(theme::nav(false))
                    .on_press(Message::SyncNow),
            );
        }
        r.into()
    }

    pub fn view(&self) -> Element<'_, Message> {
        let l = self.lang;
        let body: Element<'_, Message> = match (&self.screen, self.ctx()) {
            (Screen::Failed(m), _) => {
                w::card(column![w::title(tr(l, "ui-failed")), w::error_banner(m)].spacing(theme::M))
            }
            (Screen::FirstRun(s), _) => s.view(l).map(Message::FirstRun),
            (Screen::Setup(s), _) => s.view(l).map(Message::Setup),
            (Screen::Login(s), _) => s.view(l).map(Message::Login),
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
        let mut page = column![self.header()];
        if let Some(b) = self.server_banner() {
            page = page.push(b);
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

/// Who sees the per-message gateway view (and may retry a failed message).
fn may_see_gateway(s: &Session) -> bool {
    s.has_any(crate::desk::exchange::GATEWAY_ROLES)
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
