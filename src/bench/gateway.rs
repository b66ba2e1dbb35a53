//! `mio-desk bench --gateway [--clients 300] [--seconds 20] [--db postgres://…]`: the
//! regional gateway under a region's load. The real server (`gateway::serve`) runs on
//! 127.0.0.1 with its store on a SQLite file, then (given `--database`) on PostgreSQL; the
//! clients are real HTTP clients (`sync::client`), each with its own token and connection,
//! all at once: a region's departments (one per 15 clients, at most 20) and its akimats (the
//! rest). Each akimat sends a package to its department (`REQUEST akimat_package`) and polls
//! its own inbox, acknowledging what came; each department polls, acknowledges each package
//! and answers it with a status notice (`NOTIFICATION`, held by the gateway's party check to
//! that package). Figures: messages accepted and delivered (acknowledged) per second, and the
//! p50/p95 of a send and of a poll, per backend.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Stat, failure, machine};
use crate::desk::DeskError;
use crate::gateway::store::{GatewayDb, GatewayStore};
use crate::sync::client::Client;
use crate::sync::protocol::{Ack, Envelope, MessageType, Sender, VERSION};

/// What to run.
#[derive(Debug, Clone)]
pub struct GatewaySettings {
    /// Clients at once (departments and akimats).
    pub clients: usize,
    /// How long the load runs on each backend.
    pub seconds: u64,
    /// Where the SQLite file is made (removed first).
    pub scratch: PathBuf,
    /// A PostgreSQL database for the gateway (a scratch one: the bench adds its clients and
    /// messages to it).
    pub server: Option<String>,
}

/// The figures of one backend.
#[derive(Debug, Clone, Serialize)]
pub struct GatewayLine {
    pub backend: String,
    pub clients: usize,
    pub departments: usize,
    pub seconds: f64,
    /// Messages the gateway accepted (answered 200).
    pub accepted: usize,
    /// Messages their recipients pulled and acknowledged.
    pub delivered: usize,
    pub accepted_per_s: f64,
    pub delivered_per_s: f64,
    /// A send, from request to answer.
    pub send: Stat,
    /// A poll (a page of up to 100).
    pub poll: Stat,
    /// Requests that failed (any error).
    pub errors: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewayReport {
    pub machine: String,
    pub lines: Vec<GatewayLine>,
}

/// Samples and counts of all clients.
#[derive(Default)]
struct Tally {
    sends: std::sync::Mutex<Vec<Duration>>,
    polls: std::sync::Mutex<Vec<Duration>>,
    accepted: AtomicUsize,
    delivered: AtomicUsize,
    errors: AtomicUsize,
}

impl Tally {
    fn send(&self, d: Duration) {
        self.sends.lock().unwrap_or_else(|p| p.into_inner()).push(d);
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }
    fn poll(&self, d: Duration) {
        self.polls.lock().unwrap_or_else(|p| p.into_inner()).push(d);
    }
    fn error(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }
}

fn envelope(
    from: &str,
    to: &str,
    kind: MessageType,
    corr: Option<String>,
    data: serde_json::Value,
) -> Envelope {
    Envelope {
        version: VERSION.into(),
        message_id: uuid::Uuid::now_v7().to_string(),
        correlation_id: corr,
        service_id: "mio".into(),
        route_id: to.into(),
        message_type: kind,
        message_date: chrono::Utc::now().to_rfc3339(),
        sender: Sender {
            sender_id: from.into(),
            workstation: None,
        },
        properties: vec![],
        data,
        signature: None,
    }
}

/// An akimat: send a package, poll for answers, again until `end`.
async fn akimat(me: String, dept: String, c: Client, end: Instant, t: Arc<Tally>) {
    let mut cursor = 0;
    let mut n = 0;
    while Instant::now() < end {
        n += 1;
        let mut env = envelope(
            &me,
            &dept,
            MessageType::Request,
            None,
            serde_json::json!({
                "type": "akimat_package",
                "akimatNumber": format!("{me}-{n}"),
                "service": "SRV-001",
                "applicant": {"iin": "900101300123", "name": "Сейтқали Айгүл Бекқызы"},
                "documents": [{"name": "cover letter", "pages": 1}],
            }),
        );
        env.sign(c.token());
        let at = Instant::now();
        match c.send(&env).await {
            Ok(_) => t.send(at.elapsed()),
            Err(_) => t.error(),
        }
        cursor = poll(&c, cursor, &t, |_| None).await;
    }
}

/// A department: poll, acknowledge and answer each package, until `end`.
async fn department(me: String, c: Client, end: Instant, t: Arc<Tally>) {
    let mut cursor = 0;
    while Instant::now() < end {
        let before = t.delivered.load(Ordering::Relaxed);
        cursor = poll(&c, cursor, &t, |d| {
            let mut env = envelope(
                &me,
                &d.envelope.sender.sender_id,
                MessageType::Notification,
                Some(d.envelope.message_id.clone()),
                serde_json::json!({"type": "status_notice", "status": "registered"}),
            );
            env.sign(c.token());
            Some(env)
        })
        .await;
        if t.delivered.load(Ordering::Relaxed) == before {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// One poll: a page after `cursor`, each acknowledged and (for a department) answered.
async fn poll(
    c: &Client,
    cursor: i64,
    t: &Tally,
    answer: impl Fn(&crate::sync::protocol::Delivery) -> Option<Envelope>,
) -> i64 {
    let at = Instant::now();
    let page = match c.pull(cursor, 100).await {
        Ok(p) => p,
        Err(_) => {
            t.error();
            return cursor;
        }
    };
    t.poll(at.elapsed());
    let mut cursor = cursor;
    for d in page {
        let ack = Ack {
            accepted: true,
            error: None,
        };
        match c.ack(&d.envelope.message_id, &ack).await {
            Ok(()) => {
                t.delivered.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => t.error(),
        }
        cursor = cursor.max(d.seq);
        if let Some(env) = answer(&d) {
            let at = Instant::now();
            match c.send(&env).await {
                Ok(_) => t.send(at.elapsed()),
                Err(_) => t.error(),
            }
        }
    }
    cursor
}

/// Runs the load on one gateway store.
fn one(
    db: GatewayDb,
    label: &str,
    s: &GatewaySettings,
    progress: &mut dyn FnMut(&str),
) -> Result<GatewayLine, DeskError> {
    let departments = (s.clients / 15).clamp(1, 20);
    let akimats = s.clients.saturating_sub(departments).max(1);
    let names: Vec<String> = (0..departments)
        .map(|d| format!("9{d:03}"))
        .chain((0..akimats).map(|a| format!("A{a:04}")))
        .collect();
    progress(&format!(
        "{label}: {} clients ({departments} departments, {akimats} akimats)",
        names.len()
    ));
    let tokens: Vec<String> = {
        let store = GatewayStore::at(&db)?;
        names
            .iter()
            .map(|n| {
                let t = crate::gateway::new_token();
                store.set_client(n, &crate::gateway::token_hash(&t))?;
                Ok(t)
            })
            .collect::<Result<_, crate::store::StoreError>>()?
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(failure)?;
    let tally = Arc::new(Tally::default());
    let elapsed = rt
        .block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let url = format!("http://{}", listener.local_addr()?);
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let server = tokio::spawn(crate::gateway::serve(listener, db, async {
                let _ = stopped.await;
            }));
            let start = Instant::now();
            let end = start + Duration::from_secs(s.seconds);
            let mut tasks = tokio::task::JoinSet::new();
            for (i, (name, token)) in names.iter().zip(&tokens).enumerate() {
                let c = Client::new(&url, token);
                let t = tally.clone();
                if i < departments {
                    tasks.spawn(department(name.clone(), c, end, t));
                } else {
                    let dept = names[(i - departments) % departments].clone();
                    tasks.spawn(akimat(name.clone(), dept, c, end, t));
                }
            }
            while tasks.join_next().await.is_some() {}
            let elapsed = start.elapsed();
            let _ = stop.send(());
            server.await.map_err(std::io::Error::other)??;
            Ok::<_, std::io::Error>(elapsed)
        })
        .map_err(failure)?;
    let take = |m: &std::sync::Mutex<Vec<Duration>>| {
        std::mem::take(&mut *m.lock().unwrap_or_else(|p| p.into_inner()))
    };
    let secs = elapsed.as_secs_f64();
    let accepted = tally.accepted.load(Ordering::Relaxed);
    let delivered = tally.delivered.load(Ordering::Relaxed);
    Ok(GatewayLine {
        backend: label.to_string(),
        clients: names.len(),
        departments,
        seconds: secs,
        accepted,
        delivered,
        accepted_per_s: accepted as f64 / secs,
        delivered_per_s: delivered as f64 / secs,
        send: Stat::of(take(&tally.sends)),
        poll: Stat::of(take(&tally.polls)),
        errors: tally.errors.load(Ordering::Relaxed),
    })
}

/// The gateway bench on SQLite, then on PostgreSQL when a database is given.
pub fn run(
    s: &GatewaySettings,
    progress: &mut dyn FnMut(&str),
) -> Result<GatewayReport, DeskError> {
    std::fs::create_dir_all(&s.scratch).map_err(failure)?;
    let file = s.scratch.join("gateway-bench.sqlite");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let _ = std::fs::remove_dir_all(format!("{}.blobs", file.display()));
    let mut lines = vec![one(GatewayDb::File(file), "sqlite", s, progress)?];
    if let Some(url) = &s.server {
        let db = GatewayDb::parse(url).map_err(failure)?;
        lines.push(one(db, "postgres", s, progress)?);
    }
    Ok(GatewayReport {
        machine: machine(),
        lines,
    })
}

pub fn table(r: &GatewayReport) -> String {
    let mut s = format!("gateway under load; machine: {}\n\n", r.machine);
    s.push_str(
        "| store | clients | seconds | accepted/s | delivered/s | send p50 ms | send p95 ms | poll p50 ms | poll p95 ms | errors |\n",
    );
    s.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
    for l in &r.lines {
        s.push_str(&format!(
            "| {} | {} ({} departments) | {:.0} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {} |\n",
            l.backend,
            l.clients,
            l.departments,
            l.seconds,
            l.accepted_per_s,
            l.delivered_per_s,
            l.send.p50,
            l.send.p95,
            l.poll.p50,
            l.poll.p95,
            l.errors
        ));
    }
    s
}
