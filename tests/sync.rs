//! Issue 6 under faults: the real reference gateway runs in this process on 127.0.0.1:0, the
//! real exchange engine talks to it through a TCP proxy that refuses, cuts, loses and holds
//! requests, and a real desk does the clerk's work. After every fault the test checks that
//! each message took effect exactly once and that the office and the gateway count the same.
//!
//! Nothing here sleeps: time is the desk's `ManualClock`, and every exchange is called
//! explicitly.

mod common;
#[path = "common/net.rs"]
mod net;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use common::*;
use mio_desk::desk::exchange::{Applied, Inbound};
use mio_desk::desk::flow::Target;
use mio_desk::desk::intake::Registration;
use mio_desk::desk::{DataDir, Desk, ManualClock, Options as DeskOptions, Session};
use mio_desk::domain::iin::{Iin, Sex};
use mio_desk::domain::model::{Channel, Lang, Status};
use mio_desk::gateway::store::GatewayDb;
use mio_desk::store::queue::{Query, Row, Tab};
use mio_desk::sync::Submission;
use mio_desk::sync::client::Client;
use mio_desk::sync::engine::{Options, Report, exchange};
use mio_desk::sync::protocol::{Delivery, Envelope, MessageType};
use net::{Fault, Gateway, Proxy};
use serde_json::{Value, json};

const OFFICE: &str = "0412";
const CON: &str = "con-0412";
const PORTAL: &str = "portal";
const OTHER: &str = "0413";

// ---------------------------------------------------------------------------------------
// The office

struct Site {
    data: PathBuf,
    desk: Option<Arc<Desk>>,
    clock: Arc<ManualClock>,
    registrar: Session,
    head: Session,
    executor: Session,
    key: Vec<u8>,
    _dir: tempfile::TempDir,
}

fn site() -> Site {
    let o = office();
    Site {
        data: o.dir.path().join("data"),
        desk: Some(Arc::new(o.desk)),
        clock: o.clock,
        registrar: o.registrar,
        head: o.head,
        executor: o.executor,
        key: o.key,
        _dir: o.dir,
    }
}

impl Site {
    fn desk(&self) -> &Arc<Desk> {
        self.desk.as_ref().unwrap()
    }

    /// The workstation dies: its desk is dropped with whatever it was doing, and the program
    /// starts again from the same data directory.
    fn kill_and_reopen(&mut self) {
        let old = self.desk.take().unwrap();
        assert_eq!(
            Arc::strong_count(&old),
            1,
            "something still holds the old desk"
        );
        drop(old);
        let desk = Desk::open(
            DataDir::new(&self.data),
            self.clock.clone(),
            DeskOptions {
                fast_password_hashing: true,
            },
        )
        .unwrap();
        self.desk = Some(Arc::new(desk));
    }

    /// Past any backoff the outbox may be waiting out.
    fn later(&self) {
        self.clock.advance(Duration::hours(1));
    }

    fn apps(&self) -> Vec<Row> {
        self.desk()
            .queue(
                &self.registrar,
                Query {
                    tab: Some(Tab::All),
                    limit: 500,
                    ..Default::default()
                },
            )
            .unwrap()
            .rows
    }

    fn app_of_request(&self, message_id: &str) -> Option<mio_desk::store::apps::Application> {
        self.desk()
            .store()
            .read(|r| mio_desk::store::apps::by_external_id(r, message_id))
            .unwrap()
    }

    fn inbox_counts(&self) -> BTreeMap<String, i64> {
        self.desk().inbox_counts().unwrap().into_iter().collect()
    }

    fn inbox_row(&self, message_id: &str) -> Option<mio_desk::store::inbox::InboxRow> {
        self.desk()
            .store()
            .read(|r| mio_desk::store::inbox::get(r, message_id))
            .unwrap()
    }

    /// Takes an application from the queue to a signed result (head, executor, head).
    fn work_through(&self, id: i64, sign: bool) {
        let t = Target::id(id);
        let d = self.desk();
        d.assign(&self.head, t, self.executor.user_id, "Қарау")
            .unwrap();
        d.submit_draft(&self.executor, t, &unemployed_decision())
            .unwrap();
        if sign {
            d.sign(&self.head, t, &self.key, PIN).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------
// The gateway and the lines to it

struct Net {
    gw: Gateway,
    /// The gateway's database on the test server (a run on PostgreSQL).
    pg: Option<mio_desk::store::testing::TestDb>,
    /// The office's line to the gateway: the faults happen here.
    line: Proxy,
    /// ЦОН, the portal and other offices reach the gateway this way.
    side: Proxy,
    tokens: BTreeMap<&'static str, String>,
    _dir: tempfile::TempDir,
}

impl Net {
    /// A gateway on a SQLite file.
    async fn start() -> Net {
        Net::start_on(false).await.expect("a gateway on SQLite")
    }

    /// A gateway on a PostgreSQL database of its own, or on a SQLite file; `None` when no
    /// PostgreSQL server answers (never under `CI=true`, where that fails).
    async fn start_on(postgres: bool) -> Option<Net> {
        let dir = tempfile::tempdir().unwrap();
        let (db, pg) = if postgres {
            let pg = tokio::task::block_in_place(mio_desk::store::testing::TestDb::empty)?;
            (GatewayDb::parse(&pg.url).unwrap(), Some(pg))
        } else {
            (GatewayDb::File(dir.path().join("gateway.sqlite")), None)
        };
        let mut tokens = BTreeMap::new();
        for c in [OFFICE, CON, PORTAL, OTHER] {
            let t = tokio::task::block_in_place(|| mio_desk::gateway::add_client(&db, c));
            tokens.insert(c, t.unwrap());
        }
        let gw = Gateway::start(&db).await;
        let line = Proxy::start(gw.addr).await;
        let side = Proxy::start(gw.addr).await;
        Some(Net {
            gw,
            pg,
            line,
            side,
            tokens,
            _dir: dir,
        })
    }

    /// Stops the gateway and drops its test database (off the async threads).
    async fn finish(mut self) {
        self.gw.stop().await;
        let pg = self.pg.take();
        tokio::task::block_in_place(move || drop(pg));
    }

    /// The office's client, through the faulty line.
    fn office(&self) -> Client {
        Client::new(&self.line.url(), &self.tokens[OFFICE])
    }

    fn client(&self, who: &str) -> Client {
        Client::new(&self.side.url(), &self.tokens[who])
    }

    async fn stop_gateway(&mut self) {
        self.gw.stop().await;
    }

    /// Starts the gateway again on the same database file (on a new port; the lines follow).
    async fn start_gateway(&mut self) {
        let db = self.gw.db.clone();
        self.gw = Gateway::start(&db).await;
        self.line.set_upstream(self.gw.addr);
        self.side.set_upstream(self.gw.addr);
    }

    async fn restart_gateway(&mut self) {
        self.stop_gateway().await;
        self.start_gateway().await;
    }
}

/// A net dropped without `finish` (a test body run by `on_both_gateways!`, or one that failed)
/// still drops its test database, off the async threads.
impl Drop for Net {
    fn drop(&mut self) {
        if let Some(pg) = self.pg.take() {
            tokio::task::block_in_place(move || drop(pg));
        }
    }
}

/// An exchange running on its own, for the test to interfere with.
fn spawn_sync(s: &Site, n: &Net) -> tokio::task::JoinHandle<Report> {
    let (desk, client) = (s.desk().clone(), n.office());
    tokio::spawn(async move { exchange(desk, &client, &Options::default()).await })
}

async fn sync(s: &Site, n: &Net) -> Report {
    sync_with(s, n, Options::default()).await
}

async fn sync_with(s: &Site, n: &Net, opts: Options) -> Report {
    exchange(s.desk().clone(), &n.office(), &opts).await
}

/// A distinct valid ИИН per number.
fn iin(i: u16) -> String {
    let birth = NaiveDate::from_ymd_opt(1985, 3, 15).unwrap();
    (i * 11..)
        .find_map(|serial| Iin::compose(birth, Sex::Female, serial))
        .unwrap()
        .as_string()
}

fn submission(iin: &str, attach: Vec<String>) -> Submission {
    Submission {
        office: OFFICE.into(),
        service: "unemployed_certificate".into(),
        iin: iin.into(),
        name: Some("Әбілқасымова Гүлшат Зиналбекқызы".into()),
        intake: Some(unemployed_intake()),
        attach,
    }
}

/// ЦОН sends an application without scans; its message id.
async fn con_submit(n: &Net, iin: &str) -> String {
    mio_desk::sync::submit(&n.client(CON), submission(iin, vec![]))
        .await
        .unwrap()
}

/// Everything routed to a client (notices and results), oldest first.
async fn inbox_of(n: &Net, who: &str) -> Vec<Delivery> {
    mio_desk::sync::inbox(&n.client(who)).await.unwrap()
}

/// The public statuses each request got back, in the order they arrived.
fn statuses(ds: &[Delivery]) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in ds {
        let e = &d.envelope;
        m.entry(e.correlation_id.clone().unwrap_or_default())
            .or_default()
            .push(e.data["status"].as_str().unwrap_or("").to_string());
    }
    m
}

/// Every message took effect exactly once, nothing is lost, and the office and the gateway
/// count the same: what the outbox delivered is what the gateway took from the office (same
/// ids, same order, no more, no fewer), and every message the gateway routed to the office
/// is recorded once in its inbox in the matching state, with one application per accepted
/// request.
fn assert_agree(s: &Site, n: &Net) {
    n.gw.with_store(|g| agree(s, g));
}

fn agree(s: &Site, g: &mio_desk::gateway::store::GatewayStore) {
    let desk = s.desk();
    // Outbox ↔ what the gateway took from the office.
    let mut out = desk.outbox_recent(1_000_000).unwrap();
    out.reverse();
    let delivered: Vec<&str> = out
        .iter()
        .filter(|m| m.state == "delivered")
        .map(|m| m.message_id.as_str())
        .collect();
    let sent = g.sent_by(OFFICE).unwrap();
    let at_gateway: Vec<&str> = sent.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(
        delivered, at_gateway,
        "the outbox and the gateway disagree on what the office sent (or on its order)"
    );
    let status = desk.gateway_status();
    assert_eq!(status.delivered as usize, delivered.len());
    assert_eq!(status.pending, 0, "messages left in the outbox");
    // The gateway's view of the office's inbox ↔ the office's inbox.
    let routed = g.all_for(OFFICE, 0, 100_000).unwrap();
    let mut requests = 0;
    for m in &routed {
        let row = s
            .inbox_row(&m.message_id)
            .unwrap_or_else(|| panic!("{} delivered but not in the inbox", m.message_id));
        match m.state.as_str() {
            "DELIVERED" => assert!(
                row.state == "applied" || row.state == "waiting",
                "{} is {} at the office",
                m.message_id,
                row.state
            ),
            "NOT_DELIVERED" => assert_eq!(row.state, "rejected", "{}", m.message_id),
            other => panic!("{} is still {other} at the gateway", m.message_id),
        }
        let env: Value = serde_json::from_str(&m.envelope).unwrap();
        if env["messageType"] == "REQUEST" && m.state == "DELIVERED" {
            requests += 1;
            let app = s
                .app_of_request(&m.message_id)
                .unwrap_or_else(|| panic!("request {} has no application", m.message_id));
            assert_eq!(app.origin.as_deref(), Some(m.sender.as_str()));
        }
    }
    let inbox_total: i64 = s.inbox_counts().values().sum();
    assert_eq!(inbox_total as usize, routed.len(), "inbox rows vs gateway");
    let from_gateway = s
        .apps()
        .iter()
        .filter(|a| matches!(a.channel, Channel::Con | Channel::Portal))
        .count();
    assert_eq!(from_gateway, requests, "applications vs accepted requests");
}

// ---------------------------------------------------------------------------------------
// 1. The gateway is down for the whole session

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_down_for_a_session_queues_everything_and_delivers_it_in_order_later() {
    down_for_a_session(Net::start().await).await;
}

/// The same through a gateway on PostgreSQL (a region's).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_on_postgres_down_for_a_session_delivers_everything_in_order_later() {
    if let Some(n) = Net::start_on(true).await {
        down_for_a_session(n).await;
    }
}

async fn down_for_a_session(mut n: Net) {
    let s = site();
    let mut requests = Vec::new();
    for i in 0..3 {
        requests.push(con_submit(&n, &iin(i)).await);
    }
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.applied), (3, 3), "{r:?}");
    let r = sync(&s, &n).await;
    assert_eq!(r.sent, 3, "the three «Поступившие» notices: {r:?}");

    // The gateway goes away; the office keeps working.
    n.stop_gateway().await;
    s.desk()
        .set_gateway_config(
            None,
            &mio_desk::desk::exchange::GatewayConfig {
                url: n.line.url(),
                token: n.tokens[OFFICE].clone(),
            },
        )
        .unwrap();
    let ids: Vec<i64> = requests
        .iter()
        .map(|m| s.app_of_request(m).unwrap().id)
        .collect();
    s.work_through(ids[0], true);
    s.work_through(ids[1], true);
    s.work_through(ids[2], false);
    s.desk()
        .issue(&s.registrar, Target::id(ids[0]), &iin(0))
        .unwrap();
    let st = s.desk().gateway_status();
    assert_eq!(st.pending, 5, "3 × «В работе» and 2 × «Исполнено»: {st:?}");
    let r = mio_desk::sync::run_once(s.desk().clone()).await.unwrap();
    assert_eq!((r.sent, r.retry_later, r.failed), (0, 1, 0), "{r:?}");
    assert!(!r.errors.is_empty());
    let st = s.desk().gateway_status();
    assert!(!st.online && st.last_error.is_some(), "{st:?}");
    assert_eq!((st.pending, st.failed), (5, 0));
    // More tries while it is down: the first message waits out its backoff, the others wait
    // behind it, nothing is lost or marked failed.
    for _ in 0..3 {
        s.clock.advance(Duration::minutes(2));
        mio_desk::sync::run_once(s.desk().clone()).await.unwrap();
    }
    assert_eq!(s.desk().gateway_status().pending, 5);
    assert_eq!(n.gw.with_store(|g| g.sent_by(OFFICE).unwrap().len()), 3);

    // The gateway is back on the same database. Until the backoff is over nothing goes, and
    // nothing overtakes the first message.
    n.start_gateway().await;
    let r = sync(&s, &n).await;
    assert_eq!(r.sent, 0, "{r:?}");
    assert_eq!(n.gw.with_store(|g| g.sent_by(OFFICE).unwrap().len()), 3);
    s.later();
    let r = mio_desk::sync::run_once(s.desk().clone()).await.unwrap();
    assert_eq!((r.sent, r.failed), (5, 0), "{r:?}");
    assert!(r.errors.is_empty(), "{r:?}");
    let st = s.desk().gateway_status();
    assert!(st.online && st.last_error.is_none(), "{st:?}");

    // ЦОН sees each application's notices once, in order.
    let got = statuses(&inbox_of(&n, CON).await);
    assert_eq!(got[&requests[0]], ["received", "in_work", "completed"]);
    assert_eq!(got[&requests[1]], ["received", "in_work", "completed"]);
    assert_eq!(got[&requests[2]], ["received", "in_work"]);
    assert_agree(&s, &n);
    n.finish().await;
}

// ---------------------------------------------------------------------------------------
// 2. The connection is cut in the middle of a request, and of a response

async fn connections_cut_mid_request_or_mid_response_lose_and_double_nothing(n: Net) {
    let s = site();
    let a = con_submit(&n, &iin(1)).await;
    let b = con_submit(&n, &iin(2)).await;

    // The pull's answer is cut half-way: nothing is applied.
    n.line.fault("GET", "/v1/messages", 1, Fault::CutResponse);
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.applied), (0, 0), "{r:?}");
    assert!(!r.errors.is_empty());
    assert!(s.inbox_counts().is_empty());
    // The pull itself is cut half-way.
    n.line.fault("GET", "/v1/messages", 1, Fault::CutRequest);
    let r = sync(&s, &n).await;
    assert_eq!(r.applied, 0, "{r:?}");
    // The acknowledgement is cut half-way: applied, not acknowledged; next time it is a
    // duplicate and only acknowledged.
    n.line
        .fault("POST", "/v1/messages/*/ack", 1, Fault::CutRequest);
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.applied), (1, 1), "{r:?}");
    assert_eq!(
        n.gw.with_store(|g| g.by_id(&a).unwrap().unwrap().state),
        "ON_DELIVERY"
    );
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.duplicates, r.applied), (1, 1, 1), "{r:?}");
    assert_eq!(s.apps().len(), 2);
    let sent = || n.gw.with_store(|g| g.sent_by(OFFICE).unwrap().len());
    assert_eq!(sent(), 1);

    // Sending: the next notice is cut half-way through its request; nothing reaches the
    // gateway.
    n.line.fault("POST", "/v1/messages", 1, Fault::CutRequest);
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.retry_later), (0, 1), "{r:?}");
    assert_eq!(sent(), 1);
    // Then the gateway takes it but the answer is cut half-way.
    s.later();
    n.line.fault("POST", "/v1/messages", 1, Fault::CutResponse);
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.retry_later), (0, 1), "{r:?}");
    assert_eq!(sent(), 2);
    s.later();
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.failed), (1, 0), "{r:?}");
    assert_eq!(sent(), 2, "the retry was the same message");

    // The signed paper's upload is cut half-way, then its answer is lost.
    let id = s.app_of_request(&a).unwrap().id;
    s.work_through(id, true);
    n.line.fault("PUT", "/v1/blobs/*", 1, Fault::CutRequest);
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.retry_later), (1, 1), "«В работе» went: {r:?}");
    assert_eq!(sent(), 3);
    s.later();
    n.line.fault("PUT", "/v1/blobs/*", 1, Fault::LoseResponse);
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.retry_later), (0, 1), "{r:?}");
    s.later();
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.failed), (1, 0), "{r:?}");
    assert_eq!(n.line.pending_faults(), 0);
    assert_eq!(sent(), 4);

    let got = inbox_of(&n, CON).await;
    assert_eq!(
        statuses(&got)[&a],
        ["received", "in_work", "completed"],
        "{got:?}"
    );
    assert_eq!(statuses(&got)[&b], ["received"]);
    let result = got
        .iter()
        .find(|d| d.envelope.data["status"] == "completed");
    let doc = &result.unwrap().envelope.data["document"];
    let pdf = n
        .client(CON)
        .download(doc["sha256"].as_str().unwrap())
        .await
        .unwrap();
    assert!(s.desk().verify_pdf(&pdf).unwrap().is_valid());
    assert_agree(&s, &n);
}

// ---------------------------------------------------------------------------------------
// 3. The same message delivered twice

async fn the_same_message_twice_is_applied_once(n: Net) {
    let s = site();
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(con_submit(&n, &iin(10 + i)).await);
    }
    // Applied, never acknowledged: the gateway hands it over again.
    let r = sync_with(
        &s,
        &n,
        Options {
            stop_before_ack: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!((r.received, r.applied), (1, 1), "{r:?}");
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.duplicates, r.applied), (3, 1, 2), "{r:?}");
    assert_eq!(s.apps().len(), 3);

    // ЦОН sends the same envelope again: the gateway answers as the first time and keeps one.
    let con = n.client(CON);
    let mut env = mio_desk::sync::prepare(&con, submission(&iin(20), vec![]))
        .await
        .unwrap();
    let first = con.send(&env).await.unwrap();
    let again = con.send(&env).await.unwrap();
    assert_eq!(first, again);
    let total = n.gw.with_store(|g| g.counts().unwrap().total);
    // The same id with another body is refused.
    env.data["intake"]["period_from"] = json!(2024);
    env.sign(&n.tokens[CON]);
    let e = con.send(&env).await.unwrap_err();
    assert!(
        matches!(&e, mio_desk::sync::client::CallError::Permanent { status: 409, code, .. } if code == "DUPLICATE_ID"),
        "{e:?}"
    );
    assert_eq!(n.gw.with_store(|g| g.counts().unwrap().total), total);
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.applied), (1, 1), "{r:?}");

    // A gateway that replays a message under a new sequence number (restored from a backup,
    // say) changes nothing either.
    let stored = n.gw.with_store(|g| g.by_id(&ids[0]).unwrap().unwrap());
    let env: Envelope = serde_json::from_str(&stored.envelope).unwrap();
    let replay = Inbound {
        message_id: env.message_id.clone(),
        seq: stored.seq + 1000,
        sender: env.sender.sender_id.clone(),
        route_id: env.route_id.clone(),
        message_type: "REQUEST".into(),
        correlation_id: None,
        data: env.data.clone(),
        envelope: stored.envelope.clone(),
        files: vec![],
    };
    assert_eq!(s.desk().apply_inbound(&replay).unwrap(), Applied::Duplicate);
    assert_eq!(s.apps().len(), 4);
    sync(&s, &n).await;
    assert_eq!(
        n.gw.with_store(|g| g.sent_by(OFFICE).unwrap().len()),
        4,
        "one «Поступившие» per application"
    );
    let got = statuses(&inbox_of(&n, CON).await);
    assert!(got.values().all(|v| v == &["received"]), "{got:?}");
    assert_agree(&s, &n);
}

// ---------------------------------------------------------------------------------------
// 4. The answer is lost after the gateway committed

async fn a_lost_answer_is_asked_again_and_the_gateway_gives_the_stored_one(n: Net) {
    let s = site();
    let req = con_submit(&n, &iin(30)).await;
    sync(&s, &n).await;
    let pending = s.desk().outbox_due(10).unwrap();
    assert_eq!(pending.len(), 1);
    let notice = pending[0].message_id.clone();

    n.line.fault("POST", "/v1/messages", 1, Fault::LoseResponse);
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.retry_later), (0, 1), "{r:?}");
    let stored = n.gw.with_store(|g| g.by_id(&notice).unwrap());
    assert!(stored.is_some(), "the gateway committed it");
    assert_eq!(s.desk().gateway_status().pending, 1);
    let lost_answer = n
        .line
        .log()
        .into_iter()
        .find(|x| x.fault == Some(Fault::LoseResponse))
        .unwrap()
        .response_body;
    assert!(!lost_answer.is_empty());

    // Much later (the message keeps the moment it was made, so the retry is the very same
    // message, not a new one under a used id).
    s.clock.advance(Duration::hours(5));
    n.line.clear_log();
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.failed), (1, 0), "{r:?}");
    let retry = n
        .line
        .log()
        .into_iter()
        .find(|x| x.method == "POST" && x.path == "/v1/messages")
        .unwrap();
    assert_eq!(retry.status, Some(200));
    assert_eq!(
        retry.response_body, lost_answer,
        "the retry gets the stored answer"
    );
    assert_eq!(n.gw.with_store(|g| g.sent_by(OFFICE).unwrap().len()), 1);
    assert_eq!(statuses(&inbox_of(&n, CON).await)[&req], ["received"]);
    assert_agree(&s, &n);
}

// ---------------------------------------------------------------------------------------
// 5. Messages out of order

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_before_its_application_waits_and_then_applies() {
    let s = site();
    let n = Net::start().await;
    let portal = n.client(PORTAL);
    // The portal's withdrawal overtakes its application, and the office sees it alone.
    let app = mio_desk::sync::prepare(&portal, submission(&iin(40), vec![]))
        .await
        .unwrap();
    let w = mio_desk::sync::withdraw(&portal, OFFICE, &app.message_id, "передумала")
        .await
        .unwrap();
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.waiting, r.applied), (1, 1, 0), "{r:?}");
    assert_eq!(s.inbox_row(&w).unwrap().state, "waiting");
    assert_eq!(n.gw.store().by_id(&w).unwrap().unwrap().state, "DELIVERED");
    portal.send(&app).await.unwrap();
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.applied), (1, 1), "{r:?}");
    let a = s.app_of_request(&app.message_id).unwrap();
    assert_eq!(a.status, Status::Withdrawn);
    assert_eq!(a.withdraw_reason.as_deref(), Some("передумала"));
    assert_eq!(s.inbox_row(&w).unwrap().state, "applied");

    // Both in one batch, the withdrawal first.
    let app2 = mio_desk::sync::prepare(&portal, submission(&iin(41), vec![]))
        .await
        .unwrap();
    mio_desk::sync::withdraw(&portal, OFFICE, &app2.message_id, "ошиблась услугой")
        .await
        .unwrap();
    portal.send(&app2).await.unwrap();
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.waiting, r.applied), (2, 1, 1), "{r:?}");
    assert_eq!(
        s.app_of_request(&app2.message_id).unwrap().status,
        Status::Withdrawn
    );
    assert_eq!(
        s.inbox_counts(),
        BTreeMap::from([("applied".to_string(), 4i64)])
    );
    sync(&s, &n).await;
    assert_agree(&s, &n);
}

// ---------------------------------------------------------------------------------------
// 6. The workstation is killed during a sync

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workstation_killed_mid_sync_loses_and_doubles_nothing() {
    let mut s = site();
    let n = Net::start().await;
    for i in 0..3 {
        con_submit(&n, &iin(50 + i)).await;
    }
    // Killed after applying the first message, before acknowledging it.
    let r = sync_with(
        &s,
        &n,
        Options {
            stop_before_ack: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(r.applied, 1);
    s.kill_and_reopen();
    let r = sync(&s, &n).await;
    assert_eq!((r.duplicates, r.applied), (1, 2), "{r:?}");
    assert_eq!(s.apps().len(), 3);

    // Killed while sending: the gateway took the two notices still queued (one batch), the
    // office never heard.
    n.line
        .fault("POST", "/v1/messages/batch", 1, Fault::HoldResponse);
    let task = spawn_sync(&s, &n);
    let held = n.line.held().await;
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    held.cut();
    assert_eq!(n.gw.store().sent_by(OFFICE).unwrap().len(), 3);
    s.kill_and_reopen();
    s.clock.advance(Duration::minutes(3));
    let st = s.desk().gateway_status();
    assert_eq!((st.pending, st.delivered), (2, 1), "{st:?}");
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.failed), (2, 0), "{r:?}");
    assert_eq!(n.gw.store().sent_by(OFFICE).unwrap().len(), 3);
    let got = statuses(&inbox_of(&n, CON).await);
    assert!(got.values().all(|v| v == &["received"]), "{got:?}");
    assert_eq!(got.len(), 3);
    assert!(s.desk().verify_audit().unwrap().problem.is_none());
    assert_agree(&s, &n);
}

// ---------------------------------------------------------------------------------------
// 7. The gateway restarts between pull and ack

async fn a_gateway_restarted_between_pull_and_ack_still_gets_every_ack_once(mut n: Net) {
    let s = site();
    let a = con_submit(&n, &iin(60)).await;
    let b = con_submit(&n, &iin(61)).await;
    // The first ack waits while the gateway restarts, then reaches the new one.
    n.line
        .fault("POST", "/v1/messages/*/ack", 1, Fault::HoldRequest);
    let task = spawn_sync(&s, &n);
    let held = n.line.held().await;
    n.restart_gateway().await;
    held.release();
    let r = task.await.unwrap();
    assert_eq!((r.received, r.applied), (2, 2), "{r:?}");
    assert!(r.errors.is_empty(), "{r:?}");
    for m in [&a, &b] {
        assert_eq!(
            n.gw.with_store(|g| g.by_id(m).unwrap().unwrap().state),
            "DELIVERED"
        );
    }
    // The same, but the ack dies with the old gateway: the message comes again, once.
    let c = con_submit(&n, &iin(62)).await;
    n.line
        .fault("POST", "/v1/messages/*/ack", 1, Fault::HoldRequest);
    let task = spawn_sync(&s, &n);
    let held = n.line.held().await;
    n.restart_gateway().await;
    held.cut();
    let r = task.await.unwrap();
    assert_eq!((r.applied, r.sent), (1, 2), "{r:?}");
    assert!(!r.errors.is_empty());
    assert_eq!(
        n.gw.with_store(|g| g.by_id(&c).unwrap().unwrap().state),
        "ON_DELIVERY"
    );
    let r = sync(&s, &n).await;
    assert_eq!((r.duplicates, r.applied, r.sent), (1, 0, 1), "{r:?}");
    assert_eq!(
        n.gw.with_store(|g| g.by_id(&c).unwrap().unwrap().state),
        "DELIVERED"
    );
    assert_eq!(s.apps().len(), 3);
    assert_agree(&s, &n);
}

// ---------------------------------------------------------------------------------------
// 8. Malformed, oversized, badly signed, unroutable

async fn raw(
    url: &str,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut rq = reqwest::Client::new()
        .request(method, format!("{url}{path}"))
        .body(body);
    if let Some(t) = token {
        rq = rq.bearer_auth(t);
    }
    let resp = rq.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A message as its sender's kind may send it (the gateway's routing table): ЦОН and the
/// portal send requests, an office sends notices.
fn envelope(sender: &str, route: &str) -> Envelope {
    let from_office = !(sender.starts_with("con-") || sender == PORTAL);
    Envelope {
        version: mio_desk::sync::protocol::VERSION.into(),
        message_id: uuid::Uuid::now_v7().to_string(),
        correlation_id: None,
        service_id: "mio".into(),
        route_id: route.into(),
        message_type: if from_office {
            MessageType::Notification
        } else {
            MessageType::Request
        },
        message_date: "2026-11-16T10:00:00+05:00".into(),
        sender: mio_desk::sync::protocol::Sender {
            sender_id: sender.into(),
            workstation: None,
        },
        properties: vec![],
        data: json!({"type": "status_notice", "status": "received"}),
        signature: None,
    }
}

async fn a_batch_answers_each_message_as_a_single_send_would(n: Net) {
    let url = n.gw.url();
    let tok = n.tokens[CON].clone();
    Client::new(&url, &tok); // installs the TLS provider the raw requests need
    let signed = |mut e: Envelope| {
        e.sign(&tok);
        serde_json::to_value(&e).unwrap()
    };
    let first = envelope(CON, OFFICE);
    let mut same_id = envelope(CON, OFFICE);
    same_id.message_id = first.message_id.clone();
    same_id.data = json!({"type": "status_notice", "status": "completed"});
    let mut unsigned = envelope(CON, OFFICE);
    unsigned.sign("another client's token");
    let batch = json!([
        signed(first.clone()),
        signed(envelope(CON, "nobody")),
        signed(same_id),
        signed(first.clone()),
        serde_json::to_value(&unsigned).unwrap(),
        {"version": "mio-shep/1"},
        signed(envelope(CON, OFFICE)),
    ]);
    let (status, body) = raw(
        &url,
        reqwest::Method::POST,
        "/v1/messages/batch",
        Some(&tok),
        serde_json::to_vec(&batch).unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let answers = body.as_array().unwrap();
    let got: Vec<(u64, &str)> = answers
        .iter()
        .map(|a| {
            (
                a["status"].as_u64().unwrap(),
                a["error"]["errorCode"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (200, ""),
            (422, "ROUTE"),
            (409, "DUPLICATE_ID"),
            (200, ""),
            (403, "SIGNATURE"),
            (400, "MALFORMED"),
            (200, ""),
        ]
    );
    // The repeat got the first answer; two messages were stored, in order.
    assert_eq!(answers[0]["accepted"], answers[3]["accepted"]);
    assert_eq!(answers[0]["accepted"]["messageId"], json!(first.message_id));
    let stored = n.gw.with_store(|g| g.sent_by(CON).unwrap());
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(answers[6]["accepted"]["seq"].as_i64() > answers[0]["accepted"]["seq"].as_i64());

    // Another's token, an array too long, and not an array: the whole request is refused.
    let other = raw(
        &url,
        reqwest::Method::POST,
        "/v1/messages/batch",
        Some(&n.tokens[OTHER]),
        serde_json::to_vec(&json!([signed(envelope(CON, OFFICE))])).unwrap(),
    )
    .await;
    assert_eq!(other.0, 200);
    assert_eq!(other.1[0]["error"]["errorCode"], json!("SENDER"));
    let many: Vec<Value> = (0..mio_desk::sync::protocol::MAX_BATCH + 1)
        .map(|_| signed(envelope(CON, OFFICE)))
        .collect();
    let too_many = raw(
        &url,
        reqwest::Method::POST,
        "/v1/messages/batch",
        Some(&tok),
        serde_json::to_vec(&many).unwrap(),
    )
    .await;
    assert_eq!(too_many.0, 413, "{}", too_many.1);
    let not_list = raw(
        &url,
        reqwest::Method::POST,
        "/v1/messages/batch",
        Some(&tok),
        serde_json::to_vec(&signed(envelope(CON, OFFICE))).unwrap(),
    )
    .await;
    assert_eq!(
        (not_list.0, &not_list.1["errorCode"]),
        (400, &json!("MALFORMED"))
    );
    assert_eq!(n.gw.with_store(|g| g.sent_by(CON).unwrap().len()), 2);

    // An envelope is stored as the sender wrote it (here in field order, not sorted), the
    // same text a single send would store and the recipient pulls.
    let mut own = envelope(CON, OFFICE);
    own.sign(&tok);
    let text = serde_json::to_string(&own).unwrap();
    let (status, body) = raw(
        &url,
        reqwest::Method::POST,
        "/v1/messages/batch",
        Some(&tok),
        format!("[{text}]").into_bytes(),
    )
    .await;
    assert_eq!(
        (status, body[0]["status"].as_u64()),
        (200, Some(200)),
        "{body}"
    );
    let kept =
        n.gw.with_store(|g| g.by_id(&own.message_id).unwrap().unwrap());
    assert_eq!(kept.envelope, text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_batch_endpoint_the_outbox_goes_one_by_one_in_order() {
    let s = site();
    let n = Net::start().await;
    let mut requests = Vec::new();
    for i in 0..4 {
        requests.push(con_submit(&n, &iin(70 + i)).await);
    }
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.applied), (4, 4), "{r:?}");
    assert_eq!(s.desk().gateway_status().pending, 4);
    // The four «Поступившие» notices: the gateway says it has no batch endpoint.
    n.line.clear_log();
    n.line
        .fault("POST", "/v1/messages/batch", 1, Fault::NotFound);
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.failed, r.retry_later), (4, 0, 0), "{r:?}");
    assert_eq!(n.line.pending_faults(), 0);
    let posts: Vec<String> = n
        .line
        .log()
        .into_iter()
        .filter(|x| x.method == "POST")
        .map(|x| x.path)
        .collect();
    assert_eq!(
        posts,
        [
            "/v1/messages/batch",
            "/v1/messages",
            "/v1/messages",
            "/v1/messages",
            "/v1/messages"
        ]
    );
    let got = statuses(&inbox_of(&n, CON).await);
    for r in &requests {
        assert_eq!(got[r], ["received"]);
    }
    assert_eq!(s.desk().gateway_status().pending, 0);
    assert_agree(&s, &n);
}

async fn malformed_oversized_unsigned_and_unroutable_messages_are_refused_whole(n: Net) {
    let s = site();
    let url = n.gw.url();
    let tok = n.tokens[CON].clone();
    let post = |body: Vec<u8>, token: Option<String>| {
        let url = url.clone();
        async move {
            raw(
                &url,
                reqwest::Method::POST,
                "/v1/messages",
                token.as_deref(),
                body,
            )
            .await
        }
    };
    let signed = |mut e: Envelope, t: &str| {
        e.sign(t);
        serde_json::to_vec(&e).unwrap()
    };
    let good = || envelope(CON, OFFICE);
    // (body, token, expected status, errorCode, a piece of errorMessage)
    type Case = (Vec<u8>, Option<String>, u16, &'static str, &'static str);
    let mut cases: Vec<Case> = vec![
        (signed(good(), &tok), None, 401, "AUTH", "Bearer token"),
        (
            signed(good(), &tok),
            Some("not-a-token".into()),
            401,
            "AUTH",
            "unknown token",
        ),
        (
            b"{not json".to_vec(),
            Some(tok.clone()),
            400,
            "MALFORMED",
            "key must be a string",
        ),
        (
            br#"{"version":"mio-shep/1"}"#.to_vec(),
            Some(tok.clone()),
            400,
            "MALFORMED",
            "missing field",
        ),
    ];
    let mut e = good();
    e.version = "mio-shep/0".into();
    cases.push((
        signed(e, &tok),
        Some(tok.clone()),
        400,
        "MALFORMED",
        "unsupported protocol version",
    ));
    let mut e = good();
    e.message_id = "42".into();
    cases.push((
        signed(e, &tok),
        Some(tok.clone()),
        400,
        "MALFORMED",
        "messageId must be a UUID",
    ));
    let mut e = good();
    e.message_date = "вчера".into();
    cases.push((
        signed(e, &tok),
        Some(tok.clone()),
        400,
        "MALFORMED",
        "messageDate",
    ));
    let mut e = good();
    e.properties.push(mio_desk::sync::protocol::Property {
        key: "k".repeat(31),
        value: "v".into(),
    });
    cases.push((
        signed(e, &tok),
        Some(tok.clone()),
        400,
        "MALFORMED",
        "property key or value too long",
    ));
    let mut e = good();
    e.data = json!({"blob": "x".repeat(300 * 1024)});
    cases.push((
        signed(e, &tok),
        Some(tok.clone()),
        413,
        "TOO_LARGE",
        "at most 262144 bytes",
    ));
    cases.push((
        signed(good(), "someone else's key"),
        Some(tok.clone()),
        403,
        "SIGNATURE",
        "signature does not match",
    ));
    cases.push((
        serde_json::to_vec(&good()).unwrap(),
        Some(tok.clone()),
        403,
        "SIGNATURE",
        "signature",
    ));
    let mut e = good();
    e.sign(&tok);
    e.data = json!({"type": "status_notice", "status": "completed"});
    cases.push((
        serde_json::to_vec(&e).unwrap(),
        Some(tok.clone()),
        403,
        "SIGNATURE",
        "signature",
    ));
    cases.push((
        signed(envelope(CON, "9999"), &tok),
        Some(tok.clone()),
        422,
        "ROUTE",
        "no recipient 9999",
    ));
    let mut e = good();
    e.data = json!({"attachments": [{"sha256": "ab".repeat(32), "size": 3, "name": "x.png"}]});
    cases.push((
        signed(e, &tok),
        Some(tok.clone()),
        422,
        "BLOB",
        "is not uploaded whole",
    ));
    for (body, token, status, code, text) in cases {
        let (got, answer) = post(body, token).await;
        assert_eq!(got, status, "{answer}");
        assert_eq!(answer["errorCode"], code, "{answer}");
        let msg = answer["errorMessage"].as_str().unwrap();
        assert!(msg.contains(text), "{msg:?} lacks {text:?}");
    }
    assert_eq!(
        n.gw.with_store(|g| g.counts().unwrap().total),
        0,
        "nothing half-written"
    );

    // Blobs: bytes that do not hash to their name, a chunk in the wrong place, too big.
    let png = png();
    let sha = mio_desk::store::files::sha256_hex(&png);
    let put = |path: String, body: Vec<u8>| {
        let url = url.clone();
        let tok = tok.clone();
        async move { raw(&url, reqwest::Method::PUT, &path, Some(&tok), body).await }
    };
    let total = png.len();
    let mut bad = png.clone();
    bad[total - 1] ^= 0xff;
    let (st, a) = put(format!("/v1/blobs/{sha}?offset=0&total={total}"), bad).await;
    assert_eq!((st, a["errorCode"].as_str()), (409, Some("BLOB")), "{a}");
    assert!(a["errorMessage"].as_str().unwrap().contains("do not match"));
    let (st, a) = put(
        format!("/v1/blobs/{sha}?offset=7&total={total}"),
        png[7..].to_vec(),
    )
    .await;
    assert_eq!(st, 409, "{a}");
    let (st, a) = put(
        format!("/v1/blobs/{sha}?offset=0&total=99999999999"),
        vec![],
    )
    .await;
    assert_eq!(
        (st, a["errorCode"].as_str()),
        (413, Some("TOO_LARGE")),
        "{a}"
    );
    let (st, a) = put(
        "/v1/blobs/not-a-hash?offset=0&total=3".into(),
        vec![1, 2, 3],
    )
    .await;
    assert_eq!(st, 409, "{a}");
    let (_, a) = raw(
        &url,
        reqwest::Method::GET,
        &format!("/v1/blobs/{sha}/status"),
        Some(&tok),
        vec![],
    )
    .await;
    assert_eq!(
        a,
        json!({"received": 0, "complete": false}),
        "nothing half-written"
    );
    let (st, a) = raw(
        &url,
        reqwest::Method::POST,
        &format!("/v1/messages/{}/ack", uuid::Uuid::now_v7()),
        Some(&tok),
        b"ok".to_vec(),
    )
    .await;
    assert_eq!(
        (st, a["errorCode"].as_str()),
        (400, Some("MALFORMED")),
        "{a}"
    );

    // A well-formed envelope carrying an application the office cannot take: refused with
    // the reason, told to ЦОН, nothing of it written at the office.
    let con = n.client(CON);
    let bad_iin = "850315300127";
    let mut env = mio_desk::sync::prepare(&con, submission(&iin(70), vec![]))
        .await
        .unwrap();
    env.data["person"]["iin"] = json!(bad_iin);
    env.sign(&tok);
    con.send(&env).await.unwrap();
    let mut env2 = mio_desk::sync::prepare(&con, submission(&iin(71), vec![]))
        .await
        .unwrap();
    env2.data["service"] = json!("no_such_service");
    env2.sign(&tok);
    con.send(&env2).await.unwrap();
    let audit_before = s.desk().verify_audit().unwrap().entries;
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.rejected, r.applied), (2, 2, 0), "{r:?}");
    assert!(s.apps().is_empty());
    assert!(
        s.desk()
            .find_person(&s.registrar, &iin(71))
            .unwrap()
            .is_none(),
        "no person half-written"
    );
    assert_eq!(
        s.desk().verify_audit().unwrap().entries,
        audit_before + 2,
        "one audit entry per refusal"
    );
    let g =
        n.gw.with_store(|g| g.by_id(&env.message_id).unwrap().unwrap());
    assert_eq!(g.state, "NOT_DELIVERED");
    assert!(g.error.unwrap().contains("ИИН"), "the reason travels back");
    let r = sync(&s, &n).await;
    assert_eq!(r.sent, 2, "the refusals go to ЦОН: {r:?}");
    let back = inbox_of(&n, CON).await;
    let refusal = back
        .iter()
        .find(|d| d.envelope.correlation_id.as_deref() == Some(env.message_id.as_str()))
        .unwrap();
    assert_eq!(refusal.envelope.data["status"], "rejected");
    assert_eq!(
        refusal.envelope.data["statusText"]["ru"],
        "Отказано в приеме"
    );
    assert!(
        refusal.envelope.data["reason"]
            .as_str()
            .unwrap()
            .contains("ИИН")
    );
    assert_agree(&s, &n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_to_an_unknown_recipient_fails_alone_and_says_why() {
    let s = site();
    let n = Net::start().await;
    let req = con_submit(&n, &iin(80)).await;
    sync(&s, &n).await;
    // A notice for a recipient the gateway does not know, queued after the good one.
    let first = s.desk().outbox_due(10).unwrap()[0].clone();
    let mut payload: Value = serde_json::from_str(&first.payload).unwrap();
    payload["recipient"] = json!("con-9999");
    s.desk()
        .store()
        .write(|tx| {
            mio_desk::store::outbox::push(
                tx,
                &uuid::Uuid::now_v7().to_string(),
                first.application_id,
                "status_notice",
                &payload,
                &first.created_at,
            )
        })
        .unwrap();
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.failed), (1, 1), "{r:?}");
    let st = s.desk().gateway_status();
    assert_eq!((st.pending, st.failed, st.delivered), (0, 1, 1), "{st:?}");
    assert!(
        r.errors.iter().any(|e| e.contains("no recipient con-9999")),
        "{r:?}"
    );
    assert_eq!(statuses(&inbox_of(&n, CON).await)[&req], ["received"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_keeps_the_outbox_queued_instead_of_failing_it() {
    let s = site();
    let n = Net::start().await;
    for i in 0..3 {
        con_submit(&n, &iin(90 + i)).await;
    }
    sync(&s, &n).await;
    assert_eq!(s.desk().gateway_status().pending, 3);
    // An unknown token (each send waits to be tried again), then the token of another office
    // (the exchange stops before anything: issue 13).
    for (token, tried) in [
        ("revoked-token".to_string(), 1),
        (n.tokens[OTHER].clone(), 0),
    ] {
        let client = Client::new(&n.line.url(), &token);
        let r = exchange(s.desk().clone(), &client, &Options::default()).await;
        assert_eq!((r.sent, r.failed, r.retry_later), (0, 0, tried), "{r:?}");
        let st = s.desk().gateway_status();
        assert_eq!((st.pending, st.failed), (3, 0), "{st:?}");
        assert!(!st.online);
        s.later();
    }
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.failed), (3, 0), "{r:?}");
    assert_agree(&s, &n);
}

// ---------------------------------------------------------------------------------------
// 9. Another office's messages

async fn another_office_cannot_pull_ack_download_or_impersonate(n: Net) {
    let s = site();
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("udostoverenie.png");
    std::fs::write(&scan, png()).unwrap();
    let scan_sha = mio_desk::store::files::sha256_hex(&png());
    let con = n.client(CON);
    let req = mio_desk::sync::submit(
        &con,
        submission(
            &iin(100),
            vec![format!("identity_document={}", scan.display())],
        ),
    )
    .await
    .unwrap();
    sync(&s, &n).await;
    let id = s.app_of_request(&req).unwrap().id;
    s.work_through(id, true);
    sync(&s, &n).await;
    let result = inbox_of(&n, CON)
        .await
        .into_iter()
        .find(|d| d.envelope.message_type == MessageType::Response)
        .unwrap();
    let pdf_sha = result.envelope.data["document"]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    // One more application for the office, not yet pulled.
    let waiting = con_submit(&n, &iin(101)).await;

    let b = n.client(OTHER);
    assert!(b.pull(0, 100).await.unwrap().is_empty());
    assert!(b.inbox(0, 100).await.unwrap().is_empty());
    let e = b
        .ack(
            &waiting,
            &mio_desk::sync::protocol::Ack {
                accepted: true,
                error: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            mio_desk::sync::client::CallError::Permanent { status: 404, .. }
        ),
        "{e:?}"
    );
    assert_eq!(
        n.gw.with_store(|g| g.by_id(&waiting).unwrap().unwrap().state),
        "ON_DELIVERY"
    );
    assert!(b.status(&waiting).await.is_err());
    for sha in [&scan_sha, &pdf_sha] {
        let e = b.download(sha).await.unwrap_err();
        assert!(
            matches!(
                e,
                mio_desk::sync::client::CallError::Permanent { status: 404, .. }
            ),
            "{e:?}"
        );
        let (_, st) = raw(
            &n.gw.url(),
            reqwest::Method::GET,
            &format!("/v1/blobs/{sha}/status"),
            Some(&n.tokens[OTHER]),
            vec![],
        )
        .await;
        assert_eq!(st, json!({"received": 0, "complete": false}));
    }
    // Speaking as the office with its own token: refused.
    let mut fake = envelope(OFFICE, CON);
    fake.sign(&n.tokens[OTHER]);
    let e = b.send(&fake).await.unwrap_err();
    assert!(
        matches!(&e, mio_desk::sync::client::CallError::Permanent { status: 403, code, .. } if code == "SENDER"),
        "{e:?}"
    );
    // Naming the office's paper in a message of its own does not open it either.
    let mut grab = envelope(OTHER, OTHER);
    grab.data = json!({"document": {"sha256": pdf_sha, "size": 1, "name": "x.pdf"}});
    grab.sign(&n.tokens[OTHER]);
    let e = b.send(&grab).await.unwrap_err();
    assert!(
        matches!(&e, mio_desk::sync::client::CallError::Permanent { status: 422, code, .. } if code == "BLOB"),
        "{e:?}"
    );
    assert!(b.download(&pdf_sha).await.is_err());
    // Uploading other bytes under the paper's name does not either.
    b.upload(&mio_desk::bench::demo::sample_png(9))
        .await
        .expect("its own bytes are fine");
    let (st, a) = raw(
        &n.gw.url(),
        reqwest::Method::PUT,
        &format!("/v1/blobs/{pdf_sha}?offset=0&total=3"),
        Some(&n.tokens[OTHER]),
        vec![1, 2, 3],
    )
    .await;
    assert_eq!(st, 409, "{a}");
    assert!(b.download(&pdf_sha).await.is_err());
    // Whoever really holds the same bytes may use them: they upload them in full.
    let portal = n.client(PORTAL);
    assert!(portal.download(&scan_sha).await.is_err());
    portal.upload(&png()).await.unwrap();
    assert_eq!(portal.download(&scan_sha).await.unwrap(), png());

    // The office is not disturbed.
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.applied), (1, 1), "{r:?}");
    sync(&s, &n).await;
    assert!(n.gw.with_store(|g| g.sent_by(OTHER).unwrap().is_empty()));
    assert_agree(&s, &n);
}

// ---------------------------------------------------------------------------------------
// 10. Ownership

async fn a_withdrawal_from_elsewhere_is_a_conflict_for_the_head_not_applied(n: Net) {
    let s = site();
    // An application the office registered itself.
    let own = s
        .desk()
        .register(
            Some(&s.registrar),
            Registration {
                service: "unemployed_certificate".into(),
                channel: Channel::Office,
                person: applicant(&iin(110)),
                intake: unemployed_intake(),
                files: scans(s.desk(), "unemployed_certificate"),
                missing_reason: None,
                accepted_at: None,
                external: None,
            },
        )
        .unwrap();
    // And one ЦОН sent.
    let from_con = con_submit(&n, &iin(111)).await;
    sync(&s, &n).await;
    let portal = n.client(PORTAL);
    let w1 = mio_desk::sync::withdraw(&portal, OFFICE, &own.number, "прошу отозвать")
        .await
        .unwrap();
    // ЦОН's application named by its messageId: the gateway refuses, the portal is not party
    // to it; named by its registration number, it reaches the office, which decides.
    let refused = mio_desk::sync::withdraw(&portal, OFFICE, &from_con, "прошу отозвать").await;
    assert!(
        refused.as_ref().is_err_and(|e| e.contains("not party")),
        "{refused:?}"
    );
    let con_number = s.app_of_request(&from_con).unwrap().number;
    let w2 = mio_desk::sync::withdraw(&portal, OFFICE, &con_number, "прошу отозвать")
        .await
        .unwrap();
    let r = sync(&s, &n).await;
    assert_eq!((r.received, r.conflicts, r.applied), (2, 2, 0), "{r:?}");
    let d = s.desk();
    let own_now = d.application(&s.registrar, &own.number).unwrap().app;
    assert_eq!(own_now.status, Status::Registered);
    let con_app = s.app_of_request(&from_con).unwrap();
    assert_eq!(con_app.status, Status::Registered);

    let conflicts = d.conflicts(&s.head).unwrap();
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    assert_eq!(conflicts[0].message_id, w1);
    assert_eq!(conflicts[0].kind, "foreign_withdrawal");
    assert_eq!(conflicts[0].application_id, Some(own.id));
    assert!(
        conflicts[0].detail.contains(&own.number)
            && conflicts[0].detail.contains("принятое в самом отделе"),
        "{}",
        conflicts[0].detail
    );
    assert_eq!(conflicts[1].message_id, w2);
    assert!(conflicts[1].detail.contains(CON), "{}", conflicts[1].detail);
    assert!(
        d.conflicts(&s.registrar).is_err(),
        "the head's, not everyone's"
    );
    // Recorded once, even if the gateway hands it over again.
    let stored = n.gw.with_store(|g| g.by_id(&w1).unwrap().unwrap());
    let env: Envelope = serde_json::from_str(&stored.envelope).unwrap();
    let again = Inbound {
        message_id: w1.clone(),
        seq: stored.seq,
        sender: PORTAL.into(),
        route_id: OFFICE.into(),
        message_type: "UPDATE".into(),
        correlation_id: env.correlation_id.clone(),
        data: env.data.clone(),
        envelope: stored.envelope.clone(),
        files: vec![],
    };
    assert_eq!(d.apply_inbound(&again).unwrap(), Applied::Duplicate);
    assert_eq!(d.conflicts(&s.head).unwrap().len(), 2);
    // The one who sent it may withdraw it.
    mio_desk::sync::withdraw(&n.client(CON), OFFICE, &from_con, "заявитель передумал")
        .await
        .unwrap();
    let r = sync(&s, &n).await;
    assert_eq!(r.applied, 1, "{r:?}");
    assert_eq!(
        s.app_of_request(&from_con).unwrap().status,
        Status::Withdrawn
    );
    d.resolve_conflict(&s.head, conflicts[0].id).unwrap();
    assert_eq!(d.conflicts(&s.head).unwrap().len(), 1);
    sync(&s, &n).await;
    assert_agree(&s, &n);
}

// ---------------------------------------------------------------------------------------
// 11. The round trip

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_from_con_goes_round_to_a_verified_signed_result() {
    con_round_trip(Net::start().await).await;
}

/// The same through a gateway on PostgreSQL: the scans and the signed result as blobs in its
/// database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_goes_round_through_a_gateway_on_postgres() {
    if let Some(n) = Net::start_on(true).await {
        con_round_trip(n).await;
    }
}

async fn con_round_trip(n: Net) {
    let s = site();
    let dir = tempfile::tempdir().unwrap();
    let id_scan = mio_desk::bench::demo::sample_png(7);
    let form_scan = mio_desk::bench::demo::sample_png(8);
    std::fs::write(dir.path().join("id.png"), &id_scan).unwrap();
    std::fs::write(dir.path().join("form.png"), &form_scan).unwrap();
    let applicant_iin = iin(120);
    let req = mio_desk::sync::submit(
        &n.client(CON),
        submission(
            &applicant_iin,
            vec![
                format!("identity_document={}", dir.path().join("id.png").display()),
                dir.path().join("form.png").display().to_string(),
            ],
        ),
    )
    .await
    .unwrap();
    let r = sync(&s, &n).await;
    assert_eq!(r.applied, 1, "{r:?}");

    // In the queue as Поступившие, channel ЦОН, with its scans.
    let d = s.desk();
    let queue = d
        .queue(
            &s.registrar,
            Query {
                tab: Some(Tab::Registered),
                limit: 50,
                ..Default::default()
            },
        )
        .unwrap()
        .rows;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].channel, Channel::Con);
    assert_eq!(queue[0].iin.as_deref(), Some(applicant_iin.as_str()));
    let v = d.application(&s.registrar, &queue[0].number).unwrap();
    assert_eq!(
        mio_desk::desk::intake::public_status_text(v.app.status.public().unwrap().code()).ru,
        "Поступившие"
    );
    assert_eq!(v.app.origin.as_deref(), Some(CON));
    let mut items: Vec<(String, Vec<u8>)> = v
        .attachments
        .iter()
        .map(|a| {
            (
                a.checklist_item.clone().unwrap_or_default(),
                d.attachment_bytes(&s.registrar, a).unwrap(),
            )
        })
        .collect();
    items.sort();
    assert_eq!(
        items,
        [
            ("application".to_string(), form_scan.clone()),
            ("identity_document".to_string(), id_scan.clone())
        ]
    );

    // Through the office.
    let t = Target::id(v.app.id);
    sync(&s, &n).await;
    d.assign(&s.head, t, s.executor.user_id, "Қарап шығыңыз")
        .unwrap();
    sync(&s, &n).await;
    d.submit_draft(&s.executor, t, &unemployed_decision())
        .unwrap();
    let signed = d.sign(&s.head, t, &s.key, PIN).unwrap();
    d.issue(&s.registrar, t, &applicant_iin).unwrap();
    let r = sync(&s, &n).await;
    assert_eq!((r.sent, r.failed), (1, 0), "{r:?}");

    // ЦОН sees Поступившие → В работе → Исполнено and the signed result.
    let back = inbox_of(&n, CON).await;
    assert_eq!(back.len(), 3, "{back:?}");
    let texts: Vec<&str> = back
        .iter()
        .map(|d| d.envelope.data["statusText"]["ru"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Поступившие", "В работе", "Исполнено"]);
    let kk: Vec<&str> = back
        .iter()
        .map(|d| d.envelope.data["statusText"]["kk"].as_str().unwrap())
        .collect();
    assert_eq!(kk, ["Түскен", "Жұмыста", "Орындалған"]);
    assert!(
        back.iter()
            .all(|d| d.envelope.correlation_id.as_deref() == Some(req.as_str()))
    );
    let types: Vec<MessageType> = back.iter().map(|d| d.envelope.message_type).collect();
    assert_eq!(
        types,
        [
            MessageType::Notification,
            MessageType::Notification,
            MessageType::Response
        ]
    );
    let last = &back[2].envelope;
    assert_eq!(last.sender.sender_id, OFFICE);
    assert_eq!(last.service_id, "unemployed_certificate");
    let doc: mio_desk::sync::protocol::BlobRef =
        serde_json::from_value(last.data["document"].clone()).unwrap();
    assert_eq!(doc.name, format!("{}.pdf", signed.outgoing_number));
    let pdf = n.client(CON).download(&doc.sha256).await.unwrap();
    assert_eq!(pdf.len() as u64, doc.size);
    let verdict = d.verify_pdf(&pdf).unwrap();
    assert!(verdict.is_valid(), "{verdict:?}");
    assert!(
        verdict
            .line(Lang::Ru)
            .starts_with(&format!("VALID {}", signed.outgoing_number)),
        "{}",
        verdict.line(Lang::Ru)
    );
    assert_agree(&s, &n);
    n.finish().await;
}

// ---------------------------------------------------------------------------------------
// Measurements (not checks): `cargo test --release --test sync -- --ignored --nocapture`

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run with --release -- --ignored --nocapture"]
async fn measure_draining_ten_thousand_outbox_messages() {
    const N: usize = 10_000;
    let s = site();
    let n = Net::start().await;
    for i in 0..20 {
        con_submit(&n, &iin(200 + i)).await;
    }
    sync(&s, &n).await;
    // Ten thousand notices as the desk writes them (the «Поступившие» ones as the model).
    let model = s.desk().outbox_due(100).unwrap();
    assert_eq!(model.len(), 20);
    let t = std::time::Instant::now();
    s.desk()
        .store()
        .write(|tx| {
            for k in 0..N - model.len() {
                let m = &model[k % model.len()];
                let payload: Value = serde_json::from_str(&m.payload).unwrap();
                mio_desk::store::outbox::push(
                    tx,
                    &uuid::Uuid::now_v7().to_string(),
                    m.application_id,
                    "status_notice",
                    &payload,
                    &m.created_at,
                )?;
            }
            Ok::<_, mio_desk::store::StoreError>(())
        })
        .unwrap();
    let queued = t.elapsed();
    assert_eq!(s.desk().gateway_status().pending as usize, N);
    // Straight to the gateway, no proxy.
    let client = Client::new(&n.gw.url(), &n.tokens[OFFICE]);
    let t = std::time::Instant::now();
    let r = exchange(s.desk().clone(), &client, &Options::default()).await;
    let took = t.elapsed();
    assert_eq!((r.sent, r.failed), (N, 0), "{:?}", r.errors.first());
    println!(
        "queued {N} notices in {queued:.2?}; drained {N} to the gateway in {took:.2?}: {:.0} messages/s, {:.2} ms each",
        N as f64 / took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / N as f64
    );
    assert_agree(&s, &n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run with --release -- --ignored --nocapture"]
async fn measure_bytes_on_the_wire_per_application() {
    let s = site();
    let n = Net::start().await;
    let req = con_submit(&n, &iin(300)).await;
    let sub_log = n.side.log();
    sync(&s, &n).await;
    let id = s.app_of_request(&req).unwrap().id;
    sync(&s, &n).await;
    s.desk()
        .assign(&s.head, Target::id(id), s.executor.user_id, "Қарау")
        .unwrap();
    sync(&s, &n).await;
    s.desk()
        .submit_draft(&s.executor, Target::id(id), &unemployed_decision())
        .unwrap();
    s.desk().sign(&s.head, Target::id(id), &s.key, PIN).unwrap();
    sync(&s, &n).await;
    n.side.clear_log();
    let back = inbox_of(&n, CON).await;
    assert_eq!(back.len(), 3);
    let inbox_log = n.side.log();
    let line = n.line.log();

    let row = |what: &str, xs: Vec<&net::Seen>| {
        let body: usize = xs.iter().map(|x| x.request_body.len()).sum();
        let resp_body: usize = xs.iter().map(|x| x.response_body.len()).sum();
        let wire: usize = xs.iter().map(|x| x.request_bytes + x.response_bytes).sum();
        println!(
            "{what:<48} {:>3} req  {body:>7} B sent body  {resp_body:>7} B answer body  {wire:>7} B on the wire",
            xs.len()
        );
        wire
    };
    let is = |m: &str, p: &str| {
        let (m, p) = (m.to_string(), p.to_string());
        move |x: &&net::Seen| x.method == m && x.path.split('?').next() == Some(p.as_str())
    };
    println!("one application without scans, ЦОН → office → ЦОН:");
    let mut total = 0;
    total += row("ЦОН: whoami + REQUEST envelope", sub_log.iter().collect());
    let pulls: Vec<&net::Seen> = line.iter().filter(is("GET", "/v1/messages")).collect();
    let with_data: Vec<&net::Seen> = pulls
        .iter()
        .copied()
        .filter(|x| x.response_body.len() > 2)
        .collect();
    total += row("office: pull that brought the request", with_data);
    total += row(
        "office: ack",
        line.iter().filter(|x| x.path.ends_with("/ack")).collect(),
    );
    let posts: Vec<&net::Seen> = line.iter().filter(is("POST", "/v1/messages")).collect();
    for (p, name) in posts.iter().zip([
        "office: NOTIFICATION Поступившие",
        "office: NOTIFICATION В работе",
        "office: RESPONSE Исполнено (envelope)",
    ]) {
        total += row(name, vec![p]);
    }
    let blob = row(
        "office: signed PDF upload (status + PUT)",
        line.iter()
            .filter(|x| x.path.starts_with("/v1/blobs/"))
            .collect(),
    );
    total += row("ЦОН: inbox (3 notices)", inbox_log.iter().collect());
    let empty = row(
        "office: empty pulls (one per exchange)",
        pulls
            .iter()
            .copied()
            .filter(|x| x.response_body.len() <= 2)
            .collect(),
    );
    println!(
        "total without the PDF and the empty pulls: {total} B; the PDF adds {blob} B; each idle exchange costs {} B",
        empty
            / pulls
                .iter()
                .filter(|x| x.response_body.len() <= 2)
                .count()
                .max(1)
    );
    for d in &back {
        println!(
            "  envelope as delivered to ЦОН: {:?} {} B",
            d.envelope.message_type,
            serde_json::to_vec(&d.envelope).unwrap().len()
        );
    }
    println!(
        "the result as ЦОН pulls it:\n{}",
        serde_json::to_string_pretty(&back[2]).unwrap()
    );
    for x in line.iter().filter(|x| x.path.starts_with("/v1/blobs/")) {
        println!(
            "{} {} ({} B) -> {:?} {}",
            x.method,
            x.path,
            x.request_body.len(),
            x.status,
            String::from_utf8_lossy(&x.response_body)
        );
    }
}

// The gateway's own guarantees, through the gateway on SQLite and on PostgreSQL: idempotent on
// messageId (replays, batches, lost answers), resumable blobs (an upload cut half-way),
// acknowledgements across a restart, a token per client, and the routing and party checks.
on_both_gateways!(
    connections_cut_mid_request_or_mid_response_lose_and_double_nothing,
    the_same_message_twice_is_applied_once,
    a_lost_answer_is_asked_again_and_the_gateway_gives_the_stored_one,
    a_gateway_restarted_between_pull_and_ack_still_gets_every_ack_once,
    a_batch_answers_each_message_as_a_single_send_would,
    malformed_oversized_unsigned_and_unroutable_messages_are_refused_whole,
    another_office_cannot_pull_ack_download_or_impersonate,
    a_withdrawal_from_elsewhere_is_a_conflict_for_the_head_not_applied,
);
