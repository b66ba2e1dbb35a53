//! `mio-desk bench`: the real code paths timed on a synthetic district of a given size (made by
//! `demo`, reused when it is already there), each next to the same question asked as plain SQL
//! on the same file (the floor), plus the gateway drain, cold start and memory.
//!
//! This module sits beside `cli`: it uses `desk` for the measured paths, `store::bench` for the
//! plain-SQL floor, and `sync` + `gateway` for the drain to a local gateway.

pub mod demo;
pub mod gateway;
pub mod office;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::Serialize;

use crate::desk::flow::Target;
use crate::desk::intake::{NewFile, Registration};
use crate::desk::{DataDir, Desk, DeskError, Options, Session, SystemClock};
use crate::documents::{self, Langs, Stamp};
use crate::domain::catalog::FieldStage;
use crate::domain::decision::{DecisionInput, Outcome};
use crate::domain::document::Content;
use crate::domain::model::{Channel, Role};
use crate::store::bench::{self as floor, Floor, WriteFloor};
use crate::store::queue::{Cursor, Query, Search, Tab};
use demo::DemoUser;

/// What to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Applications in the synthetic district.
    pub requests: usize,
    /// Where the synthetic districts live (one folder per size).
    pub root: PathBuf,
    /// Timed runs of each read operation.
    pub runs: usize,
    /// Outbox messages drained to the local gateway.
    pub drain: usize,
}

/// p50 / p95 / max of one operation, in milliseconds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stat {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
}

impl Stat {
    pub fn of(mut samples: Vec<Duration>) -> Stat {
        samples.sort();
        let n = samples.len();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at = |q: f64| {
            if n == 0 {
                0.0
            } else {
                ms(samples[((n as f64 * q).ceil() as usize).clamp(1, n) - 1])
            }
        };
        Stat {
            n,
            p50: at(0.50),
            p95: at(0.95),
            max: samples.last().map(|d| ms(*d)).unwrap_or(0.0),
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub op: String,
    pub ours: Stat,
    pub floor: Option<Stat>,
    /// The target at 300 000 applications, in words.
    pub target: Option<String>,
    pub met: Option<bool>,
}

/// Everything the bench found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub machine: String,
    pub requests: usize,
    pub applications: i64,
    pub persons: i64,
    pub database_mb: f64,
    pub documents_mb: f64,
    /// Seconds to make the synthetic district, when this run made it.
    pub built_in_s: Option<f64>,
    pub lines: Vec<Line>,
    pub drain_messages: usize,
    pub drain_per_s: f64,
    pub drain_met: bool,
    pub start_to_ready: Stat,
    pub start_met: bool,
    pub ready_rss_mb: f64,
    pub peak_rss_mb: f64,
    pub rss_met: bool,
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let t = Instant::now();
    let v = f();
    (t.elapsed(), v)
}

fn failure(e: impl std::fmt::Display) -> DeskError {
    DeskError::Document(e.to_string())
}

/// The machine, in one line: CPU model, cores, memory.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    format!(
        "{cpu}, {cores} cores, {mem_gib:.0} GiB, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// Resident memory of this process now and at its peak, in MB (Linux; 0 elsewhere).
pub fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|k| k.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(0.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn dir_bytes(p: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(p) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            Ok(_) => e.metadata().map(|m| m.len()).unwrap_or(0),
            Err(_) => 0,
        })
        .sum()
}

/// Whether a district keeps the signed papers of its history. About 50 KB each, they would
/// take 12 GB at 300 000 applications and 42 GB at a million, more than the bench machine's
/// disk; no measured path reads them (new papers signed by the bench are kept).
pub fn keep_papers(requests: usize) -> bool {
    requests <= 50_000
}

fn drop_papers(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for sub in rd.flatten() {
        if let Ok(files) = std::fs::read_dir(sub.path()) {
            for f in files.flatten() {
                let _ = std::fs::remove_file(f.path());
            }
        }
    }
}

/// The district of `requests` applications under `root`, made now unless a finished one is
/// there. Returns its folder and, when made now, how long that took.
pub fn district(
    root: &Path,
    requests: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(DataDir, Option<f64>), DeskError> {
    let folder = root.join(format!("district-{requests}"));
    let done = folder.join("bench-ready");
    let dir = DataDir::new(folder.join("data"));
    if done.exists() && dir.is_initialized() {
        return Ok((dir, None));
    }
    if folder.exists() {
        std::fs::remove_dir_all(&folder).map_err(crate::store::StoreError::from)?;
    }
    std::fs::create_dir_all(&folder).map_err(crate::store::StoreError::from)?;
    let t = Instant::now();
    let papers = dir.documents();
    let keep = keep_papers(requests);
    let mut on_batch = |done: usize, total: usize| {
        if !keep {
            drop_papers(&papers);
        }
        progress(done, total);
    };
    demo::run(
        dir.clone(),
        requests,
        2026,
        Options::default(),
        &mut on_batch,
    )?;
    let secs = t.elapsed().as_secs_f64();
    std::fs::write(&done, format!("{requests} {secs:.1}\n"))
        .map_err(crate::store::StoreError::from)?;
    Ok((dir, Some(secs)))
}

struct Sessions {
    registrar: Session,
    head: Session,
    executor: Session,
}

/// The demo account of a role.
fn demo_user(users: &[DemoUser], role: Role) -> Result<&DemoUser, DeskError> {
    users
        .iter()
        .find(|u| u.role == role)
        .ok_or_else(|| DeskError::NotFound(format!("demo {}", role.code())))
}

fn login(desk: &Desk, users: &[DemoUser], role: Role) -> Result<Session, DeskError> {
    let u = demo_user(users, role)?;
    desk.login(&u.iin, &u.password)
}

fn line(op: &str, ours: Stat, floor: Option<Stat>, target: Option<(&str, bool)>) -> Line {
    Line {
        op: op.to_string(),
        ours,
        floor,
        target: target.map(|t| t.0.to_string()),
        met: target.map(|t| t.1),
    }
}

/// A queue page's line: p95 within 10 ms and within three times the bare-SQL floor.
fn queue_line(op: &str, ours: Stat, floor: Stat) -> Line {
    let ok = ours.p95 <= 10.0 && ours.p95 <= 3.0 * floor.p95.max(0.05);
    line(op, ours, Some(floor), Some(("p95 ≤ 10 ms, ≤ 3× floor", ok)))
}

/// Times `f` `runs` times over the inputs (cycled).
fn repeat<I>(runs: usize, inputs: &[I], mut f: impl FnMut(&I)) -> Stat {
    let mut samples = Vec::with_capacity(runs);
    if inputs.is_empty() {
        return Stat::of(samples);
    }
    for k in 0..runs {
        let input = &inputs[k % inputs.len()];
        let t = Instant::now();
        f(input);
        samples.push(t.elapsed());
    }
    Stat::of(samples)
}

/// Queue pages, counts, searches and opening an application.
fn reads(
    desk: &Desk,
    fl: &Floor,
    s: &Session,
    runs: usize,
    lines: &mut Vec<Line>,
) -> Result<(), DeskError> {
    let today = desk.today().to_string();
    let store = desk.store();
    let sample = store.read(|r| floor::sample(r, 400, 0x5eed))?;
    let services: Vec<String> = desk
        .catalog()
        .services
        .iter()
        .map(|s| s.code.clone())
        .collect();
    let q = |tab: Tab| Query {
        tab: Some(tab),
        limit: 50,
        today: today.clone(),
        ..Default::default()
    };
    let counts = desk.queue_counts(s, q(Tab::All))?;
    for tab in Tab::ALL {
        let status = tab.status().map(|s| s.code());
        // First page.
        let ours = repeat(runs, &[()], |_| {
            desk.queue(s, q(tab)).expect("queue page");
        });
        let base = if tab == Tab::Overdue {
            repeat(runs, &[()], |_| {
                fl.overdue_page(&today, 51).expect("floor");
            })
        } else {
            repeat(runs, &[()], |_| {
                fl.page(status, None, None, 51).expect("floor");
            })
        };
        lines.push(queue_line(
            &format!("queue {}: first page", tab.code()),
            ours,
            base,
        ));
        if tab == Tab::Overdue {
            continue;
        }
        // With a service filter.
        let ours = repeat(runs, &services, |svc| {
            let mut qq = q(tab);
            qq.service = Some(svc.clone());
            desk.queue(s, qq).expect("queue page");
        });
        let base = repeat(runs, &services, |svc| {
            fl.page(status, Some(svc), None, 51).expect("floor");
        });
        lines.push(queue_line(
            &format!("queue {}: service filter", tab.code()),
            ours,
            base,
        ));
        // A deep page: 80 % of the way down.
        let total = counts
            .iter()
            .find(|(t, _)| *t == tab)
            .map(|x| x.1)
            .unwrap_or(0);
        let offset = (total as usize * 8 / 10).saturating_sub(1);
        if total > 100
            && let Some((due, id)) = store.read(|r| floor::cursor_at(r, status, offset))?
        {
            let ours = repeat(runs, &[()], |_| {
                let mut qq = q(tab);
                qq.after = Some(Cursor {
                    due_date: due.clone(),
                    id,
                });
                desk.queue(s, qq).expect("queue page");
            });
            let base = repeat(runs, &[()], |_| {
                fl.page(status, None, Some((&due, id)), 51).expect("floor");
            });
            lines.push(queue_line(
                &format!("queue {}: page at row {}", tab.code(), offset + 1),
                ours,
                base,
            ));
        }
    }
    let ours = repeat(runs, &[()], |_| {
        desk.queue_counts(s, q(Tab::All)).expect("counts");
    });
    let base = repeat(runs, &[()], |_| {
        fl.counts().expect("floor");
    });
    lines.push(line("tab counts", ours, Some(base), None));

    let iins: Vec<String> = sample
        .iter()
        .filter(|x| !x.1.is_empty())
        .map(|x| x.1.clone())
        .collect();
    let ours = repeat(runs, &iins, |iin| {
        let mut qq = q(Tab::All);
        qq.search = Some(Search::Iin(iin.clone()));
        desk.queue(s, qq).expect("search");
        desk.find_person(s, iin).expect("person");
    });
    let base = repeat(runs, &iins, |iin| {
        fl.by_iin(iin).expect("floor");
    });
    let ok = ours.p95 <= 1.0;
    lines.push(line(
        "search by ИИН (person + applications)",
        ours,
        Some(base),
        Some(("p95 ≤ 1 ms", ok)),
    ));

    // Name prefixes as a clerk types them: the first 3–6 letters of the surname, in capitals
    // half of the time (the search folds case).
    let prefixes: Vec<String> = sample
        .iter()
        .enumerate()
        .map(|(k, x)| {
            let letters: String = x.2.chars().take(3 + k % 4).collect();
            if k % 2 == 0 {
                letters.to_uppercase()
            } else {
                letters
            }
        })
        .collect();
    let ours = repeat(runs, &prefixes, |p| {
        let mut qq = q(Tab::All);
        qq.search = Search::classify(p);
        desk.queue(s, qq).expect("search");
    });
    let base = repeat(runs, &prefixes, |p| {
        fl.by_name(&crate::domain::person::fold_name(p))
            .expect("floor");
    });
    let ok = ours.p95 <= 20.0;
    lines.push(line(
        "search by name prefix",
        ours,
        Some(base),
        Some(("p95 ≤ 20 ms", ok)),
    ));

    let numbers: Vec<String> = sample.iter().map(|x| x.0.clone()).collect();
    let ours = repeat(runs, &numbers, |n| {
        let mut qq = q(Tab::All);
        qq.search = Search::classify(n);
        desk.queue(s, qq).expect("search");
    });
    let base = repeat(runs, &numbers, |n| {
        fl.by_number(n).expect("floor");
    });
    let ok = ours.p95 <= 10.0;
    lines.push(line(
        "search by journal number",
        ours,
        Some(base),
        Some(("p95 ≤ 10 ms", ok)),
    ));

    let ours = repeat(runs, &numbers, |n| {
        desk.application(s, n).expect("application");
    });
    let base = repeat(runs, &numbers, |n| {
        fl.open_application(n).expect("floor");
    });
    let ok = ours.p95 <= 20.0;
    lines.push(line(
        "open application with history",
        ours,
        Some(base),
        Some(("p95 ≤ 20 ms", ok)),
    ));
    Ok(())
}

fn registration(desk: &Desk, rng: &mut StdRng, service: &str, k: usize) -> Registration {
    let cat = desk.catalog();
    let svc = cat.service(service).expect("service in catalogue");
    let person = demo::person(rng, desk.today());
    let mut intake = demo::values(rng, svc, &[FieldStage::Intake], desk.today());
    let (name, birth_year) = demo::name_and_birth_year(&person);
    demo::true_intake(svc, &mut intake, &name, birth_year);
    let files = (0..3u8)
        .map(|i| NewFile {
            checklist_item: svc.documents.get(i as usize).map(|d| d.key.clone()),
            file_name: format!("scan-{k}-{i}.png"),
            // A different page of about 200 KB for every scan, as real scans are.
            bytes: demo::scan_png((k * 3 + usize::from(i)) as u32, 400, 500),
        })
        .collect();
    Registration {
        service: service.into(),
        channel: Channel::Office,
        person,
        intake,
        files,
        missing_reason: Some("bench".into()),
        accepted_at: None,
        external: None,
    }
}

/// Registration with three scans, rendering, signing and verifying.
fn writes(
    desk: &Desk,
    who: &Sessions,
    users: &[DemoUser],
    scratch: &Path,
    runs: usize,
    lines: &mut Vec<Line>,
) -> Result<(), DeskError> {
    let mut rng = StdRng::seed_from_u64(7);
    let mut regs = Vec::new();
    let mut samples = Vec::new();
    for k in 0..runs {
        let service = if k % 2 == 0 {
            "unemployed_certificate"
        } else {
            "asp"
        };
        let r = registration(desk, &mut rng, service, k);
        // A random person may share an ИИН with one of the demo district: the bench changes
        // them on purpose, as a clerk would with a reason.
        let (d, done) = time(|| desk.register_with(Some(&who.registrar), r, Some("bench")));
        regs.push(done?);
        samples.push(d);
    }
    let ours = Stat::of(samples);
    let mut wf = WriteFloor::open(&scratch.join("floor-writes.sqlite"))?;
    let body = "x".repeat(1500);
    let mut samples = Vec::new();
    for _ in 0..runs {
        let (d, r) = time(|| wf.write(&body));
        r?;
        samples.push(d);
    }
    let base = Stat::of(samples);
    let ok = ours.p95 <= 15.0;
    lines.push(line(
        "register with 3 scans (durable)",
        ours,
        Some(base),
        Some(("p95 ≤ 15 ms", ok)),
    ));

    // Take the new applications to the head's desk: assign, decide (approve).
    let cat = desk.catalog();
    let executor_id = who.executor.user_id;
    let mut inputs = std::collections::HashMap::new();
    for r in &regs {
        let app = desk.application(&who.head, &r.number)?.app;
        let svc = cat.service(&app.service).expect("service");
        desk.assign(&who.head, Target::id(r.id), executor_id, "bench")?;
        let mut values = demo::values(
            &mut rng,
            svc,
            &crate::domain::decision::stages(Outcome::Approve),
            desk.today(),
        );
        demo::true_decision(
            &mut rng,
            svc,
            Outcome::Approve,
            &mut values,
            &app.intake,
            desk.today(),
            desk.today(),
        );
        let input = DecisionInput {
            outcome: Outcome::Approve,
            reason: String::new(),
            reason_ru: String::new(),
            ground: None,
            values,
            paper_lang: None,
        };
        desk.submit_draft(&who.executor, Target::id(r.id), &input)?;
        inputs.insert(r.id, (app.service.clone(), input));
    }

    // Render the two kinds of result from their contents.
    for (kind, label) in [
        ("unemployed_certificate", "render certificate PDF"),
        ("asp", "render АСП notice PDF"),
    ] {
        let mut contents: Vec<Content> = Vec::new();
        for r in &regs {
            if let Some((service, input)) = inputs.get(&r.id)
                && service == kind
            {
                contents.push(desk.preview_result(&who.executor, r.id, input)?);
            }
        }
        let ours = repeat(runs, &contents, |c| {
            documents::render(c, Langs::Both, &Stamp::unsigned(c)).expect("render");
        });
        let ok = ours.p95 <= 20.0;
        lines.push(line(label, ours, None, Some(("p95 ≤ 20 ms", ok))));
    }

    // Sign each (one transaction: render, sign, store the paper) and verify the paper.
    let head = demo_user(users, Role::Head)?;
    let key_file = desk
        .default_key_file(&head.iin)
        .ok_or_else(|| DeskError::NotFound("the head's key file".into()))?;
    let key = std::fs::read(key_file).map_err(crate::store::StoreError::from)?;
    let unlocked = desk.unlock_for(
        &who.head,
        &crate::signing::KeyFileProvider,
        &key,
        demo::HEAD_PIN,
    )?;
    let mut samples = Vec::new();
    let mut papers = Vec::new();
    for r in &regs {
        let (d, signed) = time(|| {
            desk.store()
                .write(|tx| desk.sign_in(tx, &who.head, Target::id(r.id), &unlocked))
        });
        let signed = signed?;
        samples.push(d);
        if let Some(p) = desk.signed_paper(signed.document_id)? {
            papers.push(p);
        }
    }
    lines.push(line(
        "sign a result (render, sign, store)",
        Stat::of(samples),
        None,
        None,
    ));
    let mut samples = Vec::new();
    for p in &papers {
        let (d, v) = time(|| desk.verify_pdf(p));
        if !v?.is_valid() {
            return Err(failure("a paper the bench signed did not verify"));
        }
        samples.push(d);
    }
    lines.push(line("verify a signed PDF", Stat::of(samples), None, None));
    Ok(())
}

/// The gateway routes an office's notice only about a request its recipient sent to that
/// office; the demo's requests never passed through this fresh gateway, so they are stored in
/// it first, as ЦОН and the portal would have sent them.
fn seed_requests(desk: &Desk, gw_db: &Path, n: usize) -> Result<(), DeskError> {
    let office = desk.office().code.clone();
    let rows = desk.store().read(|r| crate::store::outbox::pending(r, n))?;
    let mut seen = std::collections::BTreeSet::new();
    let mut wanted: Vec<(String, String)> = Vec::new();
    for row in rows {
        let p: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or_default();
        if let (Some(c), Some(r)) = (p["correlationId"].as_str(), p["recipient"].as_str())
            && seen.insert(c.to_string())
        {
            wanted.push((c.to_string(), r.to_string()));
        }
    }
    let gw = crate::gateway::store::GatewayStore::open(gw_db)?;
    let items: Vec<crate::gateway::store::Incoming<'_>> = wanted
        .iter()
        .map(|(id, from)| crate::gateway::store::Incoming {
            message_id: id,
            body_hash: id,
            sender: from,
            route_id: &office,
            message_type: "REQUEST",
            correlation_id: None,
            envelope: "{}",
            blob_refs: &[],
        })
        .collect();
    gw.accept_many(&items, |_, _| String::new())?;
    Ok(())
}

/// Drains `n` real outbox messages (the newest delivered ones, put back) to a gateway on
/// loopback. Returns (messages, messages per second).
fn drain(
    desk: Arc<Desk>,
    scratch: &Path,
    n: usize,
    requests: usize,
) -> Result<(usize, f64), DeskError> {
    let gw_db = scratch.join("gateway.sqlite");
    for p in [gw_db.clone(), gw_db.with_extension("sqlite-wal")] {
        let _ = std::fs::remove_file(p);
    }
    let _ = std::fs::remove_dir_all(scratch.join("gateway.sqlite.blobs"));
    let office = desk.office().code.clone();
    let mut token = String::new();
    for client in [office.as_str(), "portal", &format!("con-{office}")] {
        let t = crate::gateway::add_client(&gw_db, client)?;
        if client == office {
            token = t;
        }
    }
    let now = crate::desk::stamp(desk.now());
    let queued = desk
        .store()
        .write(|tx| floor::requeue_delivered(tx, n, &now, keep_papers(requests)))?;
    seed_requests(&desk, &gw_db, queued)?;
    let rt = tokio::runtime::Runtime::new().map_err(crate::store::StoreError::from)?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(crate::store::StoreError::from)?;
        let addr = listener
            .local_addr()
            .map_err(crate::store::StoreError::from)?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(crate::gateway::serve(listener, gw_db, async {
            let _ = stopped.await;
        }));
        let client = crate::sync::client::Client::new(&format!("http://{addr}"), &token);
        let t = Instant::now();
        let mut sent = 0;
        let mut errors = Vec::new();
        // Exchanges until the queue is empty (each exchange sends everything that is due).
        for _ in 0..5 {
            let rep = crate::sync::engine::exchange(
                desk.clone(),
                &client,
                &crate::sync::engine::Options::default(),
            )
            .await;
            sent += rep.sent;
            errors.extend(rep.errors);
            if sent >= queued || rep.sent == 0 {
                break;
            }
        }
        let secs = t.elapsed().as_secs_f64();
        let _ = stop.send(());
        let _ = server.await;
        if sent < queued {
            return Err(failure(format!(
                "drained {sent} of {queued}: {}",
                errors.first().cloned().unwrap_or_default()
            )));
        }
        Ok((sent, sent as f64 / secs.max(1e-9)))
    })
}

/// What `mio-desk bench --probe` prints when the desk is ready: the first queue page and
/// the tab counts are loaded. The parent times the process from spawn to this line.
pub fn probe(dir: DataDir) -> Result<String, DeskError> {
    let desk = Desk::open(dir, Arc::new(SystemClock), Options::default())?;
    let users = demo::users();
    let head = demo_user(&users, Role::Head)?;
    // Ready = what the window shows after login: the session, counts and the first page.
    let session = desk.login(&head.iin, &head.password)?;
    let q = Query {
        tab: Some(Tab::Registered),
        limit: 50,
        today: desk.today().to_string(),
        ..Default::default()
    };
    let counts = desk.queue_counts(&session, q.clone())?;
    let page = desk.queue(&session, q)?;
    let (rss, _) = rss_mb();
    Ok(format!(
        "ready {} {} {rss:.1}",
        counts.len(),
        page.rows.len()
    ))
}

fn start_to_ready(exe: &Path, dir: &DataDir, runs: usize) -> Result<(Stat, f64), DeskError> {
    let mut samples = Vec::new();
    let mut rss = 0.0f64;
    for _ in 0..runs {
        let t = Instant::now();
        let mut child = Command::new(exe)
            .arg("--data-dir")
            .arg(&dir.root)
            .args(["bench", "--probe"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(crate::store::StoreError::from)?;
        let out = child.stdout.take().expect("piped stdout");
        let mut first = String::new();
        BufReader::new(out)
            .read_line(&mut first)
            .map_err(crate::store::StoreError::from)?;
        let d = t.elapsed();
        let _ = child.wait();
        let parts: Vec<&str> = first.split_whitespace().collect();
        if parts.first() != Some(&"ready") {
            return Err(failure(format!("the probe did not get ready: {first:?}")));
        }
        rss = rss.max(parts.get(3).and_then(|x| x.parse().ok()).unwrap_or(0.0));
        samples.push(d);
    }
    Ok((Stat::of(samples), rss))
}

/// Runs the bench.
pub fn run(
    settings: &Settings,
    exe: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<Report, DeskError> {
    let mut build_progress = |done: usize, total: usize| {
        progress(&format!("demo {done}/{total}"));
    };
    let (dir, built) = district(&settings.root, settings.requests, &mut build_progress)?;
    let scratch = dir.root.parent().unwrap_or(&dir.root).join("scratch");
    std::fs::create_dir_all(&scratch).map_err(crate::store::StoreError::from)?;

    progress("start to ready");
    let (start, ready_rss) = start_to_ready(exe, &dir, 15)?;

    let desk = Arc::new(Desk::open(
        dir.clone(),
        Arc::new(SystemClock),
        Options::default(),
    )?);
    let users = demo::users();
    let who = Sessions {
        registrar: login(&desk, &users, Role::Registrar)?,
        head: login(&desk, &users, Role::Head)?,
        executor: login(&desk, &users, Role::Executor)?,
    };
    let fl = Floor::open(&dir.db())?;
    let mut lines = Vec::new();
    progress("queues and searches");
    reads(&desk, &fl, &who.head, settings.runs, &mut lines)?;
    progress("registration, rendering, signing");
    writes(
        &desk,
        &who,
        &users,
        &scratch,
        (settings.runs / 4).max(10),
        &mut lines,
    )?;
    progress("gateway drain");
    let (drained, per_s) = drain(desk.clone(), &scratch, settings.drain, settings.requests)?;

    let applications = desk
        .queue_counts(&who.head, Query::default())?
        .into_iter()
        .find(|(t, _)| *t == Tab::All)
        .map(|x| x.1)
        .unwrap_or(0);
    let persons = desk
        .store()
        .read(|r| crate::store::people::count_persons(r))?;
    let (_, peak) = rss_mb();
    Ok(Report {
        machine: machine(),
        requests: settings.requests,
        applications,
        persons,
        database_mb: floor::file_bytes(&dir.db()) as f64 / 1e6,
        documents_mb: dir_bytes(&dir.documents()) as f64 / 1e6,
        built_in_s: built,
        lines,
        drain_messages: drained,
        drain_per_s: per_s,
        drain_met: per_s >= 1000.0,
        start_met: start.p95 <= 1000.0,
        start_to_ready: start,
        ready_rss_mb: ready_rss,
        peak_rss_mb: peak,
        rss_met: ready_rss <= 200.0,
    })
}

fn mark(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "",
    }
}

/// The report as a Markdown table (what the README shows).
pub fn table(r: &Report) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "{} applications, {} persons; database {:.0} MB, signed papers {:.0} MB{}{}\n",
        r.applications,
        r.persons,
        r.database_mb,
        r.documents_mb,
        if keep_papers(r.requests) {
            ""
        } else {
            " (papers of the history not kept, see bench::keep_papers)"
        },
        r.built_in_s
            .map(|b| format!("; district made in {b:.0} s"))
            .unwrap_or_default()
    ));
    s.push_str(&format!("machine: {}\n\n", r.machine));
    s.push_str("| operation | p50 ms | p95 ms | max ms | floor p50 | floor p95 | ×floor (p95) | target (at 300k) | met |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
    for l in &r.lines {
        let (fp50, fp95, ratio) = match &l.floor {
            Some(f) => (
                format!("{:.3}", f.p50),
                format!("{:.3}", f.p95),
                format!("{:.1}", l.ours.p95 / f.p95.max(0.001)),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        s.push_str(&format!(
            "| {} | {:.3} | {:.3} | {:.3} | {} | {} | {} | {} | {} |\n",
            l.op,
            l.ours.p50,
            l.ours.p95,
            l.ours.max,
            fp50,
            fp95,
            ratio,
            l.target.clone().unwrap_or_default(),
            mark(l.met)
        ));
    }
    s.push_str(&format!(
        "| start to ready (process) | {:.1} | {:.1} | {:.1} | | | | ≤ 1000 ms | {} |\n",
        r.start_to_ready.p50,
        r.start_to_ready.p95,
        r.start_to_ready.max,
        mark(Some(r.start_met))
    ));
    s.push_str(&format!(
        "\ngateway drain: {} messages at {:.0} messages/s (target ≥ 1000: {})\n",
        r.drain_messages,
        r.drain_per_s,
        mark(Some(r.drain_met))
    ));
    s.push_str(&format!(
        "memory: {:.0} MB resident when ready (target ≤ 200: {}); the bench process peaked at {:.0} MB\n",
        r.ready_rss_mb,
        mark(Some(r.rss_met)),
        r.peak_rss_mb
    ));
    s
}
