//! Issue 12: the rural akimat's own workstation. An akimat and its department on two data
//! directories serve a citizen end to end: the akimat's intake in its own journal, the akim's
//! resolution, the cover letter signed by the akim, the package to the department (once by
//! exchange packages on a "USB stick" only, once through a gateway on loopback that is down for
//! part of the run), the department's steps, the signed result back, the handover at the
//! akimat, and "issued" back at the department. Then the hostile packages.

mod common;
#[path = "common/net.rs"]
mod net;

use std::sync::Arc;

use chrono::Duration;
use common::*;
use mio_desk::desk::akimat::Department;
use mio_desk::desk::auth::{Actor, NewUserInput};
use mio_desk::desk::flow::Target;
use mio_desk::desk::intake::Registration;
use mio_desk::desk::{Desk, ManualClock, NewOffice, Options, Session};
use mio_desk::documents::Langs;
use mio_desk::domain::decision::{DecisionInput, Outcome};
use mio_desk::domain::lifecycle::Action;
use mio_desk::domain::model::{Channel, Lang, Role, Status};
use mio_desk::gateway::store::GatewayDb;
use mio_desk::store::apps::{self, Application};
use mio_desk::sync::client::Client;
use mio_desk::sync::engine::{Options as SyncOptions, exchange};
use mio_desk::sync::package::{self, Body, PackedMessage, Party};
use serde_json::{Map, Value, json};

const SERVICE: &str = "rural_specialist_fuel";
const CITIZEN: &str = "850315300128";
const DEPT: &str = "0412";
const AKIMAT: &str = "AK01";

struct Akimat {
    desk: Arc<Desk>,
    clerk: Session,
    akim: Session,
    executor: Session,
    key: Vec<u8>,
    _dir: tempfile::TempDir,
}

fn user(desk: &Desk, iin: &str, name: &str, roles: Vec<Role>) -> Session {
    desk.add_user(
        Actor::System,
        &NewUserInput {
            iin: iin.into(),
            full_name: name.into(),
            roles,
            password: "Secret2026".into(),
            lang: Lang::Kk,
            must_change_password: false,
        },
    )
    .unwrap();
    desk.login(iin, "Secret2026").unwrap()
}

/// An akimat of `department`, on its own data directory, with its three roles and the akim's
/// key.
fn akimat(code: &str, department: &str, clock: Arc<ManualClock>) -> Akimat {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::init_as(
        mio_desk::desk::DataDir::new(dir.path().join("data")),
        NewOffice {
            code: code.into(),
            name_kk: "Қарасу ауылдық округі әкімінің аппараты".into(),
            name_ru: "Аппарат акима Карасуского сельского округа".into(),
            workstation: "01".into(),
        },
        Some(Department {
            code: department.into(),
            name_kk: "«Ақсу ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі» ММ"
                .into(),
            name_ru: "ГУ «Отдел занятости и социальных программ Аксуского района»".into(),
        }),
        clock,
        Options {
            fast_password_hashing: true,
        },
    )
    .unwrap();
    let admin = user(&desk, "780412441212", "Сейітова Жанар", vec![Role::Admin]);
    let clerk = user(
        &desk,
        "850315301801",
        "Тұрсынбаев Дәурен",
        vec![Role::AkimClerk],
    );
    let akim = user(&desk, "791028302728", "Омаров Серік", vec![Role::Akim]);
    let executor = user(
        &desk,
        "061211600012",
        "Бекмұхамедов Асқар",
        vec![Role::AkimExecutor],
    );
    let key_file = desk
        .issue_certificate(&admin, "791028302728", PIN, 365)
        .unwrap()
        .key_file;
    let key = std::fs::read(key_file).unwrap();
    Akimat {
        desk: Arc::new(desk),
        clerk,
        akim,
        executor,
        key,
        _dir: dir,
    }
}

/// The department (the common test office, its desk shared with the exchange engine).
struct Dept {
    desk: Arc<Desk>,
    clock: Arc<ManualClock>,
    head: Session,
    executor: Session,
    key: Vec<u8>,
    _db: Option<mio_desk::store::testing::TestDb>,
    _dir: tempfile::TempDir,
}

fn dept() -> Dept {
    let o = office();
    Dept {
        desk: Arc::new(o.desk),
        clock: o.clock,
        head: o.head,
        executor: o.executor,
        key: o.key,
        _db: o.db,
        _dir: o.dir,
    }
}

fn intake() -> Map<String, Value> {
    json!({"workplace": "Қарасу орта мектебі", "position": "мұғалім", "settlement": "Қарасу"})
        .as_object()
        .unwrap()
        .clone()
}

fn app(desk: &Desk, id: i64) -> Application {
    desk.store().read(|r| apps::by_id(r, id)).unwrap().unwrap()
}

/// The akim's office specialist registers the citizen's documents in the akimat's journal.
fn register_at_akimat(a: &Akimat) -> mio_desk::desk::intake::Registered {
    a.desk
        .register(
            Some(&a.clerk),
            Registration {
                service: SERVICE.into(),
                channel: Channel::Akim,
                person: applicant(CITIZEN),
                intake: intake(),
                files: scans(&a.desk, SERVICE),
                missing_reason: None,
                accepted_at: None,
                external: None,
            },
        )
        .unwrap()
}

/// The akimat's steps up to the akim's signature: the package is queued.
fn akimat_to_package(a: &Akimat) -> i64 {
    let r = register_at_akimat(a);
    // The akimat's own journal and numbers.
    let own = a.desk.office().code.clone();
    assert!(r.number.starts_with(&own), "{}", r.number);
    // Each step is its own role's: the office specialist cannot prepare the cover letter.
    let t = Target::id(r.id);
    a.desk
        .akim_resolution(
            &a.akim,
            t,
            a.executor.user_id,
            "Қарап, ілеспе хат дайындаңыз",
        )
        .unwrap();
    let e = a.desk.cover_letter_ready(&a.clerk, t).unwrap_err();
    assert!(e.message(Lang::Ru).len() > 10, "{e:?}");
    // The decision is the department's: the akim's executor cannot write one here.
    let decision = mio_desk::domain::decision::DecisionInput {
        outcome: mio_desk::domain::decision::Outcome::Approve,
        reason: String::new(),
        reason_ru: String::new(),
        ground: None,
        values: Default::default(),
        paper_lang: None,
    };
    let e = a.desk.submit_draft(&a.executor, t, &decision).unwrap_err();
    assert_eq!(e.key(), "akimat-no-decision", "{e:?}");
    let e = a.desk.save_draft(&a.executor, t, &decision).unwrap_err();
    assert_eq!(e.key(), "akimat-no-decision", "{e:?}");
    // What the executor checks and the akim reads before signing is the letter to the
    // department (its addressee, from the akimat), its outgoing number not given yet.
    let letter = a.desk.cover_letter(&app(&a.desk, r.id)).unwrap();
    let json = String::from_utf8(letter.canonical()).unwrap();
    assert!(json.contains("Отдел занятости"), "{json}");
    assert_eq!(letter.number, "");
    let preview = a.desk.preview_result(&a.executor, r.id, &decision).unwrap();
    assert_eq!(preview.kind, letter.kind, "the preview is the cover letter");
    a.desk.cover_letter_ready(&a.executor, t).unwrap();
    let signed = a.desk.sign(&a.akim, t, &a.key, PIN).unwrap();
    assert!(signed.outgoing_number.starts_with(&own));
    assert_eq!(app(&a.desk, r.id).status, Status::Signed);
    r.id
}

fn department_id(d: &Desk, a: &Akimat, akimat_app: i64) -> i64 {
    let link = a.desk.akimat_link(akimat_app).unwrap().unwrap();
    let pkg = link.package_message_id.unwrap();
    d.store()
        .read(|r| apps::by_external_id(r, &pkg))
        .unwrap()
        .expect("the department registered the package")
        .id
}

fn decide_and_sign(o: &Dept, id: i64) {
    let t = Target::id(id);
    o.desk
        .assign(&o.head, t, o.executor.user_id, "Қарау")
        .unwrap();
    o.desk
        .submit_draft(
            &o.executor,
            t,
            &DecisionInput {
                outcome: Outcome::Approve,
                reason: String::new(),
                reason_ru: String::new(),
                ground: None,
                values: json!({"amount": "15000"}).as_object().unwrap().clone(),
                paper_lang: None,
            },
        )
        .unwrap();
    o.desk.sign(&o.head, t, &o.key, PIN).unwrap();
}

fn text_of(pdf: &[u8]) -> String {
    let doc = mio_desk::documents::extract::load(pdf).unwrap();
    mio_desk::documents::extract::page_texts(&doc).join("\n")
}

/// What the department sees of an application that came from the akimat.
fn check_arrival(o: &Dept, a: &Akimat, akimat_app: i64, dept_app: i64) {
    let ours = app(&a.desk, akimat_app);
    let theirs = app(&o.desk, dept_app);
    assert_eq!(theirs.channel, Channel::Akim);
    assert_eq!(theirs.origin.as_deref(), Some(AKIMAT));
    // The deadline runs from the akimat's acceptance, by the akim-channel term.
    assert_eq!(theirs.accepted_at, ours.accepted_at);
    assert_eq!(theirs.due_date, ours.due_date);
    let link = o.desk.akimat_link(dept_app).unwrap().unwrap();
    assert_eq!(link.akimat_number, ours.number);
    assert_eq!(
        link.department_number.as_deref(),
        Some(theirs.number.as_str())
    );
    // The signed cover letter is among its documents, with the scans.
    let files = o
        .desk
        .store()
        .read(|r| apps::attachments(r, dept_app))
        .unwrap();
    let cover = files
        .iter()
        .find(|f| f.file_name.starts_with("cover-letter-"))
        .expect("the cover letter arrived");
    assert_eq!(cover.mime, "application/pdf");
    assert_eq!(files.len(), scans(&a.desk, SERVICE).len() + 1);
}

#[test]
fn the_akim_channel_uses_its_own_longer_term_and_the_akimats_letterhead() {
    let o = dept();
    let a = akimat(AKIMAT, DEPT, o.clock.clone());
    let id = akimat_to_package(&a);
    let ours = app(&a.desk, id);
    // The same acceptance by the office channel's term would be due earlier (9 vs 14
    // working days).
    let cat = a.desk.catalog();
    let svc = cat.service(SERVICE).unwrap();
    let v = svc.latest_version();
    assert!(v.term_for(Channel::Akim) != v.term_for(Channel::Office));
    let accepted = a.desk.local(ours.accepted_at);
    let due =
        mio_desk::domain::deadline::due(&a.desk.calendar(), v.term_for(Channel::Akim), accepted);
    assert_eq!(ours.due_date, due.date);
    // The receipt carries the akimat's letterhead.
    let receipt = a
        .desk
        .document_pdf(&a.clerk, &ours.number, Some("receipt"), Langs::Both)
        .unwrap();
    let text = text_of(&receipt);
    assert!(text.contains("Карасуского"), "{text}");
    // The cover letter: from the akimat to the department, signed by the akim.
    let cover = a
        .desk
        .document_pdf(&a.clerk, &ours.number, Some("cover_letter"), Langs::Both)
        .unwrap();
    let text = text_of(&cover);
    for want in [
        "Кому",
        "Аксуского района",
        "Омаров Серік",
        "Ауылдық округ әкімі",
        "Бекмұхамедов Асқар",
    ] {
        assert!(
            text.contains(want),
            "{want:?} not in the cover letter:\n{text}"
        );
    }
    assert!(
        text.contains(ours.outgoing_number.as_deref().unwrap()),
        "{text}"
    );
}

// The department on either backend (its office server's PostgreSQL, or one PC's SQLite); the
// akimat always on its own PC's SQLite.
on_both_backends!(
    round_trip_by_exchange_packages_only,
    hostile_packages_are_refused_with_a_clear_message_and_nothing_applied,
    a_withdrawal_after_sending_reaches_the_department_by_package_once,
    a_late_withdrawal_is_a_conflict_and_its_result_is_kept_not_handed_over,
);

fn round_trip_by_exchange_packages_only() {
    let o = dept();
    let a = akimat(AKIMAT, DEPT, o.clock.clone());
    let stick = tempfile::tempdir().unwrap();
    let file = |n: &str| stick.path().join(n);
    let id = akimat_to_package(&a);

    // The akimat has no network: a package on the stick.
    let e1 = a.desk.exchange_export(None, &file("a1.json")).unwrap();
    assert_eq!((e1.to.as_str(), e1.seq, e1.messages), (DEPT, 1, 1));
    o.clock.advance(Duration::days(3));
    let i1 = o
        .desk
        .exchange_import(&std::fs::read(file("a1.json")).unwrap())
        .unwrap();
    assert_eq!((i1.applied, i1.duplicates, i1.rejected), (1, 0, 0));
    let did = department_id(&o.desk, &a, id);
    check_arrival(&o, &a, id, did);
    // The same package again: nothing applied twice.
    let again = o
        .desk
        .exchange_import(&std::fs::read(file("a1.json")).unwrap())
        .unwrap_err();
    assert_eq!(again.key(), "exchange-already");
    assert!(again.message(Lang::Kk).contains("бұрын қолданылған"));

    // The department works as usual; its notices and the signed result go back on the stick.
    decide_and_sign(&o, did);
    let d1 = o.desk.exchange_export(None, &file("d1.json")).unwrap();
    assert_eq!((d1.to.as_str(), d1.seq), (AKIMAT, 1));
    assert_eq!(
        d1.messages, 3,
        "received, in work, completed with the result"
    );
    let back = a
        .desk
        .exchange_import(&std::fs::read(file("d1.json")).unwrap())
        .unwrap();
    assert_eq!((back.applied, back.rejected), (3, 0));
    // The department applied the akimat's package 1: the akimat counts it as delivered.
    assert_eq!(back.acknowledged, 1);
    let link = a.desk.akimat_link(id).unwrap().unwrap();
    assert_eq!(link.department_status.as_deref(), Some("completed"));
    assert_eq!(
        link.department_number.as_deref(),
        Some(app(&o.desk, did).number.as_str())
    );
    assert!(link.heard_at.is_some());
    let result = a.desk.received_result(id).unwrap().unwrap();
    assert!(
        o.desk.verify_pdf(&result).unwrap().is_valid(),
        "the department's signed result arrives intact"
    );

    // The handover at the akimat as the window does it (the collector's form), with the
    // same checks as at the department; the department must hear of it.
    let t = Target::id(id);
    assert!(a.desk.akimat_handover(&a.clerk, t, "123").is_err());
    a.desk
        .issue_to(
            &a.clerk,
            t,
            &mio_desk::desk::handover::Collector::applicant(CITIZEN),
        )
        .unwrap();
    assert_eq!(app(&a.desk, id).status, Status::Issued);
    // The window's "write a package" (the clerk may; the akim's executor may not).
    assert!(
        a.desk
            .exchange_export_as(&a.executor, None, &file("no.json"))
            .is_err()
    );
    let e2 = a
        .desk
        .exchange_export_as(&a.clerk, None, &file("a2.json"))
        .unwrap();
    assert_eq!(
        (e2.seq, e2.messages),
        (2, 1),
        "only the handover is still unconfirmed"
    );
    let i2 = o
        .desk
        .exchange_import_as(&o.head, &file("a2.json"))
        .unwrap();
    assert_eq!(i2.applied, 1);
    assert_eq!(
        i2.acknowledged, 3,
        "the akimat applied the department's notices"
    );
    let done = app(&o.desk, did);
    assert_eq!(done.status, Status::Issued);
    assert_eq!(
        done.collector_iin.map(|i| i.as_string()).as_deref(),
        Some(CITIZEN)
    );
    // Everything for the akimat is acknowledged: a new package would carry nothing.
    let last = o
        .desk
        .exchange_export(Some(AKIMAT), &file("d2.json"))
        .unwrap();
    assert_eq!((last.seq, last.messages), (2, 0));
}

/// A package written by hand (for the hostile cases the program itself never writes).
fn forged(from: &str, kind: &str, to: &str, seq: i64, ack: i64, key: &[u8]) -> Vec<u8> {
    package::seal(
        &Body {
            format: package::FORMAT.into(),
            version: package::VERSION,
            from: Party {
                code: from.into(),
                kind: kind.into(),
                name_kk: String::new(),
                name_ru: String::new(),
            },
            to: to.into(),
            seq,
            ack,
            created_at: "2026-11-16T05:00:00Z".into(),
            messages: vec![],
        },
        key,
    )
    .unwrap()
}

fn refused(d: &Desk, bytes: &[u8]) -> (String, String, String) {
    let e = d.exchange_import(bytes).unwrap_err();
    (e.key(), e.message(Lang::Kk), e.message(Lang::Ru))
}

fn hostile_packages_are_refused_with_a_clear_message_and_nothing_applied() {
    let o = dept();
    let a = akimat(AKIMAT, DEPT, o.clock.clone());
    let stick = tempfile::tempdir().unwrap();
    let path = |n: &str| stick.path().join(n);
    let id = akimat_to_package(&a);
    a.desk.exchange_export(None, &path("a1.json")).unwrap();
    let a1 = std::fs::read(path("a1.json")).unwrap();

    // Cut short (the stick pulled out mid-copy).
    let (k, kk, ru) = refused(&o.desk, &a1[..a1.len() * 2 / 3]);
    assert_eq!(k, "exchange-damaged");
    assert!(
        ru.contains("неполный") && kk.contains("толық емес"),
        "{ru} / {kk}"
    );

    // Edited: the applicant's ИИН changed inside the body, the signature kept.
    let mut sealed: Value = serde_json::from_slice(&a1).unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let body = String::from_utf8(b64.decode(sealed["body"].as_str().unwrap()).unwrap()).unwrap();
    assert!(body.contains(CITIZEN));
    let body = body.replace(CITIZEN, "850315300129");
    sealed["body"] = b64.encode(body.as_bytes()).into();
    let (k, _, ru) = refused(&o.desk, &serde_json::to_vec(&sealed).unwrap());
    assert_eq!(k, "exchange-edited");
    assert!(ru.contains("изменен"), "{ru}");

    // Addressed to another department.
    let stranger = akimat("AK09", "0413", o.clock.clone());
    akimat_to_package(&stranger);
    stranger
        .desk
        .exchange_export(None, &path("x.json"))
        .unwrap();
    let (k, _, ru) = refused(&o.desk, &std::fs::read(path("x.json")).unwrap());
    assert_eq!(k, "exchange-not-for-us");
    assert!(ru.contains("0413") && ru.contains(DEPT), "{ru}");

    // Nothing of the above was applied.
    assert!(
        o.desk
            .store()
            .read(|r| apps::by_external_id(
                r,
                &a.desk
                    .akimat_link(id)
                    .unwrap()
                    .unwrap()
                    .package_message_id
                    .unwrap()
            ))
            .unwrap()
            .is_none()
    );

    // The real one, then the same akimat's code with another installation's key.
    o.desk.exchange_import(&a1).unwrap();
    let (k, _, ru) = refused(
        &o.desk,
        &forged(AKIMAT, "akimat", DEPT, 2, 0, &package::new_key()),
    );
    assert_eq!(k, "exchange-other-key");
    assert!(ru.contains(AKIMAT), "{ru}");

    // Older than what was applied: packages 2 and 3, applied 3 then 2.
    a.desk.exchange_export(None, &path("a2.json")).unwrap();
    a.desk.exchange_export(None, &path("a3.json")).unwrap();
    o.desk
        .exchange_import(&std::fs::read(path("a3.json")).unwrap())
        .unwrap();
    let (k, _, ru) = refused(&o.desk, &std::fs::read(path("a2.json")).unwrap());
    assert_eq!(k, "exchange-older");
    assert!(ru.contains('2') && ru.contains('3'), "{ru}");

    // Out of order: it claims to answer a package of ours never written.
    let (k, _, _) = refused(
        &a.desk,
        &forged(DEPT, "department", AKIMAT, 1, 7, &package::new_key()),
    );
    assert_eq!(k, "exchange-out-of-order");

    // At the akimat: a package from another department.
    let (k, kk, _) = refused(
        &a.desk,
        &forged("0413", "department", AKIMAT, 1, 0, &package::new_key()),
    );
    assert_eq!(k, "exchange-foreign-department");
    assert!(kk.contains("0413"), "{kk}");

    // An akimat cannot hand over before the result came.
    let e = a
        .desk
        .akimat_handover(&a.clerk, Target::id(id), CITIZEN)
        .unwrap_err();
    assert_eq!(e.key(), "lifecycle-awaiting-result");
    assert!(e.message(Lang::Ru).contains("ещё не поступил"), "{e:?}");

    // Only one application at the department, once.
    let n = o
        .desk
        .store()
        .read(|r| {
            mio_desk::store::Db::query_one(r, "SELECT count(*) FROM applications", &[])?
                .get::<i64>(0)
        })
        .unwrap();
    assert_eq!(n, 1);
}

async fn sync(desk: &Arc<Desk>, url: &str, token: &str) -> mio_desk::sync::engine::Report {
    exchange(
        desk.clone(),
        &Client::new(url, token),
        &SyncOptions::default(),
    )
    .await
}

/// The regional gateway on loopback, on a SQLite file or on a PostgreSQL database of its own
/// (a region's), with a line to it the test can take down; the department, its akimat and
/// another akimat of the same department are its clients.
struct Net {
    gw: net::Gateway,
    proxy: net::Proxy,
    tokens: std::collections::BTreeMap<&'static str, String>,
    pg: Option<mio_desk::store::testing::TestDb>,
    _dir: tempfile::TempDir,
}

const STRANGER: &str = "AK09";

impl Net {
    /// `None` when no PostgreSQL server answers (never under `CI=true`, where that fails).
    async fn start_on(postgres: bool) -> Option<Net> {
        let dir = tempfile::tempdir().unwrap();
        let (db, pg) = if postgres {
            let pg = tokio::task::block_in_place(mio_desk::store::testing::TestDb::empty)?;
            (GatewayDb::parse(&pg.url).unwrap(), Some(pg))
        } else {
            (GatewayDb::File(dir.path().join("gateway.sqlite")), None)
        };
        let mut tokens = std::collections::BTreeMap::new();
        for c in [DEPT, AKIMAT, STRANGER] {
            let t = tokio::task::block_in_place(|| mio_desk::gateway::add_client(&db, c));
            tokens.insert(c, t.unwrap());
        }
        let gw = net::Gateway::start(&db).await;
        let proxy = net::Proxy::start(gw.addr).await;
        Some(Net {
            gw,
            proxy,
            tokens,
            pg,
            _dir: dir,
        })
    }

    fn url(&self) -> String {
        self.proxy.url()
    }

    async fn finish(mut self) {
        self.gw.stop().await;
    }
}

/// The test database goes with the net, off the async threads.
impl Drop for Net {
    fn drop(&mut self) {
        if let Some(pg) = self.pg.take() {
            tokio::task::block_in_place(move || drop(pg));
        }
    }
}

// Through the gateway on SQLite (one PC's rehearsal) and on PostgreSQL (a region's).
on_both_gateways!(
    round_trip_through_a_gateway_that_is_down_for_part_of_the_run,
    a_withdrawal_after_sending_reaches_the_department_once_by_gateway_or_package,
);

async fn round_trip_through_a_gateway_that_is_down_for_part_of_the_run(n: Net) {
    let o = dept();
    let a = akimat(AKIMAT, DEPT, o.clock.clone());
    let (url, proxy) = (n.url(), &n.proxy);
    let (dept_token, akimat_token) = (n.tokens[DEPT].clone(), n.tokens[AKIMAT].clone());

    // The gateway is away while the akim signs: the package waits in the outbox.
    proxy.set_down(true);
    let id = akimat_to_package(&a);
    let r = sync(&a.desk, &url, &akimat_token).await;
    assert_eq!(r.sent, 0);
    assert!(r.retry_later >= 1, "{r:?}");
    assert_eq!(a.desk.gateway_status().pending, 1);

    // A day later the network is back: sent once, in order.
    o.clock.advance(Duration::days(1));
    proxy.set_down(false);
    let r = sync(&a.desk, &url, &akimat_token).await;
    assert_eq!(r.sent, 1, "{r:?}");
    // The operator sees the package waiting for the department, and the akimat heard from.
    let st = n.gw.with_store(|g| g.status()).unwrap();
    let of = |c: &str| st.iter().find(|s| s.client == c).unwrap().clone();
    assert_eq!(of(DEPT).queue_depth, 1);
    assert!(of(DEPT).oldest_undelivered.is_some());
    assert!(
        of(DEPT).last_contact.is_none(),
        "the department has not polled yet"
    );
    assert!(of(AKIMAT).last_contact.is_some());
    let r = sync(&o.desk, &url, &dept_token).await;
    assert_eq!((r.received, r.applied, r.rejected), (1, 1, 0), "{r:?}");
    let st = n.gw.with_store(|g| g.status()).unwrap();
    assert_eq!(st.iter().find(|s| s.client == DEPT).unwrap().queue_depth, 0);
    let did = department_id(&o.desk, &a, id);
    check_arrival(&o, &a, id, did);

    // The department decides and signs; the gateway is down again while it sends.
    decide_and_sign(&o, did);
    proxy.set_down(true);
    let r = sync(&o.desk, &url, &dept_token).await;
    assert_eq!(r.sent, 0);
    o.clock.advance(Duration::hours(2));
    proxy.set_down(false);
    let r = sync(&o.desk, &url, &dept_token).await;
    assert_eq!(r.sent, 3, "{r:?}");
    let r = sync(&a.desk, &url, &akimat_token).await;
    assert_eq!((r.received, r.applied, r.rejected), (3, 3, 0), "{r:?}");
    let link = a.desk.akimat_link(id).unwrap().unwrap();
    assert_eq!(link.department_status.as_deref(), Some("completed"));
    assert!(a.desk.received_result(id).unwrap().is_some());

    // The handover travels back as "issued".
    a.desk
        .akimat_handover(&a.clerk, Target::id(id), CITIZEN)
        .unwrap();
    let r = sync(&a.desk, &url, &akimat_token).await;
    assert_eq!(r.sent, 1, "{r:?}");
    let r = sync(&o.desk, &url, &dept_token).await;
    assert_eq!(r.applied, 1, "{r:?}");
    assert_eq!(app(&o.desk, did).status, Status::Issued);
    // Nothing twice: exchanging again changes nothing.
    let r = sync(&o.desk, &url, &dept_token).await;
    assert_eq!((r.received, r.sent), (0, 0), "{r:?}");
    // The same messages by package as well (the stick arrives late): applied once.
    let stick = tempfile::tempdir().unwrap();
    let f = stick.path().join("late.json");
    let e = a.desk.exchange_export(None, &f).unwrap();
    assert_eq!(e.messages, 0, "the gateway delivered everything");
    n.finish().await;
}

const REASON: &str = "азамат бас тартты";

/// How many times the department recorded a withdrawal of this application.
fn withdrawals(o: &Dept, id: i64) -> usize {
    o.desk
        .application(&o.head, id)
        .unwrap()
        .history
        .iter()
        .filter(|h| h.action == "withdraw")
        .count()
}

/// The citizen withdraws at the akimat after the akim signed (the package has left): the case
/// file offered it, the akimat's application is withdrawn, and the withdrawal reaches the
/// department through the gateway; the same withdrawal on a stick that arrives later is not
/// applied again. Another akimat of the department cannot withdraw this akimat's package.
async fn a_withdrawal_after_sending_reaches_the_department_once_by_gateway_or_package(n: Net) {
    let o = dept();
    let a = akimat(AKIMAT, DEPT, o.clock.clone());
    let url = n.url();
    let id = akimat_to_package(&a);
    // Sent: the case file offers the withdrawal, and no handover before a result is back.
    let v = a.desk.application(&a.clerk, id).unwrap();
    assert_eq!(v.app.status, Status::Signed);
    assert_eq!(v.allowed, vec![Action::Withdraw]);
    assert_eq!(sync(&a.desk, &url, &n.tokens[AKIMAT]).await.sent, 1);
    let r = sync(&o.desk, &url, &n.tokens[DEPT]).await;
    assert_eq!(r.applied, 1, "{r:?}");
    let did = department_id(&o.desk, &a, id);
    o.desk
        .assign(&o.head, Target::id(did), o.executor.user_id, "Қарау")
        .unwrap();

    // Another akimat of the same department names this package: the gateway refuses it.
    let pkg = a.desk.akimat_link(id).unwrap().unwrap().package_message_id;
    let pkg = pkg.unwrap();
    let forged = mio_desk::sync::withdraw(
        &Client::new(&url, &n.tokens[STRANGER]),
        DEPT,
        &pkg,
        "жалған",
    )
    .await
    .unwrap_err();
    assert!(
        forged.contains("403") && forged.contains("not party"),
        "{forged}"
    );

    // The withdrawal, with the reason, in the akimat's one transaction.
    let e = a
        .desk
        .withdraw(Some(&a.clerk), Target::id(id), " ")
        .unwrap_err();
    assert!(e.message(Lang::Kk).len() > 5, "{e:?}");
    assert_eq!(
        app(&a.desk, id).status,
        Status::Signed,
        "nothing half-written"
    );
    a.desk
        .withdraw(Some(&a.clerk), Target::id(id), REASON)
        .unwrap();
    assert_eq!(app(&a.desk, id).status, Status::Withdrawn);
    assert_eq!(a.desk.gateway_status().pending, 1);
    // A stick written while it waits carries it too.
    let stick = tempfile::tempdir().unwrap();
    let f = stick.path().join("a1.json");
    assert_eq!(a.desk.exchange_export(None, &f).unwrap().messages, 1);

    // The gateway goes first.
    assert_eq!(sync(&a.desk, &url, &n.tokens[AKIMAT]).await.sent, 1);
    let r = sync(&o.desk, &url, &n.tokens[DEPT]).await;
    assert_eq!((r.received, r.applied, r.conflicts), (1, 1, 0), "{r:?}");
    let theirs = app(&o.desk, did);
    assert_eq!(theirs.status, Status::Withdrawn);
    assert_eq!(theirs.withdraw_reason.as_deref(), Some(REASON));
    // The stick arrives later: nothing applied twice.
    let i = o.desk.exchange_import(&std::fs::read(&f).unwrap()).unwrap();
    assert_eq!((i.applied, i.duplicates, i.rejected), (0, 1, 0), "{i:?}");
    assert_eq!(withdrawals(&o, did), 1);
    assert!(o.desk.conflicts(&o.head).unwrap().is_empty());
    n.finish().await;
}

/// A package written by hand (`from` of `kind` to `to`, its first, acknowledging `ack`) that
/// carries one withdrawal naming `package`: the program never writes one for another's package,
/// nor a department one to an akimat.
fn forged_withdrawal(from: &str, kind: &str, to: &str, ack: i64, package: &str) -> Vec<u8> {
    package::seal(
        &Body {
            format: package::FORMAT.into(),
            version: package::VERSION,
            from: Party {
                code: from.into(),
                kind: kind.into(),
                name_kk: String::new(),
                name_ru: String::new(),
            },
            to: to.into(),
            seq: 1,
            ack,
            created_at: "2026-11-17T05:00:00Z".into(),
            messages: vec![PackedMessage {
                message_id: uuid::Uuid::now_v7().to_string(),
                message_type: "UPDATE".into(),
                correlation_id: Some(package.into()),
                created_at: "2026-11-17T05:00:00Z".into(),
                data: json!({"type": "withdraw", "recipient": to, "correlationId": package,
                             "reason": "жалған"}),
                files: vec![],
            }],
        },
        &package::new_key(),
    )
    .unwrap()
}

fn a_withdrawal_after_sending_reaches_the_department_by_package_once() {
    let o = dept();
    let a = akimat(AKIMAT, DEPT, o.clock.clone());
    let stick = tempfile::tempdir().unwrap();
    let file = |n: &str| stick.path().join(n);
    let id = akimat_to_package(&a);
    a.desk.exchange_export(None, &file("a1.json")).unwrap();
    o.desk
        .exchange_import(&std::fs::read(file("a1.json")).unwrap())
        .unwrap();
    let did = department_id(&o.desk, &a, id);

    // Another akimat's package naming this one: a conflict for the head, nothing withdrawn.
    let pkg = a.desk.akimat_link(id).unwrap().unwrap().package_message_id;
    let i = o
        .desk
        .exchange_import(&forged_withdrawal(
            "AK09",
            "akimat",
            DEPT,
            0,
            pkg.as_ref().unwrap(),
        ))
        .unwrap();
    assert_eq!(i.rejected, 0, "{i:?}");
    assert_eq!(app(&o.desk, did).status, Status::Registered);
    let c = o.desk.conflicts(&o.head).unwrap();
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].kind, "foreign_withdrawal");
    assert!(c[0].detail.contains("AK09"), "{}", c[0].detail);

    // The citizen withdraws at the akimat; the next stick carries the withdrawal (and the
    // package again: the department has not acknowledged it yet).
    a.desk
        .withdraw(Some(&a.clerk), Target::id(id), REASON)
        .unwrap();
    let e = a.desk.exchange_export(None, &file("a2.json")).unwrap();
    assert_eq!((e.seq, e.messages), (2, 2));
    let i = o
        .desk
        .exchange_import(&std::fs::read(file("a2.json")).unwrap())
        .unwrap();
    assert_eq!((i.applied, i.duplicates, i.rejected), (1, 1, 0), "{i:?}");
    let theirs = app(&o.desk, did);
    assert_eq!(theirs.status, Status::Withdrawn);
    assert_eq!(theirs.withdraw_reason.as_deref(), Some(REASON));
    assert_eq!(withdrawals(&o, did), 1);
    // The same stick again is refused whole.
    let again = o
        .desk
        .exchange_import(&std::fs::read(file("a2.json")).unwrap())
        .unwrap_err();
    assert_eq!(again.key(), "exchange-already");
    assert_eq!(withdrawals(&o, did), 1);
    // A withdrawal addressed to an akimat is refused there: only the department that holds
    // the application applies one.
    let at_akimat = forged_withdrawal(DEPT, "department", AKIMAT, 2, pkg.as_ref().unwrap());
    let i = a.desk.exchange_import(&at_akimat).unwrap();
    assert_eq!((i.applied, i.rejected), (0, 1), "{i:?}");
}

/// The head signed before the withdrawal arrived: at the department a `late_withdrawal`
/// conflict, the state stands. The signed result still comes back to the akimat: kept and
/// printable, shown as arrived after the withdrawal, never handed over.
fn a_late_withdrawal_is_a_conflict_and_its_result_is_kept_not_handed_over() {
    let o = dept();
    let a = akimat(AKIMAT, DEPT, o.clock.clone());
    let stick = tempfile::tempdir().unwrap();
    let file = |n: &str| stick.path().join(n);
    let id = akimat_to_package(&a);
    a.desk.exchange_export(None, &file("a1.json")).unwrap();
    o.desk
        .exchange_import(&std::fs::read(file("a1.json")).unwrap())
        .unwrap();
    let did = department_id(&o.desk, &a, id);
    decide_and_sign(&o, did);
    // The result is on its way back (a stick not yet carried) when the citizen withdraws.
    o.desk.exchange_export(None, &file("d1.json")).unwrap();
    a.desk
        .withdraw(Some(&a.clerk), Target::id(id), REASON)
        .unwrap();
    a.desk.exchange_export(None, &file("a2.json")).unwrap();
    let i = o
        .desk
        .exchange_import(&std::fs::read(file("a2.json")).unwrap())
        .unwrap();
    assert_eq!((i.applied, i.duplicates), (1, 1), "{i:?}");
    let theirs = app(&o.desk, did);
    assert_eq!(theirs.status, Status::Signed, "the state stands");
    assert_eq!(withdrawals(&o, did), 0);
    let c = o.desk.conflicts(&o.head).unwrap();
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].kind, "late_withdrawal");
    assert_eq!(c[0].application_id, Some(did));

    // The result arrives at the akimat after the withdrawal.
    let back = a
        .desk
        .exchange_import(&std::fs::read(file("d1.json")).unwrap())
        .unwrap();
    assert_eq!((back.applied, back.rejected), (3, 0), "{back:?}");
    assert_eq!(app(&a.desk, id).status, Status::Withdrawn);
    let result = a.desk.received_result(id).unwrap().expect("kept");
    assert!(o.desk.verify_pdf(&result).unwrap().is_valid());
    let link = a.desk.akimat_link(id).unwrap().unwrap();
    assert_eq!(link.department_status.as_deref(), Some("completed"));
    assert!(link.result_number.is_some());
    // Nothing to hand over: the window offers no step, and the desk says why.
    let v = a.desk.application(&a.clerk, id).unwrap();
    assert!(v.allowed.is_empty(), "{:?}", v.allowed);
    let e = a
        .desk
        .akimat_handover(&a.clerk, Target::id(id), CITIZEN)
        .unwrap_err();
    assert_eq!(e.key(), "lifecycle-result-after-withdrawal");
    assert!(
        e.message(Lang::Kk)
            .contains("кері қайтарып алынғаннан кейін")
    );
    assert!(e.message(Lang::Ru).contains("после отзыва"));
    let e = a.desk.issue(&a.clerk, Target::id(id), CITIZEN).unwrap_err();
    assert_eq!(e.key(), "lifecycle-result-after-withdrawal");
    assert_eq!(app(&a.desk, id).status, Status::Withdrawn);
    // The paper stays printable from the case file.
    let number = app(&a.desk, id).number;
    assert!(
        a.desk
            .document_pdf(&a.clerk, &number, Some("result"), Langs::Both)
            .is_ok()
    );
}

/// The command line an operator uses: `init --kind akimat`, `exchange export` / `import`.
#[test]
fn the_command_line_sets_up_an_akimat_and_carries_packages() {
    use clap::Parser;
    use mio_desk::cli::{Cli, run};
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("akimat");
    let d = data.to_str().unwrap();
    let cli = |args: &[&str]| {
        let mut all = vec!["mio-desk", "--data-dir", d];
        all.extend_from_slice(args);
        run(Cli::try_parse_from(all).unwrap())
    };
    let init = [
        "init",
        "--office-code",
        "AK02",
        "--office-name-kk",
        "Жаңаауыл ауылдық округі әкімінің аппараты",
        "--office-name-ru",
        "Аппарат акима Жанаульского сельского округа",
        "--workstation",
        "01",
        "--kind",
        "akimat",
    ];
    // An akimat must name its department; nothing is set up without it.
    assert_eq!(cli(&init), 1);
    assert!(!mio_desk::desk::DataDir::new(&data).is_initialized());
    let mut with_department = init.to_vec();
    with_department.extend_from_slice(&["--department", DEPT]);
    assert_eq!(cli(&with_department), 0);
    let desk = Desk::open(
        mio_desk::desk::DataDir::new(&data),
        Arc::new(ManualClock::new(chrono::Utc::now())),
        Options::default(),
    )
    .unwrap();
    assert!(desk.is_akimat());
    assert_eq!(desk.department().unwrap().code, DEPT);
    drop(desk);
    // A package with nothing waiting still carries the numbering; a cut one is refused.
    let pkg = root.path().join("p.json");
    let p = pkg.to_str().unwrap();
    assert_eq!(cli(&["exchange", "export", "--out", p]), 0);
    let bytes = std::fs::read(&pkg).unwrap();
    let (body, _) = package::open(&bytes).unwrap();
    assert_eq!(
        (body.from.code.as_str(), body.to.as_str(), body.seq),
        ("AK02", DEPT, 1)
    );
    std::fs::write(&pkg, &bytes[..bytes.len() - 40]).unwrap();
    assert_eq!(cli(&["exchange", "import", p]), 1);
    // A department does not take the --department flag.
    let other = root.path().join("dept");
    let o = other.to_str().unwrap();
    let args = [
        "mio-desk",
        "--data-dir",
        o,
        "init",
        "--office-code",
        "0499",
        "--office-name-kk",
        "Бөлім",
        "--office-name-ru",
        "Отдел",
        "--workstation",
        "01",
        "--department",
        DEPT,
    ];
    assert_eq!(run(Cli::try_parse_from(args).unwrap()), 1);
}

/// The seeds' step norms at the akimat, each from the moment its step began (for the fuel
/// assistance: the akim's resolution in 1 working day, the cover letter in 2, the akim's
/// signature in 1); shown on the
/// akimat's queue lines (red once run out), gone once the package has left, never at the
/// department.
#[test]
fn the_akimats_queue_shows_each_steps_own_norm() {
    use mio_desk::domain::catalog::StepActor;
    use mio_desk::domain::deadline::TimeLeft;
    use mio_desk::store::queue::{Query, Tab};
    let o = dept();
    let a = akimat(AKIMAT, DEPT, o.clock.clone());
    let line = |id: i64| {
        let page = a
            .desk
            .queue(
                &a.clerk,
                Query {
                    tab: Some(Tab::All),
                    ..Default::default()
                },
            )
            .unwrap();
        let row = page.rows.into_iter().find(|r| r.id == id).unwrap();
        a.desk.akimat_step(&row)
    };
    let cal = a.desk.calendar();
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    // Monday 16 Nov 2026, 10:00 local: the specialist registers.
    assert_eq!(a.desk.today(), day(16));
    let r = register_at_akimat(&a);
    let s = line(r.id).expect("the akim's resolution is due");
    assert_eq!((s.actor, s.norm, s.due), (StepActor::Akim, 1, day(17)));
    assert_eq!(s.left, TimeLeft::Days { working_days: 1 });
    // Two working days later the resolution is overdue.
    o.clock.advance(Duration::days(2));
    let s = line(r.id).unwrap();
    assert_eq!(s.left, TimeLeft::Overdue { working_days: 1 });
    // Wednesday 18 Nov: the akim names the executor; the cover letter has 8 working days from
    // now, not from the acceptance.
    let t = Target::id(r.id);
    a.desk
        .akim_resolution(
            &a.akim,
            t,
            a.executor.user_id,
            "Қарап, ілеспе хат дайындаңыз",
        )
        .unwrap();
    let s = line(r.id).unwrap();
    assert_eq!(s.actor, StepActor::AkimExecutor);
    // This service's regulation gives the cover letter 2 working days (seed 003, regulation 9).
    assert_eq!(s.norm, 2);
    assert_eq!(s.due, cal.add_working_days(day(18), 2));
    assert_eq!(s.left, TimeLeft::Days { working_days: 2 });
    o.clock.advance(Duration::days(1));
    a.desk.cover_letter_ready(&a.executor, t).unwrap();
    let s = line(r.id).unwrap();
    assert_eq!((s.actor, s.due), (StepActor::Akim, day(20)));
    a.desk.sign(&a.akim, t, &a.key, PIN).unwrap();
    assert_eq!(
        line(r.id),
        None,
        "the package has left: the department's term runs"
    );
    // At the department the akim's steps are not shown.
    let page = o
        .desk
        .queue(
            &o.head,
            Query {
                tab: Some(Tab::All),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(page.rows.iter().all(|r| o.desk.akimat_step(r).is_none()));
}
