//! Shared setup for integration tests: an office with one user per role, a head with a
//! certificate, and helpers to register and move applications.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use mio_desk::desk::auth::{Actor, NewUserInput};
use mio_desk::desk::flow::Target;
use mio_desk::desk::intake::{NewFile, Registration};
use mio_desk::desk::{DataDir, Desk, ManualClock, NewOffice, Options, Session};
use mio_desk::domain::decision::{DecisionInput, Outcome};
use mio_desk::domain::model::{Channel, Lang, Role};
use mio_desk::domain::person::PersonInput;
use serde_json::{Map, Value, json};

pub const PIN: &str = "135790";

pub use mio_desk::store::Backend;
use mio_desk::store::testing::TestDb;

thread_local! {
    static BACKEND: std::cell::Cell<Backend> = const { std::cell::Cell::new(Backend::Sqlite) };
}

/// The backend `office()` builds on in this test thread.
pub fn backend() -> Backend {
    BACKEND.with(|b| b.get())
}

/// Runs a test body with `office()` on the given backend. On PostgreSQL the test gets a
/// database of its own on the test server; with no server it is skipped with a note (never
/// under `CI=true`: then it fails).
pub fn with_backend(b: Backend, body: fn()) {
    if b == Backend::Postgres && !mio_desk::store::testing::available() {
        return;
    }
    BACKEND.with(|c| c.set(b));
    body();
}

/// The test office on the given backend (`None`: no PostgreSQL server answers here, and this
/// is not CI).
pub fn office_on(b: Backend) -> Option<Office> {
    if b == Backend::Postgres && !mio_desk::store::testing::available() {
        return None;
    }
    BACKEND.with(|c| c.set(b));
    Some(office())
}

/// Runs each listed test body twice: `sqlite::name` and `postgres::name`, one body for both
/// backends (ARCHITECTURE.md: the store and desk suites run on both).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::common::with_backend(super::common::Backend::Sqlite, super::$name) })*
        }
        mod postgres {
            $(#[test] fn $name() { super::common::with_backend(super::common::Backend::Postgres, super::$name) })*
        }
    };
}

/// A data directory for a new office on the current backend (its database of its own on the
/// test server for PostgreSQL, kept alive by the returned guard).
pub fn data_dir(root: &std::path::Path) -> (DataDir, Option<TestDb>) {
    let dir = DataDir::new(root);
    match backend() {
        Backend::Sqlite => (dir, None),
        Backend::Postgres => {
            let db = TestDb::new().expect("PostgreSQL test server");
            let dir = dir.with_database(&db.url).expect("test database URL");
            (dir, Some(db))
        }
    }
}

pub struct Office {
    pub dir: tempfile::TempDir,
    pub desk: Desk,
    pub clock: Arc<ManualClock>,
    pub admin: Session,
    pub registrar: Session,
    pub head: Session,
    pub executor: Session,
    pub executor2: Session,
    pub akim: Session,
    pub key: Vec<u8>,
    /// The test server's database (PostgreSQL runs); dropped after the desk.
    pub db: Option<TestDb>,
}

pub const USERS: &[(Role, &str, &str)] = &[
    (Role::Admin, "780412441212", "Сейітова Жанар"),
    (Role::Registrar, "850315300128", "Нұрланов Ерлан"),
    (Role::Head, "791028302728", "Өтегенова Сәуле"),
    (Role::Executor, "061211600012", "Бекмұхамедов Асқар"),
    (Role::Executor, "850115300205", "Ким Ольга"),
    (Role::AkimClerk, "850315301801", "Тұрсынбаев Дәурен"),
];

pub fn office() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 16, 5, 0, 0).unwrap(),
    ));
    let (data, db) = data_dir(&dir.path().join("data"));
    let desk = Desk::init(
        data,
        NewOffice {
            code: "0412".into(),
            name_kk: "«Ақсу ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі» ММ"
                .into(),
            name_ru: "ГУ «Отдел занятости и социальных программ Аксуского района»".into(),
            workstation: "02".into(),
        },
        clock.clone(),
        Options {
            fast_password_hashing: true,
        },
    )
    .unwrap();
    let mut sessions = Vec::new();
    for (role, iin, name) in USERS {
        desk.add_user(
            Actor::System,
            &NewUserInput {
                iin: iin.to_string(),
                full_name: name.to_string(),
                roles: vec![*role],
                password: "Secret2026".into(),
                lang: Lang::Kk,
                must_change_password: false,
            },
        )
        .unwrap();
        sessions.push(desk.login(iin, "Secret2026").unwrap());
    }
    let admin = sessions[0].clone();
    let key_path = desk
        .issue_certificate(&admin, USERS[2].1, PIN, 365)
        .unwrap()
        .key_file;
    let key = std::fs::read(key_path).unwrap();
    Office {
        admin,
        registrar: sessions[1].clone(),
        head: sessions[2].clone(),
        executor: sessions[3].clone(),
        executor2: sessions[4].clone(),
        akim: sessions[5].clone(),
        key,
        desk,
        clock,
        dir,
        db,
    }
}

pub fn applicant(iin: &str) -> PersonInput {
    PersonInput {
        iin: Some(iin.into()),
        surname: "Әбілқасымова".into(),
        given_name: "Гүлшат".into(),
        patronymic: "Зиналбекқызы".into(),
        address: "Ақсу ауылы, Абай көшесі, 12".into(),
        phone: "+7 701 123 45 67".into(),
        ..Default::default()
    }
}

pub fn png() -> Vec<u8> {
    mio_desk::bench::demo::sample_png(3)
}

/// Scans for every mandatory document of a service.
pub fn scans(desk: &Desk, service: &str) -> Vec<NewFile> {
    desk.catalog()
        .service(service)
        .unwrap()
        .documents
        .iter()
        .filter(|d| d.mandatory)
        .map(|d| NewFile {
            checklist_item: Some(d.key.clone()),
            file_name: format!("{}.png", d.key),
            bytes: png(),
        })
        .collect()
}

pub fn unemployed_intake() -> Map<String, Value> {
    json!({"period_from": 2025, "period_to": 2026})
        .as_object()
        .unwrap()
        .clone()
}

pub fn registration(
    o: &Office,
    service: &str,
    channel: Channel,
    iin: &str,
    intake: Map<String, Value>,
) -> Registration {
    Registration {
        service: service.into(),
        channel,
        person: applicant(iin),
        intake,
        files: scans(&o.desk, service),
        missing_reason: None,
        accepted_at: None,
        external: None,
    }
}

pub fn unemployed_decision() -> DecisionInput {
    DecisionInput {
        outcome: Outcome::Approve,
        reason: String::new(),
        reason_ru: String::new(),
        ground: None,
        values: json!({
            "registered_on": "10.03.2026",
            "public_works": "да",
            "training": "жоқ",
            "asp_housing": false,
            "presented_to": {"kk": "талап ету орны бойынша", "ru": "по месту требования"}
        })
        .as_object()
        .unwrap()
        .clone(),
        paper_lang: None,
    }
}

/// Registers an unemployed-certificate application and takes it to awaiting_signature.
pub fn to_signature(o: &Office, iin: &str) -> i64 {
    let r = o
        .desk
        .register(
            Some(&o.registrar),
            registration(
                o,
                "unemployed_certificate",
                Channel::Office,
                iin,
                unemployed_intake(),
            ),
        )
        .unwrap();
    o.desk
        .assign(&o.head, Target::id(r.id), o.executor.user_id, "Қарау")
        .unwrap();
    o.desk
        .submit_draft(&o.executor, Target::id(r.id), &unemployed_decision())
        .unwrap();
    r.id
}

/// Another PC joining the office `o` on the server (PostgreSQL runs only), as workstation `ws`,
/// with its own data directory in `dir`.
#[allow(dead_code)]
pub fn join_pc(o: &Office, ws: &str, dir: &std::path::Path) -> Desk {
    let url = &o.db.as_ref().expect("an office on the server").url;
    Desk::join(
        mio_desk::desk::DataDir::new(dir)
            .with_database(url)
            .unwrap(),
        ws,
        o.clock.clone(),
        mio_desk::desk::Options {
            fast_password_hashing: true,
        },
    )
    .unwrap()
}
