//! An office of several PCs on one PostgreSQL database, played by real `mio-desk` processes
//! (each PC its own data directory, `init --database` on the first, `join` on the others): four
//! workstations register, assign, draft, sign and issue at once for a bounded time while one of
//! their processes is killed with `kill -9` mid-write; afterwards every count adds up, numbers are
//! unique, the audit chain is one unbroken line and every application's history is whole. Also
//! the set-up's refusals (a workstation code taken, a second office, a newer schema, a server
//! that is not there) and `move-to` of a one-PC office onto the server with its proof.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mio_desk::store::testing::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_mio-desk");
const PASSWORD: &str = "Secret2026";
const PIN: &str = "135790";

const REGISTRAR: &str = "850315300128";
const HEAD: &str = "791028302728";
const EXECUTOR: &str = "061211600012";
const ADMIN: &str = "780412441212";

#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn command(dir: &Path, url: Option<&str>, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir").arg(dir);
    if let Some(u) = url {
        c.arg("--database").arg(u);
    }
    c.args(args)
        .env("MIO_DESK_LANG", "ru")
        .env_remove("MIO_DESK_DATABASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn run(dir: &Path, url: Option<&str>, args: &[&str], stdin: &str) -> Out {
    let mut child = command(dir, url, args).spawn().expect("spawn mio-desk");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

#[track_caller]
fn ok(o: Out) -> Out {
    assert_eq!(o.code, 0, "expected success: {o:#?}");
    o
}

#[track_caller]
fn refused(o: &Out) {
    assert!(
        o.code != 0 && o.code != 101 && o.code != -1,
        "expected a clean refusal: {o:#?}"
    );
    assert!(!o.stderr.contains("panicked"), "{o:#?}");
    assert!(!o.stderr.trim().is_empty(), "{o:#?}");
}

fn json(o: &Out) -> serde_json::Value {
    serde_json::from_str(o.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {o:#?}"))
}

/// An office of `n` PCs on a fresh database: PC 01 makes it, the others join.
struct Office {
    _db: TestDb,
    url: String,
    root: tempfile::TempDir,
    pcs: Vec<PathBuf>,
    key: PathBuf,
}

fn office(n: usize) -> Option<Office> {
    let db = TestDb::empty()?;
    let root = tempfile::tempdir().unwrap();
    let url = db.url.clone();
    let mut pcs = Vec::new();
    for i in 1..=n {
        pcs.push(root.path().join(format!("pc{i:02}")));
    }
    ok(run(
        &pcs[0],
        Some(&url),
        &[
            "init",
            "--office-code",
            "0412",
            "--office-name-kk",
            "Ақсу ауданының бөлімі",
            "--office-name-ru",
            "Отдел Аксуского района",
            "--workstation",
            "01",
        ],
        "",
    ));
    for (i, pc) in pcs.iter().enumerate().skip(1) {
        ok(run(
            pc,
            Some(&url),
            &["join", "--workstation", &format!("{:02}", i + 1)],
            "",
        ));
    }
    for (iin, name, role) in [
        (ADMIN, "Сейітова Жанар", "admin"),
        (REGISTRAR, "Нұрланов Ерлан", "registrar"),
        (HEAD, "Өтегенова Сәуле", "head"),
        (EXECUTOR, "Бекмұхамедов Асқар", "executor"),
    ] {
        // Any PC adds a user: they all see the same users. (Without --database: each PC
        // finds its server in its own server.toml.)
        ok(run(
            &pcs[1 % n],
            None,
            &[
                "user",
                "add",
                "--iin",
                iin,
                "--name",
                name,
                "--role",
                role,
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        ));
    }
    ok(run(
        &pcs[0],
        None,
        &["cert", "issue", "--iin", HEAD, "--pin-stdin"],
        &format!("{PIN}\n"),
    ));
    let key = std::fs::read_dir(pcs[0].join("keys"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().contains(HEAD))
        .expect("the head's key file");
    Some(Office {
        _db: db,
        url,
        root,
        pcs,
        key,
    })
}

fn act(pc: &Path, args: &[&str], secrets: &str) -> Out {
    let mut all = vec!["act"];
    all.extend_from_slice(args);
    run(pc, None, &all, secrets)
}

fn scan_args(dir: &Path) -> Vec<String> {
    let png = dir.join("id.png");
    if !png.exists() {
        std::fs::write(&png, mio_desk::bench::demo::sample_png(2)).unwrap();
    }
    vec![
        "--attach".into(),
        format!("identity_document={}", png.display()),
        "--attach".into(),
        format!("application={}", png.display()),
    ]
}

fn register(pc: &Path, iin: &str, dir: &Path) -> Out {
    let scans = scan_args(dir);
    let mut args: Vec<&str> = vec![
        "register",
        "--user",
        REGISTRAR,
        "--service",
        "unemployed_certificate",
        "--iin",
        iin,
        "--surname",
        "Әбілқасымова",
        "--first-name",
        "Гүлшат",
        "--field",
        "period_from=2025",
        "--field",
        "period_to=2026",
        "--json",
    ];
    args.extend(scans.iter().map(String::as_str));
    act(pc, &args, &format!("{PASSWORD}\n"))
}

/// Valid ИИНs of people born in the 1990s, distinct per `n`.
fn iin(n: usize) -> String {
    let yy = 90 + (n / 300) % 10;
    let mm = 1 + (n / 28) % 12;
    let dd = 1 + n % 28;
    let serial = 1000 + n % 9000;
    for c in [3, 4] {
        let body = format!("{yy:02}{mm:02}{dd:02}{c}{serial:04}");
        let d: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
        let w1: u32 = d.iter().zip(1..=11).map(|(a, w)| a * w).sum::<u32>() % 11;
        let k = if w1 == 10 {
            let w2: u32 = d
                .iter()
                .zip([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])
                .map(|(a, w)| a * w)
                .sum::<u32>()
                % 11;
            if w2 == 10 {
                continue;
            }
            w2
        } else {
            w1
        };
        return format!("{body}{k}");
    }
    iin(n + 7919)
}

fn decision_args() -> Vec<&'static str> {
    vec![
        "--approve",
        "--field",
        "registered_on=2026-03-10",
        "--field",
        "public_works=yes",
        "--field",
        "training=no",
        "--field",
        "asp_housing=no",
        "--field",
        "presented_to.kk=талап ету орны бойынша",
        "--field",
        "presented_to.ru=по месту требования",
    ]
}

/// One step forward for an application, as the PC's next clerk would take it (the issue, which
/// needs the applicant's ИИН, is taken by the caller).
fn advance(o: &Office, pc: &Path, number: &str, status: &str) -> Option<Out> {
    let secrets = format!("{PASSWORD}\n");
    Some(match status {
        "registered" => act(
            pc,
            &[
                "assign",
                "--user",
                HEAD,
                "--number",
                number,
                "--executor",
                EXECUTOR,
                "--json",
            ],
            &secrets,
        ),
        "in_work" => {
            let mut a = vec!["submit", "--user", EXECUTOR, "--number", number, "--json"];
            a.extend(decision_args());
            act(pc, &a, &secrets)
        }
        "awaiting_signature" => act(
            pc,
            &[
                "sign",
                "--user",
                HEAD,
                "--number",
                number,
                "--key",
                o.key.to_str().unwrap(),
                "--json",
            ],
            &format!("{PASSWORD}\n{PIN}\n"),
        ),
        _ => return None,
    })
}

fn list(pc: &Path) -> Vec<serde_json::Value> {
    let o = ok(run(pc, None, &["request", "list", "--json"], ""));
    json(&o).as_array().cloned().unwrap_or_default()
}

#[test]
fn four_pcs_work_one_office_at_once_and_a_killed_one_loses_nothing() {
    let Some(o) = office(4) else { return };
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicUsize::new(0));
    let refused_clean = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(25);
    let scratch = o.root.path().join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    std::thread::scope(|scope| {
        for pc in &o.pcs {
            let (stop, next, refused_clean, scratch, o) = (
                stop.clone(),
                next.clone(),
                refused_clean.clone(),
                scratch.clone(),
                &o,
            );
            scope.spawn(move || {
                while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
                    // Register a new application, then push the oldest open ones a step on:
                    // the four PCs often pick the same one, and one of them must lose cleanly.
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let r = register(pc, &iin(n), &scratch);
                    if r.code != 0 {
                        refused(&r);
                        refused_clean.fetch_add(1, Ordering::Relaxed);
                    }
                    let apps = list(pc);
                    for a in apps.iter().filter(|a| a["status"] != "issued").take(3) {
                        let number = a["number"].as_str().unwrap().to_string();
                        let status = a["status"].as_str().unwrap().to_string();
                        let out = if status == "signed" {
                            let applicant = a["iin"].as_str().unwrap().to_string();
                            act(
                                pc,
                                &[
                                    "issue",
                                    "--user",
                                    REGISTRAR,
                                    "--number",
                                    &number,
                                    "--collector",
                                    &applicant,
                                ],
                                &format!("{PASSWORD}\n"),
                            )
                        } else {
                            match advance(o, pc, &number, &status) {
                                Some(out) => out,
                                None => continue,
                            }
                        };
                        if out.code != 0 {
                            // Someone else moved it first: the clear "changed by someone
                            // else" or "not allowed in this state", never a crash.
                            refused(&out);
                            refused_clean.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
        // A fifth clerk on PC 03 whose register processes are killed with kill -9 mid-write.
        let (o, scratch, next) = (&o, scratch.clone(), next.clone());
        scope.spawn(move || {
            let mut killed = 0;
            let mut k = 0u64;
            while Instant::now() < deadline && killed < 6 {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let scans = scan_args(&scratch);
                let iin = iin(n);
                let mut args: Vec<&str> = vec![
                    "act",
                    "register",
                    "--user",
                    REGISTRAR,
                    "--service",
                    "unemployed_certificate",
                    "--iin",
                    &iin,
                    "--surname",
                    "Қасымов",
                    "--first-name",
                    "Ерлан",
                    "--field",
                    "period_from=2025",
                    "--field",
                    "period_to=2026",
                ];
                args.extend(scans.iter().map(String::as_str));
                let mut child: Child = command(&o.pcs[2], None, &args).spawn().unwrap();
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(format!("{PASSWORD}\n").as_bytes())
                    .unwrap();
                // Somewhere inside: connecting, hashing the password, writing.
                k = k
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                std::thread::sleep(Duration::from_millis(40 + (k >> 33) % 400));
                let _ = child.kill();
                let _ = child.wait();
                killed += 1;
            }
        });
    });
    stop.store(true, Ordering::Relaxed);

    // Afterwards, through the library on PC 01's view of the office.
    let desk = mio_desk::desk::Desk::open(
        mio_desk::desk::DataDir::new(&o.pcs[0]),
        Arc::new(mio_desk::desk::SystemClock),
        mio_desk::desk::Options::default(),
    )
    .unwrap();
    let chain = desk.verify_audit().unwrap();
    assert!(chain.problem.is_none(), "{chain:?}");
    let apps = list(&o.pcs[3]);
    assert!(apps.len() >= 8, "too little happened: {}", apps.len());
    // Numbers unique, every workstation's own prefix.
    let numbers: BTreeSet<&str> = apps.iter().map(|a| a["number"].as_str().unwrap()).collect();
    assert_eq!(numbers.len(), apps.len());
    let prefixes: BTreeSet<&str> = numbers.iter().map(|n| &n[5..7]).collect();
    assert!(prefixes.len() >= 3, "{prefixes:?}");
    let outgoing: Vec<&str> = apps
        .iter()
        .filter_map(|a| a.get("outgoing_number").and_then(|v| v.as_str()))
        .collect();
    let unique_out: BTreeSet<&&str> = outgoing.iter().collect();
    assert_eq!(unique_out.len(), outgoing.len());
    // Tab counts exact: the kept counts agree with the rows.
    let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
    for a in &apps {
        *by_status
            .entry(a["status"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let head = desk.login(HEAD, PASSWORD).unwrap();
    let counts = desk
        .queue_counts(&head, mio_desk::store::queue::Query::default())
        .unwrap();
    for (tab, n) in counts {
        if let Some(s) = tab.status() {
            assert_eq!(n, by_status.get(s.code()).copied().unwrap_or(0), "{tab:?}");
        }
    }
    // Every application's history is whole for where it stands, and nothing half-made:
    // each registered application has its receipt, each signed one its paper.
    let want: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("registered", &["register"][..]),
        ("in_work", &["register", "assign"][..]),
        (
            "awaiting_signature",
            &["register", "assign", "submit_draft"][..],
        ),
        (
            "signed",
            &["register", "assign", "submit_draft", "sign"][..],
        ),
        (
            "issued",
            &["register", "assign", "submit_draft", "sign", "issue"][..],
        ),
    ]);
    let mut issued = 0;
    for a in &apps {
        let v = desk
            .application(&head, a["number"].as_str().unwrap())
            .unwrap();
        // Two heads may both assign the same case: the second is a reassignment of what the
        // first did, which the history shows as such.
        let actions: Vec<&str> = v.history.iter().map(|h| h.action.as_str()).collect();
        let steps: Vec<&str> = actions
            .iter()
            .copied()
            .filter(|a| *a != "reassign")
            .collect();
        let expect = want[v.app.status.code()];
        assert_eq!(steps, expect, "{}: {actions:?}", v.app.number);
        if let Some(i) = actions.iter().position(|a| *a == "reassign") {
            assert!(actions[..i].contains(&"assign"), "{actions:?}");
        }
        assert!(
            v.documents.iter().any(|d| d.kind == "receipt"),
            "{} has no receipt",
            v.app.number
        );
        if v.app.status.code() == "issued" {
            issued += 1;
        }
    }
    assert!(issued >= 1, "no application went the whole way");
    assert!(
        refused_clean.load(Ordering::Relaxed) > 0,
        "the PCs never met"
    );
    assert!(desk.integrity_check().unwrap().is_empty());
}

#[test]
fn setting_up_an_office_on_the_server_refuses_what_it_must() {
    let Some(o) = office(2) else { return };
    // A second PC claiming workstation 02 is refused; PC 02 joining again is fine.
    let third = o.root.path().join("pc03");
    let r = run(&third, Some(&o.url), &["join", "--workstation", "02"], "");
    refused(&r);
    assert!(r.stderr.contains("02"), "{r:#?}");
    ok(run(
        &o.pcs[1],
        Some(&o.url),
        &["join", "--workstation", "02"],
        "",
    ));
    // A new office on a server that holds one: join instead.
    let r = run(
        &third,
        Some(&o.url),
        &[
            "init",
            "--office-code",
            "0999",
            "--office-name-kk",
            "Басқа",
            "--office-name-ru",
            "Другой",
            "--workstation",
            "09",
        ],
        "",
    );
    refused(&r);
    assert!(
        r.stderr.contains("0412") && r.stderr.contains("join"),
        "{r:#?}"
    );
    // A server that is not there, and an address that is not one.
    let r = run(
        &third,
        Some("postgres://mio@127.0.0.1:1/office"),
        &["request", "list"],
        "",
    );
    refused(&r);
    assert!(r.stderr.contains("сервер"), "{r:#?}");
    let r = run(&third, Some("mysql://x@y/z"), &["request", "list"], "");
    refused(&r);
    // A database that is someone else's.
    let other = TestDb::empty().unwrap();
    {
        let mut c = postgres::Client::connect(&other.url, postgres::NoTls).unwrap();
        c.batch_execute("CREATE TABLE invoices (id int)").unwrap();
    }
    let r = run(
        &third,
        Some(&other.url),
        &["join", "--workstation", "03"],
        "",
    );
    refused(&r);
    assert!(r.stderr.contains("mio-desk"), "{r:#?}");
    // A database a newer program set up: every PC refuses it by name.
    {
        let mut c = postgres::Client::connect(&o.url, postgres::NoTls).unwrap();
        c.execute(
            "INSERT INTO mio_schema(version, name, applied_at) VALUES (999, '999-future', 'x')",
            &[],
        )
        .unwrap();
    }
    let r = run(&o.pcs[0], None, &["request", "list"], "");
    refused(&r);
    assert!(r.stderr.contains("999"), "{r:#?}");
}

#[test]
fn a_one_pc_office_moves_to_the_server_and_proves_it() {
    let Some(db) = TestDb::empty() else { return };
    let root = tempfile::tempdir().unwrap();
    let pc = root.path().join("pc");
    let demo = ok(run(&pc, None, &["demo", "--requests", "40"], ""));
    assert!(demo.stdout.contains("0412") || !demo.stdout.is_empty());
    let before = list(&pc);
    let r = ok(run(&pc, Some(&db.url), &["move-to"], ""));
    assert!(
        r.stdout.contains("audit") || r.stdout.contains("аудит"),
        "{r:#?}"
    );
    // The PC now works on the server (its server.toml), the file kept beside.
    assert!(pc.join("server.toml").exists());
    assert!(pc.join("desk-before-move.sqlite").exists());
    assert!(!pc.join("desk.sqlite").exists());
    let after = list(&pc);
    assert_eq!(before.len(), after.len());
    let a: BTreeSet<String> = before.iter().map(|x| x.to_string()).collect();
    let b: BTreeSet<String> = after.iter().map(|x| x.to_string()).collect();
    assert_eq!(a, b);
    ok(run(&pc, None, &["audit", "verify"], ""));
    // A second PC joins the moved office and sees the same queues.
    let pc2 = root.path().join("pc2");
    ok(run(
        &pc2,
        Some(&db.url),
        &["join", "--workstation", "07"],
        "",
    ));
    assert_eq!(list(&pc2).len(), after.len());
    // Moving into a database that already holds an office is refused, nothing touched.
    let pc3 = root.path().join("pc3");
    ok(run(&pc3, None, &["demo", "--requests", "5"], ""));
    let r = run(&pc3, Some(&db.url), &["move-to"], "");
    refused(&r);
    assert!(pc3.join("desk.sqlite").exists());
    // A backup of the office on the server: the office proved whole, then pg_dump's archive.
    let archive = root.path().join("office.dump");
    let out = ok(run(
        &pc2,
        None,
        &["backup", "--out", archive.to_str().unwrap()],
        "",
    ));
    let bytes = std::fs::read(&archive).unwrap();
    assert!(bytes.starts_with(b"PGDMP"), "{out:#?}");
    // One byte of a stored scan changed on the server: the backup says which, writes nothing.
    let sha: String = {
        let mut c = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
        let r = c
            .query_one(
                "UPDATE blob_chunks SET data = set_byte(data, 0, 255 - get_byte(data, 0))
                 WHERE (sha256, kind, n) = (SELECT sha256, kind, n FROM blob_chunks
                                            WHERE kind = 'attachment' ORDER BY sha256 LIMIT 1)
                 RETURNING sha256::text",
                &[],
            )
            .unwrap();
        r.get(0)
    };
    let second = root.path().join("office-2.dump");
    let r = run(
        &pc2,
        None,
        &["backup", "--out", second.to_str().unwrap()],
        "",
    );
    refused(&r);
    assert!(r.stderr.contains(&sha), "{r:#?}");
    assert!(!second.exists());
}
