//! The use cases: one function per clerk action. Each runs in **one** SQLite transaction that
//! checks the user's permission, changes state, and writes the audit entry and the outbox
//! message together, so a forbidden or failed action changes nothing.

pub mod accounts;
pub mod akimat;
pub mod akimat_exchange;
pub mod audit_key;
pub mod auth;
pub mod backup;
pub mod backup_list;
pub mod batch;
pub mod exchange;
mod server_backup;

pub mod error;
pub mod flow;
pub mod handover;
pub mod institutions;
pub mod intake;
pub mod move_to;
pub mod papers;
pub mod query;
pub mod restore;
pub mod rights;
pub mod settings;
pub mod setup;
pub mod signature;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

use crate::domain::calendar::{Calendar, parse_year_file};
use crate::domain::catalog::Catalog;
use crate::domain::model::{Lang, Role};
use crate::domain::policy::Permission;
use crate::store::audit::{self, NewEntry};
use crate::store::blobs::{Blobs, Kind as BlobKind};
use crate::store::pg::Target;
use crate::store::{Location, OfficeRow, Store, StoreError, Tx};

pub use error::DeskError;
pub use query::StepDue;

pub type Result<T, E = DeskError> = std::result::Result<T, E>;

/// The settings key prefix of the office's calendar edits (`calendar.2026`: the year's file).
pub(crate) const CALENDAR_KEY: &str = "calendar.";

/// Where time comes from (real, or fixed in tests and the demo).
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;
impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock tests and the demo move by hand.
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);
impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock(std::sync::Mutex::new(at))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
    pub fn advance(&self, d: chrono::Duration) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *g += d;
    }
}
impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// RFC 3339 UTC with seconds: the stored form of every moment.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses a stored moment.
pub fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The folders of a data directory, and where the office's database is: the SQLite file in
/// it (one PC), or the office server named by `--database`, `MIO_DESK_DATABASE` or the
/// data directory's `server.toml` (written by `init --database` and `join`).
#[derive(Debug, Clone)]
pub struct DataDir {
    pub root: PathBuf,
    /// The office server's database, when the office keeps its data there.
    pub database: Option<Target>,
}

/// What a PC of an office on the server keeps locally (`server.toml`, readable by its owner
/// only: the address may hold the database password).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ServerFile {
    /// `postgres://…` of the office server.
    pub database: String,
    /// This PC's workstation code (its journal prefix).
    pub workstation: String,
    /// A random name of this installation, so its workstation code stays its own.
    pub machine: String,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir {
            root: root.into(),
            database: None,
        }
    }

    /// The same folders with the office's database on the server at `url` (a bad address is
    /// a plain error naming what is wrong).
    pub fn with_database(mut self, url: &str) -> Result<DataDir> {
        self.database = Some(crate::store::pg::parse_target(url).map_err(StoreError::from)?);
        Ok(self)
    }

    /// Where the database is: `--database` first, else `server.toml`, else the SQLite file.
    pub fn location(&self) -> Result<Location> {
        if let Some(t) = &self.database {
            return Ok(Location::Postgres(Box::new(t.clone())));
        }
        if let Some(f) = self.server_file()? {
            let t = crate::store::pg::parse_target(&f.database).map_err(StoreError::from)?;
            return Ok(Location::Postgres(Box::new(t)));
        }
        Ok(Location::Sqlite(self.db()))
    }

    pub fn server_file_path(&self) -> PathBuf {
        self.root.join("server.toml")
    }

    /// This PC's `server.toml`, if the office is on a server.
    pub fn server_file(&self) -> Result<Option<ServerFile>> {
        let p = self.server_file_path();
        match std::fs::read_to_string(&p) {
            Ok(text) => toml::from_str(&text).map(Some).map_err(|e| {
                DeskError::Store(StoreError::Corrupt(format!("{}: {e}", p.display())))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(DeskError::Store(StoreError::Io(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", p.display()),
            )))),
        }
    }

    fn write_server_file(&self, f: &ServerFile) -> Result<()> {
        let text = toml::to_string(f).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let p = self.server_file_path();
        let tmp = self.root.join(".server.toml.tmp");
        {
            use std::io::Write;
            let mut o = std::fs::OpenOptions::new();
            o.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            let mut file = o.open(&tmp).map_err(StoreError::from)?;
            file.write_all(text.as_bytes()).map_err(StoreError::from)?;
            file.sync_all().map_err(StoreError::from)?;
        }
        std::fs::rename(&tmp, &p).map_err(StoreError::from)?;
        Ok(())
    }

    pub fn db(&self) -> PathBuf {
        self.root.join("desk.sqlite")
    }
    pub fn attachments(&self) -> PathBuf {
        self.root.join("attachments")
    }
    pub fn documents(&self) -> PathBuf {
        self.root.join("documents")
    }
    pub fn keys(&self) -> PathBuf {
        self.root.join("keys")
    }
    pub fn backups(&self) -> PathBuf {
        self.root.join("backups")
    }
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }
    pub fn calendar(&self) -> PathBuf {
        self.root.join("calendar")
    }
    /// Whether `init` (or `join`) has run here. For an office on a server this asks the
    /// server; a server that cannot be reached counts as set up (the window then says the server
    /// is away, rather than offering to set up a new office).
    pub fn is_initialized(&self) -> bool {
        match self.location() {
            Ok(Location::Sqlite(p)) => {
                p.exists()
                    && Store::open(&p)
                        .ok()
                        .and_then(|s| s.read(|r| crate::store::office(r)).ok().flatten())
                        .is_some()
            }
            Ok(Location::Postgres(t)) => {
                if self.database.is_some() && !self.server_file_path().exists() {
                    return false;
                }
                match Store::connect(&t) {
                    Ok(s) => s.read(|r| crate::store::office(r)).ok().flatten().is_some(),
                    Err(e) => e.is_unreachable(),
                }
            }
            Err(_) => false,
        }
    }
    fn create(&self) -> std::io::Result<()> {
        for d in [
            self.root.clone(),
            self.attachments(),
            self.documents(),
            self.keys(),
            self.backups(),
            self.logs(),
            self.calendar(),
        ] {
            std::fs::create_dir_all(d)?;
        }
        Ok(())
    }
}

/// Options of a desk.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Use cheap argon2 parameters (8 KiB, 1 pass). **Tests only**: production uses the OWASP
    /// parameters (19 MiB, 2 passes).
    pub fast_password_hashing: bool,
}

/// The logged-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user_id: i64,
    pub iin: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    pub lang: Lang,
    pub must_change_password: bool,
}

impl Session {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
    /// Whether the user holds an office permission (the window asks this to show an action;
    /// the desk asks it again before doing it).
    pub fn may(&self, p: Permission) -> bool {
        p.held_by(&self.roles)
    }
    /// The user as the policy sees them.
    pub fn actor(&self) -> crate::domain::policy::Actor<'_> {
        crate::domain::policy::Actor {
            id: self.user_id,
            roles: &self.roles,
        }
    }
}

/// What the office is set up with at `init`.
#[derive(Debug, Clone)]
pub struct NewOffice {
    pub code: String,
    pub name_kk: String,
    pub name_ru: String,
    pub workstation: String,
}

/// The workstation's engine: everything the window and the command line do goes through it.
pub struct Desk {
    pub(crate) store: Store,
    pub(crate) dir: DataDir,
    pub(crate) attachments: Blobs,
    pub(crate) documents: Blobs,
    pub(crate) catalog: RwLock<Arc<Catalog>>,
    pub(crate) calendar: RwLock<Arc<Calendar>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) office: OfficeRow,
    /// A department, or a rural akimat and the department it sends to.
    pub(crate) kind: crate::store::akimat::OfficeKindRow,
    pub(crate) options: Options,
    /// The last exchange this process tried found another one running (another process on
    /// this data directory, or another PC of the office).
    pub(crate) exchange_elsewhere: std::sync::atomic::AtomicBool,
    /// Files and directories whose rights someone had widened (narrowed again at the start).
    pub(crate) widened: Vec<(PathBuf, u32)>,
}

fn check_code(s: &str, what: &str, max: usize) -> Result<()> {
    if s.is_empty() || s.len() > max || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(DeskError::Invalid {
            field: what.to_string(),
            key: "code-format".into(),
        });
    }
    Ok(())
}

impl Desk {
    /// Sets up a new office: in the data directory's SQLite file, or, with
    /// [`DataDir::with_database`], in an empty database on the office server (this PC becomes
    /// its first workstation; others `join`).
    pub fn init(
        dir: DataDir,
        office: NewOffice,
        clock: Arc<dyn Clock>,
        options: Options,
    ) -> Result<Desk> {
        Desk::init_as(dir, office, None, clock, options)
    }

    /// Sets up an office as a department (`akimat_of = None`) or as a rural akimat that sends
    /// to the given department.
    pub fn init_as(
        dir: DataDir,
        office: NewOffice,
        akimat_of: Option<akimat::Department>,
        clock: Arc<dyn Clock>,
        options: Options,
    ) -> Result<Desk> {
        check_code(&office.code, "office_code", 16)?;
        if let Some(d) = &akimat_of {
            akimat::check_department(&office.code, d)?;
        }
        check_code(&office.workstation, "workstation", 8)?;
        for (f, v) in [
            ("office_name_kk", &office.name_kk),
            ("office_name_ru", &office.name_ru),
        ] {
            if v.trim().is_empty() {
                return Err(DeskError::Invalid {
                    field: f.into(),
                    key: "missing".into(),
                });
            }
        }
        if dir.server_file()?.is_some() || (dir.database.is_none() && dir.is_initialized()) {
            return Err(DeskError::AlreadyInitialized(
                dir.root.display().to_string(),
            ));
        }
        let loc = dir.location()?;
        dir.create().map_err(StoreError::from)?;
        let store = Store::at(&loc)?;
        if let Some(o) = store.read(|r| crate::store::office(r))? {
            return Err(match loc {
                Location::Postgres(_) => DeskError::OfficeOnServer(o.code),
                Location::Sqlite(_) => {
                    DeskError::AlreadyInitialized(dir.root.display().to_string())
                }
            });
        }
        let now = stamp(clock.now());
        let row = OfficeRow {
            code: office.code.clone(),
            name_kk: office.name_kk.trim().to_string(),
            name_ru: office.name_ru.trim().to_string(),
            workstation: office.workstation.clone(),
            tz_offset_minutes: 300,
        };
        let machine = uuid::Uuid::now_v7().to_string();
        let kind = if akimat_of.is_some() {
            "akimat"
        } else {
            "department"
        };
        store.init_office(&row, &machine, &now)?;
        store.write(|tx| {
            audit::append(
                tx,
                &NewEntry {
                    at: &now,
                    action: "init",
                    entity: "office",
                    entity_id: &row.code,
                    details: serde_json::json!({
                        "workstation": row.workstation,
                        "database": store.backend(),
                        "kind": kind,
                        "department": akimat_of.as_ref().map(|d| &d.code),
                    }),
                    ..Default::default()
                },
            )?;
            if let Some(d) = &akimat_of {
                akimat::setup_in(tx, d)?;
            }
            Ok::<_, DeskError>(())
        })?;
        drop(store);
        if let Location::Postgres(t) = &loc {
            dir.write_server_file(&ServerFile {
                database: t.url.clone(),
                workstation: office.workstation.clone(),
                machine,
            })?;
        }
        // Made just now: narrowed without a warning.
        rights::secure(&dir);
        let desk = Desk::open(dir, clock, options)?;
        desk.ensure_ca()?;
        Ok(desk)
    }

    /// Where the office's database lives: this PC's SQLite file or the office server.
    pub fn backend(&self) -> crate::store::Backend {
        self.store.backend()
    }

    /// The other PCs' change notices, as they commit (an office on the server only).
    pub fn listen(&self) -> Option<std::sync::mpsc::Receiver<crate::store::live::Event>> {
        self.store.listen()
    }

    /// *Test connection* of the first-run screen: what is on the office server at `url`,
    /// changing nothing there (an empty database, or the office this PC can join).
    pub fn probe_server(url: &str) -> Result<crate::store::pg::Probe> {
        let target = crate::store::pg::parse_target(url).map_err(StoreError::from)?;
        Ok(crate::store::pg::probe(&target)?)
    }

    /// Adds this PC to an office whose database is on the office server, as workstation `ws`
    /// with its own journal prefix. A code another PC holds is refused; the same PC joining
    /// again with its own code is accepted.
    pub fn join(dir: DataDir, ws: &str, clock: Arc<dyn Clock>, options: Options) -> Result<Desk> {
        check_code(ws, "workstation", 8)?;
        let Some(target) = dir.database.clone() else {
            return Err(DeskError::Invalid {
                field: "database".into(),
                key: "missing".into(),
            });
        };
        let previous = dir.server_file()?;
        if let Some(f) = &previous
            && f.workstation != ws
        {
            return Err(DeskError::AlreadyInitialized(
                dir.root.display().to_string(),
            ));
        }
        if dir.db().exists() {
            // A one-PC office lives here: moving it is `move-to`, not `join`.
            return Err(DeskError::AlreadyInitialized(
                dir.root.display().to_string(),
            ));
        }
        dir.create().map_err(StoreError::from)?;
        let store = Store::connect(&target)?;
        // The join is audited in the office's chain, keyed as its other entries are.
        store.set_audit_key(audit_key::server_key(&store)?);
        let office = store
            .read(|r| crate::store::office(r))?
            .ok_or(DeskError::NoOfficeOnServer)?;
        let machine = previous
            .map(|f| f.machine)
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        let now = stamp(clock.now());
        store.set_workstation(ws);
        store.write(|tx| {
            match crate::store::workstation_machine(tx, ws)? {
                Some(m) if m == machine => return Ok(()),
                Some(_) => return Err(DeskError::WorkstationTaken(ws.to_string())),
                None => crate::store::add_workstation(tx, ws, &machine, &now)?,
            }
            audit::append(
                tx,
                &NewEntry {
                    at: &now,
                    action: "join",
                    entity: "office",
                    entity_id: &office.code,
                    details: serde_json::json!({"workstation": ws}),
                    ..Default::default()
                },
            )?;
            Ok(())
        })?;
        drop(store);
        dir.write_server_file(&ServerFile {
            database: target.url.clone(),
            workstation: ws.to_string(),
            machine,
        })?;
        rights::secure(&dir);
        Desk::open(dir, clock, options)
    }

    /// Opens an office set up here (its SQLite file, or the office server this PC joined).
    pub fn open(dir: DataDir, clock: Arc<dyn Clock>, options: Options) -> Result<Desk> {
        let loc = dir.location()?;
        if let Location::Sqlite(p) = &loc
            && !p.exists()
        {
            return Err(DeskError::NotInitialized(dir.root.display().to_string()));
        }
        let joined = match &loc {
            Location::Postgres(t) => Some(
                dir.server_file()?
                    .ok_or_else(|| DeskError::NotJoined(t.shown.clone()))?,
            ),
            Location::Sqlite(_) => None,
        };
        dir.create().map_err(StoreError::from)?;
        // A restore killed midway left its copy of the office beside it; and nobody but this
        // user may read the data directory.
        backup::clean_interrupted_restores(&dir.root);
        // Before the database is opened, so that its WAL files are made with the narrowed rights.
        let widened = rights::secure(&dir);
        let store = Store::at(&loc)?;
        let mut office = store
            .read(|r| crate::store::office(r))?
            .ok_or_else(|| DeskError::NotInitialized(dir.root.display().to_string()))?;
        if let Some(f) = &joined {
            let mine = store.read(|r| crate::store::workstation_machine(r, &f.workstation))?;
            if mine.as_deref() != Some(f.machine.as_str()) {
                return Err(DeskError::WorkstationTaken(f.workstation.clone()));
            }
            office.workstation = f.workstation.clone();
        }
        store.set_workstation(&office.workstation);
        match &loc {
            Location::Sqlite(_) => {
                // A key is made only for a chain not keyed yet: a keyed chain whose key is
                // gone is reported by `audit verify`, not silently keyed anew.
                let keyed = store.read(|r| audit::keyed_started(r))?;
                store.set_audit_key(audit_key::load_key(&dir, !keyed)?);
            }
            // An office moved to the server keeps the key its chain was keyed with (see
            // `move_to`); an office set up on the server keeps plain links.
            Location::Postgres(_) => store.set_audit_key(audit_key::server_key(&store)?),
        }
        let attachments = Blobs::for_store(&store, BlobKind::Attachment, dir.attachments())?;
        let documents = Blobs::for_store(&store, BlobKind::Document, dir.documents())?;
        let kind = store.read(|r| crate::store::akimat::office_kind(r))?;
        let desk = Desk {
            kind,
            store,
            attachments,
            documents,
            catalog: RwLock::new(Arc::new(Catalog::builtin())),
            calendar: RwLock::new(Arc::new(Calendar::builtin())),
            clock,
            office,
            options,
            dir,
            exchange_elsewhere: Default::default(),
            widened,
        };
        desk.start_keyed_audit();
        desk.seal_gateway_token();
        // Applications stored before names sorted in the Kazakh alphabet get their key once
        // (a read first, so an office that has them all takes no write lock).
        if desk
            .store
            .read(|r| crate::store::apps::sort_keys_missing(r))?
        {
            desk.store.write(crate::store::apps::fill_sort_keys)?;
        }
        desk.reload_calendar()?;
        desk.reload_catalog()?;
        if desk.ca_certificate().is_ok() {
            desk.refresh_crl_if_due()?;
        }
        Ok(desk)
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.dir
    }

    pub fn office(&self) -> &OfficeRow {
        &self.office
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn calendar(&self) -> Arc<Calendar> {
        self.calendar
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn tz(&self) -> FixedOffset {
        FixedOffset::east_opt(self.office.tz_offset_minutes * 60)
            .unwrap_or_else(|| FixedOffset::east_opt(5 * 3600).expect("valid offset"))
    }

    /// A UTC moment in office-local time.
    pub fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.tz()).naive_local()
    }

    /// A stored moment (RFC 3339) in office time as people read it, `dd.mm.yyyy hh:mm`.
    pub fn local_stamp(&self, s: &str) -> Option<String> {
        parse_stamp(s).map(|t| crate::i18n::datetime_short(self.local(t)))
    }

    /// Office-local today.
    pub fn today(&self) -> NaiveDate {
        self.local(self.now()).date()
    }

    /// The start of an office-local day as a UTC stamp.
    pub fn day_start_utc(&self, d: NaiveDate) -> String {
        let local = d.and_hms_opt(0, 0, 0).expect("midnight");
        let utc = local - chrono::Duration::seconds(i64::from(self.tz().local_minus_utc()));
        stamp(utc.and_utc())
    }

    /// Re-reads the office's calendar edits over the built-in calendar: the years the admin
    /// saved in the office's database (every PC of an office on a server reads the same), and
    /// year files an earlier version left in this PC's `calendar` folder for a year the
    /// database does not have.
    pub fn reload_calendar(&self) -> Result<()> {
        let mut cal = Calendar::builtin();
        let saved = self
            .store
            .read(|r| crate::store::settings_with_prefix(r, CALENDAR_KEY))?;
        let mut years: std::collections::BTreeMap<String, (String, String)> = saved
            .into_iter()
            .map(|(k, text)| {
                let year = k[CALENDAR_KEY.len()..].to_string();
                (year.clone(), (format!("{CALENDAR_KEY}{year}"), text))
            })
            .collect();
        let dir = self.dir.calendar();
        if dir.exists() {
            for e in std::fs::read_dir(&dir).map_err(StoreError::from)? {
                let f = e.map_err(StoreError::from)?.path();
                let Some(year) = f
                    .file_stem()
                    .filter(|_| f.extension().is_some_and(|e| e == "toml"))
                    .map(|s| s.to_string_lossy().to_string())
                else {
                    continue;
                };
                if let std::collections::btree_map::Entry::Vacant(e) = years.entry(year) {
                    let text = std::fs::read_to_string(&f).map_err(StoreError::from)?;
                    e.insert((f.display().to_string(), text));
                }
            }
        }
        for (source, text) in years.values() {
            let y =
                parse_year_file(source, text).map_err(|e| DeskError::Calendar(e.to_string()))?;
            cal = cal.with_year(&y);
        }
        *self.calendar.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(cal);
        Ok(())
    }

    /// Another PC of the office changed a setting the terms hang on (the calendar, a service's
    /// term): read them again, so every PC counts the same deadlines.
    pub fn heard(&self, n: &crate::store::live::Notice) -> Result<()> {
        if n.settings.is_some() {
            self.reload_calendar()?;
            self.reload_catalog()?;
        }
        Ok(())
    }

    /// Writes an audit entry inside a transaction.
    pub(crate) fn audit(
        &self,
        tx: &Tx<'_>,
        s: Option<&Session>,
        action: &str,
        entity: &str,
        entity_id: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        let now = stamp(self.now());
        audit::append(
            tx,
            &NewEntry {
                at: &now,
                user_id: s.map(|s| s.user_id),
                user_iin: s.map(|s| s.iin.as_str()),
                action,
                entity,
                entity_id,
                details,
            },
        )?;
        Ok(())
    }

    /// Records an action that changes no data (print, export, view of a paper) in the audit.
    pub fn record(
        &self,
        s: &Session,
        action: &str,
        entity: &str,
        entity_id: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        self.store
            .write(|tx| self.audit(tx, Some(s), action, entity, entity_id, details))
    }

    /// SQLite's own integrity checks.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        Ok(self.store.integrity_check()?)
    }

    /// Refuses a user without the permission ([`crate::domain::policy::Permission`]).
    pub(crate) fn require(&self, s: &Session, p: Permission) -> Result<()> {
        if s.may(p) {
            Ok(())
        } else {
            Err(DeskError::Forbidden {
                action: p.code().to_string(),
                needed: p
                    .roles()
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(" / "),
            })
        }
    }

    /// The store (for the sync engine and the benchmarks, which live beside the desk).
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn attachment_blobs(&self) -> &Blobs {
        &self.attachments
    }

    pub fn document_blobs(&self) -> &Blobs {
        &self.documents
    }

    pub fn root(&self) -> &Path {
        &self.dir.root
    }

    /// What had wider rights than the owner's at the start (narrowed since): path, old mode.
    pub fn rights_widened(&self) -> &[(PathBuf, u32)] {
        &self.widened
    }
}
