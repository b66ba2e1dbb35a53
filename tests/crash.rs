//! A process killed in the middle of `demo` leaves a database that opens, passes
//! `PRAGMA integrity_check` and the audit check, with no half-registered application.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio_desk::desk::{DataDir, Desk, Options, SystemClock};
use mio_desk::store::queue::{Query, Tab};

#[test]
fn killing_the_demo_midway_leaves_a_consistent_office() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mio-desk"))
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "demo",
            "--requests",
            "20000",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until some batches are committed, then kill without warning.
    let started = Instant::now();
    let db = data.join("desk.sqlite");
    while started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(300));
        let size = std::fs::metadata(data.join("desk.sqlite-wal"))
            .map(|m| m.len())
            .unwrap_or(0)
            + std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
        if size > 3_000_000 {
            break;
        }
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the demo finished before it was killed; make it bigger"
    );

    let desk = Desk::open(
        DataDir::new(&data),
        Arc::new(SystemClock),
        Options::default(),
    )
    .unwrap();
    assert!(desk.integrity_check().unwrap().is_empty());
    let verdict = desk.verify_audit().unwrap();
    assert!(verdict.problem.is_none(), "{verdict:?}");
    // Every application that exists is whole: journal entry, receipt, audit entry.
    let mut q = Query {
        tab: Some(Tab::All),
        limit: 500,
        ..Default::default()
    };
    let mut n = 0;
    loop {
        let page = desk.queue_as_operator(q.clone()).unwrap();
        for row in &page.rows {
            let v = desk.application_as_operator(&row.number).unwrap();
            assert!(
                v.documents.iter().any(|d| d.kind == "receipt"),
                "{} has no receipt",
                row.number
            );
            assert!(
                v.history.iter().any(|h| h.action == "register"),
                "{} has no audit entry",
                row.number
            );
            n += 1;
        }
        match page.next {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    assert!(n > 0, "nothing was committed before the kill");
    let journal = desk
        .journal_content(
            None,
            "in",
            chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap(),
        )
        .unwrap();
    if let mio_desk::domain::document::Body::JournalPage { rows, .. } = journal.body {
        assert_eq!(rows.len(), n, "journal entries and applications differ");
    }
}

// ---------------------------------------------------------------------------------------
// Issue 13: kill -9 during a restore, and during an exchange with the office on PostgreSQL.

fn mio(data: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mio-desk"));
    c.arg("--data-dir").arg(data).env("MIO_DESK_LANG", "ru");
    c
}

fn init_office(data: &std::path::Path, database: Option<&str>) {
    let mut c = mio(data);
    c.arg("init");
    if let Some(url) = database {
        c.args(["--database", url]);
    }
    let out = c
        .args([
            "--office-code",
            "0412",
            "--office-name-kk",
            "Ақсу ауданының жұмыспен қамту бөлімі",
            "--office-name-ru",
            "Отдел занятости Аксуского района",
            "--workstation",
            "01",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A restore killed while it unpacks leaves the office as it was, and its half-made copy is
/// gone at the next start.
#[test]
fn killing_a_restore_midway_leaves_the_office_and_no_copy() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    init_office(&data, None);
    // Bulk, so that the restore takes a moment: a large file among the scans.
    let bulk = data.join("attachments").join("zz");
    std::fs::create_dir_all(&bulk).unwrap();
    let big: Vec<u8> = (0..150u32 * 1024 * 1024)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    std::fs::write(bulk.join("bulk.bin"), &big).unwrap();
    drop(big);
    let backup = dir.path().join("office.backup");
    let out = mio(&data)
        .args(["backup", "--out", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let staging_of = |pid: u32| dir.path().join(format!(".data.restore-{pid}"));
    let mut child = mio(&data)
        .args(["restore", "--from", backup.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging = staging_of(child.id());
    let started = Instant::now();
    while !staging.join("desk.sqlite").exists() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the restore finished before it was killed"
    );
    assert!(
        staging.exists(),
        "no half-made copy to clean up: the test proves nothing"
    );
    // The next start: the office is as it was, the copy is gone.
    let out = mio(&data).args(["audit", "verify"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        !staging.exists(),
        "the killed restore's copy is still there"
    );
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restore"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// `mio-desk sync` killed in the middle of an exchange with the office on PostgreSQL: the next
/// exchange applies everything exactly once.
#[test]
fn killing_an_exchange_on_the_office_server_loses_and_doubles_nothing() {
    use std::io::Write as _;
    if !mio_desk::store::testing::available() {
        return;
    }
    const N: u32 = 300;
    let db = mio_desk::store::testing::TestDb::empty().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    init_office(&data, Some(&db.url));
    // The gateway, in this process.
    let gw_db = dir.path().join("gw.sqlite");
    let office_token = mio_desk::gateway::add_client(&gw_db, "0412").unwrap();
    let con_token = mio_desk::gateway::add_client(&gw_db, "con-0412").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(mio_desk::gateway::serve(
        listener,
        gw_db.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    let con = mio_desk::sync::client::Client::new(&url, &con_token);
    let ids: Vec<String> = rt.block_on(async {
        let mut envs = Vec::new();
        for i in 0..N {
            let birth = chrono::NaiveDate::from_ymd_opt(1981, 1, 1).unwrap()
                + chrono::Days::new(u64::from(i));
            let iin = (1..)
                .find_map(|s| {
                    mio_desk::domain::iin::Iin::compose(birth, mio_desk::domain::iin::Sex::Male, s)
                })
                .unwrap()
                .as_string();
            let sub = mio_desk::sync::Submission {
                office: "0412".into(),
                service: "unemployed_certificate".into(),
                iin,
                name: None,
                intake: None,
                attach: vec![],
            };
            envs.push(mio_desk::sync::prepare(&con, sub).await.unwrap());
        }
        for chunk in envs.chunks(100) {
            let refs: Vec<&mio_desk::sync::protocol::Envelope> = chunk.iter().collect();
            for a in con.send_batch(&refs).await.unwrap().unwrap() {
                a.unwrap();
            }
        }
        envs.into_iter().map(|e| e.message_id).collect()
    });
    let sync = |once: bool| {
        let mut c = mio(&data);
        c.args(["sync", "--gateway", &url, "--token-stdin"]);
        if once {
            c.arg("--once");
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.path().join("sync.log"))
            .unwrap();
        let mut child = c
            .stdin(Stdio::piped())
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{office_token}\n").as_bytes())
            .unwrap();
        child
    };
    // Killed without warning once part of the requests is in.
    let mut child = sync(false);
    let desk = Desk::open(
        DataDir::new(&data),
        Arc::new(SystemClock),
        Options::default(),
    )
    .unwrap();
    let applied = |d: &Desk| -> i64 { d.inbox_counts().unwrap().into_iter().map(|(_, n)| n).sum() };
    let started = Instant::now();
    while applied(&desk) < i64::from(N) / 3 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let at_kill = applied(&desk);
    assert!(
        at_kill > 0 && at_kill < i64::from(N),
        "killed at {at_kill} of {N}: the test proves nothing; the exchange said: {}",
        std::fs::read_to_string(dir.path().join("sync.log")).unwrap_or_default()
    );
    // The next exchanges (another PC may take over at once: the lock died with the process).
    for _ in 0..3 {
        let status = sync(true).wait().unwrap();
        if applied(&desk) == i64::from(N) && status.success() {
            break;
        }
    }
    let counts: std::collections::BTreeMap<String, i64> =
        desk.inbox_counts().unwrap().into_iter().collect();
    assert_eq!(counts.get("applied"), Some(&i64::from(N)), "{counts:?}");
    let gw = mio_desk::gateway::store::GatewayStore::open(&gw_db).unwrap();
    for id in &ids {
        assert_eq!(gw.by_id(id).unwrap().unwrap().state, "DELIVERED", "{id}");
        assert!(
            desk.store()
                .read(|r| mio_desk::store::apps::by_external_id(r, id))
                .unwrap()
                .is_some(),
            "{id} has no application"
        );
    }
    let apps: i64 = desk
        .store()
        .read(|r| {
            use mio_desk::store::Db;
            r.query_one("SELECT count(*) FROM applications", &[])?
                .get(0)
        })
        .unwrap();
    assert_eq!(apps, i64::from(N), "an application doubled");
    assert!(desk.verify_audit().unwrap().problem.is_none());
    let _ = stop.send(());
    rt.block_on(server).unwrap().unwrap();
    drop(desk);
}
