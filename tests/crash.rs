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
