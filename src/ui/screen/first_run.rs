//! First run: where the office's data lives (this computer, or the office server shared by
//! several PCs, with *Test connection*), then either a new office (code, names, workstation and
//! the first administrator) or, when the server already holds the office, this PC's workstation
//! code to join it.

use std::sync::Arc;

use iced::widget::{column, row, scrollable};
use iced::{Element, Length, Task};

use crate::desk::auth::{Actor, NewUserInput};
use crate::desk::{Desk, NewOffice, Options, SystemClock};
use crate::domain::model::{Lang, Role};
use crate::i18n::{Arg, lang_name, tr, tra};
use crate::store::pg::Probe;
use crate::ui::desk_handle::DeskHandle;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Failure, PreCtx, theme};

/// Where the office's database lives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Place {
    /// The SQLite file in this computer's data folder (one PC).
    #[default]
    ThisPc,
    /// A PostgreSQL database on the office server (several PCs).
    Server,
}

/// The office server's address, as the form asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerForm {
    pub host: String,
    pub port: String,
    pub database: String,
    pub user: String,
    pub password: String,
    /// The server's CA certificate (PEM); empty: no TLS (a trusted office network).
    pub tls_root: String,
}

impl Default for ServerForm {
    fn default() -> Self {
        ServerForm {
            host: String::new(),
            port: "5432".into(),
            database: "mio_desk".into(),
            user: "mio_desk".into(),
            password: String::new(),
            tls_root: String::new(),
        }
    }
}

impl ServerForm {
    /// The address, or the field that is wrong.
    fn url(&self) -> Result<String, Failure> {
        let bad = |field: &str, key: &str| Failure {
            field: Some(field.into()),
            ..Failure::plain(key)
        };
        for (field, v) in [
            ("db_host", &self.host),
            ("db_name", &self.database),
            ("db_user", &self.user),
        ] {
            if v.trim().is_empty() {
                return Err(bad(field, "field-error-missing"));
            }
        }
        let port = self
            .port
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| bad("db_port", "ui-first-run-bad-port"))?;
        let root = self.tls_root.trim();
        Ok(crate::store::pg::server_url(
            &self.host,
            port,
            &self.database,
            self.user.trim(),
            &self.password,
            (!root.is_empty()).then_some(root),
        ))
    }
}

#[derive(Debug, Default)]
pub struct State {
    pub place: Place,
    pub server: ServerForm,
    /// What *Test connection* found, for the address it tested.
    probe: Option<(String, Probe)>,
    testing: bool,
    pub office_code: String,
    pub name_kk: String,
    pub name_ru: String,
    pub workstation: String,
    pub admin_iin: String,
    pub admin_name: String,
    pub password: String,
    pub repeat: String,
    /// The office exists already; only the first admin is missing.
    admin_only: bool,
    busy: bool,
    error: Option<Failure>,
}

/// First-run form events.
#[derive(Debug, Clone)]
pub enum Message {
    /// Where the office's data lives.
    Place(Place),
    /// The office server's address.
    Host(String),
    /// The office server's port.
    Port(String),
    /// The database's name on the server.
    Database(String),
    /// The database user.
    DbUser(String),
    /// The database user's password.
    DbPassword(String),
    /// The server's CA certificate (PEM), for TLS.
    TlsRoot(String),
    /// *Test connection*.
    Test,
    /// What the test found, for the address it tested.
    Tested(String, Result<Probe, Failure>),
    /// The new office's code.
    OfficeCode(String),
    /// The office's name in Kazakh.
    NameKk(String),
    /// The office's name in Russian.
    NameRu(String),
    /// This PC's workstation code.
    Workstation(String),
    /// The first administrator's ИИН.
    AdminIin(String),
    /// The first administrator's full name.
    AdminName(String),
    /// The first administrator's password.
    Password(String),
    /// The password once more.
    Repeat(String),
    /// The language chosen on this screen.
    Lang(Lang),
    /// Create the office (or join it).
    Submit,
    /// The office was created or joined, or why not.
    Done(Result<DeskHandle, Failure>),
}

/// What the window does after a first-run event.
pub enum Action {
    /// Side effects the window runs.
    Run(Task<Message>),
    /// The office is ready on this desk.
    Done(DeskHandle),
    /// Switch the window's language.
    SetLang(Lang),
}

impl Action {
    /// Nothing to do.
    pub fn none() -> Action {
        Action::Run(Task::none())
    }
}

impl State {
    pub fn admin_only() -> State {
        State {
            admin_only: true,
            ..Default::default()
        }
    }

    pub fn update(&mut self, m: Message, ctx: &PreCtx) -> Action {
        let (dir, desk, lang) = (&ctx.dir, ctx.desk.clone(), ctx.lang);
        let server_edit = matches!(
            m,
            Message::Host(_)
                | Message::Port(_)
                | Message::Database(_)
                | Message::DbUser(_)
                | Message::DbPassword(_)
                | Message::TlsRoot(_)
                | Message::Place(_)
        );
        if server_edit {
            // A changed address must be tested again before anything is set up on it.
            self.probe = None;
            if self.error.as_ref().is_some_and(|e| e.field.is_none()) {
                self.error = None;
            }
        }
        match m {
            Message::Place(p) => self.place = p,
            Message::Host(v) => self.server.host = v.trim().to_string(),
            Message::Port(v) => self.server.port = v.trim().to_string(),
            Message::Database(v) => self.server.database = v.trim().to_string(),
            Message::DbUser(v) => self.server.user = v.trim().to_string(),
            Message::DbPassword(v) => self.server.password = v,
            Message::TlsRoot(v) => self.server.tls_root = v,
            Message::Test => {
                if self.testing {
                    return Action::none();
                }
                let url = match self.server.url() {
                    Ok(u) => u,
                    Err(e) => {
                        self.error = Some(e);
                        return Action::none();
                    }
                };
                self.testing = true;
                self.error = None;
                return Action::Run(Task::perform(
                    blocking(move || {
                        let r = Desk::probe_server(&url).map_err(Failure::from);
                        (url, r)
                    }),
                    |(url, r)| Message::Tested(url, r),
                ));
            }
            Message::Tested(url, r) => {
                self.testing = false;
                // A result for an address since edited is stale.
                if self.server.url().ok().as_deref() != Some(url.as_str()) {
                    return Action::none();
                }
                match r {
                    Ok(p) => {
                        self.error = None;
                        self.probe = Some((url, p));
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Message::OfficeCode(v) => self.office_code = v.trim().to_string(),
            Message::NameKk(v) => self.name_kk = v,
            Message::NameRu(v) => self.name_ru = v,
            Message::Workstation(v) => self.workstation = v.trim().to_string(),
            Message::AdminIin(v) => self.admin_iin = v,
            Message::AdminName(v) => self.admin_name = v,
            Message::Password(v) => self.password = v,
            Message::Repeat(v) => self.repeat = v,
            Message::Lang(l) => return Action::SetLang(l),
            Message::Submit => {
                if self.busy {
                    return Action::none();
                }
                let server = match (self.admin_only, self.place) {
                    (false, Place::Server) => match &self.probe {
                        Some((url, probe)) => Some((url.clone(), probe.clone())),
                        None => {
                            self.error = Some(Failure::plain("ui-first-run-test-first"));
                            return Action::none();
                        }
                    },
                    _ => None,
                };
                if let Some((url, Probe::Office { .. })) = server {
                    // The office is on the server: this PC only joins it.
                    self.busy = true;
                    self.error = None;
                    let (dir, ws) = (dir.clone(), self.workstation.clone());
                    return Action::Run(Task::perform(
                        blocking(move || {
                            let dir = dir.with_database(&url)?;
                            let desk =
                                Desk::join(dir, &ws, Arc::new(SystemClock), Options::default())?;
                            Ok(DeskHandle(Arc::new(desk)))
                        }),
                        |r: Result<DeskHandle, crate::desk::DeskError>| {
                            Message::Done(r.map_err(Failure::from))
                        },
                    ));
                }
                let server_url = server.map(|(url, _)| url);
                if self.password != self.repeat {
                    self.error = Some(Failure {
                        field: Some("repeat".into()),
                        ..Failure::plain("ui-password-mismatch")
                    });
                    return Action::none();
                }
                self.busy = true;
                self.error = None;
                let (dir, office, user) = (
                    dir.clone(),
                    NewOffice {
                        code: self.office_code.clone(),
                        name_kk: self.name_kk.clone(),
                        name_ru: self.name_ru.clone(),
                        workstation: self.workstation.clone(),
                    },
                    NewUserInput {
                        iin: self.admin_iin.trim().to_string(),
                        full_name: self.admin_name.clone(),
                        roles: vec![Role::Admin],
                        password: self.password.clone(),
                        lang,
                        must_change_password: false,
                    },
                );
                // The admin is checked before the office is created, so a typo does not
                // leave a half-set-up directory.
                return Action::Run(Task::perform(
                    blocking(move || {
                        precheck(&user)?;
                        let dir = match &server_url {
                            Some(url) => dir.with_database(url)?,
                            None => dir,
                        };
                        let desk = match desk {
                            Some(d) => d,
                            None => Arc::new(Desk::init(
                                dir,
                                office,
                                Arc::new(SystemClock),
                                Options::default(),
                            )?),
                        };
                        desk.add_user(Actor::System, &user)?;
                        Ok(DeskHandle(desk))
                    }),
                    |r: Result<DeskHandle, crate::desk::DeskError>| {
                        Message::Done(r.map_err(Failure::from))
                    },
                ));
            }
            Message::Done(r) => {
                self.busy = false;
                match r {
                    Ok(d) => return Action::Done(d),
                    Err(e) => self.error = Some(e),
                }
            }
        }
        Action::none()
    }

    pub fn view(&self, ctx: &PreCtx) -> Element<'_, Message> {
        let l = ctx.lang;
        let err = |f: &str| self.error.as_ref().and_then(|e| e.for_field(f, l));
        let mut form = column![
            w::title(tr(l, "ui-first-run-title")),
            w::muted(tr(l, "ui-first-run-hint")),
            row![
                w::secondary(lang_name(Lang::Kk), Some(Message::Lang(Lang::Kk))),
                w::secondary(lang_name(Lang::Ru), Some(Message::Lang(Lang::Ru))),
            ]
            .spacing(theme::S),
        ]
        .spacing(theme::M)
        .max_width(720);
        // What the office form asks: everything for a new office, only this PC's code when
        // the office is already on the server.
        let mut joining = None;
        if !self.admin_only {
            form = form.push(w::section(tr(l, "ui-first-run-place")));
            let choice = |p: Place, key: &str| {
                let label = tr(l, key);
                if self.place == p {
                    w::primary(label, Some(Message::Place(p)))
                } else {
                    w::secondary(label, Some(Message::Place(p)))
                }
            };
            form = form.push(
                row![
                    choice(Place::ThisPc, "ui-first-run-this-pc"),
                    choice(Place::Server, "ui-first-run-server"),
                ]
                .spacing(theme::S),
            );
            form = form.push(w::muted(tr(
                l,
                match self.place {
                    Place::ThisPc => "ui-first-run-this-pc-hint",
                    Place::Server => "ui-first-run-server-hint",
                },
            )));
            if self.place == Place::Server {
                form = form.push(self.server_form(l));
                match &self.probe {
                    None => {}
                    Some((_, Probe::Empty)) => {
                        form = form.push(w::notice(
                            &tr(l, "ui-first-run-server-empty"),
                            theme::SUCCESS,
                        ));
                    }
                    Some((
                        _,
                        Probe::Office {
                            code,
                            name_kk,
                            name_ru,
                            workstations,
                        },
                    )) => {
                        let name = match l {
                            Lang::Kk => name_kk,
                            Lang::Ru => name_ru,
                        };
                        form = form.push(w::notice(
                            &tra(
                                l,
                                "ui-first-run-server-office",
                                &[
                                    ("code", Arg::from(code.as_str())),
                                    ("name", Arg::from(name.as_str())),
                                    ("taken", Arg::from(workstations.join(", "))),
                                ],
                            ),
                            theme::SUCCESS,
                        ));
                        joining = Some(());
                    }
                }
            }
        }
        let server_untested =
            !self.admin_only && self.place == Place::Server && self.probe.is_none();
        if joining.is_some() {
            form = form.push(w::text_field(
                tr(l, "field-workstation"),
                "fr-ws",
                &self.workstation,
                "02",
                Message::Workstation,
                Some(Message::Submit),
                err("workstation"),
            ));
        }
        if !self.admin_only && joining.is_none() && !server_untested {
            form = form.push(w::section(tr(l, "ui-first-run-office")));
            form = form.push(
                row![
                    w::text_field(
                        tr(l, "field-office_code"),
                        "fr-code",
                        &self.office_code,
                        "0412",
                        Message::OfficeCode,
                        None,
                        err("office_code")
                    ),
                    w::text_field(
                        tr(l, "field-workstation"),
                        "fr-ws",
                        &self.workstation,
                        "01",
                        Message::Workstation,
                        None,
                        err("workstation")
                    ),
                ]
                .spacing(theme::M),
            );
            form = form.push(w::text_field(
                tr(l, "field-office_name_kk"),
                "fr-kk",
                &self.name_kk,
                &tr(l, "ui-first-run-example-kk"),
                Message::NameKk,
                None,
                err("office_name_kk"),
            ));
            form = form.push(w::text_field(
                tr(l, "field-office_name_ru"),
                "fr-ru",
                &self.name_ru,
                &tr(l, "ui-first-run-example-ru"),
                Message::NameRu,
                None,
                err("office_name_ru"),
            ));
        }
        if joining.is_none() && !server_untested {
            form = form.push(w::section(tr(l, "ui-first-run-admin")));
            form = form.push(
                row![
                    w::text_field(
                        tr(l, "field-iin"),
                        "fr-iin",
                        &self.admin_iin,
                        "000000000000",
                        Message::AdminIin,
                        None,
                        err("iin")
                    ),
                    w::text_field(
                        tr(l, "field-full_name"),
                        "fr-name",
                        &self.admin_name,
                        "",
                        Message::AdminName,
                        None,
                        err("full_name")
                    ),
                ]
                .spacing(theme::M),
            );
            form = form.push(
                row![
                    w::field(
                        tr(l, "field-password"),
                        w::input(
                            "",
                            &self.password,
                            Message::Password,
                            err("password").is_some()
                        )
                        .secure(true)
                        .id("fr-pass")
                        .into(),
                        err("password")
                    ),
                    w::field(
                        tr(l, "ui-password-repeat"),
                        w::input("", &self.repeat, Message::Repeat, err("repeat").is_some())
                            .secure(true)
                            .id("fr-repeat")
                            .on_submit(Message::Submit)
                            .into(),
                        err("repeat")
                    ),
                ]
                .spacing(theme::M),
            );
        }
        if let Some(e) = &self.error
            && e.field.is_none()
        {
            form = form.push(w::error_banner(e.text(l)));
        }
        if !server_untested {
            form = form.push(w::primary(
                tr(
                    l,
                    if joining.is_some() {
                        "ui-first-run-join"
                    } else {
                        "ui-first-run-submit"
                    },
                ),
                (!self.busy).then_some(Message::Submit),
            ));
        }
        scrollable(w::card(form)).height(Length::Fill).into()
    }
}

impl State {
    fn server_form(&self, l: Lang) -> Element<'_, Message> {
        let err = |f: &str| self.error.as_ref().and_then(|e| e.for_field(f, l));
        let f = &self.server;
        column![
            row![
                w::text_field(
                    tr(l, "field-db_host"),
                    "fr-db-host",
                    &f.host,
                    "192.168.1.10",
                    Message::Host,
                    None,
                    err("db_host")
                ),
                w::text_field(
                    tr(l, "field-db_port"),
                    "fr-db-port",
                    &f.port,
                    "5432",
                    Message::Port,
                    None,
                    err("db_port")
                ),
            ]
            .spacing(theme::M),
            row![
                w::text_field(
                    tr(l, "field-db_name"),
                    "fr-db-name",
                    &f.database,
                    "mio_desk",
                    Message::Database,
                    None,
                    err("db_name")
                ),
                w::text_field(
                    tr(l, "field-db_user"),
                    "fr-db-user",
                    &f.user,
                    "mio_desk",
                    Message::DbUser,
                    None,
                    err("db_user")
                ),
                w::field(
                    tr(l, "field-db_password"),
                    w::input("", &f.password, Message::DbPassword, false)
                        .secure(true)
                        .id("fr-db-pass")
                        .on_submit(Message::Test)
                        .into(),
                    None
                ),
            ]
            .spacing(theme::M),
            w::text_field(
                tr(l, "field-db_tls_root"),
                "fr-db-tls",
                &f.tls_root,
                &tr(l, "ui-first-run-tls-hint"),
                Message::TlsRoot,
                None,
                err("db_tls_root")
            ),
            w::secondary(
                tr(
                    l,
                    if self.testing {
                        "ui-first-run-testing"
                    } else {
                        "ui-first-run-test"
                    },
                ),
                (!self.testing).then_some(Message::Test),
            ),
        ]
        .spacing(theme::M)
        .into()
    }
}

/// Checks the first admin's ИИН before anything is created.
fn precheck(u: &NewUserInput) -> Result<(), crate::desk::DeskError> {
    crate::domain::iin::Iin::parse(&u.iin)?;
    Desk::check_password_strength(&u.password, &u.iin)?;
    Ok(())
}
