//! `mio-desk bench --database postgres://…`: an office of several PCs at work on one office
//! server. The synthetic district (the same one the one-PC bench uses) is copied once into the
//! given empty database; then 8 workstations, each its own desk joined to the office as a PC
//! is, register, page their queue and search by ИИН at the same time, while one more PC listens
//! to the change notices and times how long each registration takes to reach it. The same load
//! runs on the district's SQLite file (8 clerks on one PC) and the two are printed side by side.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::Serialize;

use super::{Settings, Stat, district, failure, registration};
use crate::bench::demo::{self, DemoUser};
use crate::desk::{DataDir, Desk, DeskError, Options, SystemClock};
use crate::domain::model::Role;
use crate::store::pg::Probe;
use crate::store::queue::{Query, Search, Tab};
use crate::store::{Db, Store, StoreError};

/// Workstations working at once.
pub const WORKSTATIONS: usize = 8;

/// One operation on both backends.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub op: String,
    pub sqlite: Option<Stat>,
    pub postgres: Stat,
    pub target: String,
    pub met: bool,
}

/// What the office-server bench found.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeReport {
    pub machine: String,
    pub applications: i64,
    pub workstations: usize,
    /// Rounds of (queue page, search, registration) each workstation ran.
    pub rounds: usize,
    /// Seconds the copy of the district onto the server took, when this run made it.
    pub copied_in_s: Option<f64>,
    pub pairs: Vec<Pair>,
}

/// Samples of one workstation's rounds.
#[derive(Default)]
struct Samples {
    queue: Vec<Duration>,
    search: Vec<Duration>,
    register: Vec<Duration>,
    /// Application id → when its registration returned.
    committed: Vec<(i64, Instant)>,
}

/// The district on the server: copied from its SQLite file into an empty database, or found
/// there from an earlier run (the same office code and application count).
fn on_server(
    dir: &DataDir,
    url: &str,
    progress: &mut dyn FnMut(&str),
) -> Result<Option<f64>, DeskError> {
    let target = crate::store::pg::parse_target(url).map_err(StoreError::from)?;
    let src = Store::open(&dir.db())?;
    let office = src
        .read(|r| crate::store::office(r))?
        .ok_or_else(|| failure("the synthetic district has no office"))?;
    let count = |s: &Store| {
        s.read(|r| {
            r.query_one("SELECT count(*) FROM applications", &[])?
                .get::<i64>(0)
        })
    };
    match crate::store::pg::probe(&target)? {
        Probe::Office { code, .. } => {
            let dst = Store::connect(&target)?;
            if code == office.code && count(&dst)? == count(&src)? {
                return Ok(None);
            }
            Err(failure(format!(
                "the bench database holds another office ({code}): give it an empty database"
            )))
        }
        Probe::Empty => {
            let dst = Store::connect(&target)?;
            let t = Instant::now();
            crate::store::copy::sqlite_to_server(&src, &dst, &mut |table, n| {
                progress(&format!("copy to the server: {table} ({n} rows)"));
            })?;
            // The copy is the office; the planner learns its tables before timing starts.
            dst.write(|tx| {
                tx.execute("ANALYZE", &[])?;
                Ok::<_, StoreError>(())
            })?;
            Ok(Some(t.elapsed().as_secs_f64()))
        }
    }
}

/// A workstation of the bench office: joined once, opened again on later runs.
fn workstation(scratch: &std::path::Path, url: &str, k: usize) -> Result<Desk, DeskError> {
    let dir = DataDir::new(scratch.join(format!("pc-{k:02}"))).with_database(url)?;
    if dir.server_file()?.is_some() {
        return Desk::open(dir, Arc::new(SystemClock), Options::default());
    }
    Desk::join(
        dir,
        &format!("B{k}"),
        Arc::new(SystemClock),
        Options::default(),
    )
}

/// `rounds` of (first queue page, search by ИИН, registration with three scans) on each desk,
/// all desks at once.
fn load(desks: &[Arc<Desk>], users: &[DemoUser], iins: &[String], rounds: usize) -> Samples {
    let registrar = users
        .iter()
        .find(|u| u.role == Role::Registrar)
        .expect("demo registrar");
    let all = Mutex::new(Samples::default());
    std::thread::scope(|scope| {
        for (k, desk) in desks.iter().enumerate() {
            let all = &all;
            scope.spawn(move || {
                let s = desk
                    .login(&registrar.iin, &registrar.password)
                    .expect("login");
                // New people every run: the district is reused, and a person may have only
                // one open application of a service.
                let seed = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or_default();
                let mut rng = StdRng::seed_from_u64(seed ^ ((k as u64) << 48));
                let mut mine = Samples::default();
                let today = desk.today().to_string();
                let q = || Query {
                    tab: Some(Tab::Registered),
                    limit: 50,
                    today: today.clone(),
                    ..Default::default()
                };
                for round in 0..rounds {
                    let t = Instant::now();
                    desk.queue(&s, q()).expect("queue page");
                    mine.queue.push(t.elapsed());
                    let iin = &iins[(k * rounds + round) % iins.len().max(1)];
                    let t = Instant::now();
                    let mut qq = q();
                    qq.tab = Some(Tab::All);
                    qq.search = Some(Search::Iin(iin.clone()));
                    desk.queue(&s, qq).expect("search");
                    desk.find_person(&s, iin).expect("person");
                    mine.search.push(t.elapsed());
                    let service = if round % 2 == 0 {
                        "unemployed_certificate"
                    } else {
                        "asp"
                    };
                    let r = registration(desk, &mut rng, service, k * 10_000 + round);
                    let t = Instant::now();
                    let done = desk.register(Some(&s), r).expect("register");
                    let now = Instant::now();
                    mine.register.push(now - t);
                    mine.committed.push((done.id, now));
                }
                let mut a = all.lock().unwrap_or_else(|p| p.into_inner());
                a.queue.extend(mine.queue);
                a.search.extend(mine.search);
                a.register.extend(mine.register);
                a.committed.extend(mine.committed);
            });
        }
    });
    all.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// Runs the office-server bench against the empty (or earlier bench) database at `url`.
pub fn run(
    settings: &Settings,
    url: &str,
    progress: &mut dyn FnMut(&str),
) -> Result<OfficeReport, DeskError> {
    let mut build_progress = |done: usize, total: usize| {
        progress(&format!("demo {done}/{total}"));
    };
    let (dir, _) = district(&settings.root, settings.requests, &mut build_progress)?;
    let scratch = dir
        .root
        .parent()
        .unwrap_or(&dir.root)
        .join("scratch-office");
    std::fs::create_dir_all(&scratch).map_err(StoreError::from)?;
    let copied = on_server(&dir, url, progress)?;
    let users = demo::users();
    let rounds = (settings.runs / 4).max(10);

    progress("8 workstations on the server");
    let desks: Vec<Arc<Desk>> = (1..=WORKSTATIONS)
        .map(|k| workstation(&scratch, url, k).map(Arc::new))
        .collect::<Result<_, _>>()?;
    let iins: Vec<String> = desks[0]
        .store()
        .read(|r| crate::store::bench::sample(r, 400, 0x5eed))?
        .into_iter()
        .map(|x| x.1)
        .filter(|i| !i.is_empty())
        .collect();
    // One more PC listens and notes when each change reaches it.
    let listener = workstation(&scratch, url, WORKSTATIONS + 1)?;
    let rx = listener
        .listen()
        .ok_or_else(|| failure("an office on the server listens"))?;
    let heard: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ear = {
        let (heard, stop) = (heard.clone(), stop.clone());
        std::thread::spawn(move || {
            use crate::store::live::Event;
            let mut connected = false;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                match rx.recv_timeout(Duration::from_millis(50)) {
                    Ok(Event::Connected) => connected = true,
                    Ok(Event::Changed(n)) => {
                        if let Some(app) = n.app {
                            heard
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .entry(app)
                                .or_insert_with(Instant::now);
                        }
                    }
                    Ok(Event::Lost(_)) => connected = false,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(_) => break,
                }
            }
            connected
        })
    };
    // Listening before the first registration.
    std::thread::sleep(Duration::from_millis(500));
    let pg = load(&desks, &users, &iins, rounds);
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = ear.join();
    let heard = heard.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let mut delays = Vec::new();
    let mut missed = 0;
    for (id, committed) in &pg.committed {
        match heard.get(id) {
            // Heard before the registering call returned: no delay to speak of.
            Some(at) => delays.push(at.saturating_duration_since(*committed)),
            None => missed += 1,
        }
    }
    if missed > 0 {
        return Err(failure(format!(
            "{missed} of {} registrations were never heard by the other PC",
            pg.committed.len()
        )));
    }

    progress("8 clerks on the SQLite file");
    let lite = Arc::new(Desk::open(
        dir.clone(),
        Arc::new(SystemClock),
        Options::default(),
    )?);
    let lite_desks: Vec<Arc<Desk>> = (0..WORKSTATIONS).map(|_| lite.clone()).collect();
    let sq = load(&lite_desks, &users, &iins, rounds);

    let applications = desks[0].store().read(|r| {
        r.query_one("SELECT count(*) FROM applications", &[])?
            .get::<i64>(0)
    })?;
    let pair = |op: &str, s: Option<Vec<Duration>>, p: Vec<Duration>, limit: f64| {
        let postgres = Stat::of(p);
        Pair {
            op: op.to_string(),
            sqlite: s.map(Stat::of),
            met: postgres.p95 <= limit,
            postgres,
            target: format!("p95 ≤ {limit} ms"),
        }
    };
    Ok(OfficeReport {
        machine: super::machine(),
        applications,
        workstations: WORKSTATIONS,
        rounds,
        copied_in_s: copied,
        pairs: vec![
            pair(
                "queue registered: first page",
                Some(sq.queue),
                pg.queue,
                5.0,
            ),
            pair(
                "search by ИИН (person + applications)",
                Some(sq.search),
                pg.search,
                5.0,
            ),
            pair(
                "register with 3 scans (durable)",
                Some(sq.register),
                pg.register,
                25.0,
            ),
            pair(
                "live update: commit to the other PC's notice",
                None,
                delays,
                200.0,
            ),
        ],
    })
}

/// The report as a Markdown table (what the README shows).
pub fn table(r: &OfficeReport) -> String {
    let mut s = format!(
        "{} applications; {} workstations at once, {} rounds each (queue page, search, \
         registration){}\nmachine: {}\n\n",
        r.applications,
        r.workstations,
        r.rounds,
        r.copied_in_s
            .map(|c| format!("; district copied onto the server in {c:.0} s"))
            .unwrap_or_default(),
        r.machine
    );
    s.push_str("| operation | SQLite p50 | SQLite p95 | PostgreSQL p50 | PostgreSQL p95 | PostgreSQL max | target | met |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---|---|\n");
    for p in &r.pairs {
        let (a, b) = match &p.sqlite {
            Some(x) => (format!("{:.3}", x.p50), format!("{:.3}", x.p95)),
            None => ("—".into(), "—".into()),
        };
        s.push_str(&format!(
            "| {} | {a} | {b} | {:.3} | {:.3} | {:.3} | {} | {} |\n",
            p.op,
            p.postgres.p50,
            p.postgres.p95,
            p.postgres.max,
            p.target,
            if p.met { "yes" } else { "NO" }
        ));
    }
    s
}
